"""Cluster DNS as busybox's nslookup shows it from a pod: CoreDNS's records (kubernetes/dns spec) and
busybox 1.37's exact output (networking/nslookup.c: queries per search domain for A then AAAA, `Server:`
and `Address:` once, `** server can't find NAME: NXDOMAIN` per failed query, exit 1 if any failed)."""
from __future__ import annotations

import pytest

from playground.sim import dns

from .podhelpers import with_testpod

HEAD = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"


@pytest.fixture(scope="module")
def sb():
    return with_testpod(11, "kubectl create ns other", "kubectl create deploy web --image=nginx --replicas=2 -n other",
                        "kubectl create service clusterip web --tcp=80:80 -n other",
                        "kubectl create deploy hl --image=nginx --replicas=2",
                        "kubectl create service clusterip hl --clusterip=None --tcp=80:80",
                        "kubectl create service externalname ext --external-name=example.com")


def nslookup(sb, *args: str):
    r = sb.run("kubectl exec testpod -- nslookup " + " ".join(args))
    return r.output, r.exit_code


def test_short_name_goes_through_the_search_path(sb):
    ip = sb.svc_ip("nginx-app")
    out, code = nslookup(sb, "nginx-app")
    nx = "** server can't find nginx-app.{}: NXDOMAIN\n\n"
    assert out == (HEAD + f"Name:\tnginx-app.default.svc.cluster.local\nAddress: {ip}\n\n"
                   + nx.format("svc.cluster.local") + nx.format("cluster.local")
                   + "\n"                                     # AAAA for the Service: no data, a blank line
                   + nx.format("svc.cluster.local") + nx.format("cluster.local")
                   + "command terminated with exit code 1\n")
    assert code == 1


def test_namespaced_name_is_not_searched_by_busybox_nslookup(sb):
    # busybox applies the search list only to names without a dot; CoreDNS forwards the rest upstream
    out, code = nslookup(sb, "nginx-app.default")
    assert out == HEAD + "** server can't find nginx-app.default: NXDOMAIN\n\n" * 2 + \
        "command terminated with exit code 1\n"
    assert code == 1


def test_namespaced_name_resolves_for_getaddrinfo_tools(sb):
    ip = sb.svc_ip("nginx-app")
    r = sb.run("kubectl exec testpod -- wget --spider nginx-app.default")
    assert r.output == f"Connecting to nginx-app.default ({ip}:80)\nremote file exists\n"


def test_fqdn(sb):
    ip = sb.svc_ip("nginx-app")
    assert nslookup(sb, "nginx-app.default.svc.cluster.local") == (
        HEAD + f"Name:\tnginx-app.default.svc.cluster.local\nAddress: {ip}\n\n\n", 0)


def test_cross_namespace(sb):
    ip = sb.svc_ip("web", "other")
    assert nslookup(sb, "web.other.svc.cluster.local") == (
        HEAD + f"Name:\tweb.other.svc.cluster.local\nAddress: {ip}\n\n\n", 0)
    out, code = nslookup(sb, "web")          # not in the pod's namespace: every search domain fails
    assert out.count("NXDOMAIN") == 6 and code == 1


def test_headless_service_answers_with_the_pod_ips(sb):
    ips = sorted((p["status"]["podIP"] for p in sb.cluster.list("pods", "default")
                  if p["metadata"].get("labels", {}).get("app") == "hl"),
                 key=lambda a: tuple(map(int, a.split("."))))
    assert len(ips) == 2
    body = "".join(f"Name:\thl.default.svc.cluster.local\nAddress: {ip}\n" for ip in ips)
    assert nslookup(sb, "hl.default.svc.cluster.local") == (HEAD + body + "\n\n", 0)


def test_external_name_is_a_cname(sb):
    line = "ext.default.svc.cluster.local\tcanonical name = example.com\n"
    assert nslookup(sb, "ext.default.svc.cluster.local") == (HEAD + line + "\n" + line + "\n", 0)


def test_srv_records_for_named_ports(sb):
    assert nslookup(sb, "-type=srv", "_80-80._tcp.web.other.svc.cluster.local") == (
        HEAD + "_80-80._tcp.web.other.svc.cluster.local\tservice = 0 100 80 web.other.svc.cluster.local\n\n", 0)


def test_srv_records_of_a_headless_service_name_each_endpoint(sb):
    out, code = nslookup(sb, "-type=srv", "_80-80._tcp.hl.default.svc.cluster.local")
    lines = out.splitlines()[3:-1]
    assert code == 0 and len(lines) == 2
    for ln in lines:
        name, value = ln.split("\tservice = ")
        assert name == "_80-80._tcp.hl.default.svc.cluster.local"
        prio, weight, port, target = value.split()
        assert (prio, weight, port) == ("0", "50", "80") and target.endswith(".hl.default.svc.cluster.local")


def test_pod_records(sb):
    ip = sb.pod_ip("testpod")
    name = ip.replace(".", "-") + ".default.pod.cluster.local"
    assert nslookup(sb, name) == (HEAD + f"Name:\t{name}\nAddress: {ip}\n\n\n", 0)


def test_nxdomain(sb):
    out, code = nslookup(sb, "nope")
    expected = "".join(f"** server can't find nope.{d}: NXDOMAIN\n\n"
                       for d in ["default.svc.cluster.local", "svc.cluster.local", "cluster.local"] * 2)
    assert (out, code) == (HEAD + expected + "command terminated with exit code 1\n", 1)


def test_reverse_lookup_of_a_service_ip(sb):
    assert nslookup(sb, "10.96.0.10") == (
        HEAD + "10.0.96.10.in-addr.arpa\tname = kube-dns.kube-system.svc.cluster.local\n\n", 0)


def test_another_server_is_unreachable(sb):
    assert nslookup(sb, "nginx-app", "8.8.8.8") == (
        ";; connection timed out; no servers could be reached\n\ncommand terminated with exit code 1\n", 1)


def test_search_candidates_follow_ndots():
    assert dns.candidates("a", "ns") == ["a.ns.svc.cluster.local", "a.svc.cluster.local", "a.cluster.local", "a"]
    assert dns.candidates("a.b.c.d.e.f", "ns")[0] == "a.b.c.d.e.f"
    assert dns.candidates("a.b.", "ns") == ["a.b"]


def test_deleted_service_stops_resolving_at_once():
    sb = with_testpod(12)
    assert nslookup(sb, "nginx-app.default.svc.cluster.local")[1] == 0
    sb.run("kubectl delete service nginx-app")
    out, code = nslookup(sb, "nginx-app.default.svc.cluster.local")
    assert "** server can't find nginx-app.default.svc.cluster.local: NXDOMAIN" in out and code == 1
