"""`kubectl describe` end to end through Engine.run, checked against describe.go's layout."""
from __future__ import annotations

import re

import pytest

from playground.sim.engine import Engine
from playground.sim.printers.describe_writer import PrefixWriter, describe_events

T0 = 1_700_000_000


@pytest.fixture
def engine():
    e = Engine.new(seed=11, now=T0)
    e.clock = T0

    def run(line: str, dt: float = 5):
        e.clock += dt
        return e.run(line, now=e.clock)
    e.sh = run
    return e


def _nginx_app(engine):
    assert engine.sh("kubectl create deployment nginx-app --image=nginx --replicas=3").exit_code == 0
    assert engine.sh("kubectl expose deployment nginx-app --port=80 --type=NodePort").exit_code == 0
    engine.sh("true", dt=30)


def _mask(text: str) -> str:
    text = re.sub(r"10\.244\.0\.\d+", "POD_IP", text)
    text = re.sub(r"10\.\d+\.\d+\.\d+", "CLUSTER_IP", text)
    return re.sub(r"3\d{4}/TCP", "NODE_PORT/TCP", text)


def test_service_describes_as_v1_35_with_endpoints_from_slices(engine):
    _nginx_app(engine)
    r = engine.sh("kubectl describe service nginx-app")
    assert r.exit_code == 0
    assert _mask(r.output) == (
        "Name:                     nginx-app\n"
        "Namespace:                default\n"
        "Labels:                   app=nginx-app\n"
        "Annotations:              <none>\n"
        "Selector:                 app=nginx-app\n"
        "Type:                     NodePort\n"
        "IP Family Policy:         SingleStack\n"
        "IP Families:              IPv4\n"
        "IP:                       CLUSTER_IP\n"
        "IPs:                      CLUSTER_IP\n"
        "Port:                     <unset>  80/TCP\n"
        "TargetPort:               80/TCP\n"
        "NodePort:                 <unset>  NODE_PORT/TCP\n"
        "Endpoints:                POD_IP:80,POD_IP:80,POD_IP:80\n"
        "Session Affinity:         None\n"
        "External Traffic Policy:  Cluster\n"
        "Internal Traffic Policy:  Cluster\n"
        "Events:                   <none>\n")


def test_deployment_shows_template_conditions_replicasets_and_events(engine):
    _nginx_app(engine)
    out = engine.sh("kubectl describe deploy nginx-app").output
    assert "Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable\n" in out
    assert "RollingUpdateStrategy:  25% max unavailable, 25% max surge\nPod Template:\n  Labels:  app=nginx-app\n" in out
    assert "  Containers:\n   nginx:\n    Image:         nginx\n    Port:          <none>\n" in out
    assert ("Conditions:\n  Type           Status  Reason\n  ----           ------  ------\n"
            "  Available      True    MinimumReplicasAvailable\n"
            "  Progressing    True    NewReplicaSetAvailable\n") in out
    assert re.search(r"OldReplicaSets:  <none>\nNewReplicaSet:   nginx-app-\w+ \(3/3 replicas created\)\n", out)
    assert re.search(r"Events:\n  Type    Reason             Age   From                   Message\n"
                     r"  ----    ------             ----  ----                   -------\n"
                     r"  Normal  ScalingReplicaSet  \d+s   deployment-controller  Scaled up replica set "
                     r"nginx-app-\w+ from 0 to 3\n$", out)


def test_pod_describe_has_the_long_layout(engine):
    _nginx_app(engine)
    name = engine.sh("kubectl get pods -o name").output.splitlines()[0].split("/")[1]
    out = engine.sh(f"kubectl describe pod {name}").output
    assert out.startswith(f"Name:             {name}\nNamespace:        default\nPriority:         0\n"
                          "Service Account:  default\nNode:             minikube/192.168.49.2\nStart Time:       ")
    assert re.search(r"IP:               10\.244\.0\.\d+\nIPs:\n  IP:           10\.244\.0\.\d+\n"
                     r"Controlled By:  ReplicaSet/nginx-app-\w+\nContainers:\n  nginx:\n", out)
    assert "    State:          Running\n      Started:      " in out
    assert "Conditions:\n  Type                        Status\n  PodReadyToStartContainers   True \n" in out
    assert re.search(r"    Type:                    Projected \(a volume that contains injected data from multiple "
                     r"sources\)\n    TokenExpirationSeconds:  3607\n", out)
    assert ("QoS Class:                   BestEffort\nNode-Selectors:              <none>\n"
            "Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n"
            "                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n") in out
    assert "  Normal  Scheduled  " in out and "default-scheduler  Successfully assigned default/" in out


def test_describe_by_prefix_and_not_found(engine):
    _nginx_app(engine)
    out = engine.sh("kubectl describe pod nginx-app").output
    assert out.count("Name:             nginx-app-") == 3
    assert "Events:" not in out      # several objects: kubectl leaves events out
    r = engine.sh("kubectl describe svc nope")
    assert (r.output, r.exit_code) == ('Error from server (NotFound): services "nope" not found\n', 1)
    r = engine.sh("kubectl describe")
    assert r.exit_code == 1 and r.output.startswith("error: You must specify the type of resource to describe.")


def test_node_describe_lists_capacity_pods_and_allocations(engine):
    out = engine.sh("kubectl describe node minikube").output
    assert out.startswith("Name:               minikube\nRoles:              control-plane\n")
    assert "Addresses:\n  InternalIP:  192.168.49.2\n  Hostname:    minikube\n" in out
    assert "Non-terminated Pods:          (7 in total)\n" in out
    assert "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n" in out
    assert "  Kubelet Version:            v1.35.0\n" in out


def test_namespace_describe(engine):
    assert engine.sh("kubectl describe ns default").output == (
        "Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\n"
        "Status:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n")


def test_repeated_events_show_count_and_span():
    w = PrefixWriter()
    w.write(0, "Name:\tx\n")
    describe_events(w, [{"type": "Warning", "reason": "BackOff", "count": 5, "message": "Back-off pulling image",
                         "firstTimestamp": "2023-11-14T22:10:00Z", "lastTimestamp": "2023-11-14T22:13:00Z",
                         "source": {"component": "kubelet"}, "involvedObject": {}}], now=T0)
    assert w.value() == ("Name:  x\nEvents:\n  Type     Reason   Age                  From     Message\n"
                         "  ----     ------   ----                 ----     -------\n"
                         "  Warning  BackOff  20s (x5 over 3m20s)  kubelet  Back-off pulling image\n")


def test_network_policy_describes_its_rules(engine):
    from playground.sim import apiserver
    apiserver.create(engine.cluster, {
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "test-network-policy", "namespace": "default"},
        "spec": {"podSelector": {"matchLabels": {"role": "db"}}, "policyTypes": ["Ingress", "Egress"],
                 "ingress": [{"from": [{"ipBlock": {"cidr": "172.17.0.0/16", "except": ["172.17.1.0/24"]}},
                                       {"namespaceSelector": {"matchLabels": {"project": "myproject"}}},
                                       {"podSelector": {"matchLabels": {"role": "frontend"}}}],
                              "ports": [{"protocol": "TCP", "port": 6379}]}],
                 "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/24"}}], "ports": [{"protocol": "TCP", "port": 5978}]}]}})
    out = engine.sh("kubectl describe netpol test-network-policy").output
    assert re.fullmatch(
        r"Name:         test-network-policy\nNamespace:    default\nCreated on:   \d{4}-\d\d-\d\d \d\d:\d\d:\d\d "
        r"\+0000 UTC\nLabels:       <none>\nAnnotations:  <none>\nSpec:\n  PodSelector:     role=db\n"
        r"  Allowing ingress traffic:\n    To Port: 6379/TCP\n    From:\n      IPBlock:\n        CIDR: 172.17.0.0/16\n"
        r"        Except: 172.17.1.0/24\n    From:\n      NamespaceSelector: project=myproject\n    From:\n"
        r"      PodSelector: role=frontend\n  Allowing egress traffic:\n    To Port: 5978/TCP\n    To:\n      IPBlock:\n"
        r"        CIDR: 10.0.0.0/24\n        Except: \n  Policy Types: Ingress, Egress\n", out), out


def test_events_in_describe_are_in_the_order_they_happened(engine):
    engine.sh("kubectl create deployment web --image=nginx")
    engine.sh("true", dt=30)
    name = engine.sh("kubectl get pods -o name").output.split("/")[1].strip()
    out = engine.sh(f"kubectl describe pod {name}").output
    reasons = [l.split()[1] for l in out.split("Events:\n", 1)[1].splitlines()[2:]]
    assert reasons == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]


def test_describe_by_file(engine):
    from tests.sim.test_kubectl_get import NWPOLICY
    engine.host.files[engine.host.abspath("np.yaml")] = NWPOLICY
    engine.sh("kubectl create -f np.yaml")
    out = engine.sh("kubectl describe -f np.yaml").output
    assert out.startswith("Name:         access-nginx\n")
    assert ("Spec:\n  PodSelector:     app=nginx\n  Allowing ingress traffic:\n"
            "    To Port: <any> (traffic allowed to all ports)\n    From:\n      PodSelector: access=true\n"
            "  Not affecting egress traffic\n  Policy Types: Ingress\n\n\nName:             nginx\n") in out
