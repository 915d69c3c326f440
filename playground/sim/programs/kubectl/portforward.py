"""`kubectl port-forward TYPE/NAME [LOCAL:]REMOTE...`: binds ports on the learner's machine while it runs.

kubectl's portforward.go is the reference: the pod is the one `kubectl exec` would pick (a Service's or a
workload's first pod), a Service port is translated to its target port on the pod
(translateServicePortToTargetPort), and client-go's portforward prints "Forwarding from 127.0.0.1:8080 ->
80" and "Forwarding from [::1]:8080 -> 80" for --address localhost, then "Handling connection for 8080" for
each connection. The binding lives in cluster.runtime["host_ports"] while the job runs, so a request to
127.0.0.1:8080 on the host (curl) reaches the pod (network._forwarded); stopping the job unbinds it.
"""
from __future__ import annotations

import re

from ... import jobs
from .exec import find_pod
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help

PORT_SPEC = re.compile(r"^(\d*)(?::(\d+))?$")


def _ports(specs: list[str]) -> list[tuple[int, str]]:
    """(local, remote as given) for `8080:80`, `8080` (same on both sides), `:80` (any free local port)."""
    out = []
    for spec in specs:
        m = PORT_SPEC.match(spec)
        if not m or (not m.group(1) and not m.group(2)):
            raise KubectlError(f"Error parsing local port '{spec.split(':')[0]}': strconv.ParseUint: parsing "
                               f"\"{spec.split(':')[0]}\": invalid syntax")
        local, remote = m.group(1), m.group(2) if m.group(2) is not None else m.group(1)
        out.append((int(local) if local else 0, remote))
    return out


def _target_port(inv: Invocation, ref: str, pod: dict, remote: str) -> int:
    """A Service's port is its targetPort on the pod (a named targetPort: the container port of that name)."""
    kind, slash, name = ref.partition("/")
    if slash and kind.lower().split(".", 1)[0] in ("svc", "service", "services"):
        svc = inv.cluster.get("services", inv.namespace, name) or {}
        for sp in (svc.get("spec") or {}).get("ports") or []:
            if str(sp.get("port")) == remote:
                target = sp.get("targetPort", sp.get("port"))
                if isinstance(target, str) and not target.isdigit():
                    for c in pod["spec"].get("containers", []):
                        for cp in c.get("ports") or []:
                            if cp.get("name") == target:
                                return int(cp["containerPort"])
                    raise KubectlError(f"Pod '{pod['metadata']['name']}' does not have a named port '{target}'")
                return int(target)
        raise KubectlError(f"Service {name} does not have a service port {remote}")
    return int(remote)


@command("port-forward", flags=flags_from_help("port-forward"))
def port_forward(inv: Invocation) -> int:
    if len(inv.args) < 2:
        raise KubectlError("TYPE/NAME and list of ports are required for port-forward", usage="help")
    ref = inv.args[0]
    ports = _ports(inv.args[1:])
    pod = find_pod(inv, ref, announce=False)
    phase = (pod.get("status") or {}).get("phase")
    if phase != "Running":
        raise KubectlError(f"unable to forward port because pod is not running. Current status={phase}")
    pairs = [(local, _target_port(inv, ref, pod, remote)) for local, remote in ports]
    runtime = inv.cluster.runtime
    bound = runtime.setdefault("host_ports", {})
    raw = inv.flags.get("address") or ["localhost"]
    raw = raw.strip("[]") if isinstance(raw, str) else ",".join(raw)
    addresses = [a.strip() for a in raw.split(",") if a.strip()] or ["localhost"]
    taken = [local for local, _ in pairs if str(local) in bound]
    if taken:
        port, remote = taken[0], dict(pairs)[taken[0]]
        inv.err(f"Unable to listen on port {port}: Listeners failed to create with the following errors: "
                f"[unable to create listener: Error listen tcp4 127.0.0.1:{port}: bind: address already in use "
                f"unable to create listener: Error listen tcp6 [::1]:{port}: bind: address already in use]\n")
        raise KubectlError(f"unable to listen on any of the requested ports: [{{{port} {remote}}}]")
    resolved = []
    for local, remote in pairs:
        if local == 0:        # the kernel's choice: an ephemeral port
            local = inv.cluster.randint(32768, 60999)
        resolved.append((local, remote))
    p = PortForward({"namespace": pod["metadata"]["namespace"], "pod": pod["metadata"]["name"],
                     "ports": [[local, remote] for local, remote in resolved], "session": inv.proc.host.session})
    if not jobs.spawn(inv.proc, p):
        inv.err("podscape: kubectl port-forward keeps its ports only while it runs as a command of its own "
                "(or with &); it ended here\n")
        return 1
    for local, remote in resolved:
        for addr in addresses:
            if addr == "localhost":
                inv.out(f"Forwarding from 127.0.0.1:{local} -> {remote}\nForwarding from [::1]:{local} -> {remote}\n")
            else:
                inv.out(f"Forwarding from {addr}:{local} -> {remote}\n")
        bound[str(local)] = {"namespace": p.state["namespace"], "pod": p.state["pod"], "remote": remote,
                             "session": p.state["session"], "pending": 0}
    return 0


def connection(engine, port: int) -> None:
    """curl connected to a forwarded port: the port-forward says so on its terminal, at once when that is the
    terminal of the running line (it is the same tty), else when its job next resumes."""
    entry = (engine.cluster.runtime.get("host_ports") or {}).get(str(port))
    if entry is None:
        return
    if entry.get("session") == engine.host.session and engine.terminal is not None:
        engine.terminal.write(f"Handling connection for {port}\n")
    else:
        entry["pending"] = int(entry.get("pending", 0)) + 1


@jobs.process("kubectl-port-forward")
class PortForward(jobs.Process):
    def watches(self) -> tuple[str, ...]:
        return ("pods",)

    def resume(self, engine, events, out) -> int | None:
        bound = engine.cluster.runtime.get("host_ports") or {}
        for local, _ in self.state["ports"]:
            entry = bound.get(str(local))
            if entry and entry.get("pending"):
                out.write(f"Handling connection for {local}\n" * int(entry["pending"]))
                entry["pending"] = 0
        pod = engine.cluster.get("pods", self.state["namespace"], self.state["pod"])
        if pod is None:
            out.write("error: lost connection to pod\n")     # portforward.go, once the pod is gone
            self.stop(engine)
            return 1
        return None

    def stop(self, engine) -> None:
        bound = engine.cluster.runtime.get("host_ports") or {}
        for local, _ in self.state["ports"]:
            entry = bound.get(str(local))
            if entry and entry.get("pod") == self.state["pod"]:
                bound.pop(str(local), None)
        if not bound:
            engine.cluster.runtime.pop("host_ports", None)
