"""Authoring in the browser (issue 17): drafts and their versions, Check as checklessons does it, publishing
to one's own courses, the diff, import and export in the lessons/content format. The browser itself is in
tests/browser/test_authoring_browser.py."""
from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from lessons import authoring, format, replay, roles
from lessons.models import Course, CourseItem, Draft, Lesson, Membership

pytestmark = pytest.mark.django_db
BROKEN = authoring.NEW_EXERCISE.replace("  - kubectl expose deploy web --port=80\n",
                                        "  - kubectl expose deploy web --port=8080\n", 1)


@pytest.fixture
def teacher(django_user_model):
    user = django_user_model.objects.create_user("teacher", password="pw")
    user.groups.add(Group.objects.get_or_create(name=roles.INSTRUCTOR_GROUP)[0])
    return user


@pytest.fixture
def other_teacher(django_user_model):
    user = django_user_model.objects.create_user("other-teacher", password="pw")
    user.groups.add(Group.objects.get_or_create(name=roles.INSTRUCTOR_GROUP)[0])
    return user


@pytest.fixture
def course(teacher):
    call_command("loadlessons", stdout=io.StringIO())
    course = Course.objects.create(title="Networking 101", owner=teacher)
    CourseItem.objects.create(course=course, lesson=Lesson.objects.get(slug="services-clusterip-nodeport"))
    return course


def test_check_names_the_task_whose_solution_fails_and_passes_once_fixed():
    result = authoring.check(BROKEN)
    assert not result["ok"] and result["items"][0]["id"] == "internal" and not result["items"][0]["ok"]
    assert "task 'internal' is not met by its solution" in result["items"][0]["problems"][0]
    assert authoring.check(authoring.NEW_EXERCISE)["ok"]


def test_check_refuses_a_start_state_that_already_passes():
    done_by_setup = authoring.NEW_EXERCISE.replace("replicas=2\n---", "replicas=2\n  - kubectl expose deploy web --port=80\n---")
    result = authoring.check(done_by_setup)
    assert "already passes in the starting state" in result["items"][0]["problems"][0]


def test_a_listed_wrong_answer_that_earns_the_task_fails_check_and_one_that_does_not_passes():
    loose = authoring.NEW_EXERCISE.replace("check:\n", "wrong:\n  - kubectl expose deploy web --port=80 --name=web\ncheck:\n")
    result = authoring.check(loose)
    assert not result["ok"] and "the wrong answer ['kubectl expose deploy web --port=80 --name=web'] earns it" \
        in result["items"][0]["problems"][0]
    fine = authoring.NEW_EXERCISE.replace("check:\n", "wrong:\n  - [kubectl expose deploy web --port=8080]\ncheck:\n")
    assert authoring.check(fine)["ok"] and authoring.check(fine)["items"][0]["wrong"] == 1


def test_a_lesson_steps_wrong_answer_must_not_complete_it():
    loose = authoring.NEW_LESSON.replace("check:\n", "wrong:\n  - kubectl create deploy web --image=nginx:latest --replicas=2\ncheck:\n")
    spec = format.parse_lesson(loose)
    assert any("completes it: its check is too loose" in p for p in replay.replay(spec)[1])
    ok = format.parse_lesson(authoring.NEW_LESSON.replace(
        "check:\n", "wrong:\n  - kubectl create deploy web --image=nginx:latest --replicas=1\ncheck:\n"))
    assert replay.replay(ok)[1] == []


def test_every_save_is_a_version_and_an_unchanged_save_is_not(teacher):
    draft = authoring.create_draft(teacher, authoring.NEW_EXERCISE)
    assert authoring.save_version(draft, authoring.NEW_EXERCISE) is None
    v2 = authoring.save_version(draft, BROKEN)
    v3 = authoring.save_version(draft, "---\nnot closed\n")            # kept, though it does not parse
    assert (v2.number, v3.number) == (2, 3)
    draft.refresh_from_db()
    assert draft.slug == "my-new-exercise" and draft.kind == "exercise"


def test_the_diff_is_escaped_when_rendered(client, teacher):
    draft = authoring.create_draft(teacher, authoring.NEW_EXERCISE)
    authoring.save_version(draft, authoring.NEW_EXERCISE.replace("in Markdown", "<script>alert(1)</script>"))
    client.force_login(teacher)
    page = client.get(f"/lessons/author/{draft.pk}/versions/?a=1&b=2").content.decode()
    assert "<script>alert(1)" not in page, page[page.index("<script>alert(1)") - 300:][:400]
    assert "+The goal, &lt;script&gt;alert(1)&lt;/script&gt;: say" in page
    assert '<span class="diff-del">-The goal, in Markdown: say' in page


def test_drafts_are_their_owners_alone(client, teacher, other_teacher, alice):
    draft = authoring.create_draft(teacher, authoring.NEW_EXERCISE)
    client.force_login(other_teacher)
    for url in (f"/lessons/author/{draft.pk}/", f"/lessons/author/{draft.pk}/versions/",
                f"/lessons/author/{draft.pk}/export.md"):
        assert client.get(url).status_code == 404
    assert client.post(f"/lessons/author/{draft.pk}/check/", {"source": "x"}).status_code == 404
    client.force_login(alice)                                # a learner is no author at all
    assert client.get("/lessons/author/").status_code == 403


def test_publish_puts_it_in_the_chosen_own_courses_and_refuses_a_failing_check(client, teacher, other_teacher, course):
    theirs = Course.objects.create(title="Not yours", owner=other_teacher)
    draft = authoring.create_draft(teacher, BROKEN)
    client.force_login(teacher)
    client.post(f"/lessons/author/{draft.pk}/publish/", {"courses": [course.pk]})
    assert not Lesson.objects.filter(slug="my-new-exercise").exists()          # Check fails: not published
    authoring.save_version(draft, authoring.NEW_EXERCISE)
    client.post(f"/lessons/author/{draft.pk}/publish/", {"courses": [course.pk, theirs.pk]})
    lesson = Lesson.objects.get(slug="my-new-exercise")
    assert lesson.author == teacher and lesson.spec["kind"] == "exercise"
    assert list(lesson.course_items.values_list("course__title", flat=True)) == ["Networking 101"]
    assert course.items.get(lesson=lesson).position == 1                        # after the course's lesson
    assert "published to Networking 101" in draft.latest.note


def test_a_slug_of_someone_elses_lesson_or_a_file_cannot_be_published_over(teacher, course):
    draft = authoring.create_draft(teacher, authoring.NEW_EXERCISE.replace("my-new-exercise", "exercise-publish-web"))
    with pytest.raises(authoring.AuthoringError, match="is taken by"):
        authoring.publish(draft, [course])


def test_a_published_draft_is_seen_only_by_its_courses(client, teacher, course, alice, bob):
    authoring.publish(authoring.create_draft(teacher, authoring.NEW_EXERCISE), [course])
    Membership.objects.create(course=course, user=alice)
    client.force_login(alice)
    assert "my-new-exercise" in client.get("/lessons/").content.decode()
    client.force_login(bob)
    assert "my-new-exercise" not in client.get("/lessons/").content.decode()
    assert client.get("/lessons/my-new-exercise/start/").status_code == 404
    client.logout()
    assert "my-new-exercise" not in client.get("/lessons/").content.decode()


def test_import_and_export_are_the_lesson_file_format(client, teacher):
    source = (format.CONTENT_DIR / "11-exercise-services.md").read_text(encoding="utf-8")
    client.force_login(teacher)
    upload = SimpleUploadedFile("11-exercise-services.md", source.encode(), content_type="text/markdown")
    response = client.post("/lessons/author/import/", {"file": upload})
    draft = Draft.objects.get(owner=teacher)
    assert response.url == f"/lessons/author/{draft.pk}/" and draft.slug == "exercise-publish-web"
    exported = client.get(f"/lessons/author/{draft.pk}/export.md")
    assert exported["Content-Disposition"] == 'attachment; filename="exercise-publish-web.md"'
    assert exported.content.decode() == source
    assert format.parse_lesson(exported.content.decode()) == format.parse_lesson(source)
    # importing it again is a new version of the same draft, not a second draft
    client.post("/lessons/author/import/", {"source": source.replace("points: 2", "points: 4")})
    assert Draft.objects.filter(owner=teacher).count() == 1 and draft.versions.count() == 2


def test_the_preview_renders_the_text_being_typed(client, teacher):
    draft = authoring.create_draft(teacher, authoring.NEW_EXERCISE)
    client.force_login(teacher)
    html = client.post(f"/lessons/author/{draft.pk}/preview/", {"source": authoring.NEW_EXERCISE.replace(
        "Reach web inside the cluster", "Reach **web** inside")}).content.decode()
    assert "1. Reach **web** inside" in html and "{{" not in html
    html = client.post(f"/lessons/author/{draft.pk}/preview/", {"source": "---\ntitle: x\n"}).content.decode()
    assert "front matter is not closed" in html


def test_check_is_rate_limited_per_instructor(client, teacher, settings):
    from lessons import authoring_views

    draft = authoring.create_draft(teacher, authoring.NEW_LESSON)
    client.force_login(teacher)
    answers = [client.post(f"/lessons/author/{draft.pk}/check/", {"source": "---\n"}).status_code
               for _ in range(authoring_views.CHECKS_PER_MINUTE + 1)]
    assert answers[:-1] == [200] * authoring_views.CHECKS_PER_MINUTE and answers[-1] == 429
