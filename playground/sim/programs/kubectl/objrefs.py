"""Which objects a write command acts on, as kubectl's resource builder finds them.

`TYPE NAME...`, `TYPE/NAME...`, `TYPE -l sel`, `TYPE --all`, and `-f FILE|DIR|-` (manifests read with
playground/sim/manifests.py). Shared by apply/create -f, delete, edit, patch, label, annotate, scale and
set image. Errors are collected the way the builder does (ContinueOnError) and printed at the end.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ... import apiserver, manifests, resources as res
from ...apierrors import ApiError
from ...labels import SelectorError, parse_selector, requirements_match
from .framework import Invocation, KubectlError
from ...downloads import fetch
from ...jsondata import deep_copy
from .kustomize import entries
from .objout import print_created, shown

MANIFEST_EXTENSIONS = (".json", ".yaml", ".yml")


# Field selectors each resource supports beyond metadata.name and metadata.namespace (the API's field
# label conversion functions); --field-selector is shared by get, delete, label and the others here.
FIELD_LABELS = {
    "pods": {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
             "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"},
    "events": {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
               "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
               "reason", "reportingComponent", "source", "type"},
    "services": {"spec.clusterIP", "spec.type"},
    "namespaces": {"status.phase"},
    "nodes": {"spec.unschedulable"},
    "secrets": {"type"},
    "replicasets": {"status.replicas"},
    "replicationcontrollers": {"status.replicas"},
    "jobs": {"status.successful"},
}


def field_filter(expr: str, r: res.Resource, label_selector: str):
    """--field-selector `a=b,c!=d`, with the API server's BadRequest for fields it does not index."""
    if not expr:
        return lambda obj: True
    reqs = []
    for part in expr.split(","):
        if "!=" in part:
            k, v = part.split("!=", 1)
            reqs.append((k.strip(), False, v.strip()))
        elif "==" in part:
            k, v = part.split("==", 1)
            reqs.append((k.strip(), True, v.strip()))
        elif "=" in part:
            k, v = part.split("=", 1)
            reqs.append((k.strip(), True, v.strip()))
        else:
            raise KubectlError(f"invalid selector: '{expr}'; can't understand '{part}'")
    for k, _, _ in reqs:
        if k not in ("metadata.name", "metadata.namespace") and k not in FIELD_LABELS.get(r.plural, set()):
            gv = f"{r.group}/{r.version}" if r.group else f"/{r.version}"
            raise KubectlError(f'Error from server (BadRequest): Unable to find "{gv}, Resource={r.plural}" that '
                               f'match label selector "{label_selector}", field selector "{expr}": field label not '
                               f"supported: {k}", raw=True)

    def value(obj: dict, key: str) -> str:
        if key == "source":
            return ((obj.get("source") or {}).get("component")) or ""
        cur = obj
        for p in key.split("."):
            cur = cur.get(p) if isinstance(cur, dict) else None
        if key == "spec.hostNetwork":
            cur = bool(cur)
        if isinstance(cur, bool):
            return "true" if cur else "false"
        return "" if cur is None else str(cur)

    return lambda obj: all((value(obj, k) == v) == eq for k, eq, v in reqs)


@dataclass
class Ref:
    r: res.Resource
    name: str
    namespace: str | None
    obj: dict | None = None          # the manifest (from -f) or the live object
    source: str = ""                 # the file it came from, for `error when creating "x.yaml"`


@dataclass
class Found:
    refs: list[Ref] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)   # printed after the work, as kubectl aggregates them


def resolve_type(word: str) -> res.Resource:
    r = res.lookup(word)
    if r is None:
        raise KubectlError(f'the server doesn\'t have a resource type "{word}"')
    return r


def split_args(args: list[str]) -> list[tuple[res.Resource, str | None]]:
    """ResourceTypeOrNameArgs: `TYPE[,TYPE] [NAME...]` or `TYPE/NAME...` -> [(resource, name or None)]."""
    if not args:
        return []
    if "/" in args[0]:
        out = []
        for a in args:
            if "/" not in a:
                raise KubectlError("there is no need to specify a resource type as a separate argument when "
                                   "passing arguments in resource/name form (e.g. 'kubectl get resource/"
                                   "<resource_name>' instead of 'kubectl get resource resource/<resource_name>'")
            t, _, n = a.partition("/")
            if not n:
                raise KubectlError("arguments in resource/name form must have a single resource and name")
            out.append((resolve_type(t), n))
        return out
    types = []
    for t in args[0].split(","):
        if t == "all":              # the `all` category, in discovery order
            types.extend(r for r in res.served() if "all" in r.categories and r not in types)
        elif t:
            types.append(resolve_type(t))
    if len(args) == 1:
        return [(r, None) for r in types]
    if len(types) > 1:
        return [(r, n) for r in types for n in args[1:]]
    return [(types[0], n) for n in args[1:]]


def live(inv: Invocation, r: res.Resource, name: str, namespace: str | None = None) -> dict | None:
    ns = (namespace or inv.namespace) if r.namespaced else None
    return inv.cluster.get(r.plural, ns, name)


def select(inv: Invocation, r: res.Resource, selector: str, all_namespaces: bool = False) -> list[dict]:
    try:
        reqs = parse_selector(selector) if selector else []
    except SelectorError as exc:
        raise KubectlError(str(exc))
    ns = None if all_namespaces or not r.namespaced else inv.namespace
    return [o for o in inv.cluster.list(r.plural, ns) if requirements_match(reqs, o["metadata"].get("labels") or {})]


def find(inv: Invocation, args: list[str], *, selector: str = "", all_: bool = False,
         all_namespaces: bool = False, field_selector: str = "") -> Found:
    """Live objects named by args (+ -l / --field-selector / --all); missing names become NotFound errors."""
    found = Found()
    pairs = split_args(args)
    for r, name in pairs:
        if name is None:
            keep = lambda obj: True
            if field_selector:
                keep = field_filter(field_selector, r, selector)
            for obj in filter(keep, select(inv, r, selector, all_namespaces)):
                found.refs.append(Ref(r, obj["metadata"]["name"], obj["metadata"].get("namespace"), obj))
            continue
        obj = live(inv, r, name)
        if obj is None:
            found.errors.append(str(apiserver.not_found(r, name)))
        else:
            found.refs.append(Ref(r, name, obj["metadata"].get("namespace"), obj))
    return found


# ---- -f: files, directories, stdin ----------------------------------------------------------------------
def _listing(inv: Invocation, path: str, recursive: bool) -> list[str]:
    host = inv.proc.host
    prefix = path.rstrip("/") + "/"
    files = []
    for f in sorted(host.files):
        if not f.startswith(prefix):
            continue
        rest = f[len(prefix):]
        if "/" in rest and not recursive:
            continue
        if f.endswith(MANIFEST_EXTENSIONS):
            files.append(f)
    return files


def read_filenames(inv: Invocation, filenames: list[str], recursive: bool = False) -> list:
    """Every manifest entry from -f arguments: Manifest objects and ManifestErrors, in kubectl's order."""
    host = inv.proc.host
    sources: list[tuple[str, str]] = []
    for name in filenames:
        if name == "-":
            sources.append((inv.proc.stdin or "", "STDIN"))
            continue
        if name.startswith(("http://", "https://")):
            text = fetch(name)
            if text is None:
                raise KubectlError(f'unable to read URL "{name}": the playground has no internet access (it keeps '
                                   "copies of a few release manifests, see `podscape downloads`); create the file "
                                   "in the sandbox and use it instead")
            sources.append((text, name))
            continue
        path = host.abspath(name)
        if path in host.files:
            sources.append((host.files[path], name))
        elif path in host.dirs:
            for f in _listing(inv, path, recursive):
                shown = name.rstrip("/") + f[len(path.rstrip("/")):]
                sources.append((host.files[f], shown))
        else:
            raise KubectlError(f'the path "{name}" does not exist')
    entries = []
    for text, source in sources:
        entries.extend(manifests.read_stream(text, source))
    return entries


def mapping_error(obj: dict, source: str) -> str | None:
    """The builder's RESTMapping failure for a kind/version the cluster does not serve."""
    kind = obj.get("kind", "")
    api_version = obj.get("apiVersion", "")
    if res.for_kind(kind, api_version) is not None:
        return None
    meta = obj.get("metadata") or {}
    group, _, version = api_version.rpartition("/")
    where = f'in version "{api_version}"' if api_version else 'in version ""'
    return (f'resource mapping not found for name: "{meta.get("name", "")}" namespace: "{meta.get("namespace", "")}" '
            f'from "{source}": no matches for kind "{kind}" {where}\nensure CRDs are installed first')


def manifest_refs(inv: Invocation, filenames: list[str], recursive: bool = False, local: bool = False) -> Found:
    """-f objects as refs (object = the manifest, namespace resolved), with the builder's errors.
    `local`: the objects stay as written (--local prints them without a namespace the file did not give)."""
    found = Found()
    if inv.flags.get("kustomize"):
        listed = entries(inv, inv.flags["kustomize"])
    else:
        listed = read_filenames(inv, filenames, recursive)
    for entry in listed:
        if isinstance(entry, manifests.ManifestError):
            found.errors.append(entry.message)
            continue
        obj = deep_copy(entry.obj)
        problem = mapping_error(obj, entry.source)
        if problem:
            found.errors.append(problem)
            continue
        r = res.for_kind(obj["kind"], obj.get("apiVersion", ""))
        obj.setdefault("apiVersion", r.api_version)
        meta = obj.setdefault("metadata", {})
        ns = None
        if r.namespaced:
            given = meta.get("namespace")
            if given and inv.namespace_explicit and given != inv.namespace:
                raise KubectlError(f'the namespace from the provided object "{given}" does not match the namespace '
                                   f'"{inv.namespace}". You must pass \'--namespace={given}\' to perform this '
                                   "operation.")
            ns = given or inv.namespace
            if not local:
                meta["namespace"] = ns
        found.refs.append(Ref(r, meta.get("name", ""), ns, obj, entry.source))
    return found


@dataclass
class ApiFailure:
    """An API error met while visiting one object: kubectl words it differently alone and in a list."""
    exc: ApiError
    source: str = ""
    verb: str = "creating"

    def alone(self) -> str:
        return self.exc.render(self.source, self.verb)

    def in_list(self) -> str:
        where = f'error when {self.verb} "{self.source}": ' if self.source else ""
        return f"Error from server ({self.exc.reason}): {where}{self.exc.message}"


def print_errors(inv: Invocation, errors: list) -> int:
    """cmdutil.CheckErr on the aggregate: one error gets `error: ` (an Invalid one `The X "n" is invalid`),
    several are listed one per line as StandardErrorMessage words them."""
    if not errors:
        return 0
    if len(errors) == 1:
        e = errors[0]
        e = e.alone() if isinstance(e, ApiFailure) else e
        inv.err((e if e.startswith(("Error from server", "The ")) else f"error: {e}") + "\n")
    else:
        for e in errors:
            inv.err((e.in_list() if isinstance(e, ApiFailure) else e) + "\n")
    return 1


def unstructured_json(obj) -> str:
    """kubectl's JSON printer for objects it read as unstructured (files, the server): sorted keys."""
    import json
    text = json.dumps(obj, indent=4, sort_keys=True, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"


def print_object(inv: Invocation, r: res.Resource, obj: dict, dry: str, verb: str) -> None:
    """`pod/x created (dry run)`, or the object for -o; JSON in sorted-key (unstructured) order."""
    fmt = inv.flags.get("output") or ""
    if fmt == "json":
        inv.out(unstructured_json(shown(inv, obj)))
        return
    if fmt in ("", "name") and not (obj.get("metadata") or {}).get("name"):
        suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry, "") if fmt == "" else ""
        inv.out(f"{r.type_name}/<unknown>" + (f" {verb}{suffix}" if fmt == "" else "") + "\n")
        return
    if print_created(inv, r, deep_copy(obj), dry, verb, typed=False):
        raise KubectlError("", raw=True)        # the printer's error is out; kubectl stops with exit 1


def update_and_print(inv: Invocation, r: res.Resource, obj: dict, dry: str, verb: str, errors: list) -> None:
    """Store a changed object (unless dry run) and print `kind/name <verb>`; an API error joins `errors`."""
    if dry == "none":
        try:
            obj = apiserver.update(inv.cluster, obj)
        except ApiError as exc:
            errors.append(ApiFailure(exc, verb="patching"))
            return
    print_object(inv, r, obj, dry, verb)
