"""Lessons 1 and 2 replayed with their own reference commands through `manage.py sim --json --lesson`:
every step completes in order and the last one completes the lesson."""
from __future__ import annotations

import io
import json

from django.core.management import call_command

from lessons import format


def sim(script: str, slug: str) -> list[dict]:
    out = io.StringIO()
    call_command("sim", "--json", "--lesson", slug, stdin=io.StringIO(script), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def to_node_port(live: str) -> str:
    return live.replace("  type: ClusterIP\n", "  type: NodePort\n").replace(
        "  - port: 80\n", "  - nodePort: 32000\n    port: 80\n")


def reference_script(lesson: dict) -> str:
    """Each step's reference command; a step whose command opens the editor is followed by the save."""
    lines = []
    for step in lesson["steps"]:
        lines.append(step["commands"][0])
    return "\n".join(lines) + "\n"


def replay(slug: str) -> tuple[dict, list[dict]]:
    lesson = format.get_lesson(slug)
    script = reference_script(lesson)
    if "kubectl edit service nginx-app\n" in script:
        head, tail = script.split("kubectl edit service nginx-app\n", 1)
        opened = sim(head + "kubectl edit service nginx-app\n", slug)[-1]
        assert opened.get("editor"), opened
        save = f"#podscape:editor-save <<'EOF'\n{to_node_port(opened['editor']['content'])}EOF\n"
        script = head + "kubectl edit service nginx-app\n" + save + tail
    return lesson, sim(script, slug)


def test_lesson_1_completes_with_its_reference_commands():
    lesson, records = replay("services-clusterip-nodeport")
    verdicts = [(r["command"].split("\n")[0], r["assessment"]["verdict"], r["assessment"]["step"]) for r in records]
    assert verdicts == [
        ("kubectl create deploy nginx-app --image=nginx:latest --replicas=3", "complete", "create-deployment"),
        ("kubectl expose deploy nginx-app --port=80", "complete", "expose-deployment"),
        ("kubectl get service nginx-app", "complete", "get-service"),
        ("docker ps", "complete", "docker-ps"),
        ("kubectl edit service nginx-app", "detour", "make-nodeport"),      # the editor is open
        ("#podscape:editor-save <<'EOF'", "complete", "make-nodeport"),
        ("kubectl get service nginx-app", "complete", "get-service-nodeport"),
        ("curl http://$(minikube ip):32000", "complete", "curl-nodeport"),
    ]
    assert records[-1]["assessment"]["lesson_complete"] is True
    assert all(r["exit_code"] == 0 for r in records)


def test_lesson_2_completes_with_its_reference_commands():
    lesson, records = replay("services-microservices")
    assert [r["assessment"]["step"] for r in records] == [s["id"] for s in lesson["steps"]]
    assert [r["assessment"]["verdict"] for r in records] == ["complete"] * len(lesson["steps"]), records
    assert records[-1]["assessment"]["lesson_complete"] is True
    assert all(r["exit_code"] == 0 for r in records)


def test_lesson_2_setup_gives_three_nginx_pods_before_the_learner_starts():
    records = sim("kubectl get deploy nginx-app\n", "services-microservices")
    assert records[0]["output"].splitlines()[1].split()[:4] == ["nginx-app", "3/3", "3", "3"]
    assert records[0]["assessment"]["verdict"] == "detour"


def test_a_wrong_port_in_a_replay_gets_the_specific_hint():
    records = sim("kubectl create deploy nginx-app --image=nginx:latest --replicas=3\n"
                  "kubectl expose deploy nginx-app --port=8080\n", "services-clusterip-nodeport")
    assert records[1]["output"] == "service/nginx-app exposed\n"
    assert records[1]["assessment"]["verdict"] == "mistake"
    assert "nginx listens on port 80" in records[1]["assessment"]["hint"]


def test_a_learner_who_strays_gets_detours_and_specific_hints_and_still_finishes():
    script = """\
kubectl create deploy nginx-app --image=nginx:latest --replicas=3
kubectl expose deploy nginx-app --port=80 --type=NodePort
kubectl delete svc nginx-app
kubectl expose deploy nginx-app --port=80
kubectl get pods
kubectl get svc ngnix-app
kubectl get svc nginx-app
docker ps
kubectl patch svc nginx-app -p '{"spec":{"type":"NodePort","ports":[{"port":80,"nodePort":32000}]}}'
kubectl get svc
curl http://$(minikube ip):30000
curl http://nginx-app:32000
curl http://$(minikube ip):32000
"""
    records = sim(script, "services-clusterip-nodeport")
    got = [(r["assessment"]["verdict"], r["assessment"]["step"]) for r in records]
    assert got == [
        ("complete", "create-deployment"),
        ("mistake", "expose-deployment"),         # NodePort too early
        ("detour", "expose-deployment"),          # removing the wrong Service is fine
        ("complete", "expose-deployment"),
        ("detour", "get-service"),
        ("mistake", "get-service"),               # typo in the name
        ("complete", "get-service"),
        ("complete", "docker-ps"),
        ("complete", "make-nodeport"),            # patch instead of edit: judged on state
        ("complete", "get-service-nodeport"),
        ("mistake", "curl-nodeport"),             # wrong port
        ("mistake", "curl-nodeport"),             # a Service name from outside the cluster
        ("complete", "curl-nodeport"),
    ]
    hints = [r["assessment"]["hint"] for r in records]
    assert "default type, ClusterIP" in hints[1]
    assert "did you mean nginx-app" in hints[5]
    assert "The NodePort you gave the Service is 32000" in hints[10]
    assert "Service names only resolve inside the cluster" in hints[11]
    assert records[-1]["assessment"]["lesson_complete"] is True
