"""kubectl events, auth can-i, cordon/uncordon, taint (and wait's argument errors): argument errors against the real kubectl (they need no
cluster), the rest by the cluster's state and kubectl's documented output."""
from __future__ import annotations

import pytest

from playground.sim.engine import Engine
from tests.sim.test_oracle_diff import NOW, oracle, simulate

OFFLINE = [["auth", "can-i"], ["auth", "can-i", "create"], ["auth", "can-i", "create", "pods", "extra"],
           ["auth", "can-i", "--list", "x"], ["cordon"], ["uncordon"], ["taint"], ["taint", "node"],
           ["taint", "nodes", "minikube"], ["taint", "nodes", "minikube", "a=b:Bad"], ["taint", "nodes", "minikube", "a=b"],
           ["events", "--types=Foo"], ["events", "--for=pod"], ["wait"], ["wait", "pod/x"],
           ["wait", "--for=foo", "pod/x"], ["wait", "--for=condition", "pod/x"], ["wait", "--for=condition=Ready"]]


@pytest.mark.parametrize("args", OFFLINE, ids=" ".join)
def test_argument_errors_match_kubectl(kubectl_oracle, args):
    assert simulate(args) == oracle(kubectl_oracle, args)


@pytest.fixture
def engine():
    e = Engine.new(seed=1, now=NOW)
    assert e.run("kubectl create deploy web --image=nginx", now=NOW).exit_code == 0
    return e


def test_events_lists_the_namespace_oldest_first(engine):
    out = engine.run("kubectl events", now=NOW + 30).output.splitlines()
    assert out[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert [line.split()[2] for line in out[1:4]] == ["Scheduled", "SuccessfulCreate", "ScalingReplicaSet"]
    assert "Deployment/web" in out[3]
    assert engine.run("kubectl events --for=deployment/web", now=NOW + 31).output.count("\n") == 2
    r = engine.run("kubectl events -n kube-public", now=NOW + 32)
    assert (r.output, r.exit_code) == ("No events found in kube-public namespace.\n", 0)


def test_the_minikube_admin_can_do_anything(engine):
    assert engine.run("kubectl auth can-i create deployments").output == "yes\n"
    assert engine.run("kubectl auth can-i delete pods -n kube-system").output == "yes\n"
    assert engine.run("kubectl auth can-i get widgets").output == (
        "Warning: the server doesn't have a resource type 'widgets'\nyes\n")


def test_cordon_and_taint_change_the_node(engine):
    assert engine.run("kubectl cordon minikube").output == "node/minikube cordoned\n"
    assert engine.run("kubectl cordon minikube").output == "node/minikube already cordoned\n"
    assert "Ready,SchedulingDisabled" in engine.run("kubectl get nodes").output
    assert engine.run("kubectl uncordon minikube").output == "node/minikube uncordoned\n"
    assert engine.run("kubectl taint nodes minikube gpu=yes:NoSchedule").output == "node/minikube tainted\n"
    node = engine.cluster.get("nodes", None, "minikube")
    assert node["spec"]["taints"][-1] == {"key": "gpu", "value": "yes", "effect": "NoSchedule"}
    assert engine.run("kubectl taint nodes minikube gpu-").output == "node/minikube untainted\n"
    r = engine.run("kubectl taint nodes minikube gpu-")
    assert (r.output, r.exit_code) == ('error: taint "gpu" not found\n', 1)


def test_a_cordoned_node_takes_no_new_pods_until_uncordoned(engine):
    engine.run("kubectl cordon minikube", now=NOW + 10)
    engine.run("kubectl create deploy api --image=nginx --replicas=2", now=NOW + 11)
    pods = [p for p in engine.cluster.list("pods", "default") if p["metadata"]["name"].startswith("api-")]
    assert len(pods) == 2 and all(p["status"]["phase"] == "Pending" and not p["spec"].get("nodeName") for p in pods)
    warnings = engine.run("kubectl events --types=Warning", now=NOW + 12).output
    assert warnings.count("FailedScheduling") == 2
    assert "0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 " \
           "Preemption is not helpful for scheduling." in warnings
    engine.run("kubectl uncordon minikube", now=NOW + 20)
    out = engine.run("kubectl get pods -l app=api", now=NOW + 60).output
    assert out.count("Running") == 2


def test_a_taint_keeps_pods_that_do_not_tolerate_it_pending(engine):
    engine.run("kubectl taint node minikube gpu=yes:NoSchedule", now=NOW + 10)
    engine.run("kubectl run solo --image=nginx", now=NOW + 11)
    assert engine.cluster.get("pods", "default", "solo")["status"]["conditions"][0]["message"].startswith(
        "0/1 nodes are available: 1 node(s) had untolerated taint {gpu: yes}.")
    engine.run("kubectl taint node minikube gpu:NoSchedule-", now=NOW + 20)
    assert "Running" in engine.run("kubectl get pod solo", now=NOW + 60).output


def test_drain_refuses_daemonset_and_bare_pods_then_evicts_with_the_flags(engine):
    r = engine.run("kubectl drain minikube", now=NOW + 10)
    assert r.exit_code == 1 and r.output.startswith("node/minikube cordoned\n")
    assert "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/kube-proxy-" in r.output
    assert "There are pending nodes to be drained:\n minikube\n" in r.output
    r = engine.run("kubectl drain minikube --ignore-daemonsets --force", now=NOW + 20)
    assert r.exit_code == 0 and r.output.endswith("node/minikube drained\n")
    assert "evicting pod default/web-" in r.output and "pod/storage-provisioner evicted" in r.output
    assert engine.cluster.get("pods", "kube-system", "etcd-minikube") is not None       # static pods stay
    pending = [p for p in engine.cluster.list("pods", "default")]
    assert pending and all(p["status"]["phase"] == "Pending" for p in pending)        # recreated, unschedulable
