"""The node's own programs: hostname, whoami, ip, crictl (cri-tools v1.35.0), docker ps (the node's docker
runtime, with cri-dockerd's k8s_ container names), iptables / iptables-save (kube-proxy's nat rules).

crictl (cmd/crictl/container.go and sandbox.go): a tabwriter with minwidth 20, tabwidth 1, padding 3
(display.go newDefaultTableDisplay); IDs cut to 13 characters (getTruncatedID), the image as its image id's
hex, CREATED as go-units HumanDuration + " ago", newest first; `crictl pods` shows the sandbox state Ready
or NotReady and the runtime handler "(default)". cri-dockerd names the docker containers
k8s_<container>_<pod>_<namespace>_<uid>_<attempt> and the sandboxes k8s_POD_<pod>_<namespace>_<uid>_0
(pkg/kubelet/dockershim naming, kept by cri-dockerd); sandboxes run registry.k8s.io/pause (3.10.1 for
Kubernetes v1.35) with command "/pause".
"""
from __future__ import annotations

from ... import images, nodes, processes
from ...cluster import parse_rfc3339
from ...printers.tabwriter import rows_text
from ..docker import human_duration
from . import USER, node_program, stable_hex
from .kubeproxy import VERSION, listing, save

PAUSE_IMAGE = "registry.k8s.io/pause:3.10.1"
ENTRYPOINTS = {"registry.k8s.io/coredns/coredns": ["/coredns"]}    # the images' ENTRYPOINT, for docker ps


def _pods(proc) -> list[dict]:
    return [p for p in proc.cluster.list("pods") if nodes.node_of(p) == proc.node
            and p.get("status", {}).get("phase") in ("Running", "Pending", "Succeeded", "Failed")
            and (p.get("status") or {}).get("containerStatuses")]


def _ts(value: str | None, default: float) -> float:
    try:
        return parse_rfc3339(value) if value else default
    except (ValueError, TypeError):
        return default


def _containers(proc) -> list[dict]:
    """Every container the runtime has on this node: sandboxes and the pods' containers."""
    out = []
    now = proc.cluster.now
    for pod in _pods(proc):
        meta, status = pod["metadata"], pod["status"]
        uid = meta.get("uid", "")
        born = _ts(status.get("startTime") or meta.get("creationTimestamp"), now)
        ready = status.get("phase") == "Running"
        out.append({"id": stable_hex("sandbox", uid), "sandbox": True, "pod": pod, "created": born,
                    "running": ready, "name": f"k8s_POD_{meta['name']}_{meta['namespace']}_{uid}_0",
                    "image": PAUSE_IMAGE, "command": "/pause"})
        specs = {c["name"]: c for c in pod["spec"].get("containers", [])}
        for cs in status.get("containerStatuses") or []:
            state = cs.get("state") or {}
            if "waiting" in state and "containerID" not in cs:
                continue
            started = _ts((state.get("running") or state.get("terminated") or {}).get("startedAt"), born)
            spec = specs.get(cs["name"], {})
            entry = ENTRYPOINTS.get(images.repository(spec.get("image", "")))
            if entry and not spec.get("command"):
                argv = entry + list(spec.get("args") or [])
            else:
                argv = processes.command_line(spec) or list(spec.get("command") or []) + list(spec.get("args") or [])
            attempt = int(cs.get("restartCount", 0))
            out.append({"id": cs.get("containerID", "").split("://", 1)[-1] or stable_hex("c", uid, cs["name"]),
                        "sandbox": False, "pod": pod, "created": started, "running": "running" in state,
                        "name": f"k8s_{cs['name']}_{meta['name']}_{meta['namespace']}_{uid}_{attempt}",
                        "container": cs["name"], "attempt": attempt, "command": " ".join(argv),
                        "image": stable_hex("image", spec.get("image", "")),
                        "sandbox_id": stable_hex("sandbox", uid)})
    out.sort(key=lambda c: (-c["created"], c["name"]))
    return out


@node_program("hostname")
def hostname(proc) -> int:
    args = proc.argv[1:]
    if "-I" in args or "--all-ip-addresses" in args:
        gateway = nodes.gateway_of(proc.cluster, proc.node)
        proc.out(f"{nodes.ip_of(proc.cluster, proc.node)} 172.17.0.1 {gateway} \n")
        return 0
    if "-i" in args:
        proc.out(f"{nodes.ip_of(proc.cluster, proc.node)}\n")
        return 0
    proc.out(proc.node + "\n")
    return 0


@node_program("whoami")
def whoami(proc) -> int:
    proc.out(("root" if getattr(proc, "as_root", False) else USER) + "\n")
    return 0


@node_program("ip")
def ip(proc) -> int:
    """iproute2's `ip addr` / `ip -4 addr` / `ip route` for the node's loopback and its docker-network eth0."""
    args = [a for a in proc.argv[1:]]
    four = "-4" in args
    args = [a for a in args if a not in ("-4", "-br", "-c")]
    obj = args[0] if args else ""
    cluster = proc.cluster
    addr = nodes.ip_of(cluster, proc.node)
    last = int(addr.rsplit(".", 1)[1])
    if obj in ("a", "addr", "address") and (len(args) == 1 or args[1:2] in (["show"], ["list"])):
        wanted = args[2] if len(args) > 2 and args[1] in ("show", "list") else None
        mac = "02:42:c0:a8:31:%02x" % last
        blocks = {"lo": ("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n"
                         "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n",
                         "    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n",
                         "    inet6 ::1/128 scope host \n       valid_lft forever preferred_lft forever\n"),
                  "eth0": (f"{last + 20}: eth0@if{last + 21}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue "
                           f"state UP group default \n    link/ether {mac} brd ff:ff:ff:ff:ff:ff link-netnsid 0\n",
                           f"    inet {addr}/24 brd 192.168.49.255 scope global eth0\n"
                           "       valid_lft forever preferred_lft forever\n", "")}
        if wanted is not None and wanted not in blocks:
            proc.err(f'Device "{wanted}" does not exist.\n')
            return 1
        for name, (head, v4, v6) in blocks.items():
            if wanted in (None, name):
                if four:
                    proc.out(head.split("\n")[0] + "\n" + v4)
                else:
                    proc.out(head + v4 + v6)
        return 0
    if obj in ("r", "route") and len(args) <= 2:
        proc.out(f"default via 192.168.49.1 dev eth0 \n192.168.49.0/24 dev eth0 proto kernel scope link src {addr} \n")
        return 0
    proc.err(f"podscape: `ip {' '.join(proc.argv[1:])}` is not simulated on the node; try `ip addr` or "
             "`ip route`\n")
    return 1


@node_program("crictl")
def crictl(proc) -> int:
    args = proc.argv[1:]
    sub = args[0] if args else ""
    flags = set(args[1:])
    quiet = bool(flags & {"-q", "--quiet"})
    everything = bool(flags & {"-a", "--all"})
    no_trunc = "--no-trunc" in flags
    now = proc.cluster.now

    def cut(value: str) -> str:
        return value if no_trunc else value[:13]
    if sub == "ps":
        rows = [c for c in _containers(proc) if not c["sandbox"] and (everything or c["running"])]
        if quiet:
            proc.out("".join(c["id"] + "\n" for c in rows))
            return 0
        table = [["CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD", "NAMESPACE"]]
        for c in rows:
            meta = c["pod"]["metadata"]
            table.append([cut(c["id"]), cut(c["image"]), human_duration(now - c["created"]) + " ago",
                          "Running" if c["running"] else "Exited", c["container"], str(c["attempt"]),
                          cut(c["sandbox_id"]), meta["name"], meta["namespace"]])
        proc.out(rows_text(table, 20, 3))
        return 0
    if sub == "pods":
        rows = [c for c in _containers(proc) if c["sandbox"]]
        if quiet:
            proc.out("".join(c["id"] + "\n" for c in rows))
            return 0
        table = [["POD ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME"]]
        for c in rows:
            meta = c["pod"]["metadata"]
            table.append([cut(c["id"]), human_duration(now - c["created"]) + " ago",
                          "Ready" if c["running"] else "NotReady", meta["name"], meta["namespace"], "0", "(default)"])
        proc.out(rows_text(table, 20, 3))
        return 0
    proc.err(f"podscape: `crictl {' '.join(args)}` is not simulated; try `crictl ps [-a]` or `crictl pods`\n")
    return 1


@node_program("docker")
def docker(proc) -> int:
    """`docker ps [-a] [-q]` on the node: what the runtime runs for Kubernetes."""
    args = proc.argv[1:]
    if not args or args[0] != "ps" or any(a not in ("-a", "--all", "-q", "--quiet", "--no-trunc") for a in args[1:]):
        proc.err(f"podscape: `docker {' '.join(args)}` is not simulated on the node; try `docker ps`\n")
        return 1
    flags = set(args[1:])
    rows = [c for c in _containers(proc) if c["running"] or flags & {"-a", "--all"}]
    no_trunc = "--no-trunc" in flags
    if flags & {"-q", "--quiet"}:
        proc.out("".join((c["id"] if no_trunc else c["id"][:12]) + "\n" for c in rows))
        return 0
    now = proc.cluster.now
    table = [["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]]
    for c in rows:
        cmd = c["command"]
        if not no_trunc and len(cmd) > 20:          # formatter.Ellipsis(cmd, 20)
            cmd = cmd[:19] + "…"
        image = c["image"] if c["sandbox"] else (c["image"] if no_trunc else c["image"][:12])
        status = f"Up {human_duration(now - c['created'])}" if c["running"] else "Exited (0) Less than a second ago"
        table.append([c["id"] if no_trunc else c["id"][:12], image, f'"{cmd}"',
                      f"{human_duration(now - c['created'])} ago", status, "", c["name"]])
    proc.out(rows_text(table, 10, 3))
    return 0


def _root_only(proc, name: str) -> bool:
    if getattr(proc, "as_root", False):
        return True
    proc.err(f"{name} {VERSION}: Could not fetch rule set generation id: Permission denied (you must be root)\n")
    return False


@node_program("iptables-save")
def iptables_save(proc) -> int:
    if not _root_only(proc, "iptables-save"):
        return 4
    args = proc.argv[1:]
    table = next((a.split("=", 1)[1] for a in args if a.startswith("--table=")), None)
    for k, a in enumerate(args):
        if a in ("-t", "--table") and k + 1 < len(args):
            table = args[k + 1]
    if table not in (None, "nat"):
        proc.err(f"podscape: only the nat table (kube-proxy's Service rules) is simulated, not {table}\n")
        return 1
    if table is None:
        proc.err("podscape: iptables-save shows the nat table only (kube-proxy's Service rules); the filter "
                 "and mangle tables are not simulated\n")
    proc.out(save(proc.cluster))
    return 0


@node_program("iptables")
def iptables(proc) -> int:
    if not _root_only(proc, "iptables"):
        return 4
    args = proc.argv[1:]
    table, chain, numeric, listing_asked = "filter", None, False, False
    k = 0
    while k < len(args):
        a = args[k]
        if a in ("-t", "--table") and k + 1 < len(args):
            table, k = args[k + 1], k + 1
        elif a in ("-L", "--list"):
            listing_asked = True
            if k + 1 < len(args) and not args[k + 1].startswith("-"):
                chain, k = args[k + 1], k + 1
        elif a in ("-n", "--numeric"):
            numeric = True
        elif a.startswith("-") and not a.startswith("--") and set(a[1:]) <= {"L", "n", "v"}:
            listing_asked = listing_asked or "L" in a
            numeric = numeric or "n" in a
            if "L" in a and k + 1 < len(args) and not args[k + 1].startswith("-"):
                chain, k = args[k + 1], k + 1
        else:
            proc.err(f"podscape: `iptables {' '.join(args)}` is not simulated; try `sudo iptables -t nat -L "
                     "KUBE-SERVICES -n`\n")
            return 1
        k += 1
    if not listing_asked or table != "nat":
        proc.err("podscape: only listing the nat table (kube-proxy's Service rules) is simulated: "
                 "`sudo iptables -t nat -L [CHAIN] -n`\n")
        return 1
    text = listing(proc.cluster, chain, numeric)
    if text is None:
        proc.err("iptables: No chain/target/match by that name.\n")
        return 1
    proc.out(text)
    return 0
