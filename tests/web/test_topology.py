"""The diagram's elements come from the cluster state with stable ids, and diffs carry only changes."""
from __future__ import annotations

import copy

from playground import topology
from playground.sim import apiserver, resources
from playground.sim.engine import Engine

NOW = 1_700_000_000.0


def ids(elements):
    return {e["data"]["id"] for e in elements}


def by_id(elements):
    return {e["data"]["id"]: e for e in elements}


def deploy(engine: Engine, name: str, replicas: int = 3, ns: str = "default") -> None:
    labels = {"app": name}
    apiserver.create(engine.cluster, {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                 "template": {"metadata": {"labels": labels},
                              "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}}})
    engine.tick(engine.cluster.now + 30)


def service(engine: Engine, name: str, selector: dict, type_: str = "ClusterIP", node_port: int | None = None,
            ns: str = "default") -> None:
    port = {"port": 80, "targetPort": 80, "protocol": "TCP"}
    if node_port:
        port["nodePort"] = node_port
    apiserver.create(engine.cluster, {"apiVersion": "v1", "kind": "Service",
                                      "metadata": {"name": name, "namespace": ns},
                                      "spec": {"type": type_, "selector": selector, "ports": [port]}})
    engine.tick(engine.cluster.now + 1)


def test_a_fresh_cluster_shows_the_host_the_node_and_the_system_pods():
    els = topology.elements(Engine.new(seed=3, now=NOW).cluster)
    e = by_id(els)
    assert e["host"]["data"]["label"] == "student@ubuntu"
    assert e["node/minikube"]["data"]["ip"] == "192.168.49.2"
    pods = [x for x in els if x["data"].get("kind") == "pod"]
    # node > namespace > (workload >) pod; static pods (owned by the Node) sit in the lane directly
    assert e["namespace/kube-system"]["data"]["parent"] == "node/minikube"
    assert e["pod/kube-system/etcd-minikube"]["data"]["parent"] == "namespace/kube-system"
    assert e["workload/kube-system/Deployment/coredns"]["data"]["parent"] == "namespace/kube-system"
    assert e["workload/kube-system/DaemonSet/kube-proxy"]["data"]["parent"] == "namespace/kube-system"
    assert all(p["data"]["parent"] in ("namespace/kube-system", p["data"]["owner"]) for p in pods)
    assert all(p["data"]["system"] for p in pods)
    assert "pod/kube-system/etcd-minikube" in e
    assert e["service/default/kubernetes"]["data"]["clusterIP"] == "10.96.0.1"
    dns = e["service/kube-system/kube-dns"]["data"]
    assert dns["clusterIP"] == "10.96.0.10" and dns["ports"] == "53/UDP,53/TCP,9153/TCP"
    coredns = [p for p in pods if p["data"]["name"].startswith("coredns-")][0]
    assert f"edge/service/kube-system/kube-dns->{coredns['data']['id']}" in e
    # No NodePort yet, so nothing links the learner's host to a Service.
    assert not [x for x in els if x["group"] == "edges" and x["data"]["source"] == "host"]


def test_pods_show_kubectl_status_and_ready_columns():
    engine = Engine.new(seed=3, now=NOW)
    apiserver.create(engine.cluster, {"apiVersion": "v1", "kind": "Pod",
                                      "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
                                      "spec": {"containers": [{"name": "web", "image": "nginx"}]}})
    pending = by_id(topology.elements(engine.cluster))["pod/default/web"]["data"]
    assert (pending["status"], pending["ready"], pending["isReady"]) == ("ContainerCreating", "0/1", False)
    engine.tick(NOW + 60)
    running = by_id(topology.elements(engine.cluster))["pod/default/web"]["data"]
    assert (running["status"], running["ready"], running["isReady"]) == ("Running", "1/1", True)
    assert running["ip"].startswith("10.244.0.") and running["labels"] == {"app": "web"}
    assert running["system"] is False


def test_a_service_links_only_the_pods_its_selector_picks_in_its_own_namespace():
    engine = Engine.new(seed=5, now=NOW)
    apiserver.create(engine.cluster, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}})
    deploy(engine, "nginx-app")
    deploy(engine, "nginx-app", replicas=2, ns="other")      # same labels, other namespace
    deploy(engine, "db", replicas=1)
    service(engine, "nginx-app", {"app": "nginx-app"}, "NodePort", 32000)
    els = topology.elements(engine.cluster)
    svc_edges = [x["data"] for x in els if x["group"] == "edges" and x["data"]["source"] == "service/default/nginx-app"]
    assert len(svc_edges) == 3
    assert all(d["target"].startswith("pod/default/nginx-app-") for d in svc_edges)
    assert all(d["endpoint"] for d in svc_edges)
    # the learner's machine -> the NodePort on the node -> the Service
    e = by_id(els)
    assert e["nodeport/minikube/32000"]["data"]["parent"] == "node/minikube"
    assert e["nodeport/minikube/32000"]["data"]["service"] == "service/default/nginx-app"
    assert e["edge/host->nodeport/minikube/32000"]["data"]["label"] == ":32000"
    assert e["edge/nodeport/minikube/32000->service/default/nginx-app"]["data"]["kind"] == "exposes"
    svc = by_id(els)["service/default/nginx-app"]["data"]
    assert svc["type"] == "NodePort" and svc["ports"] == "80:32000/TCP" and svc["nodePorts"] == [32000]
    assert svc["endpoints"] == 3 and svc["parent"] == "namespace/default"
    ready = sum(x["data"]["isReady"] for x in els if x["data"].get("kind") == "pod" and x["data"]["namespace"] == "default")
    assert e["namespace/default"]["data"]["counts"] == {"pods": 4, "ready": ready, "services": 2}
    assert e["namespace/other"]["data"]["counts"] == {"pods": 2, "ready": 2, "services": 0}


def test_ids_are_stable_and_the_diff_carries_only_what_changed():
    engine = Engine.new(seed=8, now=NOW)
    before = topology.elements(engine.cluster)
    assert topology.elements(Engine.from_state(copy.deepcopy(engine.to_state())).cluster) == before
    deploy(engine, "nginx-app")
    after = topology.elements(engine.cluster)
    d = topology.diff(before, after)
    added = ids(d["add"])
    assert len([i for i in added if i.startswith("pod/default/nginx-app-")]) == 3
    assert not d["remove"]
    assert all(e["data"]["id"] not in ids(before) for e in d["add"])
    # Applying the diff to the old diagram gives the new one.
    applied = by_id(before)
    for i in d["remove"]:
        applied.pop(i)
    for e in d["add"] + d["update"]:
        applied[e["data"]["id"]] = e
    assert applied == by_id(after)
    assert topology.is_empty(topology.diff(after, after))


def test_deleting_a_service_removes_it_and_its_edges():
    engine = Engine.new(seed=9, now=NOW)
    deploy(engine, "nginx-app")
    service(engine, "nginx-app", {"app": "nginx-app"}, "NodePort", 32000)
    before = topology.elements(engine.cluster)
    apiserver.delete(engine.cluster, resources.lookup("svc"), "default", "nginx-app")
    engine.tick(engine.cluster.now + 1)
    d = topology.diff(before, topology.elements(engine.cluster))
    assert "service/default/nginx-app" in d["remove"]
    assert "nodeport/minikube/32000" in d["remove"] and "edge/host->nodeport/minikube/32000" in d["remove"]
    assert not [e for e in d["add"] if e["data"].get("kind") == "service"]


def test_a_reparented_pod_is_removed_and_added_with_its_edges():
    engine = Engine.new(seed=2, now=NOW)
    deploy(engine, "nginx-app", replicas=1)
    service(engine, "nginx-app", {"app": "nginx-app"})
    before = topology.elements(engine.cluster)
    pod = engine.cluster.list("pods", "default")[0]
    pod["metadata"]["ownerReferences"] = []        # orphaned (delete --cascade=orphan): out of its Deployment
    after = topology.elements(engine.cluster)
    pod_id = f"pod/default/{pod['metadata']['name']}"
    edge_id = f"edge/service/default/nginx-app->{pod_id}"
    d = topology.diff(before, after)
    assert pod_id in d["remove"] and pod_id in ids(d["add"])
    assert edge_id in d["remove"] and edge_id in ids(d["add"])
    assert [e["data"]["id"] for e in d["add"]].index(pod_id) < [e["data"]["id"] for e in d["add"]].index(edge_id)
    assert by_id(after)[pod_id]["data"]["parent"] == "namespace/default" and by_id(after)[pod_id]["data"]["owner"] is None


def test_a_load_balancer_without_a_tunnel_is_pending_and_reachable_on_its_node_port():
    engine = Engine.new(seed=4, now=NOW)
    deploy(engine, "web", replicas=1)
    service(engine, "web", {"app": "web"}, "LoadBalancer", 31000)
    e = by_id(topology.elements(engine.cluster))
    assert e["service/default/web"]["data"]["externalIP"] == "<pending>"
    assert "edge/host->nodeport/minikube/31000" in e and "edge/nodeport/minikube/31000->service/default/web" in e


def test_namespaces_group_their_pods_inside_the_node():
    engine = Engine.new(seed=4, now=NOW)
    for line in ("kubectl create ns team", "kubectl run a --image=nginx -n team", "kubectl run b --image=nginx"):
        assert engine.run(line, now=NOW + 1).exit_code == 0
    engine.tick(NOW + 20)
    e = by_id(topology.elements(engine.cluster))
    assert e["pod/team/a"]["data"]["parent"] == "namespace/team"
    assert e["pod/default/b"]["data"]["parent"] == "namespace/default"
    assert {e[i]["data"]["parent"] for i in ("namespace/team", "namespace/default")} == {"node/minikube"}
    # every parent exists and parents form a tree (no element is its own ancestor)
    for el in e.values():
        seen, cur = set(), el
        while cur["data"].get("parent"):
            assert cur["data"]["parent"] in e and cur["data"]["id"] not in seen
            seen.add(cur["data"]["id"])
            cur = e[cur["data"]["parent"]]
