"""Images that behave differently by version or build: busybox <= 1.28's nslookup (networking/nslookup.c
before the 1.29 rewrite: getaddrinfo, so the search list applies, and print_host's `%-10s %s` / `Address N:
ip reverse-name` lines), the e2e busybox (1.24), busyboxplus:curl, netshoot (BIND's nslookup and dig)."""
from __future__ import annotations

from .podhelpers import Sandbox


def _sb() -> Sandbox:
    return Sandbox().setup("kubectl create deploy web --image=nginx", "kubectl expose deploy web --port=80",
                           "kubectl run old --image=busybox:1.28 -- sleep 3600",
                           "kubectl run new --image=busybox:1.37 -- sleep 3600",
                           "kubectl run e2e --image=registry.k8s.io/busybox -- sleep 3600",
                           "kubectl run plus --image=radial/busyboxplus:curl -- sleep 3600",
                           "kubectl run shoot --image=nicolaka/netshoot -- sleep 3600")


def test_busybox_1_28_resolves_through_the_search_list_and_prints_reverse_names():
    sb = _sb()
    assert sb.out("kubectl exec old -- nslookup kubernetes.default") == (
        "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n"
        "Name:      kubernetes.default\nAddress 1: 10.96.0.1 kubernetes.default.svc.cluster.local\n")
    ip = sb.svc_ip("web")
    assert sb.out("kubectl exec old -- nslookup web").endswith(
        f"Name:      web\nAddress 1: {ip} web.default.svc.cluster.local\n")
    r = sb.run("kubectl exec old -- nslookup nope")
    assert r.output == ("Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n"
                        "nslookup: can't resolve 'nope'\ncommand terminated with exit code 1\n")


def test_busybox_1_37_asks_each_search_name_itself():
    """The 1.29+ nslookup.c: its own queries, `Address:\tip:53`; kubernetes.default (a dot) is not searched."""
    r = _sb().run("kubectl exec new -- nslookup kubernetes.default")
    assert r.output.startswith("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
                               "** server can't find kubernetes.default: NXDOMAIN\n")


def test_the_e2e_busybox_has_the_old_applets():
    sb = _sb()
    assert sb.out("kubectl exec e2e -- nslookup web").startswith("Server:    10.96.0.10\n")
    assert sb.out("kubectl exec e2e -- sh -c 'echo $((1+1))'") == "2\n"


def test_busyboxplus_has_curl_and_netshoot_has_bind_tools():
    sb = _sb()
    assert sb.out("kubectl exec plus -- curl -sk https://kubernetes.default/healthz") == "ok"
    assert sb.out("kubectl exec shoot -- dig +short kube-dns.kube-system.svc.cluster.local") == "10.96.0.10\n"
    assert sb.out("kubectl exec shoot -- nslookup kubernetes.default").startswith(
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tkubernetes.default.svc.cluster.local\n")
