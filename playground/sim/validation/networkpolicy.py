"""NetworkPolicy validation as v1.35's API server runs it (pkg/apis/networking/validation/validation.go:
ValidateNetworkPolicySpec, ValidateNetworkPolicyPort, ValidateNetworkPolicyPeer, ValidateIPBlock), in its
order: the podSelector, then per ingress rule its ports then its peers, the same for egress, then
policyTypes. Registered after networking.py (modules load alphabetically), so this one is in force.
"""
from __future__ import annotations

import ipaddress

from .meta import invalid, required, unsupported, validate_selector
from .pods import PORT_RANGE, PROTOCOLS, _port_name_errors  # noqa: F401

POLICY_TYPES = ["Ingress", "Egress"]
CIDR_MSG = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"


def _port_num(value: int, path: str) -> list[str]:
    return [] if 1 <= value <= 65535 else [invalid(path, value, PORT_RANGE)]


def validate_port(p: dict, path: str) -> list[str]:
    causes = []
    proto = p.get("protocol")
    if proto is not None and proto not in PROTOCOLS:
        causes.append(unsupported(f"{path}.protocol", proto, ["TCP", "UDP", "SCTP"]))   # unsorted, as given
    port, end = p.get("port"), p.get("endPort")
    if port is not None:
        if isinstance(port, int) and not isinstance(port, bool):
            causes += _port_num(port, f"{path}.port")
            if end is not None:
                if end < port:
                    causes.append(invalid(f"{path}.endPort", end, "must be greater than or equal to `port`"))
                causes += _port_num(end, f"{path}.endPort")
        else:
            if end is not None:
                causes.append(invalid(f"{path}.endPort", end, "may not be specified when `port` is non-numeric"))
            causes += [invalid(f"{path}.port", str(port), m) for m in _port_name_errors(str(port))]
    elif end is not None:
        causes.append(invalid(f"{path}.endPort", end, "may not be specified when `port` is not specified"))
    return causes


def _network(text: str):
    try:
        return ipaddress.ip_network(text, strict=False)
    except (ValueError, TypeError):
        return None


def validate_ipblock(block: dict, path: str) -> list[str]:
    cidr = block.get("cidr") or ""
    if not cidr:
        return [required(f"{path}.cidr")]
    net = _network(cidr)
    if net is None:
        return [invalid(f"{path}.cidr", cidr, CIDR_MSG)]
    causes = []
    for j, ex in enumerate(block.get("except") or []):
        ep = f"{path}.except[{j}]"
        exn = _network(ex)
        if exn is None:
            causes.append(invalid(ep, ex, CIDR_MSG))
            continue
        # strict subset: inside the cidr and a longer prefix (ValidateIPBlock)
        if exn.version != net.version or exn.network_address not in net or net.prefixlen >= exn.prefixlen:
            causes.append(invalid(ep, ex, "must be a strict subset of `cidr`"))
    return causes


def validate_peer(peer: dict, path: str) -> list[str]:
    causes, count = [], 0
    if peer.get("podSelector") is not None:
        count += 1
        causes += validate_selector(peer["podSelector"], f"{path}.podSelector")
    if peer.get("namespaceSelector") is not None:
        count += 1
        causes += validate_selector(peer["namespaceSelector"], f"{path}.namespaceSelector")
    if peer.get("ipBlock") is not None:
        count += 1
        causes += validate_ipblock(peer["ipBlock"] or {}, f"{path}.ipBlock")
    if count == 0:
        causes.append(f"{path}: Required value: must specify a peer")
    elif count > 1 and peer.get("ipBlock") is not None:
        causes.append(f"{path}: Forbidden: may not specify both ipBlock and another peer")
    return causes


def validate_networkpolicy(cluster, obj: dict, old: dict | None) -> list[str]:
    spec = obj.get("spec") or {}
    causes = validate_selector(spec.get("podSelector"), "spec.podSelector")
    for direction, key in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(spec.get(direction) or []):
            rule = rule or {}
            for j, p in enumerate(rule.get("ports") or []):
                causes += validate_port(p or {}, f"spec.{direction}[{i}].ports[{j}]")
            for j, peer in enumerate(rule.get(key) or []):
                causes += validate_peer(peer or {}, f"spec.{direction}[{i}].{key}[{j}]")
    types = spec.get("policyTypes") or []
    if len(types) > len(POLICY_TYPES):
        causes.append(invalid("spec.policyTypes", types, "may not specify more than two policyTypes"))
        return causes
    for i, t in enumerate(types):
        if t not in POLICY_TYPES:
            causes.append(unsupported(f"spec.policyTypes[{i}]", t, POLICY_TYPES))
    return causes
