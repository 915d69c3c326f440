"""Attaching the terminal to a container: `kubectl run -i [-t] [--rm]` and `kubectl attach -i -t`.

kubectl's attach.go (AttachOptions.Run, reattachMessage) and run.go (removeCreatedObjects) are the
reference: "All commands and output from this session will be recorded in container logs..." and "If you
don't see a command prompt, try pressing enter." on stderr, then the container's stream; after a session
with a raw terminal (-i -t) "Session ended, resume using 'kubectl attach POD -c C -n NS -i -t' command"; with
--rm the pod is deleted as `kubectl delete` reports it.

`kubectl run` first waits for the pod to run: an AttachProcess (a job) resumed as the pod changes. A shell
attached with -i -t is the container's shell session on the learner's shell stack (container/sh.py), so the
terminal shows its prompt (`/ # `) and reads lines until `exit` or Ctrl-D.
"""
from __future__ import annotations

from ... import apiserver, jobs, resources as res
from ...apierrors import ApiError
from ...images import has_program
from ..container import run as run_in_container
from ..container import sh as container_sh
from ..container.sh import SHELLS, open_session
from .exec import find_pod, pick_container
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from ...processes import command_line

RECORDED = ("All commands and output from this session will be recorded in container logs, including credentials "
            "and sensitive information passed through the command prompt.\n")
PRESS_ENTER = "If you don't see a command prompt, try pressing enter.\n"


def session_ended(pod: str, container: str, namespace: str) -> str:
    return f"Session ended, resume using 'kubectl attach {pod} -c {container} -n {namespace} -i -t' command\n"


def main_argv(container: dict) -> list[str]:
    return command_line(container)


def attach_now(engine, pod: dict, container: dict, opts: dict, out) -> int | None:
    """The pod runs: attach to its main process. None when it became an interactive shell session (the job
    ends, the shell stack's prompt takes over); else the exit code (a command that ran to its end)."""
    out.write(RECORDED + PRESS_ENTER)
    argv = main_argv(container)
    base = argv[0].rsplit("/", 1)[-1] if argv else ""
    tty = bool(opts.get("tty"))
    if opts.get("stdin") and base in SHELLS and len(argv) == 1 and has_program(container.get("image", ""), argv[0]):
        entry = open_session(engine, pod, container, argv[0], tty)
        entry["attach"] = {"rm": bool(opts.get("rm")), "tty": tty}
        if not tty:
            entry["prompt"] = ""
        return None
    outcome = run_in_container(engine, pod, container, argv, out, tty) if argv else None
    code = outcome.code if outcome is not None and not outcome.missing else 0
    if opts.get("rm"):
        out.write(delete_pod(engine, pod))
    return code


def delete_pod(engine, pod: dict) -> str:
    meta = pod["metadata"]
    try:
        apiserver.delete(engine.cluster, res.BY_PLURAL["pods"], meta["namespace"], meta["name"])
    except ApiError as exc:
        return str(exc) + "\n"
    return f'pod "{meta["name"]}" deleted from {meta["namespace"]} namespace\n'


def session_over(engine, entry: dict, out) -> None:
    """container/sh.py calls this (its ON_ATTACHED_EXIT) when an attached shell exits: kubectl's closing lines."""
    attach = entry.get("attach") or {}
    if attach.get("tty"):
        out.write(session_ended(entry.get("pod", ""), entry.get("container", ""), entry.get("namespace", "")))
    if attach.get("rm"):
        pod = engine.cluster.get("pods", entry.get("namespace"), entry.get("pod", ""))
        if pod is not None:
            out.write(delete_pod(engine, pod))


def install() -> None:
    """The in-pod shell hands an attached session's end back here (wiring.install calls this)."""
    container_sh.ON_ATTACHED_EXIT = session_over


@jobs.process("kubectl-attach")
class AttachProcess(jobs.Process):
    """Waits for the pod to run (kubectl's waitForPod), then attaches."""

    def watches(self) -> tuple[str, ...]:
        return ("pods",)

    def resume(self, engine, events, out) -> int | None:
        s = self.state
        pod = engine.cluster.get("pods", s["namespace"], s["pod"])
        if pod is None or pod["metadata"].get("uid") != s.get("uid"):
            out.write(f'Error from server (NotFound): pods "{s["pod"]}" not found\n')
            return 1
        phase = (pod.get("status") or {}).get("phase")
        if phase not in ("Running", "Succeeded", "Failed"):
            return None
        container = next((c for c in pod["spec"].get("containers", []) if c.get("name") == s["container"]), None)
        if container is None:
            return 1
        code = attach_now(engine, pod, container, s, out)
        return 0 if code is None else code

    def interrupt(self, engine, out) -> int:
        return 130


def start(inv: Invocation, pod: dict, container_name: str) -> int:
    """kubectl run's attach: a job that attaches when the pod runs."""
    f = inv.flags
    state = {"namespace": pod["metadata"]["namespace"], "pod": pod["metadata"]["name"],
             "uid": pod["metadata"].get("uid", ""), "container": container_name, "stdin": bool(f["stdin"]),
             "tty": bool(f["tty"]), "rm": bool(f["rm"])}
    p = AttachProcess(state)
    code = p.resume(inv.engine, [], inv.proc.stdout)
    if code is not None:
        return code
    if not jobs.spawn(inv.proc, p):
        inv.err("podscape: kubectl run attaches only as a command of its own; the pod was created, attach to it "
                f"with 'kubectl attach {state['pod']} -i -t'\n")
        return 1
    return 0


@command("attach", flags=flags_from_help("attach"))
def attach(inv: Invocation) -> int:
    f = inv.flags
    if not inv.args:
        raise KubectlError("at least 1 argument is required for attach", usage="help")
    if len(inv.args) > 2:
        raise KubectlError("expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw "
                           f"{len(inv.args)}: {inv.args}", usage="help")
    ref = inv.args[0] if len(inv.args) == 1 else f"{inv.args[0]}/{inv.args[1]}"
    pod = find_pod(inv, ref)
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Succeeded", "Failed"):
        raise KubectlError(f"cannot attach a container in a completed pod; current phase is {phase}")
    container = pick_container(inv, pod, f.get("container", ""))
    if container is None:
        raise KubectlError(f'cannot attach to the container: container {f.get("container", "")} not found in pod '
                           f'{pod["metadata"]["name"]}')
    tty = bool(f.get("tty"))
    if tty and not container.get("tty"):
        inv.err(f"error: Unable to use a TTY - container {container['name']} did not allocate one\n")
        tty = False
    elif not tty and container.get("tty"):
        tty = True
    opts = {"stdin": bool(f.get("stdin")) and bool(container.get("stdin")), "tty": tty and bool(f.get("stdin"))}
    argv = main_argv(container)
    if opts["stdin"] and argv and argv[0].rsplit("/", 1)[-1] in SHELLS:
        return attach_now(inv.engine, pod, container, opts, inv.proc.stderr) or 0
    # the main process is a server or a command: attached, the terminal would show what it prints from now
    # on (nothing new, in the playground) until Ctrl-C
    inv.err(RECORDED + PRESS_ENTER)
    if not jobs.spawn(inv.proc, AttachedOutput({})):
        inv.err("podscape: kubectl attach stays attached only as a command of its own\n")
    return 0


@jobs.process("kubectl-attached-output")
class AttachedOutput(jobs.Process):
    """Attached to a process that prints nothing more: runs until Ctrl-C (or its budget)."""
