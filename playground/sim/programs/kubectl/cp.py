"""`kubectl cp`: files between the learner's machine and a container (pkg/cmd/cp/cp.go).

kubectl streams a tar archive through `kubectl exec ... tar`; the simulation moves the files directly into
(or out of) the container's file layer, but keeps what the learner can observe of the mechanism: the
container needs tar (an image without it fails as exec does), and copying an absolute path out of a pod
prints tar's "Removing leading" notice in the wording of the image's tar (busybox or GNU).
"""
from __future__ import annotations

import posixpath

from ...images import flavor
from ..container import PodFS
from .exec import container_running, find_pod, pick_container
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help


def _spec(arg: str) -> tuple[str | None, str | None, str]:
    """extractFileSpec: (namespace, pod, path); pod None for a local path."""
    if ":" not in arg:
        return None, None, arg
    i = arg.index(":")
    if i == 0:
        raise KubectlError("filespec must match the canonical format: [[namespace/]pod:]file/path")
    pod, path = arg[:i], arg[i + 1:]
    ns, slash, name = pod.partition("/")
    return (ns, name, path) if slash else (None, pod, path)


def _container(inv: Invocation, ns: str | None, name: str):
    if ns:
        inv.flags["namespace"] = ns
        inv.changed.add("namespace")
    pod = find_pod(inv, f"pod/{name}")
    container = pick_container(inv, pod, inv.flags["container"])
    want = inv.flags["container"] or (container or {}).get("name", "")
    if container is None or not container_running(pod, container.get("name", "")):
        raise KubectlError(f'unable to upgrade connection: container not found ("{want}")')
    if flavor(container.get("image", "")) == "none":      # busybox has the applet, Debian's tar is essential
        inv.out('OCI runtime exec failed: exec failed: unable to start container process: exec: "tar": executable '
                "file not found in $PATH: unknown\n")
        raise KubectlError("command terminated with exit code 126")
    return pod, container, PodFS(inv.cluster, pod, container)


@command("cp", flags=flags_from_help("cp"))
def cp(inv: Invocation) -> int:
    if len(inv.args) != 2:
        raise KubectlError("source and destination are required")
    src, dest = _spec(inv.args[0]), _spec(inv.args[1])
    if src[1] is None and dest[1] is None:
        raise KubectlError("one of src or dest must be a remote file specification")
    if src[1] is not None and dest[1] is not None:
        raise KubectlError("one of src or dest must be a local file specification")
    if not src[2] or not dest[2]:
        raise KubectlError("filepath can not be empty")
    host = inv.proc.host
    if dest[1] is not None:                                    # local -> container
        local = host.abspath(src[2])
        if local not in host.files and local not in host.dirs:
            raise KubectlError(f"{src[2]} doesn't exist in local filesystem")
        _, _, fs = _container(inv, dest[0], dest[1])
        target = dest[2] if dest[2].startswith("/") else "/" + dest[2]
        if fs.is_dir(target):                                 # cp into an existing directory keeps the name
            target = posixpath.join(target, posixpath.basename(local.rstrip("/")))
        if local in host.files:
            fs.write(target, host.files[local])
        else:
            prefix = local.rstrip("/") + "/"
            for path, text in host.files.items():
                if path.startswith(prefix):
                    fs.write(posixpath.join(target, path[len(prefix):]), text)
        return 0
    _, container, fs = _container(inv, src[0], src[1])         # container -> local
    path = src[2]
    if path.startswith("/"):
        inv.err("tar: removing leading '/' from member names\n" if flavor(container.get("image", "")) == "busybox"
                else "tar: Removing leading `/' from member names\n")
    full = path if path.startswith("/") else "/" + path
    local = host.abspath(dest[2])
    text = fs.read(full)
    if text is not None:
        if local in host.dirs:
            local = posixpath.join(local, posixpath.basename(full))
        host.files[local] = text
        return 0
    if fs.is_dir(full):
        prefix = full.rstrip("/") + "/"
        found = [p for p in fs.paths() if p.startswith(prefix) and fs.read(p) is not None]
        for p in found:
            host.files[posixpath.join(local, p[len(prefix):])] = fs.read(p)
        return 0
    inv.err(f"tar: {path.lstrip('/') if flavor(container.get('image', '')) != 'busybox' else path}: "
            "No such file or directory\ntar: Exiting with failure status due to previous errors\n")
    raise KubectlError(f"{path} no such file or directory")
