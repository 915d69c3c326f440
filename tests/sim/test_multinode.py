"""Multi-node minikube and the Service traffic policies that need it.

Sources: minikube's multi-node tutorial and cmd/minikube/cmd/node_add.go, node_list.go (worker names
minikube-m02..., 192.168.49.3..., kindnet chosen for --nodes >= 2, the "created without any CNI" warning);
kube-controller-manager's per-node /24 pod CIDRs; kube-scheduler's default spreading; kube-proxy
(pkg/proxy/iptables/proxier.go): externalTrafficPolicy Local only sends NodePort traffic to endpoints on
the receiving node and keeps the client's source address, Cluster masquerades it; internalTrafficPolicy
Local only uses endpoints on the client's node; with no local endpoint the packet is dropped.
agnhost netexec /clientip answers the address the server sees (test/images/agnhost/netexec/netexec.go).
"""
from __future__ import annotations

import re

import pytest

from tests.sim.podhelpers import Sandbox

AGNHOST = "registry.k8s.io/e2e-test-images/agnhost:2.53"


def two_nodes(seed: int = 3) -> Sandbox:
    return Sandbox(seed).setup("minikube delete", "minikube start --nodes=2")


@pytest.fixture(scope="module")
def web():
    """Four netexec replicas over two nodes, a NodePort Service, and a client pod on each node."""
    sb = two_nodes()
    sb.setup(f"kubectl create deployment web --image={AGNHOST} --replicas=4 -- /agnhost netexec --http-port=8080",
             "kubectl expose deployment web --type=NodePort --port=80 --target-port=8080",
             "kubectl run c1 --image=busybox --overrides='{\"spec\":{\"nodeName\":\"minikube\"}}' -- sleep 3600",
             "kubectl run c2 --image=busybox --overrides='{\"spec\":{\"nodeName\":\"minikube-m02\"}}' -- sleep 3600")
    return sb


def node_of(sb, pod, ns="default"):
    return sb.cluster.get("pods", ns, pod)["spec"]["nodeName"]


def web_pods(sb, node=None):
    return sorted(p["metadata"]["name"] for p in sb.cluster.list("pods", "default")
                  if p["metadata"]["name"].startswith("web-") and node in (None, p["spec"]["nodeName"]))


def test_start_with_two_nodes_lists_both_with_minikube_addresses():
    sb = two_nodes()
    out = sb.out("kubectl get nodes -o wide")
    assert re.search(r"^minikube +Ready +control-plane .* 192\.168\.49\.2 ", out, re.M)
    assert re.search(r"^minikube-m02 +Ready +<none> .* 192\.168\.49\.3 ", out, re.M)
    assert sb.out("minikube node list") == "minikube\t192.168.49.2\nminikube-m02\t192.168.49.3\n"
    assert sb.out("minikube ip --node=m02") == "192.168.49.3\n"
    ds = sb.out("kubectl get ds -n kube-system")
    assert re.search(r"^kindnet +2 +2 +2 ", ds, re.M) and re.search(r"^kube-proxy +2 +2 +2 ", ds, re.M)
    assert sb.cluster.get("nodes", None, "minikube-m02")["spec"]["podCIDR"] == "10.244.1.0/24"


def test_node_add_warns_about_the_bridge_cni_and_adds_m02():
    sb = Sandbox(5)
    r = sb.run("minikube node add")
    assert r.exit_code == 0
    assert r.output.startswith("😄  Adding node m02 to cluster minikube as [worker]\n"
                               "❗  Cluster was created without any CNI, adding a node to it might cause broken "
                               "networking.\n👍  Starting \"minikube-m02\" worker node in \"minikube\" cluster\n")
    assert r.output.endswith("🏄  Successfully added m02 to minikube!\n")
    assert sb.out("minikube node list").splitlines()[-1] == "minikube-m02\t192.168.49.3"
    r = sb.run("minikube node delete m02")
    assert r.output.endswith("💀  Node m02 was successfully deleted.\n")
    assert "minikube-m02" not in sb.out("kubectl get nodes")


def test_the_scheduler_spreads_replicas_over_the_nodes(web):
    assert len(web_pods(web, "minikube")) == 2 and len(web_pods(web, "minikube-m02")) == 2
    for name in web_pods(web, "minikube-m02"):
        assert web.pod_ip(name).startswith("10.244.1.")


def test_node_selector_pins_a_pod_and_an_impossible_one_stays_pending():
    sb = two_nodes(4)
    sb.setup("kubectl run pinned --image=busybox "
             "--overrides='{\"spec\":{\"nodeSelector\":{\"kubernetes.io/hostname\":\"minikube-m02\"}}}' -- sleep 3600",
             "kubectl run nowhere --image=busybox "
             "--overrides='{\"spec\":{\"nodeSelector\":{\"disk\":\"ssd\"}}}' -- sleep 3600")
    assert node_of(sb, "pinned") == "minikube-m02"
    assert ("0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes "
            "are available: 2 Preemption is not helpful for scheduling.") in sb.out("kubectl describe pod nowhere")


def test_external_traffic_policy_local_keeps_the_client_address_and_only_local_endpoints(web):
    port = web.cluster.get("services", "default", "web")["spec"]["ports"][0]["nodePort"]
    hostnames = {web.out(f"curl -s http://192.168.49.3:{port}/hostname") for _ in range(30)}
    assert hostnames == set(web_pods(web))                      # Cluster: any replica, from any node
    assert web.out(f"curl -s http://192.168.49.3:{port}/clientip").startswith("10.244.1.1:")   # masqueraded
    web.setup("""kubectl patch svc web -p '{"spec":{"externalTrafficPolicy":"Local"}}'""")
    try:
        hostnames = {web.out(f"curl -s http://192.168.49.3:{port}/hostname") for _ in range(30)}
        assert hostnames == set(web_pods(web, "minikube-m02"))
        assert web.out(f"curl -s http://192.168.49.3:{port}/clientip").startswith("192.168.49.1:")
    finally:
        web.setup("""kubectl patch svc web -p '{"spec":{"externalTrafficPolicy":"Cluster"}}'""")


def test_external_traffic_policy_local_drops_on_a_node_without_endpoints():
    sb = two_nodes(6).setup(
        f"kubectl run solo --image={AGNHOST} --overrides='{{\"spec\":{{\"nodeName\":\"minikube-m02\"}}}}' "
        "-- netexec --http-port=8080",
        "kubectl expose pod solo --type=NodePort --port=80 --target-port=8080",
        """kubectl patch svc solo -p '{"spec":{"externalTrafficPolicy":"Local"}}'""")
    port = sb.cluster.get("services", "default", "solo")["spec"]["ports"][0]["nodePort"]
    assert sb.out(f"curl -s http://192.168.49.3:{port}/hostname") == "solo"
    r = sb.run(f"curl -sS -m 2 http://192.168.49.2:{port}/hostname")
    assert r.exit_code == 28 and "timed out" in r.output


def test_internal_traffic_policy_local_answers_from_the_clients_node(web):
    web.setup("""kubectl patch svc web -p '{"spec":{"internalTrafficPolicy":"Local"}}'""")
    try:
        seen = set(web.out("kubectl exec c2 -- sh -c 'for i in $(seq 12); do wget -qO- web/hostname; echo; "
                           "done'").split())
        assert seen == set(web_pods(web, "minikube-m02"))
        seen = set(web.out("kubectl exec c1 -- sh -c 'for i in $(seq 12); do wget -qO- web/hostname; echo; "
                           "done'").split())
        assert seen == set(web_pods(web, "minikube"))
    finally:
        web.setup("""kubectl patch svc web -p '{"spec":{"internalTrafficPolicy":"Cluster"}}'""")


def test_the_bridge_cni_does_not_route_between_nodes():
    """A single-node cluster keeps minikube's bridge CNI after `minikube node add`: pods on different nodes
    cannot reach each other (node_add.go warns "might cause broken networking")."""
    sb = Sandbox(7).setup("minikube node add",
                          f"kubectl run far --image={AGNHOST} --overrides='{{\"spec\":{{\"nodeName\":\"minikube-m02\"}}}}'"
                          " -- netexec --http-port=8080",
                          f"kubectl run near --image={AGNHOST} --overrides='{{\"spec\":{{\"nodeName\":\"minikube\"}}}}'"
                          " -- netexec --http-port=8080")
    assert sb.run(f"kubectl exec near -- /agnhost connect {sb.pod_ip('far')}:8080 --timeout=1s").output == \
        "TIMEOUT\ncommand terminated with exit code 1\n"
    assert sb.run(f"kubectl exec near -- /agnhost connect {sb.pod_ip('near')}:8080 --timeout=1s").exit_code == 0


def test_stop_and_start_keep_each_pod_in_its_nodes_subnet():
    sb = two_nodes(8).setup(f"kubectl create deployment web --image={AGNHOST} --replicas=2 -- /agnhost netexec")
    r = sb.run("minikube stop")
    assert r.output == ('✋  Stopping node "minikube"  ...\n🛑  Powering off "minikube" via SSH ...\n'
                        '✋  Stopping node "minikube-m02"  ...\n🛑  Powering off "minikube-m02" via SSH ...\n'
                        "🛑  2 nodes stopped.\n")
    sb.setup("minikube start")
    assert len(web_pods(sb, "minikube-m02")) == 1
    for name in web_pods(sb, "minikube-m02"):
        assert sb.pod_ip(name).startswith("10.244.1.")


def test_the_bridge_cni_leaves_pods_on_a_worker_without_dns():
    sb = Sandbox(7).setup("minikube node add",
                          "kubectl run far --image=busybox --overrides='{\"spec\":{\"nodeName\":\"minikube-m02\"}}' "
                          "-- sleep 3600")
    assert sb.run("kubectl exec far -- nslookup kubernetes").output == \
        ";; connection timed out; no servers could be reached\n\ncommand terminated with exit code 1\n"
    sb2 = two_nodes(7).setup("kubectl run far --image=busybox "
                             "--overrides='{\"spec\":{\"nodeName\":\"minikube-m02\"}}' -- sleep 3600")
    assert "Address: 10.96.0.1" in sb2.out("kubectl exec far -- nslookup kubernetes")     # kindnet routes
