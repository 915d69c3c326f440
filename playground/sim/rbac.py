"""RBAC authorization (pkg/registry/rbac/validation, plugin/pkg/auth/authorizer/rbac) over the Roles,
ClusterRoles and bindings stored in the cluster: does a user (with groups) get verb on a resource?

A service account `system:serviceaccount:NS:NAME` is in the groups system:serviceaccounts,
system:serviceaccounts:NS and system:authenticated; system:masters is allowed everything (minikube's admin
is in it). Of the ClusterRoles a real cluster bootstraps, only cluster-admin is known here; a binding to
another missing role grants nothing, and `missing_roles` lists them so the caller can say so.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .cluster import Cluster

BUILTIN = {"cluster-admin": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                             {"nonResourceURLs": ["*"], "verbs": ["*"]}]}


@dataclass
class Request:
    user: str
    groups: list[str]
    verb: str
    namespace: str = ""                 # "" for a cluster-wide request
    group: str = ""
    resource: str = ""                  # "pods" or "pods/log"
    name: str = ""
    path: str = ""                      # a non-resource URL
    missing_roles: list[str] = field(default_factory=list)


def groups_for(user: str, extra: list[str]) -> list[str]:
    groups = list(extra)
    if user.startswith("system:serviceaccount:"):
        ns = user.split(":")[2] if user.count(":") >= 3 else ""
        groups += ["system:serviceaccounts", f"system:serviceaccounts:{ns}"]
    if user != "system:anonymous":
        groups.append("system:authenticated")
    return groups


def _subject_matches(s: dict, req: Request) -> bool:
    kind = s.get("kind")
    if kind == "User":
        return s.get("name") == req.user
    if kind == "Group":
        return s.get("name") in req.groups
    if kind == "ServiceAccount":
        return req.user == f"system:serviceaccount:{s.get('namespace', '')}:{s.get('name', '')}"
    return False


def _has(values: list | None, value: str) -> bool:
    return bool(values) and ("*" in values or value in values)


def _rule_allows(rule: dict, req: Request) -> bool:
    if not _has(rule.get("verbs"), req.verb):
        return False
    if req.path:
        return any(u == "*" or u == req.path or (u.endswith("*") and req.path.startswith(u[:-1]))
                   for u in rule.get("nonResourceURLs") or [])
    if not _has(rule.get("apiGroups"), req.group):
        return False
    resources = rule.get("resources") or []
    base = req.resource.split("/")[0]
    if not ("*" in resources or req.resource in resources or (f"{base}/*" in resources and "/" in req.resource)
            or ("*/" + req.resource.split("/", 1)[1] in resources if "/" in req.resource else False)):
        return False
    names = rule.get("resourceNames") or []
    return not names or req.name in names


def _rules(cluster: Cluster, ref: dict, namespace: str | None, req: Request) -> list[dict]:
    kind, name = ref.get("kind"), ref.get("name", "")
    if kind == "Role":
        role = cluster.get("roles", namespace, name)
    else:
        role = cluster.get("clusterroles", None, name)
        if role is None and name in BUILTIN:
            return BUILTIN[name]
    if role is None:
        req.missing_roles.append(f"{kind}/{name}")
        return []
    return role.get("rules") or []


def allowed(cluster: Cluster, req: Request) -> bool:
    if "system:masters" in req.groups:
        return True
    for b in cluster.list("clusterrolebindings"):
        if any(_subject_matches(s, req) for s in b.get("subjects") or []):
            if any(_rule_allows(r, req) for r in _rules(cluster, b.get("roleRef") or {}, None, req)):
                return True
    if req.namespace and not req.path:
        for b in cluster.list("rolebindings", req.namespace):
            if any(_subject_matches(s, req) for s in b.get("subjects") or []):
                if any(_rule_allows(r, req) for r in _rules(cluster, b.get("roleRef") or {}, req.namespace, req)):
                    return True
    return False
