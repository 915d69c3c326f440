"""Every page as every role: no 500 and no unrendered template syntax (`{{`, `{%`) in any HTML answer.

The URLs come from the URLconf itself: each named route is reversed with the objects a real course has
(a course with a lesson and an exercise, a learner's progress and attempt, sandboxes, a preview file),
and the admin's routes with the first object of their model. A route that takes a parameter this test
does not know fails the test, so a new page cannot escape the crawl.
"""
from __future__ import annotations

import io
import itertools

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lessons import authoring, exercises, format, roles
from lessons.models import Course, CourseItem, Lesson, LessonProgress, Membership
from lti.models import GradeLink, LtiCourse
from lti_tool.models import LtiContext, LtiDeployment, LtiRegistration
from playground import services
from playground.models import ApiToken

pytestmark = pytest.mark.django_db
LESSON, EX = "services-clusterip-nodeport", "exercise-publish-web"
ROLES = ("anonymous", "learner", "instructor", "admin")


def named_routes(patterns=None, namespace=""):
    """(name with namespace, parameter names) of every named route."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from named_routes(p.url_patterns, inner)
        elif isinstance(p, URLPattern) and p.name:
            params = list(getattr(p.pattern, "converters", {}) or p.pattern.regex.groupindex)
            yield f"{namespace}{p.name}", params


@pytest.fixture
def world(django_user_model):
    call_command("loadlessons", stdout=io.StringIO())
    learner = django_user_model.objects.create_user("crawl-learner", password="pw")
    instructor = django_user_model.objects.create_user("crawl-instructor", password="pw")   # not staff
    instructor.groups.add(Group.objects.get_or_create(name=roles.INSTRUCTOR_GROUP)[0])
    boss = django_user_model.objects.create_superuser("crawl-admin", password="pw")
    course = Course.objects.create(title="Crawl 101", owner=instructor, time_zone="Europe/Berlin")
    for position, slug in enumerate((LESSON, EX)):
        CourseItem.objects.create(course=course, lesson=Lesson.objects.get(slug=slug), position=position,
                                  due="2027-01-15T12:00Z")
    Membership.objects.create(course=course, user=learner)
    in_lesson = services.create_sandbox(learner, "lesson", LESSON)
    services.run_command(in_lesson.pk, learner, "kubectl get pods")
    in_exercise = services.create_sandbox(learner, "exercise", EX)
    services.run_command(in_exercise.pk, learner, "kubectl get deploy")
    in_exercise.refresh_from_db()
    attempt = exercises.submit(in_exercise, Lesson.objects.get(slug=EX))
    ApiToken.objects.create(user=learner, key="0" * 64)        # so the admin has a token to show
    own = {u.username: services.create_sandbox(u, "own", LESSON) for u in (instructor, boss)}
    exercise = Lesson.objects.get(slug=EX)
    draft = authoring.create_draft(instructor, authoring.NEW_EXERCISE)       # two versions: the diff shows
    authoring.save_version(draft, authoring.NEW_EXERCISE.replace("points: 1", "points: 2"))
    registration = LtiRegistration.objects.create(          # an LMS, its course and a learner's score link
        name="LMS", issuer="https://lms.example.edu", client_id="c1", auth_url="https://lms.example.edu/auth",
        token_url="https://lms.example.edu/token", keyset_url="https://lms.example.edu/jwks")
    deployment = LtiDeployment.objects.create(registration=registration, deployment_id="d1", is_active=True)
    LtiCourse.objects.create(context=LtiContext.objects.create(deployment=deployment, id_on_platform="42",
                                                               title="LMS course"), course=course)
    GradeLink.objects.create(user=learner, lesson=exercise, registration=registration, platform_user_id="u1",
                             ags={"lineitem": "https://lms.example.edu/lineitems/1"})
    values = {"draft_id": draft.pk, "registration_uuid": registration.uuid, "course_id": course.pk, "attempt_id": attempt.pk,
              "progress_id": LessonProgress.objects.get(user=learner, lesson__slug=LESSON).pk,
              "slug": LESSON, "name": [p.stem for p in format.lesson_files()], "task_id": exercise.spec["tasks"][0]["id"],
              "app_label": "lessons", "id": learner.pk,
              "uidb64": "MQ", "token": "set-password"}      # the isolation branch's password reset pages
    sandboxes = {"learner": in_lesson.pk, "instructor": own[instructor.username].pk,
                 "admin": own[boss.username].pk, "anonymous": in_lesson.pk}
    return {"users": {"learner": learner, "instructor": instructor, "admin": boss}, "values": values,
            "sandboxes": sandboxes}


def admin_object(name: str):
    """The first object of the model an admin route like `admin:lessons_course_change` is for."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model.objects.order_by("pk").first()
    return None


NOT_PAGES = {"admin:view_on_site"}      # a redirect to the object's own page, crawled on its own


def urls_for(role: str, world) -> list[str]:
    """Every named route reversed with the world's objects; a list of values (every lesson file) gives a URL each."""
    values = dict(world["values"], sandbox_id=world["sandboxes"][role])
    urls, unknown = [], []
    for name, params in named_routes():
        if name in NOT_PAGES:
            continue
        choices = []
        for param in params:
            if param == "object_id" and (obj := admin_object(name)) is not None:
                choices.append([obj.pk])
            elif param in values:
                choices.append(values[param] if isinstance(values[param], list) else [values[param]])
            else:
                unknown.append(f"{name}({param})")
        if not unknown:
            urls += [reverse(name, kwargs=dict(zip(params, combo))) for combo in itertools.product(*choices)]
    assert not unknown, f"routes with parameters the crawl cannot fill: {unknown}"
    return sorted(set(urls))


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_template_syntax_or_fails(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    urls = urls_for(role, world)
    assert "/lessons/courses/%d/gradebook/" % world["values"]["course_id"] in urls
    assert len(urls) > 40
    rendered, problems = 0, []
    for url in urls:
        resp = client.get(url)
        if resp.status_code >= 500:
            problems.append(f"{url}: {resp.status_code}")
        if "html" in resp.get("Content-Type", ""):
            body = resp.content.decode()
            rendered += resp.status_code == 200
            for token in ("{{", "{%"):
                if token in body:
                    at = body.index(token)
                    problems.append(f"{url}: {body[max(0, at - 60):at + 60]!r}")
    assert not problems, "\n".join(problems)
    assert rendered >= {"anonymous": 3, "learner": 10, "instructor": 15, "admin": 40}[role]
