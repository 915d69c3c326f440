"""The shells inside containers: busybox ash (`/ # `), Debian's dash (`# `) and bash
(`root@<pod>:/# `). They are the learner's shell (shell.Shell: pipes, loops, functions, subshells,
redirections, here-docs) given the container's identity: its files and environment (PodHost), the image's
program set (what the image lacks is `sh: X: not found`, exit 127), and the pod as the network source.

`kubectl exec -it POD -- sh` pushes an entry on host.shell_stack; shell.POD_SHELL (set here) routes each
line the learner types to `run_pod_line` until `exit` pops it.
"""
from __future__ import annotations

from typing import Callable, TYPE_CHECKING

from ... import completion, dns, shell
from ...images import DEBIAN_TOOLS, TOOLBOX, flavor, has_program, repository
from ...proc import IO, Stream
from .. import PROGRAMS, vfs
from . import CONTAINER_PROGRAMS, PodFS, PodHost, container_env, container_program, make_proc

if TYPE_CHECKING:
    from ...engine import Engine

SHELLS = {"sh", "ash", "dash", "bash"}
# When a shell attached by `kubectl run -it` or `kubectl attach -it` exits: fn(engine, entry, term) writes
# kubectl's closing lines (and deletes the pod for --rm). kubectl/attach.py's install sets it; every Engine
# runs wiring.install as it is built, so it is set before such a session can run.
ON_ATTACHED_EXIT: Callable[[Engine, dict, Stream], None] | None = None
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


class PodShell(shell.Shell):
    """shell.Shell running in a container: `host` is the container (PodHost), commands come from the image."""

    def __init__(self, engine: Engine, term: Stream, pod: dict, container: dict, host: PodHost, kind: str,
                 tty: bool, log_only: set[str] | None = None):
        super().__init__(engine, term)
        self.host = host
        self.status = host.last_exit
        self.pod, self.container, self.kind, self.tty = pod, container, kind, tty
        self.arg0 = "bash" if kind == "bash" else "sh"
        self.dialect = "bash" if kind == "bash" else "sh"
        self.root = True                 # containers run as root unless securityContext says otherwise
        self.exited: int | None = None
        self.lineno = 1                  # dash numbers the lines an interactive shell has read
        # `kubectl logs` replays a container's own command: only programs that just print are run then
        self.log_only = log_only

    def syntax_error(self, exc) -> str:
        msg = shell.syntax_message(exc)
        if self.kind == "bash":
            return msg
        if "unexpected EOF while looking for matching" in msg:
            return "sh: syntax error: unterminated quoted string\n" if self.kind == "ash" else \
                "sh: 1: Syntax error: Unterminated quoted string\n"
        rest = msg.removeprefix("bash: ").removeprefix("syntax error near ")
        return f"sh: syntax error: {rest}" if self.kind == "ash" else f"sh: 1: Syntax error: {rest}"

    def exit_shell(self, stop, term: Stream) -> int:
        self.exited = stop.status
        return stop.status

    def diagnostic(self, target: str, err: str, verb: str) -> str:
        if self.kind != "ash":
            return super().diagnostic(target, err, verb)
        # busybox ash (shell/ash.c openredirect): errmsg(errno, "nonexistent directory" / "no such file")
        if verb == "create":
            return f"sh: can't create {target}: {'nonexistent directory' if err == vfs.NOENT else err}\n"
        return f"sh: can't open {target}: {'no such file' if err == vfs.NOENT else err}\n"

    def cd(self, argv: list[str], io) -> int:
        """busybox ash and dash word a failed cd their own way (bash's wording is shell.py's)."""
        target = argv[1] if len(argv) > 1 else self.host.vars.get("HOME", "/root")
        path = self.host.abspath(target)
        if not vfs.is_dir(self.host, path):
            io.err.write(f"sh: cd: can't cd to {target}: No such file or directory\n" if self.kind == "ash" else
                         f"sh: {self.lineno}: cd: can't cd to {target}\n")
            return 2 if self.kind == "dash" else 1
        self.host.vars["OLDPWD"] = self.host.cwd
        self.host.cwd = path
        return 0

    def not_found(self, name: str, io) -> int:
        io.err.write({"ash": f"sh: {name}: not found\n", "bash": f"bash: {name}: command not found\n"}
                     .get(self.kind, f"sh: {self.lineno}: {name}: not found\n"))
        return 127

    def expand_aliases(self, cmd):
        return cmd                       # no Ubuntu .bashrc aliases in an image

    def run_compound(self, node, io) -> int:
        if self.log_only is not None:        # loops in a container's own command are not replayed
            return 0
        return super().run_compound(node, io)

    def run_argv(self, argv: list[str], io, assigns: dict[str, str] | None = None, as_root: bool = False,
                 builtins: bool = True) -> int:
        name = argv[0]
        base = name.rsplit("/", 1)[-1]
        image = self.container.get("image", "")
        if builtins and name in self.functions:
            return self.call_function(argv, io)
        if builtins and name == "cd" and self.kind != "bash":
            return self.cd(argv, io)
        if builtins and name in shell.BUILTINS and name not in ("sudo", "history", "help"):
            return super().run_argv(argv, io, assigns, as_root, builtins)
        if not has_program(image, base):
            return self.not_found(name, io)
        if self.log_only is not None and base not in self.log_only:
            return 0
        if base in SHELLS:
            if len(argv) == 1 or argv[1:] in (["-s"], ["-i"]):      # `sh` reading its stdin
                return self.run_nested(io.stdin or "", io) if io.stdin else 0
            return self.sub_shell(argv, io, as_root or self.root, assigns)
        fn = CONTAINER_PROGRAMS.get(base)
        if fn is None:
            fn = PROGRAMS.get(base)        # the text tools are the same programs as on the host
        if fn is None:
            io.err.write(f"podscape: `{base}` exists in this image, but the playground does not simulate it "
                         "inside containers\n")
            return 1
        proc = make_proc(self.engine, self.pod, self.container, list(argv), io.stdin or "", io.out, io.err,
                         self.env(assigns), self.host.cwd, self.tty, self.host)
        proc.stdout_is_tty = io.tty_out
        proc.stdin_is_tty = io.stdin is None and self.tty
        proc.shell = self
        return self.call(fn, proc, base, io)


def run_in_container(proc, text: str, kind: str, params: list[str] | None = None) -> int:
    """Run a script in the container's shell (`sh -c TEXT`, `sh FILE`) exec'd as `proc`: its files are the
    ones proc.host shows (the exec's caller writes them back), its environment proc.env."""
    engine, pod, container, out = proc.engine, proc.pod, proc.container, proc.stdout
    host = proc.host
    host.vars, host.exported, host.cwd = dict(proc.env), list(proc.env), proc.cwd
    tty = proc.tty
    psh = PodShell(engine, out, pod, container, host, kind, tty)
    psh.current_err = out
    if params:
        psh.arg0, psh.positional = params[0], params[1:]
    return shell.run_script(psh, text, out)


@container_program("sh", "ash", "dash", "bash")
def sh_program(proc) -> int:
    """`sh -c 'CMD' [name args...]` runs CMD; `sh FILE` runs the file; `sh` alone runs its stdin."""
    args = proc.argv[1:]
    kind = shell_kind(proc.container.get("image", ""), proc.argv[0])
    while args and args[0] in ("-e", "-x", "-u", "-l", "--login"):
        args = args[1:]
    if args and args[0] == "-c":
        if len(args) < 2:
            proc.err({"ash": "sh: -c requires an argument\n", "bash": "bash: -c: option requires an argument\n"}
                     .get(kind, "sh: 0: -c requires an argument\n"))
            return 2
        return run_in_container(proc, args[1], kind, args[2:] or None)
    if args and not args[0].startswith("-"):
        content = proc.fs.read(proc.abspath(args[0]))
        if content is None:
            proc.err({"ash": f"sh: can't open '{args[0]}': No such file or directory\n",
                      "bash": f"bash: {args[0]}: No such file or directory\n"}.get(
                kind, f"sh: 0: cannot open {args[0]}: No such file\n"))
            return 2 if kind == "bash" else 127 if kind == "dash" else 2
        return run_in_container(proc, content, kind, args)
    if proc.stdin:
        return run_in_container(proc, proc.stdin, kind)
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
    host = PodHost(PodFS(engine.cluster, pod, container), "/", dict(container_env(engine.cluster, pod, container,
                                                                                  False)))
    psh = PodShell(engine, out, pod, container, host, shell_kind(container.get("image", ""), argv[0]), False,
                   log_only=PRINTING)
    psh.current_err = out
    try:
        psh.run_argv(argv, IO("", out, out))
    except (Exception, RecursionError, shell.Abort):
        return ""
    finally:
        host.fs.live = None          # a replay changes nothing in the container
    return out.text


def open_session(engine: Engine, pod: dict, container: dict, argv0: str, tty: bool) -> dict:
    """Push an interactive shell for `kubectl exec -it POD -- sh` on the learner's shell stack."""
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
    if entry.get("kind") == "node":             # `minikube ssh`: the node's shell, not a container's
        # lazy: the node's shell and its tools (docker, kube-proxy's tables) load with the first `minikube ssh`
        from ..node import run_node_line
        return run_node_line(engine, line, term)
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
    if not entry.get("vars"):
        entry["vars"] = dict(container_env(cluster, pod, container, entry.get("tty", True)))
    podhost = PodHost(PodFS(cluster, pod, container), entry.get("cwd", "/"), entry["vars"])
    podhost.exported = list(entry.get("exported") or podhost.exported)
    podhost.last_exit = int(entry.get("last", 0))
    psh = PodShell(engine, term, pod, container, podhost, entry.get("kind", "ash"), bool(entry.get("tty", True)))
    psh.current_err = term
    psh.lineno = entry["lineno"]
    try:
        status = shell.run_script(psh, line, term) if line.strip() else psh.status
    except (Exception, RecursionError) as exc:      # hostile input must not take the sandbox down
        term.write(f"podscape: the pod's shell could not run that ({type(exc).__name__})\n")
        status = 2
    finally:
        podhost.sync()
    entry.update(last=status, cwd=podhost.cwd, vars=podhost.vars, exported=podhost.exported)
    if psh.exited is not None:
        host.shell_stack.pop()
        code = psh.exited
        if entry.get("attach"):              # kubectl run -it / attach: kubectl's closing lines, --rm's delete
            assert ON_ATTACHED_EXIT is not None, "kubectl attach sets it (wiring.install)"
            ON_ATTACHED_EXIT(engine, entry, term)
            return code
        if code:
            term.write(f"command terminated with exit code {code}\n")
        return code
    entry["prompt"] = prompt(entry)
    return status


def complete_in_pod(engine: Engine, line: str, cursor: int) -> tuple[int, list[str]]:
    """Tab in the pod's shell: busybox ash and bash complete commands and paths; dash completes nothing."""
    entry = engine.host.shell_stack[-1]
    if entry.get("kind") == "node":
        return cursor, []
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
        tools = TOOLBOX.get(repository(container.get("image", "")), DEBIAN_TOOLS)
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
    """The learner's shell and completion hand in-pod lines here (wiring.install calls this)."""
    shell.POD_SHELL = run_pod_line
    completion.POD_COMPLETE = complete_in_pod


@container_program("timeout")
def timeout_program(proc) -> int:
    """`timeout [-s SIG] [-k T] DURATION CMD...`: nothing here runs longer than one line, so CMD just runs."""
    args = proc.argv[1:]
    while args and args[0].startswith("-") and args[0] != "-":
        opt = args.pop(0)
        if opt in ("-s", "-k", "-t") and args:
            args.pop(0)
    if len(args) < 2:
        proc.err("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: timeout [-s SIG] "
                 "[-k KILL_SECS] SECS PROG ARGS\n" if flavor(proc.container.get("image", "")) == "busybox" else
                 "timeout: missing operand\nTry 'timeout --help' for more information.\n")
        return 1 if flavor(proc.container.get("image", "")) == "busybox" else 125
    psh = getattr(proc, "shell", None)
    if not isinstance(psh, PodShell):
        host = proc.host if isinstance(proc.host, PodHost) else PodHost(proc.fs, proc.cwd, proc.env)
        psh = PodShell(proc.engine, proc.stdout, proc.pod, proc.container, host,
                       shell_kind(proc.container.get("image", ""), "sh"), proc.tty)
    return psh.run_argv(args[1:], IO(proc.stdin, proc.stdout, proc.stderr))
