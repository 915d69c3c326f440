"""The incremental diagram (playground/topology_delta.py) is exactly the full rebuild, after every command:
the lessons' and exercises' solutions replayed, and random sessions that create, relabel, scale, expose,
isolate and delete things. Both the elements and the diff sent to the browser must match."""
from __future__ import annotations

import random

import pytest

from lessons import format, setup
from lessons.replay import START
from playground import topology, topology_delta
from playground.sim import delta
from playground.sim.engine import CLOCK_STEP, Engine
from tests.sim.test_podscape_why import POLICY as ACCESS_NGINX


def _norm(d: dict) -> dict:
    return {"add": d["add"], "update": d["update"], "remove": sorted(d["remove"])}


class Reference:
    """Runs commands and checks the incremental diagram against a rebuild from scratch after each one."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.diagram = topology_delta.Diagram.build(engine)
        self.stamps = delta.stamps(engine.cluster)
        self.full = topology.build(engine)
        self.rebuilds = 0
        self.steps = 0
        self.traces = 0

    def run(self, line: str, now: float) -> None:
        result = self.engine.run(line, now=now)
        if result.editor:
            self.engine.save_editor(None, now=now)
        self.check(line)
        for trace in result.traces:          # every request is a path of drawn elements, stopped at most once
            hops = [h["id"] for h in trace["hops"]]
            assert all(i in self.full for i in hops), (line, hops)
            assert all(p in self.full for h in trace["hops"] for p in h.get("policies", ())), (line, trace)
            assert sum(bool(h.get("stop")) for h in trace["hops"]) == (trace["verdict"] != "ok"), (line, trace)
            self.traces += 1

    def check(self, what: str) -> None:
        changed, gone, self.stamps = delta.changes(self.engine.cluster, self.stamps)
        before = self.diagram.rebuilds
        got = self.diagram.advance(self.engine, changed, gone)
        self.rebuilds += self.diagram.rebuilds - before
        self.steps += 1
        full = topology.build(self.engine)
        want = topology.diff(self.full, full)
        missing = sorted(set(full) - set(self.diagram.els))
        extra = sorted(set(self.diagram.els) - set(full))
        wrong = sorted(i for i in full if i in self.diagram.els and full[i] != self.diagram.els[i])
        assert not (missing or extra or wrong), (what, missing[:5], extra[:5], wrong[:5])
        assert _norm(got) == _norm(want), what
        assert self.diagram.elements() == topology.elements(self.engine)
        self.full = full


def _lines(lesson: dict) -> list[str]:
    if lesson.get("kind") == "exercise":
        return [line for task in lesson["tasks"] for line in task["solution"]]
    return [line for step in lesson["steps"] for line in (step.get("solution") or step["commands"][:1])]


@pytest.mark.parametrize("lesson", format.load_all(), ids=lambda lsn: lsn["slug"])
def test_replaying_a_lesson_the_incremental_diagram_equals_the_rebuild(lesson):
    engine = Engine.new(seed=5, now=START)
    setup.prepare(engine, lesson, now=START)
    ref = Reference(engine)
    now = START
    for line in _lines(lesson):
        now += CLOCK_STEP
        ref.run(line, now)
    engine.tick(now + 60)                   # pods start, endpoints fill: changes outside a command
    ref.check("tick")
    assert ref.steps >= 2


def policy(name: str, ns: str, app: str) -> str:
    """Lesson 5's policy (only pods labelled access=true reach app=<app>), named and placed."""
    return ACCESS_NGINX.replace("name: access-nginx", f"name: {name}\n  namespace: {ns}").replace(
        "app: nginx", f"app: {app}")


REPLICASET = """kubectl apply -f - <<'EOF'
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: {name}
  namespace: {ns}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: {app}
  template:
    metadata:
      labels:
        app: {app}
    spec:
      containers:
      - name: c
        image: nginx
EOF"""


def random_line(rng: random.Random, engine: Engine) -> str:
    if not engine.cluster.running:
        return "minikube start"
    apps = ["web", "api", "db"]
    nss = ["default", "default", "team"]
    app, ns = rng.choice(apps), rng.choice(nss)
    pods = [p["metadata"] for p in engine.cluster.list("pods") if p["metadata"]["namespace"] in ("default", "team")]
    pod = rng.choice(pods) if pods else {"name": "nothing", "namespace": "default"}
    choices = [
        f"kubectl create deployment {app} --image=nginx --replicas={rng.randint(1, 4)} -n {ns}",
        f"kubectl scale deployment {app} --replicas={rng.randint(0, 5)} -n {ns}",
        f"kubectl expose deployment {app} --port=80 -n {ns}",
        f"kubectl create service nodeport {app} --tcp=80:80 -n {ns}",
        f"kubectl delete service {app} -n {ns}",
        f"kubectl delete deployment {app} -n {ns}",
        f"kubectl delete deployment {app} -n {ns} --cascade=orphan",
        f"kubectl label pod {pod['name']} -n {pod['namespace']} app={rng.choice(apps)} --overwrite",
        f"kubectl label pod {pod['name']} -n {pod['namespace']} access=true --overwrite",
        f"kubectl label pod {pod['name']} -n {pod['namespace']} access-",
        f"kubectl delete pod {pod['name']} -n {pod['namespace']}",
        f"kubectl run bare-{rng.randint(1, 3)} --image=nginx --labels=app={app} -n {ns}",
        f"kubectl run crash-{rng.randint(1, 2)} --image=busybox -n {ns}",
        f"kubectl set image deployment/{app} nginx=nginx:1.27 -n {ns}",
        f"kubectl patch service {app} -n {ns} -p '{{\"spec\":{{\"type\":\"NodePort\"}}}}'",
        f"kubectl patch service {app} -n {ns} -p '{{\"spec\":{{\"selector\":{{\"app\":\"{rng.choice(apps)}\"}}}}}}'",
        policy(f"np-{app}", ns, app),
        f"kubectl delete networkpolicy np-{app} -n {ns}",
        f'kubectl create ingress {app} -n {ns} --rule="{app}.example.com/*={app}:80"',
        f"kubectl delete ingress {app} -n {ns}",
        REPLICASET.format(name=f"rs-{app}", ns=ns, app=app),
        f"kubectl delete replicaset rs-{app} -n {ns} --cascade=orphan",
        f'echo "192.168.49.2 {app}.example.com" | sudo tee -a /etc/hosts',
        "kubectl create namespace team",
        "kubectl get pods -A",
    ]
    rare = ["minikube addons enable ingress", "kubectl delete namespace team", "minikube stop", "minikube start",
            "kubectl create namespace other", "kubectl run lone --image=nginx -n other"]
    return rng.choice(rare) if rng.random() < 0.06 else rng.choice(choices)


@pytest.mark.parametrize("seed", range(8))
def test_random_sessions_the_incremental_diagram_equals_the_rebuild(seed):
    rng = random.Random(seed)
    engine = Engine.new(seed=seed, now=START)
    ref = Reference(engine)
    ref.run("kubectl create namespace team", START + 1)
    now = START + 1
    for _ in range(60):
        now += rng.choice([1, 2, 5, 30])
        ref.run(random_line(rng, engine), now)
    assert ref.rebuilds < ref.steps / 2, (ref.rebuilds, ref.steps)   # most commands are incremental


def test_a_one_pod_label_is_incremental():
    engine = Engine.new(seed=3, now=START)
    ref = Reference(engine)
    ref.run("kubectl create deployment web --image=nginx --replicas=3", START + 1)
    ref.run("kubectl expose deployment web --port=80", START + 2)
    pod = engine.cluster.list("pods", "default")[0]["metadata"]["name"]
    before = ref.rebuilds
    ref.run(f"kubectl label pod {pod} app=other --overwrite", START + 40)
    assert ref.rebuilds == before


def test_a_deployment_gone_before_its_replicaset_lets_the_replicaset_hold_the_pods():
    # The garbage collector has not run yet: the ReplicaSet still names the Deployment that is gone.
    engine = Engine.new(seed=4, now=START)
    ref = Reference(engine)
    ref.run("kubectl create deployment web --image=nginx --replicas=2", START + 1)
    engine.cluster.remove("deployments", "default", "web")
    ref.check("the Deployment removed, the ReplicaSet left")
    rs = engine.cluster.list("replicasets", "default")[0]["metadata"]["name"]
    parents = {e["data"]["parent"] for e in ref.diagram.els.values() if e["data"].get("kind") == "pod"
               and e["data"]["namespace"] == "default"}
    assert parents == {f"workload/default/ReplicaSet/{rs}"}


def test_diagnoses_ride_on_elements_and_stay_exact_incrementally(monkeypatch):
    """topology.CAUSE (the integrator wires playground/sim/diagnose.py) may read anything in the object's
    namespace: a Service whose selector picks no pod, a pod that is not ready."""
    def cause(cluster, kind, obj):
        ns = obj["metadata"]["namespace"]
        if kind == "service" and obj["spec"].get("selector"):
            sel = obj["spec"]["selector"]
            if not any(all((p["metadata"].get("labels") or {}).get(k) == v for k, v in sel.items())
                       for p in cluster.list("pods", ns)):
                return (f"Service {obj['metadata']['name']} selects no pod", f"kubectl get pods -n {ns} --show-labels")
        if kind == "pod" and not topology.pod_is_ready(obj):
            return (f"pod {obj['metadata']['name']} is not ready", None)
        return None

    monkeypatch.setattr(topology, "CAUSE", cause)
    engine = Engine.new(seed=6, now=START)
    ref = Reference(engine)
    ref.run("kubectl create service clusterip web --tcp=80:80", START + 1)
    web = ref.diagram.els["service/default/web"]["data"]
    assert web["cause"] == "Service web selects no pod" and web["fix"] == "kubectl get pods -n default --show-labels"
    ref.run("kubectl create deployment web --image=nginx --replicas=2", START + 2)   # the pods make it right
    assert "cause" not in ref.diagram.els["service/default/web"]["data"]
    ref.run("kubectl run crash --image=busybox", START + 40)
    assert ref.diagram.els["pod/default/crash"]["data"]["cause"] == "pod crash is not ready"
    pod = next(p["metadata"]["name"] for p in engine.cluster.list("pods", "default") if p["metadata"]["name"] != "crash")
    ref.run(f"kubectl label pod {pod} app=other --overwrite", START + 50)
    assert "cause" not in ref.diagram.els["service/default/web"]["data"]             # one pod still selected
    assert "cause" not in topology.elements(Engine.new(seed=6, now=START))[0]["data"]  # none for the host


def test_the_reference_mode_rebuilds_and_the_incremental_mode_picks_up_after_it(monkeypatch):
    engine = Engine.new(seed=8, now=START)
    ref = Reference(engine)
    monkeypatch.setattr(topology_delta, "INCREMENTAL", False)
    ref.run("kubectl create deployment web --image=nginx --replicas=2", START + 1)
    monkeypatch.setattr(topology_delta, "INCREMENTAL", True)
    ref.run("kubectl expose deployment web --port=80 --type=NodePort", START + 2)   # indexes rebuilt first
    ref.run("kubectl scale deployment web --replicas=3", START + 3)
    assert ref.rebuilds == 1


GATEWAY_SESSION = [
    "helm install eg oci://docker.io/envoyproxy/gateway-helm --version v1.6.7 -n envoy-gateway-system "
    "--create-namespace",
    "kubectl apply -f https://github.com/envoyproxy/gateway/releases/download/v1.6.7/quickstart.yaml -n default",
    "kubectl wait --timeout=5m -n envoy-gateway-system deployment/envoy-gateway --for=condition=Available",
    "kubectl wait --for=condition=available deploy/backend",
    "kubectl create deployment web --image=nginx",
    "kubectl expose deployment web --port=80",
    """kubectl apply -f - <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
spec:
  parentRefs:
  - name: eg
  hostnames: ["web.example.com"]
  rules:
  - backendRefs:
    - name: web
      port: 80
      weight: 90
    - name: backend
      port: 3000
      weight: 10
EOF""",
    """kubectl apply -f - <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: lost
spec:
  parentRefs:
  - name: eg
    sectionName: https
  rules:
  - backendRefs:
    - name: missing
      port: 80
EOF""",
    "curl -s -H 'Host: www.example.com' http://$(minikube ip):$(kubectl get svc -n envoy-gateway-system "
    "-l gateway.envoyproxy.io/owning-gateway-name=eg -o jsonpath='{.items[0].spec.ports[0].nodePort}')/get",
    "curl -s -H 'Host: web.example.com' http://$(minikube ip):$(kubectl get svc -n envoy-gateway-system "
    "-l gateway.envoyproxy.io/owning-gateway-name=eg -o jsonpath='{.items[0].spec.ports[0].nodePort}')/",
    "kubectl delete service web",
    "kubectl expose deployment web --port=80",
    "kubectl scale deployment web --replicas=2",
    "kubectl delete httproute web",
    "kubectl delete gateway eg",
    "helm uninstall eg -n envoy-gateway-system",
]


def test_a_gateway_api_session_the_incremental_diagram_equals_the_rebuild():
    engine = Engine.new(seed=4, now=START)
    ref = Reference(engine)
    now = START
    for line in GATEWAY_SESSION:
        now += 10
        ref.run(line, now)
        if line.startswith("kubectl apply -f - <<'EOF'\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute"):
            name = line.split("name: ", 1)[1].split("\n", 1)[0]
            assert f"httproute/default/{name}" in ref.full
    assert ref.traces >= 2
    engine.tick(now + 60)
    ref.check("tick")


def test_gateway_api_elements_show_the_route_each_request_took_and_why_a_route_is_not_accepted():
    engine = Engine.new(seed=4, now=START)
    now = START
    for line in GATEWAY_SESSION[:10]:
        now += 10
        result = engine.run(line, now=now)
    els = topology.build(engine)
    assert els["gatewayclass/eg"]["data"]["accepted"] == "True"
    gw = els["gateway/default/eg"]["data"]
    assert gw["listeners"] == [{"name": "http", "protocol": "HTTP", "port": 80, "hostname": "*", "attachedRoutes": 2}]
    assert "edge/gatewayclass/eg->gateway/default/eg" in els
    assert "edge/service/envoy-gateway-system/envoy-default-eg-e41e7b31->gateway/default/eg" in els
    assert els["edge/httproute/default/web->service/default/web"]["data"]["label"] == "/ 90%"
    assert els["edge/httproute/default/web->service/default/backend"]["data"]["label"] == "/ 10%"
    lost = els["httproute/default/lost"]
    assert lost["data"]["cause"] == "NoMatchingParent: No listeners match this parent ref"
    assert "unserved" in lost["classes"]
    assert els["edge/gateway/default/eg->httproute/default/lost"]["data"]["accepted"] == "False"
    hops = [h["id"] for t in result.traces for h in t["hops"]]
    assert "gateway/default/eg" in hops and "httproute/default/web" in hops
    assert hops[-1].startswith(("pod/default/web-", "pod/default/backend-"))
