"""NetworkPolicies in the live diagram: per-object builders called by topology.build and topology_delta.

Elements: `networkpolicy/<ns>/<name>` nodes in their namespace's lane (data: the podSelector as text, the
policy types, one short line per rule, whether the cluster's CNI enforces it); an `isolates` edge from a
policy to each pod it selects (same namespace, pods on the pod network only), so a policy is drawn on the
pods it applies to. Whether a request was allowed or dropped rides on its trace (sim/policy.py).
"""
from __future__ import annotations

from . import topology
from .sim import policy
from .sim.labels import selector_matches
from .sim.printers.tables import format_label_selector


def _selector_text(selector: dict | None, everything: str = "all pods") -> str:
    text = format_label_selector(selector)
    return everything if text == "<none>" else text


def _peer_text(peer: dict) -> str:
    if "ipBlock" in peer:
        block = peer["ipBlock"]
        except_ = block.get("except") or []
        return block.get("cidr", "") + (f" except {','.join(except_)}" if except_ else "")
    parts = []
    if "namespaceSelector" in peer:
        parts.append("namespaces " + _selector_text(peer.get("namespaceSelector"), "any"))
    if "podSelector" in peer:
        parts.append("pods " + _selector_text(peer.get("podSelector")))
    return " and ".join(parts) or "anywhere"


def _ports_text(ports: list[dict] | None) -> str:
    if not ports:
        return "any port"
    return ",".join(f"{p.get('port', 'any')}{'-' + str(p['endPort']) if p.get('endPort') else ''}"
                    f"/{p.get('protocol', 'TCP')}" for p in ports)


def rules_text(spec: dict) -> list[str]:
    """One short line per rule: `allow from pods app=web on 80/TCP`; a type with no rules denies all."""
    lines = []
    for direction, word, peers_key in (("Ingress", "from", "from"), ("Egress", "to", "to")):
        if direction not in policy.policy_types(spec):
            continue
        rules = spec.get(direction.lower()) or []
        if not rules:
            lines.append(f"{direction.lower()}: deny all")
        for rule in rules:
            peers = rule.get(peers_key) or []
            who = "; ".join(_peer_text(p) for p in peers) if peers else "anywhere"
            lines.append(f"{direction.lower()}: allow {word} {who} on {_ports_text(rule.get('ports'))}")
    return lines


def policy_element(ctx: "topology.Context", np_: dict) -> dict:
    meta, spec = np_["metadata"], np_.get("spec") or {}
    ns = meta.get("namespace", "default")
    data = {"id": topology.obj_id("networkpolicy", np_), "kind": "networkpolicy", "name": meta["name"],
            "namespace": ns, "label": meta["name"], "parent": ctx.lane(ns),
            "podSelector": _selector_text(spec.get("podSelector")),
            "policyTypes": ",".join(policy.policy_types(spec)), "rules": rules_text(spec),
            "enforced": ctx.enforced, "system": ns in topology.SYSTEM_NAMESPACES}
    topology._cause(ctx, "networkpolicy", np_, data)
    return topology._node(data, ["networkpolicy", "" if ctx.enforced else "not-enforced"])


def isolates_edge(ctx: "topology.Context", np_: dict, pod: dict) -> dict | None:
    """A policy selects a pod (only ever in its own namespace, and only pods on the pod network)."""
    spec = np_.get("spec") or {}
    if np_["metadata"].get("namespace") != pod["metadata"].get("namespace") or not policy.on_pod_network(pod):
        return None
    if not selector_matches(spec.get("podSelector") or {}, pod["metadata"].get("labels") or {}):
        return None
    types = policy.policy_types(spec)
    return topology._edge(topology.obj_id("networkpolicy", np_), topology.obj_id("pod", pod), "isolates",
                          policyTypes=",".join(types), label="/".join(t.lower() for t in types))
