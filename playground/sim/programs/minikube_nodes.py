"""The workers behind minikube's multi-node commands (docker driver): `minikube start --nodes=N`,
`minikube node add|list|delete`, `minikube ip --node NAME` (the commands and the worker's start lines, as
minikube v1.37 prints them, are minikube.py's: cmd/minikube/cmd/node_add.go, node_list.go, node_delete.go,
pkg/minikube/node/start.go); here, adding workers and finding a node by its name or minikube's short name.

A worker is `minikube-m02`, `minikube-m03`, ... (nodes.py). A cluster started with --nodes >= 2 and no --cni
gets kindnet (minikube's cni.chooseDefault: multi-node needs a CNI that routes between nodes); one that
started with a single node keeps the bridge CNI, which `node add` warns about and which does not route
pod traffic between nodes (network.py says so when a packet tries).
"""
from __future__ import annotations

from .. import bootstrap, controllers, nodes
from ..proc import Proc


def add_workers(proc: Proc, count: int) -> list[str]:
    """Start `count` workers (their kube-proxy and CNI pods follow from the DaemonSets)."""
    added = []
    for _ in range(count):
        added.append(bootstrap.add_worker(proc.cluster))
    for ds in proc.cluster.list("daemonsets"):      # the DaemonSet controller watches nodes too
        proc.cluster.touch(ds)
    controllers.reconcile(proc.cluster)
    return added


def short(name: str) -> str:
    """`minikube-m02` -> `m02` (the node's name in minikube's config)."""
    return name[len(nodes.PRIMARY) + 1:] if name.startswith(nodes.PRIMARY + "-") else name


def find(proc: Proc, wanted: str) -> str | None:
    for name in nodes.names(proc.cluster):
        if wanted in (name, short(name)):
            return name
    return None


def node_ip(proc: Proc, args: list[str]) -> str | None:
    """`minikube ip [--node NAME | -n NAME]`: the address, or None after saying the node is unknown."""
    wanted = None
    for k, a in enumerate(args):
        if a in ("--node", "-n") and k + 1 < len(args):
            wanted = args[k + 1]
        elif a.startswith(("--node=", "-n=")):
            wanted = a.split("=", 1)[1]
    if wanted is None:
        return nodes.ip_of(proc.cluster, nodes.PRIMARY)
    name = find(proc, wanted)
    if name is None:
        proc.err(f"❌  Exiting due to GUEST_NODE_RETRIEVE: retrieving node: Could not find node {wanted}\n")
        return None
    return nodes.ip_of(proc.cluster, name)
