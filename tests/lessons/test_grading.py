"""Exercises are graded on the sandbox's state, task by task: any correct route earns full marks, a wrong
state earns what its passing tasks are worth, and the failing task is named with its reason."""
from __future__ import annotations

import pytest

from lessons import format, grade, replay, setup
from playground.sim.engine import CLOCK_STEP, Engine


def sandbox(slug: str) -> tuple[dict, Engine, list[float]]:
    exercise = format.get_lesson(slug)
    engine = Engine.new(7, now=replay.START)
    setup.prepare(engine, exercise, now=replay.START)
    engine.tick(replay.START + 60)
    return exercise, engine, [replay.START + 60]


def run(engine: Engine, clock: list[float], *lines: str) -> None:
    for line in lines:
        clock[0] += CLOCK_STEP
        result = engine.run(line, now=clock[0])
        assert result.exit_code == 0, (line, result.output)
    clock[0] += 60
    engine.tick(clock[0])          # pods start, endpoints fill


NODEPORT_MANIFEST = """kubectl apply -f - <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
    nodePort: 30080
---
apiVersion: v1
kind: Service
metadata:
  name: web-internal
spec:
  selector:
    app: web
  ports:
  - port: 8080
    targetPort: 80
EOF"""


@pytest.mark.parametrize("route", [
    ["kubectl expose deploy web --name=web-internal --port=8080 --target-port=80",
     "kubectl expose deploy web --port=80 --type=NodePort",
     "kubectl patch svc web -p '{\"spec\":{\"ports\":[{\"port\":80,\"nodePort\":30080}]}}'"],
    [NODEPORT_MANIFEST],
], ids=["expose-and-patch", "apply-a-manifest"])
def test_two_different_correct_routes_both_get_full_marks(route):
    exercise, engine, clock = sandbox("exercise-publish-web")
    assert grade.grade(exercise, engine)["score"] == 0
    run(engine, clock, *route)
    result = grade.grade(exercise, engine)
    assert (result["score"], result["max_score"], result["passed"]) == (5, 5, True)
    assert all(t["reasons"] == [] for t in result["tasks"])


def test_a_wrong_node_port_gets_partial_marks_and_names_the_failing_task():
    exercise, engine, clock = sandbox("exercise-publish-web")
    run(engine, clock, "kubectl expose deploy web --name=web-internal --port=8080 --target-port=80",
        "kubectl create service nodeport web --tcp=80:80 --node-port=30081")
    result = grade.grade(exercise, engine)
    assert (result["score"], result["max_score"], result["passed"]) == (2, 5, False)
    internal, nodeport = result["tasks"]
    assert internal["passed"] and internal["earned"] == 2
    assert nodeport["id"] == "nodeport" and nodeport["earned"] == 0
    assert nodeport["reasons"][0] == ("Service web has port 80 (nodePort 30081); the step wants port 80, "
                                      "nodePort 30080")
    assert any(r.startswith("a request from host to 192.168.49.2:30080 is not answered") for r in nodeport["reasons"])
    assert grade.summary(result) == "2/5 points: 1 of 2 tasks pass. Not yet: A port on the node."


def test_a_service_selecting_the_wrong_pods_earns_nothing_for_that_task():
    exercise, engine, clock = sandbox("exercise-publish-web")
    run(engine, clock, "kubectl create service clusterip web-internal --tcp=8080:80")   # selects app=web-internal
    internal = grade.grade(exercise, engine)["tasks"][0]
    assert not internal["passed"]
    assert "Service web-internal has no endpoints: its selector matches no ready pod" in internal["reasons"]


def _capstone_without_policy(engine, clock):
    run(engine, clock, "kubectl create deploy mariadb --image=mariadb", "kubectl expose deploy mariadb --port=3306",
        "kubectl create deploy wordpress --image=wordpress",
        "kubectl expose deploy wordpress --port=80 --type=NodePort",
        "kubectl create ingress blog --class=nginx --rule=blog.example.com/*=wordpress:80")


POLICY_BY_LABEL = """kubectl apply -f - <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db
spec:
  podSelector:
    matchLabels:
      app: mariadb
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: wordpress
    ports:
    - port: 3306
EOF"""

# Another route: deny everything into the database, then allow WordPress in a second policy.
POLICY_DENY_THEN_ALLOW = """kubectl apply -f - <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-db
spec:
  podSelector:
    matchLabels:
      app: mariadb
  policyTypes:
  - Ingress
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-wordpress
spec:
  podSelector:
    matchLabels:
      app: mariadb
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: wordpress
EOF"""


@pytest.mark.parametrize("policy", [POLICY_BY_LABEL, POLICY_DENY_THEN_ALLOW], ids=["one-policy", "deny-then-allow"])
def test_the_capstone_by_two_policies_gets_full_marks(policy):
    exercise, engine, clock = sandbox("capstone-wordpress")
    _capstone_without_policy(engine, clock)
    assert grade.grade(exercise, engine)["score"] == 6
    run(engine, clock, policy)
    result = grade.grade(exercise, engine)
    assert (result["score"], result["max_score"]) == (9, 9), result


def test_the_capstone_with_an_open_database_loses_the_policy_task():
    exercise, engine, clock = sandbox("capstone-wordpress")
    _capstone_without_policy(engine, clock)
    run(engine, clock, "kubectl patch svc mariadb -p '{\"spec\":{\"type\":\"NodePort\"}}'")
    result = grade.grade(exercise, engine)
    failing = {t["id"]: t["reasons"] for t in result["tasks"] if not t["passed"]}
    assert set(failing) == {"backend", "policy"} and result["score"] == 4
    assert failing["backend"] == ["Service mariadb is of type NodePort, not ClusterIP"]
    assert "a request from run=debug to service/mariadb:3306 gets through; it should be blocked" in failing["policy"]


def test_grading_leaves_the_sandbox_as_it_was():
    exercise, engine, clock = sandbox("capstone-wordpress")
    _capstone_without_policy(engine, clock)
    before = engine.to_state()
    grade.grade(exercise, engine)
    assert engine.to_state() == before


@pytest.mark.parametrize("route", [
    ["kubectl exec client -- wget -qO- api.shop"],
    ["kubectl exec -it client -- sh", "nslookup api.shop.svc.cluster.local", "exit"],
], ids=["exec-wget", "in-pod-shell"])
def test_the_dns_exercise_counts_a_lookup_from_the_pod_either_way(route):
    exercise, engine, clock = sandbox("exercise-dns-namespaces")
    run(engine, clock, "kubectl create namespace shop", "kubectl create deploy api --image=nginx:latest -n shop",
        "kubectl expose deploy api --port=80 -n shop")
    by_name = grade.grade(exercise, engine)["tasks"][1]
    assert by_name["reasons"] == ["none of your commands does what this task asks you to run"]
    for line in route:
        clock[0] += CLOCK_STEP
        engine.run(line, now=clock[0])
    result = grade.grade(exercise, engine)
    assert (result["score"], result["max_score"]) == (4, 4), result
