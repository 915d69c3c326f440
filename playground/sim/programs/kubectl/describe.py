"""`kubectl describe`: TYPE [NAME_PREFIX], TYPE/NAME, -l, -A, with kubectl's event and prefix rules
(cmd/describe/describe.go): events only when one object is described, `\\n\\n` between objects."""
from __future__ import annotations

from ... import apiserver
from ...labels import SelectorError, parse_selector, requirements_match
from ...printers.describe import describe as describe_object
from . import objrefs
from .framework import Invocation, KubectlError, command
from .get import ENDPOINTS_WARNING, parse_args
from .helpflags import flags_from_help

NO_TYPE = ('You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list '
           'of supported resources.\n')


@command("describe", flags=flags_from_help("describe", kinds={"filename": "stringSlice"}))
def describe(inv: Invocation) -> int:
    f = inv.flags
    if f["kustomize"]:
        raise KubectlError("the playground does not simulate `kubectl describe -k`; name the resource instead "
                           "(e.g. kubectl describe service nginx-app)")
    if not inv.args and not f["filename"]:
        raise KubectlError("error: " + NO_TYPE, raw=True)
    all_ns = f["all-namespaces"]
    errors: list[str] = []
    if f["filename"]:
        if inv.args:
            raise KubectlError("when paths, URLs, or stdin is provided as input, you may not specify resource "
                               "arguments as well")
        refs = objrefs.manifest_refs(inv, f["filename"], f["recursive"])
        errors.extend(refs.errors)
        requests = [(ref.r, ref.name, ref.namespace) for ref in refs.refs]
    else:
        requests = [(r, n, None) for r, n in parse_args(inv.args)]
    pairs = [(r, n) for r, n, _ in requests]
    try:
        reqs = parse_selector(f["selector"]) if f["selector"] else []
    except SelectorError as exc:
        raise KubectlError(str(exc))
    if any(n is not None for _, n in pairs) and f["selector"] and not f["filename"]:
        raise KubectlError("name cannot be provided when a selector is specified")
    cluster = inv.cluster
    ns = inv.namespace
    found: list[tuple[str, dict]] = []
    for r, name, where in requests:
        scope = (None if all_ns else ns) if r.namespaced else None
        if name is None:
            found.extend((r.plural, o) for o in cluster.list(r.plural, scope)
                         if requirements_match(reqs, o["metadata"].get("labels") or {}))
            continue
        obj = cluster.get(r.plural, (where or ns) if r.namespaced else None, name)
        if obj is None:
            errors.append(str(apiserver.not_found(r, name)))
        else:
            found.append((r.plural, obj))
    if any(p == "endpoints" for p, _ in found) or any(r.plural == "endpoints" for r, _ in pairs):
        inv.warn(ENDPOINTS_WARNING)
    show_events = f["show-events"]
    explicit = "show-events" in inv.changed
    if (errors or len(found) > 1) and not explicit:
        show_events = False
    # `describe TYPE PREFIX`: a name that is not found describes every object whose name starts with it.
    if errors and not f["filename"] and len(inv.args) == 2 and "/" not in inv.args[0] and len(pairs) == 1:
        r, prefix = pairs[0]
        scope = ns if r.namespaced else None
        matches = [o for o in cluster.list(r.plural, scope) if o["metadata"]["name"].startswith(prefix)]
        if matches:
            for o in matches:
                inv.out(describe_object(cluster, r.plural, o, show_events) + "\n")
            return 0
    inv.out("\n\n".join(describe_object(cluster, p, o, show_events) for p, o in found))
    if not found and not errors:
        inv.err("No resources found\n" if all_ns else f"No resources found in {ns} namespace.\n")
    return objrefs.print_errors(inv, errors)
