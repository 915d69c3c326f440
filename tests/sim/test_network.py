"""The one network walk: what reaches what from the learner's host and from pods, and why not."""
from __future__ import annotations

import re

import pytest

from playground.sim import controllers, defaults, network
from playground.sim.cluster import SERVICE_CIDR
from playground.sim.engine import Engine

T0 = 1_800_000_000.0


# ---- building state through the Cluster API, as the kubectl commands will --------------------------
def new_engine(seed: int = 7) -> Engine:
    return Engine.new(seed=seed, now=T0)


def settle(engine: Engine, seconds: float = 10) -> None:
    """Let the clock run so pods pull, start and become endpoints."""
    engine.cluster.now += seconds
    controllers.reconcile(engine.cluster)


def add_deployment(engine: Engine, name: str, image: str, replicas: int = 3, labels: dict | None = None) -> dict:
    labels = labels or {"app": name}
    dep = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": name, "namespace": "default", "labels": dict(labels)},
           "spec": {"replicas": replicas, "selector": {"matchLabels": dict(labels)},
                    "template": {"metadata": {"labels": dict(labels)},
                                 "spec": {"containers": [{"name": image.split(":")[0].rsplit("/", 1)[-1],
                                                          "image": image}]}}}}
    defaults.apply_defaults("deployments", dep)
    engine.cluster.put(dep, new=True)
    controllers.reconcile(engine.cluster)
    settle(engine)
    return dep


def add_service(engine: Engine, name: str, *, type_: str = "ClusterIP", port: int = 80, target=80,
                node_port: int | None = None, selector: dict | None = None, affinity: str | None = None) -> dict:
    c = engine.cluster
    ip = c.allocate_cluster_ip()
    sp = {"port": port, "protocol": "TCP", "targetPort": target}
    if type_ in ("NodePort", "LoadBalancer"):
        sp["nodePort"] = node_port or c.allocate_node_port()
    svc = {"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
           "spec": {"type": type_, "selector": selector or {"app": name}, "ports": [sp],
                    "clusterIP": ip, "clusterIPs": [ip]}}
    if affinity:
        svc["spec"]["sessionAffinity"] = affinity
    defaults.service(svc)
    c.put(svc, new=True)
    controllers.reconcile(c)
    return svc


def nginx_nodeport(seed: int = 7, **kw) -> tuple[Engine, dict]:
    """The tutorial's state: 3 nginx replicas behind a NodePort Service on 32000."""
    e = new_engine(seed)
    add_deployment(e, "nginx-app", "nginx:latest", 3)
    svc = add_service(e, "nginx-app", type_="NodePort", node_port=32000, **kw)
    return e, svc


def pod_names(engine: Engine, app: str) -> set[str]:
    return {p["metadata"]["name"] for p in engine.cluster.list("pods", "default")
            if p["metadata"].get("labels", {}).get("app") == app}


def host_walk(engine: Engine, dest: str, port: int) -> network.Walk:
    return network.walk(engine.cluster, engine.host.files, network.HOST, dest, port)


# ---- NodePort from the host --------------------------------------------------------------------------
def test_nodeport_reaches_every_replica_of_the_deployment():
    e, _ = nginx_nodeport()
    pods = pod_names(e, "nginx-app")
    assert len(pods) == 3
    seen = set()
    for _ in range(60):
        w = host_walk(e, "192.168.49.2", 32000)
        assert w.verdict == "ok", w.reason
        assert w.backend.image == "nginx:latest" and w.backend.port == 80
        seen.add(w.backend.pod)
    assert seen == pods


def test_nodeport_walk_lists_each_hop_with_diagram_ids():
    e, _ = nginx_nodeport()
    w = host_walk(e, "192.168.49.2", 32000)
    ids = [h["id"] for h in w.hops]
    assert ids[:3] == ["host", "nodeport/minikube/32000", "service/default/nginx-app"]
    assert ids[3] == f"pod/default/{w.backend.pod}"
    assert all(set(h) == {"id", "kind", "label", "detail"} for h in w.hops)
    trace = w.as_trace()
    assert trace["source"] == "host" and trace["verdict"] == "ok" and trace["hops"] == w.hops   # no stop


def test_client_ip_affinity_sticks_to_one_pod():
    e, _ = nginx_nodeport(affinity="ClientIP")
    backends = {host_walk(e, "192.168.49.2", 32000).backend.pod for _ in range(30)}
    assert len(backends) == 1


def test_minikube_name_resolves_through_etc_hosts():
    e, _ = nginx_nodeport()
    w = host_walk(e, "minikube", 32000)
    assert w.verdict == "ok" and w.ip == "192.168.49.2"


def test_a_node_port_nobody_uses_is_refused():
    e, _ = nginx_nodeport()
    w = host_walk(e, "192.168.49.2", 32001)
    assert (w.verdict, w.errno, w.elapsed_ms) == ("refused", "Connection refused", 0)


def test_nodeport_without_endpoints_is_refused_by_kube_proxy():
    e = new_engine()
    add_service(e, "lonely", type_="NodePort", node_port=30080)
    w = host_walk(e, "192.168.49.2", 30080)
    assert w.verdict == "refused"
    assert "no ready endpoints" in w.reason
    assert [h["id"] for h in w.hops][-1] == "service/default/lonely"


def test_target_port_where_the_container_does_not_listen_is_refused():
    e = new_engine()
    add_deployment(e, "web", "nginx:1.27", 2)
    add_service(e, "web", type_="NodePort", node_port=31000, target=8080)   # nginx listens on 80
    w = host_walk(e, "192.168.49.2", 31000)
    assert w.verdict == "refused"
    assert "no process listening on port 8080" in w.reason


def test_endpoints_follow_the_selector_when_pods_are_relabelled():
    e, _ = nginx_nodeport()
    victim = sorted(pod_names(e, "nginx-app"))[0]
    pod = e.cluster.get("pods", "default", victim)
    pod["metadata"]["labels"]["app"] = "other"
    e.cluster.touch(pod)
    controllers.reconcile(e.cluster)
    seen = {host_walk(e, "192.168.49.2", 32000).backend.pod for _ in range(40)}
    assert victim not in seen and len(seen) == 2


# ---- what the host cannot reach ---------------------------------------------------------------------
def test_cluster_ip_is_not_routable_from_the_host():
    e, svc = nginx_nodeport()
    w = host_walk(e, svc["spec"]["clusterIP"], 80)
    assert w.verdict == "timeout"
    assert w.errno == "Connection timed out"
    assert 120_000 <= w.elapsed_ms <= 140_000
    assert [h["id"] for h in w.hops] == ["host"]                     # it never leaves the machine
    assert w.as_trace()["hops"][0]["stop"] is True


def test_pod_ip_is_not_routable_from_the_host():
    e, _ = nginx_nodeport()
    pod = e.cluster.list("pods", "default")[0]
    assert host_walk(e, pod["status"]["podIP"], 80).verdict == "timeout"


def test_names_without_an_etc_hosts_entry_do_not_resolve_on_the_host():
    e, _ = nginx_nodeport()
    w = host_walk(e, "nginx-app", 80)          # a Service name: only cluster DNS knows it
    assert w.verdict == "unresolved" and w.ip is None


def test_an_etc_hosts_line_the_learner_adds_is_used():
    e, _ = nginx_nodeport()
    e.host.files["/etc/hosts"] += "192.168.49.2 foo.example.com bar.example.com # ingress\n"
    assert host_walk(e, "bar.example.com", 32000).verdict == "ok"


def test_localhost_on_the_host_only_answers_on_docker_published_ports():
    e, _ = nginx_nodeport()
    kic = network.kic(e.cluster)
    assert host_walk(e, "127.0.0.1", 80).verdict == "refused"
    w = host_walk(e, "localhost", kic["ports"]["8443"])
    assert w.verdict == "ok" and w.backend.pod == "kube-apiserver"


# ---- from inside the cluster -----------------------------------------------------------------------
def test_cluster_ip_and_service_name_work_from_a_pod():
    e, svc = nginx_nodeport()
    client = network.pod_source(e.cluster.list("pods", "default")[0])
    by_ip = network.walk(e.cluster, e.host.files, client, svc["spec"]["clusterIP"], 80)
    by_name = network.walk(e.cluster, e.host.files, client, "nginx-app", 80)
    assert by_ip.verdict == "ok" and by_name.verdict == "ok"
    assert by_name.ip == svc["spec"]["clusterIP"]


def test_a_cluster_ip_port_the_service_does_not_define_times_out():
    e, svc = nginx_nodeport()
    client = network.pod_source(e.cluster.list("pods", "default")[0])
    assert network.walk(e.cluster, e.host.files, client, svc["spec"]["clusterIP"], 8080).verdict == "timeout"


def test_admission_hook_can_drop_traffic_into_a_pod():
    e, _ = nginx_nodeport()

    def deny_all(cluster, walk, pod, port):
        return f"NetworkPolicy deny-all selects pod {pod['metadata']['name']}"

    network.ADMISSION.append(deny_all)
    try:
        w = host_walk(e, "192.168.49.2", 32000)
    finally:
        network.ADMISSION.remove(deny_all)
    assert w.verdict == "timeout" and w.reason.startswith("NetworkPolicy deny-all")


# ---- the cluster being down --------------------------------------------------------------------------
def test_stopped_cluster_node_has_no_route():
    e, _ = nginx_nodeport()
    network.kic(e.cluster)
    e.cluster.running = False
    w = host_walk(e, "192.168.49.2", 32000)
    assert (w.verdict, w.errno) == ("unreachable", "No route to host")
    assert 3_000 <= w.elapsed_ms < 3_200


def test_kubectl_error_when_the_cluster_is_down_matches_kubectl_v135():
    e = new_engine()
    text = network.cluster_unreachable_error(e.cluster)
    lines = text.splitlines()
    assert len(lines) == 6
    klog = re.compile(r'E\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ memcache\.go:265\] "Unhandled Error" '
                      r'err="couldn\'t get current server API group list: Get \\"http://localhost:8080/api\?'
                      r'timeout=32s\\": dial tcp 127\.0\.0\.1:8080: connect: connection refused"$')
    assert all(klog.match(line) for line in lines[:5])
    assert lines[5] == ("The connection to the server localhost:8080 was refused - did you specify the right "
                        "host or port?")
    assert network.cluster_unreachable_error() == lines[5] + "\n"


def test_the_minikube_container_survives_a_save_and_load():
    e, _ = nginx_nodeport()
    ports = dict(network.kic(e.cluster)["ports"])
    network.record_access(e.cluster, "default", "p", "line")
    again = Engine.from_state(e.to_state())
    assert network.kic(again.cluster)["ports"] == ports
    assert network.access_log(again.cluster, "default", "p") == ["line"]


@pytest.mark.parametrize("text,expected", [
    ("127.0.0.1\tlocalhost\n# 1.2.3.4 ghost\n192.168.49.2 a b\n192.168.49.3 a\n", {"a": "192.168.49.2"}),
])
def test_etc_hosts_parsing_takes_the_first_address_and_skips_comments(text, expected):
    table = network.parse_hosts(text)
    assert table["a"] == expected["a"] and "ghost" not in table


def test_service_ips_stay_in_the_service_cidr():
    e, svc = nginx_nodeport()
    import ipaddress
    assert ipaddress.ip_address(svc["spec"]["clusterIP"]) in SERVICE_CIDR
