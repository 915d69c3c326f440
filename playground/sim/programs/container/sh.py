"""The shells inside containers: busybox ash (`/ # `), Debian's dash (`# `) and bash
(`root@<pod>:/# `). They reuse the learner's shell parser (shell.parse) and run a small subset:
; && || |, quoting, $VAR / ${VAR} / $?, VAR=value, cd, exit, export, > and >> redirections.

`kubectl exec -it POD -- sh` pushes an entry on host.shell_stack; shell.POD_SHELL (set here) routes each
line the learner types to `run_pod_line` until `exit` pops it.
"""
from __future__ import annotations

import re

from ...engine import Engine, Stream
from . import CONTAINER_PROGRAMS, container_env, container_program, dispatch, flavor, has_program, make_proc

SHELLS = {"sh", "ash", "dash", "bash"}
# Text filters the pod can borrow from the host's implementations (they only read stdin/argv).
BORROWED = {"grep", "wc", "head", "tail", "sort", "printf", "tee"}


def shell_kind(image: str, argv0: str) -> str:
    base = argv0.rsplit("/", 1)[-1]
    if flavor(image) == "busybox":
        return "bash" if base == "bash" and not has_program(image, "ash") else "ash"
    return "bash" if base == "bash" else "dash"


def prompt(entry: dict) -> str:
    cwd = entry.get("cwd", "/")
    if entry.get("kind") == "ash":
        return f"{cwd} # "
    if entry.get("kind") == "bash":
        return f"root@{entry.get('hostname', '')}:{cwd}# "
    return "# "


class PodShell:
    def __init__(self, engine: Engine, pod: dict, container: dict, entry: dict, term: Stream):
        self.engine, self.pod, self.container, self.entry, self.term = engine, pod, container, entry, term
        self.kind = entry.get("kind", "ash")
        self.vars: dict[str, str] = entry.setdefault("vars", {})
        if not self.vars:
            self.vars.update(container_env(engine.cluster, pod, container, entry.get("tty", True)))
            self.vars["PWD"] = entry.get("cwd", "/")
        self.status = int(entry.get("last", 0))
        self.exited: int | None = None
        # `kubectl logs` replays a container's own command: only programs that just print are run then
        self.log_only: set[str] | None = entry.get("log_only")

    # -- word expansion: quotes, $VAR, ${VAR}, $? (no globbing or command substitution) --
    def expand(self, raw: str) -> list[str]:
        out, cur, quoted, i = [], "", False, 0
        have = False
        while i < len(raw):
            c = raw[i]
            if c == "'":
                j = raw.find("'", i + 1)
                j = len(raw) if j < 0 else j
                cur += raw[i + 1:j]
                have = True
                i = j + 1
            elif c == '"':
                j = i + 1
                buf = ""
                while j < len(raw) and raw[j] != '"':
                    if raw[j] == "\\" and j + 1 < len(raw) and raw[j + 1] in '"\\$`':
                        buf += raw[j + 1]
                        j += 2
                    elif raw[j] == "$":
                        val, j = self._dollar(raw, j)
                        buf += val
                    else:
                        buf += raw[j]
                        j += 1
                cur += buf
                have = True
                i = j + 1
            elif c == "\\" and i + 1 < len(raw):
                cur += raw[i + 1]
                have = True
                i += 2
            elif c == "$":
                val, i = self._dollar(raw, i)
                parts = val.split()
                if parts:
                    if val[:1].isspace() and (cur or have):
                        out.append(cur)
                        cur = ""
                    cur += parts[0]
                    for p in parts[1:]:
                        out.append(cur)
                        cur = p
                    have = True
                    if val[-1:].isspace():
                        out.append(cur)
                        cur, have = "", False
            else:
                cur += c
                have = True
                i += 1
        if cur or have:
            out.append(cur)
        del quoted
        return out

    def _dollar(self, raw: str, i: int) -> tuple[str, int]:
        if raw.startswith("$((", i):
            end = raw.find("))", i + 3)
            if end > 0:
                return self._arith(raw[i + 3:end]), end + 2
        m = re.match(r"\$(\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*)|(\?)|(\$))", raw[i:])
        if not m:
            return "$", i + 1
        if m.group(4):
            return str(self.status), i + m.end()
        if m.group(5):
            return "1", i + m.end()
        name = m.group(2) or m.group(3)
        return self.vars.get(name, ""), i + m.end()

    def _arith(self, expr: str) -> str:
        """$(( )) with + - * / % and parentheses over integers and variables (a tiny recursive descent)."""
        toks = re.findall(r"\d+|[A-Za-z_][A-Za-z0-9_]*|[-+*/%()]", expr)
        pos = [0]

        def peek() -> str:
            return toks[pos[0]] if pos[0] < len(toks) else ""

        def atom() -> int:
            t = peek()
            pos[0] += 1
            if t == "(":
                v = add()
                pos[0] += 1
                return v
            if t == "-":
                return -atom()
            if t.isdigit():
                return int(t)
            val = self.vars.get(t, "0")
            return int(val) if re.fullmatch(r"-?\d+", val) else 0

        def mul() -> int:
            v = atom()
            while peek() in ("*", "/", "%"):
                op = peek()
                pos[0] += 1
                r = atom()
                if op == "*":
                    v *= r
                elif r == 0:
                    raise ZeroDivisionError
                else:
                    q = abs(v) // abs(r) * (1 if (v >= 0) == (r >= 0) else -1)
                    v = q if op == "/" else v - q * r
            return v

        def add() -> int:
            v = mul()
            while peek() in ("+", "-"):
                op = peek()
                pos[0] += 1
                v = v + mul() if op == "+" else v - mul()
            return v
        try:
            return str(add())
        except (ZeroDivisionError, IndexError, ValueError):
            self.term.write("sh: arithmetic syntax error\n" if self.kind == "ash" else "sh: 1: arithmetic expression: "
                            "division by zero\n")
            return "0"

    # -- running the parsed tree --
    def run_text(self, text: str) -> int:
        from ... import shell
        try:
            tree, _ = shell.parse(text)
        except Exception as exc:       # ShellSyntaxError and anything odd in hostile input
            msg = str(exc).replace("bash: ", "")
            quote = "matching `'" in msg or 'matching `"' in msg
            if self.kind == "bash":
                self.term.write(f"bash: {msg}\n")
            elif self.kind == "ash":
                self.term.write("sh: syntax error: unterminated quoted string\n" if quote else f"sh: syntax error: {msg}\n")
            else:
                self.term.write("sh: 1: Syntax error: Unterminated quoted string\n" if quote
                                else f"sh: 1: Syntax error: {msg}\n")
            self.status = 2
            return 2
        for node, _bg in tree.items:
            self.status = self.run_and_or(node)
            if self.exited is not None:
                return self.exited
        return self.status

    def run_and_or(self, node) -> int:
        status = self.run_pipeline(node.first)
        for op, pipe in node.rest:
            if self.exited is not None:
                break
            if (op == "&&" and status == 0) or (op == "||" and status != 0):
                status = self.run_pipeline(pipe)
        return status

    def run_pipeline(self, pipe) -> int:
        stdin = ""
        status = 0
        for k, cmd in enumerate(pipe.cmds):
            last = k == len(pipe.cmds) - 1
            out = self.term if last else Stream()
            status = self.run_simple(cmd, stdin, out)
            if not last:
                stdin = out.text
        self.status = (0 if status else 1) if pipe.negate else status
        return self.status

    def run_simple(self, cmd, stdin: str, out: Stream) -> int:
        from ... import shell
        if not isinstance(cmd, shell.Simple):
            if self.log_only is not None:
                return 0
            self.term.write("podscape: compound commands (if, for, while, subshells) are not simulated in the "
                            "pod's shell\n")
            return 2
        assigns = {}
        for a in cmd.assigns:
            name, _, value = a.partition("=")
            words = self.expand(value)
            assigns[name] = " ".join(words)
        argv: list[str] = []
        for w in cmd.words:
            argv += self.expand(w)
        redirect_to: tuple[str, bool] | None = None
        for r in cmd.redirs:
            target = " ".join(self.expand(r.target)) if r.target else ""
            if r.op in (">", ">>", ">|") and (r.fd in (None, 1)):
                redirect_to = (target, r.op == ">>")
            elif r.op == "<" and target:
                content = self._fs().read(self._abspath(target))
                if content is None:
                    self._not_found_file(target)
                    return 1
                stdin = content
            elif r.op in (">&", "2>", "&>") or r.fd == 2:
                continue
        if not argv:
            self.vars.update(assigns)
            return 0
        sink = Stream() if redirect_to else out
        code = self.run_argv(argv, stdin, sink, assigns)
        if redirect_to:
            path = self._abspath(redirect_to[0])
            self._fs().write(path, sink.text, append=redirect_to[1])
        return code

    def _fs(self):
        from . import PodFS
        return PodFS(self.engine.cluster, self.pod, self.container)

    def _abspath(self, path: str) -> str:
        from . import PodHost
        return PodHost(self._fs(), self.entry.get("cwd", "/")).abspath(path)

    def _not_found_file(self, target: str) -> None:
        if self.kind == "ash":
            self.term.write(f"sh: can't open '{target}': no such file\n")
        elif self.kind == "bash":
            self.term.write(f"bash: {target}: No such file or directory\n")
        else:
            self.term.write(f"sh: 1: cannot open {target}: No such file\n")

    def not_found(self, name: str) -> int:
        if self.kind == "ash":
            self.term.write(f"sh: {name}: not found\n")
        elif self.kind == "bash":
            self.term.write(f"bash: {name}: command not found\n")
        else:
            n = int(self.entry.get("lineno", 1))
            self.term.write(f"sh: {n}: {name}: not found\n")
        return 127

    def run_argv(self, argv: list[str], stdin: str, out: Stream, assigns: dict) -> int:
        name = argv[0]
        if name == "exit":
            code = self.status
            if len(argv) > 1:
                code = int(argv[1]) % 256 if re.fullmatch(r"-?\d+", argv[1]) else 2
            self.exited = code
            return code
        if name == "cd":
            target = argv[1] if len(argv) > 1 else "/root"
            path = self._abspath(target)
            if not self._fs().is_dir(path):
                msg = {"ash": f"sh: cd: can't cd to {target}: No such file or directory\n",
                       "bash": f"bash: cd: {target}: No such file or directory\n"}.get(
                    self.kind, f"sh: 1: cd: can't cd to {target}\n")
                self.term.write(msg)
                return 1 if self.kind != "dash" else 2
            self.entry["cwd"] = path
            self.vars["PWD"] = path
            return 0
        if name == "export":
            for a in argv[1:]:
                k, eq, v = a.partition("=")
                if eq:
                    self.vars[k] = v
            return 0
        image = self.container.get("image", "")
        if not has_program(image, name):
            return self.not_found(name)
        if self.log_only is not None and name.rsplit("/", 1)[-1] not in self.log_only:
            return 0
        env = dict(self.vars) | assigns
        proc = make_proc(self.engine, self.pod, self.container, argv, stdin, out, self.term, env,
                         self.entry.get("cwd", "/"), bool(self.entry.get("tty", True)))
        base = name.rsplit("/", 1)[-1]
        if base in SHELLS:
            return sh_program(proc)
        if base not in CONTAINER_PROGRAMS and base in BORROWED:
            from .. import PROGRAMS
            fn = PROGRAMS.get(base)
            if fn is not None:
                return fn(proc)
        return dispatch(proc)


@container_program("sh", "ash", "dash", "bash")
def sh_program(proc) -> int:
    """`sh -c 'CMD'` runs CMD; `sh` alone with no terminal reads an empty stdin and exits 0."""
    args = proc.argv[1:]
    kind = shell_kind(proc.container.get("image", ""), proc.argv[0])
    if args and args[0] == "-c":
        if len(args) < 2:
            proc.err({"ash": "sh: -c requires an argument\n", "bash": "bash: -c: option requires an argument\n"}
                     .get(kind, "sh: 0: -c requires an argument\n"))
            return 2
        entry = {"kind": kind, "cwd": proc.cwd, "tty": proc.tty, "vars": dict(proc.env)}
        return PodShell(proc.engine, proc.pod, proc.container, entry, proc.stdout).run_text(args[1])
    if args and not args[0].startswith("-"):
        content = proc.fs.read(proc.abspath(args[0]))
        if content is None:
            proc.err({"ash": f"sh: can't open '{args[0]}': No such file or directory\n",
                      "bash": f"bash: {args[0]}: No such file or directory\n"}.get(
                kind, f"sh: 0: cannot open {args[0]}: No such file\n"))
            return 2 if kind == "bash" else 127 if kind == "dash" else 2
        entry = {"kind": kind, "cwd": proc.cwd, "tty": proc.tty, "vars": dict(proc.env)}
        return PodShell(proc.engine, proc.pod, proc.container, entry, proc.stdout).run_text(content)
    if proc.stdin:
        entry = {"kind": kind, "cwd": proc.cwd, "tty": proc.tty, "vars": dict(proc.env)}
        return PodShell(proc.engine, proc.pod, proc.container, entry, proc.stdout).run_text(proc.stdin)
    return 0


PRINTING = {"echo", "printf", "hostname", "env", "printenv", "cat", "true", "false", "sleep", "sh", "ash", "bash",
            "dash", "pwd", "id", "whoami", "uname"}


def main_process_output(engine: Engine, pod: dict, container: dict) -> str:
    """What the container's own command printed when it started (its log), for programs that only print:
    `echo hello; sleep 3600` logs `hello`. Network tools and loops are not replayed."""
    argv = list(container.get("command") or []) + list(container.get("args") or [])
    if not argv or not has_program(container.get("image", ""), argv[0]):
        return ""
    out = Stream()
    entry = {"kind": shell_kind(container.get("image", ""), argv[0]), "cwd": "/", "tty": False,
             "log_only": PRINTING, "vars": dict(container_env(engine.cluster, pod, container, False))}
    psh = PodShell(engine, pod, container, entry, out)
    try:
        if argv[0].rsplit("/", 1)[-1] in SHELLS and len(argv) >= 3 and argv[1] == "-c":
            psh.run_text(argv[2])
        else:
            psh.run_argv(argv, "", out, {})
    except (Exception, RecursionError):
        return ""
    return out.text


def open_session(engine: Engine, pod: dict, container: dict, argv0: str, tty: bool) -> dict:
    """Push an interactive shell for `kubectl exec -it POD -- sh` on the learner's shell stack."""
    from ... import dns
    kind = shell_kind(container.get("image", ""), argv0)
    entry = {"kind": kind, "namespace": pod["metadata"]["namespace"], "pod": pod["metadata"]["name"],
             "uid": pod["metadata"].get("uid", ""), "container": container.get("name", ""), "cwd": "/",
             "tty": tty, "hostname": dns.pod_hostname(pod), "last": 0, "lineno": 0, "vars": {}}
    entry["prompt"] = prompt(entry)
    engine.host.shell_stack.append(entry)
    return entry


def run_pod_line(engine: Engine, line: str, term: Stream) -> int:
    """shell.POD_SHELL: one line typed at the in-pod prompt."""
    host = engine.host
    entry = host.shell_stack[-1]
    cluster = engine.cluster
    pod = cluster.get("pods", entry.get("namespace"), entry.get("pod", ""))
    if pod is None or pod["metadata"].get("uid") != entry.get("uid") or \
            pod.get("status", {}).get("phase") != "Running" or not cluster.running:
        host.shell_stack.pop()
        term.write("command terminated with exit code 137\n")
        return 137
    container = next((c for c in pod["spec"].get("containers", []) if c.get("name") == entry.get("container")),
                     None)
    if container is None:
        host.shell_stack.pop()
        return 137
    if line.strip():
        host.history.append(line.rstrip("\n"))
        del host.history[:-1000]
    entry["lineno"] = int(entry.get("lineno", 0)) + 1
    psh = PodShell(engine, pod, container, entry, term)
    try:
        status = psh.run_text(line) if line.strip() else psh.status
    except (Exception, RecursionError) as exc:      # hostile input must not take the sandbox down
        term.write(f"podscape: the pod's shell could not run that ({type(exc).__name__})\n")
        status = 2
    entry["last"] = status
    if psh.exited is not None:
        host.shell_stack.pop()
        code = psh.exited
        if code:
            term.write(f"command terminated with exit code {code}\n")
        return code
    entry["prompt"] = prompt(entry)
    return status


def complete_in_pod(engine: Engine, line: str, cursor: int) -> tuple[int, list[str]]:
    """Tab in the pod's shell: busybox ash and bash complete commands and paths; dash completes nothing."""
    from . import TOOLBOX, DEBIAN_TOOLS, PodFS, PodHost
    from ... import images
    entry = engine.host.shell_stack[-1]
    pod = engine.cluster.get("pods", entry.get("namespace"), entry.get("pod", ""))
    container = next((c for c in (pod or {}).get("spec", {}).get("containers", []) or []
                      if c.get("name") == entry.get("container")), None)
    if container is None or entry.get("kind") == "dash":
        return cursor, []
    text = line[:cursor]
    start = max(text.rfind(" "), text.rfind("\t"), text.rfind("|"), text.rfind(";")) + 1
    word = text[start:]
    first = not text[:start].strip() or text[:start].rstrip()[-1:] in ("|", ";", "&")
    if first and "/" not in word:
        tools = TOOLBOX.get(images.repository(container.get("image", "")), DEBIAN_TOOLS)
        return start, sorted(t for t in tools | {"cd", "exit", "export"} if t.startswith(word))[:100]
    fs = PodFS(engine.cluster, pod, container)
    base, _, stem = word.rpartition("/")
    directory = PodHost(fs, entry.get("cwd", "/")).abspath(base + "/" if base else ("/" if word.startswith("/") else "."))
    names = fs.listdir(directory) or []
    prefix = (base + "/") if base or word.startswith("/") else ""
    out = []
    for n in names:
        if n.startswith(stem):
            full = directory.rstrip("/") + "/" + n
            out.append(prefix + n + ("/" if fs.is_dir(full) else ""))
    return start, sorted(out)[:100]


def install() -> None:
    from ... import completion, shell
    shell.POD_SHELL = run_pod_line
    completion.POD_COMPLETE = complete_in_pod


install()
