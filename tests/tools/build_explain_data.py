"""Build playground/sim/programs/kubectl/explain_schemas.json, the OpenAPI descriptions `kubectl explain` prints.

Source: the models of the official Python client for Kubernetes 1.35 (PyPI `kubernetes==35.0.0`, generated
from the release-1.35 OpenAPI document): each field's JSON name, type, description and whether it is
required. The type descriptions of the kinds (which the client does not keep) are in KIND_DESCRIPTIONS.

    pip download --no-deps -d /tmp/k kubernetes==35.0.0
    .venv/bin/python tests/tools/build_explain_data.py /tmp/k/kubernetes-35.0.0-py2.py3-none-any.whl
"""
from __future__ import annotations

import ast
import json
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "playground/sim/programs/kubectl/explain_schemas.json"
ROOTS = {"V1Pod": ("", "v1", "Pod"), "V1Deployment": ("apps", "v1", "Deployment"),
         "V1ReplicaSet": ("apps", "v1", "ReplicaSet"), "V1Service": ("", "v1", "Service"),
         "V1Endpoints": ("", "v1", "Endpoints"), "V1Node": ("", "v1", "Node"),
         "V1Namespace": ("", "v1", "Namespace")}
DEPTH = 3
# Type descriptions from the Go doc comments (k8s.io/api), which the Python client drops.
KIND_DESCRIPTIONS = {
    "Pod": "Pod is a collection of containers that can run on a host. This resource is created by clients and "
           "scheduled onto hosts.",
    "Deployment": "Deployment enables declarative updates for Pods and ReplicaSets.",
    "ReplicaSet": "ReplicaSet ensures that a specified number of pod replicas are running at any given time.",
    "Service": "Service is a named abstraction of software service (for example, mysql) consisting of local port "
               "(for example 3306) that the proxy listens on, and the selector that determines which pods will "
               "answer requests sent through the proxy.",
    "Endpoints": "Endpoints is a collection of endpoints that implement the actual service. Example:\n\n"
                 "\t Name: \"mysvc\",\n\t Subsets: [\n\t   {\n\t     Addresses: [{\"ip\": \"10.10.1.1\"}, "
                 "{\"ip\": \"10.10.2.2\"}],\n\t     Ports: [{\"name\": \"a\", \"port\": 8675}, {\"name\": \"b\", "
                 "\"port\": 309}]\n\t   },\n\t   {\n\t     Addresses: [{\"ip\": \"10.10.3.3\"}],\n\t     Ports: "
                 "[{\"name\": \"a\", \"port\": 93}, {\"name\": \"b\", \"port\": 76}]\n\t   },\n\t]\n\n"
                 "Endpoints is a legacy API and does not contain information about all Service features. Use "
                 "discoveryv1.EndpointSlice for complete information about Service endpoints.\n\n"
                 "Deprecated: This API is deprecated in v1.33+. Use discoveryv1.EndpointSlice.",
    "Node": "Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in "
            "etcd).",
    "Namespace": "Namespace provides a scope for Names. Use of multiple namespaces is optional.",
    "ObjectMeta": "ObjectMeta is metadata that all persisted resources must have, which includes all objects "
                  "users must create.",
    "PodSpec": "PodSpec is a description of a pod.",
    "ServiceSpec": "ServiceSpec describes the attributes that a user creates on a service.",
    "ServicePort": "ServicePort contains information on service's port.",
    "DeploymentSpec": "DeploymentSpec is the specification of the desired behavior of the Deployment.",
    "ReplicaSetSpec": "ReplicaSetSpec is the specification of a ReplicaSet.",
    "Container": "A single application container that you want to run within a pod.",
    "ContainerPort": "ContainerPort represents a network port in a single container.",
    "PodTemplateSpec": "PodTemplateSpec describes the data a pod should have when created from a template",
    "LabelSelector": "A label selector is a label query over a set of resources. The result of matchLabels and "
                     "matchExpressions are ANDed. An empty label selector matches no objects. A null label selector "
                     "matches all objects.",
    "NamespaceSpec": "NamespaceSpec describes the attributes on a Namespace.",
    "NodeSpec": "NodeSpec describes the attributes that a node is created with.",
}
META = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/" \
       "api-conventions.md#metadata"
SPEC_STATUS = "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status"
PROBES = "More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes"
# Descriptions of fields whose type is another object: the Python client drops them (OpenAPI v2 keeps the
# description beside the $ref); these are the release-1.35 texts (yannh/kubernetes-json-schema v1.35.0).
REF_DESCRIPTIONS = {
    **{(k, "metadata"): META for k in ("Pod", "Deployment", "Service", "Endpoints", "Node", "Namespace",
                                         "PodTemplateSpec")},
    ("ReplicaSet", "metadata"): "If the Labels of a ReplicaSet are empty, they are defaulted to be the same as "
                                "the Pod(s) that the ReplicaSet manages. " + META,
    ("Pod", "spec"): f"Specification of the desired behavior of the pod. More info: {SPEC_STATUS}",
    ("PodTemplateSpec", "spec"): f"Specification of the desired behavior of the pod. More info: {SPEC_STATUS}",
    ("Pod", "status"): "Most recently observed status of the pod. This data may not be up to date. Populated by "
                       f"the system. Read-only. More info: {SPEC_STATUS}",
    ("Deployment", "spec"): "Specification of the desired behavior of the Deployment.",
    ("Deployment", "status"): "Most recently observed status of the Deployment.",
    ("ReplicaSet", "spec"): f"Spec defines the specification of the desired behavior of the ReplicaSet. More info: "
                            f"{SPEC_STATUS}",
    ("ReplicaSet", "status"): "Status is the most recently observed status of the ReplicaSet. This data may be "
                              "out of date by some window of time. Populated by the system. Read-only. More info: "
                              f"{SPEC_STATUS}",
    ("Service", "spec"): f"Spec defines the behavior of a service. {SPEC_STATUS}",
    ("Service", "status"): "Most recently observed status of the service. Populated by the system. Read-only. "
                           f"More info: {SPEC_STATUS}",
    ("Node", "spec"): f"Spec defines the behavior of a node. {SPEC_STATUS}",
    ("Node", "status"): "Most recently observed status of the node. Populated by the system. Read-only. More "
                        f"info: {SPEC_STATUS}",
    ("Namespace", "spec"): f"Spec defines the behavior of the Namespace. More info: {SPEC_STATUS}",
    ("Namespace", "status"): f"Status describes the current status of a Namespace. More info: {SPEC_STATUS}",
    ("DeploymentSpec", "selector"): "Label selector for pods. Existing ReplicaSets whose pods are selected by this "
                                    "will be the ones affected by this deployment. It must match the pod "
                                    "template's labels.",
    ("DeploymentSpec", "strategy"): "The deployment strategy to use to replace existing pods with new ones.",
    ("DeploymentSpec", "template"): "Template describes the pods that will be created. The only allowed "
                                    "template.spec.restartPolicy value is \"Always\".",
    ("ReplicaSetSpec", "selector"): "Selector is a label query over pods that should match the replica count. "
                                    "Label keys and values that must match in order to be controlled by this "
                                    "replica set. It must match the pod template's labels. More info: https://"
                                    "kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    ("ReplicaSetSpec", "template"): "Template is the object that describes the pod that will be created if "
                                    "insufficient replicas are detected. More info: https://kubernetes.io/docs/"
                                    "concepts/workloads/controllers/replicaset/#pod-template",
    ("ServiceSpec", "sessionAffinityConfig"): "sessionAffinityConfig contains the configurations of session "
                                              "affinity.",
    ("ServiceStatus", "loadBalancer"): "LoadBalancer contains the current status of the load-balancer, if one is "
                                       "present.",
    ("DeploymentStrategy", "rollingUpdate"): "Rolling update config params. Present only if DeploymentStrategyType "
                                             "= RollingUpdate.",
    ("Container", "lifecycle"): "Actions that the management system should take in response to container "
                                "lifecycle events. Cannot be updated.",
    ("Container", "livenessProbe"): "Periodic probe of container liveness. Container will be restarted if the "
                                    f"probe fails. Cannot be updated. {PROBES}",
    ("Container", "readinessProbe"): "Periodic probe of container service readiness. Container will be removed "
                                     f"from service endpoints if the probe fails. Cannot be updated. {PROBES}",
    ("Container", "resources"): "Compute Resources required by this container. Cannot be updated. More info: "
                                "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
    ("Container", "securityContext"): "SecurityContext defines the security options the container should be run "
                                      "with. If set, the fields of SecurityContext override the equivalent fields "
                                      "of PodSecurityContext. More info: https://kubernetes.io/docs/tasks/"
                                      "configure-pod-container/security-context/",
    ("PodSpec", "affinity"): "If specified, the pod's scheduling constraints",
    ("PodSpec", "dnsConfig"): "Specifies the DNS parameters of a pod. Parameters specified here will be merged to "
                              "the generated DNS configuration based on DNSPolicy.",
    ("PodSpec", "securityContext"): "SecurityContext holds pod-level security attributes and common container "
                                    "settings. Optional: Defaults to empty.  See type description for default "
                                    "values of each field.",
}
PRIMITIVES = {"str": {"type": "string"}, "int": {"type": "integer"}, "bool": {"type": "boolean"},
              "float": {"type": "number"}, "datetime": {"type": "string", "format": "date-time"},
              # IntOrString (targetPort, maxSurge): its schema's type is string, which explain prints
              "object": {"type": "string", "format": "int-or-string"}}


def go_name(cls: str) -> str:
    return re.sub(r"^V\d+(alpha\d+|beta\d+)?", "", cls)


def parse_models(wheel: str) -> dict[str, dict]:
    models = {}
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            if not name.startswith("kubernetes/client/models/v") or not name.endswith(".py"):
                continue
            tree = ast.parse(z.read(name).decode())
            for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
                info = {"types": {}, "json": {}, "desc": {}, "required": []}
                for node in cls.body:
                    if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                        if node.targets[0].id == "openapi_types":
                            info["types"] = ast.literal_eval(node.value)
                        elif node.targets[0].id == "attribute_map":
                            info["json"] = ast.literal_eval(node.value)
                    elif isinstance(node, ast.FunctionDef) and any(
                            isinstance(d, ast.Attribute) and d.attr == "setter" for d in node.decorator_list):
                        doc = ast.get_docstring(node, clean=True) or ""
                        body = doc.split("\n", 1)[1] if "\n" in doc else ""
                        body = body.split(":param ", 1)[0].replace("  # noqa: E501", "").strip()
                        info["desc"][node.name] = body
                        if "must not be `None`" in ast.unparse(node):
                            info["required"].append(node.name)
                models[cls.name] = info
    return models


def schema_for(ptype: str, models: dict, queue: list, depth: int) -> dict:
    m = re.fullmatch(r"list\[(.+)\]", ptype)
    if m:
        return {"type": "array", "items": schema_for(m.group(1), models, queue, depth)}
    m = re.fullmatch(r"dict\(str, (.+)\)", ptype)
    if m:
        return {"type": "object", "additionalProperties": schema_for(m.group(1), models, queue, depth)}
    if ptype in PRIMITIVES:
        return dict(PRIMITIVES[ptype])
    if ptype in models:
        queue.append((ptype, depth))
        return {"ref": go_name(ptype)}
    return {"type": "object"}


def main() -> None:
    models = parse_models(sys.argv[1])
    schemas: dict[str, dict] = {}
    queue = [(cls, 0) for cls in ROOTS]
    while queue:
        cls, depth = queue.pop(0)
        name = go_name(cls)
        if name in schemas or depth > DEPTH:
            continue
        info = models[cls]
        props = {}
        for attr, ptype in info["types"].items():
            s = schema_for(ptype, models, queue, depth + 1)
            s["description"] = info["desc"].get(attr, "") or REF_DESCRIPTIONS.get((name, info["json"][attr]), "")
            props[info["json"][attr]] = s
        entry = {"properties": props}
        if info["required"]:
            entry["required"] = sorted(info["json"][a] for a in info["required"])
        if name in KIND_DESCRIPTIONS:
            entry["description"] = KIND_DESCRIPTIONS[name]
        if cls in ROOTS:
            g, v, k = ROOTS[cls]
            entry["gvk"] = {"group": g, "version": v, "kind": k}
        schemas[name] = entry
    OUT.write_text(json.dumps(schemas, indent=1, sort_keys=True) + "\n")
    print(f"{len(schemas)} schemas, {OUT.stat().st_size} bytes -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
