"""What a container's main process is, and so what it listens on.

The process is the image's ENTRYPOINT and CMD (IMAGE_PROCESS), overridden as Kubernetes does
(pkg/kubelet/kuberuntime: `command` replaces ENTRYPOINT and drops CMD; `args` replaces CMD), with the
container's env. The listening sockets follow from that command line, not from the image or
containerPort: agnhost subcommands (test/images/agnhost: netexec --http-port (8080) --udp-port,
serve-hostname --port (9376) --http/--tcp/--udp), hello-app's PORT (main.go), http-echo -listen (:5678),
busybox httpd -p (80), nc -l -p, python3 -m http.server (8000). An image whose command is not
overridden keeps what images.LISTENS says it serves.
"""
from __future__ import annotations

import re
import shlex
from . import images
from .agnhost_servers import listeners as agnhost_listeners
from .images import LISTENS, Listener, flavor, has_program

AGNHOST = {"registry.k8s.io/e2e-test-images/agnhost", "k8s.gcr.io/e2e-test-images/agnhost",
           "gcr.io/kubernetes-e2e-test-images/agnhost"}
# repository -> (ENTRYPOINT, CMD) as the images' Dockerfiles set them
IMAGE_PROCESS: dict[str, tuple[list[str], list[str]]] = {
    **{r: (["/agnhost"], ["pause"]) for r in AGNHOST},
    "busybox": ([], ["sh"]),
    **{r: ([], ["sh"]) for r in ("registry.k8s.io/busybox", "k8s.gcr.io/busybox", "gcr.io/google-containers/busybox")},
    "radial/busyboxplus": ([], ["/bin/sh"]),
    # the standalone serve_hostname image of the Debug Services page (kubernetes/contrib serve_hostname.go:
    # HTTP on 9376, the hostname as the body): what agnhost serve-hostname grew from
    **{r: (["/serve_hostname"], []) for r in ("k8s.gcr.io/serve_hostname", "registry.k8s.io/serve_hostname",
                                              "gcr.io/google_containers/serve_hostname")},
    "alpine": ([], ["/bin/sh"]),
    "nginx": (["/docker-entrypoint.sh"], ["nginx", "-g", "daemon off;"]),
    "gcr.io/google-samples/hello-app": ([], ["./hello-app"]),
    "us-docker.pkg.dev/google-samples/containers/gke/hello-app": ([], ["./hello-app"]),
    "hashicorp/http-echo": (["/http-echo"], []),
    "python": ([], ["python3"]),
}
SHELLS = {"sh", "ash", "bash", "dash"}


# Images whose server listens on the ports its pod spec declares (gateway/envoy.py writes them).
DECLARED_PORTS = {"envoyproxy/envoy"}


def command_line(container: dict) -> list[str]:
    entry, cmd = IMAGE_PROCESS.get(images.repository(container.get("image", "")), ([], []))
    command, args = container.get("command"), container.get("args")
    if command:
        return list(command) + list(args or [])
    return list(entry) + list(args if args else cmd)


def env_of(container: dict) -> dict[str, str]:
    return {e.get("name", ""): str(e.get("value", "")) for e in container.get("env") or [] if "value" in e}


def _flag(argv: list[str], *names: str) -> str | None:
    """`--name=v`, `--name v`, `-name=v`, `-name v` (Go's flag package accepts one or two dashes)."""
    for k, a in enumerate(argv):
        for n in names:
            if a.startswith(n + "="):
                return a.split("=", 1)[1]
            if a == n and k + 1 < len(argv):
                return argv[k + 1]
    return None


def _port(value: str | None, default: int) -> int:
    m = re.search(r"(\d+)$", value or "")
    return int(m.group(1)) if m else default


def _program(argv: list[str], env: dict[str, str], repo: str) -> list[Listener] | None:
    """Listeners of one command line; None when the program is not one this module knows."""
    if not argv:
        return None
    name = argv[0].rsplit("/", 1)[-1]
    if name == "agnhost":
        return agnhost_listeners(argv[1:], env)
    if name in SHELLS:
        if len(argv) >= 3 and argv[1] == "-c":
            return _script(argv[2], env, repo)
        return []
    if name == "envoy-gateway" and argv[1:] and argv[1] != "server":
        # Envoy Gateway's image runs its controller (`server`: images.LISTENS, gateway/controller.py) or,
        # in each Envoy proxy pod, `envoy shutdown-manager`, whose HTTP server is on 19002
        return [Listener(19002, "http-unsimulated")] if "shutdown-manager" in argv else []
    if name == "serve_hostname":
        return [Listener(_port(_flag(argv[1:], "-port", "--port"), 9376), server="serve-hostname")]
    if name == "hello-app":
        return [Listener(_port(env.get("PORT"), 8080))]
    if name == "http-echo":
        return [Listener(_port(_flag(argv[1:], "-listen", "--listen"), 5678), server="http-echo",
                         text=_flag(argv[1:], "-text", "--text") or "")]
    if name == "busybox" and len(argv) > 1:
        return _program(argv[1:], env, repo)
    if name == "httpd" and repo != "httpd":
        return [Listener(_port(_flag(argv[1:], "-p"), 80), server="busybox-httpd")]
    if name == "nc" and any(a.startswith("-") and "l" in a for a in argv[1:]):
        port = _flag(argv[1:], "-p")
        if port is None:
            port = next((a for a in argv[1:] if a.isdigit()), None)
        udp = any(a.startswith("-") and not a.startswith("--") and "u" in a for a in argv[1:])
        return [Listener(int(port), "udp" if udp else "tcp", "nc", "UDP" if udp else "TCP")] if port else []
    if name in ("python", "python3") and argv[1:3] == ["-m", "http.server"]:
        port = next((a for a in argv[3:] if a.isdigit()), None)
        return [Listener(int(port) if port else 8000, server="python-http")]
    if name in ("nginx", "docker-entrypoint.sh") and repo == "nginx":
        return [Listener(80)]
    if name in ("sleep", "tail", "echo", "true", "false", "cat", "env", "printenv", "date", "wget", "ping",
                "nslookup"):
        return []
    return None


def _script(script: str, env: dict[str, str], repo: str) -> list[Listener]:
    out: list[Listener] = []
    for part in re.split(r"&&|\|\||[;&|\n]|\bdo\b|\bthen\b", script):
        try:
            words = shlex.split(part)
        except ValueError:
            continue
        words = [w for w in words if w not in ("exec", "nohup")]
        found = _program(words, env, repo) if words else None
        out += found or []
    return out


def listeners(container: dict) -> list[Listener]:
    """Where the container's main process listens."""
    repo = images.repository(container.get("image", ""))
    if repo in DECLARED_PORTS:
        # Envoy listens where its configuration says, which Envoy Gateway declares as the container's ports
        return [Listener(int(p["containerPort"]), "http") for p in container.get("ports") or []
                if str(p.get("name", "")).startswith(("http-", "https-"))]
    found = _program(command_line(container), env_of(container), repo)
    if found is None:
        return [Listener(p, kind) for p, kind in LISTENS.get(repo, {}).items()]
    return found


def listener(pod: dict, port: int, protocol: str = "TCP") -> tuple[dict, Listener] | None:
    """The container of `pod` listening on `port` and how, or None (connection refused)."""
    for c in pod.get("spec", {}).get("containers", []) or []:
        for li in listeners(c):
            if li.port == port and li.protocol == protocol:
                return c, li
    return None


def exit_code(container: dict) -> int:
    """The status a container's command exits with when it does not keep running: a shell script's trailing
    `exit N`, `false` (1), a program the image lacks as the script's last command (127, as busybox ash and dash
    report), else 0. (An exec'd program missing from the image never starts: start_error.)"""
    argv = command_line(container)
    if not argv:
        return 0
    name = argv[0].rsplit("/", 1)[-1]
    in_shell = name in SHELLS and len(argv) >= 3 and argv[1] == "-c"
    if in_shell:
        parts = [p.strip() for p in re.split(r"&&|\|\||[;\n]", argv[2]) if p.strip()]
        last = parts[-1] if parts else ""
        m = re.fullmatch(r"exit(?:\s+(\d+))?", last)
        if m:
            return int(m.group(1) or 0) % 256
        argv = last.split()
        if not argv:
            return 0
        name = argv[0].rsplit("/", 1)[-1]
    if name == "false":
        return 1
    image = container.get("image", "")
    if in_shell and flavor(image) != "none" and not has_program(image, name) and name not in ("true", ":"):
        return 127
    return 0


_FOREVER = re.compile(r"\bwhile\b|\buntil\b|\btail\s+-f\b|\bhttpd\b|\bnc\s+-[a-z]*l|sleep\s+inf")


def run_seconds(container: dict) -> float | None:
    """How long a shell image's command runs before it exits (None: it keeps running). `sleep N` (busybox takes
    s/m/h/d suffixes), a script of such sleeps in sequence; a loop, `tail -f`, a server or `sleep infinity`
    runs for ever. Commands other than sleep take no simulated time."""
    argv = command_line(container)
    if not argv:
        return 0.0
    name = argv[0].rsplit("/", 1)[-1]
    if name == "busybox" and len(argv) > 1:
        argv, name = argv[1:], argv[1]
    if name in SHELLS and len(argv) >= 3 and argv[1] == "-c":
        script = argv[2]
    elif name in SHELLS:
        return 0.0                                  # `sh` without a terminal reads EOF and exits
    else:
        script = shlex.join(argv)
    if _FOREVER.search(script):
        return None
    total = 0.0
    for m in re.finditer(r"(?:^|[;&|\s(])sleep\s+([0-9.]+)([smhd]?)\b", script):
        try:
            total += float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
        except ValueError:
            continue
    return total


def start_error(container: dict) -> str | None:
    """Why the runtime cannot start the container's command, in Docker's words (minikube's docker runtime, via
    cri-dockerd, which reports the container as ContainerCannotRun with exit code 127): the program the shell
    image is asked to exec is not in it. None when it starts."""
    image = container.get("image", "")
    if images.repository(image) not in images.SHELL_IMAGES or flavor(image) == "none":
        return None
    argv = command_line(container)
    if not argv or has_program(image, argv[0]):
        return None
    name = argv[0]
    what = f'exec: "{name}": stat {name}: no such file or directory' if "/" in name else \
        f'exec: "{name}": executable file not found in $PATH'
    return ("failed to create task for container: failed to create shim task: OCI runtime create failed: runc "
            f"create failed: unable to start container process: {what}: unknown")
