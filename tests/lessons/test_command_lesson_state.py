"""A command's lesson bookkeeping: the pane's state comes from the progress the assessment just stored (no
second read), and the lesson's spec is this worker's copy while its row is unchanged (lesson_cache.py)."""
from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lessons import lesson_cache, progress
from lessons.models import Lesson
from playground import services

pytestmark = pytest.mark.django_db
L1 = "services-clusterip-nodeport"
EXERCISE = "exercise-publish-web"


@pytest.fixture(autouse=True)
def lessons_loaded():
    from django.core.management import call_command
    call_command("loadlessons", stdout=io.StringIO())
    lesson_cache.forget()


@pytest.mark.parametrize("slug", [L1, EXERCISE])
def test_the_result_carries_what_the_pane_would_read_from_the_database(alice, slug):
    box = services.create_sandbox(alice, "box", slug)
    for line in ["kubectl create deploy nginx-app --image=nginx:latest --replicas=3", "kubectl get pods",
                 "kubectl expose deploy nginx-app --port=80", "kubectl get svc nginx-app"]:
        reply = services.run_command(box.pk, alice, line)
        box.refresh_from_db()
        assert reply["lesson"] == progress.lesson_state(box), line
    assert reply["lesson"]["slug"] == slug


def test_the_lesson_is_read_once_while_its_row_is_unchanged(alice):
    box = services.create_sandbox(alice, "box", L1)
    services.run_command(box.pk, alice, "kubectl get pods")
    with CaptureQueriesContext(connection) as seen:
        services.run_command(box.pk, alice, "kubectl get nodes")
    lesson_reads = [q["sql"] for q in seen.captured_queries if 'FROM "lessons_lesson"' in q["sql"]]
    assert len(lesson_reads) == 1 and '"spec"' not in lesson_reads[0]      # the stamp only


def test_an_edited_lesson_is_read_again(alice):
    box = services.create_sandbox(alice, "box", L1)
    first = services.run_command(box.pk, alice, "kubectl get pods")["lesson"]
    lesson = Lesson.objects.get(slug=L1)
    lesson.spec["steps"][0]["title"] = "Create the web Deployment"      # as the admin's save does
    lesson.save()
    again = services.run_command(box.pk, alice, "kubectl get pods")["lesson"]
    assert first["steps"][0]["title"] != "Create the web Deployment"
    assert again["steps"][0]["title"] == "Create the web Deployment"
    assert progress.get_lesson(L1).spec["steps"][0]["title"] == "Create the web Deployment"


def test_a_deleted_lesson_is_gone_for_the_cache_too(alice):
    assert progress.get_lesson(L1) is not None
    Lesson.objects.filter(slug=L1).delete()
    assert lesson_cache.lookup(L1) is None
