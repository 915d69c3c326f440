"""Lesson 5 (Network Policies): the reference solution replays in a fresh sandbox, and the lesson says so
when busybox gets through because the cluster's network plugin cannot enforce the policy."""
from __future__ import annotations

from lessons import assess, format
from playground.sim.engine import Engine

SLUG = "network-policies"
WGET = "kubectl exec -it busybox -- wget --spider --timeout=1 nginx"


def at_step(lesson: dict, step_id: str) -> dict:
    progress = assess.new_progress(lesson)
    ids = [s["id"] for s in lesson["steps"]]
    progress["done"] = ids[: ids.index(step_id)]
    progress["current"] = step_id
    return progress




def test_the_lesson_places_the_tutorials_file():
    lesson = format.get_lesson(SLUG)
    text = lesson["files"]["ckad/nwpolicy-complete-example.yaml"]
    assert text.startswith("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: access-nginx\n")
    assert text.count("\n---\n") == 2 and text.endswith('    - sleep\n    - "3600"\n')


def test_a_wget_that_gets_through_on_a_bridge_cluster_is_explained():
    lesson = format.get_lesson(SLUG)
    eng = Engine.new(seed=3, now=1_767_603_600.0)          # minikube's default bridge CNI
    text = lesson["files"]["ckad/nwpolicy-complete-example.yaml"]
    for line in ("mkdir ckad", f"cat > ckad/nwpolicy-complete-example.yaml <<'EOF'\n{text}EOF",
                 "kubectl create -f ckad/nwpolicy-complete-example.yaml", "kubectl expose pod nginx --port=80"):
        assert eng.run(line).exit_code == 0, line
    eng.tick(eng.cluster.now + 10)
    r = eng.run(WGET)
    assert r.exit_code == 0 and r.output.endswith("remote file exists\n")
    v = assess.assess(lesson, at_step(lesson, "wget-denied"), WGET, r.as_dict(), eng)
    assert v["verdict"] == "mistake"
    assert "does not enforce NetworkPolicy" in v["hint"] and "minikube start --cni=calico" in v["hint"]


def test_the_timeout_completes_the_step():
    lesson = format.get_lesson(SLUG)
    progress = at_step(lesson, "wget-denied")
    eng = Engine.new(seed=3, now=1_767_603_600.0)
    text = lesson["files"]["ckad/nwpolicy-complete-example.yaml"]
    for line in ("minikube delete", "minikube start --cni=calico", "mkdir ckad",
                 f"cat > ckad/nwpolicy-complete-example.yaml <<'EOF'\n{text}EOF",
                 "kubectl create -f ckad/nwpolicy-complete-example.yaml", "kubectl expose pod nginx --port=80"):
        assert eng.run(line).exit_code == 0, line
    eng.tick(eng.cluster.now + 10)
    r = eng.run(WGET)
    assert r.exit_code == 1 and "download timed out" in r.output
    v = assess.assess(lesson, progress, WGET, r.as_dict(), eng)
    assert v["verdict"] == "complete" and v["next_step"] == "label-busybox"
