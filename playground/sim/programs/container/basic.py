"""File and process tools inside a container: busybox's applets (busybox images) or GNU coreutils
(Debian-based images), with each one's error wording."""
from __future__ import annotations

from ... import dns
from ...images import flavor
from . import container_program


def _busybox(proc) -> bool:
    return flavor(proc.container.get("image", "")) == "busybox"


@container_program("cat")
def cat(proc) -> int:
    files = [a for a in proc.argv[1:] if a != "-"] if len(proc.argv) > 1 else []
    if not files:
        proc.out(proc.stdin or "")
        return 0
    code = 0
    for name in proc.argv[1:]:
        if name == "-":
            proc.out(proc.stdin or "")
            continue
        path = proc.abspath(name)
        content = proc.fs.read(path)
        if content is None:
            if proc.fs.is_dir(path):
                proc.err("cat: read error: Is a directory\n" if _busybox(proc) else f"cat: {name}: Is a directory\n")
            else:
                proc.err(f"cat: can't open '{name}': No such file or directory\n" if _busybox(proc)
                         else f"cat: {name}: No such file or directory\n")
            code = 1
            continue
        proc.out(content)
    return code


@container_program("hostname")
def hostname(proc) -> int:
    proc.out(dns.pod_hostname(proc.pod) + "\n")
    return 0


@container_program("env", "printenv")
def env(proc) -> int:
    args = proc.argv[1:]
    if proc.argv[0].endswith("printenv") and args:
        code = 0
        for a in args:
            if a in proc.env:
                proc.out(proc.env[a] + "\n")
            else:
                code = 1
        return code
    if args:
        proc.err("podscape: env with arguments is not simulated inside containers\n")
        return 1
    proc.out("".join(f"{k}={v}\n" for k, v in proc.env.items()))
    return 0


@container_program("echo")
def echo(proc) -> int:
    args = proc.argv[1:]
    newline = True
    while args and args[0] in ("-n", "-e", "-E"):
        if args[0] == "-n":
            newline = False
        args = args[1:]
    proc.out(" ".join(args) + ("\n" if newline else ""))
    return 0


@container_program("sleep")
def sleep(proc) -> int:
    if len(proc.argv) < 2:
        if _busybox(proc):
            proc.err("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\n"
                     "Usage: sleep [N]...\n\nPause for a time equal to the total of the args given, where each arg can\n"
                     "have an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays\n")
        else:
            proc.err("sleep: missing operand\nTry 'sleep --help' for more information.\n")
        return 1
    return 0


@container_program("true")
def true(proc) -> int:
    return 0


@container_program("false")
def false(proc) -> int:
    return 1


@container_program("pwd")
def pwd(proc) -> int:
    proc.out(proc.cwd + "\n")
    return 0


@container_program("id")
def id_(proc) -> int:
    proc.out("uid=0(root) gid=0(root) groups=0(root)" +
             (",10(wheel)" if _busybox(proc) else "") + "\n")
    return 0


@container_program("whoami")
def whoami(proc) -> int:
    proc.out("root\n")
    return 0


@container_program("ls")
def ls(proc) -> int:
    args = [a for a in proc.argv[1:] if not a.startswith("-")]
    flags = "".join(a[1:] for a in proc.argv[1:] if a.startswith("-") and a != "-")
    show_all = "a" in flags
    long_ = "l" in flags
    targets = args or ["."]
    code = 0
    blocks = []
    for t in targets:
        path = proc.abspath(t)
        entries = proc.fs.listdir(path)
        if entries is None:
            if proc.fs.read(path) is not None:
                blocks.append((t, None, [t]))
                continue
            proc.err(f"ls: {t}: No such file or directory\n" if _busybox(proc)
                     else f"ls: cannot access '{t}': No such file or directory\n")
            code = 1 if _busybox(proc) else 2
            continue
        if show_all:
            entries = [".", ".."] + entries
        blocks.append((t, path, entries))
    for i, (t, path, entries) in enumerate(blocks):
        if len(blocks) > 1 and path is not None:
            proc.out(("\n" if i else "") + f"{t}:\n")
        if long_:
            for e in entries:
                full = (path.rstrip("/") + "/" + e) if path else proc.abspath(e)
                is_dir = e in (".", "..") or proc.fs.is_dir(full)
                size = 4096 if is_dir else len((proc.fs.read(full) or "").encode())
                mode = "drwxr-xr-x" if is_dir else "-rw-r--r--"
                proc.out(f"{mode}    2 root     root     {size:>9} Jan  1 00:00 {e}\n")
        elif proc.tty:
            proc.out(_columns(entries, 80))
        else:
            proc.out("".join(e + "\n" for e in entries))
    return code


def _columns(names: list[str], width: int) -> str:
    """ls -C: fill columns top to bottom, two spaces between columns."""
    if not names:
        return ""
    for rows in range(1, len(names) + 1):
        cols = [names[i:i + rows] for i in range(0, len(names), rows)]
        widths = [max(len(n) for n in c) + 2 for c in cols]
        if sum(widths) - 2 <= width or rows == len(names):
            break
    lines = []
    for r in range(rows):
        parts = []
        for c, col in enumerate(cols):
            if r < len(col):
                parts.append(col[r].ljust(widths[c]) if c < len(cols) - 1 else col[r])
        lines.append("".join(parts).rstrip())
    return "\n".join(lines) + "\n"


@container_program("uname")
def uname(proc) -> int:
    # lazy: coreutils (the host's text tools, about 20 ms to load) stays out of every in-pod command but uname
    from ..coreutils import UNAME
    args = proc.argv[1:]
    if not args:
        proc.out("Linux\n")
    elif args in (["-r"],):
        proc.out(UNAME["r"] + "\n")
    elif args in (["-n"],):
        proc.out(dns.pod_hostname(proc.pod) + "\n")
    else:
        proc.out(f"Linux {dns.pod_hostname(proc.pod)} {UNAME['r']} #1 SMP x86_64 GNU/Linux\n")
    return 0
