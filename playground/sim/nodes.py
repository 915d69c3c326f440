"""The cluster's nodes: minikube's primary control-plane node and the workers `minikube start --nodes=N` and
`minikube node add` create (docker driver), and where the scheduler puts a pod.

Node N (N >= 2) is `minikube-m0N` (minikube's config.MachineName "%s-m%02d") at 192.168.49.(N+1) on the
`minikube` docker network, with podCIDR 10.244.(N-1).0/24 (kube-controller-manager --allocate-node-cidrs,
--cluster-cidr=10.244.0.0/16, /24 per node). Workers carry no node-role label (`kubectl get nodes` shows
ROLES <none>) and minikube.k8s.io/primary=false (bootstrap.add_worker makes their Node objects).

Scheduling follows kube-scheduler's default profile in outline: filter the nodes (cordon, NoSchedule and
NoExecute taints, nodeSelector, spec.nodeName), then score: PodTopologySpread's default constraints
spread pods of one owner across nodes, NodeResourcesFit's LeastAllocated favours the node with fewer pods
(best-effort pods count with the scheduler's non-zero default requests), and selectHost breaks ties at
random (the sandbox's seeded draw). With one node nothing is drawn, so single-node sandboxes replay as before.
"""
from __future__ import annotations

import ipaddress

from .cluster import Cluster

NODE_NAME = "minikube"          # the primary (control-plane) node
NODE_IP = "192.168.49.2"
PRIMARY = NODE_NAME


def name_of(index: int) -> str:
    return PRIMARY if index == 1 else f"{PRIMARY}-m{index:02d}"


def index_of(name: str) -> int:
    if name == PRIMARY:
        return 1
    tail = name.rsplit("-m", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def all_nodes(cluster: Cluster) -> list[dict]:
    return sorted(cluster.list("nodes"), key=lambda n: index_of(n["metadata"]["name"]))


def names(cluster: Cluster) -> list[str]:
    return [n["metadata"]["name"] for n in all_nodes(cluster)]


def multi(cluster: Cluster) -> bool:
    return len(cluster.list("nodes")) > 1


def ip_of(cluster: Cluster, name: str | None) -> str:
    node = cluster.get("nodes", None, name or PRIMARY)
    for a in ((node or {}).get("status") or {}).get("addresses") or []:
        if a.get("type") == "InternalIP":
            return a["address"]
    return NODE_IP


def ips(cluster: Cluster) -> set[str]:
    return {ip_of(cluster, n) for n in names(cluster)} or {NODE_IP}


def by_ip(cluster: Cluster, ip: str) -> str | None:
    if ip == NODE_IP:
        return PRIMARY if cluster.get("nodes", None, PRIMARY) is not None or not multi(cluster) else None
    for name in names(cluster):
        if ip_of(cluster, name) == ip:
            return name
    return None


def gateway_of(cluster: Cluster, name: str | None) -> str:
    """The node's bridge address on its pod subnet (what pods see as the client of SNATed traffic)."""
    node = cluster.get("nodes", None, name or PRIMARY)
    cidr = ((node or {}).get("spec") or {}).get("podCIDR") or "10.244.0.0/24"
    return str(ipaddress.ip_network(cidr).network_address + 1)


def node_of(pod: dict | None) -> str:
    return ((pod or {}).get("spec") or {}).get("nodeName") or PRIMARY


# ---- the scheduler ------------------------------------------------------------------------------------
def tolerates(pod: dict, taint: dict) -> bool:
    """v1 Toleration.ToleratesTaint."""
    for t in pod["spec"].get("tolerations") or []:
        if t.get("effect") and t["effect"] != taint.get("effect"):
            continue
        if t.get("operator") == "Exists":
            if not t.get("key") or t["key"] == taint.get("key"):
                return True
        elif t.get("key") == taint.get("key") and (t.get("value") or "") == (taint.get("value") or ""):
            return True
    return False


def misfit(pod: dict, node: dict) -> str | None:
    """Why `node` cannot take `pod`, in the scheduler's FailedScheduling words, or None."""
    spec = node.get("spec") or {}
    want = (pod.get("spec") or {}).get("nodeName")
    if want and want != node["metadata"]["name"]:
        return "node(s) didn't match the requested node name"
    if spec.get("unschedulable") and not tolerates(pod, {"key": "node.kubernetes.io/unschedulable",
                                                         "effect": "NoSchedule"}):
        return "node(s) were unschedulable"
    bad = [t for t in spec.get("taints") or [] if t.get("effect") in ("NoSchedule", "NoExecute")
           and not tolerates(pod, t)]
    if bad:
        return f"node(s) had untolerated taint {{{bad[0].get('key')}: {bad[0].get('value', '')}}}"
    selector = (pod.get("spec") or {}).get("nodeSelector") or {}
    labels = node["metadata"].get("labels") or {}
    if any(labels.get(k) != v for k, v in selector.items()):
        return "node(s) didn't match Pod's node affinity/selector"
    return None


def unschedulable(cluster: Cluster, pod: dict) -> str | None:
    """The FailedScheduling message when no node fits, else None."""
    nodes = all_nodes(cluster)
    reasons: dict[str, int] = {}
    for node in nodes:
        why = misfit(pod, node)
        if why is None:
            return None
        reasons[why] = reasons.get(why, 0) + 1
    if not nodes:
        return "no nodes available to schedule pods"
    n = len(nodes)
    text = ", ".join(f"{count} {why}" for why, count in sorted(reasons.items()))
    return (f"0/{n} nodes are available: {text}. preemption: 0/{n} nodes are available: {n} Preemption is not "
            "helpful for scheduling.")


def _siblings(pod: dict, other: dict) -> bool:
    ref = next((r for r in pod["metadata"].get("ownerReferences") or [] if r.get("controller")), None)
    if ref is not None:
        return any(r.get("uid") == ref.get("uid") for r in other["metadata"].get("ownerReferences") or [])
    labels = pod["metadata"].get("labels") or {}
    return bool(labels) and other["metadata"].get("labels") == labels


def pick(cluster: Cluster, pod: dict) -> str:
    """The node the scheduler binds a new pod to."""
    nodes = [n for n in all_nodes(cluster) if misfit(pod, n) is None]
    if len(nodes) <= 1:
        return nodes[0]["metadata"]["name"] if nodes else PRIMARY
    ns = pod["metadata"].get("namespace")
    score: dict[str, list[int]] = {n["metadata"]["name"]: [0, 0] for n in nodes}
    for other in cluster.list("pods"):
        where = score.get(node_of(other))
        if where is None or (other.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            continue
        where[1] += 1
        if other["metadata"].get("namespace") == ns and _siblings(pod, other):
            where[0] += 1
    best = min(score.values())
    top = [name for name, s in score.items() if s == best]
    return top[0] if len(top) == 1 else cluster.choice(top)


def allocate_ip(cluster: Cluster, pod: dict) -> str:
    """A pod's address: its node's for host-network pods, else the next free one in its node's podCIDR."""
    name = node_of(pod)
    if (pod.get("spec") or {}).get("hostNetwork"):
        return ip_of(cluster, name)
    if name == PRIMARY:
        return cluster.allocate_pod_ip()
    node = cluster.get("nodes", None, name)
    net = ipaddress.ip_network(((node or {}).get("spec") or {}).get("podCIDR") or "10.244.0.0/24")
    used = cluster.pod_index.ips
    for host in range(2, net.num_addresses - 1):
        ip = str(net.network_address + host)
        if ip not in used:
            return ip
    return cluster.allocate_pod_ip()

