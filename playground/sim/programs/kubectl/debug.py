"""`kubectl debug` without attaching (pkg/cmd/debug/debug.go, profiles.go, v1.35): an ephemeral container
added to a pod, a copy of a pod (--copy-to) with a debug container, or a node-debugger pod on the node.

Messages, validation order and the objects follow kubectl (the legacy profile is the default and warns
that it is deprecated; `general` is also simulated). Attaching (-i, -t, --attach) is the interactive terminal's
work and is declined plainly here. The ephemeral container starts as the kubelet would start it: with no
command, an image whose default process is a shell (busybox, alpine, netshoot) exits at once, as real.
"""
from __future__ import annotations

import copy
import re

from ... import apiserver, defaults, images, managedfields
from ...apierrors import ApiError
from .create import create_on_server
from .exec import find_pod
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help

# reference.ReferenceRegexp, enough of it: [domain/]path[:tag][@digest]
IMAGE_REF = re.compile(r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9-]+)*(?::[0-9]+)?/)?"
                       r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                       r"(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$")
SHELL_IMAGES = {"busybox", "alpine", "nicolaka/netshoot", "ubuntu", "debian"}
PROFILES = ("legacy", "general")


def _validate(inv: Invocation, targets: list[str], args: list[str]) -> None:
    f = inv.flags
    if f["attach"] and "attach" in inv.changed and not f["image"] and not f["container"]:
        raise KubectlError("you must specify --container or create a new container using --image in order to attach.")
    if f["copy-to"]:
        if not f["image"] and not f["set-image"] and not args:
            raise KubectlError("you must specify --image, --set-image or command arguments.")
        if args and not f["container"] and not f["image"]:
            raise KubectlError("you must specify an existing container or a new image when specifying args.")
    elif f["replace"]:
        raise KubectlError("--replace may only be used with --copy-to.")
    elif f["same-node"]:
        raise KubectlError("--same-node may only be used with --copy-to.")
    elif f["set-image"]:
        raise KubectlError("--set-image may only be used with --copy-to.")
    elif not f["image"]:
        raise KubectlError("you must specify --image when not using --copy-to.")
    if f["image"] and not IMAGE_REF.match(f["image"]):
        raise KubectlError(f'invalid image name "{f["image"]}": invalid reference format')
    if not targets and not f["filename"]:
        raise KubectlError("NAME or filename is required for debug")
    if f["image-pull-policy"] not in ("Always", "IfNotPresent", "Never", ""):
        raise KubectlError(f"invalid image pull policy: {f['image-pull-policy']}")
    if f["target"]:
        if f["copy-to"]:
            raise KubectlError("--target is incompatible with --copy-to. Use --share-processes instead.")
        if not f["quiet"]:
            inv.out(f'Targeting container "{f["target"]}". If you don\'t see processes from this container it may be '
                    "because the container runtime doesn't support this feature.\n")
    if f["tty"] and not f["stdin"]:
        raise KubectlError("-i/--stdin is required for containers with -t/--tty=true")
    if f["profile"] == "legacy":
        inv.err('--profile=legacy is deprecated and will be removed in the future. It is recommended to explicitly '
                'specify a profile, for example "--profile=general".\n')


def _name(inv: Invocation, taken: set[str]) -> str:
    if inv.flags["container"]:
        return inv.flags["container"]
    name = ""
    while not name or name in taken:
        name = f"debugger-{inv.cluster.rand_suffix(5)}"
    if not inv.flags["quiet"]:
        inv.out(f"Defaulting debug container name to {name}.\n")
    return name


def _container(inv: Invocation, name: str, args: list[str]) -> dict:
    f = inv.flags
    c: dict = {"name": name, "image": f["image"]}
    if args:
        c["args" if f["arguments-only"] else "command"] = args
    if f["env"]:
        c["env"] = [{"name": k, "value": v} for k, _, v in (e.partition("=") for e in f["env"])]
    if f["image-pull-policy"]:
        c["imagePullPolicy"] = f["image-pull-policy"]
    c["terminationMessagePolicy"] = "File"
    return c


def _ptrace(c: dict) -> None:
    """allowProcessTracing (the general profile)."""
    caps = c.setdefault("securityContext", {}).setdefault("capabilities", {})
    if "SYS_PTRACE" not in caps.setdefault("add", []):
        caps["add"].append("SYS_PTRACE")


def _all_names(pod: dict) -> set[str]:
    spec = pod.get("spec") or {}
    return {c.get("name") for key in ("containers", "initContainers", "ephemeralContainers")
            for c in spec.get(key) or []}


def _ephemeral(inv: Invocation, pod: dict, args: list[str]) -> None:
    name = _name(inv, _all_names(pod))
    ec = _container(inv, name, args)
    if inv.flags["target"]:
        ec["targetContainerName"] = inv.flags["target"]
    if inv.flags["profile"] == "general":
        _ptrace(ec)
    stored = inv.cluster.get("pods", pod["metadata"]["namespace"], pod["metadata"]["name"])
    updated = copy.deepcopy(stored)
    defaults._container(ec)                      # (the API server defaults ephemeral containers as containers)
    updated["spec"].setdefault("ephemeralContainers", []).append(ec)
    now = inv.cluster.timestamp()
    shell_only = images.repository(ec["image"]) in SHELL_IMAGES and not args
    state = {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": now, "finishedAt": now,
                            "containerID": ""}} if shell_only else {"running": {"startedAt": now}}
    status = {"name": name, "image": ec["image"], "imageID": "", "lastState": {}, "ready": False,
              "restartCount": 0, "state": state}
    updated.setdefault("status", {}).setdefault("ephemeralContainerStatuses", []).append(status)
    with managedfields.acting("kubectl", "ephemeralcontainers"):     # debug sends no field manager
        inv.cluster.put(updated, new=False)


def _copy(inv: Invocation, pod: dict, args: list[str]) -> None:
    f = inv.flags
    meta = {"name": f["copy-to"], "namespace": pod["metadata"]["namespace"]}
    if pod["metadata"].get("annotations"):
        meta["annotations"] = dict(pod["metadata"]["annotations"])
    if f["keep-labels"] and pod["metadata"].get("labels"):           # both profiles drop the labels
        meta["labels"] = dict(pod["metadata"]["labels"])
    spec = copy.deepcopy(pod["spec"])
    spec.pop("ephemeralContainers", None)
    if "share-processes" in inv.changed:
        spec["shareProcessNamespace"] = f["share-processes"]
    if not f["same-node"]:
        spec.pop("nodeName", None)
    overrides = dict(s.partition("=")[::2] for s in f["set-image"])
    for c in spec.get("containers") or []:
        image = overrides.get(c["name"], overrides.get("*"))
        if image:
            c["image"] = image
    by_name = {c["name"]: c for c in spec.get("containers") or []}
    name = f["container"]
    c = by_name.get(name) if name else None
    if c is None:
        if not f["image"]:
            if f["set-image"]:
                name = ""
            else:
                raise KubectlError("you must specify image when creating new container")
        else:
            name = name or _name(inv, _all_names({"spec": spec}))
            c = {"name": name, "terminationMessagePolicy": "File"}
            spec.setdefault("containers", []).append(c)
    if c is not None:
        if args:
            if f["arguments-only"]:
                c["args"] = args
            else:
                c["command"] = args
                c.pop("args", None)
        if f["env"]:
            c["env"] = [{"name": k, "value": v} for k, _, v in (e.partition("=") for e in f["env"])]
        if f["image"]:
            c["image"] = f["image"]
        if f["image-pull-policy"]:
            c["imagePullPolicy"] = f["image-pull-policy"]
        for key in ("stdin", "tty"):
            c.pop(key, None)
    if f["profile"] == "general":
        meta.pop("annotations", None)
        spec.pop("initContainers", None)
        for each in spec.get("containers") or []:
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                each.pop(probe, None)
        if c is not None:
            _ptrace(c)
        spec.setdefault("shareProcessNamespace", True)
    spec.pop("priority", None)          # (admission sets it again from the class)
    obj = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
    try:
        create_on_server(inv, obj, "none")
        if f["replace"]:
            apiserver.delete(inv.cluster, apiserver.res.lookup("pods"), pod["metadata"]["namespace"],
                             pod["metadata"]["name"])
    except ApiError as exc:
        raise KubectlError(str(exc), raw=True)


def _node(inv: Invocation, node: dict, args: list[str]) -> None:
    f = inv.flags
    cn = f["container"] or "debugger"
    name = f"node-debugger-{node['metadata']['name']}-{inv.cluster.rand_suffix(5)}"
    if not f["quiet"]:
        inv.out(f"Creating debugging pod {name} with container {cn} on node {node['metadata']['name']}.\n")
    c = _container(inv, cn, args)
    c["volumeMounts"] = [{"mountPath": "/host", "name": "host-root"}]
    if f["profile"] == "general":
        c.pop("securityContext", None)
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": name, "namespace": inv.namespace,
                        "labels": {"app.kubernetes.io/managed-by": "kubectl-debug"}},
           "spec": {"containers": [c], "nodeName": node["metadata"]["name"], "restartPolicy": "Never",
                    "tolerations": [{"operator": "Exists"}], "volumes": [{"name": "host-root",
                                                                          "hostPath": {"path": "/"}}],
                    "hostNetwork": True, "hostPID": True, "hostIPC": True}}
    try:
        create_on_server(inv, pod, "none")
    except ApiError as exc:
        raise KubectlError(str(exc), raw=True)


@command("debug", flags=flags_from_help("debug", {"env": "stringArray", "set-image": "stringSlice",
                                                  "filename": "stringSlice"}))
def debug(inv: Invocation) -> int:
    f = inv.flags
    dash = inv.dash_index
    targets, args = (inv.args[:dash], inv.args[dash:]) if dash >= 0 else (inv.args, [])
    if f["profile"] not in ("legacy", "general", "baseline", "restricted", "netadmin", "sysadmin"):
        raise KubectlError(f'unknown profile: {f["profile"]}')
    _validate(inv, targets, args)
    if f["profile"] not in PROFILES:
        raise KubectlError(f"the playground simulates the legacy and general debug profiles, not "
                           f"--profile={f['profile']}")
    if f["stdin"] or f["tty"] or f["attach"]:
        raise KubectlError("the playground does not attach to debug containers (-i, -t, --attach) yet; run "
                           "kubectl debug without them, then kubectl logs or kubectl exec")
    if f["filename"] or f["custom"]:
        raise KubectlError("the playground does not simulate kubectl debug -f or --custom; name the pod or node")
    for target in targets:
        kind, slash, name = target.partition("/")
        if slash and kind.lower() in ("node", "nodes", "no"):
            node = inv.cluster.get("nodes", None, name)
            if node is None:
                raise KubectlError(f'Error from server (NotFound): nodes "{name}" not found', raw=True)
            _node(inv, node, args)
            continue
        if slash and kind.lower() not in ("pod", "pods", "po"):
            raise KubectlError(f'the server doesn\'t have a resource type "{kind}"' if apiserver.res.lookup(kind)
                               is None else f'"{apiserver.res.lookup(kind).kind}" not supported by debug')
        pod = find_pod(inv, f"pod/{name if slash else target}")
        if f["copy-to"]:
            _copy(inv, pod, args)
        else:
            _ephemeral(inv, pod, args)
    return 0
