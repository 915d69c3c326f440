"""The cluster as minikube boots it: its ConfigMaps, the root CA publisher, CoreDNS reading its Corefile,
and the controllers acting between the commands of one line."""
from __future__ import annotations

import re

from playground.sim import coredns, pki

from .podhelpers import Sandbox


def test_get_cm_all_lists_what_a_fresh_minikube_holds():
    # kubectl get cm -A on minikube v1.38 / Kubernetes v1.35 (kubeadm's and the API server's ConfigMaps)
    lines = Sandbox().out("kubectl get cm -A").splitlines()
    rows = [re.split(r"\s{2,}", ln)[:3] for ln in lines[1:]]
    assert lines[0].split() == ["NAMESPACE", "NAME", "DATA", "AGE"]
    assert rows == [
        ["default", "kube-root-ca.crt", "1"], ["kube-node-lease", "kube-root-ca.crt", "1"],
        ["kube-public", "cluster-info", "1"], ["kube-public", "kube-root-ca.crt", "1"],
        ["kube-system", "coredns", "1"], ["kube-system", "extension-apiserver-authentication", "6"],
        ["kube-system", "kube-apiserver-legacy-service-account-token-tracking", "1"],
        ["kube-system", "kube-proxy", "2"], ["kube-system", "kube-root-ca.crt", "1"],
        ["kube-system", "kubeadm-config", "1"], ["kube-system", "kubelet-config", "1"]]


def test_a_new_namespace_gets_kube_root_ca_and_a_deleted_one_comes_back():
    """pkg/controller/certificates/rootcacertpublisher/publisher.go: created on namespace add, re-created
    on delete, with the description annotation."""
    sb = Sandbox()
    out = sb.out("kubectl create ns team; kubectl get cm -n team")
    assert out.splitlines()[1:] == ["NAME               DATA   AGE", "kube-root-ca.crt   1      0s"]
    uid = sb.cluster.get("configmaps", "team", "kube-root-ca.crt")["metadata"]["uid"]
    assert "deleted" in sb.out("kubectl delete cm kube-root-ca.crt -n team")
    cm = sb.cluster.get("configmaps", "team", "kube-root-ca.crt")
    assert cm["metadata"]["uid"] != uid
    assert cm is not None and cm["data"]["ca.crt"] == pki.CA_CRT
    assert cm["metadata"]["annotations"]["kubernetes.io/description"].startswith("Contains a CA bundle")


def test_the_coredns_configmap_holds_minikubes_corefile():
    """kubeadm's Corefile (cmd/kubeadm/app/phases/addons/dns/manifests.go) with minikube's edits
    (pkg/minikube/node/start.go addCoreDNSEntry: `log`, and the hosts block for host.minikube.internal)."""
    out = Sandbox().out("kubectl get cm coredns -n kube-system -o jsonpath='{.data.Corefile}'")
    assert out.startswith(".:53 {\n    log\n    errors\n    health {\n       lameduck 5s\n    }\n")
    assert "    hosts {\n       192.168.49.1 host.minikube.internal\n       fallthrough\n    }\n" \
           "    forward . /etc/resolv.conf {" in out


def test_coredns_logs_its_start_and_each_query_as_plugin_log_formats_it():
    sb = Sandbox()
    sb.setup("kubectl run bb --image=busybox -- sleep 3600")
    logs = sb.out("kubectl logs -n kube-system -l k8s-app=kube-dns").splitlines()
    assert logs[:4] == [".:53", f"[INFO] plugin/reload: Running configuration SHA512 = "
                        f"{coredns.sha512(coredns.COREFILE)}", "CoreDNS-1.13.1", "linux/amd64, go1.25.2, 1db4568"]
    sb.run("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local")
    last = sb.out("kubectl logs -n kube-system -l k8s-app=kube-dns --tail=2").splitlines()
    ip = sb.pod_ip("bb")
    # the docs' example line: "A IN kubernetes.default.svc.cluster.local. udp 54 false 512" NOERROR qr,aa,rd 106
    assert re.fullmatch(rf'\[INFO\] {re.escape(ip)}:\d+ - \d+ "A IN kubernetes\.default\.svc\.cluster\.local\. '
                        r'udp 54 false 512" NOERROR qr,aa,rd 106 0\.\d{9}s', last[0]), last[0]
    assert '"AAAA IN kubernetes.default.svc.cluster.local. udp 54 false 512" NOERROR qr,aa,rd 147 ' in last[1]


def test_host_minikube_internal_resolves_in_pods_through_the_hosts_plugin():
    sb = Sandbox()
    sb.setup("kubectl run bb --image=busybox -- sleep 3600")
    out = sb.out("kubectl exec bb -- nslookup host.minikube.internal")
    assert "Name:\thost.minikube.internal\nAddress: 192.168.49.1\n" in out


def _edit_corefile(sb: Sandbox, sed: str) -> None:
    r = sb.run(f"kubectl get cm coredns -n kube-system -o yaml | sed '{sed}' | kubectl replace -f -")
    assert r.output == "configmap/coredns replaced\n", r.output


def test_without_log_queries_stop_appearing_once_coredns_reloads():
    """The edit lands with the kubelet's sync (<= 60 s), the reload plugin applies it at its next 30 s check."""
    sb = Sandbox()
    sb.setup("kubectl run bb --image=busybox -- sleep 3600")
    _edit_corefile(sb, "/^        log$/d")
    sb.run("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local")
    assert "A IN kubernetes.default" in sb.out("kubectl logs -n kube-system -l k8s-app=kube-dns --tail=2")
    sb.run("true", wait=95)
    tail = sb.out("kubectl logs -n kube-system -l k8s-app=kube-dns --tail=4").splitlines()
    assert tail[0] == "[INFO] Reloading" and tail[-1] == "[INFO] Reloading complete"
    sb.run("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local")
    assert sb.out("kubectl logs -n kube-system -l k8s-app=kube-dns --tail=1") == "[INFO] Reloading complete\n"


def test_a_broken_corefile_is_refused_on_reload_and_crashes_a_restarted_coredns():
    """plugin/reload logs "Restart failed" and keeps serving; a new pod exits on the parse error (caddyfile
    parser: "<file>:<line> - Error during parsing: Unknown directive '<name>'") and DNS stops answering."""
    sb = Sandbox()
    sb.setup("kubectl run bb --image=busybox -- sleep 3600")
    _edit_corefile(sb, "s/^        log$/        lgo/")
    sb.run("true", wait=95)
    err = "/etc/coredns/Corefile:2 - Error during parsing: Unknown directive 'lgo'"
    assert sb.out("kubectl logs -n kube-system -l k8s-app=kube-dns --tail=1") == f"[ERROR] Restart failed: {err}\n"
    assert "Address: 10.96.0.1" in sb.out("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local")
    sb.run("kubectl rollout restart deployment coredns -n kube-system")
    pods = sb.out("kubectl get pods -n kube-system -l k8s-app=kube-dns", wait=20)
    assert "CrashLoopBackOff" in pods
    assert sb.out("kubectl logs -n kube-system -l k8s-app=kube-dns") == err + "\n"
    r = sb.run("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local")
    assert r.output.startswith(";; connection timed out; no servers could be reached")


def test_controllers_act_between_the_commands_of_one_line():
    """Connecting Applications with Services: scaling to 0 and back on one line gives new pods (which then
    carry the Service's environment variables)."""
    sb = Sandbox()
    sb.setup("kubectl create deployment my-nginx --image=nginx --replicas=2")
    before = set(sb.cluster.objects["pods"])
    sb.run("kubectl scale deployment my-nginx --replicas=0; kubectl scale deployment my-nginx --replicas=2")
    after = {k for k in sb.cluster.objects["pods"] if k.startswith("default/")}
    assert len(after) == 2 and not after & before


def test_kubectl_edit_of_the_coredns_configmap_reaches_coredns():
    """The DNS debugging page's `kubectl -n kube-system edit configmap coredns`: saved, then reloaded."""
    sb = Sandbox()
    sb.setup("kubectl run bb --image=busybox -- sleep 3600")
    r = sb.run("kubectl -n kube-system edit configmap coredns")
    edited = r.editor["content"].replace("        log\n", "")
    sb.now += 1
    saved = sb.engine.save_editor(edited, now=sb.now)
    assert saved.output == "configmap/coredns edited\n", saved.output
    sb.run("true", wait=95)
    assert sb.out("kubectl logs -n kube-system -l k8s-app=kube-dns --tail=1") == "[INFO] Reloading complete\n"
    sb.run("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local")
    assert sb.out("kubectl logs -n kube-system -l k8s-app=kube-dns --tail=1") == "[INFO] Reloading complete\n"
