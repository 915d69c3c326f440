"""`kubectl run NAME --image=...`: one Pod from kubectl's BasicPod generator (and a Service with --expose).

With -i/-t/--attach the terminal attaches to the pod once it runs (attach.py); --rm deletes it afterwards.
"""
from __future__ import annotations

import json
import re

from ...apierrors import ApiError
from .create import create_on_server, require_flags, submit, unreachable_error
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .objout import check_output, dry_run_strategy, print_created
from .record import record
from . import attach as attaching
from ... import resources as res

_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_NAME = rf"(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*"
# distribution/reference.ReferenceRegexp
IMAGE_REFERENCE = re.compile(rf"^{_NAME}(?::[\w][\w.-]{{0,127}})?"
                             rf"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{{32,}})?$")
ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")

FLAGS = flags_from_help("run", kinds={"port": "string"})
for _f in FLAGS:
    if _f.name == "dry-run":
        _f.no_opt = None          # run's --dry-run is a plain string flag: `--dry-run` alone takes the next word


def parse_labels(spec: str) -> dict[str, str]:
    """generate.ParseLabels: `k=v,k2=v2`."""
    labels = {}
    for part in spec.split(","):
        kv = part.split("=")
        if len(kv) != 2:
            raise KubectlError(f"unexpected label spec: {part}")
        if not kv[0]:
            raise KubectlError("unexpected empty label key")
        labels[kv[0]] = kv[1]
    return labels


def parse_envs(envs: list[str]) -> list[dict]:
    out = []
    for env in envs:
        name, eq, value = env.partition("=")
        if not eq or not name or not ENV_NAME.match(name):
            raise KubectlError(f"invalid env: {env}")
        out.append({"name": name, "value": value} if value else {"name": name})     # value is omitempty
    return out


def _parse_port(text: str) -> int:
    """strconv.Atoi, then Go's int32() conversion (which wraps): what run does with --port."""
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise KubectlError(f'strconv.Atoi: parsing "{text}": invalid syntax')
    value = int(text)
    if not -(1 << 63) <= value < (1 << 63):
        raise KubectlError(f'strconv.Atoi: parsing "{text}": value out of range')
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch, as --overrides with the default --override-type=merge applies it."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            result.pop(k, None)
        else:
            result[k] = merge_patch(result.get(k), v)
    return result


def build_pod(inv: Invocation, name: str) -> dict:
    f = inv.flags
    args = inv.args[1:]
    labels = parse_labels(f["labels"]) if f["labels"] else {"run": name}
    container: dict = {"name": name, "image": f["image"]}
    if args:
        container["command" if f["command"] else "args"] = list(args)
    envs = parse_envs(f["env"])
    if envs:
        container["env"] = envs
    if f["port"]:
        container["ports"] = [{"containerPort": _parse_port(f["port"])}]
    container["resources"] = {}
    if f["image-pull-policy"]:
        container["imagePullPolicy"] = f["image-pull-policy"]
    if f["privileged"]:
        container["securityContext"] = {"privileged": True}
    meta: dict = {"name": name, "labels": labels}
    annotations = {}
    for a in f["annotations"]:
        k, eq, v = a.partition("=")
        if not eq:
            raise KubectlError(f"invalid annotations format: {a}")
        annotations[k] = v
    if annotations:
        meta["annotations"] = annotations
    pod = {"kind": "Pod", "apiVersion": "v1", "metadata": meta,
           "spec": {"containers": [container], "restartPolicy": f["restart"] or "Always",
                    "dnsPolicy": "ClusterFirst"},
           "status": {}}
    if f["overrides"]:
        try:
            patch = json.loads(f["overrides"])
        except ValueError:
            raise KubectlError("Invalid JSON Patch")
        pod = merge_patch(pod, patch)
    return pod


def build_service(name: str, labels: str, port: str) -> dict:
    """The expose generator (ServiceGeneratorV2) as `run --expose` calls it: ClusterIP on --port."""
    selector = parse_labels(labels) if labels else {"run": name}
    p = _parse_port(port)
    meta: dict = {"name": name}
    if labels:
        meta["labels"] = parse_labels(labels)
    return {"kind": "Service", "apiVersion": "v1", "metadata": meta,
            "spec": {"ports": [{"protocol": "TCP", "port": p, "targetPort": p}], "selector": selector},
            "status": {"loadBalancer": {}}}


@command("run", flags=FLAGS, needs_server=False)
def run(inv: Invocation) -> int:
    f = inv.flags
    require_flags(inv, "image")
    dry = dry_run_strategy(inv)
    check_output(inv)
    if not inv.args or inv.dash_index == 0:
        raise KubectlError("NAME is required for run", usage="help")
    if not f["image"]:
        raise KubectlError("--image is required")
    if not IMAGE_REFERENCE.match(f["image"]):
        raise KubectlError(f'Invalid image name "{f["image"]}": invalid reference format')
    if f["tty"] and not f["stdin"]:
        raise KubectlError("-i/--stdin is required for containers with -t/--tty=true", usage="help")
    if f["expose"] and not f["port"]:
        raise KubectlError("--port must be set when exposing a service", usage="help")
    if f["restart"] not in ("", "Always", "OnFailure", "Never"):
        raise KubectlError(f"invalid restart policy: {f['restart']}", usage="help")
    attach = f["attach"] if "attach" in inv.changed else f["stdin"]     # -i implies --attach
    if not attach and f["rm"]:
        raise KubectlError("--rm should only be used for attached containers", usage="help")
    if attach and dry != "none":
        raise KubectlError("--dry-run=[server|client] can't be used with attached containers options "
                           "(--attach, --stdin, or --tty)", usage="help")
    if f["image-pull-policy"] not in ("", "Always", "IfNotPresent", "Never"):
        raise KubectlError(f"invalid image pull policy: {f['image-pull-policy']}", usage="help")
    name = inv.args[0]
    pod = build_pod(inv, name)
    if attach or f["stdin"]:
        container = pod["spec"]["containers"][0]
        if f["stdin"]:          # run.go: Stdin, StdinOnce (unless --leave-stdin-open) and TTY on the container
            container["stdin"] = True
            if not f["leave-stdin-open"]:
                container["stdinOnce"] = True
        if f["tty"]:
            container["tty"] = True
        created = _create_silently(inv, pod, dry)
        if created is None:
            return 1
        return attaching.start(inv, created, container["name"])
    if f["expose"]:
        # run creates the pod, then creates and prints the service, then prints the pod.
        created = _create_silently(inv, pod, dry)
        if created is None:
            return 1
        svc = build_service(name, f["labels"], f["port"])
        code = submit(inv, svc, dry)
        if f["output"] == "yaml":
            inv.out("---\n---\n")   # the YAML printer separates documents too
        print_created(inv, res.lookup("pods"), created, dry)
        return code
    record(inv, pod)
    return submit(inv, pod, dry, klog_lines=1, save=dry != "client")


def _create_silently(inv: Invocation, pod: dict, dry: str) -> dict | None:
    """Create the pod without printing (run prints it last when it also exposes it)."""
    if dry == "client":
        if inv.namespace_explicit:
            pod["metadata"]["namespace"] = inv.namespace
        return pod
    if not inv.cluster.running:
        inv.err(unreachable_error(inv.cluster, 1))
        return None
    pod["metadata"]["namespace"] = inv.namespace
    try:
        return create_on_server(inv, pod, dry)
    except ApiError as exc:
        inv.err(str(exc) + "\n")
        return None
