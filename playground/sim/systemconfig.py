"""The ConfigMaps a fresh minikube holds (`kubectl get cm -A`), and the controller that publishes the
cluster's CA into every namespace.

kube-root-ca.crt: pkg/controller/certificates/rootcacertpublisher/publisher.go writes it (key ca.crt, the
description annotation) into each namespace as it appears, and puts it back when it is deleted or edited.
coredns: kubeadm's Corefile as minikube edits it (coredns.py). The rest are kubeadm's (cmd/kubeadm/app/
phases: uploadconfig's kubeadm-config, kubelet's kubelet-config, bootstraptoken's cluster-info, the
kube-proxy addon's) and the API server's own (extension-apiserver-authentication, written by
pkg/controlplane/controller/clusterauthenticationtrust; the legacy token tracking marker).
"""
from __future__ import annotations

import base64
import time

from . import coredns, pki

ROOT_CA = "kube-root-ca.crt"
ROOT_CA_DESCRIPTION = ("Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
                       "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
                       "guaranteed across distributions of Kubernetes clusters.")
KUBECONFIG_SERVER = "https://control-plane.minikube.internal:8443"


def _cm(ns: str, name: str, data: dict, annotations: dict | None = None, labels: dict | None = None) -> dict:
    meta: dict = {"name": name, "namespace": ns}
    if annotations:
        meta["annotations"] = annotations
    if labels:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data}


def root_ca(ns: str) -> dict:
    return _cm(ns, ROOT_CA, {"ca.crt": pki.CA_CRT}, {"kubernetes.io/description": ROOT_CA_DESCRIPTION})


KUBE_PROXY_CONFIG = """apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: ""
  burst: 0
  contentType: ""
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: 10.244.0.0/16
configSyncPeriod: 0s
conntrack:
  maxPerCore: 0
  min: null
  tcpCloseWaitTimeout: 0s
  tcpEstablishedTimeout: 0s
detectLocalMode: ""
enableProfiling: false
healthzBindAddress: ""
hostnameOverride: ""
iptables:
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  strictARP: false
  syncPeriod: 0s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
kind: KubeProxyConfiguration
metricsBindAddress: 0.0.0.0:10249
mode: ""
nodePortAddresses: null
oomScoreAdj: null
portRange: ""
showHiddenMetricsForAlphaFeatures: false
"""

KUBE_PROXY_KUBECONFIG = f"""apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: {KUBECONFIG_SERVER}
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
"""

KUBEADM_CONFIG = """apiServer:
  certSANs:
  - 127.0.0.1
  - localhost
  - 192.168.49.2
  extraArgs:
  - name: enable-admission-plugins
    value: NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,DefaultTolerationSeconds,NodeRestriction,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota
apiVersion: kubeadm.k8s.io/v1beta4
caCertificateValidityPeriod: 87600h0m0s
certificateValidityPeriod: 8760h0m0s
certificatesDir: /var/lib/minikube/certs
clusterName: mk
controlPlaneEndpoint: control-plane.minikube.internal:8443
controllerManager:
  extraArgs:
  - name: allocate-node-cidrs
    value: "true"
  - name: leader-elect
    value: "false"
dns: {}
encryptionAlgorithm: RSA-2048
etcd:
  local:
    dataDir: /var/lib/minikube/etcd
imageRepository: registry.k8s.io
kind: ClusterConfiguration
kubernetesVersion: %s
networking:
  dnsDomain: cluster.local
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/12
proxy: {}
scheduler:
  extraArgs:
  - name: leader-elect
    value: "false"
"""

KUBELET_CONFIG = """apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /var/lib/minikube/certs/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 0s
    cacheUnauthorizedTTL: 0s
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: ""
cpuManagerReconcilePeriod: 0s
crashLoopBackOff: {}
evictionHard:
  imagefs.available: 0%
  nodefs.available: 0%
  nodefs.inodesFree: 0%
evictionPressureTransitionPeriod: 0s
failSwapOn: false
fileCheckFrequency: 0s
hairpinMode: hairpin-veth
healthzBindAddress: 127.0.0.1
httpCheckFrequency: 0s
imageGCHighThresholdPercent: 100
imageMaximumGCAge: 0s
imageMinimumGCAge: 0s
kind: KubeletConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
memorySwap: {}
nodeStatusReportFrequency: 0s
nodeStatusUpdateFrequency: 0s
rotateCertificates: true
runtimeRequestTimeout: 15m0s
shutdownGracePeriod: 0s
shutdownGracePeriodCriticalPods: 0s
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 0s
syncFrequency: 0s
volumeStatsAggPeriod: 0s
"""


def boot_configmaps(now: float, k8s_version: str) -> list[dict]:
    """The ConfigMaps `minikube start` leaves, in the namespaces it creates (kube-root-ca.crt included: the
    publisher has run by the time the learner looks)."""
    ca_b64 = base64.b64encode(pki.CA_CRT.encode()).decode()
    cluster_info = (f"apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {ca_b64}\n"
                    f"    server: {KUBECONFIG_SERVER}\n  name: \"\"\ncontexts: null\ncurrent-context: \"\"\n"
                    "kind: Config\npreferences: {}\nusers: null\n")
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
    out = [root_ca(ns) for ns in ("default", "kube-node-lease", "kube-public", "kube-system")]
    out += [
        _cm("kube-public", "cluster-info", {"kubeconfig": cluster_info}),
        _cm("kube-system", "coredns", {"Corefile": coredns.COREFILE}),
        _cm("kube-system", "extension-apiserver-authentication", {
            "client-ca-file": pki.CA_CRT,
            "requestheader-allowed-names": '["front-proxy-client"]',
            "requestheader-client-ca-file": pki.CA_CRT,
            "requestheader-extra-headers-prefix": '["X-Remote-Extra-"]',
            "requestheader-group-headers": '["X-Remote-Group"]',
            "requestheader-username-headers": '["X-Remote-User"]'}),
        _cm("kube-system", "kube-apiserver-legacy-service-account-token-tracking", {"since": since[:10]}),
        _cm("kube-system", "kube-proxy", {"config.conf": KUBE_PROXY_CONFIG, "kubeconfig.conf": KUBE_PROXY_KUBECONFIG},
            labels={"app": "kube-proxy"}),
        _cm("kube-system", "kubeadm-config", {"ClusterConfiguration": KUBEADM_CONFIG % k8s_version}),
        _cm("kube-system", "kubelet-config", {"kubelet": KUBELET_CONFIG}),
    ]
    return out


def publish_root_ca(cluster) -> bool:
    """The root CA publisher (controllers run it on every reconcile). Every namespace that is not terminating holds
    kube-root-ca.crt with the cluster's CA; a deleted or edited one is put back."""
    changed = False
    for ns in cluster.list("namespaces"):
        if (ns.get("status") or {}).get("phase") == "Terminating" or ns["metadata"].get("deletionTimestamp"):
            continue
        name = ns["metadata"]["name"]
        cm = cluster.get("configmaps", name, ROOT_CA)
        if cm is None:
            cluster.put(root_ca(name), new=True)
            changed = True
        elif (cm.get("data") or {}).get("ca.crt") != pki.CA_CRT or \
                (cm["metadata"].get("annotations") or {}).get("kubernetes.io/description") != ROOT_CA_DESCRIPTION:
            fixed = root_ca(name)
            fixed["metadata"].update({k: v for k, v in cm["metadata"].items() if k not in ("annotations",)})
            fixed["metadata"].setdefault("annotations", {})["kubernetes.io/description"] = ROOT_CA_DESCRIPTION
            cluster.put(fixed)
            changed = True
    return changed
