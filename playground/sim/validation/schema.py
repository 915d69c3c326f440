"""Strict decoding: the API server's `fieldValidation=Strict` (kubectl's default) for the kinds we model.

Unknown fields give `strict decoding error: unknown field "spec.foo"`; a value of the wrong JSON type
gives encoding/json's `cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type
int32`. The tables cover what learners write in manifests; `status` and rarely used sub-structures are
left open (never reported), so a real manifest is never refused for a field we did not list.
"""
from __future__ import annotations

import base64
import binascii

from . import quantity

OPEN = "any"
S, I32, I64, B, MAP = "string", "int32", "int64", "bool", "map"
INT_OR_STR = "intstr"


def struct(go_name: str, /, **fields) -> dict:
    fields["__name__"] = go_name
    return fields


def lst(item) -> tuple:
    return ("list", item)


META = struct("ObjectMeta", name=S, generateName=S, namespace=S, selfLink=S, uid=S, resourceVersion=S,
              generation=I64, creationTimestamp=OPEN, deletionTimestamp=OPEN, deletionGracePeriodSeconds=I64,
              labels=MAP, annotations=MAP, ownerReferences=OPEN, finalizers=lst(S), managedFields=OPEN)
SELECTOR = struct("LabelSelector", matchLabels=MAP, matchExpressions=lst(
    struct("LabelSelectorRequirement", key=S, operator=S, values=lst(S))))
CONTAINER_PORT = struct("ContainerPort", name=S, hostPort=I32, containerPort=I32, protocol=S, hostIP=S)
ENV = struct("EnvVar", name=S, value=S, valueFrom=OPEN)
CONTAINER = struct("Container", name=S, image=S, command=lst(S), args=lst(S), workingDir=S, ports=lst(CONTAINER_PORT),
                   envFrom=OPEN, env=lst(ENV), resources=OPEN, resizePolicy=OPEN, restartPolicy=S,
                   restartPolicyRules=OPEN, volumeMounts=OPEN, volumeDevices=OPEN, livenessProbe=OPEN,
                   readinessProbe=OPEN, startupProbe=OPEN, lifecycle=OPEN, terminationMessagePath=S,
                   terminationMessagePolicy=S, imagePullPolicy=S, securityContext=OPEN, stdin=B, stdinOnce=B,
                   tty=B)
POD_SPEC = struct("PodSpec", volumes=OPEN, initContainers=lst(CONTAINER), containers=lst(CONTAINER),
                  ephemeralContainers=OPEN, restartPolicy=S, terminationGracePeriodSeconds=I64,
                  activeDeadlineSeconds=I64, dnsPolicy=S, nodeSelector=MAP, serviceAccountName=S,
                  serviceAccount=S, automountServiceAccountToken=B, nodeName=S, hostNetwork=B, hostPID=B,
                  hostIPC=B, shareProcessNamespace=B, securityContext=OPEN, imagePullSecrets=OPEN, hostname=S,
                  subdomain=S, affinity=OPEN, schedulerName=S, tolerations=OPEN, hostAliases=OPEN,
                  priorityClassName=S, priority=I32, dnsConfig=OPEN, readinessGates=OPEN, runtimeClassName=S,
                  enableServiceLinks=B, preemptionPolicy=S, overhead=OPEN, topologySpreadConstraints=OPEN,
                  setHostnameAsFQDN=B, os=OPEN, hostUsers=B, schedulingGates=OPEN, resourceClaims=OPEN,
                  resources=OPEN)
TEMPLATE = struct("PodTemplateSpec", metadata=META, spec=POD_SPEC)
DEPLOYMENT_SPEC = struct("DeploymentSpec", replicas=I32, selector=SELECTOR, template=TEMPLATE,
                         strategy=struct("DeploymentStrategy", type=S, rollingUpdate=struct(
                             "RollingUpdateDeployment", maxUnavailable=INT_OR_STR, maxSurge=INT_OR_STR)),
                         minReadySeconds=I32, revisionHistoryLimit=I32, paused=B, progressDeadlineSeconds=I32)
REPLICASET_SPEC = struct("ReplicaSetSpec", replicas=I32, minReadySeconds=I32, selector=SELECTOR, template=TEMPLATE)
SERVICE_PORT = struct("ServicePort", name=S, protocol=S, appProtocol=S, port=I32, targetPort=INT_OR_STR,
                      nodePort=I32)
SERVICE_SPEC = struct("ServiceSpec", ports=lst(SERVICE_PORT), selector=MAP, clusterIP=S, clusterIPs=lst(S), type=S,
                      externalIPs=lst(S), sessionAffinity=S, loadBalancerIP=S, loadBalancerSourceRanges=lst(S),
                      externalName=S, externalTrafficPolicy=S, healthCheckNodePort=I32,
                      publishNotReadyAddresses=B, sessionAffinityConfig=OPEN, ipFamilies=lst(S), ipFamilyPolicy=S,
                      allocateLoadBalancerNodePorts=B, loadBalancerClass=S, internalTrafficPolicy=S,
                      trafficDistribution=S)


BACKEND = struct("IngressBackend", service=struct("IngressServiceBackend", name=S, port=struct(
    "ServiceBackendPort", name=S, number=I32)), resource=OPEN)
INGRESS_SPEC = struct("IngressSpec", ingressClassName=S, defaultBackend=BACKEND,
                      tls=lst(struct("IngressTLS", hosts=lst(S), secretName=S)),
                      rules=lst(struct("IngressRule", host=S, http=struct(
                          "HTTPIngressRuleValue", paths=lst(struct("HTTPIngressPath", path=S, pathType=S,
                                                                   backend=BACKEND))))))
NP_PORT = struct("NetworkPolicyPort", protocol=S, port=INT_OR_STR, endPort=I32)
NP_PEER = struct("NetworkPolicyPeer", podSelector=SELECTOR, namespaceSelector=SELECTOR,
                 ipBlock=struct("IPBlock", cidr=S, **{"except": lst(S)}))
NP_SPEC = struct("NetworkPolicySpec", podSelector=SELECTOR, policyTypes=lst(S),
                 ingress=lst(struct("NetworkPolicyIngressRule", ports=lst(NP_PORT), **{"from": lst(NP_PEER)})),
                 egress=lst(struct("NetworkPolicyEgressRule", ports=lst(NP_PORT), to=lst(NP_PEER))))


def top(go_name: str, /, **fields) -> dict:
    return struct(go_name, apiVersion=S, kind=S, metadata=META, **fields)


KINDS: dict[str, dict] = {
    "Pod": top("Pod", spec=POD_SPEC, status=OPEN),
    "Deployment": top("Deployment", spec=DEPLOYMENT_SPEC, status=OPEN),
    "ReplicaSet": top("ReplicaSet", spec=REPLICASET_SPEC, status=OPEN),
    "Service": top("Service", spec=SERVICE_SPEC, status=OPEN),
    "Namespace": top("Namespace", spec=struct("NamespaceSpec", finalizers=lst(S)), status=OPEN),
    "ConfigMap": top("ConfigMap", immutable=B, data=MAP, binaryData=MAP),
    "Secret": top("Secret", immutable=B, data=MAP, stringData=MAP, type=S),
    "NetworkPolicy": top("NetworkPolicy", spec=NP_SPEC, status=OPEN),
    "Ingress": top("Ingress", spec=INGRESS_SPEC, status=OPEN),
    "DaemonSet": top("DaemonSet", spec=OPEN, status=OPEN),
}

_GO_TYPES = {S: "string", I32: "int32", I64: "int64", B: "bool", MAP: "map[string]string"}


def _json_kind(v) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return "null"


class _Walk:
    def __init__(self):
        self.unknown: list[str] = []
        self.type_error: str | None = None

    def mismatch(self, value, schema, struct_name: str, go_path: str, go_type: str) -> None:
        if self.type_error is None:
            self.type_error = (f"json: cannot unmarshal {_json_kind(value)} into Go struct field "
                               f"{struct_name}.{go_path} of type {go_type}")

    def walk(self, value, schema, path: str, go_path: str, struct_name: str) -> None:
        if value is None or schema == OPEN:
            return
        if isinstance(schema, dict):
            if not isinstance(value, dict):
                return self.mismatch(value, schema, struct_name, go_path, "v1." + schema["__name__"])
            for k, v in value.items():
                sub = schema.get(k) if k != "__name__" else None
                p = f"{path}.{k}" if path else k
                gp = f"{go_path}.{k}" if go_path else k
                if sub is None:
                    self.unknown.append(p)
                    continue
                self.walk(v, sub, p, gp, schema["__name__"])
            return
        if isinstance(schema, tuple):
            item = schema[1]
            if not isinstance(value, list):
                item_type = "v1." + item["__name__"] if isinstance(item, dict) else _GO_TYPES.get(item, "string")
                return self.mismatch(value, schema, struct_name, go_path, f"[]{item_type}")
            for i, v in enumerate(value):
                self.walk(v, item, f"{path}[{i}]", go_path, struct_name)
            return
        if schema == INT_OR_STR:
            if not isinstance(value, (int, str)) or isinstance(value, bool):
                self.mismatch(value, schema, struct_name, go_path, "intstr.IntOrString")
            return
        if schema == MAP:
            if not isinstance(value, dict):
                return self.mismatch(value, schema, struct_name, go_path, "map[string]string")
            for k, v in value.items():
                if v is not None and not isinstance(v, str):
                    return self.mismatch(v, schema, struct_name, go_path, "string")
            return
        ok = {S: lambda v: isinstance(v, str),
              B: lambda v: isinstance(v, bool),
              I32: lambda v: isinstance(v, int) and not isinstance(v, bool) or (isinstance(v, float) and v.is_integer()),
              I64: lambda v: isinstance(v, int) and not isinstance(v, bool) or (isinstance(v, float) and v.is_integer())}
        if schema in ok and not ok[schema](value):
            self.mismatch(value, schema, struct_name, go_path, _GO_TYPES[schema])


def secret_decode_error(obj: dict) -> str | None:
    """Secret data must be base64; the server fails to decode it otherwise."""
    for v in (obj.get("data") or {}).values():
        if not isinstance(v, str):
            continue
        try:
            base64.b64decode(v, validate=True)
        except (binascii.Error, ValueError):
            pos = next((i for i, c in enumerate(v) if not (c.isalnum() or c in "+/=")), len(v) - len(v) % 4)
            return f"illegal base64 data at input byte {pos}"
    return None


def _bad_quantity(obj: dict) -> str | None:
    """Container resources are resource.Quantity values: a malformed one fails decoding."""
    for spec in quantity.pod_specs(obj):
        for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
            res = c.get("resources") if isinstance(c, dict) else None
            if not isinstance(res, dict):
                continue
            for section in ("limits", "requests"):
                for v in (res.get(section) or {}).values() if isinstance(res.get(section), dict) else []:
                    why = quantity.problem(v)
                    if why:
                        return why
    return None


def decode_errors(obj: dict) -> str | None:
    """The decode failure the API server reports for obj, or None when it decodes strictly."""
    schema = KINDS.get(obj.get("kind", ""))
    if schema is None:
        return None
    w = _Walk()
    w.walk(obj, schema, "", "", schema["__name__"])
    if w.type_error:
        return w.type_error
    bad_quantity = _bad_quantity(obj)
    if bad_quantity:
        return bad_quantity
    if obj.get("kind") == "Secret":
        problem = secret_decode_error(obj)
        if problem:
            return problem
    if w.unknown:
        return "strict decoding error: " + ", ".join(f'unknown field "{u}"' for u in w.unknown)
    return None
