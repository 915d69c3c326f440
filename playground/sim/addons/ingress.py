"""`minikube addons enable ingress` (minikube v1.38, deploy/addons/ingress/ingress-deploy.yaml.tmpl) and the
controller's bookkeeping on the cluster clock.

Enabling applies the addon manifest and waits until the controller pod is ready ("🔎  Verifying ingress
addon..."), so by the time the command returns the objects are VERIFY_SECONDS old: namespace ingress-nginx,
the admission Jobs (Completed pods), the controller Deployment/ReplicaSet/Pod (hostPorts 80/443), the
NodePort Service ingress-nginx-controller, the ClusterIP Service ingress-nginx-controller-admission,
ConfigMaps, ServiceAccounts, the admission Secret and IngressClass `nginx` marked default.

`sync(cluster)` runs with the other controllers: for each Ingress the controller serves it records
`Sync  Scheduled for sync` (from nginx-ingress-controller) and, STATUS_SYNC_SECONDS later, writes the node IP
into status.loadBalancer (the ADDRESS column), which is an update and so another Sync event.
"""
from __future__ import annotations

import copy
import time

from .. import apiserver, controllers, defaults, ingress as routing, network
from ..cluster import Cluster, parse_rfc3339, rfc3339
from ..controllers import record_event
from ..nodes import NODE_IP

NS = routing.INGRESS_NAMESPACE
CONTROLLER_IMAGE = ("registry.k8s.io/ingress-nginx/controller:v1.14.1@sha256:"
                    "f95a79b85fb93ac3de752c71a5c27d5ceae10a18b61904dec224c1c6a4581e47")
CERTGEN_IMAGE = ("registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.5@sha256:"
                 "03a00eb0e255e8a25fa49926c24cde0f7e12e8d072c445cdf5136ec78b546285")
VERIFY_SECONDS = 42          # `addons enable ingress` returns once the controller is ready
JOB_SECONDS = {"create": 12, "patch": 13}      # the Jobs' DURATION, as in the tutorial
STATUS_SYNC_SECONDS = 1      # the tutorial's describe: "Sync ... (x2 over 3m11s)" at 3m10s
EVENT_SOURCE = "nginx-ingress-controller"

LABELS = {"app.kubernetes.io/instance": "ingress-nginx", "app.kubernetes.io/name": "ingress-nginx"}
CONTROLLER_LABELS = {"app.kubernetes.io/component": "controller", **LABELS}
ADMISSION_LABELS = {"app.kubernetes.io/component": "admission-webhook", **LABELS}


def _meta(name: str, labels: dict, namespace: str | None = NS) -> dict:
    m = {"name": name, "labels": dict(labels)}
    if namespace:
        m["namespace"] = namespace
    return m


def _controller_deployment() -> dict:
    container = {
        "name": "controller", "image": CONTROLLER_IMAGE, "imagePullPolicy": "IfNotPresent",
        "args": ["/nginx-ingress-controller", "--election-id=ingress-nginx-leader",
                 "--controller-class=k8s.io/ingress-nginx", "--watch-ingress-without-class=true",
                 "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller",
                 "--tcp-services-configmap=$(POD_NAMESPACE)/tcp-services",
                 "--udp-services-configmap=$(POD_NAMESPACE)/udp-services", "--validating-webhook=:8443",
                 "--validating-webhook-certificate=/usr/local/certificates/cert",
                 "--validating-webhook-key=/usr/local/certificates/key"],
        "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
                {"name": "POD_NAMESPACE",
                 "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}},
                {"name": "LD_PRELOAD", "value": "/usr/local/lib/libmimalloc.so"}],
        "lifecycle": {"preStop": {"exec": {"command": ["/wait-shutdown"]}}},
        "livenessProbe": {"failureThreshold": 5, "httpGet": {"path": "/healthz", "port": 10254, "scheme": "HTTP"},
                          "initialDelaySeconds": 10, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1},
        "ports": [{"containerPort": 80, "hostPort": 80, "name": "http", "protocol": "TCP"},
                  {"containerPort": 443, "hostPort": 443, "name": "https", "protocol": "TCP"},
                  {"containerPort": 8443, "name": "webhook", "protocol": "TCP"}],
        "readinessProbe": {"failureThreshold": 3, "httpGet": {"path": "/healthz", "port": 10254, "scheme": "HTTP"},
                           "initialDelaySeconds": 10, "periodSeconds": 10, "successThreshold": 1,
                           "timeoutSeconds": 1},
        "resources": {"requests": {"cpu": "100m", "memory": "90Mi"}},
        "securityContext": {"allowPrivilegeEscalation": True,
                            "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]}, "runAsUser": 101},
        "volumeMounts": [{"mountPath": "/usr/local/certificates/", "name": "webhook-cert", "readOnly": True}],
    }
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": _meta("ingress-nginx-controller", CONTROLLER_LABELS),
        "spec": {
            "minReadySeconds": 0, "revisionHistoryLimit": 10, "replicas": 1,
            "selector": {"matchLabels": dict(CONTROLLER_LABELS)},
            "strategy": {"rollingUpdate": {"maxUnavailable": 1}, "type": "RollingUpdate"},
            "template": {
                "metadata": {"labels": {**CONTROLLER_LABELS, "gcp-auth-skip-secret": "true"}},
                "spec": {"containers": [container], "dnsPolicy": "ClusterFirst",
                         "nodeSelector": {"kubernetes.io/os": "linux", "minikube.k8s.io/primary": "true"},
                         "serviceAccountName": "ingress-nginx", "serviceAccount": "ingress-nginx",
                         "terminationGracePeriodSeconds": 0,
                         "tolerations": [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/master",
                                          "operator": "Equal"}],
                         "volumes": [{"name": "webhook-cert", "secret": {"defaultMode": 420,
                                                                         "secretName": "ingress-nginx-admission"}}]},
            },
        },
    }


def _services() -> list[dict]:
    controller = {
        "apiVersion": "v1", "kind": "Service", "metadata": _meta("ingress-nginx-controller", CONTROLLER_LABELS),
        "spec": {"ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack", "type": "NodePort",
                 "ports": [{"appProtocol": "http", "name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"},
                           {"appProtocol": "https", "name": "https", "port": 443, "protocol": "TCP",
                            "targetPort": "https"}],
                 "selector": dict(CONTROLLER_LABELS)},
    }
    admission = {
        "apiVersion": "v1", "kind": "Service",
        "metadata": _meta("ingress-nginx-controller-admission", CONTROLLER_LABELS),
        "spec": {"type": "ClusterIP",
                 "ports": [{"appProtocol": "https", "name": "https-webhook", "port": 443, "targetPort": "webhook"}],
                 "selector": dict(CONTROLLER_LABELS)},
    }
    return [controller, admission]


def _job(kind: str) -> dict:
    args = (["create", "--host=ingress-nginx-controller-admission,ingress-nginx-controller-admission.$(POD_NAMESPACE).svc",
             "--namespace=$(POD_NAMESPACE)", "--secret-name=ingress-nginx-admission"] if kind == "create" else
            ["patch", "--webhook-name=ingress-nginx-admission", "--namespace=$(POD_NAMESPACE)",
             "--patch-mutating=false", "--secret-name=ingress-nginx-admission", "--patch-failure-policy=Fail"])
    name = f"ingress-nginx-admission-{kind}"
    return {
        "apiVersion": "batch/v1", "kind": "Job", "metadata": _meta(name, ADMISSION_LABELS),
        "spec": {
            "backoffLimit": 6, "completionMode": "NonIndexed", "completions": 1, "manualSelector": False,
            "parallelism": 1, "podReplacementPolicy": "TerminatingOrFailed", "suspend": False,
            "template": {
                "metadata": {"labels": dict(ADMISSION_LABELS), "name": name},
                "spec": {"containers": [{"args": args, "env": [{"name": "POD_NAMESPACE", "valueFrom": {
                            "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}}],
                                         "image": CERTGEN_IMAGE, "imagePullPolicy": "IfNotPresent", "name": kind,
                                         "securityContext": {"allowPrivilegeEscalation": False}}],
                         "nodeSelector": {"kubernetes.io/os": "linux", "minikube.k8s.io/primary": "true"},
                         "restartPolicy": "OnFailure",
                         "securityContext": {"runAsNonRoot": True, "runAsUser": 2000},
                         "serviceAccountName": "ingress-nginx-admission"},
            },
        },
    }


def _completed(job: dict, kind: str) -> None:
    """The Job's status as the Job controller leaves it, set as it is stored: the playground's Job controller
    (batch.py) then has nothing left to do for it."""
    start = parse_rfc3339(job["metadata"]["creationTimestamp"])
    end = start + JOB_SECONDS[kind]
    job["status"] = {
        "completionTime": rfc3339(end), "startTime": rfc3339(start), "succeeded": 1, "ready": 0, "terminating": 0,
        "uncountedTerminatedPods": {},
        "conditions": [
            {"lastProbeTime": rfc3339(end), "lastTransitionTime": rfc3339(end), "message": "Reached expected number of succeeded pods",
             "reason": "CompletionsReached", "status": "True", "type": "SuccessCriteriaMet"},
            {"lastProbeTime": rfc3339(end), "lastTransitionTime": rfc3339(end), "message": "Reached expected number of succeeded pods",
             "reason": "CompletionsReached", "status": "True", "type": "Complete"}],
    }


def _run_job(cluster: Cluster, job: dict, kind: str, restarts: int) -> None:
    """The Job ran its one pod to completion: a Completed pod, COMPLETIONS 1/1, DURATION as the tutorial's."""
    start = parse_rfc3339(job["metadata"]["creationTimestamp"])
    end = start + JOB_SECONDS[kind]
    uid = job["metadata"]["uid"]
    job["spec"]["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    extra = {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": job["metadata"]["name"],
             "controller-uid": uid, "job-name": job["metadata"]["name"]}
    job["spec"]["template"]["metadata"]["labels"].update(extra)
    pod = controllers._new_pod(cluster, job, job["spec"]["template"],
                               f"{job['metadata']['name']}-{cluster.rand_suffix(5)}")
    pod["metadata"]["ownerReferences"][0]["apiVersion"] = "batch/v1"
    controllers.create_pod(cluster, pod)
    saved = cluster.now
    cluster.now = end                         # the kubelet pulled and started it; it ran to the end
    try:
        controllers.reconcile(cluster)
    finally:
        cluster.now = saved
    st = pod["status"]
    when = rfc3339(end - 1)
    for cs in st.get("containerStatuses", []):
        cid = cs.get("containerID", "")
        term = {"containerID": cid, "exitCode": 0, "finishedAt": when, "reason": "Completed",
                "startedAt": rfc3339(start + 2)}
        cs.update({"ready": False, "started": False, "restartCount": restarts, "state": {"terminated": term}})
        if restarts:
            cs["lastState"] = {"terminated": {**term, "exitCode": 1, "reason": "Error"}}
    st["phase"] = "Succeeded"
    for c in st.get("conditions", []):
        if c["type"] in ("Ready", "ContainersReady", "PodReadyToStartContainers"):
            c["status"] = "False"
            c["lastTransitionTime"] = when
            if c["type"] != "PodReadyToStartContainers":
                c["reason"] = "PodCompleted"
    cluster.touch(pod)
    record_event(cluster, job, "Normal", "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}", "job-controller")
    record_event(cluster, job, "Normal", "Completed", "Job completed", "job-controller")
    cluster.touch(job)


def ingress_class() -> dict:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
            "metadata": {"name": "nginx", "labels": dict(CONTROLLER_LABELS),
                         "annotations": {routing.DEFAULT_CLASS_ANNOTATION: "true"}},
            "spec": {"controller": routing.CONTROLLER_NAME}}


def enable(cluster: Cluster) -> None:
    if cluster.get("namespaces", None, NS) is not None:
        return                                      # idempotent: already applied
    now = cluster.now
    cluster.now = now - VERIFY_SECONDS
    try:
        ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS, "labels": dict(LABELS)}}
        defaults.namespace(ns)
        cluster.put(ns, new=True)
        for name, labels in (("default", {}), ("ingress-nginx", CONTROLLER_LABELS),
                             ("ingress-nginx-admission", ADMISSION_LABELS)):
            sa = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta(name, labels)}
            if name == "ingress-nginx":
                sa["automountServiceAccountToken"] = True
            if not labels:
                del sa["metadata"]["labels"]
            cluster.put(sa, new=True)
        root_ca = cluster.get("configmaps", "default", "kube-root-ca.crt")
        cms = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta("ingress-nginx-controller", CONTROLLER_LABELS),
                "data": {"hsts": "false"}},
               {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta("tcp-services", CONTROLLER_LABELS)},
               {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta("udp-services", CONTROLLER_LABELS)}]
        if root_ca is not None:
            ca = copy.deepcopy(root_ca)
            ca["metadata"] = {"name": "kube-root-ca.crt", "namespace": NS,
                              **({"annotations": root_ca["metadata"]["annotations"]}
                                 if root_ca["metadata"].get("annotations") else {})}
            cms.insert(0, ca)
        for cm in cms:
            cluster.put(cm, new=True)
        for svc in _services():
            apiserver.create(cluster, svc)
        apiserver.create(cluster, _controller_deployment())
        controllers.reconcile(cluster)            # its ReplicaSet and Pod, created with it
        jobs = []
        for kind in ("create", "patch"):
            job = _job(kind)
            cluster.put(job, new=True)
            _completed(job, kind)
            jobs.append((job, kind))
        for job, kind in jobs:
            _run_job(cluster, job, kind, restarts=1 if kind == "patch" else 0)
        cluster.put({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "ingress-nginx-admission",
                                                                          "namespace": NS},
                     "type": "Opaque", "data": {"ca": "", "cert": "", "key": ""}}, new=True)
        if cluster.get("ingressclasses", None, "nginx") is None:
            cluster.put(ingress_class(), new=True)
        controllers.reconcile(cluster)
    finally:
        cluster.now = now
    controllers.reconcile(cluster)


def disable(cluster: Cluster) -> None:
    """`kubectl delete -f ingress-deploy.yaml`: the namespace and everything in it, and the IngressClass.
    Ingresses stay; nothing answers them any more. The controller clears the addresses it wrote as it shuts
    down (--update-status-on-shutdown, on by default)."""
    for ing in routing.served_ingresses(cluster) if routing.controller_pods(cluster) else []:
        if ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress"):
            ing["status"]["loadBalancer"] = {}
            cluster.touch(ing)
    cluster.runtime.pop("ingress_sync", None)
    if cluster.get("namespaces", None, NS) is not None:
        cluster.remove("namespaces", None, NS)
        cluster.bump()
    ic = cluster.get("ingressclasses", None, "nginx")
    if ic is not None and (ic.get("spec") or {}).get("controller") == routing.CONTROLLER_NAME:
        cluster.remove("ingressclasses", None, "nginx")
    controllers.reconcile(cluster)


def hook(cluster: Cluster, enabled: bool) -> None:
    (enable if enabled else disable)(cluster)


# ---- the controller's view of Ingresses, on the cluster clock ----------------------------------------
def sync(cluster: Cluster) -> bool:
    """Sync events and status addresses for the Ingresses the running controller serves."""
    pods = routing.controller_pods(cluster)
    if not pods:
        return False
    ready_at = min(parse_rfc3339(p["status"].get("startTime") or p["metadata"]["creationTimestamp"]) for p in pods)
    seen = cluster.runtime.setdefault("ingress_sync", {})
    changed = False
    for ing in routing.served_ingresses(cluster):
        meta = ing["metadata"]
        if parse_rfc3339(meta["creationTimestamp"]) > cluster.now:
            controllers.wake_at(cluster, parse_rfc3339(meta["creationTimestamp"]))
            continue            # the addon's objects are being backdated: not yet, on this clock
        key = meta.get("uid", "")
        gen = str(meta.get("generation", 1))
        mark = seen.get(key)
        if mark is None or mark.get("gen") != gen:
            record_event(cluster, ing, "Normal", "Sync", "Scheduled for sync", EVENT_SOURCE)
            seen[key] = mark = {"gen": gen, "at": max(cluster.now, ready_at)}
            _log_tls_warnings(cluster, pods, ing)
            changed = True
        lb = (ing.get("status") or {}).get("loadBalancer") or {}
        if not lb.get("ingress") and cluster.now < mark["at"] + STATUS_SYNC_SECONDS:
            controllers.wake_at(cluster, mark["at"] + STATUS_SYNC_SECONDS)
        if not lb.get("ingress") and cluster.now >= mark["at"] + STATUS_SYNC_SECONDS:
            ing.setdefault("status", {})["loadBalancer"] = {"ingress": [{"ip": NODE_IP}]}
            cluster.touch(ing)
            record_event(cluster, ing, "Normal", "Sync", "Scheduled for sync", EVENT_SOURCE)
            changed = True
    live = {i["metadata"].get("uid") for i in cluster.list("ingresses")}
    for key in [k for k in seen if k not in live]:
        del seen[key]
    return changed


def _log_tls_warnings(cluster: Cluster, pods: list[dict], ing: dict) -> None:
    """The klog warnings the controller writes while it builds the servers of an Ingress with a tls section
    whose Secret is missing, invalid or not valid for a host (controller.go createServers, v1.14.1)."""
    warnings = routing.tls_warnings(cluster, ing)
    if not warnings:
        return
    t = time.gmtime(cluster.now)
    for pod in pods:
        for k, (where, message) in enumerate(warnings):
            micros = (int(cluster.now * 1_000_000) + 4_211 + 97 * k) % 1_000_000
            stamp = f"W{t.tm_mon:02d}{t.tm_mday:02d} {time.strftime('%H:%M:%S', t)}.{micros:06d}"
            network.record_access(cluster, pod["metadata"]["namespace"], pod["metadata"]["name"],
                          f"{stamp}       7 {where}] {message}")
