"""`kubectl events`, `kubectl auth can-i` and `cordon`/`uncordon`/`taint` on the minikube node.

events: kubectl/pkg/cmd/events (events.go, event_printer.go): oldest first, `LAST SEEN TYPE REASON OBJECT
MESSAGE`, repeats as `5s (x3 over 2m)`. auth can-i: the learner is minikube's cluster admin (the
system:masters group), so every known verb and resource is allowed, as the real API server answers; with
--as/--as-group the stored Roles, ClusterRoles and bindings decide (playground/sim/rbac.py).
cordon/uncordon/taint change the Node; the scheduler reads spec.unschedulable and NoSchedule taints.
"""
from __future__ import annotations

import copy
import re

from ... import apiserver, rbac, resources as res
from ...apierrors import ApiError
from ...printers.age import translate_timestamp_since
from ...printers.output import print_objects
from ...printers.tabwriter import format_text
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .objout import check_output, dry_run_strategy
from .objrefs import find, print_errors, print_object
from ...labels import SelectorError, parse_selector, requirements_match

EVENT_TYPES = ("Normal", "Warning")
TAINT_KEY = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
TAINT_KEY_HELP = ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                  "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                  "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")


# ---- events ---------------------------------------------------------------------------------------------
def _event_time(e: dict) -> str:
    series = e.get("series") or {}
    return series.get("lastObservedTime") or e.get("lastTimestamp") or e.get("eventTime") or ""


def _interval(e: dict, now: float) -> str:
    first = translate_timestamp_since(e.get("eventTime") or e.get("firstTimestamp"), now)
    if e.get("series"):
        s = e["series"]
        return f"{translate_timestamp_since(s.get('lastObservedTime'), now)} (x{s.get('count')} over {first})"
    if int(e.get("count") or 0) > 1:
        return f"{translate_timestamp_since(e.get('lastTimestamp'), now)} (x{e['count']} over {first})"
    return first


@command("events", flags=flags_from_help("events", {"types": "stringSlice"}))
def events(inv: Invocation) -> int:
    f = inv.flags
    if f["watch"]:
        raise KubectlError("the playground does not simulate 'kubectl events --watch' yet (commands cannot stream); "
                           "run 'kubectl events' again to see new events")
    for t in f["types"]:
        if t.capitalize() not in EVENT_TYPES:
            raise KubectlError("valid --types are Normal or Warning")
    types = {t.capitalize() for t in f["types"]}
    all_ns = f["all-namespaces"]
    items = [e for e in inv.cluster.list("events", None if all_ns else inv.namespace)]
    if f["for"]:
        kind, _, name = f["for"].partition("/")
        r = res.lookup(kind)
        if not name:
            raise KubectlError("--for must be in resource/name form")
        if r is None:
            raise KubectlError(f"the server doesn't have a resource type \"{kind}\"")
        items = [e for e in items if (e.get("involvedObject") or {}).get("kind") == r.kind
                 and e["involvedObject"].get("name") == name]
    if types:
        items = [e for e in items if e.get("type") in types]
    items.sort(key=_event_time)
    fmt = f["output"]
    if fmt or f["template"]:
        return print_objects(inv, items, fmt, as_list=True)
    if not items:
        inv.err("No events found.\n" if all_ns else f"No events found in {inv.namespace} namespace.\n")
        return 0
    now = inv.cluster.now
    rows = [] if f["no-headers"] else [("NAMESPACE\t" if all_ns else "") + "LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE"]
    for e in items:
        obj = e.get("involvedObject") or {}
        rows.append((f"{e['metadata'].get('namespace', '')}\t" if all_ns else "") +
                    f"{_interval(e, now)}\t{e.get('type', '')}\t{e.get('reason', '')}\t{obj.get('kind')}/"
                    f"{obj.get('name')}\t{(e.get('message') or '').strip()}")
    inv.out(format_text("\n".join(rows) + "\n", 6, 3))
    return 0


# ---- auth can-i -----------------------------------------------------------------------------------------
@command("auth can-i", flags=flags_from_help("auth can-i"))
def auth_can_i(inv: Invocation) -> int:
    f = inv.flags
    if f["list"]:
        if inv.args:
            raise KubectlError("list option must be specified with no arguments")
        rows = ["Resources\tNon-Resource URLs\tResource Names\tVerbs",
                "*.*\t[]\t[]\t[*]", "\t[*]\t[]\t[*]",
                "selfsubjectreviews.authentication.k8s.io\t[]\t[]\t[create]",
                "selfsubjectaccessreviews.authorization.k8s.io\t[]\t[]\t[create]",
                "selfsubjectrulesreviews.authorization.k8s.io\t[]\t[]\t[create]",
                "\t[/api/*]\t[]\t[get]", "\t[/api]\t[]\t[get]", "\t[/apis/*]\t[]\t[get]", "\t[/apis]\t[]\t[get]",
                "\t[/healthz]\t[]\t[get]", "\t[/healthz]\t[]\t[get]", "\t[/livez]\t[]\t[get]", "\t[/livez]\t[]\t[get]",
                "\t[/openapi/*]\t[]\t[get]", "\t[/openapi]\t[]\t[get]", "\t[/readyz]\t[]\t[get]",
                "\t[/readyz]\t[]\t[get]", "\t[/version/]\t[]\t[get]", "\t[/version/]\t[]\t[get]",
                "\t[/version]\t[]\t[get]", "\t[/version]\t[]\t[get]"]
        inv.out(format_text("\n".join(rows[1:] if f["no-headers"] else rows) + "\n", 6, 3))
        return 0
    if len(inv.args) != 2:
        raise KubectlError("error: you must specify two arguments: verb resource or verb resource/resourceName.\n"
                           "See 'kubectl auth can-i -h' for help and examples.\n", raw=True)
    target = inv.args[1]
    r = None
    if not target.startswith("/"):
        kind = target.split("/")[0]
        r = res.lookup(kind)
        if r is None:
            inv.warn(f"the server doesn't have a resource type '{kind}'")
    if not f["as"] and not f["as-group"]:
        ok = True                  # minikube's admin is in system:masters
    else:
        user = f["as"] or "minikube-user"
        groups = rbac.groups_for(user, f["as-group"])
        name = target.split("/", 1)[1] if "/" in target and not target.startswith("/") else ""
        resource = (r.plural if r else target.split("/")[0].split(".")[0]) + \
            (f"/{f['subresource']}" if f["subresource"] else "")
        req = rbac.Request(user, groups, inv.args[0], "" if f["all-namespaces"] else inv.namespace,
                           r.group if r else "", resource, name, target if target.startswith("/") else "")
        ok = rbac.allowed(inv.cluster, req)
        if not ok and req.missing_roles:
            inv.warn("the playground does not have the built-in role(s) " + ", ".join(sorted(set(
                req.missing_roles))) + " that a real cluster bootstraps; they grant nothing here")
    if not f["quiet"]:
        inv.out("yes\n" if ok else "no\n")
    return 0 if ok else 1


# ---- cordon, uncordon, taint ----------------------------------------------------------------------------
def _nodes(inv: Invocation) -> list:
    if not inv.args and not inv.flags.get("selector"):
        raise KubectlError(f"USAGE: {inv.cmd.path} NODE [flags]", usage="help")
    found = find(inv, [f"node/{a}" if "/" not in a else a for a in inv.args] if inv.args else ["nodes"],
                 selector=inv.flags.get("selector", ""))
    if found.errors:
        raise KubectlError(found.errors[0], raw=False)
    return found.refs


def _cordon(inv: Invocation, unschedulable: bool) -> int:
    dry = dry_run_strategy(inv)
    word = "cordoned" if unschedulable else "uncordoned"
    for ref in _nodes(inv):
        node = copy.deepcopy(ref.obj)
        if bool(node.get("spec", {}).get("unschedulable")) == unschedulable:
            inv.out(f"node/{ref.name} already {word}\n")
            continue
        if unschedulable:
            node.setdefault("spec", {})["unschedulable"] = True
        else:
            node.get("spec", {}).pop("unschedulable", None)
        if dry == "none":
            apiserver.update(inv.cluster, node)
        suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry, "")
        inv.out(f"node/{ref.name} {word}{suffix}\n")
    return 0


@command("cordon", flags=flags_from_help("cordon"))
def cordon(inv: Invocation) -> int:
    return _cordon(inv, True)


@command("uncordon", flags=flags_from_help("uncordon"))
def uncordon(inv: Invocation) -> int:
    return _cordon(inv, False)


def _parse_taint(spec: str) -> tuple[dict | None, str | None]:
    """KEY[=VALUE]:EFFECT to add, KEY[:EFFECT]- to remove (as kubectl's parseTaints reads them)."""
    if spec.endswith("-"):
        key, _, effect = spec[:-1].partition(":")
        return None, f"{key}:{effect}"
    body, colon, effect = spec.rpartition(":")
    key, eq, value = (body if colon else spec).partition("=")
    if not colon or not TAINT_KEY.fullmatch(key.split("/")[-1]):
        raise KubectlError(f"invalid taint spec: {spec}, {TAINT_KEY_HELP}", usage="help")
    if effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
        raise KubectlError(f"invalid taint effect: {effect}, unsupported taint effect", usage="help")
    taint = {"key": key, "effect": effect}
    if eq:
        taint["value"] = value
    return taint, None


@command("taint", flags=flags_from_help("taint"))
def taint(inv: Invocation) -> int:
    check_output(inv)
    dry = dry_run_strategy(inv)
    if not inv.args:
        raise KubectlError("one or more resources must be specified as <resource> <name>")
    node_words = [inv.args[0]] if not inv.flags["all"] else []
    specs = inv.args[1:] if node_words else inv.args
    if node_words and node_words[0] in ("node", "nodes", "no"):
        if not specs:
            raise KubectlError("at least one taint update is required")
        node_words, specs = [specs[0]], specs[1:]
    if not specs:
        raise KubectlError("at least one taint update is required")
    adds, removes = [], []
    for spec in specs:
        t, rm = _parse_taint(spec)
        (adds if t else removes).append(t or rm)
    targets = find(inv, [f"nodes/{n}" if "/" not in n else n for n in node_words] or ["nodes"],
                   selector=inv.flags["selector"])
    errors = list(targets.errors)
    for ref in targets.refs:
        node = copy.deepcopy(ref.obj)
        taints = list(node.get("spec", {}).get("taints") or [])
        for t in adds:
            same = [x for x in taints if x.get("key") == t["key"] and x.get("effect") == t["effect"]]
            if same and not inv.flags["overwrite"]:
                raise KubectlError(f"node {ref.name} already has {t['key']} taint(s) with same effect(s) and "
                                   "--overwrite is false")
            taints = [x for x in taints if x not in same] + [t]
        for rm in removes:
            key, _, effect = rm.partition(":")
            kept = [x for x in taints if not (x.get("key") == key and (not effect or x.get("effect") == effect))]
            if len(kept) == len(taints):
                raise KubectlError(f'taint "{rm.rstrip(":")}" not found')
            taints = kept
        spec = node.setdefault("spec", {})
        if taints:
            spec["taints"] = taints
        else:
            spec.pop("taints", None)
        if dry == "none":
            try:
                node = apiserver.update(inv.cluster, node)
            except ApiError as exc:
                raise KubectlError(str(exc), raw=True)
        print_object(inv, ref.r, node, dry, "untainted" if removes and not adds else "tainted")
    return print_errors(inv, errors)


# ---- drain ----------------------------------------------------------------------------------------------
DRAIN_FATAL = {"daemonset": "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)",
               "unmanaged": "Pods declare no controller (use --force to override)",
               "local": "Pods with local storage (use --delete-emptydir-data to override)"}
DRAIN_WARN = {"daemonset": "ignoring DaemonSet-managed Pods", "unmanaged": "deleting Pods that declare no controller",
              "local": "deleting Pods with local storage"}


def _drain_plan(inv: Invocation, node: str) -> tuple[list[dict], dict[str, list[str]], dict[str, list[str]]]:
    """drain.GetPodsForDeletion: (pods to evict, fatal problems, warnings), each problem -> ns/name list."""
    f = inv.flags
    try:
        wanted = parse_selector(f["pod-selector"]) if f["pod-selector"] else None
    except SelectorError as exc:
        raise KubectlError(str(exc))
    evict, fatal, warn = [], {}, {}
    for pod in sorted(inv.cluster.list("pods"), key=lambda p: (p["metadata"]["namespace"], p["metadata"]["name"])):
        meta = pod["metadata"]
        if pod["spec"].get("nodeName") != node or (wanted and not requirements_match(wanted, meta.get("labels") or {})):
            continue
        if pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
            evict.append(pod)
            continue
        owner = next((o for o in meta.get("ownerReferences") or [] if o.get("controller")), None)
        key = f"{meta['namespace']}/{meta['name']}"
        if owner and owner.get("kind") == "Node":
            continue                             # a static (mirror) pod: the kubelet owns it
        if owner and owner.get("kind") == "DaemonSet":
            (warn if f["ignore-daemonsets"] else fatal).setdefault("daemonset", []).append(key)
            continue
        if not owner:
            (warn if f["force"] else fatal).setdefault("unmanaged", []).append(key)
            if not f["force"]:
                continue
        if any("emptyDir" in v for v in pod["spec"].get("volumes") or []):
            (warn if f["delete-emptydir-data"] else fatal).setdefault("local", []).append(key)
            if not f["delete-emptydir-data"]:
                continue
        evict.append(pod)
    return evict, fatal, warn


@command("drain", flags=flags_from_help("drain"))
def drain(inv: Invocation) -> int:
    dry = dry_run_strategy(inv)
    refs = _nodes(inv)
    _cordon(inv, True)
    remaining = []
    for ref in refs:
        evict, fatal, warn = _drain_plan(inv, ref.name)
        if fatal:
            errs = [f"cannot delete {DRAIN_FATAL[k]}: {', '.join(v)}" for k, v in fatal.items()]
            err = errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]"
            inv.err(f'error: unable to drain node "{ref.name}" due to error: {err}, continuing command...\n')
            remaining.append((ref.name, err))
            continue
        if warn:
            inv.err("Warning: " + "; ".join(f"{DRAIN_WARN[k]}: {', '.join(v)}" for k, v in warn.items()) + "\n")
        for pod in evict:
            inv.out(f"evicting pod {pod['metadata']['namespace']}/{pod['metadata']['name']}"
                    f"{' (dry run)' if dry != 'none' else ''}\n")
        if dry == "none":
            pods_r = res.lookup("pods")
            for pod in evict:
                apiserver.delete(inv.cluster, pods_r, pod["metadata"]["namespace"], pod["metadata"]["name"])
                inv.out(f"pod/{pod['metadata']['name']} evicted\n")
        suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry, "")
        inv.out(f"node/{ref.name} drained{suffix}\n")
    if remaining:
        inv.err("There are pending nodes to be drained:\n" + "".join(f" {n}\n" for n, _ in remaining))
        inv.err(f"error: {remaining[-1][1]}\n")
        return 1
    return 0
