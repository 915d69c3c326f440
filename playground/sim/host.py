"""The learner's own machine: files, shell variables, history, the prompt. Persisted with the sandbox."""
from __future__ import annotations

HOME = "/home/student"
USER = "student"
HOSTNAME = "ubuntu"
MAX_FILE = 1_000_000        # bytes in one file
MAX_FILES = 500

ETC_HOSTS = """127.0.0.1\tlocalhost
127.0.1.1\tubuntu

# The following lines are desirable for IPv6 capable hosts
::1     ip6-localhost ip6-loopback
fe00::0 ip6-localnet
ff00::0 ip6-mcastprefix
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
192.168.49.2\tminikube
"""


def absolute_path(cwd: str, path: str) -> str:
    """`path` from `cwd`, with `.`, `..` and repeated slashes resolved as the kernel does (`..` at / stays)."""
    if not path.startswith("/"):
        path = f"{cwd.rstrip('/')}/{path}"
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
        else:
            parts.append(part)
    return "/" + "/".join(parts)

class Host:
    def __init__(self) -> None:
        self.files: dict[str, str] = {"/etc/hosts": ETC_HOSTS}
        self.dirs: set[str] = {"/", "/etc", "/home", HOME, "/tmp"}
        self.vars: dict[str, str] = {}
        self.history: list[str] = []
        self.cwd = HOME
        self.last_exit = 0
        self.pending_editor: dict | None = None
        self.shell_stack: list[dict] = []     # `kubectl exec -it pod -- sh` pushes an in-pod shell
        self.namespace = "default"            # the kubeconfig context's namespace (config set-context)
        self.aliases: dict[str, str] = {}     # `alias k=kubectl` (the shell adds Ubuntu's .bashrc ones)
        self.exported: list[str] = []         # names in vars that `export` put into programs' environment
        # Terminal tabs: each is a shell session of its own (cwd, variables, history, jobs); the fields of the
        # one in use live on the Host as above, the others wait in `sessions` (jobs.use_session swaps them).
        self.session = "1"
        self.sessions: dict[str, dict] = {}
        self.jobs: list[dict] = []            # this session's jobs (jobs.py): a foreground one, `&` ones
        self.next_pid = 0                     # last process id handed out (bash's `[1] 12345`)

    def to_dict(self) -> dict:
        return {"files": self.files, "dirs": sorted(self.dirs), "vars": self.vars, "history": self.history[-1000:],
                "cwd": self.cwd, "last_exit": self.last_exit, "pending_editor": self.pending_editor,
                "shell_stack": self.shell_stack, "namespace": self.namespace, "aliases": self.aliases,
                "exported": self.exported, "session": self.session, "sessions": self.sessions,
                "jobs": self.jobs, "next_pid": self.next_pid}

    @classmethod
    def from_dict(cls, data: dict) -> "Host":
        h = cls()
        h.files = data.get("files", h.files)
        h.dirs = set(data.get("dirs", h.dirs))
        h.vars = data.get("vars", {})
        h.history = data.get("history", [])
        h.cwd = data.get("cwd", HOME)
        h.last_exit = data.get("last_exit", 0)
        h.pending_editor = data.get("pending_editor")
        h.shell_stack = data.get("shell_stack", [])
        h.aliases = data.get("aliases", {})
        h.exported = data.get("exported", [])
        h.namespace = data.get("namespace", "default")
        h.session = data.get("session", "1")
        h.sessions = data.get("sessions", {})
        h.jobs = data.get("jobs", [])
        h.next_pid = data.get("next_pid", 0)
        return h

    def env(self) -> dict[str, str]:
        return {"HOME": HOME, "USER": USER, "HOSTNAME": HOSTNAME, "PWD": self.cwd, "SHELL": "/bin/bash",
                "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "TERM": "xterm-256color", "KUBECONFIG": f"{HOME}/.kube/config"} | self.vars

    def display_cwd(self) -> str:
        if self.cwd == HOME:
            return "~"
        if self.cwd.startswith(HOME + "/"):
            return "~" + self.cwd[len(HOME):]
        return self.cwd

    def prompt(self) -> str:
        if self.shell_stack:
            return self.shell_stack[-1].get("prompt", "/ # ")
        return f"{USER}@{HOSTNAME}:{self.display_cwd()}$ "

    def abspath(self, path: str) -> str:
        if path.startswith("~"):
            path = HOME + path[1:]
        return absolute_path(self.cwd, path)
