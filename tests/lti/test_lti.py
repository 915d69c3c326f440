"""LTI 1.3 Advantage against a platform emulator (tests/lti/platform.py) that signs with its own keys and
serves its JWKS, token, score and roster endpoints in-process: OIDC login initiation, a launch landing in
the right item as the right user and role; refused launches (bad signature, wrong audience, replayed nonce,
expired token); Deep Linking's signed content items; the AGS score passback of partial credit; NRPS."""
from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from django.core.management import call_command
from lti_tool.models import LtiDeployment, LtiRegistration

from lessons import exercises
from lessons.models import Attempt, Course, Lesson, LessonProgress, Membership
from lti.models import GradeLink, LtiCourse, ensure_tool_key
from playground import services


from . import platform as lms

pytestmark = pytest.mark.django_db
EX = "exercise-publish-web"


@pytest.fixture
def tool(client):
    call_command("loadlessons", stdout=io.StringIO())
    ensure_tool_key()
    registration = LtiRegistration.objects.create(
        name="Example LMS", issuer=lms.ISS, client_id=lms.CLIENT_ID, auth_url=lms.Platform.auth_url,
        token_url=lms.Platform.token_url, keyset_url=lms.Platform.jwks_url)
    # django-lti records an unknown deployment as inactive: the admin turns it on (as here)
    LtiDeployment.objects.create(registration=registration, deployment_id=lms.DEPLOYMENT, is_active=True)
    return registration


@pytest.fixture
def platform(monkeypatch, client, tool):
    emulator = lms.Platform(tool_jwks=lambda: client.get("/lti/jwks/").json())
    lms.serve(monkeypatch, emulator)
    return emulator


def login_init(client, tool) -> dict:
    """The platform's third-party login initiation; returns the authorisation request's parameters."""
    response = client.post(f"/lti/init/{tool.uuid}/", {
        "iss": lms.ISS, "login_hint": "hint-1", "target_link_uri": "http://testserver/lti/launch/",
        "client_id": lms.CLIENT_ID, "lti_message_hint": "msg-1", "lti1p3_new_window": "1"})
    assert response.status_code == 302, response.content
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == lms.Platform.auth_url
    params = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert params["redirect_uri"] == "http://testserver/lti/launch/" and params["client_id"] == lms.CLIENT_ID
    return params


def launch(client, tool, platform, claims: dict, **token_options):
    params = login_init(client, tool)
    token = platform.id_token(params["nonce"], claims, **token_options)
    return client.post("/lti/launch/", {"id_token": token, "state": params["state"]}), token, params


def test_a_learners_launch_lands_in_the_item_signed_in_as_a_learner_of_the_lms_course(client, tool, platform):
    response, _, _ = launch(client, tool, platform, platform.resource_claims("student-7", lms.LEARNER, EX))
    assert response.status_code == 302, response.content[:600]
    assert response["Location"] == f"/lessons/{EX}/start/"
    user = response.wsgi_request.user
    assert user.is_authenticated and user.first_name == "Ada" and user.email == "student-7@lms.example.edu"
    course = LtiCourse.objects.get().course
    assert course.title == "Kubernetes networking (LMS)"
    assert Membership.objects.get(course=course, user=user).role == Membership.LEARNER
    assert list(course.items.values_list("lesson__slug", flat=True)) == [EX]
    link = GradeLink.objects.get(user=user)
    assert link.lesson.slug == EX and link.ags["lineitem"] == platform.lineitem_url
    assert client.get(f"/lessons/{EX}/start/").status_code == 200       # the learner's session works


def test_an_instructors_launch_opens_the_course_as_its_instructor_and_reads_the_roster(client, tool, platform):
    platform.members = [
        {"user_id": "teacher-1", "roles": [lms.INSTRUCTOR], "status": "Active", "name": "Grace Hopper"},
        {"user_id": "student-7", "roles": [lms.LEARNER], "status": "Active", "name": "Ada Lovelace",
         "given_name": "Ada", "family_name": "Lovelace"},
        {"user_id": "student-8", "roles": [lms.LEARNER], "status": "Inactive", "name": "Gone"},
    ]
    response, _, _ = launch(client, tool, platform,
                            platform.resource_claims("teacher-1", lms.INSTRUCTOR, EX, name="Grace Hopper"))
    course = LtiCourse.objects.get().course
    assert response["Location"] == f"/lessons/courses/{course.pk}/"
    roles = dict(Membership.objects.filter(course=course).values_list("user__last_name", "role"))
    assert roles == {"Hopper": Membership.INSTRUCTOR, "Lovelace": Membership.LEARNER}
    assert client.get(f"/lessons/courses/{course.pk}/gradebook/").status_code == 200
    assert client.get("/lessons/author/").status_code == 200             # and may write lessons for it
    assert platform.token_requests[0]["claims"]["iss"] == lms.CLIENT_ID       # signed with the tool's key


def test_a_token_signed_with_another_key_is_refused(client, tool, platform):
    _, other = lms.new_key()
    response, _, _ = launch(client, tool, platform, platform.resource_claims("s", lms.LEARNER, EX), pem=other)
    assert response.status_code == 403 and b"Can't decode id_token" in response.content
    assert not response.wsgi_request.user.is_authenticated and not LtiCourse.objects.exists()


def test_a_token_for_another_tool_is_refused(client, tool, platform):
    response, _, _ = launch(client, tool, platform, platform.resource_claims("s", lms.LEARNER, EX),
                            aud="someone-elses-client")
    assert response.status_code == 403 and not LtiCourse.objects.exists()


def test_an_expired_token_is_refused(client, tool, platform):
    response, _, _ = launch(client, tool, platform, platform.resource_claims("s", lms.LEARNER, EX), expires_in=-120)
    assert response.status_code == 403 and b"expired" in response.content.lower()


def test_a_replayed_token_is_refused(client, tool, platform):
    first, token, params = launch(client, tool, platform, platform.resource_claims("s", lms.LEARNER, EX))
    assert first.status_code == 302
    client.logout()
    again = client.post("/lti/launch/", {"id_token": token, "state": params["state"]})
    assert again.status_code == 403, again.content
    assert b"the nonce was used before" in again.content
    assert not again.wsgi_request.user.is_authenticated


def test_deep_linking_returns_signed_content_items_for_the_chosen_items(client, tool, platform):
    response, _, _ = launch(client, tool, platform, platform.deep_link_claims("teacher-1"))
    assert response.status_code == 200
    page = response.content.decode()
    launch_id = re.search(r'name="launch_id" value="([^"]+)"', page).group(1)
    assert f'value="{EX}"' in page and "{{" not in page
    answer = client.post("/lti/deep-link/", {"launch_id": launch_id, "items": [EX, "services-clusterip-nodeport"]})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'action="https://lms.example.edu/deep-link-return"' in html
    token = re.search(r'name="JWT" value="([^"]+)"', html).group(1)
    keys = {k["kid"]: k for k in client.get("/lti/jwks/").json()["keys"]}
    key = jwt.PyJWK(keys[jwt.get_unverified_header(token)["kid"]]).key
    body = jwt.decode(token, key, algorithms=["RS256"], audience=lms.ISS)      # signed by the tool
    assert body[lms.LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert body[lms.DL + "data"] == "dl-data-1"
    items = body[lms.DL + "content_items"]
    assert [(i["custom"]["podscape_item"], i["lineItem"]["scoreMaximum"]) for i in items] == \
        [(EX, 5), ("services-clusterip-nodeport", Lesson.objects.get(slug="services-clusterip-nodeport")
                   .spec["steps"].__len__())]
    assert all(i["url"] == "http://testserver/lti/launch/" for i in items)
    assert all(i["window"] == {"targetName": "_blank"} for i in items)      # a new window, not an iframe


def test_deep_linking_is_for_instructors_only(client, tool, platform):
    claims = platform.deep_link_claims("student-7")
    claims[lms.LTI + "roles"] = [lms.LEARNER]
    response, _, _ = launch(client, tool, platform, claims)
    assert response.status_code == 403


@pytest.mark.usefixtures("sandbox_clock")
def test_a_submitted_attempt_passes_back_its_partial_score(client, tool, platform):
    response, _, _ = launch(client, tool, platform, platform.resource_claims("student-7", lms.LEARNER, EX))
    user = response.wsgi_request.user
    sandbox = services.create_sandbox(user, "lms", EX)
    services.run_command(sandbox.pk, user, "kubectl expose deploy web --name=web-internal --port=8080 --target-port=80")
    services.run_command(sandbox.pk, user, "kubectl get endpoints")
    sandbox.refresh_from_db()
    attempt = exercises.submit(sandbox, Lesson.objects.get(slug=EX))
    assert (attempt.score, attempt.max_score) == (2, 5)                    # one task of two: partial credit
    [score] = platform.scores
    assert score["url"] == platform.lineitem_url + "/scores"
    assert score["content_type"] == "application/vnd.ims.lis.v1.score+json"
    body = score["body"]
    assert (body["scoreGiven"], body["scoreMaximum"], body["userId"]) == (2, 5, "student-7")
    assert (body["activityProgress"], body["gradingProgress"]) == ("Submitted", "FullyGraded")
    assert GradeLink.objects.get(user=user).last_status == "sent 2/5"


def test_a_score_the_platform_refuses_is_recorded_not_raised(client, tool, platform, monkeypatch):
    response, _, _ = launch(client, tool, platform, platform.resource_claims("student-7", lms.LEARNER, EX))
    user = response.wsgi_request.user
    monkeypatch.setattr(platform, "tool_jwks", lambda: {"keys": []})      # the LMS no longer trusts the tool
    Attempt.objects.create(user=user, exercise=Lesson.objects.get(slug=EX), score=1, max_score=5)
    assert platform.scores == [] and GradeLink.objects.get(user=user).last_status.startswith("not sent")


def test_a_launch_naming_no_item_says_so(client, tool, platform):
    response, _, _ = launch(client, tool, platform, platform.resource_claims("s", lms.LEARNER, "no-such-item"))
    assert response.status_code == 404 and b"names no lesson" in response.content


def test_a_completed_lesson_passes_back_its_steps(client, tool, platform):
    lesson = Lesson.objects.get(slug="services-clusterip-nodeport")
    response, _, _ = launch(client, tool, platform, platform.resource_claims("student-9", lms.LEARNER, lesson.slug))
    user = response.wsgi_request.user
    sandbox = services.create_sandbox(user, "lms-lesson", lesson.slug)
    steps = [s["id"] for s in lesson.spec["steps"]]
    row, _ = LessonProgress.objects.get_or_create(user=user, lesson=lesson, sandbox=sandbox)
    row.state = dict(row.state, done=steps[:2])
    row.save()
    assert platform.scores == []                                 # not complete yet: nothing sent
    row.state = dict(row.state, done=steps, current=None, completed=True)
    row.save()
    row.save()                                                   # a later command: the same score is not re-sent
    [score] = platform.scores
    assert (score["body"]["scoreGiven"], score["body"]["scoreMaximum"]) == (len(steps), len(steps))
    assert score["body"]["activityProgress"] == "Completed"


def test_a_superuser_registers_a_platform_in_the_admin_and_sees_the_urls_to_give_the_lms(client, django_user_model):
    from lti_tool.models import Key

    client.force_login(django_user_model.objects.create_superuser("root", password="pw"))
    response = client.post("/admin/lti_tool/ltiregistration/add/", {
        "name": "Canvas test", "uuid": "0b6f7e0e-2222-4222-8222-222222222222", "issuer": "https://canvas.test",
        "client_id": "10000000000042", "audience": "", "auth_url": "https://canvas.test/api/lti/authorize_redirect",
        "token_url": "https://canvas.test/login/oauth2/token", "keyset_url": "https://canvas.test/api/lti/security/jwks",
        "is_active": "on", "public_key": "", "private_key": "",
        "deployments-TOTAL_FORMS": "1", "deployments-INITIAL_FORMS": "0",
        "deployments-0-deployment_id": "1:abc", "deployments-0-is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    registration = LtiRegistration.objects.get(client_id="10000000000042")
    assert registration.deployments.get().is_active and Key.objects.active().count() == 1
    page = client.get(f"/admin/lti_tool/ltiregistration/{registration.pk}/change/").content.decode()
    assert f"/lti/init/{registration.uuid}/" in page and "/lti/jwks/" in page
    assert client.get("/lti/jwks/").json()["keys"][0]["alg"] == "RS256"


def test_a_launch_cannot_open_another_instructors_unpublished_lesson(client, tool, platform, django_user_model):
    from lessons import authoring

    elsewhere = Course.objects.create(title="Elsewhere", owner=django_user_model.objects.create_user("t2"))
    authoring.publish(authoring.create_draft(elsewhere.owner, authoring.NEW_EXERCISE), [elsewhere])
    response, _, _ = launch(client, tool, platform, platform.resource_claims("s", lms.LEARNER, "my-new-exercise"))
    assert response.status_code == 404 and not LtiCourse.objects.exists()
