"""`kubectl exec [-i] [-t] POD [-c CONTAINER] -- COMMAND [args...]`, as kubectl v1.35 runs it against
minikube's docker runtime: the command runs in the container (programs/container), a shell with -it
opens an interactive session, a non-zero exit prints `command terminated with exit code N`."""
from __future__ import annotations

from ...images import has_program
from ..container import run as run_in_container
from ..container.sh import SHELLS, open_session
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from ... import labels

POD_KINDS = {"pod", "pods", "po"}
WORKLOAD_KINDS = {"deployment": "deployments", "deployments": "deployments", "deploy": "deployments",
                  "replicaset": "replicasets", "replicasets": "replicasets", "rs": "replicasets",
                  "service": "services", "services": "services", "svc": "services",
                  "daemonset": "daemonsets", "daemonsets": "daemonsets", "ds": "daemonsets",
                  "job": "jobs", "jobs": "jobs", "statefulset": "statefulsets", "sts": "statefulsets"}


def find_pod(inv: Invocation, ref: str, announce: bool = True) -> dict:
    """A pod by name, `pod/NAME`, or the first pod a workload or Service selects (AttachablePodForObject)."""
    ns = inv.namespace
    cluster = inv.cluster
    kind, slash, name = ref.partition("/")
    if not slash:
        kind, name = "pod", ref
    kind = kind.lower().split(".", 1)[0]
    if kind in POD_KINDS:
        pod = cluster.get("pods", ns, name)
        if pod is None:
            raise KubectlError(f'Error from server (NotFound): pods "{name}" not found', raw=True)
        return pod
    plural = WORKLOAD_KINDS.get(kind)
    if plural is None:
        raise KubectlError(f'the server doesn\'t have a resource type "{kind}"', raw=False)
    obj = cluster.get(plural, ns, name)
    if obj is None:
        singular = {"deployments": "deployments.apps", "replicasets": "replicasets.apps",
                    "daemonsets": "daemonsets.apps", "statefulsets": "statefulsets.apps", "jobs": "jobs.batch"}
        raise KubectlError(f'Error from server (NotFound): {singular.get(plural, plural)} "{name}" not found',
                           raw=True)
    spec = obj.get("spec", {})
    selector = spec.get("selector") or {}
    if plural == "services":
        selector = {"matchLabels": selector}
    pods = [p for p in cluster.list("pods", ns)
            if labels.selector_matches(selector, p["metadata"].get("labels", {}) or {})]
    if not pods:
        raise KubectlError("timed out waiting for the condition")
    pods.sort(key=lambda p: (p.get("status", {}).get("phase") != "Running", p["metadata"]["name"]))
    if len(pods) > 1 and announce:      # exec says which one GetFirstPod took; port-forward does not
        inv.err(f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}\n")
    return pods[0]


def pick_container(inv: Invocation, pod: dict, name: str) -> dict | None:
    containers = pod["spec"].get("containers", []) or []
    if name:
        return next((c for c in containers if c.get("name") == name), None)
    default = (pod["metadata"].get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
    chosen = next((c for c in containers if c.get("name") == default), None) if default else None
    if chosen is None and containers:
        chosen = containers[0]
        if len(containers) > 1 and not inv.flags.get("quiet"):
            inv.err(f'Defaulted container "{chosen["name"]}" out of: '
                    f'{", ".join(c["name"] for c in containers)}\n')
    return chosen


def container_running(pod: dict, name: str) -> bool:
    for cs in pod.get("status", {}).get("containerStatuses", []) or []:
        if cs.get("name") == name:
            return "running" in (cs.get("state") or {})
    return False


@command("exec", flags=flags_from_help("exec", {"filename": "stringSlice"}))
def exec_(inv: Invocation) -> int:
    args, dash = inv.args, inv.dash_index
    if dash == -1 and len(args) > 1:
        raise KubectlError("exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead",
                           usage="help")
    ref = args[0] if args and dash != 0 else ""
    cmd = inv.after_dash if dash > -1 else []
    if not ref and not inv.flags.get("filename"):
        raise KubectlError("pod, type/name or --filename must be specified")
    if not cmd:
        raise KubectlError("you must specify at least one command for the container")
    if inv.flags.get("filename"):
        raise KubectlError("podscape: kubectl exec -f is not simulated; name the pod", raw=True)
    pod = find_pod(inv, ref)
    phase = pod.get("status", {}).get("phase")
    if phase in ("Succeeded", "Failed"):
        raise KubectlError(f"cannot exec into a container in a completed pod; current phase is {phase}")
    container = pick_container(inv, pod, inv.flags.get("container", ""))
    want = inv.flags.get("container", "") or (container or {}).get("name", "")
    if container is None or not container_running(pod, container.get("name", "")):
        raise KubectlError(f'unable to upgrade connection: container not found ("{want}")')
    stdin_on = bool(inv.flags.get("stdin"))
    tty = bool(inv.flags.get("tty")) and stdin_on
    image = container.get("image", "")
    base = cmd[0].rsplit("/", 1)[-1]
    interactive = stdin_on and base in SHELLS and len(cmd) == 1 and not inv.proc.stdin
    term = inv.proc.stdout
    if interactive:
        if has_program(image, cmd[0]):
            entry = open_session(inv.engine, pod, container, cmd[0], tty)
            if not tty:
                entry["prompt"] = ""
            return 0
    outcome = run_in_container(inv.engine, pod, container, list(cmd), term, tty,
                               stdin=inv.proc.stdin if stdin_on else "")
    if outcome.missing:
        what = cmd[0]
        reason = f'exec: "{what}": executable file not found in $PATH' if "/" not in what else \
            f'exec: "{what}": stat {what}: no such file or directory'
        inv.out(f"OCI runtime exec failed: exec failed: unable to start container process: {reason}: unknown\n")
        inv.err("command terminated with exit code 126\n")
        return 126
    if outcome.code:
        inv.err(f"command terminated with exit code {outcome.code}\n")
    return outcome.code
