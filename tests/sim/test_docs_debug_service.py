"""kubernetes.io "Debug Services" (content/en/docs/tasks/debug/debug-application/debug-service.md) replayed
on a one-node minikube at v1.35, up to "Is the kube-proxy working?" (node-side ps/iptables are not replayed).

The page's interactive `kubectl run -it --rm --restart=Never busybox --image=gcr.io/google-containers/busybox
sh` is a long-running busybox pod here, its commands sent with `kubectl exec`. Out of date on the page: its
`wget -O- hostnames` error is GNU wget's (busybox says "bad address"); serve_hostname writes the hostname
without a newline (serve_hostname.go: fmt.Fprintf(w, "%s", hostname)), so the loops' answers run together;
`kubectl get endpoints` now warns that v1 Endpoints is deprecated."""
from __future__ import annotations

import re

from .podhelpers import Sandbox

POD = r"hostnames-[a-z0-9]{9,10}-[a-z0-9]{5}"


def test_the_page_replayed():
    sb = Sandbox()
    sb.setup("kubectl run busybox --image=gcr.io/google-containers/busybox -- sleep 3600")
    assert sb.out("kubectl create deployment hostnames --image=k8s.gcr.io/serve_hostname") == \
        "deployment.apps/hostnames created\n"
    assert sb.out("kubectl scale deployment hostnames --replicas=3") == "deployment.apps/hostnames scaled\n"
    pods = sb.out("kubectl get pods -l app=hostnames", wait=5).splitlines()
    assert len(pods) == 4 and all(re.fullmatch(POD + r"   1/1     Running   0          \d+s", p) for p in pods[1:])
    names = sorted(p.split()[0] for p in pods[1:])
    ips = sb.out("""kubectl get pods -l app=hostnames -o go-template='{{range .items}}{{.status.podIP}}{{"\\n"}}{{end}}'""")
    ips = ips.split()
    assert len(ips) == 3 and all(ip.startswith("10.244.0.") for ip in ips)
    eps = " ".join(f"{ip}:9376" for ip in ips)
    out = sb.out(f"kubectl exec busybox -- sh -c 'for ep in {eps}; do wget -qO- $ep; echo; done'")
    assert sorted(out.split()) == names

    # "Does the Service exist?"
    r = sb.run("kubectl exec busybox -- wget -O- hostnames")
    assert r.output == "wget: bad address 'hostnames'\ncommand terminated with exit code 1\n"
    assert sb.out("kubectl get svc hostnames") == 'Error from server (NotFound): services "hostnames" not found\n'
    assert sb.out("kubectl expose deployment hostnames --port=80 --target-port=9376") == "service/hostnames exposed\n"
    ip = sb.svc_ip("hostnames")
    svc = sb.out("kubectl get svc hostnames").splitlines()
    assert re.fullmatch(rf"hostnames   ClusterIP   {re.escape(ip)} +<none>        80/TCP    \d+s", svc[1])

    # "Does the Service work by DNS name?": the e2e busybox's nslookup is busybox 1.24's, the page's format
    server = "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n"
    for name in ("hostnames", "hostnames.default", "hostnames.default.svc.cluster.local"):
        assert sb.out(f"kubectl exec busybox -- nslookup {name}") == (
            server + f"Name:      {name}\nAddress 1: {ip} hostnames.default.svc.cluster.local\n")
    assert sb.out("kubectl exec busybox -- cat /etc/resolv.conf") == (
        "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n")
    assert sb.out("kubectl exec busybox -- nslookup kubernetes.default") == (
        server + "Name:      kubernetes.default\nAddress 1: 10.96.0.1 kubernetes.default.svc.cluster.local\n")

    # "Does the Service work by IP?"
    out = sb.out(f"kubectl exec busybox -- sh -c 'for i in $(seq 1 3); do wget -qO- {ip}:80; echo; done'")
    assert set(out.split()) <= set(names) and len(out.split()) == 3
    svc_json = sb.out("kubectl get service hostnames -o json")
    assert '"targetPort": 9376' in svc_json and '"selector": {\n            "app": "hostnames"\n        }' in svc_json

    # "Does the Service have any Endpoints?"
    ep = sb.out("kubectl get endpoints hostnames").splitlines()
    assert ep[1] == "NAME        ENDPOINTS                                         AGE"
    assert ep[2].startswith(f"hostnames   {','.join(sorted((f'{x}:9376' for x in ips)))}   ")
