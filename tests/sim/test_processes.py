"""Containers run their command: what listens where follows from the process, not from the image alone.

Sources followed: kubernetes/kubernetes test/images/agnhost/netexec/netexec.go (rootHandler prints
"NOW: %v" of time.Now(), hostnameHandler the hostname, echoHandler msg, clientIPHandler r.RemoteAddr,
unknown paths 404 from net/http; --http-port defaults to 8080), test/images/agnhost/serve-hostname
(--port 9376, --http answers the hostname), google-samples hello-app main.go (PORT, default 8080),
hashicorp/http-echo (-listen :5678, -text), and Kubernetes' command/args rules (command replaces the
image's ENTRYPOINT and CMD; args replaces CMD). The Hello Minikube tutorial is
kubernetes.io/docs/tutorials/hello-minikube/.
"""
from __future__ import annotations

import re

import pytest

from .podhelpers import Sandbox

AGNHOST = "registry.k8s.io/e2e-test-images/agnhost:2.53"


@pytest.fixture()
def hello_node():
    return Sandbox(5).setup(
        f"kubectl create deployment hello-node --image={AGNHOST} -- /agnhost netexec --http-port=8080",
        "kubectl expose deployment hello-node --type=LoadBalancer --port=8080")


def test_hello_minikube_answers_as_agnhost_netexec(hello_node):
    sb = hello_node
    assert "1/1     Running" in sb.out("kubectl get pods")
    url = sb.out("minikube service hello-node --url").strip().splitlines()[-1]
    assert re.fullmatch(r"http://192\.168\.49\.2:3\d{4}", url)
    assert re.fullmatch(r"NOW: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} \+0000 UTC m=\+\d+\.\d{9}",
                        sb.out(f"curl -s {url}"))
    pod = next(p["metadata"]["name"] for p in sb.cluster.list("pods", "default"))
    assert sb.out(f"curl -s {url}/hostname") == pod
    assert sb.out(f"curl -s '{url}/echo?msg=hello%20there'") == "hello there"
    assert sb.out(f"curl -s {url}/nope") == "404 page not found\n"
    # netexec logs each request the way its handlers log.Printf them
    logs = sb.out("kubectl logs deploy/hello-node")
    assert re.search(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d GET /hostname$", logs, re.M)


def test_agnhost_without_a_subcommand_pauses_and_serves_nothing():
    sb = Sandbox(6).setup(f"kubectl run quiet --image={AGNHOST}", "kubectl run bb --image=busybox -- sleep 3600")
    ip = sb.pod_ip("quiet")
    r = sb.run(f"kubectl exec bb -- wget -qO- {ip}:8080")
    assert r.exit_code == 1 and "Connection refused" in r.output


def test_serve_hostname_replicas_behind_a_service_each_answer_their_name():
    sb = Sandbox(7).setup(
        f"kubectl create deployment sh --image={AGNHOST} --replicas=3 -- /agnhost serve-hostname --port 9376 --http",
        "kubectl expose deployment sh --port=80 --target-port=9376",
        "kubectl run bb --image=busybox -- sleep 3600")
    out = sb.out("kubectl exec bb -- sh -c 'for i in $(seq 12); do wget -qO- sh; echo; done | sort | uniq -c'")
    names = sorted(p["metadata"]["name"] for p in sb.cluster.list("pods", "default")
                   if p["metadata"]["name"].startswith("sh-"))
    seen = re.findall(r"^ +(\d+) (\S+)$", out, re.M)
    assert sorted(n for _, n in seen) == names and sum(int(c) for c, _ in seen) == 12


@pytest.mark.parametrize("run_line,port,expect", [
    ("kubectl run s --image=hashicorp/http-echo -- -listen=:5678 -text=hi", 5678, "hi\n"),
    ("kubectl run s --image=hashicorp/http-echo -- -listen=:9090 -text=moved", 9090, "moved\n"),
    ("kubectl run s --image=gcr.io/google-samples/hello-app:1.0 --env=PORT=9000", 9000, "Hostname: s\n"),
    ("kubectl run s --image=python:3.12 -- python3 -m http.server 8000", 8000, "Directory listing for /"),
    ("kubectl run s --image=busybox -- httpd -f -p 8080", 8080, "404 Not Found"),
    ("kubectl run s --image=busybox -- sh -c 'echo start; httpd -f -p 8081'", 8081, "404 Not Found"),
    ("kubectl run s --image=nginx", 80, "Welcome to nginx!"),
])
def test_the_command_decides_the_port(run_line, port, expect):
    sb = Sandbox(8).setup(run_line, "kubectl run bb --image=busybox -- sleep 3600")
    ip = sb.pod_ip("s")
    r = sb.run(f"kubectl exec bb -- wget -qO- {ip}:{port}")
    assert expect in r.output
    assert sb.run(f"kubectl exec bb -- wget -qO- {ip}:7").exit_code == 1      # and nothing else listens


def test_hello_app_moved_by_port_no_longer_listens_on_8080():
    sb = Sandbox(9).setup("kubectl run s --image=gcr.io/google-samples/hello-app:1.0 --env=PORT=9000",
                          "kubectl run bb --image=busybox -- sleep 3600")
    r = sb.run(f"kubectl exec bb -- wget -qO- {sb.pod_ip('s')}:8080")
    assert "Connection refused" in r.output and r.exit_code == 1


def test_nc_listener_accepts_connections():
    sb = Sandbox(10).setup("kubectl run n --image=busybox -- nc -lk -p 9000",
                           "kubectl run bb --image=busybox -- sleep 3600")
    ip = sb.pod_ip("n")
    assert sb.run(f"kubectl exec bb -- nc -z -w 1 {ip} 9000").exit_code == 0
    assert sb.run(f"kubectl exec bb -- nc -z -w 1 {ip} 9001").exit_code == 1


def test_a_command_that_exits_ends_the_container_with_its_status():
    """Completed for 0, Error otherwise; Never keeps it terminated, Always and OnFailure (on failure)
    restart it with back-off (kubelet's restart policy; the pod phase Succeeded or Failed)."""
    sb = Sandbox(11).setup("kubectl run a --image=busybox --restart=Never -- sh -c 'echo hi; exit 3'",
                           "kubectl run b --image=busybox --restart=Never -- sh -c 'echo hi'",
                           "kubectl run c --image=busybox -- sh -c 'exit 2'",
                           "kubectl run d --image=busybox --restart=OnFailure -- false",
                           "kubectl run e --image=busybox --restart=OnFailure -- true")
    rows = {line.split()[0]: line.split()[2] for line in sb.out("kubectl get pods").splitlines()[1:]}
    assert rows == {"a": "Error", "b": "Completed", "c": "CrashLoopBackOff", "d": "CrashLoopBackOff",
                    "e": "Completed"}
    assert sb.cluster.get("pods", "default", "a")["status"]["phase"] == "Failed"
    assert sb.cluster.get("pods", "default", "b")["status"]["phase"] == "Succeeded"
    described = sb.out("kubectl describe pod a")
    assert re.search(r"Reason: +Error\n +Exit Code: +3\n", described)
    assert sb.out("kubectl logs a") == "hi\n"


def test_an_ingress_reaches_the_process_behind_its_service():
    sb = Sandbox(12).setup(
        f"kubectl create deployment hello-node --image={AGNHOST} -- /agnhost netexec --http-port=8080",
        "kubectl expose deployment hello-node --port=8080",
        "minikube addons enable ingress",
        "kubectl create ingress hn --class=nginx --rule=/*=hello-node:8080")
    sb.setup("kubectl get pods -A")
    pod = next(p["metadata"]["name"] for p in sb.cluster.list("pods", "default"))
    assert sb.out("curl -s http://192.168.49.2/hostname") == pod


def test_agnhost_connect_tells_refused_and_dropped_apart():
    """The NetworkPolicy e2e probe (test/e2e/network/netpol/probe.go runs `/agnhost connect ADDR:PORT
    --timeout=1s --protocol=tcp`; connect.go prints TIMEOUT / REFUSED / DNS on stderr, exit 1)."""
    sb = Sandbox(13).setup("minikube delete", "minikube start --cni=calico")   # a CNI that enforces policy
    sb.setup(
        f"kubectl run a --image={AGNHOST} --labels=pod=a --command -- /agnhost serve-hostname --port 80 --http",
        f"kubectl run b --image={AGNHOST} --labels=pod=b --command -- /agnhost serve-hostname --port 80 --http",
        f"kubectl run c --image={AGNHOST} --labels=pod=c --command -- /agnhost serve-hostname --port 80 --http")
    b, c = sb.pod_ip("b"), sb.pod_ip("c")
    probe = "kubectl exec a -c a -- /agnhost connect {}:{} --timeout=1s --protocol=tcp"
    assert (sb.run(probe.format(b, 80)).output, sb.run(probe.format(b, 80)).exit_code) == ("", 0)
    r = sb.run(probe.format(b, 81))
    assert (r.output, r.exit_code) == ("REFUSED\ncommand terminated with exit code 1\n", 1)
    sb.engine.host.files["/home/student/deny.yaml"] = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-c}
spec:
  podSelector: {matchLabels: {pod: c}}
  policyTypes: [Ingress]
"""
    sb.setup("kubectl apply -f deny.yaml")
    r = sb.run(probe.format(c, 80))
    assert (r.output, r.exit_code) == ("TIMEOUT\ncommand terminated with exit code 1\n", 1)
    r = sb.run(probe.format("nosuch.x.svc.cluster.local", 80))
    assert r.output.startswith("DNS: ") and r.exit_code == 1
