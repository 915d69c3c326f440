"""Upstream NetworkPolicy e2e cases (kubernetes/kubernetes test/e2e/network/netpol/network_policy.go), each
replayed on the e2e model (tests/sim/netpol_model.py: namespaces x/y/z, pods a/b/c, agnhost on 80 and 81
over TCP, UDP and SCTP) built with kubectl in a Calico minikube, and probed with `kubectl exec ... --
/agnhost connect` as probe.go does. Every case asserts all 81 cells of each truth table it names, with the
exact agnhost output of each cell:

- through the target's Service IP on the case's port and protocol: `.` connects (exit 0, silent), `X`
  times out (a policy dropped it: TIMEOUT);
- through the target's pod IP on port 82, where nothing listens: `R` is refused (REFUSED, or SCTP's
  `OTHER: connection refused`), `X` times out: the policy drops the packet before anything could refuse it.
  This second table tells a closed port from a dropped packet.

The expected tables are written the way the upstream test writes them (Reachability with Expect,
ExpectPeer, ExpectAllIngress, ExpectAllEgress), each test naming the upstream f.It it follows.
"""
from __future__ import annotations

import pytest

from tests.sim.netpol_model import (ALL, PORTS, PROTOCOLS, Peer, Reachability, apply, build, grid, observe,
                                    table, verdict)

DENY_ALL_INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-ingress}
spec:
  podSelector: {}
  ingress: []"""


def policy(name: str, pod_selector: str, body: str) -> str:
    """policies.go GenNetworkPolicyWithNameAndPodSelector; SetSpecEgressRules alone makes policyTypes
    [Egress], which the manifests below spell out (the API would default it to [Ingress, Egress])."""
    return (f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}}}\n"
            f"spec:\n  podSelector: {pod_selector}\n{body}")


@pytest.fixture(scope="module")
def model():
    """One model for the module; each test removes the policies it applied (cleanNetworkPolicies)."""
    box = build()
    yield box


@pytest.fixture
def box(model):
    yield model
    for ns in ("x", "y", "z"):
        r = model.run(f"kubectl delete networkpolicy --all -n {ns}")
        assert r.exit_code == 0, r.output


def check(box, reach: Reachability, port: int, proto: str, by: str = "service") -> None:
    """Probe all 81 pairs and compare every cell: `.`/`X` through the Service IP; `R`/`X` at a pod's port
    82 (with by="pod"), where an allowed packet finds nothing listening."""
    expected_ok = reach.with_loopback().cells
    allowed, blocked = (".", "X") if by == "service" else ("R", "X")
    expected = {k: allowed if ok else blocked for k, ok in expected_ok.items()}
    seen = observe(box, port, proto, by)
    got = {k: verdict(*v) for k, v in seen.items()}
    assert got == expected, (f"{port}/{proto} via {by}\nexpected:\n{grid(expected)}\nobserved:\n{grid(got)}\n"
                             + "\n".join(f"{k}: {v!r}" for k, v in seen.items() if got[k] != expected[k])[:2000])


def test_the_model_answers_every_port_and_protocol_without_policies(box):
    """initializeClusterFromModel + waitForHTTPServers: with no policy every probe connects, on 80 and 81,
    over TCP, UDP and SCTP; at a port nothing listens on (82) every probe is refused, not timed out."""
    for port in PORTS:
        for proto in PROTOCOLS:
            check(box, Reachability(), port, proto)
    for proto in PROTOCOLS:
        check(box, Reachability(), 82, proto, by="pod")


@pytest.mark.parametrize("proto", PROTOCOLS)
def test_default_deny_ingress(box, proto):
    """f.It("should support a 'default-deny-ingress' policy"), in its TCP, UDP ("NetworkPolicy between
    server and client using UDP") and SCTP ("... using SCTP") forms."""
    apply(box, "x", DENY_ALL_INGRESS)
    reach = Reachability().expect_peer(Peer(), Peer("x"), False)
    check(box, reach, 80, proto)
    check(box, Reachability().expect_peer(Peer(), Peer("x"), False), 82, proto, by="pod")


def test_default_deny_all(box):
    """f.It("should support a 'default-deny-all' policy")."""
    apply(box, "x", policy("deny-all", "{}", "  ingress: []\n  egress: []\n  policyTypes: [Ingress, Egress]"))

    def reach():
        return Reachability().expect_peer(Peer(), Peer("x"), False).expect_peer(Peer("x"), Peer(), False)
    check(box, reach(), 80, "TCP")
    check(box, reach(), 82, "TCP", by="pod")


def test_allow_from_pods_within_server_namespace_by_pod_selector(box):
    """f.It("should enforce policy to allow traffic from pods within server namespace based on PodSelector")."""
    apply(box, "x", policy("x-a-allows-x-b", "{matchLabels: {pod: a}}",
                           "  ingress:\n  - from:\n    - podSelector: {matchLabels: {pod: b}}"))

    def reach():
        return Reachability().expect_all_ingress("x/a", False).expect("x/b", "x/a", True)
    check(box, reach(), 80, "TCP")
    check(box, reach(), 82, "TCP", by="pod")


def test_allow_only_from_a_different_namespace_by_namespace_selector(box):
    """f.It("should enforce policy to allow traffic only from a different namespace, based on
    NamespaceSelector"): kubernetes.io/metadata.name, the label the API server puts on every namespace."""
    apply(box, "x", policy("allow-client-a-via-ns-selector", "{matchLabels: {pod: a}}",
                           "  ingress:\n  - from:\n    - namespaceSelector: "
                           "{matchLabels: {kubernetes.io/metadata.name: 'y'}}"))
    reach = Reachability().expect_peer(Peer("x"), Peer("x", "a"), False).expect_peer(Peer("z"), Peer("x", "a"), False)
    check(box, reach, 80, "TCP")


def test_pod_selector_and_namespace_selector_in_one_peer(box):
    """f.It("should enforce policy based on PodSelector and NamespaceSelector"): one peer with both
    selectors is their AND."""
    apply(box, "x", policy("allow-ns-y-podselector-and-nsselector", "{matchLabels: {pod: a}}",
                           "  ingress:\n  - from:\n    - namespaceSelector:\n        matchExpressions:\n"
                           "        - {key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}\n"
                           "      podSelector: {matchLabels: {pod: b}}"))
    reach = Reachability().expect_all_ingress("x/a", False).expect("y/b", "x/a", True).expect("z/b", "x/a", True)
    check(box, reach, 80, "TCP")


def test_pod_selector_or_namespace_selector_in_two_peers(box):
    """f.It("should enforce policy based on PodSelector or NamespaceSelector"): two peers are an OR."""
    apply(box, "x", policy("allow-ns-y-match-selector", "{matchLabels: {pod: a}}",
                           "  ingress:\n  - from:\n    - namespaceSelector:\n        matchExpressions:\n"
                           "        - {key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}\n"
                           "    - podSelector: {matchLabels: {pod: b}}"))
    reach = Reachability().expect("x/a", "x/a", False).expect("x/c", "x/a", False)
    check(box, reach, 80, "TCP")


@pytest.mark.parametrize("proto", PROTOCOLS)
def test_policy_based_on_ports(box, proto):
    """f.It("should enforce policy based on Ports") in its TCP, UDP and SCTP forms: only namespace y may
    reach x/a, and only on 81/<proto>. Port 80 of x/a is dropped for everyone; port 82 too, so from y it
    times out rather than being refused."""
    apply(box, "x", policy("allow-client-a-via-ns-selector", "{matchLabels: {pod: a}}",
                           "  ingress:\n  - from:\n    - namespaceSelector: "
                           "{matchLabels: {kubernetes.io/metadata.name: 'y'}}\n"
                           f"    ports:\n    - {{port: 81, protocol: {proto}}}"))
    allow_81 = Reachability().expect_peer(Peer("x"), Peer("x", "a"), False) \
        .expect_peer(Peer("y"), Peer("x", "a"), True).expect_peer(Peer("z"), Peer("x", "a"), False)
    check(box, allow_81, 81, proto)
    check(box, Reachability().expect_all_ingress("x/a", False), 80, proto)
    check(box, Reachability().expect_all_ingress("x/a", False), 82, proto, by="pod")


def test_allow_ingress_on_one_named_port(box):
    """f.It("should allow ingress access on one named port"): serve-81-tcp resolves on each pod."""
    apply(box, "x", policy("allow-all", "{}", "  ingress:\n  - ports:\n    - port: serve-81-tcp"))
    check(box, Reachability(), 81, "TCP")
    check(box, Reachability().expect_peer(Peer(), Peer("x"), False), 80, "TCP")
    check(box, Reachability().expect_peer(Peer(), Peer("x"), False), 81, "UDP")


def test_allow_egress_on_one_named_port(box):
    """f.It("should allow egress access on one named port"): the named port resolves on the destination."""
    apply(box, "x", policy("allow-egress", "{}", "  egress:\n  - ports:\n    - port: serve-80-tcp\n  policyTypes: [Egress]"))
    check(box, Reachability(), 80, "TCP")
    check(box, Reachability().expect_peer(Peer("x"), Peer(), False), 81, "TCP")


def test_ingress_and_egress_specified_together(box):
    """f.It("should work with Ingress, Egress specified together")."""
    apply(box, "x", policy("allow-client-a-via-pod-selector", "{matchLabels: {pod: a}}",
                           "  ingress:\n  - from:\n    - podSelector: {matchLabels: {pod: b}}\n"
                           "  egress:\n  - ports:\n    - {port: 80}\n  policyTypes: [Egress, Ingress]"))
    check(box, Reachability().expect_all_ingress("x/a", False).expect("x/b", "x/a", True), 80, "TCP")
    reach_81 = Reachability().expect_all_ingress("x/a", False).expect_all_egress("x/a", False) \
        .expect("x/b", "x/a", True)
    check(box, reach_81, 81, "TCP")


def test_denying_egress_on_the_client_side_even_if_the_server_allows(box):
    """f.It("should support denying of egress traffic on the client side (even if the server explicitly
    allows this traffic)")."""
    apply(box, "x", policy("allow-to-ns-y-pod-a", "{matchLabels: {pod: a}}",
                           "  egress:\n  - to:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: 'y'}}\n"
                           "      podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]"))
    ingress = ("  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: x}}\n"
               "      podSelector: {matchLabels: {pod: a}}")
    apply(box, "y", policy("allow-from-xa-on-ya-match-selector", "{matchLabels: {pod: a}}", ingress))
    apply(box, "y", policy("allow-from-xa-on-yb-match-selector", "{matchLabels: {pod: b}}", ingress))
    reach = Reachability().expect_peer(Peer("x", "a"), Peer(), False).expect_peer(Peer(), Peer("y", "a"), False) \
        .expect_peer(Peer("x", "a"), Peer("y", "a"), True).expect_peer(Peer(), Peer("y", "b"), False)
    check(box, reach, 80, "TCP")


def test_except_clause_of_an_egress_cidr_block(box):
    """f.It("should enforce except clause while egress access to server in CIDR block"): x/a may reach
    <x/a's IP>/4 except x/b's /32."""
    a_ip, b_ip = box.pod_ip("a", "x"), box.pod_ip("b", "x")
    apply(box, "x", policy("allow-client-a-via-cidr-egress-rule", "{matchLabels: {pod: a}}",
                           f"  egress:\n  - to:\n    - ipBlock: {{cidr: {a_ip}/4, except: [{b_ip}/32]}}\n  policyTypes: [Egress]"))
    check(box, Reachability().expect("x/a", "x/b", False), 80, "TCP")
    check(box, Reachability().expect("x/a", "x/b", False), 82, "TCP", by="pod")


def test_egress_to_a_server_in_a_cidr_block(box):
    """f.It("should allow egress access to server in CIDR block"): y/b's /32 only."""
    apply(box, "x", policy("allow-client-a-via-cidr-egress-rule", "{matchLabels: {pod: a}}",
                           f"  egress:\n  - to:\n    - ipBlock: {{cidr: {box.pod_ip('b', 'y')}/32}}\n  policyTypes: [Egress]"))
    check(box, Reachability().expect_all_egress("x/a", False).expect("x/a", "y/b", True), 80, "TCP")


def test_sctp_is_not_mistaken_for_tcp(box):
    """f.It("should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't
    support SCTP"), checked on SCTP too: the allow-only-SCTP rule opens 81/SCTP to x/a and nothing else."""
    apply(box, "x", DENY_ALL_INGRESS)
    apply(box, "x", policy("allow-only-sctp-ingress-on-port-81", "{matchLabels: {pod: a}}",
                           "  ingress:\n  - ports:\n    - {port: 81, protocol: SCTP}"))
    check(box, Reachability().expect_peer(Peer(), Peer("x"), False), 81, "TCP")
    check(box, Reachability().expect_peer(Peer(), Peer("x"), False).expect_all_ingress("x/a", True), 81, "SCTP")


def test_any_port_on_a_specific_protocol(box):
    """f.It("should enforce ingress policy allowing any port traffic to a server on a specific protocol")."""
    apply(box, "x", policy("allow-ingress-by-proto", "{matchLabels: {pod: a}}",
                           "  ingress:\n  - ports:\n    - protocol: TCP"))
    check(box, Reachability(), 80, "TCP")
    check(box, Reachability().expect_peer(Peer(), Peer("x", "a"), False), 80, "UDP")
    check(box, Reachability().expect_peer(Peer(), Peer("x", "a"), False), 82, "UDP", by="pod")


def test_egress_deny_with_dns_allowed_probed_by_service_name(box):
    """The suite's earlier probe (probe.go at v1.20: QualifiedServiceAddress, s-<ns>-<pod>.<ns>.svc.cluster.local)
    needs DNS, and its egress tests carried an allow-DNS rule (UDP 53). Without that rule the lookup's
    UDP query is dropped and agnhost says `DNS: lookup ...: i/o timeout`; with it the name resolves and
    the connection obeys the other egress rules (f.It "should deny egress from pods based on PodSelector")."""
    apply(box, "x", policy("deny-egress-pod-a", "{matchLabels: {pod: a}}", "  egress: []\n  policyTypes: [Egress]"))
    r = box.run("kubectl exec a -c cont-80-tcp -n x -- /agnhost connect s-y-a.y.svc.cluster.local:80 --timeout=1s "
                "--protocol=tcp")
    ip = box.pod_ip("a", "x")
    assert r.exit_code == 1
    assert r.output.startswith(f"DNS: lookup s-y-a.y.svc.cluster.local on 10.96.0.10:53: read udp {ip}:"), r.output
    assert r.output.endswith("->10.96.0.10:53: i/o timeout\ncommand terminated with exit code 1\n"), r.output
    apply(box, "x", policy("allow-dns", "{matchLabels: {pod: a}}",
                           "  egress:\n  - ports:\n    - {port: 53, protocol: UDP}\n  policyTypes: [Egress]"))
    r = box.run("kubectl exec a -c cont-80-tcp -n x -- /agnhost connect s-y-a.y.svc.cluster.local:80 --timeout=1s "
                "--protocol=tcp")
    assert (r.output, r.exit_code) == ("TIMEOUT\ncommand terminated with exit code 1\n", 1)
    r = box.run("kubectl exec a -c cont-80-tcp -n x -- /agnhost connect nope.y.svc.cluster.local:80 --timeout=1s")
    assert r.output == ("DNS: lookup nope.y.svc.cluster.local on 10.96.0.10:53: no such host\n"
                        "command terminated with exit code 1\n")
    r = box.run("kubectl exec b -c cont-80-tcp -n x -- /agnhost connect s-y-a.y.svc.cluster.local:80 --timeout=1s")
    assert (r.output, r.exit_code) == ("", 0)


def test_policies_stop_applying_once_deleted(box):
    """f.It("should stop enforcing policies after they are deleted")."""
    apply(box, "x", policy("deny-all", "{}", "  ingress: []\n  egress: []\n  policyTypes: [Ingress, Egress]"))
    check(box, Reachability().expect_peer(Peer("x"), Peer(), False).expect_peer(Peer(), Peer("x"), False), 80, "TCP")
    assert box.run("kubectl delete networkpolicy --all -n x").exit_code == 0
    check(box, Reachability(), 80, "TCP")


def test_the_truth_table_prints_as_the_e2e_logs_it():
    """reachability.go's table: `-` corner, tab-separated, `.` reachable and `X` not."""
    text = table(Reachability().expect_peer(Peer(), Peer("x"), False).with_loopback().cells)
    lines = text.splitlines()
    assert lines[0] == "-\t" + "\t".join(ALL)
    assert lines[1] == "x/a\t.\tX\tX\t.\t.\t.\t.\t.\t."
    assert lines[4] == "y/a\tX\tX\tX\t.\t.\t.\t.\t.\t."


def test_updated_policy(box):
    """f.It("should enforce updated policy"): allow-all, then the same policy re-applied with no rules."""
    apply(box, "x", policy("allow-all-mutate-to-deny-all", "{}", "  ingress:\n  - {}"))
    check(box, Reachability(), 81, "TCP")
    apply(box, "x", policy("allow-all-mutate-to-deny-all", "{}", "  ingress: []"))
    check(box, Reachability().expect_peer(Peer(), Peer("x"), False), 81, "TCP")


def test_ingress_from_an_updated_namespace(box):
    """f.It("should allow ingress access from updated namespace"): `kubectl label ns y ns2=updated` opens
    x/a to namespace y."""
    apply(box, "x", policy("allow-client-a-via-ns-selector", "{matchLabels: {pod: a}}",
                           "  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {ns2: updated}}"))
    check(box, Reachability().expect_all_ingress("x/a", False), 80, "TCP")
    assert box.run("kubectl label namespace y ns2=updated").exit_code == 0
    try:
        check(box, Reachability().expect_all_ingress("x/a", False).expect_peer(Peer("y"), Peer(), True), 80, "TCP")
    finally:
        box.run("kubectl label namespace y ns2-")


def test_ingress_from_an_updated_pod(box):
    """f.It("should allow ingress access from updated pod"): `kubectl label pod b pod2=updated -n x`."""
    apply(box, "x", policy("allow-client-a-via-pod-selector", "{matchLabels: {pod: a}}",
                           "  ingress:\n  - from:\n    - podSelector: {matchLabels: {pod: b, pod2: updated}}"))
    check(box, Reachability().expect_all_ingress("x/a", False), 80, "TCP")
    assert box.run("kubectl label pod b pod2=updated -n x").exit_code == 0
    try:
        check(box, Reachability().expect_all_ingress("x/a", False).expect("x/b", "x/a", True), 80, "TCP")
    finally:
        box.run("kubectl label pod b pod2- -n x")


def test_ingress_denied_to_an_updated_pod(box):
    """f.It("should deny ingress access to updated pod"): the policy selects target=isolated; labelling
    x/a isolates it."""
    apply(box, "x", policy("deny-ingress-via-label-selector", "{matchLabels: {target: isolated}}", "  ingress: []"))
    check(box, Reachability(), 80, "TCP")
    assert box.run("kubectl label pod a target=isolated -n x").exit_code == 0
    try:
        check(box, Reachability().expect_all_ingress("x/a", False), 80, "TCP")
        check(box, Reachability().expect_all_ingress("x/a", False), 82, "TCP", by="pod")
    finally:
        box.run("kubectl label pod a target- -n x")


def test_the_model_on_two_calico_nodes():
    """The e2e suite runs on multi-node clusters: the scheduler spreads the nine pods over both nodes,
    Calico routes between them and enforces the same truth table (default-deny-ingress on 80/UDP)."""
    two = build(seed=22, nodes=2)
    where = {p["spec"]["nodeName"] for ns in ("x", "y", "z") for p in two.cluster.list("pods", ns)}
    assert where == {"minikube", "minikube-m02"}
    check(two, Reachability(), 80, "UDP")
    apply(two, "x", DENY_ALL_INGRESS)
    check(two, Reachability().expect_peer(Peer(), Peer("x"), False), 80, "UDP")
    check(two, Reachability().expect_peer(Peer(), Peer("x"), False), 82, "TCP", by="pod")
