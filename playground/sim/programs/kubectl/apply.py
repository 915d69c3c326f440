"""`kubectl create -f` and `kubectl apply -f`: manifests from files, directories or stdin, document by
document, each created (or three-way merged) through the API server, errors listed at the end."""
from __future__ import annotations

import copy
import json

from ... import apiserver, merge, resources as res
from ...apierrors import ApiError
from ...manifests import MAX_OBJECT_BYTES, go_json
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .objout import check_output, dry_run_strategy, klog, shown, to_yaml
from .record import record
from .objrefs import ApiFailure, Ref, find, manifest_refs, print_errors, print_object, unstructured_json
from ...labels import SelectorError, parse_selector, requirements_match
from ...cluster import Cluster
from .delete import NO_RESOURCES

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
NO_ANNOTATION_WARNING = ("Warning: resource {res} is missing the " + LAST_APPLIED + " annotation which is required "
                         "by kubectl apply. kubectl apply should only be used on resources created declaratively "
                         "by either kubectl create --save-config or kubectl apply. The missing annotation will be "
                         "patched automatically.\n")
FILENAME_KINDS = {"filename": "stringSlice"}


def _too_large(ref: Ref, verb: str) -> str | None:
    if len(go_json(ref.obj)) > MAX_OBJECT_BYTES:
        return (f'Error from server (RequestEntityTooLarge): error when {verb} "{ref.source}": Request entity too '
                f"large: limit is {MAX_OBJECT_BYTES}")
    return None


def with_last_applied(obj: dict) -> dict:
    """kubectl's GetModifiedConfiguration: the manifest with its own JSON in the annotation."""
    obj = copy.deepcopy(obj)
    ann = obj.setdefault("metadata", {}).get("annotations") or {}
    ann.pop(LAST_APPLIED, None)
    obj["metadata"]["annotations"] = ann
    value = go_json(obj) + "\n"
    obj["metadata"]["annotations"] = dict(ann, **{LAST_APPLIED: value})
    return obj


class _Printer:
    """create prints each object (YAML documents separated by `---`); apply -o yaml|json collects them
    and prints one object, or a List of them, at the end."""

    def __init__(self, inv: Invocation, dry: str, collect: bool = False):
        self.inv, self.dry, self.count = inv, dry, 0
        self.collect = collect and inv.flags.get("output") in ("yaml", "json")
        self.objects: list[tuple[Ref, dict]] = []

    def __call__(self, ref: Ref, obj: dict, verb: str) -> None:
        if self.collect:
            self.objects.append((ref, copy.deepcopy(obj)))
            return
        if self.inv.flags.get("output") == "yaml" and self.count:
            self.inv.out("---\n")
        self.count += 1
        print_object(self.inv, ref.r, obj, self.dry, verb)

    def flush(self) -> None:
        if not self.objects:
            return
        if len(self.objects) == 1:
            ref, obj = self.objects[0]
            print_object(self.inv, ref.r, obj, self.dry, "")
            return
        lst = {"apiVersion": "v1", "items": [shown(self.inv, o) for _, o in self.objects], "kind": "List",
               "metadata": {}}
        self.inv.out(to_yaml(lst) if self.inv.flags.get("output") == "yaml" else unstructured_json(lst))


def _start(inv: Invocation, what: str):
    check_output(inv)
    dry = dry_run_strategy(inv)
    filenames = inv.flags.get("filename") or []
    if inv.args:
        raise KubectlError(f"Unexpected args: [{' '.join(inv.args)}]", usage="help")
    if inv.flags.get("kustomize") and filenames:
        raise KubectlError("only one of -f or -k can be specified")
    if not filenames and not inv.flags.get("kustomize"):
        raise KubectlError("must specify one of -f and -k")
    found = manifest_refs(inv, filenames, inv.flags.get("recursive", False))
    if inv.flags.get("selector"):
        # the builder's FilteredVisitor: -l keeps only the file objects whose labels match
        try:
            reqs = parse_selector(inv.flags["selector"])
        except SelectorError as exc:
            raise KubectlError(str(exc))
        found.refs = [ref for ref in found.refs
                      if requirements_match(reqs, (ref.obj.get("metadata") or {}).get("labels") or {})]
    return dry, found


def _info(ref: Ref) -> str:
    """resource.Info's String(), as kubectl puts it in `error when applying patch`."""
    r = ref.r
    return (f'Resource: "{r.group}/{r.version}, Resource={r.plural}", GroupVersionKind: "{r.group}/{r.version}, '
            f'Kind={r.kind}"\nName: "{ref.name}", Namespace: "{ref.namespace or ""}"')


def _target(inv: Invocation, dry: str):
    """The cluster a write goes to: a throw-away copy for --dry-run=server (validated, never stored)."""
    if dry != "server":
        return inv.cluster
    return Cluster.from_dict(copy.deepcopy(inv.cluster.to_dict()))


# ---- kubectl create -f -------------------------------------------------------------------------------
@command("create", flags=flags_from_help("create", FILENAME_KINDS))
def create_from_files(inv: Invocation) -> int:
    if inv.flags.get("raw"):
        raise KubectlError("--raw is not available in the playground")
    if inv.flags.get("edit"):
        raise KubectlError("--edit is not available in the playground; create the object, then kubectl edit it")
    dry, found = _start(inv, "create")
    errors = []
    printer = _Printer(inv, dry)
    created = 0
    for ref in found.refs:
        big = _too_large(ref, "creating")
        if big:
            errors.append(big)
            continue
        obj = copy.deepcopy(ref.obj)
        record(inv, obj)
        if inv.flags.get("save-config"):
            obj = with_last_applied(obj)
        if dry == "client":
            printer(ref, obj, "created")
            created += 1
            continue
        try:
            stored = apiserver.create(_target(inv, dry), obj)
        except ApiError as exc:
            errors.append(ApiFailure(exc, ref.source, "creating"))
            continue
        printer(ref, stored, "created")
        created += 1
    errors = errors + found.errors
    if not found.refs and not found.errors:
        raise KubectlError("no objects passed to create")
    return print_errors(inv, errors)


# ---- kubectl apply -f --------------------------------------------------------------------------------
@command("apply", flags=flags_from_help("apply", FILENAME_KINDS))
def apply(inv: Invocation) -> int:
    if inv.flags.get("prune") and not inv.flags.get("all") and not inv.flags.get("selector"):
        raise KubectlError("all resources selected for prune without explicitly passing --all. To prune all "
                           "resources, pass the --all flag. If you did not mean to prune all resources, specify a "
                           "label selector")
    if inv.flags.get("prune-allowlist"):
        raise KubectlError("the playground does not simulate --prune-allowlist; --prune uses kubectl's default list")
    if inv.flags.get("server-side") and dry_run_strategy(inv) == "client":
        raise KubectlError("--dry-run=client doesn't work with --server-side (did you mean --dry-run=server "
                           "instead?)")
    dry, found = _start(inv, "apply")
    if inv.flags.get("server-side"):
        return _server_side_apply(inv, dry, found)
    if not found.refs and not found.errors:
        raise KubectlError("no objects passed to apply")
    errors = []
    printer = _Printer(inv, dry, collect=True)
    for ref in found.refs:
        big = _too_large(ref, "creating")
        if big:
            errors.append(big)
            continue
        record(inv, ref.obj)               # (before the last-applied copy is taken, as apply.go does)
        modified = with_last_applied(ref.obj)
        current = inv.cluster.get(ref.r.plural, ref.namespace, ref.name)
        if current is None:
            if dry == "client":
                printer(ref, modified, "created")
                continue
            try:
                stored = apiserver.create(_target(inv, dry), copy.deepcopy(modified))
            except ApiError as exc:
                errors.append(ApiFailure(exc, ref.source, "creating"))
                continue
            printer(ref, stored, "created")
            continue
        ann = (current["metadata"].get("annotations") or {}).get(LAST_APPLIED)
        if ann is None:
            inv.err(NO_ANNOTATION_WARNING.format(res=f"{ref.r.qualified}/{ref.name}"))
        if dry == "client":
            printer(ref, current, "configured")
            continue
        try:
            original = json.loads(ann) if ann else None
        except ValueError:
            original = None
        custom = ref.r.custom is not None      # no strategic merge metadata: a JSON merge patch
        patch = merge.create_three_way_patch(original, modified, current, keyed=not custom)
        if not patch:
            printer(ref, current, "unchanged")
            continue
        try:
            stored, _ = apiserver.patch(_target(inv, dry), ref.r, ref.namespace, ref.name,
                                        "merge" if custom else "strategic", patch)
        except ApiError as exc:
            # the patcher adds the source once (`error when patching`), applyOneObject again around the patch
            inner = ApiError(exc.reason, f'error when patching "{ref.source}": {exc.message}', exc.code,
                                       kind=exc.kind, name=exc.name, causes=exc.causes)
            errors.append(ApiFailure(inner, ref.source, "applying patch:\n" + go_json(patch) + "\nto:\n" +
                                     _info(ref) + "\nfor:"))
            continue
        printer(ref, stored, "configured")
    printer.flush()
    if inv.flags.get("prune") and not errors and not found.errors:
        _prune(inv, dry, found.refs)
    return print_errors(inv, errors + found.errors)


def _server_side_apply(inv: Invocation, dry: str, found) -> int:
    """--server-side: the server merges the manifest into the live object (no last-applied annotation, so
    CRDs too big for one apply as the Gateway API docs install them). Field ownership is not simulated: a
    field another manager set is overwritten, never a conflict."""
    if not found.refs and not found.errors:
        raise KubectlError("no objects passed to apply")
    errors = []
    printer = _Printer(inv, dry, collect=True)
    suffix = " (server dry run)" if dry == "server" else ""
    for ref in found.refs:
        big = _too_large(ref, "creating")
        if big:
            errors.append(big)
            continue
        current = inv.cluster.get(ref.r.plural, ref.namespace, ref.name)
        try:
            if current is None:
                stored = apiserver.create(_target(inv, dry), copy.deepcopy(ref.obj))
            else:
                stored, _ = apiserver.patch(_target(inv, dry), ref.r, ref.namespace, ref.name, "merge",
                                            copy.deepcopy(ref.obj))
        except ApiError as exc:
            errors.append(ApiFailure(exc, ref.source, "creating" if current is None else "patching"))
            continue
        if inv.flags.get("output") in ("yaml", "json"):
            printer(ref, stored, "")
        else:
            inv.out(f"{ref.r.type_name}/{ref.name} serverside-applied{suffix}\n")
    printer.flush()
    return print_errors(inv, errors + found.errors)


# kubectl's default prune allowlist (pkg/util/prune/prune.go), namespaced then cluster-scoped
PRUNE_NAMESPACED = ["configmaps", "endpoints", "persistentvolumeclaims", "pods", "replicationcontrollers", "secrets",
                    "services", "jobs", "cronjobs", "ingresses", "daemonsets", "deployments", "replicasets",
                    "statefulsets"]
PRUNE_CLUSTER = ["namespaces", "persistentvolumes"]


def _prune(inv: Invocation, dry: str, applied: list[Ref]) -> None:
    """prune.go: objects of the allowlisted kinds in the visited namespaces that match -l, were applied
    (carry the last-applied annotation) and are not in this apply, are deleted and printed as pruned."""
    klog(inv, "W", "prune.go:71", "Deprecated: kubectl apply will no longer prune non-namespaced resources by default "
         "when used with the --namespace flag in a future release. To preserve the current behaviour, list the "
         "resources you want to target explicitly in the --prune-allowlist flag.")
    reqs = parse_selector(inv.flags["selector"]) if inv.flags.get("selector") else []
    seen = {(ref.r.plural, ref.namespace if ref.r.namespaced else None, ref.name) for ref in applied}
    namespaces = sorted({ref.namespace for ref in applied if ref.r.namespaced and ref.namespace})
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry, "")
    scopes = [(ns, plural) for ns in namespaces for plural in PRUNE_NAMESPACED] + \
             [(None, plural) for plural in PRUNE_CLUSTER]
    for ns, plural in scopes:
        r = res.BY_PLURAL[plural]
        for obj in list(inv.cluster.list(plural, ns)):
            meta = obj["metadata"]
            if LAST_APPLIED not in (meta.get("annotations") or {}):
                continue
            if not requirements_match(reqs, meta.get("labels") or {}):
                continue
            if (plural, ns, meta["name"]) in seen:
                continue
            if dry == "none":
                apiserver.delete(inv.cluster, r, ns, meta["name"])
            inv.out(f"{r.type_name}/{meta['name']} pruned{suffix}\n")


# ---- kubectl apply view-last-applied ------------------------------------------------------------------
@command("apply view-last-applied", flags=flags_from_help("apply view-last-applied", FILENAME_KINDS))
def view_last_applied(inv: Invocation) -> int:
    fmt = inv.flags.get("output") or "yaml"
    if fmt not in ("yaml", "json"):
        raise KubectlError(f"Unexpected -o output mode: {fmt}, the flag 'output' must be one of yaml|json")
    filenames = inv.flags.get("filename") or []
    if not inv.args and not filenames:
        raise KubectlError(NO_RESOURCES)
    if filenames:
        found = manifest_refs(inv, filenames, inv.flags.get("recursive", False))
        for ref in found.refs:
            ref.obj = inv.cluster.get(ref.r.plural, ref.namespace, ref.name)
        found.refs = [ref for ref in found.refs if ref.obj is not None]
    else:
        found = find(inv, inv.args, selector=inv.flags.get("selector", ""), all_=inv.flags.get("all", False))
    if found.errors:
        return print_errors(inv, found.errors)
    for ref in found.refs:
        ann = (ref.obj["metadata"].get("annotations") or {}).get(LAST_APPLIED)
        if ann is None:
            raise KubectlError(f"no last-applied-configuration annotation found on resource: {ref.name}")
        try:
            value = json.loads(ann)
        except ValueError:
            raise KubectlError(f"no last-applied-configuration annotation found on resource: {ref.name}")
        if fmt == "json":      # json.Indent of the annotation: two spaces, its own key order and escapes
            text = json.dumps(value, indent=2, ensure_ascii=False)
            inv.out(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n")
        else:
            inv.out(to_yaml(value))
    return 0


def _not_here(inv: Invocation) -> int:
    raise KubectlError(f"kubectl {inv.cmd.path} is not available in the playground; edit the manifest and run "
                       "kubectl apply -f again")


command("apply edit-last-applied", flags=flags_from_help("apply edit-last-applied", FILENAME_KINDS),
        simulated=False)(_not_here)


# ---- kubectl apply set-last-applied -------------------------------------------------------------------
@command("apply set-last-applied", flags=flags_from_help("apply set-last-applied", FILENAME_KINDS))
def set_last_applied(inv: Invocation) -> int:
    """Set the live objects' last-applied annotation to the files' content (set_last_applied.go): only where
    it changes; without an annotation only with --create-annotation."""
    check_output(inv)
    dry = dry_run_strategy(inv)
    filenames = inv.flags.get("filename") or []
    if not filenames:
        raise KubectlError(NO_RESOURCES)
    found = manifest_refs(inv, filenames, inv.flags.get("recursive", False))
    if found.errors:
        return print_errors(inv, found.errors)
    changes = []
    for ref in found.refs:
        live = inv.cluster.get(ref.r.plural, ref.namespace, ref.name)
        if live is None:
            return print_errors(inv, [ApiFailure(apiserver.not_found(ref.r, ref.name), verb="retrieving")])
        old = (live["metadata"].get("annotations") or {}).get(LAST_APPLIED)
        if old is None and not inv.flags["create-annotation"]:
            raise KubectlError(f"no last-applied-configuration annotation found on resource: {ref.name}, to create "
                               "the annotation, run the command with --create-annotation")
        new = with_last_applied(ref.obj)["metadata"]["annotations"][LAST_APPLIED]
        if old != new:
            changes.append((ref, live, new))
    for ref, live, new in changes:
        obj = copy.deepcopy(live)
        obj["metadata"].setdefault("annotations", {})[LAST_APPLIED] = new
        if dry == "none":
            obj = apiserver.update(inv.cluster, obj)
        print_object(inv, ref.r, obj, dry, "configured")
    return 0


# ---- kubectl replace -f: PUT the manifest (or delete and create it with --force) ----------------------------
@command("replace", flags=flags_from_help("replace", FILENAME_KINDS))
def replace(inv: Invocation) -> int:
    if inv.flags.get("raw"):
        raise KubectlError("--raw is not available in the playground")
    dry, found = _start(inv, "replace")
    if not found.refs and not found.errors:
        raise KubectlError("no objects passed to replace")
    errors: list = []
    printer = _Printer(inv, dry)
    for ref in found.refs:
        obj = copy.deepcopy(ref.obj)
        if inv.flags.get("save-config"):
            obj = with_last_applied(obj)
        if dry == "client":
            printer(ref, obj, "replaced")
            continue
        cluster = _target(inv, dry)
        try:
            if inv.flags.get("force"):
                live = cluster.get(ref.r.plural, ref.namespace, ref.name)
                if live is not None:
                    apiserver.delete(cluster, ref.r, ref.namespace, ref.name)
                    where = f" from {ref.namespace} namespace" if ref.r.namespaced else ""
                    inv.out(f'{ref.r.kind.lower()}{"." + ref.r.group if ref.r.group else ""} "{ref.name}" '
                            f"deleted{where}\n")
                stored = apiserver.create(cluster, obj)
            else:
                stored = apiserver.update(cluster, obj)
        except ApiError as exc:
            errors.append(ApiFailure(exc, ref.source, "replacing"))
            continue
        printer(ref, stored, "replaced")
    return print_errors(inv, errors + found.errors)
