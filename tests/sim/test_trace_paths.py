"""Every request the learner makes is a path of diagram elements (notes/diagram-contract.md): the hop ids
are element ids of the live diagram, in order, and a request that was dropped, refused or unanswered has
`stop: true` on the hop where it stopped, with the reason in words."""
from __future__ import annotations

from playground import topology
from tests.sim.podhelpers import Sandbox, with_testpod
from tests.sim.test_podscape_why import EGRESS_ONLY_NGINX, POLICY
from tests.sim.test_podscape_why import cluster as calico_cluster


def path(sb: Sandbox, line: str) -> tuple[dict, list[str]]:
    """The last trace of a command, checked against the diagram: every hop is drawn, at most one stops."""
    r = sb.run(line)
    assert r.traces, (line, r.output)
    trace = r.traces[-1]
    drawn = {e["data"]["id"] for e in topology.elements(sb.engine)}
    ids = [h["id"] for h in trace["hops"]]
    assert all(i in drawn for i in ids), (ids, sorted(drawn))
    stops = [h["id"] for h in trace["hops"] if h.get("stop")]
    assert len(stops) == (0 if trace["verdict"] == "ok" else 1), trace
    return trace, ids


def stop_of(trace: dict) -> str:
    return next(h["id"] for h in trace["hops"] if h.get("stop"))


def nodeport(seed: int = 41, *extra: str) -> Sandbox:
    return Sandbox(seed).setup("kubectl create deploy nginx-app --image=nginx:latest --replicas=2",
                               "kubectl create service nodeport nginx-app --tcp=80:80 --node-port=32000", *extra)


# ---- the shapes of a path -----------------------------------------------------------------------------
def test_host_through_a_nodeport():
    trace, ids = path(nodeport(), "curl -s 192.168.49.2:32000")
    assert trace["verdict"] == "ok"
    assert ids[:3] == ["host", "nodeport/minikube/32000", "service/default/nginx-app"]
    assert ids[3].startswith("pod/default/nginx-app-") and len(ids) == 4


def test_host_by_name_reads_etc_hosts_on_its_own_hop():
    trace, ids = path(nodeport(42), "curl -s minikube:32000")
    assert ids[:3] == ["host", "nodeport/minikube/32000", "service/default/nginx-app"]
    assert "minikube -> 192.168.49.2 (/etc/hosts)" in trace["hops"][0]["detail"]


def test_pod_through_kube_dns_and_a_service():
    trace, ids = path(with_testpod(43), "kubectl exec testpod -- wget -qO- nginx-app")
    assert trace["verdict"] == "ok"
    assert ids[:3] == ["pod/default/testpod", "service/kube-system/kube-dns", "service/default/nginx-app"]
    assert ids[3].startswith("pod/default/nginx-app-")


def test_host_through_the_ingress_controller_a_rule_and_a_service():
    sb = Sandbox(44).setup("minikube addons enable ingress", "kubectl create deploy web --image=nginx",
                           "kubectl expose deploy web --port=80",
                           'kubectl create ingress web --rule="web.example.com/*=web:80"',
                           'echo "192.168.49.2 web.example.com" | sudo tee -a /etc/hosts')
    trace, ids = path(sb, "curl -s web.example.com/")
    assert trace["verdict"] == "ok" and trace["source"] == "host"
    assert ids[0] == "host" and ids[1].startswith("pod/ingress-nginx/ingress-nginx-controller-")
    assert ids[2:4] == ["ingress/default/web", "service/default/web"] and ids[4].startswith("pod/default/web-")


def test_nslookup_asks_kube_dns():
    trace, ids = path(with_testpod(45), "kubectl exec testpod -- nslookup nginx-app")
    assert trace["verdict"] == "ok" and ids == ["pod/default/testpod", "service/kube-system/kube-dns"]


# ---- where a failed request stops ----------------------------------------------------------------------
def test_a_policy_drop_stops_at_the_isolated_pod_and_names_the_policy():
    sb = calico_cluster().setup(POLICY)
    trace, ids = path(sb, "kubectl exec busybox -- wget --spider --timeout=1 nginx")
    assert trace["verdict"] == "dropped"
    assert stop_of(trace) == "pod/default/nginx" == ids[-1]
    assert trace["hops"][-1]["policies"] == ["networkpolicy/default/access-nginx"]     # the red end: the policy
    assert "NetworkPolicy drops it" in trace["reason"] and "access-nginx" in trace["why"]


def test_an_egress_drop_stops_at_the_client_pod():
    sb = calico_cluster().setup(EGRESS_ONLY_NGINX)
    sb.setup("kubectl run other --image=nginx --labels=app=other --port=80")
    ip = sb.pod_ip("other")
    trace, ids = path(sb, f"kubectl exec busybox -- wget --spider --timeout=1 {ip}")
    assert trace["verdict"] == "dropped" and stop_of(trace) == "pod/default/busybox"
    assert "egress from default/busybox is isolated by default/busybox-out" in trace["reason"]
    assert trace["hops"][0]["policies"] == ["networkpolicy/default/busybox-out"]


def test_no_endpoints_stops_at_the_service():
    sb = Sandbox(46).setup("kubectl create service nodeport lonely --tcp=80:80 --node-port=30080")
    trace, ids = path(sb, "curl -s 192.168.49.2:30080")
    assert trace["verdict"] == "refused" and stop_of(trace) == "service/default/lonely"
    assert ids == ["host", "nodeport/minikube/30080", "service/default/lonely"]
    assert "no ready endpoints" in trace["reason"]


def test_no_such_port_on_a_service_stops_at_the_service():
    sb = with_testpod(47)
    trace, ids = path(sb, "kubectl exec testpod -- wget -T 1 -qO- nginx-app:8080")
    assert trace["verdict"] == "timeout" and stop_of(trace) == "service/default/nginx-app"
    assert "has no port 8080" in trace["reason"]


def test_a_name_that_does_not_resolve_stops_at_the_host_or_at_kube_dns():
    trace, ids = path(nodeport(48), "curl -s nosuch.example.com:32000")
    assert trace["verdict"] == "unresolved" and ids == ["host"] and stop_of(trace) == "host"
    assert "does not resolve" in trace["reason"]
    trace, ids = path(with_testpod(49), "kubectl exec testpod -- wget -qO- nosuch")
    assert trace["verdict"] == "unresolved" and stop_of(trace) == "service/kube-system/kube-dns"
    assert "does not resolve: the cluster DNS has no record for it" in trace["reason"]
    trace, ids = path(with_testpod(50), "kubectl exec testpod -- nslookup nosuch")
    assert trace["verdict"] == "unresolved" and stop_of(trace) == "service/kube-system/kube-dns"


def test_dns_dropped_by_an_egress_policy_stops_at_the_client_and_says_why():
    sb = calico_cluster().setup(EGRESS_ONLY_NGINX)
    trace, ids = path(sb, "kubectl exec busybox -- nslookup nginx")
    assert trace["verdict"] == "dropped" and stop_of(trace) == "pod/default/busybox"
    assert "queries to kube-dns are dropped" in trace["reason"]
    trace, ids = path(sb, "kubectl exec busybox -- wget -T 1 -qO- nginx")
    assert trace["verdict"] == "unresolved" and stop_of(trace) == "service/kube-system/kube-dns"
    assert "queries to kube-dns are dropped" in trace["reason"]


def test_nothing_listening_stops_at_the_pod():
    sb = Sandbox(51).setup("kubectl create deploy web --image=nginx",
                           "kubectl create service nodeport web --tcp=80:8080 --node-port=31000")
    trace, ids = path(sb, "curl -s 192.168.49.2:31000")
    assert trace["verdict"] == "refused" and stop_of(trace) == ids[-1] and ids[-1].startswith("pod/default/web-")
    assert "no process listening on port 8080" in trace["reason"]


def test_a_node_port_nobody_opened_stops_at_the_node():
    trace, ids = path(nodeport(52), "curl -s 192.168.49.2:32001")
    assert trace["verdict"] == "refused" and ids == ["host", "node/minikube"] and stop_of(trace) == "node/minikube"
    assert "nothing listens on port 32001" in trace["reason"]


def test_a_cluster_ip_from_the_host_never_leaves_the_host():
    sb = nodeport(53)
    trace, ids = path(sb, f"curl -s -m 2 {sb.svc_ip('nginx-app')}")
    assert trace["verdict"] == "timeout" and ids == ["host"] and stop_of(trace) == "host"
    assert "exist only inside the cluster" in trace["reason"]


def test_an_ingress_whose_service_is_missing_stops_at_the_rule():
    sb = Sandbox(54).setup("minikube addons enable ingress",
                           'kubectl create ingress web --rule="web.example.com/*=missing:80"',
                           'echo "192.168.49.2 web.example.com" | sudo tee -a /etc/hosts')
    trace, ids = path(sb, "curl -s web.example.com/")
    assert trace["verdict"] == "refused" and stop_of(trace) == "ingress/default/web"
    assert "Service missing does not exist" in trace["reason"]


def test_an_ingress_backend_without_endpoints_stops_at_the_service():
    sb = Sandbox(55).setup("minikube addons enable ingress", "kubectl create service clusterip web --tcp=80:80",
                           'kubectl create ingress web --rule="web.example.com/*=web:80"',
                           'echo "192.168.49.2 web.example.com" | sudo tee -a /etc/hosts')
    trace, ids = path(sb, "curl -s web.example.com/")
    assert ids[2:] == ["ingress/default/web", "service/default/web"]
    assert trace["verdict"] == "refused" and stop_of(trace) == "service/default/web"
    assert "has no ready endpoints" in trace["reason"]


def test_podscape_why_draws_its_verdict_as_a_path():
    sb = calico_cluster().setup(POLICY)
    trace, ids = path(sb, "podscape why busybox nginx:80")                   # the pod named nginx
    assert ids == ["pod/default/busybox", "pod/default/nginx"]
    assert trace["verdict"] == "dropped" and stop_of(trace) == "pod/default/nginx"
    trace, ids = path(sb, f"podscape why busybox {sb.svc_ip('nginx')}:80")    # through the Service
    assert ids == ["pod/default/busybox", "service/default/nginx", "pod/default/nginx"]
    assert trace["hops"][-1]["policies"] == ["networkpolicy/default/access-nginx"]
    assert "isolated by default/access-nginx" in trace["reason"] and trace["why"].splitlines()[0].endswith("DENIED")
    sb.setup("kubectl label pod busybox access=true")
    trace, ids = path(sb, "podscape why busybox nginx:80")
    assert trace["verdict"] == "ok" and "allowed by default/access-nginx" in trace["why"]


def test_ping_reaches_the_pod_it_names():
    sb = with_testpod(56)
    ip = sb.pod_ip(sb.cluster.list("pods", "default")[0]["metadata"]["name"])
    trace, ids = path(sb, f"kubectl exec testpod -- ping -c 1 {ip}")
    assert trace["verdict"] == "ok" and ids[0] == "pod/default/testpod" and ids[1].startswith("pod/default/")
    trace, ids = path(sb, f"kubectl exec testpod -- ping -c 1 {sb.svc_ip('nginx-app')}")
    assert ids == ["pod/default/testpod", "service/default/nginx-app"] and stop_of(trace) == "service/default/nginx-app"
