"""`docker ps` on the learner's machine: the one container there is minikube's node (docker driver).

Columns, truncation and spacing follow the docker CLI: a text/tabwriter with minwidth 10, padding 3
(cli/command/formatter), IDs cut to 12 characters, the command to 20 runes plus "…", times as
go-units HumanDuration. Other docker subcommands say plainly that they are not simulated.
"""
from __future__ import annotations

import re

from .. import network
from ..proc import Proc
from ..printers.tabwriter import rows_text
from . import program
from .minikube import KIC_IMAGE, state

COMMAND = "/usr/local/bin/entrypoint /sbin/init"
DOCKER_VERSION = "Docker version 28.4.0, build d8eb465"
HEADERS = {"ID": "CONTAINER ID", "Image": "IMAGE", "Command": "COMMAND", "CreatedAt": "CREATED AT",
           "RunningFor": "CREATED", "Status": "STATUS", "Ports": "PORTS", "Names": "NAMES", "State": "STATE",
           "Size": "SIZE", "Labels": "LABELS", "Mounts": "MOUNTS", "Networks": "NETWORKS"}
DEFAULT_FORMAT = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"


def human_duration(seconds: float) -> str:
    """github.com/docker/go-units HumanDuration."""
    s = int(seconds)
    if s < 1:
        return "Less than a second"
    if s == 1:
        return "1 second"
    if s < 60:
        return f"{s} seconds"
    minutes = s // 60
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = int(seconds / 3600 + 0.5)       # d.Round(time.Hour).Hours()
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{int(seconds / 3600) // 24 // 365} years"


def container(proc: Proc) -> dict | None:
    """The minikube container's `docker ps` fields, or None when `minikube delete` removed it."""
    cluster = proc.cluster
    if state(cluster) == "Nonexistent":
        return None
    kic = network.kic(cluster)
    now = cluster.now
    running = cluster.running
    if running:
        status = f"Up {human_duration(now - kic['started'])}"
        ports = ", ".join(f"127.0.0.1:{host}->{cport}/tcp"
                          for cport, host in sorted(kic["ports"].items(), key=lambda kv: int(kv[0])))
    else:
        status = f"Exited ({kic.get('exit_code', 130)}) {human_duration(now - (kic.get('finished') or now))} ago"
        ports = ""
    return {"ID": kic["id"], "Image": KIC_IMAGE, "Command": COMMAND,
            "RunningFor": f"{human_duration(now - kic['created'])} ago", "Status": status, "Ports": ports,
            "Names": "minikube", "State": "running" if running else "exited", "Size": "0B",
            "Labels": "created_by.minikube.sigs.k8s.io=true,mode.minikube.sigs.k8s.io=minikube,"
                      "name.minikube.sigs.k8s.io=minikube,role.minikube.sigs.k8s.io=",
            "Mounts": "/lib/modules,minikube", "Networks": "minikube",
            "CreatedAt": _created_at(kic["created"])}


def _created_at(ts: float) -> str:
    import time
    return time.strftime("%Y-%m-%d %H:%M:%S +0000 UTC", time.gmtime(ts))


def _render(fmt: str, c: dict, no_trunc: bool) -> str:
    def field(m: re.Match) -> str:
        name = m.group(1)
        value = c.get(name, "")
        if name == "ID" and not no_trunc:
            value = value[:12]
        if name == "Command":
            cmd = value
            if not no_trunc and len(cmd) > 20:     # formatter.Ellipsis(cmd, 20): 19 runes and "…"
                cmd = cmd[:19] + "…"
            value = f'"{cmd}"'
        return value
    return re.sub(r"\{\{\s*\.(\w+)\s*\}\}", field, fmt)


def do_ps(proc: Proc, args: list[str]) -> int:
    show_all = quiet = no_trunc = latest = False
    fmt = None
    filters: list[str] = []
    last = -1
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a in ("-a", "--all"):
            show_all = True
        elif a in ("-q", "--quiet"):
            quiet = True
        elif a == "--no-trunc":
            no_trunc = True
        elif a in ("-l", "--latest"):
            latest = True
        elif a in ("-s", "--size"):
            pass
        elif a in ("-n", "--last", "-f", "--filter", "--format") or a.startswith(("--format=", "--filter=", "--last=")):
            name, eq, value = a.partition("=")
            if not eq:
                if i >= len(args):
                    proc.err(f"flag needs an argument: {a}\nSee 'docker ps --help'.\n")
                    return 125
                value = args[i]
                i += 1
            if name == "--format":
                fmt = value
            elif name in ("-f", "--filter"):
                filters.append(value)
            else:
                last = int(value) if value.lstrip("-").isdigit() else -1
        elif re.fullmatch(r"-[aqls]+", a):
            show_all |= "a" in a
            quiet |= "q" in a
            latest |= "l" in a
        elif a.startswith("-"):
            flag = a.split("=")[0]
            shown = flag if flag.startswith("--") else f"shorthand flag: '{flag[1]}' in {flag}"
            proc.err(f"unknown {'flag: ' + shown if flag.startswith('--') else shown}\nSee 'docker ps --help'.\n")
            return 125
        else:
            proc.err('"docker ps" accepts no arguments.\nSee \'docker ps --help\'.\n\n'
                     "Usage:  docker ps [OPTIONS]\n\nList containers\n")
            return 1
    c = container(proc)
    rows = [c] if c is not None and (show_all or latest or last > 0 or c["State"] == "running") else []
    for f in filters:
        key, _, value = f.partition("=")
        if key == "name" and rows and value not in rows[0]["Names"]:
            rows = []
        elif key == "status" and rows and value != rows[0]["State"]:
            rows = []
        elif key == "id" and rows and not rows[0]["ID"].startswith(value):
            rows = []
    if quiet:
        proc.out("".join((r["ID"] if no_trunc else r["ID"][:12]) + "\n" for r in rows))
        return 0
    fmt = fmt or DEFAULT_FORMAT
    table = fmt.startswith("table")
    body = fmt[5:].lstrip() if table else fmt
    body = body.replace("\\t", "\t")
    if not table:
        proc.out("".join(_render(body, r, no_trunc) + "\n" for r in rows))
        return 0
    header = re.sub(r"\{\{\s*\.(\w+)\s*\}\}", lambda m: HEADERS.get(m.group(1), m.group(1).upper()), body)
    lines = [header.split("\t")] + [_render(body, r, no_trunc).split("\t") for r in rows]
    proc.out(rows_text(lines, 10, 3))         # the docker CLI's tabwriter: minwidth 10, padding 3
    return 0


@program("docker")
def docker(proc: Proc) -> int:
    args = proc.argv[1:]
    if args[:1] in (["--version"], ["-v"]):
        proc.out(DOCKER_VERSION + "\n")
        return 0
    if args[:1] == ["ps"]:
        return do_ps(proc, args[1:])
    if args[:2] in (["container", "ls"], ["container", "list"], ["container", "ps"]):
        return do_ps(proc, args[2:])
    what = f"docker {args[0]}" if args else "docker"
    proc.err(f"podscape: `{what}` is not simulated in the playground; only `docker ps` is (the minikube node "
             "runs in a docker container on your machine).\n")
    return 1
