"""Service features learners test, as Kubernetes implements them:

- publishNotReadyAddresses: the endpoints controller's tolerateUnreadyEndpoints puts unready pods under
  `addresses`; the EndpointSlice controller (pkg/controller/endpointslice podToEndpoint) marks them
  ready=true, serving=false; kube-proxy then sends them traffic and CoreDNS answers with them.
- kube-proxy picks a random endpoint per connection (pkg/proxy/iptables: `-m statistic --mode random`),
  never round robin; the sandbox's seed makes the draw repeatable.
- headless Services with a selector answer DNS with the ready pods; without a selector, with the
  Endpoints the user wrote; ExternalName answers a CNAME (kubernetes/dns docs/specification.md 2.3, 2.4).
"""
from __future__ import annotations

import re

from tests.sim.podhelpers import Sandbox

AGNHOST = "registry.k8s.io/e2e-test-images/agnhost:2.53"
UNREADY = f"""apiVersion: v1
kind: Pod
metadata: {{name: unready, labels: {{app: peers}}}}
spec:
  containers:
  - name: c
    image: {AGNHOST}
    args: [serve-hostname, --port, "9376"]
    readinessProbe:
      httpGet: {{path: /, port: 9999}}
---
apiVersion: v1
kind: Service
metadata: {{name: peers}}
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector: {{app: peers}}
  ports: [{{port: 9376}}]
---
apiVersion: v1
kind: Service
metadata: {{name: peers-vip}}
spec:
  publishNotReadyAddresses: true
  selector: {{app: peers}}
  ports: [{{port: 80, targetPort: 9376}}]
---
apiVersion: v1
kind: Service
metadata: {{name: strict}}
spec:
  selector: {{app: peers}}
  ports: [{{port: 80, targetPort: 9376}}]
"""


def unready_box() -> Sandbox:
    sb = Sandbox(8)
    sb.engine.host.files["/home/student/u.yaml"] = UNREADY
    return sb.setup("kubectl apply -f u.yaml", "kubectl run bb --image=busybox -- sleep 3600")


def test_publish_not_ready_addresses_lists_and_serves_an_unready_pod():
    sb = unready_box()
    ip = sb.pod_ip("unready")
    assert re.search(r"^unready +0/1 +Running", sb.out("kubectl get pods"), re.M)
    ep = sb.cluster.get("endpoints", "default", "peers-vip")
    assert [a["ip"] for s in ep["subsets"] for a in s.get("addresses", [])] == [ip]
    strict = sb.cluster.get("endpoints", "default", "strict")
    assert [a["ip"] for s in strict["subsets"] for a in s.get("notReadyAddresses", [])] == [ip]
    assert sb.out("kubectl get endpointslices -l kubernetes.io/service-name=peers-vip "
                  "-o jsonpath='{.items[0].endpoints[0].conditions}'") == \
        '{"ready":true,"serving":false,"terminating":false}'
    assert sb.out("kubectl exec bb -- wget -qO- peers-vip") == "unready"
    assert "Connection refused" in sb.out("kubectl exec bb -- wget -qO- strict")


def test_publish_not_ready_addresses_headless_dns_answers_the_unready_pod():
    sb = unready_box()
    out = sb.out("kubectl exec bb -- nslookup peers.default.svc.cluster.local")
    assert f"Name:\tpeers.default.svc.cluster.local\nAddress: {sb.pod_ip('unready')}\n" in out


def _spread(sb: Sandbox, n: int = 30) -> list[str]:
    out = sb.out(f"kubectl exec bb -- sh -c 'for i in $(seq {n}); do wget -qO- web; echo; done'")
    return out.split()


def test_kube_proxy_picks_at_random_not_round_robin_and_repeats_per_seed():
    def box(seed):
        return Sandbox(seed).setup(f"kubectl create deployment web --image={AGNHOST} --replicas=3 -- "
                                   "/agnhost serve-hostname --port 80",
                                   "kubectl expose deployment web --port=80",
                                   "kubectl run bb --image=busybox -- sleep 3600")
    first, again = _spread(box(4)), _spread(box(4))
    assert first == again                                   # the sandbox's seed fixes the draw
    assert len(set(first)) == 3                             # every replica answers
    rotations = [first[i:i + 3] for i in range(0, 30, 3)]
    assert not all(len(set(r)) == 3 and r == rotations[0] for r in rotations)   # not a fixed rotation
    assert any(first[i] == first[i + 1] for i in range(29))  # a random draw repeats a backend sometimes


def test_headless_without_selector_answers_the_endpoints_written_by_hand():
    sb = Sandbox(9)
    sb.engine.host.files["/home/student/h.yaml"] = """apiVersion: v1
kind: Service
metadata: {name: legacy}
spec:
  clusterIP: None
  ports: [{port: 5432}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: legacy}
subsets:
- addresses: [{ip: 192.168.49.1}]
  ports: [{port: 5432}]
"""
    sb.setup("kubectl apply -f h.yaml", "kubectl run bb --image=busybox -- sleep 3600")
    out = sb.out("kubectl exec bb -- nslookup legacy")
    assert "Name:\tlegacy.default.svc.cluster.local\nAddress: 192.168.49.1\n" in out


def test_external_name_answers_a_cname():
    sb = Sandbox(9).setup("kubectl create service externalname db --external-name=db.example.com",
                          "kubectl run bb --image=busybox -- sleep 3600")
    out = sb.out("kubectl exec bb -- nslookup db.default.svc.cluster.local")
    assert "db.default.svc.cluster.local\tcanonical name = db.example.com\n" in out


def _affinity_box(timeout: int) -> Sandbox:
    return Sandbox(12).setup(
        f"kubectl create deployment web --image={AGNHOST} --replicas=3 -- /agnhost serve-hostname --port 80",
        "kubectl expose deployment web --port=80 --session-affinity=ClientIP",
        f"""kubectl patch svc web -p '{{"spec":{{"sessionAffinityConfig":{{"clientIP":{{"timeoutSeconds":{timeout}}}}}}}}}'""",
        "kubectl run bb --image=busybox -- sleep 3600")


def test_client_ip_affinity_sticks_until_its_timeout_passes():
    """kube-proxy's `-m recent --seconds timeoutSeconds`: within the timeout one client keeps its endpoint;
    once a gap is longer, the next connection is drawn again."""
    sticky = _affinity_box(10800)
    assert len({sticky.out("kubectl exec bb -- wget -qO- web", wait=30) for _ in range(10)}) == 1
    short = _affinity_box(10)
    assert len({short.out("kubectl exec bb -- wget -qO- web", wait=1) for _ in range(10)}) == 1
    assert len({short.out("kubectl exec bb -- wget -qO- web", wait=30) for _ in range(10)}) > 1
