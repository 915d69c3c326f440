"""The API resource types the playground knows, as `kubectl api-resources` lists them.

One table drives name resolution (`po`, `svc`, `deploy.apps`), `api-resources`, `explain` and the
object store's keys, so a kind is declared once. The kinds established CustomResourceDefinitions serve
join it while a command of their cluster runs (`served_resources`; crds.py validates and prunes their objects).
"""
from __future__ import annotations

import weakref
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Resource:
    plural: str          # "services": the store key and the REST name
    singular: str        # "service"
    kind: str            # "Service"
    group: str           # "" for core, "apps", "networking.k8s.io"
    version: str         # "v1"
    namespaced: bool
    short_names: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
    categories: tuple[str, ...] = ()
    # A kind a CustomResourceDefinition serves: the CRD's served version (schema, printer columns,
    # subresources), playground/sim/crds.py. None for the kinds built into the API server.
    custom: dict | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified(self) -> str:
        """`deployments.apps`, as kubectl names a resource in messages (`deployment.apps/x created`)."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def type_name(self) -> str:
        """`deployment.apps`, the prefix of `deployment.apps/nginx-app created`."""
        return f"{self.singular}.{self.group}" if self.group else self.singular


RESOURCES: list[Resource] = [
    Resource("bindings", "binding", "Binding", "", "v1", True, verbs=("create",)),
    Resource("componentstatuses", "componentstatus", "ComponentStatus", "", "v1", False, ("cs",), ("get", "list")),
    Resource("configmaps", "configmap", "ConfigMap", "", "v1", True, ("cm",)),
    Resource("endpoints", "endpoints", "Endpoints", "", "v1", True, ("ep",)),
    Resource("events", "event", "Event", "", "v1", True, ("ev",)),
    Resource("limitranges", "limitrange", "LimitRange", "", "v1", True, ("limits",)),
    Resource("namespaces", "namespace", "Namespace", "", "v1", False, ("ns",),
             ("create", "delete", "get", "list", "patch", "update", "watch")),
    Resource("nodes", "node", "Node", "", "v1", False, ("no",)),
    Resource("persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", "", "v1", True, ("pvc",)),
    Resource("persistentvolumes", "persistentvolume", "PersistentVolume", "", "v1", False, ("pv",)),
    Resource("pods", "pod", "Pod", "", "v1", True, ("po",), categories=("all",)),
    Resource("podtemplates", "podtemplate", "PodTemplate", "", "v1", True),
    Resource("replicationcontrollers", "replicationcontroller", "ReplicationController", "", "v1", True, ("rc",),
             categories=("all",)),
    Resource("resourcequotas", "resourcequota", "ResourceQuota", "", "v1", True, ("quota",)),
    Resource("secrets", "secret", "Secret", "", "v1", True),
    Resource("serviceaccounts", "serviceaccount", "ServiceAccount", "", "v1", True, ("sa",)),
    Resource("services", "service", "Service", "", "v1", True, ("svc",), categories=("all",)),
    Resource("customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition",
             "apiextensions.k8s.io", "v1", False, ("crd", "crds"), categories=("api-extensions",)),
    Resource("controllerrevisions", "controllerrevision", "ControllerRevision", "apps", "v1", True),
    Resource("daemonsets", "daemonset", "DaemonSet", "apps", "v1", True, ("ds",), categories=("all",)),
    Resource("deployments", "deployment", "Deployment", "apps", "v1", True, ("deploy",), categories=("all",)),
    Resource("replicasets", "replicaset", "ReplicaSet", "apps", "v1", True, ("rs",), categories=("all",)),
    Resource("statefulsets", "statefulset", "StatefulSet", "apps", "v1", True, ("sts",), categories=("all",)),
    Resource("horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", "autoscaling", "v2",
             True, ("hpa",), categories=("all",)),
    Resource("cronjobs", "cronjob", "CronJob", "batch", "v1", True, ("cj",), categories=("all",)),
    Resource("jobs", "job", "Job", "batch", "v1", True, categories=("all",)),
    Resource("endpointslices", "endpointslice", "EndpointSlice", "discovery.k8s.io", "v1", True),
    Resource("ingressclasses", "ingressclass", "IngressClass", "networking.k8s.io", "v1", False),
    Resource("ingresses", "ingress", "Ingress", "networking.k8s.io", "v1", True, ("ing",)),
    Resource("networkpolicies", "networkpolicy", "NetworkPolicy", "networking.k8s.io", "v1", True, ("netpol",)),
    Resource("poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", "policy", "v1", True, ("pdb",)),
    Resource("clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", "rbac.authorization.k8s.io", "v1",
             False),
    Resource("clusterroles", "clusterrole", "ClusterRole", "rbac.authorization.k8s.io", "v1", False),
    Resource("rolebindings", "rolebinding", "RoleBinding", "rbac.authorization.k8s.io", "v1", True),
    Resource("roles", "role", "Role", "rbac.authorization.k8s.io", "v1", True),
    Resource("priorityclasses", "priorityclass", "PriorityClass", "scheduling.k8s.io", "v1", False, ("pc",)),
]

BY_PLURAL = {r.plural: r for r in RESOURCES}
BY_KIND = {r.kind: r for r in RESOURCES}


# ---- the kinds CRDs serve ------------------------------------------------------------------------------
CRD_PLURAL = "customresourcedefinitions"
_SERVED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()   # cluster -> (stamp, [Resource])


def storage_version(crd: dict) -> dict | None:
    versions = (crd.get("spec") or {}).get("versions") or []
    return next((v for v in versions if isinstance(v, dict) and v.get("storage")), versions[0] if versions else None)


def established(crd: dict) -> bool:
    conds = (crd.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Established" and c.get("status") == "True" for c in conds)


def resource_for(crd: dict) -> Resource | None:
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    version = storage_version(crd)
    if not version or not names.get("plural") or not names.get("kind"):
        return None
    served = [v for v in spec.get("versions") or [] if v.get("served", True)]
    return Resource(
        names["plural"], names.get("singular") or names["kind"].lower(), names["kind"], spec.get("group", ""),
        version["name"], spec.get("scope") == "Namespaced", tuple(names.get("shortNames") or ()),
        categories=tuple(names.get("categories") or ()),
        custom={"crd": crd["metadata"]["name"], "versions": {v["name"]: v for v in served},
                "storage": version["name"]})


def served_resources(cluster) -> list[Resource]:
    """Every established CRD's kind, rebuilt only when a CRD changed."""
    stamp = cluster.stamp(CRD_PLURAL, content=True)
    hit = _SERVED.get(cluster)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    out = []
    for crd in cluster.list(CRD_PLURAL):
        r = resource_for(crd) if established(crd) else None
        if r is not None and r.plural not in BY_PLURAL:
            out.append(r)
    _SERVED[cluster] = (stamp, out)
    return out


def custom_spec(r: Resource) -> dict:
    """A custom kind's CRD name, served versions and storage version."""
    assert r.custom is not None, r.plural
    return r.custom


def accepts(r: Resource, api_version: str) -> bool:
    group, _, version = api_version.rpartition("/")
    return group == r.group and version in custom_spec(r)["versions"]


# The cluster whose CustomResourceDefinitions add kinds to the tables above while one of its commands runs
# (Engine.run sets it, as it sets the work meter): name resolution has no cluster argument, and a CRD created
# by the first document of a file serves the second one.
SERVING: ContextVar = ContextVar("podscape_serving_cluster", default=None)


class serving:
    """`with serving(cluster):` the cluster's CRDs are served while a command of it runs."""

    def __init__(self, cluster):
        self.cluster = cluster

    def __enter__(self):
        self.token = SERVING.set(self.cluster)
        return self.cluster

    def __exit__(self, *exc):
        SERVING.reset(self.token)
        return False


def custom() -> list[Resource]:
    """The kinds the running command's cluster serves through CRDs (none outside a command)."""
    cluster = SERVING.get()
    if cluster is None:
        return []
    return served_resources(cluster)


def served() -> list[Resource]:
    """Every kind the API serves now: the built-in ones, then the CRDs' (discovery order)."""
    extra = custom()
    return RESOURCES + extra if extra else RESOURCES


def by_plural(plural: str) -> Resource | None:
    """The resource stored under `plural`, custom kinds included."""
    r = BY_PLURAL.get(plural)
    if r is None:
        r = next((c for c in custom() if c.plural == plural), None)
    return r


def for_kind(kind: str, api_version: str = "") -> Resource | None:
    """The resource serving `kind` (in `api_version`, if given), custom kinds included."""
    return for_object({"kind": kind, "apiVersion": api_version})


def lookup(name: str) -> Resource | None:
    """Resolve what a learner typed (`svc`, `Service`, `services`, `deploy.apps`, `deployments.v1.apps`)."""
    name = name.strip()
    if not name:
        return None
    low = name.lower()
    base, _, group = low.partition(".")
    for r in served():
        if base in (r.plural, r.singular, r.kind.lower()) or base in r.short_names:
            if not group:
                return r
            # `deployments.apps` or `deployments.v1.apps`
            if group == r.group or group == f"{r.version}.{r.group}" or (group == r.version and not r.group):
                return r
    return None


def for_object(obj: dict) -> Resource | None:
    kind = obj.get("kind", "")
    api_version = obj.get("apiVersion", "")
    r = BY_KIND.get(kind)
    if r is None:
        return next((c for c in custom() if c.kind == kind and (not api_version or accepts(c, api_version))), None)
    if api_version and api_version != r.api_version:
        return None
    return r
