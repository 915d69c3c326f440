"""The diagram's element model (notes/diagram-contract.md): namespace lanes in the node, workloads found by
ownerReferences, Services/Ingresses/NetworkPolicies in their namespace's lane, NodePort entries on the node,
and the learner's /etc/hosts names on the host."""
from __future__ import annotations

from playground import topology
from playground.sim import apiserver
from playground.sim.engine import Engine

NOW = 1_700_000_000.0


def by_id(source):
    return {e["data"]["id"]: e for e in topology.elements(source)}


def run(engine: Engine, *lines: str) -> None:
    for i, line in enumerate(lines):
        r = engine.run(line, now=engine.cluster.now + 1)
        assert r.exit_code == 0, (line, r.output)
    engine.tick(engine.cluster.now + 30)


def owned_pod(engine: Engine, name: str, owner: dict | None, labels: dict | None = None) -> dict:
    meta = {"name": name, "namespace": "default", "labels": labels or {"app": name}}
    if owner is not None:
        meta["ownerReferences"] = [{"apiVersion": owner["apiVersion"], "kind": owner["kind"],
                                    "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"],
                                    "controller": True}]
    return apiserver.create(engine.cluster, {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                                             "spec": {"containers": [{"name": "c", "image": "busybox"}]}})


def test_a_deployments_pods_sit_in_the_deployment_not_in_its_replicaset():
    engine = Engine.new(seed=1, now=NOW)
    run(engine, "kubectl create deployment web --image=nginx --replicas=3", "kubectl run bare --image=nginx")
    e = by_id(engine)
    web = e["workload/default/Deployment/web"]["data"]
    assert (web["workloadKind"], web["replicas"], web["ready"], web["parent"]) == ("Deployment", 3, 3, "namespace/default")
    pods = [x["data"] for x in e.values() if x["data"].get("kind") == "pod" and x["data"]["name"].startswith("web-")]
    assert len(pods) == 3 and {p["parent"] for p in pods} == {"workload/default/Deployment/web"}
    assert {p["owner"] for p in pods} == {"workload/default/Deployment/web"} and pods[0]["node"] == "minikube"
    assert not [i for i in e if i.startswith("workload/default/ReplicaSet/")]     # folded into the Deployment
    assert e["pod/default/bare"]["data"]["parent"] == "namespace/default"
    assert e["pod/default/bare"]["data"]["owner"] is None


def test_workloads_come_from_owner_references_never_from_names():
    engine = Engine.new(seed=2, now=NOW)
    cron = apiserver.create(engine.cluster, {
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "tick", "namespace": "default"},
        "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": {
            "restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}}}})
    job_body = {"apiVersion": "batch/v1", "kind": "Job",
                "spec": {"template": {"spec": {"restartPolicy": "Never",
                                               "containers": [{"name": "c", "image": "busybox"}]}}}}
    cron_job = apiserver.create(engine.cluster, {**job_body, "metadata": {
        "name": "tick-28000000", "namespace": "default",
        "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "tick",
                             "uid": cron["metadata"]["uid"], "controller": True}]}})
    lone_job = apiserver.create(engine.cluster, {**job_body, "metadata": {"name": "once", "namespace": "default"}})
    owned_pod(engine, "tick-28000000-abcde", cron_job)
    owned_pod(engine, "once-fghij", lone_job)
    owned_pod(engine, "web-5d4f8b7c9-xyz12", None)          # looks like a ReplicaSet's pod, owned by nothing
    e = by_id(engine)
    assert e["pod/default/tick-28000000-abcde"]["data"]["parent"] == "workload/default/CronJob/tick"
    assert e["pod/default/once-fghij"]["data"]["parent"] == "workload/default/Job/once"
    assert "workload/default/Job/tick-28000000" not in e                        # folded into its CronJob
    assert e["pod/default/web-5d4f8b7c9-xyz12"]["data"]["parent"] == "namespace/default"


def test_a_replicaset_without_a_deployment_is_its_own_workload():
    engine = Engine.new(seed=3, now=NOW)
    labels = {"app": "rs"}
    apiserver.create(engine.cluster, {
        "apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs", "namespace": "default"},
        "spec": {"replicas": 2, "selector": {"matchLabels": labels},
                 "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
    engine.tick(NOW + 30)
    e = by_id(engine)
    rs = e["workload/default/ReplicaSet/rs"]["data"]
    assert rs["workloadKind"] == "ReplicaSet" and rs["replicas"] == 2
    assert len([x for x in e.values() if x["data"].get("parent") == "workload/default/ReplicaSet/rs"]) == 2


def test_services_ingresses_and_policies_sit_in_their_own_namespaces_lane():
    engine = Engine.new(seed=4, now=NOW)
    engine.host.files["/home/student/np.yaml"] = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: access-nginx
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: nginx
  ingress:
  - from:
    - podSelector:
        matchLabels:
          access: "true"
    ports:
    - port: 80
"""
    run(engine, "kubectl create namespace shop", "kubectl create deployment nginx --image=nginx -n shop",
        "kubectl expose deployment nginx --port=80 -n shop", "kubectl apply -f np.yaml",
        'kubectl create ingress web -n shop --rule="shop.example.com/*=nginx:80"')
    e = by_id(engine)
    for i in ("service/shop/nginx", "ingress/shop/web", "networkpolicy/shop/access-nginx",
              "workload/shop/Deployment/nginx"):
        assert e[i]["data"]["parent"] == "namespace/shop", i
    np_ = e["networkpolicy/shop/access-nginx"]["data"]
    assert np_["rules"] == ["ingress: allow from podSelector access=true on 80/TCP"]
    assert np_["podSelector"] == "app=nginx" and np_["policyTypes"] == "Ingress"
    pods = [i for i, x in e.items() if x["data"].get("parent") == "workload/shop/Deployment/nginx"]
    assert pods and all(f"edge/networkpolicy/shop/access-nginx->{p}" in e for p in pods)
    assert e["namespace/shop"]["data"]["system"] is False and e["namespace/kube-system"]["data"]["system"] is True
    assert not [x for x in e.values() if x["data"].get("parent") == "namespace/kube-system"
                and x["data"].get("kind") == "networkpolicy"]


def test_a_policy_that_denies_everything_says_so():
    from playground import topology_policy

    assert topology_policy.rules_text({"podSelector": {}, "policyTypes": ["Ingress", "Egress"],
                                       "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}],
                                                   "ports": [{"port": 53, "protocol": "UDP"}]}]}) == [
        "ingress: deny all", "egress: allow to ipBlock 10.0.0.0/8 on 53/UDP"]


def test_the_host_lists_its_etc_hosts_names_for_the_cluster():
    engine = Engine.new(seed=5, now=NOW)
    run(engine, 'echo "192.168.49.2 shop.example.com" | sudo tee -a /etc/hosts',
        'echo "10.1.2.3 elsewhere.example.com" | sudo tee -a /etc/hosts')
    hosts = by_id(engine)["host"]["data"]["hosts"]
    assert {"name": "shop.example.com", "ip": "192.168.49.2"} in hosts
    assert not [h for h in hosts if h["name"] == "elsewhere.example.com"]
    # the stored state carries the host's files too
    assert by_id(engine.to_state())["host"]["data"]["hosts"] == hosts


def test_a_deleted_cluster_draws_only_the_host():
    engine = Engine.new(seed=6, now=NOW)
    run(engine, "kubectl create deployment web --image=nginx")
    engine.run("minikube delete", now=engine.cluster.now + 1)
    e = by_id(engine)
    assert not [i for i in e if i.startswith(("node/", "namespace/", "pod/", "service/"))]
    assert "host" in e


def test_every_parent_exists_and_edges_join_drawn_elements():
    engine = Engine.new(seed=7, now=NOW)
    run(engine, "minikube addons enable ingress", "kubectl create deployment web --image=nginx --replicas=2",
        "kubectl expose deployment web --port=80 --type=NodePort", 'kubectl create ingress web --rule="/*=web:80"')
    els = topology.elements(engine)
    seen: set[str] = set()
    for el in els:                       # in order: a parent or an edge's ends come before it
        d = el["data"]
        if el["group"] == "nodes":
            assert not d.get("parent") or d["parent"] in seen, d["id"]
        else:
            assert d["source"] in seen and d["target"] in seen, d["id"]
        seen.add(d["id"])
