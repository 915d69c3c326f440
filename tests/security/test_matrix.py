"""Every HTTP endpoint (enumerated from the URL conf at test time, so a new one is covered the day it is
added) for anonymous, another learner, the owning learner and an instructor; CSRF on every POST.

The parameters of each route are filled with objects that belong to the learner alice (her lesson
sandbox, her attempt, a course she is a learner in), so every request by someone else is an IDOR probe.
"""
from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from playground import services
from playground.models import Sandbox

pytestmark = pytest.mark.django_db

SECRET = "alice-private-cluster-x9q"      # alice's sandbox name: nobody else may ever see it
# Pages anyone may read without logging in.
PUBLIC = {"home", "signup", "login", "lessons:list", "admin:login", "password_reset", "password_reset_done",
          "password_reset_confirm", "password_reset_complete"}
LOGIN_PREFIXES = ("/accounts/login/", "/admin/login/")
# What an LMS calls without a Podscape login (docs/lti.md), answering a bare GET as named: the public keyset,
# login initiation without its parameters (400), and the launch and Deep Linking response (POST only).
LTI_ANONYMOUS = {"lti:jwks": 200, "lti:init": 400, "lti:launch": 405, "lti:deep_link": 405}


def routes() -> list[tuple[str, str]]:
    """(route pattern, name) of every endpoint, includes followed."""
    out = []

    def walk(patterns, prefix="", ns=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), p.namespace or ns)
            elif isinstance(p, URLPattern):
                name = f"{ns}:{p.name}" if ns and p.name else (p.name or f"{ns}:<unnamed>")
                out.append((prefix + str(p.pattern), name))
    walk(get_resolver().url_patterns)
    return out


@pytest.fixture
def world(django_user_model):
    from lessons.models import Attempt, Course, LessonProgress, Membership
    from lessons.progress import all_lessons

    alice = django_user_model.objects.create_user("alice", None, "alice-password")
    bob = django_user_model.objects.create_user("bob", None, "bob-password")
    teacher = django_user_model.objects.create_user("teacher", None, "teacher-password", is_staff=True)
    lesson = all_lessons()[0]
    sandbox = services.create_sandbox(alice, SECRET, lesson.slug)
    course = Course.objects.create(title="k8s 101", owner=teacher)
    Membership.objects.create(course=course, user=alice, role=Membership.LEARNER)
    attempt = Attempt.objects.create(user=alice, exercise=lesson, sandbox=sandbox)
    from lessons import format as lesson_format

    files = list(lesson_format.lesson_files())
    progress = LessonProgress.objects.create(user=alice, lesson=lesson, sandbox=sandbox)
    values = {"progress_id": progress.pk,
              "sandbox_id": sandbox.pk, "slug": lesson.slug, "task_id": "task-1", "attempt_id": attempt.pk,
              "course_id": course.pk, "name": files[0].stem if files else "x", "object_id": sandbox.pk,
              "content_type_id": ContentType.objects.get_for_model(Sandbox).pk, "id": alice.pk,
              "app_label": "playground", "url": "no-such-page/", "uidb64": "MQ", "token": "set-password",
              "draft_id": _draft(django_user_model), "registration_uuid": "6f1c1a52-1111-4111-8111-111111111111"}
    return {"alice": alice, "bob": bob, "teacher": teacher, "sandbox": sandbox, "values": values}


def _draft(users) -> int:
    """A draft of a third instructor: none of the clients here may open it (tests/lessons/test_authoring_drafts.py
    checks the owner's side)."""
    from lessons import authoring

    author = users.objects.create_user("author", None, "author-password", is_staff=True)
    return authoring.create_draft(author, authoring.NEW_EXERCISE).pk


def fill(route: str, values: dict) -> str:
    path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: str(values[m.group(2)]), route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), path)
    return "/" + path.lstrip("^").rstrip("$")


def owns_params(route: str) -> bool:
    """The route names one of alice's objects (so only alice, or staff in the admin, may see it)."""
    return bool(re.search(r"<(?:\w+:)?(sandbox_id|attempt_id|object_id|id)>", route))


def client_for(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_the_matrix_covers_every_kind_of_endpoint():
    names = {n for _, n in routes()}
    assert {"sandbox_page", "api_commands", "lessons:pane", "admin:index", "login"} <= names


def test_anonymous_gets_a_login_redirect_or_401_on_everything_not_public(world):
    anon = client_for(None)
    for route, name in routes():
        path = fill(route, world["values"])
        r = anon.get(path)
        assert r.status_code != 500, path
        assert SECRET not in r.content.decode(errors="replace"), path
        if name in PUBLIC:
            assert r.status_code == 200, (path, r.status_code)
        elif name in LTI_ANONYMOUS:
            assert r.status_code == LTI_ANONYMOUS[name], (path, r.status_code)
        elif path.startswith("/api/"):      # 401 for the token API; the session-only token page redirects
            assert r.status_code == 401 or (r.status_code == 302 and r["Location"].startswith(LOGIN_PREFIXES)), \
                (path, r.status_code)
        elif name == "logout":
            assert r.status_code == 405, (path, r.status_code)       # logout is POST-only
        else:
            login = LOGIN_PREFIXES + (("/admin/",) if name == "admin:logout" else ())
            assert r.status_code in (301, 302, 404, 405) and (
                r.status_code != 302 or r["Location"].startswith(login)), (path, r.status_code)
            if r.status_code == 404:      # only the admin's catch-all may answer 404 to anonymous
                assert name == "admin:<unnamed>", path


@pytest.mark.parametrize("who", ["bob", "teacher"])
def test_nobody_else_reads_or_learns_of_alices_things(world, who):
    """Another learner and an instructor (who is not her course's instructor) get 404/403 on anything that
    names alice's objects, and never see her sandbox's name, except staff in the admin."""
    user = world[who]
    c = client_for(user)
    for route, name in routes():
        path = fill(route, world["values"])
        r = c.get(path)
        assert r.status_code != 500, path
        body = r.content.decode(errors="replace")
        in_admin = path.startswith("/admin/")
        if in_admin and who == "teacher":
            continue                   # instructors read sandboxes in the admin (ensure_demo_users' rights)
        if in_admin and name not in PUBLIC:
            assert r.status_code == 302 and (r["Location"].startswith("/admin/login/")
                                             or (name == "admin:logout" and r["Location"] == "/admin/")), path
            continue
        assert SECRET not in body, (who, path)
        if "<int:draft_id>" in route:
            assert r.status_code in (403, 404, 405), (who, path, r.status_code)
        if owns_params(route):
            assert r.status_code in (403, 404, 405), (who, path, r.status_code)


def test_alice_reaches_her_own_things(world):
    c = client_for(world["alice"])
    for route, name in routes():
        if not owns_params(route) or route.startswith("admin/"):
            continue
        path = fill(route, world["values"])
        r = c.get(path)
        # 405: POST-only actions; 403: a course's instructor pages, where alice is a learner
        assert r.status_code in (200, 405) or (r.status_code == 403 and "/courses/" in path), (path, r.status_code)


def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(world):
    for who in ("alice", "bob", "teacher", None):
        c = Client(enforce_csrf_checks=True)
        if who:
            c.force_login(world[who])
        before = Sandbox.objects.get(pk=world["sandbox"].pk).version
        count = Sandbox.objects.count()
        for route, name in routes():
            path = fill(route, world["values"])
            r = c.post(path, {"name": "csrf-made", "line": "kubectl create ns csrf"})
            if path.startswith("/api/") and who is None:
                assert r.status_code in (401, 302), path         # not logged in: nothing to forge
                continue
            if name in LTI_ANONYMOUS:
                # an LMS posts these cross-site, so they cannot take a CSRF token: the id_token's signature,
                # state and nonce protect them instead (tests/lti); without them they refuse
                assert r.status_code in (400, 403), (who, path, r.status_code)
                continue
            assert r.status_code == 403, (who, path, r.status_code)
        assert Sandbox.objects.get(pk=world["sandbox"].pk).version == before
        assert Sandbox.objects.count() == count


def test_a_post_with_the_token_goes_through(world):
    """The CSRF refusal above is about the token, not the form: the same reset with it works."""
    c = Client(enforce_csrf_checks=True)
    c.force_login(world["alice"])
    c.get("/sandboxes/")
    token = c.cookies["csrftoken"].value
    r = c.post(f"/sandboxes/{world['sandbox'].pk}/reset/", {"csrfmiddlewaretoken": token})
    assert r.status_code == 302
    assert Sandbox.objects.get(pk=world["sandbox"].pk).version == 1


def test_login_is_throttled_per_username_and_address(world, settings):
    c = Client()
    for _ in range(10):
        r = c.post("/accounts/login/", {"username": "alice", "password": "wrong"})
        assert r.status_code == 200 and b"Please enter a correct username and password" in r.content
    r = c.post("/accounts/login/", {"username": "alice", "password": "alice-password"})   # even the right one
    assert r.status_code == 429
    assert b"Too many failed logins for this username from your address. Wait 5 minutes" in r.content
    assert "_auth_user_id" not in c.session
    # another username from the same address, and the same username from another address, still log in
    assert Client().post("/accounts/login/", {"username": "bob", "password": "bob-password"}).status_code == 302
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post("/accounts/login/", {"username": "alice", "password": "alice-password"}).status_code == 302


def test_sandbox_creation_is_rate_limited_per_user(world, settings):
    settings.PODSCAPE_CREATES_PER_MINUTE = 3
    settings.PODSCAPE_MAX_SANDBOXES = 100
    c = client_for(world["bob"])
    codes = [c.post("/api/sandboxes", {"name": f"b{i}"}, content_type="application/json").status_code
             for i in range(4)]
    assert codes == [201, 201, 201, 429]
    r = c.post("/api/sandboxes", {"name": "b9"}, content_type="application/json")
    assert r.json() == {"error": "You are creating sandboxes too quickly; wait a minute and try again."}
    # the form says it too, and alice is not slowed down by bob
    r = c.post("/sandboxes/", {"name": "form-made"})
    assert r.status_code == 400 and b"creating sandboxes too quickly" in r.content
    assert client_for(world["alice"]).post("/api/sandboxes", {"name": "a1"},
                                           content_type="application/json").status_code == 201


def test_commands_are_rate_limited_per_user(world, settings):
    settings.PODSCAPE_COMMANDS_PER_WINDOW = 5
    settings.PODSCAPE_COMMAND_WINDOW = 3600     # no window boundary in the middle of the test
    c = client_for(world["alice"])
    url = f"/api/sandboxes/{world['sandbox'].pk}/commands"
    codes = [c.post(url, {"line": "true"}, content_type="application/json").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    assert c.post(url, {"line": "true"}, content_type="application/json").json()["error"] == \
        "podscape: too many commands; wait a few seconds and try again"
