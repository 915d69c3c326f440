"""`kubectl logs`: what the container printed. Servers print their real startup lines (nginx's
docker-entrypoint.sh and [notice] lines, httpd's AH00558/AH00489/AH00094, hello-app's "Server listening")
and one access-log line per request the simulation served them (network.access_log)."""
from __future__ import annotations

from types import SimpleNamespace

from ... import jobs, labels

import time as _time

from ... import coredns, images, network, processes, webcontent
from .exec import find_pod
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from ...cluster import parse_rfc3339
from ..coreutils import UNAME
from ..container.sh import main_process_output

NGINX_WORKERS = 2              # worker_processes auto on the 2-CPU minikube node
NGINX_GCC = {"trixie": "built by gcc 14.2.0 (Debian 14.2.0-19) ", "bookworm": "built by gcc 12.2.0 (Debian 12.2.0-14) ",
             "bullseye": "built by gcc 10.2.1 20210110 (Debian 10.2.1-6) "}


def _started(pod: dict, container: str) -> float | None:
    for cs in pod.get("status", {}).get("containerStatuses", []) or []:
        if cs.get("name") == container:
            st = (cs.get("state") or {}).get("running") or (cs.get("state") or {}).get("terminated") or {}
            if st.get("startedAt"):
                return parse_rfc3339(st["startedAt"])
    return None


def _vkey(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split(".") if x.isdigit())


def startup_lines(pod: dict, container: dict, started: float) -> list[str]:
    repo = images.repository(container.get("image", ""))
    stamp = _time.strftime("%Y/%m/%d %H:%M:%S", _time.gmtime(started))
    if repo == "nginx":
        version = webcontent.nginx_version(container.get("image", ""))
        key = _vkey(version)
        if key < (1, 19):
            return []
        ep = "/docker-entrypoint.sh"
        lines = [f"{ep}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
                 f"{ep}: Looking for shell scripts in /docker-entrypoint.d/",
                 f"{ep}: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
                 "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
                 "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf"]
        if key >= (1, 25):
            lines.append(f"{ep}: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh")
        lines.append(f"{ep}: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh")
        if key >= (1, 21):
            lines.append(f"{ep}: Launching /docker-entrypoint.d/30-tune-worker-processes.sh")
        lines.append(f"{ep}: Configuration complete; ready for start up")
        gcc = NGINX_GCC["trixie" if key >= (1, 29) else "bookworm" if key >= (1, 25) else "bullseye"]
        notice = f"{stamp} [notice] 1#1: "
        lines += [notice + 'using the "epoll" event method', notice + f"nginx/{version}", notice + gcc,
                  notice + f"OS: Linux {UNAME['r']}", notice + "getrlimit(RLIMIT_NOFILE): 1048576:1048576",
                  notice + "start worker processes"]
        lines += [notice + f"start worker process {29 + i}" for i in range(NGINX_WORKERS)]
        return lines
    if repo == "httpd":
        ip = pod.get("status", {}).get("podIP", "")
        ah = (f"AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using {ip}. "
              "Set the 'ServerName' directive globally to suppress this message")
        t = _time.gmtime(started)
        micros = int(started * 1_000_000) % 1_000_000 or 519393
        when = _time.strftime("%a %b %d %H:%M:%S", t) + f".{micros:06d} {t.tm_year}"
        when2 = _time.strftime("%a %b %d %H:%M:%S", t) + f".{(micros + 176) % 1_000_000:06d} {t.tm_year}"
        return [ah, ah,
                f"[{when}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/{webcontent.HTTPD_VERSION} (Unix) "
                "configured -- resuming normal operations",
                f"[{when2}] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'"]
    if repo in processes.AGNHOST:
        return agnhost_lines(container, started)
    if repo in ("gcr.io/google-samples/hello-app", "us-docker.pkg.dev/google-samples/containers/gke/hello-app"):
        return [f"{stamp} Server listening on port 8080"]
    return []


def klog(started: float, seq: int, where: str, message: str) -> str:
    """A klog line (k8s.io/klog/v2 header): `I0911 09:19:26.677397       1 log.go:195] message`."""
    t = _time.gmtime(started)
    micros = (int(started * 1_000_000) + 677_397 + 189 * seq) % 1_000_000
    return f"I{t.tm_mon:02d}{t.tm_mday:02d} {_time.strftime('%H:%M:%S', t)}.{micros:06d}       1 {where}] {message}"


def agnhost_lines(container: dict, started: float) -> list[str]:
    """What agnhost's subcommands log as they start (test/images/agnhost: netexec.go's log.Printf through
    klog's stdlib bridge, log.go:195; note the two spaces netexec puts before the UDP port)."""
    listeners = processes.listeners(container)
    argv = processes.command_line(container)
    sub = next((a for a in argv[1:] if not a.startswith("-")), "") if argv else ""
    lines = []
    if sub == "netexec":
        for li in listeners:
            if li.protocol == "TCP":
                lines.append(f"Started HTTP server on port {li.port}")
            elif li.protocol == "UDP":
                lines.append(f"Started UDP server on port  {li.port}")
    return [klog(started, k, "log.go:195", msg) for k, msg in enumerate(lines)]


def _container(pod: dict, name: str, inv: Invocation) -> dict:
    containers = pod["spec"].get("containers", []) or []
    if name:
        for c in containers:
            if c.get("name") == name:
                return c
        raise KubectlError(f"container {name} is not valid for pod {pod['metadata']['name']}")
    if len(containers) > 1:
        inv.err(f'Defaulted container "{containers[0]["name"]}" out of: '
                f'{", ".join(c["name"] for c in containers)}\n')
    return containers[0]


def pod_log(inv: Invocation, pod: dict, container: dict, previous: bool) -> list[str]:
    name = container.get("name", "")
    cs = next((s for s in pod.get("status", {}).get("containerStatuses", []) or [] if s.get("name") == name), {})
    last = (cs.get("lastState") or {}).get("terminated")
    if previous:
        if not last:
            raise KubectlError(f'Error from server (BadRequest): previous terminated container "{name}" in pod '
                               f'"{pod["metadata"]["name"]}" not found', raw=True)
        return _printed(inv, pod, container)          # every run of the command printed the same
    waiting = (cs.get("state") or {}).get("waiting")
    if waiting and not (cs.get("lastState") or {}).get("terminated"):
        reason = waiting.get("reason", "ContainerCreating")
        if reason in ("ErrImagePull", "ImagePullBackOff"):
            reason = "trying and failing to pull image"
        raise KubectlError(f'Error from server (BadRequest): container "{name}" in pod "{pod["metadata"]["name"]}" '
                           f"is waiting to start: {reason}", raw=True)
    if coredns.is_coredns(container):
        if (cs.get("lastState") or {}).get("terminated") and not (cs.get("state") or {}).get("running"):
            return [coredns.start_error(inv.cluster) or ""]    # the crashed start: what it died of
        served = coredns.pod_log(inv.cluster, pod)
        if served is not None:
            return served
    started = _started(pod, name)
    if started is None and last:
        return _printed(inv, pod, container)          # crash-looping: the last run's log, as the kubelet keeps it
    if started is None:
        return []
    lines = startup_lines(pod, container, started)
    if not lines:
        lines = _printed(inv, pod, container)
    if container is (pod["spec"].get("containers") or [None])[0] or \
            webcontent.listens(container.get("image", "")):
        lines += network.access_log(inv.cluster, pod["metadata"]["namespace"], pod["metadata"]["name"])
    return lines


def _printed(inv: Invocation, pod: dict, container: dict) -> list[str]:
    """What the container's own command prints when it runs (programs that only print are replayed)."""
    lines = main_process_output(inv.engine, pod, container).splitlines()
    script = " ".join((container.get("command") or []) + (container.get("args") or []))
    if any(w in script.split() for w in ("while", "for", "until")):
        inv.err("podscape: what this container's loop prints is not simulated in its log\n")
    return lines


@command("logs", flags=flags_from_help("logs"))
def logs(inv: Invocation) -> int:
    args = inv.args
    selector = inv.flags.get("selector", "")
    if (not args and not selector) or len(args) > 2 or (selector and args):
        if selector and args:
            raise KubectlError("only a selector (-l) or a POD name is allowed", usage="help")
        raise KubectlError("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
                           "POD or TYPE/NAME is a required argument for the logs command", usage="help")
    container_name = inv.flags.get("container", "")
    if len(args) == 2:
        if container_name:
            raise KubectlError("only one of -c or an inline [CONTAINER] arg is allowed", usage="help")
        container_name = args[1]
    if selector:
        try:
            reqs = labels.parse_selector(selector)
        except Exception as exc:
            raise KubectlError(str(exc))
        pods = [p for p in inv.cluster.list("pods", inv.namespace)
                if labels.requirements_match(reqs, p["metadata"].get("labels", {}) or {})]
        pods = pods[: int(inv.flags.get("max-log-requests") or 5)]
    else:
        pods = [find_pod(inv, args[0])]
    out: list[str] = []
    for pod in pods:
        container = _container(pod, container_name, inv)
        lines = pod_log(inv, pod, container, bool(inv.flags.get("previous")))
        if inv.flags.get("prefix"):
            lines = [f"[pod/{pod['metadata']['name']}/{container.get('name')}] {ln}" for ln in lines]
        out += lines
    tail = int(inv.flags.get("tail", -1))
    if tail >= 0:
        out = out[-tail:] if tail else []
    inv.out("".join(line + "\n" for line in out))
    if inv.flags.get("follow"):
        if selector or inv.flags.get("previous") or inv.flags.get("prefix"):
            inv.err("podscape: -f (follow) with -l, -p or --prefix is not simulated: these are the lines logged "
                    "so far\n")
            return 0
        pod = pods[0]
        state = {"namespace": pod["metadata"]["namespace"], "pod": pod["metadata"]["name"],
                 "uid": pod["metadata"].get("uid", ""), "container": _container(pod, container_name, inv)["name"],
                 "seen": len(pod_log(inv, pod, _container(pod, container_name, inv), False))}
        if not jobs.spawn(inv.proc, LogsFollow(state)):
            inv.err("podscape: logs -f follows only as a command of its own (or with &); it ended here\n")
    return 0


@jobs.process("kubectl-logs-follow")
class LogsFollow(jobs.Process):
    """`kubectl logs -f`: the lines the container logs from now on (an access log line per request), until
    the pod goes (the stream closes: kubectl ends without a word) or Ctrl-C."""

    def watches(self) -> tuple[str, ...]:
        return ("pods",)

    def resume(self, engine, events, out) -> int | None:
        s = self.state
        pod = engine.cluster.get("pods", s["namespace"], s["pod"])
        if pod is None or pod["metadata"].get("uid") != s["uid"]:
            return 0
        container = next((c for c in pod["spec"].get("containers", []) if c.get("name") == s["container"]), None)
        if container is None:
            return 0
        reader = SimpleNamespace(engine=engine, cluster=engine.cluster, err=lambda text: None, flags={})
        try:
            lines = pod_log(reader, pod, container, False)
        except KubectlError:
            return None
        if len(lines) > s["seen"]:
            out.write("".join(line + "\n" for line in lines[s["seen"]:]))
            s["seen"] = len(lines)
        return None
