"""`podscape why` / `podscape matrix`, and what NetworkPolicy does to real requests (wget, curl, DNS) on a
cluster started with --cni=calico: the explanation names the policies on each side and the rule that
allowed the traffic, or says that none did; the trace of a dropped request carries the same text."""
from __future__ import annotations

import pytest

from tests.sim.podhelpers import Sandbox

POLICY = """kubectl apply -f - <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: access-nginx
spec:
  podSelector:
    matchLabels:
      app: nginx
  ingress:
  - from:
    - podSelector:
        matchLabels:
          access: "true"
EOF"""

EGRESS_ONLY_NGINX = """kubectl apply -f - <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: busybox-out
spec:
  podSelector:
    matchLabels:
      run: busybox
  policyTypes: [Egress]
  egress:
  - to:
    - podSelector:
        matchLabels:
          app: nginx
    ports:
    - port: 80
EOF"""

ALLOW_DNS = """kubectl apply -f - <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: busybox-dns
spec:
  podSelector:
    matchLabels:
      run: busybox
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
    ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
EOF"""


def cluster(cni: str = "calico") -> Sandbox:
    s = Sandbox()
    if cni:
        s.setup("minikube delete", f"minikube start --cni={cni}")
    return s.setup("kubectl run nginx --image=nginx --labels=app=nginx --port=80",
                   "kubectl expose pod nginx --port=80",
                   "kubectl run busybox --image=busybox -- sleep 3600")


@pytest.fixture
def calico() -> Sandbox:
    s = cluster()
    s.setup(POLICY)
    return s


def test_why_names_the_policy_that_isolates_nginx_and_says_no_rule_allows_busybox(calico):
    r = calico.run("podscape why busybox nginx:80")
    assert r.exit_code == 1
    lines = r.output.splitlines()
    assert lines[0].startswith("default/busybox (10.244.") and lines[0].endswith("port 80/TCP: DENIED")
    assert "Egress from default/busybox: no NetworkPolicy selects it for egress, so it is not isolated: allowed." in lines
    assert "Ingress to default/nginx: isolated by 1 policy:" in lines
    assert "  default/access-nginx (podSelector app=nginx)" in lines
    assert "    ingress[0] does not match: no peer in from [podSelector access=true] matches" in lines
    assert lines[-1] == "The packets are dropped silently: the client waits and times out."


def test_why_names_the_rule_that_allows_busybox_once_labelled(calico):
    calico.setup("kubectl label pod busybox access=true")
    r = calico.run("podscape why busybox nginx:80")
    assert r.exit_code == 0
    assert r.output.splitlines()[0].endswith(": ALLOWED")
    assert "    ingress[0] allows it: from podSelector access=true, on any port\n" in r.output
    assert "  => allowed by default/access-nginx ingress[0]\n" in r.output


def test_why_through_a_service_explains_each_endpoint():
    s = cluster()
    s.setup("kubectl create deploy web --image=nginx --replicas=2", "kubectl expose deploy web --port=8080 --target-port=80",
            POLICY.replace("app: nginx", "app: web"))
    r = s.run("podscape why busybox web:8080")
    assert r.exit_code == 1
    vias = [ln for ln in r.output.splitlines() if ln.startswith("via Service web -> pod web-")]
    assert len(vias) == 2 and all(v.endswith(":80") for v in vias)
    assert r.output.count(": DENIED\n") == 2


def test_the_dropped_request_times_out_and_its_trace_carries_the_explanation(calico):
    r = calico.run("kubectl exec busybox -- wget --spider --timeout=1 nginx")
    assert "wget: download timed out\n" in r.output and r.exit_code == 1
    trace = r.traces[-1]
    assert trace["verdict"] == "dropped"          # the client times out; the trace says a policy dropped it
    assert "isolated by 1 policy" in trace["why"] and trace["why"].splitlines()[0].endswith("DENIED")
    calico.setup("kubectl label pod busybox access=true")
    r = calico.run("kubectl exec busybox -- wget --spider --timeout=1 nginx")
    assert r.traces[-1]["verdict"] == "ok" and "ALLOWED" in r.traces[-1]["why"]


def test_without_an_enforcing_cni_why_says_the_policy_has_no_effect():
    s = cluster(cni="")
    s.setup(POLICY)
    r = s.run("podscape why busybox nginx:80")
    assert r.exit_code == 0
    assert ": ALLOWED\n" in r.output.splitlines(keepends=True)[0]
    assert "does not enforce NetworkPolicy" in r.output
    assert "With an enforcing CNI the policies below would drop it." in r.output
    r = s.run("kubectl exec busybox -- wget --spider --timeout=1 nginx")
    assert r.output.endswith("remote file exists\n")


def test_egress_isolation_of_the_source_is_explained():
    s = cluster()
    s.setup(EGRESS_ONLY_NGINX)
    r = s.run("podscape why busybox nginx:80")
    assert "Egress from default/busybox: isolated by 1 policy:" in r.output
    assert "    egress[0] allows it: to podSelector app=nginx, on 80/TCP" in r.output
    r = s.run("podscape why busybox nginx:81")
    assert "    egress[0] does not match: the port is not listed" in r.output and r.exit_code == 1


def test_an_egress_policy_that_leaves_out_dns_breaks_name_lookups():
    s = cluster()
    s.setup(EGRESS_ONLY_NGINX)
    r = s.run("kubectl exec busybox -- wget --spider --timeout=1 nginx")
    assert r.output == "wget: bad address 'nginx'\ncommand terminated with exit code 1\n"
    why = s.run("podscape why busybox nginx:80").output
    assert why.startswith("DNS: default/busybox cannot resolve nginx: its queries to kube-dns (UDP 53) are dropped.")
    ip = s.pod_ip("nginx")
    r = s.run(f"kubectl exec busybox -- wget --spider --timeout=1 {ip}")
    assert r.output.endswith("remote file exists\n")      # by address, no lookup: the rule allows it
    s.setup(ALLOW_DNS)
    r = s.run("kubectl exec busybox -- wget --spider --timeout=1 nginx")
    assert r.output.endswith("remote file exists\n") and r.exit_code == 0


def test_nslookup_times_out_when_egress_blocks_dns():
    s = cluster()
    s.setup(EGRESS_ONLY_NGINX)
    r = s.run("kubectl exec busybox -- nslookup nginx")
    assert r.output.startswith(";; connection timed out; no servers could be reached")


def test_nodeport_traffic_arrives_from_the_node_and_ipblock_sees_that_address():
    s = cluster()
    s.setup("kubectl patch svc nginx -p '{\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":30080}]}}'")
    assert s.run("curl -s -o /dev/null -w '%{http_code}' 192.168.49.2:30080").output == "200"
    s.setup("""kubectl apply -f - <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: pods-only
spec:
  podSelector:
    matchLabels:
      app: nginx
  ingress:
  - from:
    - ipBlock:
        cidr: 10.244.0.0/16
        except:
        - 10.244.0.1/32
EOF""")
    r = s.run("curl -s -m 2 192.168.49.2:30080")
    assert r.exit_code == 28 and r.traces[-1]["verdict"] == "dropped"
    assert "node minikube via NAT (10.244.0.1)" in r.traces[-1]["why"]
    r = s.run("kubectl exec busybox -- wget --spider --timeout=1 nginx")
    assert r.output.endswith("remote file exists\n")
    s.setup("kubectl patch netpol pods-only --type=json -p '[{\"op\":\"remove\",\"path\":\"/spec/ingress/0/from/0/ipBlock/except\"}]'")
    assert s.run("curl -s -o /dev/null -w '%{http_code}' 192.168.49.2:30080").output == "200"


def test_matrix_prints_the_truth_table(calico):
    r = calico.run("podscape matrix")
    assert r.exit_code == 0
    assert r.output == ("port 80/TCP (rows: from, columns: to; . allowed, X denied)\n"
                        "        busybox nginx\n"
                        "busybox       .     X\n"
                        "nginx         .     .\n")


def test_usage_errors_say_what_is_wrong(calico):
    r = calico.run("podscape why nosuchpod nginx:80")
    assert (r.output, r.exit_code) == ('podscape: pod "nosuchpod" not found in namespace "default"\n'
                                       "Run 'podscape help' for usage.\n", 2)
    r = calico.run("podscape why busybox nginx:http")
    assert r.exit_code == 2 and "invalid port 'http'" in r.output
    assert calico.run("podscape").exit_code == 2
    assert calico.run("podscape help").output.startswith("podscape: the playground's helper")


HOST_NETWORK_POD = """kubectl apply -f - <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: hostbox
  labels:
    access: "true"
spec:
  hostNetwork: true
  containers:
  - name: box
    image: busybox
    args: [sleep, "3600"]
EOF"""


def test_traffic_from_the_pods_own_node_is_always_allowed(calico):
    """The API docs' exception to ipBlock: traffic to and from the node where a pod runs is always allowed; a
    host-network pod sends from the node's address, so access-nginx does not stop it (no label needed)."""
    calico.setup(HOST_NETWORK_POD.replace('    access: "true"', '    role: node-agent'))
    assert calico.pod_ip("hostbox") == "192.168.49.2"
    # (a host-network pod uses the node's resolver, which knows no cluster names: go by address)
    nginx = calico.pod_ip("nginx")
    r = calico.run(f"kubectl exec hostbox -- wget --spider --timeout=1 {nginx}")
    assert r.output.endswith("remote file exists\n") and r.exit_code == 0
    assert "Traffic to and from the node a pod runs on is always allowed" in r.traces[-1]["why"]
    r = calico.run("podscape why hostbox nginx:80")
    assert r.exit_code == 0 and r.output.splitlines()[0] == (
        f"hostbox (host network) (192.168.49.2) -> default/nginx ({nginx}) port 80/TCP: ALLOWED")
    # a podSelector {} deny-all in its namespace does not select the host-network pod itself
    calico.setup("""kubectl apply -f - <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
EOF""")
    r = calico.run("kubectl exec busybox -- wget --spider --timeout=1 192.168.49.2:8443")
    assert "download timed out" not in r.output
    r = calico.run("podscape why nginx 192.168.49.2:10250")      # egress to the node: allowed all the same
    assert r.exit_code == 0 and r.output.splitlines()[0].endswith(": ALLOWED")
