"""GNU coreutils on the learner's Ubuntu host: echo, printf, cat, ls, mkdir, touch, rm, cp, mv, tee, seq, date,
sleep, env, test/[, xargs, whoami, hostname, id, basename, dirname. Messages and exit codes as on Ubuntu
(en_US.UTF-8: mkdir and seq quote with ‘’, file names in rm/cp/ls errors with '')."""
from __future__ import annotations

import math
import re
import time

from ..jobbuiltins import start_sleep
from ..meter import charge
from ..proc import IO, Proc
from ..host import HOME, HOSTNAME, USER
from . import program, vfs
from .gnuopts import OptError, parse
from .textutils import collate_key, files_or_stdin

ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
           "v": "\v", "\\": "\\"}


def usage_error(proc: Proc, tool: str, message: str, status: int = 1) -> int:
    proc.err(f"{tool}: {message}\nTry '{tool} --help' for more information.\n")
    return status


def q(name: str) -> str:
    """GNU's shell-style quoting of a file name in messages ('name')."""
    if re.fullmatch(r"[A-Za-z0-9_./:@%+=,-]+", name):
        return f"'{name}'"
    if "'" not in name:
        return f"'{name}'"
    return '"' + name + '"'


def backslash_escapes(text: str, octal_zero: bool = True) -> tuple[str, bool]:
    """echo -e / printf %b escapes. Returns (text, stop) where stop means \\c was seen."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "c":
                return "".join(out), True
            if nxt in ESCAPES:
                out.append(ESCAPES[nxt])
                i += 2
                continue
            m = re.match(r"x([0-9a-fA-F]{1,2})", text[i + 1:])
            if m:
                out.append(chr(int(m.group(1), 16)))
                i += 1 + m.end()
                continue
            m = re.match(r"0([0-7]{0,3})" if octal_zero else r"([0-7]{1,3})", text[i + 1:])
            if m:
                out.append(chr(int(m.group(1) or "0", 8) & 0xFF))
                i += 1 + m.end()
                continue
        out.append(c)
        i += 1
    return "".join(out), False


@program("echo")
def echo(proc: Proc) -> int:
    args = proc.argv[1:]
    newline, escapes = True, False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        for c in args.pop(0)[1:]:
            newline = newline and c != "n"
            escapes = True if c == "e" else (False if c == "E" else escapes)
    text = " ".join(args)
    if escapes:
        text, stop = backslash_escapes(text)
        if stop:
            proc.out(text)
            return 0
    proc.out(text + ("\n" if newline else ""))
    return 0


def shell_quote(value: str) -> str:
    """printf %q: bash's backslash quoting, $'...' for control characters."""
    if value == "":
        return "''"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        body = value.replace("\\", "\\\\").replace("'", "\\'")
        for ch, esc in (("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"), ("\x1b", "\\E")):
            body = body.replace(ch, esc)
        body = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\{ord(m.group()):03o}", body)
        return f"$'{body}'"
    return re.sub(r"([^A-Za-z0-9_./:=@%+,-])", r"\\\1", value)


PRINTF_SPEC = re.compile(r"%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([diouxXeEfFgGcsbq%])")


def _printf_number(proc: Proc, arg: str, status: list[int]) -> int | float:
    s = arg.strip()
    if not s:
        return 0
    if s[0] in "'\"" and len(s) > 1:
        return ord(s[1])
    try:
        return int(s, 0) if not re.fullmatch(r"[+-]?0\d+", s) else int(s, 8)
    except ValueError:
        try:
            return float(s)
        except ValueError:
            pass
    m = re.match(r"[+-]?\d+", s)
    proc.err(f"bash: printf: {arg}: invalid number\n")
    status[0] = 1
    return int(m.group()) if m else 0


@program("printf")
def printf(proc: Proc) -> int:
    args = proc.argv[1:]
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        proc.err("printf: usage: printf [-v var] format [arguments]\n")
        return 2
    fmt, args = args[0], args[1:]
    status = [0]
    out: list[str] = []
    consumed_any = True
    rounds = 0
    while True:
        rounds += 1
        used = 0
        pos = 0
        text = []
        stop = False
        for m in PRINTF_SPEC.finditer(fmt):
            chunk, stop = backslash_escapes(fmt[pos:m.start()], octal_zero=False)
            text.append(chunk)
            pos = m.end()
            if stop:
                break
            flags, width, prec, conv = m.groups()
            if conv == "%":
                text.append("%")
                continue
            if width == "*":
                width = str(int(_printf_number(proc, args[used], status))) if used < len(args) else "0"
                used += 1
            if prec == "*":
                prec = str(int(_printf_number(proc, args[used], status))) if used < len(args) else "0"
                used += 1
            arg = args[used] if used < len(args) else None
            used += 1
            # a width or precision is text printf makes: `%0999999999d` is refused before it is built
            charge(abs(int(width or 0)) + abs(int(prec or 0)))
            spec = "%" + flags + (width or "") + (("." + prec) if prec is not None else "")
            if conv in "sbq":
                value = arg or ""
                if conv == "b":
                    value, stop = backslash_escapes(value)
                elif conv == "q":
                    value = shell_quote(value)
                text.append((spec + "s") % value)
                if stop:
                    break
            elif conv == "c":
                text.append((spec + "s") % (arg or "")[:1])
            elif conv in "diouxX":
                n = _printf_number(proc, arg, status) if arg is not None else 0
                n = int(n)
                if conv == "u" and n < 0:
                    n += 2**64
                text.append((spec + ("d" if conv in "iu" else conv)) % n)
            else:
                n = _printf_number(proc, arg, status) if arg is not None else 0
                text.append((spec + conv) % float(n))
        if not stop:
            chunk, stop = backslash_escapes(fmt[pos:], octal_zero=False)
            text.append(chunk)
        out.append("".join(text))
        consumed_any = used > 0
        args = args[used:] if used else []
        if stop or not args or not consumed_any or rounds > 10_000:
            break
    proc.out("".join(out))
    return status[0]


@program("cat")
def cat(proc: Proc) -> int:
    try:
        opts, names = parse(proc.argv[1:], "nbsEATuve", {"number": "n", "show-ends": "E", "show-all": "A",
                                                          "squeeze-blank": "s", "number-nonblank": "b"})
    except OptError as exc:
        return usage_error(proc, "cat", str(exc))
    flags = {k for k, _ in opts}
    status = 0
    number = 0
    for name, content, err in files_or_stdin(proc, names):
        if err:
            proc.err(f"cat: {name}: {err}\n")
            status = 1
            continue
        if not flags & {"n", "b", "E", "A", "s"}:
            proc.out(content)
            continue
        lines = content.splitlines(keepends=True)
        prev_blank = False
        for line in lines:
            blank = line in ("\n", "")
            if "s" in flags and blank and prev_blank:
                continue
            prev_blank = blank
            body = line[:-1] if line.endswith("\n") else line
            end = "\n" if line.endswith("\n") else ""
            if "E" in flags or "A" in flags:
                body = body + ("$" if end else "")
            if "A" in flags:
                body = body.replace("\t", "^I")
            if ("b" in flags and not blank) or ("n" in flags and "b" not in flags):
                number += 1
                body = f"{number:6d}\t{body}"
            proc.out(body + end)
    return status


# ---- ls ------------------------------------------------------------------------------------------
def _owner(path: str) -> str:
    return USER if vfs.writable(path, False) and path != "/tmp" else "root"


def _mode(host, path: str) -> str:
    if path == HOME:
        return "drwxr-x---"
    if path in vfs.PRIVATE_DIRS:
        return "drwx------"
    if vfs.is_dir(host, path):
        return "drwxrwxr-x" if _owner(path) == USER else ("drwxrwxrwt" if path == "/tmp" else "drwxr-xr-x")
    return "-rw-rw-r--" if _owner(path) == USER else "-rw-r--r--"


def _human(size: int) -> str:
    """ls -h: 1023, 4.0K, 12K, 1.5M (rounded up, as GNU does)."""
    if size < 1024:
        return str(size)
    value = float(size)
    for unit in "KMGT":
        value /= 1024
        if value < 1024 or unit == "T":
            if value < 10:
                return f"{math.ceil(value * 10) / 10:.1f}{unit}"
            return f"{math.ceil(value)}{unit}"
    return str(size)


def _columns(names: list[str], width: int) -> str:
    """GNU ls's vertical columns for a terminal `width` wide."""
    if not names:
        return ""
    best = [len(names[0])] if len(names) == 1 else None
    best_rows = len(names)
    for ncols in range(len(names), 0, -1):
        rows = -(-len(names) // ncols)
        cols = -(-len(names) // rows)
        widths = []
        for c in range(cols):
            col = names[c * rows:(c + 1) * rows]
            widths.append(max(len(n) for n in col) + (2 if c < cols - 1 else 0))
        if sum(widths) < width:
            best, best_rows = widths, rows
            break
    if best is None:
        best, best_rows = [0], len(names)
    lines = []
    for r in range(best_rows):
        cells = []
        for c in range(len(best)):
            k = c * best_rows + r
            if k < len(names):
                cells.append(names[k].ljust(best[c]) if c < len(best) - 1 else names[k])
        lines.append("".join(cells).rstrip() + "\n")
    return "".join(lines)


@program("ls")
def ls(proc: Proc) -> int:
    try:
        opts, paths = parse(proc.argv[1:], "laAdh1CFRrtS", {"all": "a", "almost-all": "A", "directory": "d",
                                                           "human-readable": "h", "color": "C", "color=": "C",
                                                           "reverse": "r"})
    except OptError as exc:
        return usage_error(proc, "ls", str(exc), 2)
    flags = {k for k, _ in opts}
    host = proc.host
    status = 0
    long = "l" in flags
    one = "1" in flags or not getattr(proc, "stdout_is_tty", False)
    width = int(proc.env.get("COLUMNS", "80")) if proc.env.get("COLUMNS", "80").isdigit() else 80
    stamp = time.strftime("%b %e %H:%M", time.gmtime(proc.cluster.now))

    def entry_line(path: str, shown: str) -> tuple:
        is_d = vfs.is_dir(host, path)
        size = 4096 if is_d else len((vfs.read(host, path)[0] or "").encode())
        owner = _owner(path)
        links = 2 + sum(1 for n in vfs.listdir(host, path) if vfs.is_dir(host, path.rstrip("/") + "/" + n)) \
            if is_d else 1
        return (_mode(host, path), str(links), owner, owner, _human(size) if "h" in flags else str(size), stamp,
                shown)

    def render(entries: list[tuple[str, str]]) -> None:
        if long:
            rows = [entry_line(p, s) for p, s in entries]
            if not rows:
                return
            w = [max(len(r[k]) for r in rows) for k in range(5)]
            for r in rows:
                name = r[6] + ("/" if "F" in flags and r[0][0] == "d" else "")
                proc.out(f"{r[0]} {r[1].rjust(w[1])} {r[2].ljust(w[2])} {r[3].ljust(w[3])} {r[4].rjust(w[4])} "
                         f"{r[5]} {name}\n")
            return
        names = [s + ("/" if "F" in flags and vfs.is_dir(host, p) else "") for p, s in entries]
        proc.out("".join(n + "\n" for n in names) if one else _columns(names, width))

    def size_of(path: str) -> int:
        return 4096 if vfs.is_dir(host, path) else len((vfs.read(host, path)[0] or "").encode())

    def order(items: list[str], base: str) -> list[str]:
        items = sorted(items, key=collate_key)
        if "S" in flags:        # largest first; stable, so names break ties
            items.sort(key=lambda n: -size_of(host.abspath(base + "/" + n)))
        return items[::-1] if "r" in flags else items

    targets = paths or ["."]
    files: list[tuple[str, str]] = []
    dirs: list[tuple[str, str]] = []
    for t in targets:
        p = host.abspath(t)
        if not vfs.exists(host, p) or (t.endswith("/") and not vfs.is_dir(host, p)):
            why = vfs.NOTDIR if vfs.exists(host, p) else vfs.NOENT
            proc.err(f"ls: cannot access {q(t)}: {why}\n")
            status = 2
        elif vfs.is_dir(host, p) and "d" not in flags and vfs.private(p, vfs.is_root(proc)):
            proc.err(f"ls: cannot open directory {q(t)}: Permission denied\n")
            status = 2
        elif vfs.is_dir(host, p) and "d" not in flags:
            dirs.append((p, t))
        else:
            files.append((p, t))
    files.sort(key=lambda e: collate_key(e[1]))
    render(files)
    dirs.sort(key=lambda e: collate_key(e[1]))
    k = 0
    while k < len(dirs):
        p, t = dirs[k]
        if files or k > 0:
            proc.out("\n")
        if len(dirs) + len(files) > 1 or status or "R" in flags:
            proc.out(f"{t}:\n")
        names = vfs.listdir(host, p)
        if "a" not in flags and "A" not in flags:
            names = [n for n in names if not n.startswith(".")]
        names = order(names, p)
        if "a" in flags:
            names = [".", ".."] + names
        entries = [(host.abspath(p + "/" + n), n) for n in names]
        if long:
            # 1K blocks, files taking whole 4K filesystem blocks
            blocks = sum(4 if vfs.is_dir(host, e[0]) else -(-size_of(e[0]) // 4096) * 4 for e in entries)
            proc.out(f"total {_human(blocks * 1024) if 'h' in flags and blocks else blocks}\n")
        render(entries)
        if "R" in flags:        # depth first, as GNU ls -R walks
            subdirs = [(e[0], t.rstrip("/") + "/" + e[1]) for e in entries
                       if e[1] not in (".", "..") and vfs.is_dir(host, e[0])]
            dirs[k + 1:k + 1] = subdirs
        k += 1
    return status


# ---- files ---------------------------------------------------------------------------------------
@program("mkdir")
def mkdir(proc: Proc) -> int:
    try:
        opts, names = parse(proc.argv[1:], "pvm:", {"parents": "p", "verbose": "v", "mode=": "m"})
    except OptError as exc:
        return usage_error(proc, "mkdir", str(exc))
    flags = {k for k, _ in opts}
    if not names:
        return usage_error(proc, "mkdir", "missing operand")
    status = 0
    root = vfs.is_root(proc)
    for name in names:
        path = proc.host.abspath(name)
        if "p" in flags:
            cur = ""
            for part in path.strip("/").split("/"):
                cur += "/" + part
                if vfs.is_dir(proc.host, cur):
                    continue
                err = vfs.mkdir(proc.host, cur, root)
                if err:
                    proc.err(f"mkdir: cannot create directory ‘{name if cur == path else cur}’: {err}\n")
                    status = 1
                    break
                if "v" in flags:
                    proc.out(f"mkdir: created directory '{cur}'\n")
            continue
        err = vfs.mkdir(proc.host, path, root)
        if err:
            proc.err(f"mkdir: cannot create directory ‘{name}’: {err}\n")
            status = 1
        elif "v" in flags:
            proc.out(f"mkdir: created directory {q(name)}\n")
    return status


@program("rmdir")
def rmdir(proc: Proc) -> int:
    names = [a for a in proc.argv[1:] if not a.startswith("-")]
    if not names:
        return usage_error(proc, "rmdir", "missing operand")
    status = 0
    for name in names:
        path = proc.host.abspath(name)
        if not vfs.is_dir(proc.host, path):
            why = vfs.NOTDIR if path in proc.host.files else vfs.NOENT
            proc.err(f"rmdir: failed to remove {q(name)}: {why}\n")
            status = 1
        elif vfs.listdir(proc.host, path):
            proc.err(f"rmdir: failed to remove {q(name)}: {vfs.NOTEMPTY}\n")
            status = 1
        elif not vfs.writable(path, vfs.is_root(proc)):
            proc.err(f"rmdir: failed to remove {q(name)}: {vfs.ACCES}\n")
            status = 1
        else:
            proc.host.dirs.discard(path)
    return status


@program("touch")
def touch(proc: Proc) -> int:
    names = [a for a in proc.argv[1:] if not a.startswith("-") or a == "-"]
    if not names:
        return usage_error(proc, "touch", "missing file operand")
    status = 0
    for name in names:
        path = proc.host.abspath(name)
        if vfs.exists(proc.host, path):
            continue
        err = vfs.check_write(proc.host, path, vfs.is_root(proc))
        if err is None:
            err = vfs.write(proc.host, path, "", append=True, root=vfs.is_root(proc))
        if err:
            proc.err(f"touch: cannot touch {q(name)}: {err}\n")
            status = 1
    return status


@program("rm")
def rm(proc: Proc) -> int:
    try:
        opts, names = parse(proc.argv[1:], "rRfivd", {"recursive": "r", "force": "f", "verbose": "v", "dir": "d"})
    except OptError as exc:
        return usage_error(proc, "rm", str(exc))
    flags = {k for k, _ in opts}
    if not names:
        if "f" in flags:
            return 0
        return usage_error(proc, "rm", "missing operand")
    status = 0
    root = vfs.is_root(proc)
    for name in names:
        path = proc.host.abspath(name)
        if vfs.is_dir(proc.host, path):
            if path == "/" or name.rstrip("/") in (".", ".."):
                what = "'/'" if path == "/" else f"'.' or '..' directory: skipping {q(name)}"
                proc.err(f"rm: it is dangerous to operate recursively on {what}\n" if path == "/" else
                         f"rm: refusing to remove {what}\n")
                status = 1
                continue
            if not flags & {"r", "R"}:
                proc.err(f"rm: cannot remove {q(name)}: {vfs.ISDIR}\n")
                status = 1
                continue
            err = vfs.remove_tree(proc.host, path, root)
        else:
            err = vfs.remove_file(proc.host, path, root)
            if err == vfs.NOENT and "f" in flags:
                continue
        if err:
            proc.err(f"rm: cannot remove {q(name)}: {err}\n")
            status = 1
        elif "v" in flags:
            proc.out(f"removed {q(name)}\n" if not vfs.is_dir(proc.host, path) else f"removed directory {q(name)}\n")
    return status


def _copy_or_move(proc: Proc, tool: str) -> int:
    short = "rRfinvaT" if tool == "cp" else "finvT"
    try:
        opts, names = parse(proc.argv[1:], short, {"recursive": "r", "force": "f", "verbose": "v"})
    except OptError as exc:
        return usage_error(proc, tool, str(exc))
    flags = {k for k, _ in opts}
    host = proc.host
    root = vfs.is_root(proc)
    if not names:
        return usage_error(proc, tool, "missing file operand")
    if len(names) == 1:
        return usage_error(proc, tool, f"missing destination file operand after {q(names[0])}")
    *sources, dest = names
    dest_path = host.abspath(dest)
    into_dir = vfs.is_dir(host, dest_path)
    if len(sources) > 1 and not into_dir:
        proc.err(f"{tool}: target {q(dest)}: {vfs.NOTDIR if dest_path in host.files else vfs.NOENT}\n")
        return 1
    status = 0
    for src in sources:
        sp = host.abspath(src)
        target = (dest_path.rstrip("/") + "/" + vfs.basename(sp)) if into_dir else dest_path
        shown = (dest.rstrip("/") + "/" + vfs.basename(sp)) if into_dir else dest
        if not vfs.exists(host, sp):
            proc.err(f"{tool}: cannot stat {q(src)}: {vfs.NOENT}\n")
            status = 1
            continue
        if sp == target:
            proc.err(f"{tool}: {q(src)} and {q(shown)} are the same file\n")
            status = 1
            continue
        if vfs.is_dir(host, sp):
            if tool == "cp" and not flags & {"r", "R", "a"}:
                proc.err(f"cp: -r not specified; omitting directory {q(src)}\n")
                status = 1
                continue
            if target.startswith(sp + "/"):
                proc.err(f"{tool}: cannot {'copy' if tool == 'cp' else 'move'} {q(src)} to a subdirectory of "
                         f"itself, {q(shown)}\n")
                status = 1
                continue
            err = vfs.mkdir(host, target, root) if not vfs.is_dir(host, target) else None
            if err:
                verb = "cannot create directory" if tool == "cp" else f"cannot move {q(src)} to"
                proc.err(f"{tool}: {verb} {q(shown)}: {err}\n")
                status = 1
                continue
            prefix = sp.rstrip("/") + "/"
            for d in sorted(x for x in host.dirs if x.startswith(prefix)):
                host.dirs.add(target + "/" + d[len(prefix):])
            for f in sorted(x for x in host.files if x.startswith(prefix)):
                vfs.write(host, target + "/" + f[len(prefix):], host.files[f], append=False, root=root)
            if tool == "mv":
                vfs.remove_tree(host, sp, root)
            continue
        err = vfs.check_write(host, target, root)
        if tool == "mv" and not err and not vfs.writable(sp, root):
            err = vfs.ACCES
        if err:
            if tool == "cp":
                proc.err(f"cp: cannot create regular file {q(shown)}: {err}\n")
            else:
                proc.err(f"mv: cannot move {q(src)} to {q(shown)}: {err}\n")
            status = 1
            continue
        content = host.files.get(sp, "")
        err = vfs.write(host, target, content, append=False, root=root)
        if err:
            proc.err(f"{tool}: error writing {q(shown)}: {err}\n")
            status = 1
            continue
        if tool == "mv":
            host.files.pop(sp, None)
        if "v" in flags:
            proc.out(f"{q(src)} -> {q(shown)}\n" if tool == "cp" else f"renamed {q(src)} -> {q(shown)}\n")
    return status


@program("cp")
def cp(proc: Proc) -> int:
    return _copy_or_move(proc, "cp")


@program("mv")
def mv(proc: Proc) -> int:
    return _copy_or_move(proc, "mv")


@program("tee")
def tee(proc: Proc) -> int:
    try:
        opts, names = parse(proc.argv[1:], "ai", {"append": "a", "ignore-interrupts": "i"})
    except OptError as exc:
        return usage_error(proc, "tee", str(exc))
    append = any(k == "a" for k, _ in opts)
    root = vfs.is_root(proc)
    data = proc.stdin
    status = 0
    targets = []
    for name in names:
        path = proc.host.abspath(name)
        err = vfs.check_write(proc.host, path, root)
        if err:
            proc.err(f"tee: {name}: {err}\n")
            status = 1
            continue
        targets.append((name, path))
        if not append:
            vfs.write(proc.host, path, "", append=False, root=root)
    proc.out(data)
    for name, path in targets:
        err = vfs.write(proc.host, path, data, append=True, root=root)
        if err:
            proc.err(f"tee: {name}: {err}\n")
            status = 1
    return status


# ---- little programs -----------------------------------------------------------------------------
@program("seq")
def seq(proc: Proc) -> int:
    args = proc.argv[1:]
    sep, width, fmt = "\n", False, None
    nums: list[str] = []
    k = 0
    while k < len(args):
        a = args[k]
        if a in ("-s", "--separator") and k + 1 < len(args):
            sep = args[k + 1]
            k += 2
            continue
        if a in ("-f", "--format") and k + 1 < len(args):
            fmt = args[k + 1]
            k += 2
            continue
        if a.startswith("-s") and len(a) > 2:
            sep = a[2:]
        elif a in ("-w", "--equal-width"):
            width = True
        elif a.startswith("-") and not re.fullmatch(r"-[\d.]+", a):
            return usage_error(proc, "seq", f"invalid option -- '{a[1:2]}'")
        else:
            nums.append(a)
        k += 1
    if not nums:
        return usage_error(proc, "seq", "missing operand")
    if len(nums) > 3:
        return usage_error(proc, "seq", f"extra operand ‘{nums[3]}’")
    values = []
    for n in nums:
        try:
            values.append(int(n) if re.fullmatch(r"[+-]?\d+", n) else float(n))
        except ValueError:
            return usage_error(proc, "seq", f"invalid floating point argument: ‘{n}’")
    first, step, last = (1, 1, values[0]) if len(values) == 1 else \
        (values[0], 1, values[1]) if len(values) == 2 else tuple(values)
    if step == 0:
        return usage_error(proc, "seq", f"invalid Zero increment value: ‘{nums[1]}’")
    is_float = any(isinstance(v, float) for v in (first, step, last))
    decimals = max((len(n.split(".")[1]) for n in nums if "." in n), default=0)
    out = []
    total = 0
    x = first
    count = 0
    while (step > 0 and x <= last) or (step < 0 and x >= last):
        if fmt:
            try:
                text = fmt % x if re.search(r"%[-+ #0-9.]*[eEfFgGaA]", fmt) else fmt
            except (TypeError, ValueError):
                return usage_error(proc, "seq", f"format ‘{fmt}’ has unknown %{fmt[-1:]} directive")
        else:
            text = f"{x:.{decimals}f}" if is_float else str(x)
        out.append(text)
        total += len(text) + len(sep)
        count += 1
        if total > 2_000_000:      # the terminal would scroll forever; the stream keeps 2 MB anyway
            break
        x = first + step * count
    if width and out:
        w = max(len(t) for t in out)
        out = [t.zfill(w) for t in out]
    if out:
        proc.out(sep.join(out) + "\n")
    return 0


@program("whoami")
def whoami(proc: Proc) -> int:
    proc.out(("root" if vfs.is_root(proc) else USER) + "\n")
    return 0


@program("id")
def id_(proc: Proc) -> int:
    if vfs.is_root(proc):
        proc.out("uid=0(root) gid=0(root) groups=0(root)\n")
    else:
        proc.out("uid=1000(student) gid=1000(student) groups=1000(student),4(adm),24(cdrom),27(sudo),30(dip),"
                 "46(plugdev),110(lxd),999(docker)\n")
    return 0


@program("hostname")
def hostname(proc: Proc) -> int:
    if "-I" in proc.argv[1:] or "-i" in proc.argv[1:]:
        proc.out("10.0.2.15 192.168.49.1 172.17.0.1 \n" if "-I" in proc.argv else "127.0.1.1\n")
        return 0
    proc.out(HOSTNAME + "\n")
    return 0


@program("date")
def date(proc: Proc) -> int:
    fmt = "%a %b %e %I:%M:%S %p %Z %Y"     # en_US.UTF-8: a 12-hour clock
    for a in proc.argv[1:]:
        if a.startswith("+"):
            fmt = a[1:]
        elif a not in ("-u", "--utc", "-R", "-I"):
            return usage_error(proc, "date", f"invalid date ‘{a}’" if not a.startswith("-") else
                               f"invalid option -- '{a[1:2]}'")
        elif a == "-R":
            fmt = "%a, %d %b %Y %H:%M:%S +0000"
        elif a == "-I":
            fmt = "%Y-%m-%d"
    now = time.gmtime(proc.cluster.now)
    fmt = fmt.replace("%Z", "UTC").replace("%z", "+0000").replace("%s", str(int(proc.cluster.now)))
    fmt = fmt.replace("%N", "000000000")
    try:
        proc.out(time.strftime(fmt, now) + "\n")
    except ValueError:
        proc.out(fmt + "\n")
    return 0


@program("sleep")
def sleep(proc: Proc) -> int:
    args = proc.argv[1:]
    if not args:
        return usage_error(proc, "sleep", "missing operand")
    for a in args:
        if not re.fullmatch(r"(\d+\.?\d*|\.\d+)[smhd]?|inf(inity)?", a):
            return usage_error(proc, "sleep", f"invalid time interval ‘{a}’")
    start_sleep(proc, args)   # a job until the cluster's clock reaches its end (at once in a pipeline)
    return 0


@program("env", "printenv")
def env(proc: Proc) -> int:
    args = proc.argv[1:]
    environ = dict(proc.env)
    if proc.argv[0] == "printenv":
        if not args:
            proc.out("".join(f"{k}={v}\n" for k, v in environ.items()))
            return 0
        found = [environ[a] for a in args if a in environ]
        proc.out("".join(v + "\n" for v in found))
        return 0 if len(found) == len(args) else 1
    while args and "=" in args[0] and not args[0].startswith("="):
        k, v = args.pop(0).split("=", 1)
        environ[k] = v
    if not args:
        proc.out("".join(f"{k}={v}\n" for k, v in environ.items()))
        return 0
    shell = getattr(proc, "shell", None)
    if shell is None:
        proc.err(f"env: ‘{args[0]}’: No such file or directory\n")
        return 127
    extra = {k: v for k, v in environ.items() if proc.env.get(k) != v}
    return shell.run_argv(args, IO(proc.stdin if not proc.stdin_is_tty else None, proc.stdout, proc.stderr),
                          extra, as_root=vfs.is_root(proc), builtins=False)


@program("basename")
def basename(proc: Proc) -> int:
    args = proc.argv[1:]
    if not args:
        return usage_error(proc, "basename", "missing operand")
    name = vfs.basename(args[0]) if args[0].strip("/") else "/"
    if len(args) > 1 and name.endswith(args[1]) and name != args[1]:
        name = name[:-len(args[1])]
    proc.out(name + "\n")
    return 0


@program("dirname")
def dirname(proc: Proc) -> int:
    args = proc.argv[1:]
    if not args:
        return usage_error(proc, "dirname", "missing operand")
    for a in args:
        s = a.rstrip("/")
        if not s:
            proc.out(("/" if a else ".") + "\n")
            continue
        proc.out(((s.rsplit("/", 1)[0].rstrip("/") or "/") if "/" in s else ".") + "\n")
    return 0


@program("true")
def true(proc: Proc) -> int:
    return 0


@program("false")
def false(proc: Proc) -> int:
    return 1


@program("pwd")
def pwd(proc: Proc) -> int:
    proc.out(proc.host.cwd + "\n")
    return 0


# ---- test / [ ------------------------------------------------------------------------------------
class TestError(Exception):
    pass


def _int(s: str, name: str) -> int:
    if not re.fullmatch(r"\s*[+-]?\d+\s*", s):
        raise TestError(f"{s}: integer expression expected")
    return int(s)


UNARY = {"-z", "-n", "-f", "-d", "-e", "-s", "-r", "-w", "-x", "-L", "-h", "-a", "-b", "-c", "-p", "-S", "-t",
         "-g", "-u", "-k", "-O", "-G", "-N", "-v"}
BINARY = {"=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "<", ">", "-nt", "-ot", "-ef"}


def _unary(proc: Proc, op: str, arg: str) -> bool:
    host = proc.host
    path = host.abspath(arg) if arg else ""
    if op == "-z":
        return arg == ""
    if op == "-n":
        return arg != ""
    if op == "-v":
        return arg in proc.env
    if not arg:
        return False
    if op == "-f":
        return path in host.files
    if op == "-d":
        return vfs.is_dir(host, path)
    if op in ("-e", "-a"):
        return vfs.exists(host, path)
    if op == "-s":
        return bool(host.files.get(path)) or vfs.is_dir(host, path)
    if op == "-r":
        return vfs.exists(host, path)
    if op == "-w":
        return vfs.exists(host, path) and vfs.writable(path, vfs.is_root(proc))
    if op == "-x":
        return vfs.is_dir(host, path)
    return False


def _binary(a: str, op: str, b: str) -> bool:
    if op in ("=", "=="):
        return a == b
    if op == "!=":
        return a != b
    if op == "<":
        return a < b
    if op == ">":
        return a > b
    if op in ("-nt", "-ot", "-ef"):
        return False
    x, y = _int(a, op), _int(b, op)
    return {"-eq": x == y, "-ne": x != y, "-lt": x < y, "-le": x <= y, "-gt": x > y, "-ge": x >= y}[op]


def _evaluate(proc: Proc, args: list[str]) -> bool:
    """POSIX test by argument count, then -a/-o/!/( ) for longer expressions."""
    n = len(args)
    if n == 0:
        return False
    if n == 1:
        return args[0] != ""
    if n == 2:
        if args[0] == "!":
            return args[1] == ""
        if args[0] in UNARY:
            return _unary(proc, args[0], args[1])
        raise TestError(f"{args[0]}: unary operator expected")
    if n == 3:
        if args[1] in BINARY:
            return _binary(args[0], args[1], args[2])
        if args[1] in ("-a", "-o"):
            left, right = args[0] != "", args[2] != ""
            return (left and right) if args[1] == "-a" else (left or right)
        if args[0] == "!":
            return not _evaluate(proc, args[1:])
        if args[0] == "(" and args[2] == ")":
            return args[1] != ""
        raise TestError(f"{args[1]}: binary operator expected")
    if n == 4 and args[0] == "!":
        return not _evaluate(proc, args[1:])
    if n == 4 and args[0] == "(" and args[3] == ")":
        return _evaluate(proc, args[1:3])
    for k, a in enumerate(args):       # the loosest binding: -o, then -a
        if a == "-o" and 0 < k < n - 1:
            return _evaluate(proc, args[:k]) or _evaluate(proc, args[k + 1:])
    for k, a in enumerate(args):
        if a == "-a" and 0 < k < n - 1:
            return _evaluate(proc, args[:k]) and _evaluate(proc, args[k + 1:])
    raise TestError("too many arguments")


@program("test", "[")
def test(proc: Proc) -> int:
    name = proc.argv[0]
    args = proc.argv[1:]
    if name == "[":
        if not args or args[-1] != "]":
            proc.err("bash: [: missing `]'\n")
            return 2
        args = args[:-1]
    try:
        return 0 if _evaluate(proc, args) else 1
    except TestError as exc:
        proc.err(f"bash: {name}: {exc}\n")
        return 2
    except RecursionError:
        proc.err(f"bash: {name}: too many arguments\n")
        return 2


# ---- xargs ---------------------------------------------------------------------------------------
def _xargs_words(data: str) -> list[str]:
    words, cur, quote, have = [], [], "", False
    i = 0
    while i < len(data):
        c = data[i]
        if quote:
            if c == quote:
                quote = ""
            else:
                cur.append(c)
        elif c in "'\"":
            quote, have = c, True
        elif c == "\\" and i + 1 < len(data):
            cur.append(data[i + 1])
            have = True
            i += 1
        elif c.isspace():
            if cur or have:
                words.append("".join(cur))
            cur, have = [], False
        else:
            cur.append(c)
        i += 1
    if cur or have:
        words.append("".join(cur))
    return words


@program("xargs")
def xargs(proc: Proc) -> int:
    try:
        opts, cmd = parse(proc.argv[1:], "n:I:L:d:0rtP:", {"max-args=": "n", "replace=": "I",
                                                           "no-run-if-empty": "r", "null": "0",
                                                           "delimiter=": "d", "verbose": "t"}, permute=False)
    except OptError as exc:
        return usage_error(proc, "xargs", str(exc))
    o = dict(opts)
    cmd = cmd or ["echo"]
    data = proc.stdin
    if "I" in o or "L" in o:
        items = [ln for ln in data.split("\n") if ln.strip()]
    elif "0" in o:
        items = [w for w in data.split("\0") if w]
    elif "d" in o:
        d = o["d"].encode().decode("unicode_escape") if o["d"].startswith("\\") else o["d"][:1]
        items = [w for w in data.split(d)]
        if items and items[-1] in ("", "\n"):
            items.pop()
    else:
        try:
            items = _xargs_words(data)
        except Exception:
            items = data.split()
    batches: list[list[str]]
    if "I" in o:
        batches = [[a.replace(o["I"], it) for a in cmd] for it in items]
    else:
        size = o.get("n") or o.get("L")
        if size is not None and (not size.isdigit() or int(size) < 1):
            proc.err(f"xargs: invalid number \"{size}\" for -{'n' if 'n' in o else 'L'} option\n"
                     f"Try 'xargs --help' for more information.\n")
            return 1
        n = int(size) if size else max(1, len(items))
        batches = [cmd + items[k:k + n] for k in range(0, len(items), n)] or ([] if "r" in o else [list(cmd)])
    shell = getattr(proc, "shell", None)
    if shell is None:
        proc.err("xargs: cannot run commands here\n")
        return 1
    status = 0
    for argv in batches:
        if "t" in o:
            proc.err(" ".join(argv) + "\n")
        if shell.is_builtin(argv[0]) and argv[0] not in ("true", "false", "pwd"):
            proc.err(f"xargs: {argv[0]}: {vfs.NOENT}\n")
            return 127
        code = shell.run_argv(argv, IO(None, proc.stdout, NotFound(proc.stderr, argv[0])),
                              as_root=vfs.is_root(proc), builtins=argv[0] in ("true", "false", "pwd"))
        if code == 127:
            return 127
        if code == 255:
            proc.err(f"xargs: {argv[0]}: exited with status 255; aborting\n")
            return 124
        if code:
            status = 123
    return status


class NotFound:
    """stderr for xargs' children: turns bash's `command not found` into xargs' own message."""

    def __init__(self, err, name: str):
        self.errs, self.name = err, name

    def write(self, text: str) -> None:
        if text == f"bash: {self.name}: command not found\n":
            text = f"xargs: {self.name}: {vfs.NOENT}\n"
        self.errs.write(text)


# ---- pagers, watch, base64 -----------------------------------------------------------------------
@program("less", "more", "most")
def pager(proc: Proc) -> int:
    """A pager on a terminal would wait for keys; the playground shows the whole text at once."""
    names = [a for a in proc.argv[1:] if not a.startswith("-") or a == "-"]
    status = 0
    for name, content, err in files_or_stdin(proc, names):
        if err:
            proc.err(f"{name}: {err}\n")
            status = 1
            continue
        if len(names) > 1 and proc.argv[0] == "more":
            proc.out(f"::::::::::::::\n{name}\n::::::::::::::\n")
        proc.out(content)
    if not names and proc.stdin_is_tty:
        proc.err("Missing filename (\"less --help\" for help)\n" if proc.argv[0] == "less" else
                 "more: bad usage\nTry 'more --help' for more information.\n")
        return 1
    return status


@program("base64")
def base64_(proc: Proc) -> int:
    import base64 as b64
    import binascii
    try:
        opts, names = parse(proc.argv[1:], "diw:", {"decode": "d", "ignore-garbage": "i", "wrap=": "w"})
    except OptError as exc:
        return usage_error(proc, "base64", str(exc))
    o = dict(opts)
    if len(names) > 1:
        return usage_error(proc, "base64", f"extra operand ‘{names[1]}’")
    name, content, err = next(iter(files_or_stdin(proc, names)))
    if err:
        proc.err(f"base64: {name}: {err}\n")
        return 1
    if "d" in o:
        data = "".join(content.split())
        try:
            raw = b64.b64decode(data + "=" * (-len(data) % 4), validate=True)
        except (binascii.Error, ValueError):
            proc.err("base64: invalid input\n")
            return 1
        proc.out(raw.decode("utf-8", errors="replace"))
        return 0
    wrap = o.get("w", "76")
    if not wrap.isdigit():
        proc.err(f"base64: invalid wrap size: ‘{wrap}’\n")
        return 1
    text = b64.b64encode(content.encode()).decode()
    w = int(wrap)
    lines = [text[k:k + w] for k in range(0, len(text), w)] if w else [text]
    proc.out("".join(line + "\n" for line in lines if line) if w else text + ("\n" if text else ""))
    return 0


@program("chmod", "chown")
def chmod(proc: Proc) -> int:
    """Modes are not modelled; the file must exist and be the learner's (or sudo's)."""
    args = [a for a in proc.argv[1:] if not a.startswith("-")]
    tool = proc.argv[0]
    if len(args) < 2:
        return usage_error(proc, tool, "missing operand" if not args else f"missing operand after ‘{args[0]}’")
    status = 0
    for name in args[1:]:
        path = proc.host.abspath(name)
        if not vfs.exists(proc.host, path):
            proc.err(f"{tool}: cannot access {q(name)}: {vfs.NOENT}\n")
            status = 1
        elif not vfs.writable(path, vfs.is_root(proc)):
            verb = "changing permissions of" if tool == "chmod" else "changing ownership of"
            proc.err(f"{tool}: {verb} {q(name)}: Operation not permitted\n")
            status = 1
    return status


# ---- system information --------------------------------------------------------------------------
UNAME = {"s": "Linux", "n": HOSTNAME, "r": "6.8.0-49-generic",
         "v": "#49-Ubuntu SMP PREEMPT_DYNAMIC Mon Nov  4 02:06:24 UTC 2024", "m": "x86_64", "p": "x86_64",
         "i": "x86_64", "o": "GNU/Linux"}


@program("uname")
def uname(proc: Proc) -> int:
    try:
        opts, rest = parse(proc.argv[1:], "asnrvmpio", {"all": "a", "kernel-name": "s", "nodename": "n",
                                                       "kernel-release": "r", "kernel-version": "v",
                                                       "machine": "m", "processor": "p",
                                                       "hardware-platform": "i", "operating-system": "o"})
    except OptError as exc:
        return usage_error(proc, "uname", str(exc))
    if rest:
        return usage_error(proc, "uname", f"extra operand ‘{rest[0]}’")
    keys = {k for k, _ in opts}
    order = "snrvmpio" if "a" in keys else [k for k in "snrvmpio" if k in keys] or ["s"]
    proc.out(" ".join(UNAME[k] for k in order) + "\n")
    return 0


@program("ps")
def ps(proc: Proc) -> int:
    args = proc.argv[1:]
    user = "root" if vfs.is_root(proc) else USER
    if any(a in ("aux", "-ef", "-e", "-A", "ax", "-aux") for a in args):
        rows = [("root", 1, "/sbin/init"), ("root", 712, "/usr/bin/containerd"),
                ("root", 845, "/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock"),
                ("root", 2210, "/usr/bin/containerd-shim-runc-v2 -namespace moby -id minikube"),
                (USER, 4242, "-bash"), (user, 4310, "ps " + " ".join(args))]
        if "-ef" in args or "-e" in args or "-A" in args:
            proc.out("UID          PID    PPID  C STIME TTY          TIME CMD\n")
            for u, pid, cmd in rows:
                tty = "pts/0" if u in (USER, user) and pid >= 4242 else "?"
                proc.out(f"{u:<8} {pid:>7} {1 if pid < 4242 else 4241:>7}  0 08:00 {tty:<8} 00:00:00 {cmd}\n")
        else:
            proc.out("USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n")
            for u, pid, cmd in rows:
                tty = "pts/0" if pid >= 4242 else "?"
                proc.out(f"{u:<10} {pid:>6}  0.0  0.1  22000  5000 {tty:<8} Ss   08:00   0:00 {cmd}\n")
        return 0
    proc.out("    PID TTY          TIME CMD\n   4242 pts/0    00:00:00 bash\n   4310 pts/0    00:00:00 ps\n")
    return 0
