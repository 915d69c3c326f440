"""A fresh `minikube start`: the objects a new single-node minikube (docker driver, Kubernetes v1.35)
holds a minute after it comes up; and the worker nodes `minikube node add` joins to it (nodes.py names them
and schedules onto them)."""
from __future__ import annotations

import time

from . import cni as cni_plugins, controllers, defaults, managedfields, nodes, systemconfig
from .cluster import Cluster
from .limits import Limits
from .nodes import NODE_IP, NODE_NAME

K8S_VERSION = "v1.35.0"
MINIKUBE_VERSION = "v1.38.0"          # the first release whose default Kubernetes is v1.35.0
MINIKUBE_COMMIT = "de81223c61ab1bd97dcfcfa6d9d5c59e5da4a0cf"
COREDNS_IMAGE = "registry.k8s.io/coredns/coredns:v1.13.1"
ETCD_IMAGE = "registry.k8s.io/etcd:3.6.6-0"
BOOT_SECONDS = 60          # how long ago the cluster came up when the learner first looks
KUBE_DNS_IP = "10.96.0.10"
KUBERNETES_IP = "10.96.0.1"


def _ns(name: str) -> dict:
    obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
    defaults.namespace(obj)
    return obj


def _node(cluster: Cluster) -> dict:
    ts = cluster.timestamp()
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {
            "annotations": {
                "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/cri-dockerd.sock",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
            "labels": {
                "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": NODE_NAME, "kubernetes.io/os": "linux",
                "minikube.k8s.io/commit": MINIKUBE_COMMIT,
                "minikube.k8s.io/name": "minikube", "minikube.k8s.io/primary": "true",
                "minikube.k8s.io/updated_at": time.strftime("%Y_%m_%dT%H_%M_%S_0700", time.gmtime(cluster.now)),
                "minikube.k8s.io/version": MINIKUBE_VERSION,
                "node-role.kubernetes.io/control-plane": "",
                "node.kubernetes.io/exclude-from-external-load-balancers": "",
            },
            "name": NODE_NAME,
        },
        "spec": {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"]},
        "status": {
            "addresses": [{"address": NODE_IP, "type": "InternalIP"}, {"address": NODE_NAME, "type": "Hostname"}],
            "allocatable": {"cpu": "2", "ephemeral-storage": "263112772Ki", "hugepages-1Gi": "0",
                            "hugepages-2Mi": "0", "memory": "24570636Ki", "pods": "110"},
            "capacity": {"cpu": "2", "ephemeral-storage": "263112772Ki", "hugepages-1Gi": "0",
                         "hugepages-2Mi": "0", "memory": "24570636Ki", "pods": "110"},
            "conditions": [
                {"lastHeartbeatTime": ts, "lastTransitionTime": ts, "message": msg, "reason": reason,
                 "status": status, "type": type_}
                for type_, status, reason, msg in (
                    ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                    ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
                )
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64", "bootID": cluster.uid(), "containerRuntimeVersion": "docker://28.4.0",
                "kernelVersion": "6.8.0-87-generic", "kubeProxyVersion": "", "kubeletVersion": K8S_VERSION,
                "machineID": cluster.hex_id(32), "operatingSystem": "linux", "osImage": "Ubuntu 22.04.5 LTS",
                "systemUUID": cluster.uid(),
            },
        },
    }


def _static_pod(name: str, component: str, image: str, command: list[str]) -> dict:
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": f"{name}-{NODE_NAME}", "namespace": "kube-system",
                     "labels": {"component": component, "tier": "control-plane"},
                     "annotations": {"kubernetes.io/config.source": "file"}},
        "spec": {"containers": [{"name": name, "image": image, "command": command}], "hostNetwork": True,
                 "priorityClassName": "system-node-critical", "priority": 2000001000, "nodeName": NODE_NAME},
    }


def _workloads() -> list[tuple[str, dict]]:
    coredns = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"},
                     "annotations": {"deployment.kubernetes.io/revision": "1"}},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
            "template": {
                "metadata": {"labels": {"k8s-app": "kube-dns"}},
                "spec": {
                    "containers": [{
                        "name": "coredns", "image": COREDNS_IMAGE, "args": ["-conf", "/etc/coredns/Corefile"],
                        "volumeMounts": [{"mountPath": "/etc/coredns", "name": "config-volume",
                                          "readOnly": True}],
                        "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                                  {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                                  {"containerPort": 9153, "name": "metrics", "protocol": "TCP"}],
                    }],
                    "dnsPolicy": "Default", "priorityClassName": "system-cluster-critical",
                    "serviceAccountName": "coredns", "serviceAccount": "coredns",
                    # kubeadm's manifest: the Corefile comes from the coredns ConfigMap (coredns.py reads it)
                    "volumes": [{"name": "config-volume", "configMap": {
                        "name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}]}}],
                },
            },
        },
    }
    proxy = {
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": {"k8s-app": "kube-proxy"}},
        "spec": {
            "selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
            "template": {
                "metadata": {"labels": {"k8s-app": "kube-proxy"}},
                "spec": {"containers": [{"name": "kube-proxy", "image": f"registry.k8s.io/kube-proxy:{K8S_VERSION}",
                                         "command": ["/usr/local/bin/kube-proxy",
                                                     "--config=/var/lib/kube-proxy/config.conf",
                                                     "--hostname-override=$(NODE_NAME)"]}],
                         "hostNetwork": True, "priorityClassName": "system-node-critical",
                         "serviceAccountName": "kube-proxy", "serviceAccount": "kube-proxy"},
            },
        },
    }
    storage = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "storage-provisioner", "namespace": "kube-system",
                     "labels": {"addonmanager.kubernetes.io/mode": "Reconcile", "integration-test": "storage-provisioner"}},
        "spec": {"containers": [{"name": "storage-provisioner", "image": "gcr.io/k8s-minikube/storage-provisioner:v5",
                                 "command": ["/storage-provisioner"]}],
                 "hostNetwork": True, "serviceAccountName": "storage-provisioner",
                 "serviceAccount": "storage-provisioner"},
    }
    return [("deployments", coredns), ("daemonsets", proxy), ("pods", storage)]


def _services() -> list[dict]:
    kubernetes = {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"component": "apiserver", "provider": "kubernetes"}},
        "spec": {"clusterIP": KUBERNETES_IP, "clusterIPs": [KUBERNETES_IP],
                 "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 8443}]},
    }
    kube_dns = {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "kube-dns", "namespace": "kube-system",
                     "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                                "kubernetes.io/name": "CoreDNS"},
                     "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}},
        "spec": {"clusterIP": KUBE_DNS_IP, "clusterIPs": [KUBE_DNS_IP], "selector": {"k8s-app": "kube-dns"},
                 "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                           {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                           {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]},
    }
    return [kubernetes, kube_dns]


def _kubernetes_endpoints(cluster: Cluster) -> None:
    """The apiserver's own Endpoints (no selector: the apiserver writes them itself)."""
    cluster.put({"apiVersion": "v1", "kind": "Endpoints",
                 "metadata": {"name": "kubernetes", "namespace": "default",
                              "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
                 "subsets": [{"addresses": [{"ip": NODE_IP}],
                              "ports": [{"name": "https", "port": 8443, "protocol": "TCP"}]}]}, new=True)
    cluster.put({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                 "metadata": {"name": "kubernetes", "namespace": "default",
                              "labels": {"kubernetes.io/service-name": "kubernetes"}},
                 "addressType": "IPv4",
                 "endpoints": [{"addresses": [NODE_IP], "conditions": {"ready": True, "serving": True,
                                                                      "terminating": False}}],
                 "ports": [{"name": "https", "port": 8443, "protocol": "TCP"}]}, new=True)


def _priority_classes() -> list[dict]:
    """The two classes the API server creates at start (pkg/apis/scheduling: SystemPriorityClasses)."""
    return [{"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name},
             "value": value, "description": text, "preemptionPolicy": "PreemptLowerPriority"}
            for name, value, text in (
                ("system-node-critical", 2000001000,
                 "Used for system critical pods that must not be moved from their current node."),
                ("system-cluster-critical", 2000000000,
                 "Used for system critical pods that must run in the cluster, but can be moved to another node if "
                 "necessary."))]


def fresh_cluster(seed: int, now: float | None = None, limits: Limits | None = None, cni: str = "") -> Cluster:
    """The cluster `minikube start` leaves, BOOT_SECONDS old at `now`."""
    with managedfields.acting(None):     # (kubeadm's, the kubelet's and the addons' writes are not modelled)
        return _fresh_cluster(seed, now, limits, cni)


def _fresh_cluster(seed: int, now: float | None, limits: Limits | None, cni: str) -> Cluster:
    now = time.time() if now is None else now
    cluster = Cluster(seed=seed, now=now - BOOT_SECONDS, limits=limits)
    cluster.cni = cni
    cluster.addons = {"default-storageclass": True, "storage-provisioner": True}
    for name in ("default", "kube-node-lease", "kube-public", "kube-system"):
        cluster.put(_ns(name), new=True)
    cluster.put(_node(cluster), new=True)
    for svc in _services():
        defaults.service(svc)
        cluster.put(svc, new=True)
    _kubernetes_endpoints(cluster)
    for cm in systemconfig.boot_configmaps(cluster.now, K8S_VERSION):
        cluster.put(cm, new=True)
    for pc in _priority_classes():
        cluster.put(pc, new=True)
    ver = K8S_VERSION
    statics = [
        _static_pod("etcd", "etcd", ETCD_IMAGE, ["etcd", "--advertise-client-urls=https://192.168.49.2:2379"]),
        _static_pod("kube-apiserver", "kube-apiserver", f"registry.k8s.io/kube-apiserver:{ver}",
                    ["kube-apiserver", "--advertise-address=192.168.49.2", "--secure-port=8443",
                     "--service-cluster-ip-range=10.96.0.0/12"]),
        _static_pod("kube-controller-manager", "kube-controller-manager",
                    f"registry.k8s.io/kube-controller-manager:{ver}",
                    ["kube-controller-manager", "--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16"]),
        _static_pod("kube-scheduler", "kube-scheduler", f"registry.k8s.io/kube-scheduler:{ver}",
                    ["kube-scheduler", "--leader-elect=false"]),
    ]
    node = cluster.get("nodes", None, NODE_NAME)
    for pod in statics:
        pod["metadata"]["ownerReferences"] = [{"apiVersion": "v1", "controller": True, "kind": "Node",
                                               "name": NODE_NAME, "uid": node["metadata"]["uid"]}]
        controllers.create_pod(cluster, pod)
    for plural, obj in _workloads() + cni_plugins.workloads(cni):
        if plural == "pods":
            controllers.create_pod(cluster, obj)
        else:
            defaults.apply_defaults(plural, obj)
            cluster.put(obj, new=True)
    controllers.reconcile(cluster)
    cluster.now = now
    controllers.reconcile(cluster)
    return cluster


# ---- adding a worker ---------------------------------------------------------------------------------
def add_worker(cluster: Cluster) -> str:
    """A new worker node object, as the kubelet registers it and the controller-manager gives it a CIDR."""
    index = max([nodes.index_of(n) for n in nodes.names(cluster)] + [1]) + 1
    name, ip = nodes.name_of(index), f"192.168.49.{index + 1}"
    cidr = f"10.244.{index - 1}.0/24"
    node = _node(cluster)
    labels = node["metadata"]["labels"]
    for key in ("node-role.kubernetes.io/control-plane", "node.kubernetes.io/exclude-from-external-load-balancers"):
        labels.pop(key, None)
    labels.update({"kubernetes.io/hostname": name, "minikube.k8s.io/primary": "false"})
    node["metadata"]["name"] = name
    node["spec"] = {"podCIDR": cidr, "podCIDRs": [cidr]}
    node["status"]["addresses"] = [{"address": ip, "type": "InternalIP"}, {"address": name, "type": "Hostname"}]
    cluster.put(node, new=True)
    return name


def remove_worker(cluster: Cluster, name: str) -> None:
    """`minikube node delete`: drain (its pods go; controllers replace them elsewhere), then the node."""
    for pod in [p for p in cluster.list("pods") if nodes.node_of(p) == name]:
        cluster.remove("pods", pod["metadata"]["namespace"], pod["metadata"]["name"])
    cluster.remove("nodes", None, name)
    for owner in cluster.list("daemonsets") + cluster.list("replicasets"):
        cluster.touch(owner)        # their controllers notice the node and the pods are gone
