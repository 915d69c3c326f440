"""How kubectl's object-creating commands print what they made: `-o yaml|json|name`, `created (dry run)`.

Typed Go objects (what `create deployment`, `run`, `expose` build and receive back) marshal to JSON in
struct-field order, and to YAML with sorted keys (sigs.k8s.io/yaml). `go_order` puts a dict's keys in
the Go struct order so `-o json` matches; YAML sorting is the printer's job.
"""
from __future__ import annotations

import json

from ...printers.output import print_objects, to_yaml
from ...resources import Resource
from .framework import Invocation, KubectlError
from ...managedfields import hide

OUTPUT_FORMATS = ("go-template", "go-template-file", "json", "jsonpath", "jsonpath-as-json", "jsonpath-file",
                  "kyaml", "name", "template", "templatefile", "yaml")

# ---- Go struct field order of the types these commands print --------------------------------------
_META = ["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
         "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
         "ownerReferences", "finalizers", "managedFields"]
_TOP = ["kind", "apiVersion", "metadata"]
ORDER: dict[str, tuple[list[str], dict[str, str]]] = {
    # type: (field order, field -> type of the value)
    "Deployment": (_TOP + ["spec", "status"], {"metadata": "Meta", "spec": "DeploymentSpec",
                                              "status": "DeploymentStatus"}),
    "DeploymentSpec": (["replicas", "selector", "template", "strategy", "minReadySeconds", "revisionHistoryLimit",
                        "paused", "progressDeadlineSeconds"],
                       {"selector": "Selector", "template": "Template", "strategy": "Strategy"}),
    "Strategy": (["type", "rollingUpdate"], {"rollingUpdate": "RollingUpdate"}),
    "RollingUpdate": (["maxUnavailable", "maxSurge"], {}),
    "DeploymentStatus": (["observedGeneration", "replicas", "updatedReplicas", "readyReplicas",
                          "availableReplicas", "unavailableReplicas", "terminatingReplicas", "conditions",
                          "collisionCount"], {"conditions": "Condition"}),
    "Condition": (["type", "status", "observedGeneration", "lastProbeTime", "lastUpdateTime",
                   "lastTransitionTime", "reason", "message"], {}),
    "Selector": (["matchLabels", "matchExpressions"], {}),
    "Template": (["metadata", "spec"], {"metadata": "Meta", "spec": "PodSpec"}),
    "Meta": (_META, {"ownerReferences": "OwnerRef"}),
    "OwnerRef": (["apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion"], {}),
    "Pod": (_TOP + ["spec", "status"], {"metadata": "Meta", "spec": "PodSpec", "status": "PodStatus"}),
    "PodSpec": (["volumes", "initContainers", "containers", "ephemeralContainers", "restartPolicy",
                 "terminationGracePeriodSeconds", "activeDeadlineSeconds", "dnsPolicy", "nodeSelector",
                 "serviceAccountName", "serviceAccount", "automountServiceAccountToken", "nodeName",
                 "hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace", "securityContext",
                 "imagePullSecrets", "hostname", "subdomain", "affinity", "schedulerName", "tolerations",
                 "hostAliases", "priorityClassName", "priority", "dnsConfig", "readinessGates", "runtimeClassName",
                 "enableServiceLinks", "preemptionPolicy", "overhead", "topologySpreadConstraints",
                 "setHostnameAsFQDN", "os", "hostUsers", "schedulingGates", "resourceClaims", "resources"],
                {"containers": "Container", "initContainers": "Container", "tolerations": "Toleration"}),
    "Container": (["name", "image", "command", "args", "workingDir", "ports", "envFrom", "env", "resources",
                   "resizePolicy", "restartPolicy", "restartPolicyRules", "volumeMounts", "volumeDevices",
                   "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "terminationMessagePath",
                   "terminationMessagePolicy", "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty"],
                  {"ports": "ContainerPort", "env": "EnvVar"}),
    "ContainerPort": (["name", "hostPort", "containerPort", "protocol", "hostIP"], {}),
    "EnvVar": (["name", "value", "valueFrom"], {}),
    "Toleration": (["key", "operator", "value", "effect", "tolerationSeconds"], {}),
    "PodStatus": (["observedGeneration", "phase", "conditions", "message", "reason", "nominatedNodeName",
                   "hostIP", "hostIPs", "podIP", "podIPs", "startTime", "initContainerStatuses",
                   "containerStatuses", "qosClass", "ephemeralContainerStatuses", "resize"],
                  {"conditions": "Condition"}),
    "Service": (_TOP + ["spec", "status"], {"metadata": "Meta", "spec": "ServiceSpec"}),
    "ServiceSpec": (["ports", "selector", "clusterIP", "clusterIPs", "type", "externalIPs", "sessionAffinity",
                     "loadBalancerIP", "loadBalancerSourceRanges", "externalName", "externalTrafficPolicy",
                     "healthCheckNodePort", "publishNotReadyAddresses", "sessionAffinityConfig", "ipFamilies",
                     "ipFamilyPolicy", "allocateLoadBalancerNodePorts", "loadBalancerClass",
                     "internalTrafficPolicy", "trafficDistribution"], {"ports": "ServicePort"}),
    "ServicePort": (["name", "protocol", "appProtocol", "port", "targetPort", "nodePort"], {}),
    "Namespace": (_TOP + ["spec", "status"], {"metadata": "Meta"}),
    "ConfigMap": (_TOP + ["immutable", "data", "binaryData"], {"metadata": "Meta"}),
    "Secret": (_TOP + ["immutable", "data", "stringData", "type"], {"metadata": "Meta"}),
    "ServiceAccount": (_TOP + ["secrets", "imagePullSecrets", "automountServiceAccountToken"], {"metadata": "Meta"}),
    "Job": (_TOP + ["spec", "status"], {"metadata": "Meta", "spec": "JobSpec"}),
    "JobSpec": (["parallelism", "completions", "activeDeadlineSeconds", "podFailurePolicy", "successPolicy",
                 "backoffLimit", "backoffLimitPerIndex", "maxFailedIndexes", "selector", "manualSelector", "template",
                 "ttlSecondsAfterFinished", "completionMode", "suspend", "podReplacementPolicy", "managedBy"],
                {"template": "Template", "selector": "Selector"}),
    "CronJob": (_TOP + ["spec", "status"], {"metadata": "Meta", "spec": "CronJobSpec"}),
    "CronJobSpec": (["schedule", "timeZone", "startingDeadlineSeconds", "concurrencyPolicy", "suspend", "jobTemplate",
                     "successfulJobsHistoryLimit", "failedJobsHistoryLimit"], {"jobTemplate": "JobTemplate"}),
    "JobTemplate": (["metadata", "spec"], {"metadata": "Meta", "spec": "JobSpec"}),
    "ResourceQuota": (_TOP + ["spec", "status"], {"metadata": "Meta", "spec": "ResourceQuotaSpec"}),
    "ResourceQuotaSpec": (["hard", "scopes", "scopeSelector"], {}),
    "Role": (_TOP + ["rules"], {"metadata": "Meta", "rules": "PolicyRule"}),
    "ClusterRole": (_TOP + ["rules", "aggregationRule"], {"metadata": "Meta", "rules": "PolicyRule"}),
    "PolicyRule": (["verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs"], {}),
    "RoleBinding": (_TOP + ["subjects", "roleRef"], {"metadata": "Meta", "subjects": "Subject", "roleRef": "RoleRef"}),
    "ClusterRoleBinding": (_TOP + ["subjects", "roleRef"], {"metadata": "Meta", "subjects": "Subject",
                                                            "roleRef": "RoleRef"}),
    "Subject": (["kind", "apiGroup", "name", "namespace"], {}),
    "RoleRef": (["apiGroup", "kind", "name"], {}),
    "PodDisruptionBudget": (_TOP + ["spec", "status"], {"metadata": "Meta", "spec": "PDBSpec", "status": "PDBStatus"}),
    "PDBSpec": (["minAvailable", "selector", "maxUnavailable", "unhealthyPodEvictionPolicy"], {"selector": "Selector"}),
    "PDBStatus": (["observedGeneration", "disruptedPods", "disruptionsAllowed", "currentHealthy", "desiredHealthy",
                   "expectedPods", "conditions"], {"conditions": "Condition"}),
    "PriorityClass": (_TOP + ["value", "globalDefault", "description", "preemptionPolicy"], {"metadata": "Meta"}),
    "HorizontalPodAutoscaler": (_TOP + ["spec", "status"], {"metadata": "Meta", "spec": "HPASpec",
                                                            "status": "HPAStatus"}),
    "HPASpec": (["scaleTargetRef", "minReplicas", "maxReplicas", "metrics", "behavior"],
                {"scaleTargetRef": "CrossVersionRef", "metrics": "MetricSpec"}),
    "CrossVersionRef": (["kind", "name", "apiVersion"], {}),
    "MetricSpec": (["type", "object", "pods", "resource", "containerResource", "external"],
                   {"resource": "ResourceMetric"}),
    "ResourceMetric": (["name", "target"], {"target": "MetricTarget"}),
    "MetricTarget": (["type", "value", "averageValue", "averageUtilization"], {}),
    "HPAStatus": (["observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas", "currentMetrics",
                   "conditions"], {"conditions": "Condition"}),
    # networking/v1 Ingress (kubectl create ingress, -o json and --save-config)
    "Ingress": (_TOP + ["spec", "status"], {"metadata": "Meta", "spec": "IngressSpec", "status": "IngressStatus"}),
    "IngressSpec": (["ingressClassName", "defaultBackend", "tls", "rules"],
                    {"defaultBackend": "IngressBackend", "tls": "IngressTLS", "rules": "IngressRule"}),
    "IngressBackend": (["service", "resource"], {"service": "IngressServiceBackend"}),
    "IngressServiceBackend": (["name", "port"], {"port": "ServiceBackendPort"}),
    "ServiceBackendPort": (["name", "number"], {}),
    "IngressTLS": (["hosts", "secretName"], {}),
    "IngressRule": (["host", "http"], {"http": "HTTPIngressRuleValue"}),
    "HTTPIngressRuleValue": (["paths"], {"paths": "HTTPIngressPath"}),
    "HTTPIngressPath": (["path", "pathType", "backend"], {"backend": "IngressBackend"}),
    "IngressStatus": (["loadBalancer"], {"loadBalancer": "IngressLoadBalancerStatus"}),
    "IngressLoadBalancerStatus": (["ingress"], {"ingress": "IngressLoadBalancerIngress"}),
    "IngressLoadBalancerIngress": (["ip", "hostname", "ports"], {}),
}


def go_order(value, type_name: str | None):
    """A copy of value with struct keys in Go field order (maps such as labels stay sorted)."""
    if isinstance(value, list):
        return [go_order(v, type_name) for v in value]
    if not isinstance(value, dict):
        return value
    if type_name is None or type_name not in ORDER:
        return {k: go_order(value[k], None) for k in sorted(value)}
    order, types = ORDER[type_name]
    keys = [k for k in order if k in value] + sorted(k for k in value if k not in order)
    return {k: go_order(value[k], types.get(k)) for k in keys}


# ---- JSON as encoding/json writes it ----------------------------------------------------------------
def to_json(obj: dict, type_name: str | None = None) -> str:
    """kubectl's JSON printer: 4-space indent, Go's HTML-safe escapes, struct order for typed objects."""
    data = go_order(obj, type_name or obj.get("kind"))
    text = json.dumps(data, indent=4, ensure_ascii=False, separators=(",", ": "))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"


# ---- dry run ----------------------------------------------------------------------------------------
def klog(inv: Invocation, level: str, where: str, message: str) -> None:
    """A klog line as kubectl writes it to stderr: `W1127 22:07:19.905376   11299 helpers.go:719] ...`."""
    import datetime
    now = inv.cluster.now
    ts = datetime.datetime.fromtimestamp(now, tz=datetime.timezone.utc)
    pid = 10000 + (inv.cluster.resource_version * 7) % 50000
    inv.err(f"{level}{ts:%m%d %H:%M:%S}.{ts.microsecond:06d} {pid:7d} {where}] {message}\n")


def dry_run_strategy(inv: Invocation) -> str:
    """cmdutil.GetDryRunStrategy: "none", "client" or "server", with its deprecation warnings."""
    value = inv.flags.get("dry-run", "none")
    if value in ("1", "t", "T", "true", "TRUE", "True"):
        klog(inv, "W", "helpers.go:733", f"--dry-run={value} is deprecated (boolean value) and can be replaced "
                                          "with --dry-run=client.")
        return "client"
    if value in ("0", "f", "F", "false", "FALSE", "False"):
        klog(inv, "W", "helpers.go:736", f"--dry-run={value} is deprecated (boolean value) and can be replaced "
                                          "with --dry-run=none.")
        return "none"
    if value == "unchanged":
        klog(inv, "W", "helpers.go:719", "--dry-run is deprecated and can be replaced with --dry-run=client.")
        return "client"
    if value in ("client", "server", "none"):
        return value
    raise KubectlError(f'Invalid dry-run value ({value}). Must be "none", "server", or "client".')


def check_output(inv: Invocation) -> str:
    """PrintFlags.ToPrinter's check of -o, done before the command's own validation."""
    fmt = inv.flags.get("output", "")
    base = fmt.split("=", 1)[0]
    if fmt in ("", "yaml", "json", "name", "kyaml"):
        return fmt
    if base in ("jsonpath", "jsonpath-as-json", "go-template", "template", "custom-columns"):
        if "=" not in fmt and not inv.flags.get("template"):
            raise KubectlError("template format specified but no template given")
        return fmt
    if base in ("go-template-file", "templatefile", "jsonpath-file"):
        return fmt
    if inv.flags.get("template") and fmt == "":
        return fmt
    raise KubectlError(f'unable to match a printer suitable for the output format "{fmt}", allowed formats are: '
                       + ",".join(OUTPUT_FORMATS))


def shown(inv: Invocation, obj: dict) -> dict:
    """obj as -o yaml/json print it: managedFields left out unless --show-managed-fields."""
    if inv.flags.get("show-managed-fields"):
        return obj
    return hide(obj)


def print_created(inv: Invocation, r: Resource, obj: dict, dry_run: str, verb: str = "created",
                  typed: bool = True) -> int:
    """What a create-like command prints for its object: `deployment.apps/x created (dry run)` or -o."""
    fmt = inv.flags.get("output", "") or ("go-template" if inv.flags.get("template") else "")
    name = obj.get("metadata", {}).get("name", "")
    if fmt == "":
        suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry_run, "")
        inv.out(f"{r.type_name}/{name} {verb}{suffix}\n")
    elif fmt == "name":
        inv.out(f"{r.type_name}/{name}\n")
    elif fmt == "yaml":
        inv.out(to_yaml(go_order(shown(inv, obj), obj.get("kind"))))
    elif fmt == "json":
        inv.out(to_json(shown(inv, obj)))
    else:
        return print_objects(inv, [go_order(obj, obj.get("kind")) if typed else obj], fmt, typed=typed)
    return 0
