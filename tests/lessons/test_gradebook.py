"""The gradebook of everything assigned (issue 17): a lesson's steps done of its steps beside an exercise's
points, due dates and late flags in the course's time zone, links to each item and each learner's work,
totals with maxima, the same columns in the CSV; the learner's own "Your best" for lessons too."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timezone

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from lessons import exercises
from lessons.models import Attempt, Course, CourseItem, Lesson, LessonProgress, Membership
from playground import services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sandbox_clock")]
LESSON, EX = "services-clusterip-nodeport", "exercise-publish-web"
GOOD = ["kubectl expose deploy web --name=web-internal --port=8080 --target-port=80",
        "kubectl create service nodeport web --tcp=80:80 --node-port=30080"]


@pytest.fixture(autouse=True)
def lessons_loaded():
    call_command("loadlessons", stdout=io.StringIO())


@pytest.fixture
def teacher(django_user_model):
    user = django_user_model.objects.create_user("teacher", password="pw")
    user.groups.add(Group.objects.get_or_create(name="Instructor")[0])
    return user


def create_course(client, teacher, zone="America/New_York", **due) -> Course:
    client.force_login(teacher)
    form = {"title": "Services", "time_zone": zone, "items": [LESSON, EX]}
    form.update({f"due-{slug}": when for slug, when in due.items()})
    resp = client.post("/lessons/courses/new/", form)
    assert resp.status_code == 302, resp.content[:400]
    return Course.objects.get(title="Services")


def enrol(course, user) -> None:
    Membership.objects.create(course=course, user=user)


def do_lesson(user, steps: int | None = None):
    """Run the lesson's solutions, all of it or its first `steps` steps."""
    lesson = Lesson.objects.get(slug=LESSON)
    sandbox = services.create_sandbox(user, f"lesson-{user.username}", LESSON)
    for step in lesson.spec["steps"][:steps]:
        for line in step["solution"]:
            services.run_command(sandbox.pk, user, line)
    return LessonProgress.objects.get(user=user, sandbox=sandbox)


def do_exercise(user, lines):
    sandbox = services.create_sandbox(user, f"ex-{user.username}", EX)
    for line in lines:
        services.run_command(sandbox.pk, user, line)
    sandbox.refresh_from_db()
    return exercises.submit(sandbox, Lesson.objects.get(slug=EX))


def cell(book: str, learner: str, slug: str) -> str:
    row = re.search(rf'<tr data-learner="{learner}">(.*?)</tr>', book, re.S).group(1)
    return re.search(rf'<td data-item="{slug}"[^>]*>(.*?)</td>', row, re.S).group(0)


def total(book: str, learner: str, kind: str) -> str:
    row = re.search(rf'<tr data-learner="{learner}">(.*?)</tr>', book, re.S).group(1)
    return re.search(rf'data-total="{kind}">([^<]*)<', row).group(1)


def test_lessons_and_exercises_side_by_side_with_links_totals_and_csv(client, teacher, alice, bob):
    course = create_course(client, teacher, **{f"{LESSON}": "2099-01-15T09:00", f"{EX}": "2099-01-16T09:00"})
    enrol(course, alice)
    enrol(course, bob)
    steps = len(Lesson.objects.get(slug=LESSON).spec["steps"])
    done = do_lesson(alice)
    partial = do_lesson(bob, steps=2)
    attempt = do_exercise(alice, GOOD)
    do_exercise(bob, GOOD[:1])
    assert done.state["completed"] and (attempt.score, attempt.max_score) == (5, 5)

    client.force_login(teacher)
    book = client.get(f"/lessons/courses/{course.pk}/gradebook/").content.decode()
    # headers: each item links to itself, with its maximum and its due date in the course's zone
    header = re.search(rf'<th data-item="{LESSON}".*?</th>', book, re.S).group(0)
    assert f'href="/lessons/preview/item/{LESSON}/"' in header and f"{steps} steps" in header
    assert "due 2099-01-15 09:00 EST" in header
    ex_header = re.search(rf'<th data-item="{EX}".*?</th>', book, re.S).group(0)
    assert f'href="/lessons/preview/item/{EX}/"' in ex_header and "5 points" in ex_header
    # cells: steps done of steps for the lesson, best points for the exercise, each linking to the work
    assert f'data-score="{steps}"' in cell(book, "alice", LESSON)
    assert f"{steps}/{steps}" in cell(book, "alice", LESSON)
    assert f'href="/lessons/courses/{course.pk}/progress/{done.pk}/"' in cell(book, "alice", LESSON)
    assert f"2/{steps}" in cell(book, "bob", LESSON)
    assert f'href="/lessons/courses/{course.pk}/attempts/{attempt.pk}/"' in cell(book, "alice", EX)
    assert "2/5" in cell(book, "bob", EX)
    # totals with their maxima
    assert total(book, "alice", "points") == "5/5" and total(book, "alice", "steps") == f"{steps}/{steps}"
    assert total(book, "bob", "points") == "2/5" and total(book, "bob", "steps") == f"2/{steps}"
    assert "of 5" in book and f"of {steps}" in book
    assert "late" not in re.sub(r"<style>.*?</style>", "", book, flags=re.S)     # nothing is past due
    # the progress drill-down names the steps done and not yet
    page = client.get(f"/lessons/courses/{course.pk}/progress/{partial.pk}/").content.decode()
    assert f"2 of {steps} steps done" in page and page.count('data-done="true"') == 2
    # the CSV has the same columns
    rows = list(csv.reader(io.StringIO(client.get(f"/lessons/courses/{course.pk}/gradebook.csv").content.decode())))
    head = rows[0]
    alice_row = dict(zip(head, rows[1]))
    assert alice_row[f"{LESSON} score"] == str(steps) and alice_row[f"{LESSON} max"] == str(steps)
    assert alice_row[f"{EX} score"] == "5" and alice_row[f"{EX} attempts"] == "1"
    assert alice_row[f"{LESSON} due"] == "2099-01-15T09:00-05:00"
    assert (alice_row["exercise points"], alice_row["exercise points max"]) == ("5", "5")
    assert (alice_row["lesson steps"], alice_row["lesson steps max"]) == (str(steps), str(steps))
    bob_row = dict(zip(head, rows[2]))
    assert (bob_row[f"{LESSON} score"], bob_row[f"{EX} score"], bob_row["lesson steps"]) == ("2", "2", "2")


def test_the_learner_s_your_best_shows_lessons_too(client, teacher, alice):
    course = create_course(client, teacher)
    enrol(course, alice)
    progress = do_lesson(alice, steps=3)
    client.force_login(alice)
    page = client.get(f"/lessons/courses/{course.pk}/").content.decode()
    row = re.search(rf'<tr data-item="{LESSON}">.*?</tr>', page, re.S).group(0)
    steps = len(Lesson.objects.get(slug=LESSON).spec["steps"])
    assert f"3/{steps} steps" in row and f'href="/sandboxes/{progress.sandbox_id}/"' in row
    # ...and an exercise's title says "Exercise" once
    assert "Exercise: Exercise:" not in page and "Exercise: publish a web server" in page
    # a learner cannot open the instructor's drill-down
    assert client.get(f"/lessons/courses/{course.pk}/progress/{progress.pk}/").status_code == 403


def test_due_dates_are_typed_and_shown_in_the_course_s_time_zone(client, teacher):
    course = create_course(client, teacher, zone="Europe/Berlin", **{EX: "2027-07-01T18:00"})
    item = CourseItem.objects.get(course=course, lesson__slug=EX)
    assert course.time_zone == "Europe/Berlin"
    assert item.due == datetime(2027, 7, 1, 16, 0, tzinfo=timezone.utc)      # CEST is UTC+2
    page = client.get(f"/lessons/courses/{course.pk}/").content.decode()
    assert "2027-07-01 18:00 CEST" in page and "(Europe/Berlin)" in page
    form = client.get(f"/lessons/courses/{course.pk}/edit/").content.decode()
    assert 'value="2027-07-01T18:00"' in form and '<option value="Europe/Berlin" selected>' in form
    assert "color-scheme: dark" in form                         # the date picker's icon is drawn for a dark page
    # moving the course to another zone keeps what is typed in the form in that zone
    resp = client.post(f"/lessons/courses/{course.pk}/edit/", {"title": "Services", "time_zone": "UTC",
                                                               "items": [EX], f"due-{EX}": "2027-07-01T18:00"})
    assert resp.status_code == 302
    item.refresh_from_db()
    assert item.due == datetime(2027, 7, 1, 18, 0, tzinfo=timezone.utc)
    resp = client.post(f"/lessons/courses/{course.pk}/edit/", {"title": "Services", "time_zone": "Mars/Olympus",
                                                               "items": [EX]})
    assert resp.status_code == 400 and "Pick a time zone" in resp.content.decode()


def test_late_and_overdue_flags(client, teacher, alice, bob):
    course = create_course(client, teacher, zone="UTC", **{LESSON: "2020-01-01T00:00", EX: "2020-01-01T00:00"})
    enrol(course, alice)
    enrol(course, bob)
    do_lesson(alice)
    do_exercise(alice, GOOD)
    book = client.get(f"/lessons/courses/{course.pk}/gradebook/").content.decode()
    for slug in (LESSON, EX):
        assert 'class="late"' in cell(book, "alice", slug)          # finished after the due date
        assert 'class="overdue"' in cell(book, "bob", slug)         # due date past, nothing handed in
    rows = list(csv.reader(io.StringIO(client.get(f"/lessons/courses/{course.pk}/gradebook.csv").content.decode())))
    line = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert line["alice"][f"{LESSON} late"] == "late" and line["bob"][f"{EX} late"] == "overdue"


def test_an_exercise_attempt_does_not_count_as_lesson_progress(client, teacher, alice):
    """An exercise's sandbox keeps a progress row for live grading; the gradebook reads the attempts."""
    course = create_course(client, teacher)
    enrol(course, alice)
    do_exercise(alice, GOOD[:1])
    assert LessonProgress.objects.filter(user=alice, lesson__slug=EX).exists()
    book = client.get(f"/lessons/courses/{course.pk}/gradebook/").content.decode()
    assert "2/5" in cell(book, "alice", EX) and "–" in cell(book, "alice", LESSON)
    assert Attempt.objects.filter(user=alice).count() == 1
