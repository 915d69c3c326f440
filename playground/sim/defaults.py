"""API-server defaulting: the fields a real cluster fills in on create, so `-o yaml` looks as it does.

Each function mutates an object in place and is safe to call again on an already-defaulted object.
"""
from __future__ import annotations


def _container(c: dict) -> None:
    image = c.get("image", "")
    tag = image.rsplit("/", 1)[-1]
    latest = "@" not in tag and (":" not in tag or tag.endswith(":latest"))
    c.setdefault("imagePullPolicy", "Always" if latest else "IfNotPresent")
    for p in c.get("ports", []) or []:
        p.setdefault("protocol", "TCP")
    c.setdefault("resources", {})
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")


def pod_spec(spec: dict, *, in_template: bool = False) -> None:
    for volume in spec.get("volumes") or []:
        # SetDefaults_Volume: a volume that names no source is an emptyDir
        if isinstance(volume, dict) and set(volume) <= {"name"}:
            volume["emptyDir"] = {}
    for c in spec.get("containers", []) or []:
        _container(c)
    for c in spec.get("initContainers", []) or []:
        _container(c)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("securityContext", {})
    spec.setdefault("terminationGracePeriodSeconds", 30)
    if not in_template:
        spec.setdefault("enableServiceLinks", True)
        spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
        spec.setdefault("priority", 0)
        spec.setdefault("serviceAccount", spec.get("serviceAccountName", "default"))
        spec.setdefault("serviceAccountName", "default")
        spec.setdefault("tolerations", [
            {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists",
             "tolerationSeconds": 300},
            {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists",
             "tolerationSeconds": 300},
        ])


def pod(obj: dict) -> None:
    pod_spec(obj.setdefault("spec", {}))


def _template(spec: dict) -> None:
    tmpl = spec.setdefault("template", {})
    tmpl.setdefault("metadata", {})   # v1.35 omits the zero creationTimestamp (omitzero)
    pod_spec(tmpl.setdefault("spec", {}), in_template=True)


def deployment(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    spec.setdefault("progressDeadlineSeconds", 600)
    spec.setdefault("revisionHistoryLimit", 10)
    strategy = spec.setdefault("strategy", {"type": "RollingUpdate"})
    if strategy.get("type", "RollingUpdate") == "RollingUpdate":
        strategy.setdefault("type", "RollingUpdate")
        strategy.setdefault("rollingUpdate", {"maxSurge": "25%", "maxUnavailable": "25%"})
    _template(spec)


def replicaset(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    _template(spec)


def daemonset(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("updateStrategy", {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1},
                                       "type": "RollingUpdate"})
    _template(spec)


def service(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("type", "ClusterIP")
    svc_type = spec["type"]
    if svc_type != "ExternalName":
        spec.setdefault("internalTrafficPolicy", "Cluster")
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
    if svc_type in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if svc_type == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    spec.setdefault("sessionAffinity", "None")
    if spec["sessionAffinity"] == "ClientIP":     # SetDefaults_Service: DefaultClientIPServiceAffinitySeconds
        cfg = spec.setdefault("sessionAffinityConfig", {}).setdefault("clientIP", {})
        cfg.setdefault("timeoutSeconds", 10800)
    for p in spec.get("ports", []) or []:
        p.setdefault("protocol", "TCP")
        if "targetPort" not in p and "port" in p and spec.get("clusterIP") != "None":
            p["targetPort"] = p["port"]
        elif "targetPort" not in p and "port" in p:
            p["targetPort"] = p["port"]
    obj.setdefault("status", {"loadBalancer": {}})


def namespace(obj: dict) -> None:
    name = obj["metadata"]["name"]
    labels = obj["metadata"].setdefault("labels", {})
    labels.setdefault("kubernetes.io/metadata.name", name)
    if not obj.get("spec"):
        obj["spec"] = {}
    obj["spec"].setdefault("finalizers", ["kubernetes"])     # PrepareForCreate: kubectl sends `spec: {}`
    obj.setdefault("status", {"phase": "Active"})


def networkpolicy(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("podSelector", {})
    for key in ("ingress", "egress", "policyTypes"):      # empty lists are omitempty: the API drops them
        if key in spec and not spec[key]:
            del spec[key]
    if not spec.get("policyTypes"):
        types = ["Ingress"]
        if spec.get("egress"):                             # SetDefaults_NetworkPolicy: len(Egress) != 0
            types.append("Egress")
        spec["policyTypes"] = types
    for rule in (spec.get("ingress") or []) + (spec.get("egress") or []):
        for p in rule.get("ports", []) or []:
            p.setdefault("protocol", "TCP")


def ingress(obj: dict) -> None:
    obj.setdefault("spec", {})
    obj.setdefault("status", {"loadBalancer": {}})


def horizontalpodautoscaler(obj: dict) -> None:
    """autoscaling/v2 SetDefaults_HorizontalPodAutoscaler: minReplicas 1, CPU at 80% when no metric is given,
    and the default scale-up and scale-down behavior."""
    spec = obj.setdefault("spec", {})
    spec.setdefault("minReplicas", 1)
    if not spec.get("metrics"):
        spec["metrics"] = [{"type": "Resource", "resource": {
            "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]
    behavior = spec.setdefault("behavior", {})
    up = behavior.setdefault("scaleUp", {})
    up.setdefault("stabilizationWindowSeconds", 0)
    up.setdefault("selectPolicy", "Max")
    up.setdefault("policies", [{"type": "Pods", "value": 4, "periodSeconds": 15},
                               {"type": "Percent", "value": 100, "periodSeconds": 15}])
    down = behavior.setdefault("scaleDown", {})
    down.setdefault("stabilizationWindowSeconds", 300)
    down.setdefault("selectPolicy", "Max")
    down.setdefault("policies", [{"type": "Percent", "value": 100, "periodSeconds": 15}])


def priorityclass(obj: dict) -> None:
    obj.setdefault("preemptionPolicy", "PreemptLowerPriority")


def _job_spec(spec: dict) -> None:
    """SetDefaults_Job (pkg/apis/batch/v1/defaults.go)."""
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
    spec.setdefault("parallelism", 1)
    spec.setdefault("backoffLimit", 6)
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    spec.setdefault("podReplacementPolicy", "Failed" if spec.get("podFailurePolicy") else "TerminatingOrFailed")
    spec.setdefault("manualSelector", False)
    _template(spec)


def job(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    _job_spec(spec)
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels")
    if labels and not (obj.get("metadata") or {}).get("labels"):
        obj.setdefault("metadata", {})["labels"] = dict(labels)     # a Job without labels takes its pods'


def cronjob(obj: dict) -> None:
    """SetDefaults_CronJob."""
    spec = obj.setdefault("spec", {})
    spec.setdefault("concurrencyPolicy", "Allow")
    spec.setdefault("suspend", False)
    spec.setdefault("successfulJobsHistoryLimit", 3)
    spec.setdefault("failedJobsHistoryLimit", 1)
    job_template = spec.setdefault("jobTemplate", {})
    job_template.setdefault("metadata", {})
    _template(job_template.setdefault("spec", {}))     # only the pod template: SetDefaults_Job is the Job's


BY_PLURAL = {
    "jobs": job,
    "cronjobs": cronjob,
    "horizontalpodautoscalers": horizontalpodautoscaler,
    "priorityclasses": priorityclass,
    "pods": pod,
    "deployments": deployment,
    "replicasets": replicaset,
    "daemonsets": daemonset,
    "services": service,
    "namespaces": namespace,
    "networkpolicies": networkpolicy,
    "ingresses": ingress,
}


def apply_defaults(plural: str, obj: dict) -> None:
    fn = BY_PLURAL.get(plural)
    if fn:
        fn(obj)
