"""Traffic from pods: busybox wget through DNS -> Service VIP -> endpoint -> container port, each failure
mode as wget reports it, kube-proxy's choice of endpoint, and Endpoints following pod changes at once."""
from __future__ import annotations

import re

from .podhelpers import Sandbox, with_testpod


def wget(sb, target: str, flags: str = ""):
    r = sb.run(f"kubectl exec testpod -- wget {flags} {target}".replace("  ", " "))
    return r


def test_wget_through_the_service_saves_the_page():
    sb = with_testpod(31)
    ip = sb.svc_ip("nginx-app")
    r = wget(sb, "nginx-app")
    assert r.output == (f"Connecting to nginx-app ({ip}:80)\nsaving to 'index.html'\n"
                        "index.html           100% |********************************|   896  0:00:00 ETA\n"
                        "'index.html' saved\n")
    trace = r.traces[-1]
    assert trace["verdict"] == "ok" and trace["source"] == "pod/default/testpod"
    assert [h["kind"] for h in trace["hops"]] == ["pod", "dns", "service", "pod"]
    # a second download refuses to overwrite (busybox opens with O_EXCL)
    assert wget(sb, "nginx-app").output.endswith("wget: can't open 'index.html': File exists\n"
                                                 "command terminated with exit code 1\n")


def test_spider_and_stdout():
    sb = with_testpod(32)
    ip = sb.svc_ip("nginx-app")
    assert wget(sb, "nginx-app", "--spider").output == f"Connecting to nginx-app ({ip}:80)\nremote file exists\n"
    assert wget(sb, "nginx-app", "-qO-").output.startswith("<!DOCTYPE html>")


def test_bad_address():
    sb = with_testpod(33)
    r = wget(sb, "nosuch")
    assert (r.output, r.exit_code) == ("wget: bad address 'nosuch'\ncommand terminated with exit code 1\n", 1)
    assert r.traces[-1]["verdict"] == "unresolved"


def test_connection_refused_when_nothing_listens():
    sb = with_testpod(34)
    ip = sb.pod_ip("testpod")
    r = wget(sb, f"{ip}:8080", "-q")
    assert r.output == f"wget: can't connect to remote host ({ip}): Connection refused\ncommand terminated with exit code 1\n"


def test_service_without_ready_endpoints_refuses():
    sb = with_testpod(35, "kubectl create service clusterip empty --tcp=80:80")
    ip = sb.svc_ip("empty")
    r = wget(sb, "empty")
    assert r.output == (f"Connecting to empty ({ip}:80)\nwget: can't connect to remote host ({ip}): Connection refused\n"
                        "command terminated with exit code 1\n")
    assert "no ready endpoints" in r.traces[-1]["reason"]


def test_timeout_where_packets_go_nowhere():
    sb = with_testpod(36)
    ip = sb.svc_ip("nginx-app")
    r = wget(sb, "nginx-app:81", "--spider --timeout=1")
    assert r.output == f"Connecting to nginx-app ({ip}:81)\nwget: download timed out\ncommand terminated with exit code 1\n"
    r = wget(sb, "nginx-app:81", "-q")
    assert r.output == (f"wget: can't connect to remote host ({ip}): Connection timed out\n"
                        "command terminated with exit code 1\n")


def test_http_error():
    sb = with_testpod(37)
    r = wget(sb, "nginx-app/nothing-here", "-q")
    assert r.output == "wget: server returned error: HTTP/1.1 404 Not Found\ncommand terminated with exit code 1\n"


def test_ping_a_cluster_ip_gets_no_answer_but_a_pod_answers():
    sb = with_testpod(38)
    ip = sb.svc_ip("nginx-app")
    r = sb.run("kubectl exec testpod -- ping -c 2 nginx-app")
    assert r.output == (f"PING nginx-app ({ip}): 56 data bytes\n\n--- nginx-app ping statistics ---\n"
                        "2 packets transmitted, 0 packets received, 100% packet loss\n"
                        "command terminated with exit code 1\n")
    pod_ip = next(p["status"]["podIP"] for p in sb.cluster.list("pods", "default")
                  if p["metadata"]["name"].startswith("nginx-app-"))
    out = sb.out(f"kubectl exec testpod -- ping -c 1 {pod_ip}")
    assert re.search(rf"64 bytes from {re.escape(pod_ip)}: seq=0 ttl=64 time=\d\.\d{{3}} ms", out)
    assert "1 packets transmitted, 1 packets received, 0% packet loss" in out


def ep_ips(sb, wait: float = 1.0) -> list[str]:
    out = sb.out("kubectl get endpoints nginx-app -o jsonpath='{.subsets[*].addresses[*].ip}'", wait=wait)
    return re.findall(r"\b10\.244\.\d+\.\d+\b", out.split("\n", 1)[-1])     # after the deprecation warning


def backends(sb, n: int = 30) -> list[str]:
    names = []
    for _ in range(n):
        r = wget(sb, "nginx-app", "-q --spider")
        assert r.exit_code == 0, r.output
        names.append(r.traces[-1]["hops"][-1]["label"])
    return names


def test_kube_proxy_picks_endpoints_at_random_and_client_ip_affinity_sticks():
    sb = with_testpod(39)
    assert len(set(backends(sb))) == 3
    sb.run("kubectl patch service nginx-app -p '{\"spec\":{\"sessionAffinity\":\"ClientIP\"}}'")
    assert len(set(backends(sb))) == 1


def test_endpoints_and_traffic_follow_deleted_and_relabelled_pods_at_once():
    sb = with_testpod(40, "kubectl run extra --image=nginx --labels=app=nginx-app")
    extra_ip = sb.pod_ip("extra")
    assert extra_ip in ep_ips(sb)
    assert "extra" in set(backends(sb, 40))
    # relabel the standalone pod out of the Service: Endpoints and traffic drop it at once
    sb.run("kubectl label pod extra app=debug --overwrite")
    assert extra_ip not in ep_ips(sb)
    assert "extra" not in set(backends(sb, 20))
    # and back in
    sb.run("kubectl label pod extra app=nginx-app --overwrite")
    assert extra_ip in ep_ips(sb)
    # delete a Deployment pod: it leaves the Endpoints in the same command
    victim = next(p["metadata"]["name"] for p in sb.cluster.list("pods", "default")
                  if p["metadata"]["name"].startswith("nginx-app-"))
    victim_ip = sb.pod_ip(victim)
    sb.run(f"kubectl delete pod {victim}")
    assert victim_ip not in ep_ips(sb, wait=0)
    assert victim not in set(backends(sb, 20))
    # no pods left behind the Service: connections are refused at once
    sb.run("kubectl delete deploy nginx-app")
    sb.run("kubectl delete pod extra")
    assert ep_ips(sb) == []
    assert "<none>" in sb.out("kubectl get endpoints nginx-app")
    assert "Connection refused" in wget(sb, "nginx-app", "-q").output


def test_named_target_port_resolves_per_pod():
    sb = Sandbox(41)
    manifest = """cat <<'EOF' > web.yaml
apiVersion: v1
kind: Pod
metadata: {name: a, labels: {app: web}}
spec:
  containers:
  - {name: c, image: nginx, ports: [{name: web, containerPort: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, labels: {app: web}}
spec:
  containers:
  - {name: c, image: gcr.io/google-samples/hello-app:2.0, ports: [{name: web, containerPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: web}]
EOF"""
    sb.setup(manifest, "kubectl apply -f web.yaml", "kubectl run testpod --image=busybox -- sleep 3600")
    bodies = {sb.out("kubectl exec testpod -- wget -qO- web") for _ in range(20)}
    assert any("Welcome to nginx!" in b for b in bodies)
    assert "Hello, world!\nVersion: 2.0.0\nHostname: b\n" in bodies


def test_curl_from_a_pod_uses_cluster_dns():
    sb = with_testpod(42, "kubectl run web --image=nginx")
    out = sb.out("kubectl exec web -- curl -s -o /dev/null -w '%{http_code}' nginx-app.default.svc.cluster.local")
    assert out == "200"
