"""Programs that run inside a pod's container (`kubectl exec POD -- CMD`, the in-pod shell).

Each image ships its own tools: busybox's applets (ash, nslookup, wget, ping, ...), Debian's dash/bash,
coreutils and curl in nginx, nothing at all in hello-app. `run(engine, pod, container, argv, term, tty)`
runs one command the way the container runtime would start it (exec, no shell), and `shell.run_pod_line`
serves the interactive shell `kubectl exec -it POD -- sh` opens.

Programs here get a `PodProc`: `proc.pod`, `proc.container`, `proc.fs` (the container's files),
`proc.net_source` (the pod as a network source for network.walk) and `proc.tty`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TYPE_CHECKING

from ... import dns, images, volumes, webcontent
from .. import PROGRAMS, load_all
from ...cluster import parse_rfc3339
from ...images import flavor, has_program
from ...proc import Proc, Stream
from ...host import absolute_path
from ...network import pod_source

if TYPE_CHECKING:
    from ...engine import Engine

# name -> fn(proc) for the in-container programs
CONTAINER_PROGRAMS: dict[str, Callable] = {}

def container_program(*names: str):
    def register(fn):
        for n in names:
            CONTAINER_PROGRAMS[n] = fn
        return fn
    return register


# ---- the container's files ---------------------------------------------------------------------------
BUSYBOX_ROOT = ["bin", "dev", "etc", "home", "lib", "lib64", "proc", "root", "sys", "tmp", "usr", "var"]
DEBIAN_ROOT = ["bin", "boot", "dev", "etc", "home", "lib", "lib64", "media", "mnt", "opt", "proc", "root", "run",
               "sbin", "srv", "sys", "tmp", "usr", "var"]
NGINX_EXTRA_ROOT = ["docker-entrypoint.d", "docker-entrypoint.sh"]


class PodFS:
    """The container's writable layer (files the learner wrote, kept in cluster.runtime) over what the
    image and the kubelet put there (/etc/resolv.conf, /etc/hosts, /etc/hostname)."""

    def __init__(self, cluster, pod: dict, container: dict):
        self.pod, self.container, self.cluster = pod, container, cluster
        key = f"{pod['metadata'].get('uid', '')}/{container.get('name', '')}"
        self.written: dict[str, str] = cluster.runtime.setdefault("podfs", {}).setdefault(key, {})
        self.live: "PodHost | None" = None

    def base_files(self) -> dict[str, str]:
        files = {"/etc/resolv.conf": dns.resolv_conf(self.pod), "/etc/hosts": dns.etc_hosts(self.pod),
                 "/etc/hostname": dns.pod_hostname(self.pod) + "\n"}
        mounted, self.mount_dirs = volumes.mounted(self.cluster, self.pod, self.container)
        files.update(mounted)
        repo = images.repository(self.container.get("image", ""))
        if repo == "nginx":
            files["/usr/share/nginx/html/index.html"] = webcontent.nginx_index(
                webcontent.nginx_version(self.container.get("image", "")))
        if repo == "httpd":
            files["/usr/local/apache2/htdocs/index.html"] = webcontent.HTTPD_INDEX
        return files

    def read(self, path: str) -> str | None:
        if self.live is not None:           # a shell is running: its view is the current one
            return self.live.files.get(path)
        if path in self.written:
            return self.written[path]
        return self.base_files().get(path)

    def write(self, path: str, content: str, append: bool = False) -> None:
        old = self.read(path) if append else None
        if self.live is not None:
            self.live.files[path] = ((old or "") + content)[:200_000]
            return
        self.written[path] = ((old or "") + content)[:200_000]
        if len(self.written) > 100:
            self.written.pop(next(iter(self.written)))

    def is_dir(self, path: str) -> bool:
        if path == "/" or (self.live is not None and path in self.live.dirs):
            return True
        if path.rstrip("/") in getattr(self, "mount_dirs", ()):
            return True
        prefix = path.rstrip("/") + "/"
        if path.strip("/") in self.root_entries():
            return path.strip("/") not in NGINX_EXTRA_ROOT[1:]
        return any(p.startswith(prefix) for p in self.paths())

    def paths(self) -> list[str]:
        if self.live is not None:
            return list(self.live.files) + list(self.live.dirs)
        return list(self.base_files()) + list(self.written)

    def root_entries(self) -> list[str]:
        fl = flavor(self.container.get("image", ""))
        names = list(BUSYBOX_ROOT if fl == "busybox" else DEBIAN_ROOT)
        if images.repository(self.container.get("image", "")) == "nginx":
            names += NGINX_EXTRA_ROOT
        return sorted(names)

    def listdir(self, path: str) -> list[str] | None:
        if path == "/":
            entries = set(self.root_entries())
        elif not self.is_dir(path):
            return None
        else:
            entries = set()
        prefix = path.rstrip("/") + "/"
        for p in self.paths():
            if p.startswith(prefix) and p[len(prefix):]:
                entries.add(p[len(prefix):].split("/", 1)[0])
        return sorted(entries)


# ---- the process environment ------------------------------------------------------------------------
def _env_name(svc_name: str) -> str:
    return svc_name.upper().replace("-", "_")


def service_env(cluster, pod: dict) -> list[tuple[str, str]]:
    """The docker-links style variables the kubelet sets for each Service that existed when the pod's
    containers started (its namespace's, plus `kubernetes` from default), when enableServiceLinks."""
    spec = pod.get("spec", {})
    ns = pod["metadata"]["namespace"]
    started = pod.get("status", {}).get("startTime") or pod["metadata"].get("creationTimestamp")
    t0 = parse_rfc3339(started) if started else cluster.now
    svcs = []
    for svc in cluster.list("services", ns) if spec.get("enableServiceLinks", True) is not False else []:
        svcs.append(svc)
    master = cluster.get("services", "default", "kubernetes")
    if master is not None and ns != "default":
        svcs.append(master)
    out: list[tuple[str, str]] = []
    for svc in sorted(svcs, key=lambda s: s["metadata"]["name"]):
        created = svc["metadata"].get("creationTimestamp")
        if created and parse_rfc3339(created) > t0:
            continue
        ip = svc["spec"].get("clusterIP")
        if ip in (None, "", "None") or svc["spec"].get("type") == "ExternalName":
            continue
        ports = svc["spec"].get("ports") or []
        if not ports:
            continue
        name = _env_name(svc["metadata"]["name"])
        first = ports[0]
        out.append((f"{name}_SERVICE_HOST", ip))
        out.append((f"{name}_SERVICE_PORT", str(first["port"])))
        for p in ports:
            if p.get("name"):
                out.append((f"{name}_SERVICE_PORT_{_env_name(p['name'])}", str(p["port"])))
        proto = first.get("protocol", "TCP").lower()
        out.append((f"{name}_PORT", f"{proto}://{ip}:{first['port']}"))
        for p in ports:
            pr = p.get("protocol", "TCP")
            base = f"{name}_PORT_{p['port']}_{pr}"
            out += [(base, f"{pr.lower()}://{ip}:{p['port']}"), (f"{base}_PROTO", pr.lower()),
                    (f"{base}_PORT", str(p["port"])), (f"{base}_ADDR", ip)]
    return out


IMAGE_ENV = {
    "nginx": [("NGINX_VERSION", None), ("NJS_VERSION", "0.9.4"), ("NJS_RELEASE", "1~trixie"),
              ("PKG_RELEASE", "1~trixie"), ("DYNPKG_RELEASE", "1~trixie")],
    "httpd": [("HTTPD_PREFIX", "/usr/local/apache2"), ("HTTPD_VERSION", None)],
}
PATH_DEFAULT = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def container_env(cluster, pod: dict, container: dict, tty: bool) -> list[tuple[str, str]]:
    """The exec'd process's environment in the order the runtime builds it."""
    repo = images.repository(container.get("image", ""))
    env: list[tuple[str, str]] = [("PATH", PATH_DEFAULT if repo != "httpd" else
                                   "/usr/local/apache2/bin:" + PATH_DEFAULT),
                                  ("HOSTNAME", dns.pod_hostname(pod))]
    if tty:
        env.append(("TERM", "xterm"))
    for k, v in IMAGE_ENV.get(repo, []):
        if v is None:
            v = webcontent.nginx_version(container.get("image", "")) if repo == "nginx" else webcontent.HTTPD_VERSION
        env.append((k, v))
    for e in container.get("env", []) or []:
        if "value" in e or "valueFrom" not in e:
            env.append((e.get("name", ""), str(e.get("value", ""))))
    env += service_env(cluster, pod)
    env.append(("HOME", "/root"))
    seen: dict[str, str] = {}
    for k, v in env:
        seen.setdefault(k, v)           # the first definition wins (container env over service links)
    return list(seen.items())


# ---- running a program in the container ---------------------------------------------------------------
class PodHost:
    """The container seen as the shell's and programs' `host` (the same interface as host.Host): its files
    (the image's and kubelet's under the learner's writable layer), directories, environment, working
    directory. `sync()` writes what programs changed back to the writable layer kept in cluster.runtime."""

    def __init__(self, fs: PodFS, cwd: str = "/", env: dict[str, str] | None = None):
        self.fs = fs
        self.cwd = cwd
        self.vars: dict[str, str] = dict(env or {})
        self.exported: list[str] = list(self.vars)      # the container's environment is all exported
        self.namespace = fs.pod["metadata"]["namespace"]
        self.history: list[str] = []
        self.aliases: dict[str, str] = {}
        self.shell_stack: list[dict] = []
        self.last_exit = 0
        self._base = fs.base_files()
        self.files: dict[str, str] = self._base | fs.written
        fs.live = self
        self.dirs: set[str] = {"/", "/tmp", "/root", "/etc", cwd} | {"/" + n for n in fs.root_entries()}
        for mount in getattr(fs, "mount_dirs", ()):
            self.dirs.add(mount)         # an emptyDir is a directory with nothing in it yet
            parent = mount.rsplit("/", 1)[0]
            while parent and parent not in self.dirs:
                self.dirs.add(parent)
                parent = parent.rsplit("/", 1)[0]
        for path in self.files:
            parent = path.rsplit("/", 1)[0]
            while parent and parent not in self.dirs:
                self.dirs.add(parent)
                parent = parent.rsplit("/", 1)[0]

    def env(self) -> dict[str, str]:
        return {"PWD": self.cwd} | self.vars

    def sync(self) -> None:
        self.fs.live = None
        for path, text in self.files.items():
            if self._base.get(path) != text and self.fs.written.get(path) != text:
                self.fs.write(path, text)
        for path in [p for p in self.fs.written if p not in self.files]:
            del self.fs.written[path]

    def abspath(self, path: str) -> str:
        return absolute_path(self.cwd, path)


class PodProc(Proc):
    """A Proc whose world is one container: its files, its environment, the pod as the network source."""
    pod: dict
    container: dict
    fs: PodFS
    cwd: str
    tty: bool

    @property
    def host(self):           # programs shared with the host (curl) read files from here
        return self._pod_host

    def abspath(self, path: str) -> str:
        return self._pod_host.abspath(path)


def make_proc(engine: Engine, pod: dict, container: dict, argv: list[str], stdin: str, out: Stream, err: Stream,
              env: dict[str, str], cwd: str, tty: bool, host: PodHost | None = None) -> PodProc:
    proc = PodProc(engine, argv, stdin, out, err, env)
    proc.pod, proc.container, proc.tty = pod, container, tty
    proc.as_root = True          # containers run as root here (no runAsUser): the host's tools may write anywhere
    proc.fs = host.fs if host is not None else PodFS(engine.cluster, pod, container)
    proc.cwd = cwd
    proc._pod_host = host if host is not None else PodHost(proc.fs, cwd)
    proc.net_source = pod_source(pod)
    proc.stdout_is_tty = tty
    proc.stdin_is_tty = tty
    return proc


@dataclass
class ExecOutcome:
    code: int
    missing: bool = False          # the executable is not in the image: the runtime's exec error


def run(engine: Engine, pod: dict, container: dict, argv: list[str], term: Stream, tty: bool,
        stdin: str = "") -> ExecOutcome:
    """Start argv[0] in the container as the runtime would (no shell)."""
    image = container.get("image", "")
    name = argv[0]
    if not has_program(image, name) and name != "exit":
        return ExecOutcome(126, missing=True)
    env = dict(container_env(engine.cluster, pod, container, tty))
    proc = make_proc(engine, pod, container, argv, stdin, term, term, env, "/", tty)
    try:
        return ExecOutcome(dispatch(proc))
    finally:
        proc.host.sync()         # what it wrote stays in the container's writable layer


def dispatch(proc: PodProc) -> int:
    name = proc.argv[0].rsplit("/", 1)[-1]
    fn = CONTAINER_PROGRAMS.get(name)
    if fn is None:
        if name == "curl":
            if not PROGRAMS:
                load_all()
            fn = PROGRAMS.get("curl")
        if fn is None:
            proc.err(f"podscape: `{name}` exists in this image, but the playground does not simulate it "
                     "inside containers\n")
            return 1
    try:
        return fn(proc)
    except Exception as exc:  # a program bug must not take the sandbox down
        proc.err(f"podscape: {name} failed inside the simulation ({type(exc).__name__})\n")
        return 1


from . import agnhost, basic, bind, net, netcat, sh  # noqa: E402,F401  (register the programs)
