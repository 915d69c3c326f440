"""minikube's multi-node commands (docker driver): `minikube start --nodes=N`, `minikube node add|list|delete`,
`minikube ip --node NAME`, as minikube v1.37 prints them (cmd/minikube/cmd/node_add.go, node_list.go,
node_delete.go; pkg/minikube/node/start.go for the worker's start lines).

A worker is `minikube-m02`, `minikube-m03`, ... (nodes.py). A cluster started with --nodes >= 2 and no --cni
gets kindnet (minikube's cni.chooseDefault: multi-node needs a CNI that routes between nodes); one that
started with a single node keeps the bridge CNI, which `node add` warns about and which does not route
pod traffic between nodes (network.py says so when a packet tries).
"""
from __future__ import annotations

from .. import bootstrap, controllers, nodes
from ..proc import Proc


def worker_start_lines(proc: Proc, name: str, primary_ip: str, with_proxy_env: bool) -> None:
    from .minikube import CPUS, K8S_VERSION, KIC_VERSION, MEMORY_MB, PROFILE, _docker_version
    out = proc.out
    out(f'👍  Starting "{name}" worker node in "{PROFILE}" cluster\n')
    out(f"🚜  Pulling base image {KIC_VERSION} ...\n")
    out(f"🔥  Creating docker container (CPUs={CPUS}, Memory={MEMORY_MB}MB) ...\n")
    if with_proxy_env:
        out(f"🌐  Found network options:\n    ▪ NO_PROXY={primary_ip}\n")
    out(f"🐳  Preparing Kubernetes {K8S_VERSION} on Docker {_docker_version(proc.cluster)} ...\n")
    if with_proxy_env:
        out(f"    ▪ env NO_PROXY={primary_ip}\n")
    out("🔎  Verifying Kubernetes components...\n")


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


def do_node(proc: Proc, args: list[str]) -> int:
    from .minikube import PROFILE, _need_running
    sub, rest = (args[0], args[1:]) if args else ("", [])
    if sub not in ("add", "list", "delete", "start", "stop"):
        proc.err("Error: unknown command \"%s\" for \"minikube node\"\nRun 'minikube node --help' for usage.\n" % sub
                 if sub else "podscape: `minikube node` needs a subcommand: add, list or delete.\n")
        return 1
    code = _need_running(proc)
    if code is not None:
        return code
    cluster = proc.cluster
    if sub == "list":
        for name in nodes.names(cluster):
            proc.out(f"{name}\t{nodes.ip_of(cluster, name)}\n")
        return 0
    if sub == "add":
        if rest and rest[0] not in ("--worker", "--worker=true"):
            proc.err(f"podscape: `minikube node add {' '.join(rest)}` is not simulated; workers only.\n")
            return 1
        index = max(nodes.index_of(n) for n in nodes.names(cluster)) + 1
        label = f"m{index:02d}"
        proc.out(f"😄  Adding node {label} to cluster {PROFILE} as [worker]\n")
        if (cluster.cni or "") == "":
            proc.err("❗  Cluster was created without any CNI, adding a node to it might cause broken networking.\n")
        worker_start_lines(proc, nodes.name_of(index), nodes.ip_of(cluster, nodes.PRIMARY), False)
        add_workers(proc, 1)
        proc.out(f"🏄  Successfully added {label} to {PROFILE}!\n")
        return 0
    if sub == "delete":
        if len(rest) != 1:
            proc.err("❌  Exiting due to MK_USAGE: Usage: minikube node delete [name]\n")
            return 1
        found = find(proc, rest[0])
        if found is None or found == nodes.PRIMARY:
            proc.err(f"❌  Exiting due to GUEST_NODE_RETRIEVE: retrieving node: Could not find node {rest[0]}\n")
            return 85
        name = found
        proc.out(f"🔥  Deleting node {short(name)} from cluster {PROFILE}\n")
        proc.out(f'✋  Stopping node "{name}"  ...\n🛑  Powering off "{name}" via SSH ...\n')
        proc.out(f'🔥  Deleting "{name}" in docker ...\n')
        bootstrap.remove_worker(cluster, name)
        controllers.reconcile(cluster)
        proc.out(f"💀  Node {short(name)} was successfully deleted.\n")
        return 0
    proc.err(f"podscape: `minikube node {sub}` is not simulated; use `minikube node add` or `delete`.\n")
    return 1


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
