"""kubernetes.io "Debugging DNS Resolution" (content/en/docs/tasks/administer-cluster/
dns-debugging-resolution.md) replayed on a one-node minikube at v1.35.

Out of date on the page: its nslookup outputs are busybox 1.28's ("Address 1:"), but its dnsutils image
(registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3) runs BIND 9.9's nslookup ("Address: ip#53", the
search list walked until an answer); its CoreDNS logs are 1.2's, its Corefile has `proxy` and `upstream`
(removed from CoreDNS); minikube's Corefile has `log` already (pkg/minikube/node/start.go), so queries show
in the logs without the edit."""
from __future__ import annotations

import re

from playground.sim import coredns

from .podhelpers import Sandbox

DNSUTILS = """cat > dnsutils.yaml <<'X'
apiVersion: v1
kind: Pod
metadata:
  name: dnsutils
  namespace: default
spec:
  containers:
  - name: dnsutils
    image: registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3
    command:
      - sleep
      - "infinity"
    imagePullPolicy: IfNotPresent
  restartPolicy: Always
X"""


def test_the_page_replayed():
    sb = Sandbox()
    sb.run(DNSUTILS)
    assert sb.out("kubectl apply -f dnsutils.yaml") == "pod/dnsutils created\n"
    pods = sb.out("kubectl get pods dnsutils", wait=5).splitlines()
    assert pods[0] == "NAME       READY   STATUS    RESTARTS   AGE"
    assert re.fullmatch(r"dnsutils   1/1     Running   0          \d+s", pods[1])
    assert sb.out("kubectl exec -i -t dnsutils -- nslookup kubernetes.default") == (
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n"
        "Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n")
    # the kubelet's resolv.conf on minikube: no cloud provider's search domains
    assert sb.out("kubectl exec -ti dnsutils -- cat /etc/resolv.conf") == (
        "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n")
    dns_pods = sb.out("kubectl get pods --namespace=kube-system -l k8s-app=kube-dns").splitlines()
    assert re.fullmatch(r"coredns-[a-z0-9]{9,10}-[a-z0-9]{5}   1/1     Running   0          \d+[sm]\S*", dns_pods[1])

    logs = sb.out("for p in $(kubectl get pods --namespace=kube-system -l k8s-app=kube-dns -o name); "
                  "do kubectl logs --namespace=kube-system $p; done").splitlines()
    assert logs[:4] == coredns.startup_lines(coredns.COREFILE)
    # the nslookup above, as minikube's `log` plugin wrote it: the search list's first try, then the answer
    ip = sb.pod_ip("dnsutils")
    assert re.fullmatch(rf'\[INFO\] {re.escape(ip)}:\d+ - \d+ "A IN kubernetes\.default\.default\.svc\.cluster\.'
                        r'local\. udp 62 false 512" NXDOMAIN qr,aa,rd 155 0\.\d+s', logs[4]), logs[4]
    assert '"A IN kubernetes.default.svc.cluster.local. udp 54 false 512" NOERROR qr,aa,rd 106 ' in logs[5]

    svc = sb.out("kubectl get svc --namespace=kube-system").splitlines()
    assert re.fullmatch(r"kube-dns   ClusterIP   10\.96\.0\.10   <none>        53/UDP,53/TCP,9153/TCP   \S+", svc[1])
    ep = sb.out("kubectl get endpoints kube-dns --namespace=kube-system").splitlines()
    dns_ip = sb.cluster.get("pods", "kube-system", dns_pods[1].split()[0])["status"]["podIP"]
    assert ep[0] == "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
    assert ep[2].startswith(f"kube-dns   {dns_ip}:53,{dns_ip}:53,{dns_ip}:9153   ")

    # "Are DNS queries being received/processed?": the page's edit, on minikube's Corefile
    r = sb.run("kubectl -n kube-system edit configmap coredns")
    assert r.editor is not None and "        log\n" in r.editor["content"]


def test_dig_from_the_dnsutils_pod():
    """bin/dig/dig.c's output; the answer aligned on BIND's tab columns; EDNS as dig 9.9 sends it."""
    sb = Sandbox()
    sb.run(DNSUTILS)
    sb.setup("kubectl apply -f dnsutils.yaml")
    out = sb.out("kubectl exec dnsutils -- dig kubernetes.default.svc.cluster.local")
    assert out.startswith("\n; <<>> DiG 9.9.5-9+deb8u19-Debian <<>> kubernetes.default.svc.cluster.local\n"
                          ";; global options: +cmd\n;; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: ")
    assert ";; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n" in out
    assert ";; QUESTION SECTION:\n;kubernetes.default.svc.cluster.local. IN A\n\n" \
           ";; ANSWER SECTION:\nkubernetes.default.svc.cluster.local. 30 IN A\t10.96.0.1\n" in out
    assert ";; SERVER: 10.96.0.10#53(10.96.0.10)\n" in out and ";; MSG SIZE  rcvd: 117\n" in out
    assert sb.out("kubectl exec dnsutils -- dig +short kubernetes.default.svc.cluster.local") == "10.96.0.1\n"
    nx = sb.out("kubectl exec dnsutils -- dig nope.default.svc.cluster.local")
    assert "status: NXDOMAIN" in nx and "AUTHORITY SECTION:\ncluster.local.\t\t30\tIN\tSOA\tns.dns.cluster.local. " in nx
