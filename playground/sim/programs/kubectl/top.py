"""`kubectl top pod|node`: "Metrics API not available" until the metrics-server addon is enabled (minikube's
default), then usage figures in kubectl's layout (top_pod.go / top_node.go print every value followed by a
tab, so the last column is padded too).

The figures are the playground's own, deterministic per pod (a running container uses a few millicores and
some MiB, more for bigger images); they are illustrations, not measurements.
"""
from __future__ import annotations

import zlib

from ... import resources as res
from ...printers.tabwriter import format_text
from ...validation import quantity
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .objrefs import select

NOT_AVAILABLE = "Metrics API not available"
NODE_BASE = (250, 700)            # millicores and MiB the control plane itself uses


def _available(inv: Invocation) -> None:
    if not inv.cluster.addons.get("metrics-server"):
        raise KubectlError(NOT_AVAILABLE)


def _usage(pod: dict, container: dict) -> tuple[int, int]:
    """(millicores, MiB) for one running container."""
    h = zlib.crc32(f"{pod['metadata'].get('uid')}/{container.get('name')}".encode())
    return 1 + h % 4, 3 + (h >> 8) % 12 + (20 if "kube-" in pod["metadata"]["name"] else 0)


def _running(pods: list[dict]) -> list[dict]:
    return [p for p in pods if (p.get("status") or {}).get("phase") == "Running"]


def _table(rows: list[list[str]]) -> str:
    return format_text("".join("".join(f"{c}\t" for c in r) + "\n" for r in rows), 6, 3)


@command("top pod", aliases=("top pods", "top po"), flags=flags_from_help("top pod"))
def top_pod(inv: Invocation) -> int:
    _available(inv)
    f = inv.flags
    pods = select(inv, res.lookup("pods"), f["selector"], f["all-namespaces"])
    if inv.args:
        pods = [p for p in pods if p["metadata"]["name"] == inv.args[0]]
        if not pods:
            raise KubectlError(f'pods "{inv.args[0]}" not found')
    pods = _running(pods)
    if not pods:
        inv.err("No resources found.\n" if f["all-namespaces"] else f"No resources found in {inv.namespace} "
                "namespace.\n")
        return 0
    lines = []
    for p in pods:
        per = [(c["name"], *_usage(p, c)) for c in p["spec"].get("containers", [])]
        lines.append((p, per, sum(u[1] for u in per), sum(u[2] for u in per)))
    if f["sort-by"] in ("cpu", "memory"):
        lines.sort(key=lambda x: x[2] if f["sort-by"] == "cpu" else x[3], reverse=True)
    elif f["sort-by"]:
        raise KubectlError("--sort-by accepts only cpu or memory")
    ns = ["NAMESPACE"] if f["all-namespaces"] else []
    head = ns + (["POD", "NAME"] if f["containers"] else ["NAME"]) + ["CPU(cores)", "MEMORY(bytes)"]
    rows = [] if f["no-headers"] else [head]
    for p, per, cpu, mem in lines:
        lead = [p["metadata"]["namespace"]] if f["all-namespaces"] else []
        if f["containers"]:
            rows += [lead + [p["metadata"]["name"], name, f"{c}m", f"{m}Mi"] for name, c, m in per]
        else:
            rows.append(lead + [p["metadata"]["name"], f"{cpu}m", f"{mem}Mi"])
    inv.out(_table(rows))
    return 0


@command("top node", aliases=("top nodes", "top no"), flags=flags_from_help("top node"))
def top_node(inv: Invocation) -> int:
    _available(inv)
    f = inv.flags
    pods = _running(inv.cluster.list("pods"))
    cpu = NODE_BASE[0] + sum(_usage(p, c)[0] for p in pods for c in p["spec"].get("containers", []))
    mem = NODE_BASE[1] + sum(_usage(p, c)[1] for p in pods for c in p["spec"].get("containers", []))
    rows = [] if f["no-headers"] else [["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]]
    for node in inv.cluster.list("nodes"):
        name = node["metadata"]["name"]
        if inv.args and name != inv.args[0]:
            continue
        key = "capacity" if f["show-capacity"] else "allocatable"
        alloc = (node.get("status") or {}).get(key) or {}
        cpu_total = float(quantity.parse(alloc.get("cpu", "1")) or 1) * 1000
        mem_total = float(quantity.parse(alloc.get("memory", "1Gi")) or 1) / 2 ** 20
        rows.append([name, f"{cpu}m", f"{int(cpu * 100 / cpu_total)}%", f"{mem}Mi", f"{int(mem * 100 / mem_total)}%"])
    if inv.args and len(rows) == (0 if f["no-headers"] else 1):
        raise KubectlError(f'nodes "{inv.args[0]}" not found')
    inv.out(_table(rows))
    return 0
