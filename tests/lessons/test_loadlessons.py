"""manage.py loadlessons: creates lessons, updates them by slug without losing progress, rejects bad files."""
from __future__ import annotations

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from lessons import format
from lessons.models import Lesson, LessonProgress

pytestmark = pytest.mark.django_db


def load(**kwargs) -> str:
    out = io.StringIO()
    call_command("loadlessons", stdout=out, **kwargs)
    return out.getvalue()


def test_it_loads_every_lesson_file():
    out = load()
    assert "created lesson services-clusterip-nodeport (7 steps)" in out
    assert list(Lesson.objects.values_list("slug", "order"))[:2] == [("services-clusterip-nodeport", 1),
                                                                   ("services-microservices", 2)]
    assert Lesson.objects.count() == len(format.lesson_files())
    lesson = Lesson.objects.get(slug="services-microservices")
    assert lesson.title == "Services in a microservices architecture"
    assert lesson.spec["steps"][1]["id"] == "create-nodeport-service" and "```step" in lesson.source


def test_loading_twice_updates_in_place_and_keeps_progress(alice, tmp_path):
    from playground import services

    load()
    lesson = Lesson.objects.get(slug="services-clusterip-nodeport")
    sandbox = services.create_sandbox(alice, "l1", lesson.slug)
    LessonProgress.objects.create(user=alice, lesson=lesson, sandbox=sandbox,
                                  state={"current": "get-service", "done": ["create-deployment",
                                                                            "expose-deployment"],
                                         "completed": False, "last": None})
    # an instructor edits the title and reloads
    folder = tmp_path / "content"
    shutil.copytree(format.CONTENT_DIR, folder)
    path = folder / "01-services-clusterip-nodeport.md"
    path.write_text(path.read_text().replace('title: "Services: ClusterIP and NodePort"',
                                             'title: "Services: ClusterIP, then NodePort"'))
    out = load(dir=str(folder))
    assert "updated lesson services-clusterip-nodeport" in out
    assert Lesson.objects.count() == len(format.lesson_files())        # updated in place, none added
    lesson.refresh_from_db()
    assert lesson.title == "Services: ClusterIP, then NodePort"
    row = LessonProgress.objects.get(sandbox=sandbox)
    assert row.lesson_id == lesson.pk and row.state["done"] == ["create-deployment", "expose-deployment"]


def test_a_malformed_file_stops_the_load_with_file_step_and_reason(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(format.CONTENT_DIR, folder)
    path = folder / "02-services-microservices.md"
    path.write_text(path.read_text().replace("{service: nginx-app, endpoints: 3}", "{service: nginx-app, ends: 3}"))
    with pytest.raises(CommandError) as err:
        load(dir=str(folder))
    assert str(err.value) == ("malformed lesson: 02-services-microservices.md: step 'describe-service': "
                              "check.state: unknown key(s) for service: ends")
    assert Lesson.objects.count() == 0          # nothing half-loaded


def test_exercises_load_with_their_tasks_and_reloading_keeps_attempts(alice):
    from lessons.models import Attempt

    out = load()
    assert "created exercise capstone-wordpress (4 tasks, 9 points)" in out
    capstone = Lesson.objects.get(slug="capstone-wordpress")
    Attempt.objects.create(user=alice, exercise=capstone, score=3, max_score=9)
    out = load()
    assert "updated exercise capstone-wordpress (4 tasks, 9 points)" in out
    assert Lesson.objects.filter(slug="capstone-wordpress").count() == 1
    assert Attempt.objects.get(user=alice).exercise_id == capstone.pk
