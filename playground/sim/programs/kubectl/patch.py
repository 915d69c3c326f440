"""`kubectl patch`: strategic (default), merge or json patches from -p / --patch-file."""
from __future__ import annotations

from ... import apiserver
from ...apierrors import ApiError
from ...manifests import ManifestError, yaml_to_json
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .objout import check_output, dry_run_strategy
from .objrefs import ApiFailure, find, manifest_refs, print_errors, split_args, print_object
from .delete import NO_RESOURCES
from ...cluster import Cluster

PATCH_TYPES = ("json", "merge", "strategic")


@command("patch", flags=flags_from_help("patch", {"filename": "stringSlice"}))
def patch(inv: Invocation) -> int:
    f = inv.flags
    check_output(inv)
    dry = dry_run_strategy(inv)
    ptype = f.get("type") or "strategic"
    if ptype not in PATCH_TYPES:
        raise KubectlError(f'--type must be one of [json merge strategic], not "{ptype}"')
    text = f.get("patch", "")
    if f.get("patch-file"):
        path = inv.proc.host.abspath(f["patch-file"])
        if path not in inv.proc.host.files:
            raise KubectlError(f"unable to read patch file: open {f['patch-file']}: no such file or directory")
        text = inv.proc.host.files[path]
    if not text:
        raise KubectlError("must specify --patch or --patch-file containing the contents of the patch")
    filenames = f.get("filename") or []
    if not filenames:
        if not inv.args:
            raise KubectlError(NO_RESOURCES)
        if any(n is None for _, n in split_args(inv.args)):
            raise KubectlError("resource(s) were provided, but no name was specified")
    try:
        body = yaml_to_json(text)
    except ManifestError as exc:
        raise KubectlError(f'unable to parse "{text}": {exc.message.replace("error converting YAML to JSON: ", "")}')
    if f.get("local"):
        raise KubectlError("--local is not available in the playground")
    if filenames:
        found = manifest_refs(inv, filenames, f.get("recursive", False))
    else:
        found = find(inv, inv.args)
    if not found.refs and not found.errors:
        raise KubectlError("no objects passed to patch")
    errors = list(found.errors)
    for ref in found.refs:
        cluster = inv.cluster
        if dry != "none":
            import copy
            cluster = Cluster.from_dict(copy.deepcopy(inv.cluster.to_dict()))
        try:
            obj, changed = apiserver.patch(cluster, ref.r, ref.namespace, ref.name, ptype, body)
        except ApiError as exc:
            errors.append(ApiFailure(exc, verb="patching"))
            continue
        print_object(inv, ref.r, obj, dry, "patched" if changed else "patched (no change)")
    return print_errors(inv, errors)
