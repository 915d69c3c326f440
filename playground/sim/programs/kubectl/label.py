"""`kubectl label` and `kubectl annotate`: add (key=value), overwrite (--overwrite), remove (key-)."""
from __future__ import annotations


from ... import apiserver
from ...apierrors import ApiError
from ...jsondata import deep_copy
from ...manifests import go_json
from ...validation.meta import label_value_errors
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .objout import check_output, dry_run_strategy
from .objrefs import ApiFailure, find, manifest_refs, print_errors, print_object


def _split(args: list[str], has_files: bool) -> tuple[list[str], list[str]]:
    """cmdutil.GetResourcesAndPairs: `k=v` and `k-` are updates, the rest name resources."""
    resources, pairs = [], []
    for a in args:
        if "=" in a or a.endswith("-"):
            pairs.append(a)
        else:
            resources.append(a)
    return resources, pairs


def _parse(pairs: list[str], what: str) -> tuple[dict, list[str]]:
    new, remove = {}, []
    for p in pairs:
        if "=" in p:
            # labels must be key=value exactly; annotations are cmdutil.ParsePairs, split at the first `=`
            parts = p.split("=") if what == "label" else p.split("=", 1)
            if len(parts) != 2:
                raise KubectlError(f"invalid {what} spec: {p}")
            if what == "label":
                errs = label_value_errors(parts[1])
                if errs:
                    raise KubectlError(f'invalid label value: "{p}": ' + "; ".join(errs))
            new[parts[0]] = parts[1]
        else:
            remove.append(p[:-1])
    if what == "label":
        for k in remove:
            if k in new:
                raise KubectlError("can not both modify and remove a label in the same command")
    else:
        both = [k for k in remove if k in new]
        if both:
            raise KubectlError("can not both modify and remove the following annotation(s) in the same command: "
                               + ", ".join(both))
    return new, remove


def _run(inv: Invocation, what: str) -> int:
    f = inv.flags
    check_output(inv)
    dry = dry_run_strategy(inv)
    field = "labels" if what == "label" else "annotations"
    filenames = f.get("filename") or []
    resources, pairs = _split(inv.args, bool(filenames))
    new, remove = _parse(pairs, what)                  # Complete() parses the pairs before Validate()
    if f.get("all") and f.get("selector"):
        raise KubectlError("cannot set --all and --selector at the same time")
    local = f.get("local", False)
    if local:
        # --local: change the file's objects and print them; the server is never asked (annotate.go Validate)
        if dry == "server":
            raise KubectlError("cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
        if resources:
            raise KubectlError("can only use local files by -f rsrc.yaml or --filename=rsrc.json when --local=true "
                               "is set")
        if not filenames:
            raise KubectlError("one or more files must be specified as -f rsrc.yaml or --filename=rsrc.json")
    elif not resources and not filenames:
        raise KubectlError("one or more resources must be specified as <resource> <name> or <resource>/<name>")
    if not new and not remove and not f.get("list"):
        raise KubectlError(f"at least one {'label' if what == 'label' else 'annotation'} update is required")
    if local:
        found = manifest_refs(inv, filenames, f.get("recursive", False), local=True)
    elif filenames:
        found = manifest_refs(inv, filenames, f.get("recursive", False))
        for ref in found.refs:
            ref.obj = inv.cluster.get(ref.r.plural, ref.namespace, ref.name)
            if ref.obj is None:
                found.errors.append(str(apiserver.not_found(ref.r, ref.name)))
        found.refs = [ref for ref in found.refs if ref.obj is not None]
    else:
        found = find(inv, resources, selector=f.get("selector", ""), all_=f.get("all", False),
                     all_namespaces=f.get("all-namespaces", False),
                     field_selector=f.get("field-selector", ""))
    errors = list(found.errors)
    for ref in found.refs:
        obj = deep_copy(ref.obj)
        current = dict(obj["metadata"].get(field) or {})
        if f.get("list"):
            for k, v in sorted(current.items()):
                inv.out(f"{k}={v}\n")
            continue
        if not f.get("overwrite"):
            clashes = [k for k, v in new.items() if k in current and current[k] != v]
            if clashes:
                if what == "label":
                    raise KubectlError(f"'{clashes[0]}' already has a value ({current[clashes[0]]}), and "
                                       "--overwrite is false")
                raise KubectlError("--overwrite is false but found the following declared annotation(s): " +
                                   "; ".join(f"'{k}' already has a value ({current[k]})" for k in clashes))
        updated = dict(current)
        for k in remove:
            if k not in updated:
                if what == "label":
                    inv.out(f'label "{k}" not found.\n')
                continue
            del updated[k]
        updated.update(new)
        old_json = go_json(obj)
        if updated:
            obj["metadata"][field] = updated
        else:
            obj["metadata"].pop(field, None)
        new_json = go_json(obj)
        if what == "label":
            verb = "not labeled"
            if old_json != new_json:
                verb = "unlabeled" if not f.get("overwrite") and len(new_json) < len(old_json) else "labeled"
        else:
            verb = "annotated"
        if dry == "none" and old_json != new_json and not local:
            try:
                obj, _ = apiserver.patch(inv.cluster, ref.r, ref.namespace, ref.name, "merge",
                                         {"metadata": {field: {**{k: None for k in remove if k in current},
                                                               **new}}})
            except ApiError as exc:
                errors.append(ApiFailure(exc, verb="patching"))
                continue
        print_object(inv, ref.r, obj, dry, verb)
    return print_errors(inv, errors)


@command("label", flags=flags_from_help("label", {"filename": "stringSlice"}))
def label(inv: Invocation) -> int:
    return _run(inv, "label")


@command("annotate", flags=flags_from_help("annotate", {"filename": "stringSlice"}))
def annotate(inv: Invocation) -> int:
    return _run(inv, "annotate")
