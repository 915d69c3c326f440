"""NetworkPolicies in the live diagram: per-object builders called by topology.build and topology_delta.

Elements: `networkpolicy/<ns>/<name>` nodes in their namespace's lane (data: the podSelector as text, the
policy types, one short line per rule, whether the cluster's CNI enforces it); an `isolates` edge from a
policy to each pod it selects (same namespace, pods on the pod network only), so a policy is drawn on the
pods it applies to. Whether a request was allowed or dropped rides on its trace (sim/policy.py).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .sim import policy
from .sim.labels import selector_matches
from .sim.labels import format_label_selector
from .topology_elements import SYSTEM_NAMESPACES, edge, node, obj_id

if TYPE_CHECKING:                    # only for annotations: topology imports this module
    from .topology import Context


def _selector_text(selector: dict | None) -> str:
    text = format_label_selector(selector)
    return "all pods" if text == "<none>" else text


def rules_text(spec: dict) -> list[str]:
    """One short line per rule, in podscape why's words: `ingress: allow from podSelector app=web on
    80/TCP`; a policy type with no rules denies everything."""
    lines = []
    for direction, word in (("Ingress", "from"), ("Egress", "to")):
        if direction not in policy.policy_types(spec):
            continue
        rules = spec.get(direction.lower()) or []
        if not rules:
            lines.append(f"{direction.lower()}: deny all")
        for rule in rules:
            peers = rule.get(word) or []
            who = "; ".join(policy.peer_text(p) for p in peers) if peers else "anywhere"
            ports = ",".join(policy.port_text(p) for p in rule.get("ports") or []) or "any port"
            lines.append(f"{direction.lower()}: allow {word} {who} on {ports}")
    return lines


def policy_element(ctx: "Context", np_: dict) -> dict:
    meta, spec = np_["metadata"], np_.get("spec") or {}
    ns = meta.get("namespace", "default")
    data = {"id": obj_id("networkpolicy", np_), "kind": "networkpolicy", "name": meta["name"],
            "namespace": ns, "label": meta["name"], "parent": ctx.lane(ns),
            "podSelector": _selector_text(spec.get("podSelector")),
            "policyTypes": ",".join(policy.policy_types(spec)), "rules": rules_text(spec),
            "enforced": ctx.enforced, "system": ns in SYSTEM_NAMESPACES}
    ctx.cause("networkpolicy", np_, data)
    return node(data, ["networkpolicy", "" if ctx.enforced else "not-enforced"])


def isolates_edge(ctx: "Context", np_: dict, pod: dict) -> dict | None:
    """A policy selects a pod (only ever in its own namespace, and only pods on the pod network)."""
    spec = np_.get("spec") or {}
    if np_["metadata"].get("namespace") != pod["metadata"].get("namespace") or not policy.on_pod_network(pod):
        return None
    if not selector_matches(spec.get("podSelector") or {}, pod["metadata"].get("labels") or {}):
        return None
    types = policy.policy_types(spec)
    return edge(obj_id("networkpolicy", np_), obj_id("pod", pod), "isolates",
                          policyTypes=",".join(types), label="/".join(t.lower() for t in types))
