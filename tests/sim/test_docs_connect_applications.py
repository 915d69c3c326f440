"""kubernetes.io "Connecting Applications with Services" (content/en/docs/tutorials/services/
connect-applications-service.md), replayed up to its DNS section on a one-node minikube at v1.35.

Where the page is out of date the test says so: its outputs come from a multi-node GCE cluster of the
`kubectl run` era (Service CIDR 10.0.0.0/24, labels the old generator set, busybox 1.28's nslookup)."""
from __future__ import annotations

import re

from .podhelpers import Sandbox

RUN_MY_NGINX = """cat > run-my-nginx.yaml <<'X'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-nginx
spec:
  selector:
    matchLabels:
      run: my-nginx
  replicas: 2
  template:
    metadata:
      labels:
        run: my-nginx
    spec:
      containers:
      - name: my-nginx
        image: nginx
        ports:
        - containerPort: 80
X"""
POD = r"my-nginx-[a-z0-9]{9,10}-[a-z0-9]{5}"


def _names(sb: Sandbox) -> list[str]:
    return sb.out("kubectl get pods -l run=my-nginx -o name").split()


def test_the_page_replayed():
    sb = Sandbox()
    sb.run(RUN_MY_NGINX)
    assert sb.out("kubectl apply -f ./run-my-nginx.yaml") == "deployment.apps/my-nginx created\n"
    wide = sb.out("kubectl get pods -l run=my-nginx -o wide", wait=5).splitlines()
    # one node: both pods on minikube, addresses from its 10.244.0.0/24
    assert wide[0] == "NAME                        READY   STATUS    RESTARTS   AGE   IP           NODE       " \
                      "NOMINATED NODE   READINESS GATES"
    for line in wide[1:]:
        assert re.fullmatch(POD + r"   1/1     Running   0          \d+s +10\.244\.0\.\d+ +minikube   <none>  "
                            r"         <none>", line), line
    ips = sb.out("kubectl get pods -l run=my-nginx -o custom-columns=POD_IP:.status.podIPs").splitlines()
    assert ips[0] == "POD_IP" and all(re.fullmatch(r"\[map\[ip:10\.244\.0\.\d+\]\]", x) for x in ips[1:])
    pod_ips = sorted(x[len("[map[ip:"):-2] for x in ips[1:])

    assert sb.out("kubectl expose deployment/my-nginx") == "service/my-nginx exposed\n"
    ip = sb.svc_ip("my-nginx")
    svc = sb.out("kubectl get svc my-nginx").splitlines()
    assert re.fullmatch(rf"my-nginx   ClusterIP   {re.escape(ip)} +<none>        80/TCP    \d+s", svc[1])
    describe = sb.out("kubectl describe svc my-nginx")
    # the page's Labels: run=my-nginx came from the old `kubectl run` generator; this Deployment has none.
    # kubectl v1.35 adds Internal Traffic Policy and pads the keys to its width.
    assert describe == (
        "Name:                     my-nginx\nNamespace:                default\nLabels:                   <none>\n"
        "Annotations:              <none>\nSelector:                 run=my-nginx\nType:                     ClusterIP\n"
        "IP Family Policy:         SingleStack\nIP Families:              IPv4\n"
        f"IP:                       {ip}\nIPs:                      {ip}\n"
        "Port:                     <unset>  80/TCP\nTargetPort:               80/TCP\n"
        f"Endpoints:                {pod_ips[0]}:80,{pod_ips[1]}:80\nSession Affinity:         None\n"
        "Internal Traffic Policy:  Cluster\nEvents:                   <none>\n")
    slices = sb.out("kubectl get endpointslices -l kubernetes.io/service-name=my-nginx").splitlines()
    assert slices[0] == "NAME             ADDRESSTYPE   PORTS   ENDPOINTS               AGE"
    assert re.fullmatch(rf"my-nginx-[a-z0-9]{{5}}   IPv4          80      {pod_ips[0]},{pod_ips[1]}   \d+s", slices[1])

    # Environment variables: the replicas predate the Service, so only kubernetes' are there
    first = _names(sb)[0]
    assert sb.out(f"kubectl exec {first.split('/')[1]} -- printenv | grep SERVICE") == (
        "KUBERNETES_SERVICE_HOST=10.96.0.1\nKUBERNETES_SERVICE_PORT=443\nKUBERNETES_SERVICE_PORT_HTTPS=443\n")
    old = set(_names(sb))
    out = sb.out("kubectl scale deployment my-nginx --replicas=0; kubectl scale deployment my-nginx --replicas=2;")
    assert out == "deployment.apps/my-nginx scaled\ndeployment.apps/my-nginx scaled\n"
    new = _names(sb)
    assert len(new) == 2 and not set(new) & old          # "the pods have different names"
    assert sb.out(f"kubectl exec {new[0].split('/')[1]} -- printenv | grep SERVICE", wait=5) == (
        f"KUBERNETES_SERVICE_HOST=10.96.0.1\nKUBERNETES_SERVICE_PORT=443\nKUBERNETES_SERVICE_PORT_HTTPS=443\n"
        f"MY_NGINX_SERVICE_HOST={ip}\nMY_NGINX_SERVICE_PORT=80\n")

    # DNS: minikube's kube-dns also publishes CoreDNS's metrics port
    dns = sb.out("kubectl get services kube-dns --namespace=kube-system").splitlines()
    assert dns[0] == "NAME       TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)                  AGE"
    assert re.fullmatch(r"kube-dns   ClusterIP   10\.96\.0\.10   <none>        53/UDP,53/TCP,9153/TCP   \d+[sm]\S*",
                        dns[1]), dns[1]
    # The page's `kubectl run -i --tty --image busybox:1.37 dns-test --restart=Never --rm` then `nslookup
    # my-nginx` shows busybox 1.28's output; busybox 1.37 (networking/nslookup.c since 1.29) walks the
    # search list itself and prints each answer and each NXDOMAIN.
    sb.setup("kubectl run dns-test --image busybox:1.37 --restart=Never -- sleep 3600")
    r = sb.run("kubectl exec dns-test -- nslookup my-nginx")
    assert r.output.startswith("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
                               f"Name:\tmy-nginx.default.svc.cluster.local\nAddress: {ip}\n\n"
                               "** server can't find my-nginx.svc.cluster.local: NXDOMAIN\n")
