"""kubectl create role|clusterrole|rolebinding|clusterrolebinding|poddisruptionbudget|priorityclass.

Each object is built as kubectl v1.35 builds it (pkg/cmd/create/create_role.go, create_clusterrole.go,
create_rolebinding.go, create_clusterrolebinding.go, create_pdb.go, create_priorityclass.go), checked in
the same order (Complete, then Validate), and submitted through the shared create path.
"""
from __future__ import annotations

import copy
import re

from ... import resources as res
from ...labels import SelectorError, parse_selector
from .create import prepare, require_flags, submit
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .objout import check_output, dry_run_strategy
from .objrefs import print_errors
from .setenv import _store, targets

RBAC = "rbac.authorization.k8s.io"
VALID_RESOURCE_VERBS = ("*", "get", "delete", "list", "create", "update", "patch", "watch", "proxy",
                        "deletecollection", "use", "bind", "escalate", "impersonate")
VALID_NON_RESOURCE_VERBS = ("*", "get", "post", "put", "delete", "patch", "head", "options")
# verbs that only make sense on some resources (specialVerbs in create_role.go)
SPECIAL_VERBS = {
    "use": [("policy", "podsecuritypolicies"), ("extensions", "podsecuritypolicies")],
    "bind": [(RBAC, "roles"), (RBAC, "clusterroles")],
    "escalate": [(RBAC, "roles"), (RBAC, "clusterroles")],
    "impersonate": [("", "users"), ("", "serviceaccounts"), ("", "groups"), ("authentication.k8s.io", "userextras")],
}


def _unique(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def _role_inputs(inv: Invocation) -> tuple[list[str], list[tuple[str, str, str]], list[str]]:
    """Complete(): verbs (`*` alone wins), resources as (group, resource, subresource), resource names."""
    verbs: list[str] = []
    for v in inv.flags["verb"]:
        if v == "*":
            verbs = ["*"]
            break
        if v not in verbs:
            verbs.append(v)
    resources: list[tuple[str, str, str]] = []
    for r in inv.flags["resource"]:
        base, _, sub = r.partition("/")
        name, dot, group = base.partition(".")
        if name == "*" and not dot and "/" not in r:
            resources = [("", "*", "")]
            break
        resources.append((group, name, sub))
    return verbs, resources, _unique(inv.flags["resource-name"])


def _resolve(group: str, name: str) -> tuple[str, str] | None:
    """The RESTMapper's ResourceFor: a known (group, plural) for `rs.apps`, `pods`, `deploy`."""
    r = res.lookup(f"{name}.{group}" if group else name)
    return (r.group, r.plural) if r else None


def _validate_resources(inv: Invocation, verbs: list[str], resources: list[tuple[str, str, str]]) -> None:
    """validateResource: each resource is known to the server (or `*`), and special verbs fit their resources."""
    for group, name, _sub in resources:
        if not name:
            raise KubectlError("resource must be specified if apiGroup/subresource specified")
        if name == "*":
            return
        found = _resolve(group, name)
        g, plural = found or (group, name)
        for v in verbs:
            if v in SPECIAL_VERBS:
                if (g, plural) not in SPECIAL_VERBS[v]:
                    raise KubectlError(f"can not perform '{v}' on '{plural}' in group '{g}'")
                found = found or (g, plural)
        if found is None:
            where = f".{group}" if group else ""
            raise KubectlError(f'the server doesn\'t have a resource type "{name}{where}"')


def _rules(verbs: list[str], resources: list[tuple[str, str, str]], names: list[str], urls: list[str]) -> list[dict]:
    """generateResourcePolicyRules: one rule per API group (groups sorted), then one for nonResourceURLs."""
    by_group: dict[str, list[str]] = {}
    for group, name, sub in resources:
        g, plural = _resolve(group, name) or (group, name)
        plural = f"{plural}/{sub}" if sub else plural
        if plural not in by_group.setdefault(g, []):
            by_group[g].append(plural)
    rules = []
    for g in sorted(by_group):
        rule = {"verbs": verbs, "apiGroups": [g], "resources": by_group[g]}
        if names:
            rule["resourceNames"] = names
        rules.append(rule)
    if urls:
        rules.append({"verbs": verbs, "nonResourceURLs": urls})
    return rules


def _warn_verbs(inv: Invocation, verbs: list[str]) -> None:
    for v in verbs:
        if v not in VALID_RESOURCE_VERBS:
            inv.err(f"Warning: '{v}' is not a standard resource verb\n")


@command("create role", flags=flags_from_help("create role", {"verb": "stringSlice", "resource": "stringSlice"}))
def create_role(inv: Invocation) -> int:
    name, dry = prepare(inv)
    verbs, resources, names = _role_inputs(inv)
    if not verbs:
        raise KubectlError("at least one verb must be specified")
    _warn_verbs(inv, verbs)
    if not resources:
        raise KubectlError("at least one resource must be specified")
    _validate_resources(inv, verbs, resources)
    obj = {"kind": "Role", "apiVersion": f"{RBAC}/v1", "metadata": {"name": name},
           "rules": _rules(verbs, resources, names, [])}
    return submit(inv, obj, dry)


def _aggregation_rule(raw: str) -> dict[str, str]:
    """cliflag.MapStringString: `k=v,k2=v2` (later keys win)."""
    out: dict[str, str] = {}
    for pair in [p for p in raw.split(",") if p] if raw else []:
        key, eq, value = pair.partition("=")
        if not eq:
            raise KubectlError(f'invalid argument "{raw}" for "--aggregation-rule" flag: malformed pair, expect '
                               'string=string', usage="usage")
        out[key.strip()] = value.strip()
    return out


@command("create clusterrole", flags=flags_from_help("create clusterrole", {
    "verb": "stringSlice", "resource": "stringSlice", "non-resource-url": "stringSlice"}))
def create_clusterrole(inv: Invocation) -> int:
    aggregation = _aggregation_rule(inv.flags["aggregation-rule"])
    urls = _unique(inv.flags["non-resource-url"])
    name, dry = prepare(inv)
    verbs, resources, names = _role_inputs(inv)
    obj: dict = {"kind": "ClusterRole", "apiVersion": f"{RBAC}/v1", "metadata": {"name": name}}
    if aggregation:
        if urls or verbs or resources or names:
            raise KubectlError("aggregation rule must be specified without nonResourceURLs, verbs, resources or "
                               "resourceNames")
        # Rules has no omitempty: an aggregated role is written with `rules: null`
        obj["rules"] = None
        obj["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": aggregation}]}
        return submit(inv, obj, dry)
    if not verbs:
        raise KubectlError("at least one verb must be specified")
    if not resources and not urls:
        raise KubectlError("one of resource or nonResourceURL must be specified")
    if resources:
        _warn_verbs(inv, verbs)
        _validate_resources(inv, verbs, resources)
    if urls:
        for v in verbs:
            if v not in VALID_NON_RESOURCE_VERBS:
                raise KubectlError(f"invalid verb: '{v}' for nonResourceURL")
        for url in urls:
            if url == "*":
                continue
            if not url.startswith("/"):
                raise KubectlError("nonResourceURL should start with /")
            if "*" in url[:-1]:
                raise KubectlError("nonResourceURL only supports wildcard matches when '*' is at the end")
    obj["rules"] = _rules(verbs, resources, names, urls)
    return submit(inv, obj, dry)


def _subjects(inv: Invocation) -> list[dict]:
    subjects = [{"kind": "User", "apiGroup": RBAC, "name": u} for u in inv.flags["user"]]
    subjects += [{"kind": "Group", "apiGroup": RBAC, "name": g} for g in inv.flags["group"]]
    for sa in inv.flags["serviceaccount"]:
        parts = sa.split(":")
        if len(parts) != 2 or not parts[0] or not parts[1]:
            raise KubectlError("serviceaccount must be <namespace>:<name>")
        subjects.append({"kind": "ServiceAccount", "namespace": parts[0], "name": parts[1]})
    return subjects


def _binding(kind: str, name: str, ref_kind: str, ref_name: str, subjects: list[dict]) -> dict:
    obj = {"kind": kind, "apiVersion": f"{RBAC}/v1", "metadata": {"name": name},
           "roleRef": {"apiGroup": RBAC, "kind": ref_kind, "name": ref_name}}
    if subjects:
        obj["subjects"] = subjects
    return obj


@command("create rolebinding", needs_server=False, flags=flags_from_help("create rolebinding"))
def create_rolebinding(inv: Invocation) -> int:
    name, dry = prepare(inv)
    role, cluster_role = inv.flags["role"], inv.flags["clusterrole"]
    if bool(role) == bool(cluster_role):
        raise KubectlError("exactly one of clusterrole or role must be specified")
    obj = _binding("RoleBinding", name, "Role" if role else "ClusterRole", role or cluster_role, _subjects(inv))
    return submit(inv, obj, dry, wrap="failed to create rolebinding: ")


@command("create clusterrolebinding", needs_server=False, flags=flags_from_help("create clusterrolebinding"))
def create_clusterrolebinding(inv: Invocation) -> int:
    require_flags(inv, "clusterrole")
    name, dry = prepare(inv)
    obj = _binding("ClusterRoleBinding", name, "ClusterRole", inv.flags["clusterrole"], _subjects(inv))
    return submit(inv, obj, dry, wrap="failed to create clusterrolebinding: ")


def int_or_string(text: str) -> int | str:
    """intstr.Parse: a number that fits int32 is an int, anything else a string."""
    try:
        value = int(text)
    except ValueError:
        return text
    return value if -(1 << 31) <= value < (1 << 31) else text


def label_selector(text: str) -> dict:
    """metav1.ParseToLabelSelector: `=`/`==` go to matchLabels, set operators to matchExpressions (no `!=`)."""
    try:
        reqs = parse_selector(text)
    except SelectorError as exc:
        raise KubectlError(str(exc))
    match_labels, exprs = {}, []
    ops = {"in": "In", "notin": "NotIn", "exists": "Exists", "!": "DoesNotExist"}
    for key, op, values in reqs:
        if op == "!=":
            raise KubectlError('"!=" is not a valid label selector operator')
        if op == "=":
            match_labels[key] = values[0]
        else:
            expr = {"key": key, "operator": ops[op]}
            if values:
                expr["values"] = values
            exprs.append(expr)
    out: dict = {}
    if match_labels:
        out["matchLabels"] = match_labels
    if exprs:
        out["matchExpressions"] = exprs
    return out


@command("create poddisruptionbudget", aliases=("create pdb",), needs_server=False,
         flags=flags_from_help("create poddisruptionbudget"))
def create_pdb(inv: Invocation) -> int:
    name, dry = prepare(inv)
    f = inv.flags
    if not f["selector"]:
        raise KubectlError("a selector must be specified")
    if not f["max-unavailable"] and not f["min-available"]:
        raise KubectlError("one of min-available or max-unavailable must be specified")
    if f["max-unavailable"] and f["min-available"]:
        raise KubectlError("min-available and max-unavailable cannot be both specified")
    for flag in ("min-available", "max-unavailable"):
        if f[flag] and not re.fullmatch(r"[0-9]+%?", f[flag]):
            raise KubectlError(f"invalid format specified for {flag}")
    spec: dict = {}
    if f["min-available"]:
        spec["minAvailable"] = int_or_string(f["min-available"])
    else:
        spec["maxUnavailable"] = int_or_string(f["max-unavailable"])
    spec["selector"] = label_selector(f["selector"])
    # PodDisruptionBudgetStatus's counters are not omitempty: a typed object always carries them
    obj = {"kind": "PodDisruptionBudget", "apiVersion": "policy/v1", "metadata": {"name": name}, "spec": spec,
           "status": {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}}
    return submit(inv, obj, dry, wrap="failed to create poddisruptionbudgets: ")


@command("create priorityclass", aliases=("create pc",), needs_server=False,
         flags=flags_from_help("create priorityclass", {"value": "int32"}))
def create_priorityclass(inv: Invocation) -> int:
    name, dry = prepare(inv)
    f = inv.flags
    obj: dict = {"kind": "PriorityClass", "apiVersion": "scheduling.k8s.io/v1", "metadata": {"name": name},
                 "value": f["value"]}
    if f["global-default"]:
        obj["globalDefault"] = True
    if f["description"]:
        obj["description"] = f["description"]
    obj["preemptionPolicy"] = f["preemption-policy"]
    return submit(inv, obj, dry, wrap="failed to create priorityclass: ")


@command("set subject", flags=flags_from_help("set subject", {"filename": "stringSlice"}))
def set_subject(inv: Invocation) -> int:
    """Add users, groups and service accounts to role bindings (pkg/cmd/set/set_subject.go): each sorted and
    added only when not there yet; a binding that gains nothing prints nothing."""
    f = inv.flags
    check_output(inv)
    dry = dry_run_strategy(inv)
    found = targets(inv, inv.args)
    if f.get("local") and dry == "server":
        raise KubectlError("cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
    if f.get("all") and f.get("selector"):
        raise KubectlError("cannot set --all and --selector at the same time")
    if not f["user"] and not f["group"] and not f["serviceaccount"]:
        raise KubectlError("you must specify at least one value of user, group or serviceaccount")
    for sa in f["serviceaccount"]:
        parts = sa.split(":")
        if len(parts) != 2 or not parts[1]:
            raise KubectlError("serviceaccount must be <namespace>:<name>")
        if not parts[0] and any(ref.r.kind == "ClusterRoleBinding" for ref in found.refs):
            raise KubectlError("serviceaccount must be <namespace>:<name>, namespace must be specified")
    wanted = [{"kind": "User", "apiGroup": RBAC, "name": u} for u in sorted(set(f["user"]))]
    wanted += [{"kind": "Group", "apiGroup": RBAC, "name": g} for g in sorted(set(f["group"]))]
    for sa in sorted(set(f["serviceaccount"])):
        ns, name = sa.split(":")
        wanted.append({"kind": "ServiceAccount", "namespace": ns or inv.namespace, "name": name})
    errors: list = list(found.errors)
    for ref in found.refs:
        if ref.r.kind not in ("RoleBinding", "ClusterRoleBinding"):
            errors.append(f"error: {ref.r.type_name}/{ref.name} setting subjects is only supported for "
                          "RoleBinding/ClusterRoleBinding\n")
            continue
        obj = copy.deepcopy(ref.obj)
        subjects = obj.get("subjects") or []
        added = [s for s in wanted if s not in subjects]
        if not added:
            continue
        obj["subjects"] = subjects + added
        _store(inv, ref, obj, dry, "subjects updated", errors)
    return print_errors(inv, errors)
