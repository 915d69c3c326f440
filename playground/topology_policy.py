"""NetworkPolicies in the live diagram (registered into topology.NODE_BUILDERS / EDGE_BUILDERS).

Elements: `networkpolicy/<ns>/<name>` nodes (data: the podSelector as text, the policy types, whether the
cluster's CNI enforces it); an `isolates` edge from a policy to each pod it selects (same namespace, pods on
the pod network only), so a policy is drawn on the pods it applies to. Whether a request was allowed or
denied rides on its trace (verdict, and `why` from sim/policy.py).
"""
from __future__ import annotations

from typing import Iterable

from . import topology
from .sim import policy
from .sim.cluster import Cluster
from .sim.labels import selector_matches


def _selector_text(spec: dict) -> str:
    from .sim.printers.tables import format_label_selector
    text = format_label_selector(spec.get("podSelector"))
    return "all pods" if text == "<none>" else text


def _policies(cluster: Cluster) -> Iterable[dict]:
    on = policy.enforced(cluster)
    for np_ in cluster.list("networkpolicies"):
        meta, spec = np_["metadata"], np_.get("spec") or {}
        ns = meta.get("namespace", "default")
        types = policy.policy_types(spec)
        data = {"id": topology.obj_id("networkpolicy", np_), "kind": "networkpolicy", "name": meta["name"],
                "namespace": ns, "label": meta["name"], "podSelector": _selector_text(spec),
                "policyTypes": ",".join(types), "enforced": on, "system": ns == "kube-system"}
        yield {"group": "nodes", "data": data, "classes": "networkpolicy" + ("" if on else " not-enforced")}


def _policy_selects_pods(cluster: Cluster) -> Iterable[dict]:
    for np_ in cluster.list("networkpolicies"):
        spec = np_.get("spec") or {}
        ns = np_["metadata"].get("namespace", "default")
        types = policy.policy_types(spec)
        for pod in cluster.list("pods", ns):            # a policy only ever selects pods in its namespace
            if policy.on_pod_network(pod) and \
                    selector_matches(spec.get("podSelector") or {}, pod["metadata"].get("labels") or {}):
                yield topology._edge(topology.obj_id("networkpolicy", np_), topology.obj_id("pod", pod),
                                     "isolates", policyTypes=",".join(types), label="/".join(
                                         t.lower() for t in types))


topology.NODE_BUILDERS["networkpolicies"] = _policies
topology.EDGE_BUILDERS["policy-pods"] = _policy_selects_pods
