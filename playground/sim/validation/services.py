"""Service validation and IP/port allocation, as the API server's ValidateService and service REST do it.

Validation (field errors, worded as pkg/apis/core/validation does) then allocation checks: a requested
clusterIP must lie in 10.96.0.0/12 and be free; a requested nodePort in 30000-32767 and free. The
allocator then hands out a random free clusterIP and nodePorts, keeping what an update already had.
"""
from __future__ import annotations

import ipaddress
import re

from ..cluster import NODE_PORT_RANGE, SERVICE_CIDR, Cluster

TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
PROTOCOLS = ["SCTP", "TCP", "UDP"]
AFFINITIES = ["ClientIP", "None"]
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
PORT_RANGE_MSG = "must be between 1 and 65535, inclusive"
LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
             "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
             "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                 "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                 "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")


def _v(value) -> str:
    """field.Invalid's rendering of a value: strings quoted, numbers bare."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def invalid(path: str, value, detail: str) -> str:
    return f"{path}: Invalid value: {_v(value)}: {detail}"


def unsupported(path: str, value, supported: list[str]) -> str:
    return f"{path}: Unsupported value: {_v(value)}: supported values: " + ", ".join(f'"{s}"' for s in supported)


def port_name_errors(name: str) -> list[str]:
    """validation.IsValidPortName (an IANA_SVC_NAME)."""
    errs = []
    if len(name) > 15:
        errs.append("must be no more than 15 characters")
    if not re.fullmatch(r"[-a-z0-9]+", name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search(r"[a-z]", name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name.startswith("-") or name.endswith("-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _ports(spec: dict, svc_type: str) -> list[str]:
    causes: list[str] = []
    ports = spec.get("ports") or []
    headless = spec.get("clusterIP") == "None"
    if not ports and svc_type != "ExternalName" and not headless:
        causes.append("spec.ports: Required value")
    names: set[str] = set()
    seen: set[tuple] = set()
    node_ports: set[tuple] = set()
    for i, p in enumerate(ports):
        path = f"spec.ports[{i}]"
        name = p.get("name", "")
        if len(ports) > 1 and not name:
            causes.append(f"{path}.name: Required value")
        elif name:
            if len(name) > 63 or not DNS1123_LABEL.match(name):
                causes.append(invalid(f"{path}.name", name, LABEL_MSG))
            elif name in names:
                causes.append(f'{path}.name: Duplicate value: "{name}"')
            names.add(name)
        port = p.get("port")
        if not _is_int(port) or not 1 <= port <= 65535:
            causes.append(invalid(f"{path}.port", port if port is not None else 0, PORT_RANGE_MSG))
        protocol = p.get("protocol", "TCP")
        if protocol not in PROTOCOLS:
            causes.append(unsupported(f"{path}.protocol", protocol, PROTOCOLS))
        target = p.get("targetPort")
        if _is_int(target):
            if not 1 <= target <= 65535:
                causes.append(invalid(f"{path}.targetPort", target, PORT_RANGE_MSG))
        elif isinstance(target, str):
            for msg in port_name_errors(target):
                causes.append(invalid(f"{path}.targetPort", target, msg))
        node_port = p.get("nodePort")
        if node_port and svc_type in ("ClusterIP", "ExternalName"):
            causes.append(f"{path}.nodePort: Forbidden: may not be used when `type` is '{svc_type}'")
        elif node_port is not None and (not _is_int(node_port) or not 0 <= node_port <= 65535):
            causes.append(invalid(f"{path}.nodePort", node_port, PORT_RANGE_MSG))
        if node_port and (node_port, protocol) in node_ports:
            causes.append(f"{path}.nodePort: Duplicate value: {node_port}")
        node_ports.add((node_port, protocol))
        key = (port, protocol)
        if key in seen:
            causes.append(f'{path}: Duplicate value: core.ServicePort{{Name:"", Protocol:"{protocol}", '
                          f'AppProtocol:(*string)(nil), Port:{port}, TargetPort:intstr.IntOrString{{Type:0, '
                          f'IntVal:0, StrVal:""}}, NodePort:0}}')
        seen.add(key)
    return causes


def _selector(spec: dict) -> list[str]:
    causes = []
    for k, v in sorted((spec.get("selector") or {}).items()):
        if not isinstance(v, str) or len(v) > 63 or not re.fullmatch(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?", v):
            causes.append(invalid("spec.selector", v, "a valid label must be an empty string or consist of "
                                  "alphanumeric characters, '-', '_' or '.', and must start and end with an "
                                  "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
                                  "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"))
    return causes


def _cluster_ip(cluster: Cluster, obj: dict, old: dict | None) -> list[str]:
    spec = obj["spec"]
    svc_type = spec.get("type", "ClusterIP")
    ip = spec.get("clusterIP", "")
    if svc_type == "ExternalName":
        return []
    if old is not None and old.get("spec", {}).get("clusterIP") and ip and ip != old["spec"]["clusterIP"]:
        return [f'spec.clusterIPs[0]: Invalid value: []string{{"{ip}"}}: may not change once set',
                invalid("spec.clusterIP", ip, "field is immutable")]
    if not ip or (old is not None and ip == old.get("spec", {}).get("clusterIP")):
        return []
    if ip == "None":
        if svc_type != "ClusterIP":
            return [invalid("spec.clusterIPs[0]", "None", f"may not be set to 'None' for {svc_type} services")]
        return []
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return [invalid("spec.clusterIPs[0]", ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")]
    if addr not in SERVICE_CIDR or addr in (SERVICE_CIDR.network_address, SERVICE_CIDR.broadcast_address):
        return [invalid("spec.clusterIPs[0]", ip, f"failed to allocate IP {ip}: the provided IP ({ip}) is not in "
                        f"the valid range. The range of valid IPs is {SERVICE_CIDR}")]
    if ip in cluster.allocated_cluster_ips():
        return [invalid("spec.clusterIPs[0]", ip, f"failed to allocate IP {ip}: provided IP is already allocated")]
    return []


def _own_node_ports(old: dict | None) -> set[int]:
    if old is None:
        return set()
    return {p["nodePort"] for p in old.get("spec", {}).get("ports", []) or [] if p.get("nodePort")}


def _node_ports(cluster: Cluster, obj: dict, old: dict | None) -> list[str]:
    spec = obj["spec"]
    if spec.get("type") not in ("NodePort", "LoadBalancer"):
        return []
    lo, hi = NODE_PORT_RANGE
    used = cluster.allocated_node_ports() - _own_node_ports(old)
    causes = []
    mine: set[int] = set()
    for i, p in enumerate(spec.get("ports") or []):
        np = p.get("nodePort")
        if not np or not _is_int(np):
            continue
        path = f"spec.ports[{i}].nodePort"
        if not lo <= np <= hi:
            causes.append(invalid(path, np, f"provided port is not in the valid range. The range of valid ports "
                                            f"is {lo}-{hi}"))
        elif np in used:
            causes.append(invalid(path, np, "provided port is already allocated"))
        mine.add(np)
    return causes


def _carry_over(obj: dict, old: dict | None) -> None:
    """patchAllocatedValues/dropTypeDependentFields: an update keeps the old clusterIP and nodePorts."""
    if old is None:
        return
    spec, old_spec = obj["spec"], old.get("spec", {})
    svc_type = spec.get("type", "ClusterIP")
    if svc_type != "ExternalName" and not spec.get("clusterIP") and old_spec.get("clusterIP"):
        spec["clusterIP"] = old_spec["clusterIP"]
        spec["clusterIPs"] = list(old_spec.get("clusterIPs") or [old_spec["clusterIP"]])
    old_ports = {(p.get("port"), p.get("protocol", "TCP")): p.get("nodePort")
                 for p in old_spec.get("ports", []) or []}
    for p in spec.get("ports") or []:
        was = old_ports.get((p.get("port"), p.get("protocol", "TCP")))
        if svc_type in ("NodePort", "LoadBalancer"):
            if not p.get("nodePort") and was:
                p["nodePort"] = was
        elif p.get("nodePort") and p.get("nodePort") == was:
            del p["nodePort"]          # NodePort -> ClusterIP drops the allocated ports


def validate_service(cluster: Cluster, obj: dict, old: dict | None) -> list[str]:
    spec = obj.setdefault("spec", {})
    _carry_over(obj, old)
    causes: list[str] = []
    svc_type = spec.get("type", "ClusterIP")
    if svc_type not in TYPES:
        return [unsupported("spec.type", svc_type, TYPES)]
    if svc_type == "ExternalName":
        ext = spec.get("externalName", "")
        if not ext:
            causes.append("spec.externalName: Required value")
        elif len(ext) > 253 or not DNS1123_SUBDOMAIN.match(ext.rstrip(".")):
            causes.append(invalid("spec.externalName", ext, SUBDOMAIN_MSG))
    causes += _ports(spec, svc_type)
    affinity = spec.get("sessionAffinity", "None")
    if affinity not in AFFINITIES:
        causes.append(unsupported("spec.sessionAffinity", affinity, AFFINITIES))
    causes += _selector(spec)
    if causes:
        return causes
    return _cluster_ip(cluster, obj, old) + _node_ports(cluster, obj, old)


def allocate_service(cluster: Cluster, obj: dict, old: dict | None) -> None:
    spec = obj["spec"]
    svc_type = spec.get("type", "ClusterIP")
    if svc_type == "ExternalName":
        spec.pop("clusterIP", None)
        spec.pop("clusterIPs", None)
        return
    if not spec.get("clusterIP"):
        spec["clusterIP"] = cluster.allocate_cluster_ip()
    spec["clusterIPs"] = [spec["clusterIP"]]
    if svc_type in ("NodePort", "LoadBalancer"):
        taken = set()
        for p in spec.get("ports") or []:
            if not p.get("nodePort"):
                port = cluster.allocate_node_port()
                while port in taken:
                    port = cluster.allocate_node_port()
                p["nodePort"] = port
            taken.add(p["nodePort"])
