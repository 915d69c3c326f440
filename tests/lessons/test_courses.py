"""Courses end to end through the views: an instructor creates a course, learners join with its code, an
exercise is graded live and submitted, the gradebook, an attempt's drill-down and the CSV. Roles: a learner
cannot read the gradebook or another learner's attempt, nor can the instructor of another course."""
from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from lessons import exercises
from lessons.models import Attempt, Course, CourseItem, Lesson, Membership
from playground import services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sandbox_clock")]
EX = "exercise-publish-web"


@pytest.fixture(autouse=True)
def lessons_loaded():
    call_command("loadlessons", stdout=io.StringIO())


@pytest.fixture
def teacher(django_user_model):
    return django_user_model.objects.create_user("teacher", password="pw", is_staff=True)


@pytest.fixture
def other_teacher(django_user_model):
    user = django_user_model.objects.create_user("other-teacher", password="pw")
    user.groups.add(Group.objects.get_or_create(name="Instructor")[0])
    return user


def as_user(client, user):
    client.force_login(user)
    return client


def make_course(client, teacher, title="Networking 101") -> Course:
    resp = as_user(client, teacher).post("/lessons/courses/new/", {
        "title": title, "items": ["services-clusterip-nodeport", EX],
        f"due-{EX}": "2027-01-15T12:00"})
    assert resp.status_code == 302, resp.content[:500]
    return Course.objects.get(title=title)


def join(client, user, course) -> None:
    resp = as_user(client, user).post("/lessons/courses/join/", {"code": course.join_code.lower()})
    assert resp.status_code == 302 and resp.url == f"/lessons/courses/{course.pk}/"


def solve(user, commands) -> tuple:
    sandbox = services.create_sandbox(user, f"ex-{user.username}", EX)
    replies = [services.run_command(sandbox.pk, user, line) for line in commands]
    sandbox.refresh_from_db()
    return sandbox, replies


GOOD = ["kubectl expose deploy web --name=web-internal --port=8080 --target-port=80",
        "kubectl create service nodeport web --tcp=80:80 --node-port=30080"]


def test_an_instructor_creates_a_course_with_items_and_due_dates(client, teacher):
    course = make_course(client, teacher)
    items = {i.lesson.slug: i for i in CourseItem.objects.filter(course=course)}
    assert set(items) == {"services-clusterip-nodeport", EX}
    assert items[EX].due.isoformat().startswith("2027-01-15T12:00") and items["services-clusterip-nodeport"].due is None
    page = client.get(f"/lessons/courses/{course.pk}/").content.decode()
    assert course.join_code in page and "Gradebook" in page


def test_a_learner_cannot_create_a_course(client, alice):
    assert as_user(client, alice).get("/lessons/courses/new/").status_code == 403
    assert client.post("/lessons/courses/new/", {"title": "x", "items": [EX]}).status_code == 403
    assert Course.objects.count() == 0


def test_the_instructor_group_may_create_courses(client, other_teacher):
    make_course(client, other_teacher, "Group-made")


def test_a_wrong_join_code_joins_nothing(client, teacher, alice):
    make_course(client, teacher)
    resp = as_user(client, alice).post("/lessons/courses/join/", {"code": "NOPE1234"}, follow=True)
    assert "No course has that join code." in resp.content.decode()
    assert not Membership.objects.filter(user=alice).exists()


def test_live_status_submit_gradebook_drill_down_and_csv(client, teacher, alice, bob):
    course = make_course(client, teacher)
    join(client, alice, course)
    join(client, bob, course)
    sandbox, replies = solve(alice, GOOD[:1])
    assert replies[0]["assessment"]["verdict"] == "graded"
    assert replies[0]["assessment"]["message"] == "2/5 points: 1 of 2 tasks pass. Not yet: A port on the node."
    assert [t["passed"] for t in replies[0]["lesson"]["tasks"]] == [True, False]
    pane = as_user(client, alice).get(f"/lessons/{EX}/pane/{sandbox.pk}/").content.decode()
    assert 'data-task="nodeport" data-passed="false"' in pane and "2 / 5 points" in pane
    # hints come one at a time
    client.post(f"/lessons/{EX}/hint/{sandbox.pk}/nodeport/")
    pane = client.get(f"/lessons/{EX}/pane/{sandbox.pk}/").content.decode()
    assert "Hint 1:" in pane and "Hint 2:" not in pane
    # submit the partial state, then finish and submit again
    resp = client.post(f"/lessons/{EX}/submit/{sandbox.pk}/")
    first = Attempt.objects.get(user=alice)
    assert resp.status_code == 302 and (first.score, first.max_score) == (2, 5)
    services.run_command(sandbox.pk, alice, GOOD[1])
    client.post(f"/lessons/{EX}/submit/{sandbox.pk}/")
    best = Attempt.objects.filter(user=alice).order_by("-score").first()
    assert best.score == 5 and [c["line"] for c in best.commands] == GOOD
    sandbox.refresh_from_db()
    assert best.snapshot == exercises.bounded_snapshot(sandbox.state)     # the cluster, without events
    # the instructor's gradebook: alice 5/5 after 2 attempts, bob nothing yet
    book = as_user(client, teacher).get(f"/lessons/courses/{course.pk}/gradebook/").content.decode()
    assert f'data-item="{EX}" data-score="5"' in book and "2 attempts" in book
    assert 'data-learner="bob"' in book
    detail = client.get(f"/lessons/courses/{course.pk}/attempts/{best.pk}/").content.decode()
    assert "$ kubectl create service nodeport web --tcp=80:80 --node-port=30080" in detail
    assert "service/web created" in detail                      # the command's output
    assert "5/5 points: 2 of 2 tasks pass." in detail           # its assessment
    assert "service/web" in detail and "NodePort" in detail and "80:30080/TCP" in detail   # final state
    first_detail = client.get(f"/lessons/courses/{course.pk}/attempts/{first.pk}/").content.decode()
    assert "there is no Service named web" in first_detail
    assert 'class="task-result failing" data-task="nodeport"' in first_detail
    resp = client.get(f"/lessons/courses/{course.pk}/gradebook.csv")
    assert resp["Content-Type"].startswith("text/csv") and "attachment" in resp["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(resp.content.decode())))
    lesson = "services-clusterip-nodeport"
    assert rows[0] == ["learner", f"{lesson} score", f"{lesson} max", f"{lesson} due", f"{lesson} late",
                       f"{EX} score", f"{EX} max", f"{EX} attempts", f"{EX} due", f"{EX} late",
                       "exercise points", "exercise points max", "lesson steps", "lesson steps max", "last activity"]
    steps = str(len(Lesson.objects.get(slug=lesson).spec["steps"]))
    assert rows[1][:10] == ["alice", "", steps, "", "", "5", "5", "2", "2027-01-15T12:00+00:00", ""] and rows[1][14]
    assert rows[1][10:14] == ["5", "5", "0", steps]
    assert rows[2] == ["bob", "", steps, "", "", "", "5", "0", "2027-01-15T12:00+00:00", "", "0", "5", "0", steps, ""]


def test_learners_and_other_instructors_cannot_read_the_gradebook_or_attempts(client, teacher, other_teacher,
                                                                             alice, bob):
    course = make_course(client, teacher)
    join(client, alice, course)
    join(client, bob, course)
    sandbox, _ = solve(alice, GOOD)
    as_user(client, alice).post(f"/lessons/{EX}/submit/{sandbox.pk}/")
    attempt = Attempt.objects.get(user=alice)
    urls = [f"/lessons/courses/{course.pk}/gradebook/", f"/lessons/courses/{course.pk}/gradebook.csv",
            f"/lessons/courses/{course.pk}/attempts/{attempt.pk}/", f"/lessons/courses/{course.pk}/edit/"]
    # a learner of the course: forbidden
    for url in urls:
        assert as_user(client, bob).get(url).status_code == 403, url
        assert as_user(client, alice).get(url).status_code == 403, url
    assert as_user(client, bob).get(f"/lessons/attempts/{attempt.pk}/").status_code == 404
    assert as_user(client, alice).get(f"/lessons/attempts/{attempt.pk}/").status_code == 200
    # bob cannot submit, hint or look at alice's exercise sandbox
    assert as_user(client, bob).post(f"/lessons/{EX}/submit/{sandbox.pk}/").status_code == 404
    assert client.post(f"/lessons/{EX}/hint/{sandbox.pk}/nodeport/").status_code == 404
    assert Attempt.objects.count() == 1
    # the instructor of another course: the course does not exist for them
    other = make_course(client, other_teacher, "Other course")
    for url in urls:
        assert as_user(client, other_teacher).get(url).status_code == 404, url
    # ...not even through their own course's URL
    assert client.get(f"/lessons/courses/{other.pk}/attempts/{attempt.pk}/").status_code == 404
    # anonymous: to the login page
    client.logout()
    assert client.get(urls[0]).status_code == 302


def test_an_instructor_sees_only_the_course_s_learners_attempts(client, teacher, alice):
    """alice submitted before joining nothing: the teacher's course does not show her."""
    course = make_course(client, teacher)
    sandbox, _ = solve(alice, GOOD)
    as_user(client, alice).post(f"/lessons/{EX}/submit/{sandbox.pk}/")
    attempt = Attempt.objects.get(user=alice)
    as_user(client, teacher)
    assert client.get(f"/lessons/courses/{course.pk}/attempts/{attempt.pk}/").status_code == 404
    assert 'data-learner="alice"' not in client.get(f"/lessons/courses/{course.pk}/gradebook/").content.decode()


def test_a_submission_after_the_due_date_is_marked_late(client, teacher, alice):
    course = make_course(client, teacher)
    CourseItem.objects.filter(course=course, lesson__slug=EX).update(due="2020-01-01T00:00Z")
    join(client, alice, course)
    sandbox, _ = solve(alice, GOOD)
    as_user(client, alice).post(f"/lessons/{EX}/submit/{sandbox.pk}/")
    book = as_user(client, teacher).get(f"/lessons/courses/{course.pk}/gradebook/").content.decode()
    assert 'class="late"' in book


def test_the_instructor_edits_items_and_due_dates(client, teacher):
    course = make_course(client, teacher)
    resp = client.post(f"/lessons/courses/{course.pk}/edit/", {
        "title": "Networking 102", "items": [EX, "capstone-wordpress"], "due-capstone-wordpress": "2027-02-01T08:30"})
    assert resp.status_code == 302
    course.refresh_from_db()
    items = {i.lesson.slug: i.due for i in course.items.all()}
    assert course.title == "Networking 102" and set(items) == {EX, "capstone-wordpress"}
    assert items[EX] is None and items["capstone-wordpress"].isoformat().startswith("2027-02-01T08:30")
    resp = client.post(f"/lessons/courses/{course.pk}/edit/", {"title": "x", "items": [EX], f"due-{EX}": "soon"})
    assert resp.status_code == 400 and "is not a date and time" in resp.content.decode()


def test_a_co_instructor_reads_the_gradebook(client, teacher, bob):
    course = make_course(client, teacher)
    Membership.objects.create(course=course, user=bob, role=Membership.INSTRUCTOR)
    assert as_user(client, bob).get(f"/lessons/courses/{course.pk}/gradebook/").status_code == 200
