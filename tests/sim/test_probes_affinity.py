"""Readiness probes and sessionAffinity: ClientIP, as learners test them through a Service.

Sources: pkg/kubelet/prober (httpGet passes on [200, 400), "HTTP probe failed with statuscode: N", the
dial error when nothing listens; tcpSocket passes when the port accepts), the endpoints controller
(unready pods go to notReadyAddresses), pkg/apis/core/v1/defaults.go SetDefaults_Service
(sessionAffinity ClientIP gets clientIP.timeoutSeconds 10800), and kube-proxy's ClientIP affinity (one
client sticks to one endpoint). agnhost serve-hostname answers `/` with the pod's hostname.
"""
from __future__ import annotations

import re

from .podhelpers import Sandbox

AGNHOST = "registry.k8s.io/e2e-test-images/agnhost:2.53"
LOOP = "kubectl exec bb -- sh -c 'for i in $(seq 12); do wget -qO- web; echo; done | sort | uniq -c'"


def manifest(probe_path: str = "/", probe_port: int = 9376, kind: str = "httpGet") -> str:
    probe = f"{{path: {probe_path}, port: {probe_port}}}" if kind == "httpGet" else f"{{port: {probe_port}}}"
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: 3
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - name: web
        image: {AGNHOST}
        args: [serve-hostname, --port, "9376", --http]
        readinessProbe:
          {kind}: {probe}
---
apiVersion: v1
kind: Pod
metadata: {{name: bad, labels: {{app: web}}}}
spec:
  containers:
  - name: bad
    image: {AGNHOST}
    args: [netexec, --http-port=8080]
    readinessProbe:
      {kind}: {probe}
"""


def cluster(kind: str = "httpGet", seed: int = 5) -> Sandbox:
    sb = Sandbox(seed)
    sb.engine.host.files["/home/student/m.yaml"] = manifest(kind=kind)
    return sb.setup("kubectl apply -f m.yaml", "kubectl expose deployment web --port=80 --target-port=9376",
                    "kubectl run bb --image=busybox -- sleep 3600")


def web_pods(sb: Sandbox) -> list[str]:
    return sorted(p["metadata"]["name"] for p in sb.cluster.list("pods", "default")
                  if p["metadata"]["name"].startswith("web-"))


def test_a_pod_failing_readiness_is_listed_unready_and_leaves_the_endpoints():
    sb = cluster()
    assert re.search(r"^bad +0/1 +Running", sb.out("kubectl get pods"), re.M)
    assert all(re.search(rf"^{n} +1/1 +Running", sb.out("kubectl get pods"), re.M) for n in web_pods(sb))
    bad_ip = sb.pod_ip("bad")
    endpoints = sb.out("kubectl get endpoints web")
    assert bad_ip not in endpoints and endpoints.count(":9376") == 3
    ep = sb.cluster.get("endpoints", "default", "web")
    assert [a["ip"] for s in ep["subsets"] for a in s.get("notReadyAddresses", [])] == [bad_ip]
    assert (f'Readiness probe failed: Get "http://{bad_ip}:9376/": dial tcp {bad_ip}:9376: connect: '
            "connection refused") in sb.out("kubectl describe pod bad")


def test_the_unready_pod_gets_no_traffic():
    sb = cluster()
    seen = dict((n, int(c)) for c, n in re.findall(r"^ +(\d+) (\S+)$", sb.out(LOOP), re.M))
    assert sorted(seen) == web_pods(sb) and sum(seen.values()) == 12


def test_tcp_socket_probe_fails_only_where_nothing_listens():
    sb = cluster(kind="tcpSocket")
    out = sb.out("kubectl get pods")
    assert re.search(r"^bad +0/1", out, re.M) and len(re.findall(r"^web-\S+ +1/1", out, re.M)) == 3


def test_http_probe_status_decides():
    sb = Sandbox(6)
    sb.engine.host.files["/home/student/p.yaml"] = f"""apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  containers:
  - name: p
    image: {AGNHOST}
    args: [netexec, --http-port=8080]
    readinessProbe:
      httpGet: {{path: /nope, port: 8080}}
"""
    sb.setup("kubectl apply -f p.yaml")
    assert re.search(r"^p +0/1 +Running", sb.out("kubectl get pods"), re.M)
    assert "Readiness probe failed: HTTP probe failed with statuscode: 404" in sb.out("kubectl describe pod p")


def test_client_ip_affinity_defaults_its_timeout_and_pins_one_replica():
    sb = cluster()
    sb.setup("""kubectl patch svc web -p '{"spec":{"sessionAffinity":"ClientIP"}}'""")
    assert sb.out("kubectl get svc web -o jsonpath='{.spec.sessionAffinityConfig}'") == \
        '{"clientIP":{"timeoutSeconds":10800}}'
    lines = re.findall(r"^ +(\d+) (\S+)$", sb.out(LOOP), re.M)
    assert len(lines) == 1 and lines[0][0] == "12" and lines[0][1] in web_pods(sb)
