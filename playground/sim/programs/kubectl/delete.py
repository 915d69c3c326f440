"""`kubectl delete`: by TYPE NAME, TYPE/NAME, -f, -l, --all; `pod "x" deleted from default namespace`."""
from __future__ import annotations

from ... import apiserver
from ...apierrors import ApiError
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .objout import dry_run_strategy
from .objrefs import ApiFailure, Found, find, manifest_refs, print_errors, split_args

FORCE_WARNING = ("Warning: Immediate deletion does not wait for confirmation that the running resource has been "
                 "terminated. The resource may continue to run on the cluster indefinitely.\n")
NO_RESOURCES = ("You must provide one or more resources by argument or filename.\nExample resource specifications "
                "include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'")


@command("delete", flags=flags_from_help("delete", {"filename": "stringSlice"}))
def delete(inv: Invocation) -> int:
    f = inv.flags
    dry = dry_run_strategy(inv)
    selector, all_, filenames = f.get("selector", ""), f.get("all", False), f.get("filename") or []
    if f.get("output") not in ("", "name"):
        raise KubectlError(f"unexpected -o output mode: {f['output']}. We only support '-o name'")
    if f.get("interactive"):
        raise KubectlError("--interactive is not available in the playground")
    grace = f.get("grace-period", -1)
    if f.get("now"):
        if grace != -1:
            raise KubectlError("--now and --grace-period cannot be specified together")
        grace = 1
    if f.get("force") and grace < 0:
        grace = 0
    if grace == 0 and not f.get("force"):
        grace = 1        # kubectl turns --grace-period=0 into 1 unless --force
    if f.get("kustomize") and filenames:
        raise KubectlError("only one of -f or -k can be specified")
    from_files = bool(filenames or f.get("kustomize"))
    if from_files and inv.args:
        raise KubectlError("when paths, URLs, or stdin is provided as input, you may not specify resource "
                           "arguments as well")
    if not from_files and not inv.args:
        raise KubectlError(NO_RESOURCES)
    pairs = split_args(inv.args) if inv.args else []
    named = any(n is not None for _, n in pairs)
    if named and selector:
        raise KubectlError("name cannot be provided when a selector is specified")
    if named and all_:
        raise KubectlError("name cannot be provided when a selector is specified")
    if all_ and selector:
        raise KubectlError("setting 'all' parameter but found a non empty selector. ")
    if pairs and not named and not selector and not all_ and not f.get("field-selector"):
        raise KubectlError("resource(s) were provided, but no name was specified")
    if f.get("cascade") not in ("background", "foreground", "orphan", "true", "false"):
        raise KubectlError(f'invalid cascade value ({f.get("cascade")}). Must be "background", "foreground", '
                           'or "orphan"')
    if f.get("force") and grace == 0:
        inv.err(FORCE_WARNING)
    if from_files:
        found = manifest_refs(inv, filenames, f.get("recursive", False))
        for ref in found.refs:
            ref.obj = inv.cluster.get(ref.r.plural, ref.namespace, ref.name)
        missing = [ref for ref in found.refs if ref.obj is None]
        found.errors = [str(apiserver.not_found(ref.r, ref.name)).replace(
            "Error from server (NotFound): ", f'Error from server (NotFound): error when deleting "{ref.source}": ')
            for ref in missing] + found.errors
        found.refs = [ref for ref in found.refs if ref.obj is not None]
    else:
        found = find(inv, inv.args, selector=selector, all_=all_, all_namespaces=f.get("all-namespaces", False),
                     field_selector=f.get("field-selector", ""))
    if f.get("ignore-not-found"):
        found.errors = [e for e in found.errors if "(NotFound)" not in e]
    return _delete_all(inv, found, grace, dry)


def _delete_all(inv: Invocation, found: Found, grace: int, dry: str) -> int:
    errors = list(found.errors)
    done = 0
    seen = set()
    for ref in found.refs:
        key = (ref.r.plural, ref.namespace, ref.name)
        if key in seen:
            continue
        seen.add(key)
        kind = ref.r.kind.lower()
        kind_string = f"{kind}.{ref.r.group}" if ref.r.group else kind
        if dry == "none":
            try:
                if inv.flags.get("cascade") == "orphan" and ref.obj is not None:
                    apiserver.orphan_dependents(inv.cluster, ref.obj)
                apiserver.delete(inv.cluster, ref.r, ref.namespace, ref.name)
            except ApiError as exc:
                errors.append(ApiFailure(exc, ref.source, "deleting"))
                continue
        done += 1
        if inv.flags.get("output") == "name":
            inv.out(f"{kind_string}/{ref.name}\n")
            continue
        operation = "force deleted" if grace == 0 else "deleted"
        if ref.r.namespaced:
            operation += f" from {ref.namespace} namespace"
        if dry == "client":
            operation += " (dry run)"
        elif dry == "server":
            operation += " (server dry run)"
        inv.out(f'{kind_string} "{ref.name}" {operation}\n')
    if not done and not errors:
        inv.out("No resources found\n")
        return 0
    return print_errors(inv, errors)
