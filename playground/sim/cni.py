"""The network plugin's own workloads, which `minikube start --cni=<name>` deploys into the new cluster
(minikube applies the plugin's manifest: Calico's calico-node DaemonSet and calico-kube-controllers
Deployment in kube-system, Cilium's agent and operator, Flannel's DaemonSet in kube-flannel).

    workloads("calico") -> [("daemonsets", {...}), ("deployments", {...})]

Whether the plugin enforces NetworkPolicy is policy.py's question (policy.ENFORCING_CNIS).
"""
from __future__ import annotations

CALICO_VERSION = "v3.30.2"          # the manifest minikube v1.37/v1.38 ships
CILIUM_VERSION = "v1.17.6"
FLANNEL_VERSION = "v0.27.1"
KINDNET_IMAGE = "docker.io/kindest/kindnetd:v20250512-df8de77b"     # minikube v1.37's kindnet manifest


def _daemonset(name: str, ns: str, labels: dict, container: dict, host_network: bool = True, **spec) -> dict:
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": ns, "labels": dict(labels)},
            "spec": {"selector": {"matchLabels": dict(labels)},
                     "template": {"metadata": {"labels": dict(labels)},
                                  "spec": {"containers": [container], "hostNetwork": host_network,
                                           "priorityClassName": "system-node-critical", **spec}}}}


def _deployment(name: str, ns: str, labels: dict, container: dict, **spec) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": ns, "labels": dict(labels),
                         "annotations": {"deployment.kubernetes.io/revision": "1"}},
            "spec": {"replicas": 1, "selector": {"matchLabels": dict(labels)},
                     "strategy": {"type": "Recreate"},
                     "template": {"metadata": {"labels": dict(labels)},
                                  "spec": {"containers": [container],
                                           "priorityClassName": "system-cluster-critical", **spec}}}}


def _calico() -> list[tuple[str, dict]]:
    node = _daemonset("calico-node", "kube-system", {"k8s-app": "calico-node"},
                      {"name": "calico-node", "image": f"docker.io/calico/node:{CALICO_VERSION}",
                       "env": [{"name": "CALICO_IPV4POOL_CIDR", "value": "10.244.0.0/16"},
                               {"name": "CALICO_NETWORKING_BACKEND", "value": "bird"}]},
                      serviceAccountName="calico-node", serviceAccount="calico-node")
    controllers = _deployment("calico-kube-controllers", "kube-system", {"k8s-app": "calico-kube-controllers"},
                              {"name": "calico-kube-controllers",
                               "image": f"docker.io/calico/kube-controllers:{CALICO_VERSION}",
                               "env": [{"name": "ENABLED_CONTROLLERS", "value": "node"},
                                       {"name": "DATASTORE_TYPE", "value": "kubernetes"}]},
                              serviceAccountName="calico-kube-controllers",
                              serviceAccount="calico-kube-controllers")
    return [("daemonsets", node), ("deployments", controllers)]


def _cilium() -> list[tuple[str, dict]]:
    agent = _daemonset("cilium", "kube-system", {"k8s-app": "cilium"},
                       {"name": "cilium-agent", "image": f"quay.io/cilium/cilium:{CILIUM_VERSION}",
                        "command": ["cilium-agent"], "args": ["--config-dir=/tmp/cilium/config-map"]},
                       serviceAccountName="cilium", serviceAccount="cilium")
    operator = _deployment("cilium-operator", "kube-system", {"io.cilium/app": "operator", "name": "cilium-operator"},
                           {"name": "cilium-operator",
                            "image": f"quay.io/cilium/operator-generic:{CILIUM_VERSION}",
                            "command": ["cilium-operator-generic"]},
                           hostNetwork=True, serviceAccountName="cilium-operator",
                           serviceAccount="cilium-operator")
    return [("daemonsets", agent), ("deployments", operator)]


def _flannel() -> list[tuple[str, dict]]:
    ns = {"apiVersion": "v1", "kind": "Namespace",
          "metadata": {"name": "kube-flannel", "labels": {"k8s-app": "flannel",
                                                          "pod-security.kubernetes.io/enforce": "privileged"}}}
    ds = _daemonset("kube-flannel-ds", "kube-flannel", {"app": "flannel", "k8s-app": "flannel"},
                    {"name": "kube-flannel", "image": f"ghcr.io/flannel-io/flannel:{FLANNEL_VERSION}",
                     "command": ["/opt/bin/flanneld"], "args": ["--ip-masq", "--kube-subnet-mgr"]},
                    serviceAccountName="flannel", serviceAccount="flannel")
    return [("namespaces", ns), ("daemonsets", ds)]


def _kindnet() -> list[tuple[str, dict]]:
    ds = _daemonset("kindnet", "kube-system", {"app": "kindnet", "k8s-app": "kindnet", "tier": "node"},
                    {"name": "kindnet-cni", "image": KINDNET_IMAGE,
                     "env": [{"name": "POD_SUBNET", "value": "10.244.0.0/16"}]},
                    serviceAccountName="kindnet", serviceAccount="kindnet")
    return [("daemonsets", ds)]


PLUGINS = {"calico": _calico, "cilium": _cilium, "flannel": _flannel, "kindnet": _kindnet}
# The images the plugins run (preloaded by minikube with the plugin's manifest).
IMAGE_REPOSITORIES = ("docker.io/calico/", "calico/", "quay.io/cilium/", "ghcr.io/flannel-io/",
                      "docker.io/kindest/")


def workloads(cni: str) -> list[tuple[str, dict]]:
    make = PLUGINS.get((cni or "").lower())
    return make() if make else []
