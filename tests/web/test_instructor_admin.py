"""Issue 17, item 4 and the polish: an instructor who reaches the admin (staff, not superuser) sees only their
own courses and their learners' work; the admin's names read as English; the preview shows a lesson's
setup and solutions as commands, not template text."""
from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from lessons import exercises
from lessons.models import Course, CourseItem, Lesson, Membership
from playground import services

pytestmark = pytest.mark.django_db
EX = "exercise-publish-web"


@pytest.fixture(autouse=True)
def lessons_loaded():
    call_command("loadlessons", stdout=io.StringIO())


def staff_instructor(django_user_model, name):
    user = django_user_model.objects.create_user(name, password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label__in=("playground", "lessons"), codename__startswith="view_"))
    return user


def course_with_attempt(owner, learner, title):
    course = Course.objects.create(title=title, owner=owner)
    CourseItem.objects.create(course=course, lesson=Lesson.objects.get(slug=EX))
    Membership.objects.create(course=course, user=learner)
    sandbox = services.create_sandbox(learner, f"{title}-sandbox", EX)
    services.run_command(sandbox.pk, learner, "kubectl get deploy")
    sandbox.refresh_from_db()
    return course, sandbox, exercises.submit(sandbox, Lesson.objects.get(slug=EX))


def test_a_staff_instructor_sees_only_their_own_courses_and_learners_in_the_admin(client, django_user_model,
                                                                                  alice, bob):
    mine_owner = staff_instructor(django_user_model, "ms-frizzle")
    other_owner = staff_instructor(django_user_model, "mr-other")
    mine, alice_box, alice_try = course_with_attempt(mine_owner, alice, "Mine")
    theirs, bob_box, bob_try = course_with_attempt(other_owner, bob, "Theirs")
    client.force_login(mine_owner)
    courses = client.get("/admin/lessons/course/").content.decode()
    assert "Mine" in courses and "Theirs" not in courses and theirs.join_code not in courses
    assert client.get(f"/admin/lessons/course/{mine.pk}/change/").status_code == 200
    assert client.get(f"/admin/lessons/course/{theirs.pk}/change/").status_code == 302   # "does not exist"
    attempts = client.get("/admin/lessons/attempt/").content.decode()
    assert f"/admin/lessons/attempt/{alice_try.pk}/change/" in attempts
    assert f"/admin/lessons/attempt/{bob_try.pk}/change/" not in attempts
    assert client.get(f"/admin/lessons/attempt/{bob_try.pk}/change/").status_code == 302
    sandboxes = client.get("/admin/playground/sandbox/").content.decode()
    assert f"/admin/playground/sandbox/{alice_box.pk}/change/" in sandboxes
    assert f"/admin/playground/sandbox/{bob_box.pk}/change/" not in sandboxes
    progress = client.get("/admin/lessons/lessonprogress/").content.decode()
    assert "alice/Mine-sandbox" in progress and "bob/Theirs-sandbox" not in progress
    # a superuser still sees everything
    client.force_login(django_user_model.objects.create_superuser("root", password="pw"))
    courses = client.get("/admin/lessons/course/").content.decode()
    assert "Mine" in courses and "Theirs" in courses


def test_the_admin_names_read_as_english(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw"))
    index = client.get("/admin/").content.decode()
    assert "Lesson progress<" in index and "Sandboxes<" in index
    assert "progresss" not in index.lower() and "sandboxs" not in index.lower()


def test_the_preview_shows_setup_and_solutions_as_commands(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw"))
    lesson = Lesson.objects.get(slug="services-clusterip-nodeport")
    for url in ("/lessons/preview/01-services-clusterip-nodeport/", f"/lessons/preview/item/{lesson.slug}/"):
        page = client.get(url).content.decode()
        assert "{{" not in page and "{%" not in page, url
        for step in lesson.spec["steps"]:
            assert "\n".join(step["solution"]).replace("'", "&#x27;").replace('"', "&quot;") in page, url
    exercise = Lesson.objects.get(slug=EX)
    page = client.get(f"/lessons/preview/item/{EX}/").content.decode()
    assert '<pre class="check">' + "\n".join(exercise.spec["setup"]) in page
