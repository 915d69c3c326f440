"""The Django glue: progress stored per learner, lesson and sandbox; lesson state; the lesson pane and list."""
from __future__ import annotations

import io

import pytest

from lessons import progress
from lessons.models import LessonProgress
from playground import services, store
from playground.models import Sandbox
from playground.sim.engine import Engine

from . import helpers as h

pytestmark = pytest.mark.django_db
L1 = "services-clusterip-nodeport"


@pytest.fixture(autouse=True)
def lessons_loaded():
    from django.core.management import call_command
    call_command("loadlessons", stdout=io.StringIO())


@pytest.fixture
def l1_sandbox(alice):
    return services.create_sandbox(alice, "lesson-one", L1)


def engine_of(sandbox) -> Engine:
    return Engine.from_state(sandbox.state)


def run_step_one(sandbox) -> dict:
    eng = engine_of(sandbox)
    h.deployment(eng, "nginx-app")
    verdict = progress.assess_command(sandbox, "kubectl create deploy nginx-app --image=nginx:latest --replicas=3",
                                      h.ok("deployment.apps/nginx-app created\n"), eng)
    store.write_all(sandbox, eng)
    sandbox.save()
    return verdict


def test_a_sandbox_without_a_lesson_is_not_assessed(alice_sandbox):
    eng = engine_of(alice_sandbox)
    assert progress.assess_command(alice_sandbox, "kubectl get pods", h.ok(), eng) is None
    assert progress.lesson_state(alice_sandbox) is None


def test_progress_survives_a_reload(l1_sandbox):
    assert run_step_one(l1_sandbox)["verdict"] == "complete"
    again = Sandbox.objects.get(pk=l1_sandbox.pk)          # a new request: everything from the database
    state = progress.lesson_state(again)
    assert [(s["id"], s["done"], s["current"]) for s in state["steps"][:3]] == [
        ("create-deployment", True, False), ("expose-deployment", False, True), ("get-service", False, False)]
    assert state["last"]["verdict"] == "complete" and state["pane_url"] == f"/lessons/{L1}/pane/{again.pk}/"
    row = LessonProgress.objects.get(sandbox=again)
    assert row.user == again.owner and row.lesson.slug == L1


def test_progress_is_kept_per_sandbox(alice, l1_sandbox):
    run_step_one(l1_sandbox)
    other = services.create_sandbox(alice, "lesson-one-again", L1)
    assert progress.lesson_state(other)["current"] == "create-deployment"
    assert progress.lesson_state(l1_sandbox)["current"] == "expose-deployment"


def test_a_reset_starts_the_lesson_over(alice, l1_sandbox):
    run_step_one(l1_sandbox)
    services.reset_sandbox(l1_sandbox.pk, alice)
    assert progress.lesson_state(Sandbox.objects.get(pk=l1_sandbox.pk))["current"] == "create-deployment"


def test_the_pane_shows_steps_current_done_and_the_last_message(alice_client, l1_sandbox):
    run_step_one(l1_sandbox)
    r = alice_client.get(f"/lessons/{L1}/pane/{l1_sandbox.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-current-step="expose-deployment"' in html
    assert 'id="step-create-deployment" class="lesson-step done"' in html
    assert 'id="step-expose-deployment" class="lesson-step current"' in html
    assert "Done: Run nginx as a Deployment. Next: Put a Service in front of the pods." in html
    assert '<code>kubectl expose</code>' in html                       # prose rendered from Markdown
    assert '<pre data-run="kubectl expose deploy nginx-app --port=80"' in html
    assert "1 of 7 steps done" in html


def test_the_pane_is_not_found_for_someone_elses_sandbox(bob_client, l1_sandbox):
    assert bob_client.get(f"/lessons/{L1}/pane/{l1_sandbox.pk}/").status_code == 404


def test_the_pane_is_not_found_for_another_lesson(alice_client, l1_sandbox):
    assert alice_client.get(f"/lessons/services-microservices/pane/{l1_sandbox.pk}/").status_code == 404


def test_the_pane_needs_a_login(client, l1_sandbox):
    r = client.get(f"/lessons/{L1}/pane/{l1_sandbox.pk}/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_the_list_shows_lessons_and_my_progress(alice_client, l1_sandbox):
    run_step_one(l1_sandbox)
    html = alice_client.get("/lessons/").content.decode()
    assert "1. Services: ClusterIP and NodePort" in html and "2. Services in a microservices architecture" in html
    assert "1 of 7 steps done" in html and f'action="/lessons/{L1}/start/"' in html


def test_starting_a_lesson_opens_a_sandbox_for_it(alice_client, alice):
    r = alice_client.post(f"/lessons/{L1}/start/")
    sandbox = Sandbox.objects.get(owner=alice, lesson_slug=L1)
    assert r.status_code == 302 and r["Location"] == f"/sandboxes/{sandbox.pk}/"


def test_commands_run_through_the_sandbox_services_are_assessed_and_stored(alice, l1_sandbox):
    r = services.run_command(l1_sandbox.pk, alice, "kubectl create deploy nginx-app --image=nginx:latest --replicas=3")
    assert r["output"] == "deployment.apps/nginx-app created\n"
    assert r["assessment"]["verdict"] == "complete" and r["assessment"]["next_step"] == "expose-deployment"
    assert r["lesson"]["current"] == "expose-deployment"
    assert l1_sandbox.commands.get().assessment == r["assessment"]
    r = services.run_command(l1_sandbox.pk, alice, "kubectl get pods")
    assert r["assessment"]["verdict"] == "detour"
    assert progress.lesson_state(Sandbox.objects.get(pk=l1_sandbox.pk))["last"]["verdict"] == "detour"


def test_a_completed_lesson_offers_the_next_one(alice_client, l1_sandbox):
    from lessons.models import Lesson

    lesson = Lesson.objects.get(slug=L1)
    LessonProgress.objects.create(user=l1_sandbox.owner, lesson=lesson, sandbox=l1_sandbox,
                                  state={"current": None, "done": [s["id"] for s in lesson.spec["steps"]],
                                         "completed": True, "last": None})
    html = alice_client.get(f"/lessons/{L1}/pane/{l1_sandbox.pk}/").content.decode()
    assert "Lesson complete! Well done." in html and "7 of 7 steps done" in html
    assert 'action="/lessons/services-microservices/start/"' in html
    assert "Next lesson: Services in a microservices architecture" in html


def test_a_lesson_sandbox_starts_with_the_lessons_setup_done_but_not_in_the_history(alice):
    sandbox = services.create_sandbox(alice, "lesson-two", "services-microservices")
    eng = engine_of(sandbox)
    dep = eng.cluster.get("deployments", "default", "nginx-app")
    assert dep["spec"]["replicas"] == 3
    assert dep["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:latest"
    assert eng.host.history == []
    assert progress.lesson_state(sandbox)["current"] == "pod-labels"
