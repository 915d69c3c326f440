"""`kubectl set image`: change container images of pods and workloads (`deployment.apps/x image updated`)."""
from __future__ import annotations

import copy

from ... import apiserver
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .record import record
from .objout import check_output, dry_run_strategy
from .objrefs import find, manifest_refs, print_errors, split_args, update_and_print
from .delete import NO_RESOURCES

def _pod_spec(obj: dict) -> dict | None:
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        return spec.get("jobTemplate", {}).get("spec", {}).get("template", {}).get("spec")
    return (spec.get("template") or {}).get("spec")


@command("set image", flags=flags_from_help("set image", {"filename": "stringSlice"}))
def set_image(inv: Invocation) -> int:
    f = inv.flags
    check_output(inv)
    dry = dry_run_strategy(inv)
    filenames = f.get("filename") or []
    resources = [a for a in inv.args if "=" not in a]
    images = {}
    for a in inv.args:
        if "=" in a:
            name, _, image = a.partition("=")
            images[name] = image
    if not resources and not filenames:
        raise KubectlError(NO_RESOURCES)
    if resources:
        split_args(resources)            # the builder's argument errors come before the image check
    if not images:
        raise KubectlError("at least one image update is required")
    if filenames:
        found = manifest_refs(inv, filenames, f.get("recursive", False))
        for ref in found.refs:
            ref.obj = inv.cluster.get(ref.r.plural, ref.namespace, ref.name)
            if ref.obj is None:
                found.errors.append(str(apiserver.not_found(ref.r, ref.name)))
        found.refs = [ref for ref in found.refs if ref.obj is not None]
    else:
        found = find(inv, resources, selector=f.get("selector", ""), all_=f.get("all", False))
    errors = list(found.errors)
    for ref in found.refs:
        obj = copy.deepcopy(ref.obj)
        spec = _pod_spec(obj)
        if spec is None:
            errors.append(f"error: {ref.r.type_name}/{ref.name} does not have a pod template")
            continue
        containers = (spec.get("initContainers") or []) + (spec.get("containers") or [])
        for name, image in images.items():
            hits = [c for c in containers if name == "*" or c.get("name") == name]
            if not hits:
                raise KubectlError(f'unable to find container named "{name}"')
            for c in hits:
                c["image"] = image
        record(inv, obj)
        if obj == ref.obj:
            continue                    # nothing to change: kubectl prints nothing for this object
        update_and_print(inv, ref.r, obj, dry, "image updated", errors)
    return print_errors(inv, errors)
