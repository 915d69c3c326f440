"""The API resource types the playground knows, as `kubectl api-resources` lists them.

One table drives name resolution (`po`, `svc`, `deploy.apps`), `api-resources`, `explain` and the
object store's keys, so a kind is declared once.
"""
from __future__ import annotations

from dataclasses import dataclass


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


def lookup(name: str) -> Resource | None:
    """Resolve what a learner typed (`svc`, `Service`, `services`, `deploy.apps`, `deployments.v1.apps`)."""
    name = name.strip()
    if not name:
        return None
    low = name.lower()
    base, _, group = low.partition(".")
    for r in RESOURCES:
        if base in (r.plural, r.singular, r.kind.lower()) or base in r.short_names:
            if not group:
                return r
            # `deployments.apps` or `deployments.v1.apps`
            if group == r.group or group == f"{r.version}.{r.group}" or (group == r.version and not r.group):
                return r
    return None


def for_object(obj: dict) -> Resource | None:
    kind = obj.get("kind", "")
    r = BY_KIND.get(kind)
    if r is None:
        return None
    api_version = obj.get("apiVersion", "")
    if api_version and api_version != r.api_version:
        return None
    return r
