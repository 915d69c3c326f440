"""`kubectl get`: tables computed as the API server's table convertor does, and -o yaml|json|name|wide|
jsonpath|custom-columns, with kubectl's grouping, errors and "No resources found" messages (get.go)."""
from __future__ import annotations

import re

from ... import apiserver, resources as res
from ...labels import SelectorError, parse_selector, requirements_match, selector_string
from ...printers import tables
from ...printers.output import GET_FORMATS, OutputError, render, resolve_format, validate_format
from ...printers.jsonpath import JSONPath, JSONPathError
from . import objrefs, watch
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .objout import go_order

ENDPOINTS_WARNING = "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
NO_TYPE = ('You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of '
           'supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for '
           "a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help "
           "and examples\n")
# `kubectl get all`: the "all" category in discovery order (core, apps, autoscaling, batch).
ALL_ORDER = ["pods", "replicationcontrollers", "services", "daemonsets", "deployments", "replicasets",
             "statefulsets", "horizontalpodautoscalers", "cronjobs", "jobs"]


def resolve_type(word: str) -> list[res.Resource]:
    if word.lower() == "all":
        return [res.BY_PLURAL[p] for p in ALL_ORDER if p in res.BY_PLURAL] + \
            [r for r in res.custom() if "all" in r.categories]
    r = res.lookup(word)
    if r is None:
        raise KubectlError(f'the server doesn\'t have a resource type "{word}"')
    return [r]


def parse_args(args: list[str]) -> list[tuple[res.Resource, str | None]]:
    """ResourceTypeOrNameArgs: `TYPE[,TYPE...] [NAME...]` or `TYPE/NAME...`."""
    if any("/" in a for a in args):
        out = []
        for a in args:
            if "/" not in a:
                raise KubectlError("there is no need to specify a resource type as a separate argument when passing "
                                   "arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' "
                                   "instead of 'kubectl get resource resource/<resource_name>'")
            t, _, n = a.partition("/")
            if not t or not n:
                raise KubectlError("arguments in resource/name form must have a single resource and name")
            out.extend((r, n) for r in resolve_type(t))
        return out
    types = [r for t in args[0].split(",") if t for r in resolve_type(t)]
    names = args[1:]
    if not names:
        return [(r, None) for r in types]
    return [(r, n) for r in types for n in names]


def _sort(objs: list[dict], expr: str) -> list[dict]:
    m = re.match(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$", expr)
    if not m:
        raise KubectlError("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' "
                           "or '{.name1.name2}'")
    path = "{." + (m.group(1) or m.group(2)) + "}"
    try:
        jp = JSONPath(path)
    except JSONPathError as exc:
        raise KubectlError(str(exc))

    def key(obj):
        jp.begin_range = jp.in_range = jp.end_range = 0
        jp.last_end = None
        jp.nodes_view = list(jp.root.nodes)
        found = [v for g in jp._find(obj) for v in g]
        v = found[0] if found else None
        if isinstance(v, bool) or v is None:
            return (0, 0, "")
        if isinstance(v, (int, float)):
            return (1, v, "")
        return (2, 0, str(v))
    if objs and all(key(o)[0] == 0 for o in objs):
        raise KubectlError(f"couldn't find any field with path \"{path}\" in the list of objects")
    return sorted(objs, key=key)


SCALE = res.Resource("scale", "scale", "Scale", "autoscaling", "v1", True)


def _subresource(r: res.Resource, objs: list[dict], sub: str, errors: list[str]):
    """--subresource: status is the object itself; scale is an autoscaling/v1 Scale for the kinds that serve
    one; any other the API server answers with a 404 (test/cmd/get.sh checks pods/scale)."""
    if sub == "status":
        return r, objs
    if sub != "scale" or r.plural not in ("deployments", "replicasets", "statefulsets", "replicationcontrollers"):
        errors.append("Error from server (NotFound): the server could not find the requested resource")
        return r, []
    scales = []
    for o in objs:
        meta = o["metadata"]
        sel = (o.get("spec") or {}).get("selector") or {}
        keep = ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
        scales.append(go_order({"kind": "Scale", "apiVersion": "autoscaling/v1",
                                "metadata": {k: meta[k] for k in keep if k in meta},
                                "spec": {"replicas": (o.get("spec") or {}).get("replicas", 1)},
                                "status": {"replicas": (o.get("status") or {}).get("replicas", 0),
                                           "selector": selector_string(sel) if isinstance(sel, dict) and
                                           ("matchLabels" in sel or "matchExpressions" in sel) else
                                           ",".join(f"{k}={v}" for k, v in sorted(sel.items()))}}, None))
    return SCALE, scales


@command("get", flags=flags_from_help("get", kinds={"label-columns": "stringSlice", "filename": "stringSlice"}))
def get(inv: Invocation) -> int:
    f = inv.flags
    out_fmt = f["output"]
    if out_fmt or f["template"]:
        try:
            if out_fmt:                 # --template alone means -o go-template (PrintFlags)
                validate_format(out_fmt, GET_FORMATS)
            out_fmt = resolve_format(out_fmt, f["template"], inv.proc.host)
        except OutputError as exc:
            raise KubectlError(str(exc))
    if f["raw"]:
        raise KubectlError("the playground does not simulate `kubectl get --raw`; name the resource type "
                           "instead (e.g. kubectl get pods)")
    if f["kustomize"] and f["filename"]:
        raise KubectlError("only one of -f or -k can be specified")
    if not inv.args and not f["filename"] and not f["kustomize"]:
        inv.err(NO_TYPE)
        return 1
    all_ns = f["all-namespaces"]
    ns = inv.namespace
    errors: list[str] = []
    # (resource, name or None for a list, namespace) in the order the builder visits them.
    requests: list[tuple[res.Resource, str | None, str | None]] = []
    if f["filename"] or f["kustomize"]:
        if inv.args:
            raise KubectlError("when paths, URLs, or stdin is provided as input, you may not specify resource "
                               "arguments as well")
        found = objrefs.manifest_refs(inv, f["filename"], f["recursive"])
        errors.extend(found.errors)
        requests = [(ref.r, ref.name, ref.namespace) for ref in found.refs]
    else:
        requests = [(r, n, None) for r, n in parse_args(inv.args)]
    pairs = [(r, n) for r, n, _ in requests]
    named = any(n is not None for _, n in pairs)
    if named and f["selector"] and not f["filename"]:
        raise KubectlError("name cannot be provided when a selector is specified")
    if named and all_ns and not f["filename"]:
        raise KubectlError("a resource cannot be retrieved by name across all namespaces")
    try:
        reqs = parse_selector(f["selector"]) if f["selector"] else []
    except SelectorError as exc:
        raise KubectlError(str(exc))
    cluster = inv.cluster

    # Visit in argument order, as the builder does; NotFound errors are printed after the output.
    groups: list[tuple[res.Resource, list[dict]]] = []
    for r, name, where in requests:
        fields = objrefs.field_filter(f["field-selector"], r, f["selector"])
        scope = ((where or ns) if name is not None else (None if all_ns else ns)) if r.namespaced else None
        if name is None:
            objs = [o for o in cluster.list(r.plural, scope)
                    if requirements_match(reqs, o["metadata"].get("labels") or {}) and fields(o)]
        else:
            obj = cluster.get(r.plural, scope, name)
            objs = [obj] if obj is not None and fields(obj) else []
            if obj is None and not f["ignore-not-found"]:
                errors.append(str(apiserver.not_found(r, name)))
        if r.plural == "events":
            objs.sort(key=_event_name_order)
        if f["subresource"] and name is not None and objs:
            r, objs = _subresource(r, objs, f["subresource"], errors)
        if groups and groups[-1][0] is r:
            groups[-1][1].extend(objs)
        else:
            groups.append((r, objs))
    if any(r.plural == "endpoints" for r, _ in groups):
        inv.warn(ENDPOINTS_WARNING)
    if f["sort-by"]:
        groups = [(r, _sort(objs, f["sort-by"])) for r, objs in groups]
    if f["watch"] or f["watch-only"]:
        code = watch.start(inv, groups, pairs[0][1] if len(pairs) == 1 else None, out_fmt)
        return _fail(inv, errors) if errors else code

    base = out_fmt.split("=", 1)[0]
    if out_fmt and base not in ("wide", "custom-columns"):
        objs = [o for _, objs in groups for o in objs]
        if f["filename"]:
            # One file (not a directory) with one object prints it bare, as the builder's singleItemImplied.
            host = inv.proc.host
            single = (len(pairs) == 1 and len(f["filename"]) == 1 and f["filename"][0] != "-"
                      and host.abspath(f["filename"][0]) in host.files)
        else:
            single = len(pairs) == 1 and pairs[0][1] is not None
        if single and not objs and errors:
            return _fail(inv, errors)
        if not objs and f["ignore-not-found"]:
            return _fail(inv, errors) if errors else 0      # printGeneric: no empty List either
        try:
            inv.out(render(objs, out_fmt, as_list=not single, allow_missing_keys=f["allow-missing-template-keys"],
                           show_managed_fields=f["show-managed-fields"]))
        except OutputError as exc:
            inv.out(exc.stdout)
            msg = str(exc)
            inv.err("error: " + msg + ("" if msg.endswith("\n") else "\n"))
            return 1
        return _fail(inv, errors) if errors else 0

    if base == "custom-columns":
        objs = [o for _, objs in groups for o in objs]
        try:
            text = render(objs, out_fmt, no_headers=f["no-headers"]) if objs else ""
        except OutputError as exc:
            raise KubectlError(str(exc))
        inv.out(text)
    else:
        # The server answers each list with a table (even an empty one) and each found name with one, so
        # kubectl prefixes names with their type whenever more than one type answered.
        answered = {r.plural for r, n in pairs if n is None} | {r.plural for r, objs in groups if objs}
        with_kind = len(answered) > 1 or f["show-kind"]
        chunks = []
        for r, objs in groups:
            if not objs:
                continue
            lines = tables.table_lines(
                r.plural, objs, cluster.now, wide=base == "wide", with_namespace=all_ns and r.namespaced,
                kind_prefix=r.type_name if with_kind else "", show_labels=f["show-labels"],
                label_columns=f["label-columns"], no_headers=f["no-headers"])
            chunks.append(tables.align(lines))
        text = ("" if f["no-headers"] else "\n").join(chunks)
        inv.out(text)
        if not text and not errors and not f["ignore-not-found"]:
            namespaced = not all_ns and all(r.namespaced for r, _ in groups)
            inv.err(f"No resources found in {ns} namespace.\n" if namespaced else "No resources found\n")
    return _fail(inv, errors) if errors else 0


def _event_name_order(ev: dict):
    """The API lists events by name, `<object>.<hex of the creation time in ns>`: per object, oldest first."""
    rv = str(ev["metadata"].get("resourceVersion") or "0")
    obj = (ev.get("involvedObject") or {}).get("name") or ev["metadata"]["name"].rsplit(".", 1)[0]
    return (ev["metadata"].get("namespace", ""), obj + ".", ev.get("firstTimestamp") or "",
            int(rv) if rv.isdigit() else 0)


def _fail(inv: Invocation, errors: list[str]) -> int:
    """cmdutil.CheckErr on the aggregate: a lone non-API error gets `error: `, several are listed bare."""
    return objrefs.print_errors(inv, errors)
