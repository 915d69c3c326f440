"""`kubectl scale`: set a workload's replicas (--replicas, --current-replicas precondition)."""
from __future__ import annotations

from ... import apiserver
from ...apierrors import ApiError
from ...jsondata import deep_copy
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .record import CHANGE_CAUSE, record
from .objout import check_output, dry_run_strategy
from .objrefs import ApiFailure, find, manifest_refs, print_errors, print_object
from .delete import NO_RESOURCES

SCALABLE = {"deployments", "replicasets", "statefulsets", "replicationcontrollers"}


@command("scale", flags=flags_from_help("scale", {"filename": "stringSlice"}))
def scale(inv: Invocation) -> int:
    f = inv.flags
    check_output(inv)
    if "replicas" not in inv.changed:
        raise KubectlError('required flag(s) "replicas" not set')
    dry = dry_run_strategy(inv)
    replicas = f["replicas"]
    if replicas < 0:
        raise KubectlError("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
    filenames = f.get("filename") or []
    if not inv.args and not filenames:
        raise KubectlError(NO_RESOURCES)
    if filenames:
        found = manifest_refs(inv, filenames, f.get("recursive", False))
        for ref in found.refs:
            ref.obj = inv.cluster.get(ref.r.plural, ref.namespace, ref.name)
            if ref.obj is None:
                found.errors.append(str(apiserver.not_found(ref.r, ref.name)))
        found.refs = [ref for ref in found.refs if ref.obj is not None]
    else:
        if len(inv.args) == 1 and "/" not in inv.args[0] and not f.get("all") and not f.get("selector"):
            raise KubectlError("resource(s) were provided, but no name was specified")
        found = find(inv, inv.args, selector=f.get("selector", ""), all_=f.get("all", False))
    if not found.refs and not found.errors:
        raise KubectlError("no objects passed to scale")
    errors = list(found.errors)
    current = f.get("current-replicas", -1)
    for ref in found.refs:
        if ref.r.plural not in SCALABLE:
            errors.append("Error from server (NotFound): the server could not find the requested resource")
            continue
        have = (ref.obj.get("spec") or {}).get("replicas", 1)
        if current >= 0 and have != current:
            errors.append(f"Expected replicas to be {current}, was {have}")
            continue
        obj = ref.obj
        if dry == "none":
            try:
                body: dict = {"spec": {"replicas": replicas}}
                marked = deep_copy(ref.obj)
                if record(inv, marked):              # the recorder's merge patch, sent with the scale
                    body["metadata"] = {"annotations": {CHANGE_CAUSE: marked["metadata"]["annotations"][CHANGE_CAUSE]}}
                obj, _ = apiserver.patch(inv.cluster, ref.r, ref.namespace, ref.name, "merge", body)
            except ApiError as exc:
                errors.append(ApiFailure(exc, verb="scaling"))
                continue
        if f.get("output"):
            print_object(inv, ref.r, obj, dry, "scaled")
        else:
            suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry, "")
            inv.out(f"{ref.r.type_name}/{ref.name} scaled{suffix}\n")
    return print_errors(inv, errors)
