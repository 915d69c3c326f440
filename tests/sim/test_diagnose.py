"""playground.sim.diagnose on engine state alone: each diagnosis names the cause, and its fix, run in the
same engine, works and makes the problem go away (a hint never proposes a command that fails)."""
from __future__ import annotations

import re

import pytest

from playground.sim import diagnose
from playground.sim.engine import Engine

T0 = 1_767_603_600.0


class Sandbox:
    def __init__(self, seed: int = 1):
        self.engine = Engine.new(seed=seed, now=T0)
        self.now = T0

    def run(self, line: str, ok: bool = True):
        self.now += 3
        r = self.engine.run(line, now=self.now)
        if ok:
            assert r.exit_code == 0, f"{line}: {r.output}"
        return r

    def why(self, line: str):
        return diagnose.diagnose_command(self.engine, line, self.run(line, ok=False))

    def pod(self, name: str, ns: str = "default") -> dict:
        return self.engine.cluster.get("pods", ns, name)

    def get(self, plural: str, name: str, ns: str = "default") -> dict:
        return self.engine.cluster.get(plural, ns, name)


def calico_with_nginx() -> Sandbox:
    """A cluster that enforces NetworkPolicy, with an nginx pod (app=nginx) and a busybox (app=sleepy)."""
    box = Sandbox()
    box.run("minikube delete")
    box.run("minikube start --cni=calico")
    box.run("kubectl run nginx --image=nginx --labels=app=nginx")
    box.run("kubectl run busybox --image=busybox --labels=app=sleepy -- sleep 3600")
    return box


ACCESS_NGINX = ("kubectl apply -f - <<'EOF'\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
                "  name: access-nginx\nspec:\n  podSelector:\n    matchLabels:\n      app: nginx\n  ingress:\n"
                "  - from:\n    - podSelector:\n        matchLabels:\n          access: \"true\"\nEOF")


@pytest.fixture
def box() -> Sandbox:
    return Sandbox()


@pytest.fixture
def web(box) -> Sandbox:
    box.run("kubectl create deploy nginx-app --image=nginx:latest --replicas=2")
    box.run("kubectl expose deploy nginx-app --type=NodePort --port=80")
    return box


def test_busybox_without_a_command_crash_loops_and_the_fix_recreates_it(box):
    box.run("kubectl run testpod --image=busybox")
    cause, fix = diagnose.diagnose_object(box.engine.cluster, "pods", box.pod("testpod"))
    assert "busybox exits at once when it has nothing to run" in cause and "CrashLoopBackOff" in cause
    assert fix == "kubectl delete pod testpod && kubectl run testpod --image=busybox -- sleep 3600"
    box.run(fix)
    box.run("kubectl get pods")
    assert diagnose.diagnose_object(box.engine.cluster, "pods", box.pod("testpod")) is None
    assert box.pod("testpod")["status"]["phase"] == "Running"


def test_a_crash_looping_pod_explains_why_exec_fails(box):
    box.run("kubectl run testpod --image=busybox")
    d = box.why("kubectl exec -it testpod -- cat /etc/resolv.conf")
    assert "CrashLoopBackOff" in d.cause and d.fix.startswith("kubectl delete pod testpod && ")


def test_a_typo_in_an_image_is_image_pull_backoff_and_set_image_fixes_the_deployment(box):
    box.run("kubectl create deploy web --image=ngnix:latest")
    pod = next(p for p in box.engine.cluster.list("pods", "default"))
    cause, fix = diagnose.diagnose_object(box.engine.cluster, "pods", pod)
    assert "cannot be pulled" in cause and "ImagePullBackOff" in cause and "nginx:latest" in cause
    assert fix == "kubectl set image deployment/web ngnix=nginx:latest"
    box.run(fix)
    box.run("kubectl get pods")
    assert all(diagnose.pod_problem(box.engine.cluster, p) is None for p in box.engine.cluster.list("pods", "default")
               if not p["metadata"].get("deletionTimestamp"))


def test_an_ingress_path_to_a_missing_service_port_names_the_port_there_is(web):
    web.run("minikube addons enable ingress")
    web.run('kubectl create ingress site --rule="/=nginx-app:8080"')
    cause, fix = diagnose.diagnose_object(web.engine.cluster, "ingresses", web.get("ingresses", "site"))
    assert re.search(r"sends / to port 8080 of Service nginx-app, but the Service only has port 80, so "
                     r"ingress-nginx answers 503", cause)
    r = web.run("curl http://$(minikube ip)/")
    assert "503 Service Temporarily Unavailable" in r.output
    assert diagnose.diagnose_command(web.engine, "curl http://$(minikube ip)/", r).cause == cause
    web.run(fix)
    assert "Welcome to nginx!" in web.run("curl http://$(minikube ip)/").output


def test_an_ingress_to_a_service_that_does_not_exist(web):
    web.run("minikube addons enable ingress")
    web.run('kubectl create ingress site --rule="/hello=newdeploy:8080"')
    cause, fix = diagnose.diagnose_object(web.engine.cluster, "ingresses", web.get("ingresses", "site"))
    assert "Service newdeploy, which does not exist" in cause and fix is None
    web.run("kubectl create deployment newdeploy --image=gcr.io/google-samples/hello-app:2.0")
    cause, fix = diagnose.diagnose_object(web.engine.cluster, "ingresses", web.get("ingresses", "site"))
    assert fix == "kubectl expose deployment newdeploy --port=8080"
    web.run(fix)


def test_a_name_missing_from_etc_hosts_gets_the_tee_line(web):
    web.run("minikube addons enable ingress")
    web.run('kubectl create ingress site --rule="nginx-app.demo/=nginx-app:80"')
    d = web.why("curl nginx-app.demo")
    assert "/etc/hosts has no entry" in d.cause
    assert d.fix == 'echo "$(minikube ip) nginx-app.demo" | sudo tee -a /etc/hosts'
    web.run(d.fix)
    assert "Welcome to nginx!" in web.run("curl nginx-app.demo").output


def test_a_pod_name_is_not_a_service_yet(box):
    box.run("kubectl run nginx --image=nginx")
    box.run("kubectl run client --image=busybox -- sleep 3600")
    d = box.why("kubectl exec client -- wget -qO- nginx")
    assert "nginx is a pod, not a Service (yet)" in d.cause and d.fix == "kubectl expose pod nginx --port=80"
    box.run(d.fix)
    box.run("kubectl exec client -- wget -qO- nginx")


def test_an_existing_label_needs_overwrite(box):
    box.run("kubectl run client --image=busybox --labels=access=false -- sleep 3600")
    d = box.why("kubectl label pod client access=true")
    assert "already has the label access=false" in d.cause and "--overwrite" in d.cause
    assert d.fix == "kubectl label pod client access=true --overwrite"
    box.run(d.fix)


def test_the_node_port_is_the_one_kubernetes_picked(web):
    node_port = web.get("services", "nginx-app")["spec"]["ports"][0]["nodePort"]
    assert node_port != 32000
    d = web.why("curl http://$(minikube ip):32000")
    assert f"NodePort {node_port}" in d.cause and d.fix == f"curl http://$(minikube ip):{node_port}"
    assert "Welcome to nginx!" in web.run(d.fix).output


def test_a_short_name_does_not_resolve_from_another_namespace(web):
    web.run("kubectl create namespace other")
    web.run("kubectl run client -n other --image=busybox -- sleep 3600")
    d = web.why("kubectl exec client -n other -- nslookup nginx-app")
    assert "nginx-app is a Service in namespace default" in d.cause and "nginx-app.default" in d.cause
    assert d.fix == "kubectl exec client -n other -- nslookup nginx-app.default"
    web.run("kubectl exec client -n other -- wget -qO- nginx-app.default")


def test_a_selector_that_matches_no_pod_shows_the_labels_there_are(web):
    web.run("kubectl create service clusterip web --tcp=80:80")
    cause, fix = diagnose.diagnose_object(web.engine.cluster, "services", web.get("services", "web"))
    assert "selects app=web, but no pod carries those labels" in cause and "app=nginx-app" in cause


def test_a_target_port_nothing_listens_on_is_patched(web):
    web.run("kubectl create service clusterip web --tcp=80:8080")
    web.run("kubectl label pods -l app=nginx-app app=web --overwrite")
    cause, fix = diagnose.diagnose_object(web.engine.cluster, "services", web.get("services", "web"))
    assert "sends port 80 to port 8080 of its pods, but nginx there listens on 80" in cause
    web.run(fix)
    assert diagnose.diagnose_object(web.engine.cluster, "services", web.get("services", "web")) is None


def test_a_dropped_request_names_the_policy_and_the_label_it_wants():
    box = calico_with_nginx()
    box.run("kubectl expose pod nginx --port=80")
    box.run(ACCESS_NGINX)
    r = box.run("kubectl exec busybox -- wget --spider --timeout=1 nginx", ok=False)
    trace = r.traces[-1]
    assert trace["verdict"] == "dropped"       # wget itself times out; the diagram says why
    assert "NetworkPolicy access-nginx selects nginx and lets in only pods labelled access=true" in trace["cause"]
    assert trace["fix"] == "kubectl label pod busybox access=true"
    box.run(trace["fix"])
    box.run("kubectl exec busybox -- wget --spider --timeout=1 nginx")


def test_a_policy_on_the_bridge_plugin_is_not_enforced(box):
    box.run("kubectl apply -f - <<'EOF'\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
            "  name: deny\nspec:\n  podSelector: {}\nEOF")
    cause, fix = diagnose.diagnose_object(box.engine.cluster, "networkpolicies", box.get("networkpolicies", "deny"))
    assert "stored but not enforced" in cause and fix == "minikube delete && minikube start --cni=calico"


def test_a_cluster_ip_from_your_machine_exists_only_inside_the_cluster(box):
    box.run("kubectl create deploy web --image=nginx")
    box.run("kubectl expose deploy web --port=80")
    ip = box.get("services", "web")["spec"]["clusterIP"]
    d = box.why(f"curl -m 1 http://{ip}")
    assert f"{ip} is the ClusterIP of Service web" in d.cause and "only inside the cluster" in d.cause
    assert d.fix is None              # a ClusterIP Service has no port on the node to suggest


def test_a_service_name_from_your_machine_does_not_resolve(web):
    d = web.why("curl nginx-app")
    assert "Service names resolve only inside the cluster" in d.cause
    assert d.fix.startswith("curl http://$(minikube ip):")
    assert "Welcome to nginx!" in web.run(d.fix).output


@pytest.mark.parametrize("down, words", [("minikube stop", "minikube is stopped"),
                                         ("minikube delete", "was deleted")])
def test_kubectl_and_minikube_on_a_cluster_that_is_not_there_say_start_it(box, down, words):
    box.run(down)
    for line in ("kubectl get pods", "minikube stop" if down == "minikube delete" else "kubectl get svc"):
        d = box.why(line)
        assert words in d.cause and d.fix == "minikube start"
    box.run(d.fix)


def test_already_exists_deletes_first_and_the_fix_works(web):
    d = web.why("kubectl expose deploy nginx-app --port=8080")
    assert "already exists" in d.cause
    assert d.fix == "kubectl delete service nginx-app && kubectl expose deploy nginx-app --port=8080"
    web.run(d.fix)


def test_a_node_port_that_is_taken_names_its_owner(web):
    node_port = web.get("services", "nginx-app")["spec"]["ports"][0]["nodePort"]
    d = web.why(f"kubectl create service nodeport other --tcp=80:80 --node-port={node_port}")
    assert f"NodePort {node_port} is already taken by Service nginx-app" in d.cause and d.fix is None


def test_traces_that_fail_carry_the_cause_and_fix_the_diagram_shows(web):
    r = web.run("curl http://$(minikube ip):32000", ok=False)
    (trace,) = r.traces
    assert trace["cause"].startswith("Nothing listens on port 32000 of the node") and trace["fix"]
    ok = web.run(trace["fix"])
    assert "cause" not in ok.traces[0]


def test_walks_are_diagnosed_like_their_traces(web):
    from playground.sim import network
    w = network.walk(web.engine.cluster, web.engine.host.files, network.HOST, "192.168.49.2", 32000)
    cause, fix = diagnose.diagnose_walk(web.engine.cluster, w)
    assert "Nothing listens on port 32000" in cause and fix.startswith("curl http://$(minikube ip):")


def test_podscape_why_ends_a_denial_with_the_same_fix():
    box = calico_with_nginx()
    box.run(ACCESS_NGINX)
    r = box.run("podscape why busybox nginx:80", ok=False)
    assert r.exit_code == 1 and r.output.endswith("times out.\nFix: kubectl label pod busybox access=true\n")


def test_an_egress_drop_names_the_policy_that_isolates_the_source():
    box = calico_with_nginx()
    box.run("kubectl apply -f - <<'EOF'\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
            "  name: no-out\nspec:\n  podSelector:\n    matchLabels:\n      app: sleepy\n  policyTypes: [Egress]\nEOF")
    ip = box.pod("nginx")["status"]["podIP"]
    r = box.run(f"kubectl exec busybox -- wget -qO- -T 1 {ip}", ok=False)
    assert "NetworkPolicy no-out isolates busybox for egress" in r.traces[-1]["cause"]
