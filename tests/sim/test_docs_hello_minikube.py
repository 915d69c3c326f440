"""kubernetes.io "Hello Minikube" (content/en/docs/tutorials/hello-minikube.md) replayed as a learner types
it, on the one-node minikube the page assumes (v1.35).

Not simulated and said so by the product: `minikube dashboard` and the browser `minikube service` opens.
The page's `kubectl get pod,svc -n kube-system` after enabling metrics-server lists its pod and Service; the
playground's addon does not run a metrics-server pod (kubectl top answers from the engine), so that step
checks only the system pods minikube starts."""
from __future__ import annotations

import re

from .podhelpers import Sandbox

POD = r"hello-node-[a-z0-9]{9,10}-[a-z0-9]{5}"


def test_the_tutorial_replayed():
    sb = Sandbox()
    r = sb.run("kubectl create deployment hello-node --image=registry.k8s.io/e2e-test-images/agnhost:2.53 "
               "-- /agnhost netexec --http-port=8080")
    assert r.output == "deployment.apps/hello-node created\n"
    deploy = sb.out("kubectl get deployments", wait=20).splitlines()
    assert deploy[0] == "NAME         READY   UP-TO-DATE   AVAILABLE   AGE"
    assert re.fullmatch(r"hello-node   1/1     1            1           \d+s", deploy[1])
    pods = sb.out("kubectl get pods").splitlines()
    assert re.fullmatch(POD + r"   1/1     Running   0          \d+s", pods[1])
    events = sb.out("kubectl get events")
    for reason in ("Scheduled", "Pulling", "Pulled", "Created", "Started", "SuccessfulCreate", "ScalingReplicaSet"):
        assert f" {reason} " in events
    # test/images/agnhost/netexec: the two servers it starts, klog-formatted
    logs = sb.out("kubectl logs " + pods[1].split()[0]).splitlines()
    assert len(logs) == 2
    assert re.fullmatch(r"I\d{4} \d\d:\d\d:\d\d\.\d{6}       1 log\.go:195\] Started HTTP server on port 8080", logs[0])
    assert re.fullmatch(r"I\d{4} \d\d:\d\d:\d\d\.\d{6}       1 log\.go:195\] Started UDP server on port  8081", logs[1])

    assert sb.out("kubectl expose deployment hello-node --type=LoadBalancer --port=8080") == \
        "service/hello-node exposed\n"
    svcs = sb.out("kubectl get services").splitlines()
    ip = sb.svc_ip("hello-node")
    node_port = sb.cluster.get("services", "default", "hello-node")["spec"]["ports"][0]["nodePort"]
    assert re.fullmatch(rf"hello-node   LoadBalancer   {re.escape(ip)} +<pending>     8080:{node_port}/TCP   \d+s",
                        svcs[1]), svcs[1]
    url = sb.out("minikube service hello-node --url").strip()
    assert url == f"http://192.168.49.2:{node_port}"
    # netexec's / answers the time (netexec.go rootHandler: "NOW: %v")
    assert sb.out(f"curl -s {url}").startswith("NOW: ")

    assert "The 'metrics-server' addon is enabled" in sb.out("minikube addons enable metrics-server")
    system = sb.out("kubectl get pod,svc -n kube-system")
    for name in ("coredns-", "etcd-minikube", "kube-apiserver-minikube", "kube-controller-manager-minikube",
                 "kube-proxy-", "kube-scheduler-minikube", "storage-provisioner", "service/kube-dns"):
        assert name in system
    assert sb.out("kubectl delete service hello-node") == 'service "hello-node" deleted from default namespace\n'
    assert sb.out("kubectl delete deployment hello-node") == \
        'deployment.apps "hello-node" deleted from default namespace\n'
    assert sb.out("minikube stop").endswith("🛑  1 node stopped.\n")
