"""`kubectl kustomize DIR` and the objects `-k DIR` hands to apply, create, get and delete: the playground's
kustomize build (playground/sim/kustomize.py) over the learner's files, with kubectl's messages."""
from __future__ import annotations

from ... import kustomize, manifests
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from ...printers.output import to_yaml

UNSUPPORTED = ("enable-alpha-plugins", "enable-helm", "network", "as-current-user", "mount", "env")


def build(inv: Invocation, path: str) -> list[dict]:
    """The kustomization's objects; its warnings go to stderr first, as kustomize prints them."""
    host = inv.proc.host
    full = host.abspath(path)
    if full not in host.dirs and full.rstrip("/") != "" and not any(f.startswith(full.rstrip("/") + "/")
                                                                    for f in host.files):
        raise KubectlError(f"must build at directory: not a valid directory: evalsymlink failure on '{path}' : "
                           f"lstat {full}: no such file or directory")
    try:
        objs, warnings = kustomize.build(host, path)
    except kustomize.KustomizeError as exc:
        raise KubectlError(str(exc))
    except manifests.ManifestError as exc:
        raise KubectlError(exc.message)
    for w in warnings:
        inv.err(w + "\n")
    return objs


def entries(inv: Invocation, path: str) -> list[manifests.Manifest]:
    """-k DIR as the builder's visitor sees it: one manifest per object, named after the directory."""
    return [manifests.Manifest(obj, path) for obj in build(inv, path)]


@command("kustomize", needs_server=False, flags=flags_from_help("kustomize", {"env": "stringArray"}))
def kustomize_cmd(inv: Invocation) -> int:
    f = inv.flags
    if len(inv.args) > 1:
        raise KubectlError("specify one path to kustomization.yaml")
    if f["load-restrictor"] not in ("LoadRestrictionsRootOnly", "LoadRestrictionsNone"):
        raise KubectlError(f"illegal flag value --load-restrictor {f['load-restrictor']}; legal values: "
                           "[LoadRestrictionsRootOnly LoadRestrictionsNone]")
    for name in UNSUPPORTED:
        if name in inv.changed and f[name]:
            raise KubectlError(f"the playground's kustomize does not simulate --{name}")
    text = "---\n".join(to_yaml(o) for o in build(inv, inv.args[0] if inv.args else "."))
    if f["output"]:
        host = inv.proc.host
        host.files[host.abspath(f["output"])] = text
        return 0
    inv.out(text)
    return 0
