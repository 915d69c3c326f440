"""`kubectl expose TYPE NAME` / `TYPE/NAME`: a Service for an existing deployment, pod, service, replica set
or replication controller, built as kubectl's ServiceGeneratorV2 builds it.

Selector from the object (matchLabels, pod labels, the service's selector), port(s) from its containers
(or the service's ports) unless --port is given, labels copied from the object unless --labels.
"""
from __future__ import annotations

import re

from ... import apiserver, resources as res
from ...apierrors import ApiError
from ...jsondata import deep_copy
from .create import create_on_server, unreachable_error
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .objout import check_output, dry_run_strategy, print_created
from .run import merge_patch, parse_labels
from .record import record

EXPOSABLE = {"Pod", "Service", "ReplicationController", "Deployment", "ReplicaSet"}
NO_RESOURCES = ("You must provide one or more resources by argument or filename.\n"
                "Example resource specifications include:\n"
                "   '-f rsrc.yaml'\n"
                "   '--filename=rsrc.json'\n"
                "   '<resource> <name>'\n"
                "   '<resource>'")
SLASH_AND_TYPE = ("there is no need to specify a resource type as a separate argument when passing arguments in "
                  "resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource "
                  "resource/<resource_name>'")


def targets(args: list[str]) -> list[tuple[str, str]]:
    """ResourceTypeOrNameArgs: [(type, name)] from `TYPE NAME...` or `TYPE/NAME...`."""
    if not args:
        raise KubectlError(NO_RESOURCES)
    if any("/" in a for a in args):
        out = []
        for a in args:
            kind, slash, name = a.partition("/")
            if not slash:
                raise KubectlError(SLASH_AND_TYPE)
            if not kind or not name:
                raise KubectlError("arguments in resource/name form must have a single resource and name")
            out.append((kind, name))
        return out
    if len(args) == 1:
        raise KubectlError("resource(s) were provided, but no name was specified")
    return [(args[0], name) for name in args[1:]]


def selector_for(obj: dict) -> str:
    """MapBasedSelectorForObject, as `k=v,k2=v2`."""
    kind = obj["kind"]
    if kind == "Pod":
        labels = obj["metadata"].get("labels") or {}
        if not labels:
            raise KubectlError("couldn't retrieve selectors via --selector flag or introspection: the pod has no "
                               "labels and cannot be exposed")
        return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
    if kind in ("Service", "ReplicationController"):
        sel = obj.get("spec", {}).get("selector") or {}
        if not sel:
            what = "service" if kind == "Service" else "replication controller"
            raise KubectlError(f"couldn't retrieve selectors via --selector flag or introspection: the {what} has "
                               "no pod selector set")
        return ",".join(f"{k}={v}" for k, v in sorted(sel.items()))
    sel = obj.get("spec", {}).get("selector") or {}
    if sel.get("matchExpressions"):
        exprs = " ".join("{Key:%s Operator:%s Values:[%s]}" % (e.get("key", ""), e.get("operator", ""),
                                                              " ".join(e.get("values") or []))
                         for e in sel["matchExpressions"])
        raise KubectlError("couldn't retrieve selectors via --selector flag or introspection: couldn't convert "
                           f'expressions - "[{exprs}]" to map-based selector format')
    return ",".join(f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items()))


def _containers(obj: dict) -> list[dict]:
    if obj["kind"] == "Pod":
        return obj.get("spec", {}).get("containers") or []
    return ((obj.get("spec", {}).get("template") or {}).get("spec") or {}).get("containers") or []


def ports_for(obj: dict) -> list[tuple[str, str]]:
    """PortsForObject + ProtocolsForObject: [(port, protocol)] in order."""
    if obj["kind"] == "Service":
        return [(str(p.get("port")), p.get("protocol", "TCP")) for p in obj.get("spec", {}).get("ports") or []]
    return [(str(p.get("containerPort")), p.get("protocol", "TCP"))
            for c in _containers(obj) for p in c.get("ports") or []]


def _atoi(text: str) -> int:
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise KubectlError(f'strconv.Atoi: parsing "{text}": invalid syntax')
    return int(text)


def generate_service(inv: Invocation, obj: dict) -> dict:
    f = inv.flags
    name = f["name"] or obj["metadata"]["name"][:63]
    selector = parse_labels(f["selector"] or selector_for(obj))
    headless = f["cluster-ip"] == "None"
    object_ports = ports_for(obj)
    protocols: dict[str, list[str]] = {}          # port -> every protocol the object uses on it, in order
    for port, proto in object_ports:
        protocols.setdefault(port, []).append(proto)
    if f["port"]:
        port_list = f["port"].split(",")
    else:
        if not object_ports and not headless:
            raise KubectlError("couldn't find port via --port flag or introspection")
        port_list = list(protocols)
    labels_text = f["labels"] or ",".join(f"{k}={v}" for k, v in sorted((obj["metadata"].get("labels") or {}).items()))
    labels = parse_labels(labels_text) if labels_text else None
    ports = []
    for i, text in enumerate(port_list):
        number = _atoi(text)
        protos = [f["protocol"]] if f["protocol"] else protocols.get(text) or ["TCP"]
        for proto in protos:
            port: dict = {}
            if len(protos) > 1:               # one port, several protocols: port-1-udp, port-1-tcp
                port["name"] = f"port-{i + 1}-{proto.lower()}"
            elif len(port_list) > 1:
                port["name"] = f"port-{i + 1}"
            port["protocol"] = proto
            port["port"] = number
            ports.append(port)
    target = f["target-port"]
    for p in ports:
        if target:
            p["targetPort"] = int(target) if re.fullmatch(r"[+-]?[0-9]+", target) else target
        else:
            p["targetPort"] = p["port"]
    meta: dict = {"name": name}
    if labels:
        meta["labels"] = labels
    spec: dict = {"ports": ports, "selector": selector}
    if f["external-ip"]:
        spec["externalIPs"] = [f["external-ip"]]
    if f["type"]:
        spec["type"] = f["type"]
    if f["type"] == "LoadBalancer" and f["load-balancer-ip"]:
        spec["loadBalancerIP"] = f["load-balancer-ip"]
    if f["session-affinity"]:
        if f["session-affinity"] not in ("None", "ClientIP"):
            raise KubectlError(f"unknown session affinity: {f['session-affinity']}")
        spec["sessionAffinity"] = f["session-affinity"]
    if f["cluster-ip"]:
        spec["clusterIP"] = f["cluster-ip"]
    if not spec["ports"]:
        del spec["ports"]
    svc = {"kind": "Service", "apiVersion": "v1", "metadata": meta, "spec": spec, "status": {"loadBalancer": {}}}
    if f["overrides"]:
        import json
        try:
            svc = merge_patch(svc, json.loads(f["overrides"]))
        except ValueError as exc:
            raise KubectlError(str(exc))
    return svc


@command("expose", flags=flags_from_help("expose"), needs_server=False)
def expose(inv: Invocation) -> int:
    dry = dry_run_strategy(inv)
    check_output(inv)
    if not inv.cluster.running:          # even --dry-run=client reads the object from the server
        inv.err(unreachable_error(inv.cluster, 5))
        return 1
    if inv.flags["filename"]:
        raise KubectlError("expose -f is not available in the playground; name the object: kubectl expose TYPE NAME")
    pairs = targets(inv.args)
    resolved = []
    for kind, name in pairs:
        r = res.lookup(kind)
        if r is None:
            raise KubectlError(f'the server doesn\'t have a resource type "{kind}"')
        resolved.append((r, name))
    errors: list[str] = []
    code = 0
    for r, name in resolved:
        obj = inv.cluster.get(r.plural, inv.namespace if r.namespaced else None, name)
        if obj is None:
            errors.append(str(apiserver.not_found(r, name)))
            continue
        if r.kind not in EXPOSABLE:
            errors.append(f"error: cannot expose a {r.kind}{'.' + r.group if r.group else ''}")
            continue
        svc = generate_service(inv, deep_copy(obj))
        record(inv, svc)
        svc_r = res.lookup("services")
        if dry == "client":
            if inv.namespace_explicit:
                svc["metadata"]["namespace"] = inv.namespace
            print_created(inv, svc_r, svc, dry, verb="exposed")
            continue
        svc["metadata"]["namespace"] = inv.namespace
        try:
            stored = create_on_server(inv, svc, dry)
        except ApiError as exc:
            errors.append(str(exc))
            continue
        print_created(inv, svc_r, stored, dry, verb="exposed")
    if errors:
        inv.err("".join(e + "\n" for e in errors))
        code = 1
    return code
