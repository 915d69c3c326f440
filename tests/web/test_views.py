"""Pages: log in first, only your own sandboxes, CSRF on every form."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lessons.models import Lesson
from playground.models import Sandbox

pytestmark = pytest.mark.django_db


def sandbox_page_renders(response) -> bool:
    return response.status_code == 200


def test_the_home_page_invites_to_sign_up(client):
    response = client.get("/")
    assert response.status_code == 200
    assert reverse("signup") in response.content.decode() and reverse("login") in response.content.decode()


@pytest.mark.parametrize("name,args", [("sandbox_list", []), ("sandbox_page", [1])])
def test_it_requires_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_requires_login_to_reset_or_delete(client, alice_sandbox):
    for name in ("sandbox_reset", "sandbox_delete"):
        response = client.post(reverse(name, args=[alice_sandbox.pk]))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Sandbox.objects.filter(pk=alice_sandbox.pk).exists()


def test_signing_up_logs_in_and_shows_the_sandbox_list(client):
    response = client.post(reverse("signup"), {"username": "carol", "password1": "kube-lessons-42",
                                               "password2": "kube-lessons-42"})
    assert response.status_code == 302 and response["Location"] == reverse("sandbox_list")
    page = client.get(reverse("sandbox_list"))
    assert page.status_code == 200 and "carol" in page.content.decode()


def test_logging_in_and_out(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "alice-password"})
    assert response.status_code == 302
    assert client.get(reverse("sandbox_list")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("sandbox_list")).status_code == 302


def test_it_lists_only_my_sandboxes(alice_client, alice_sandbox, bob_sandbox):
    body = alice_client.get(reverse("sandbox_list")).content.decode()
    assert "alice-cluster" in body and "bob-cluster" not in body


def test_it_creates_a_sandbox_and_opens_it(alice_client, alice):
    response = alice_client.post(reverse("sandbox_list"), {"name": "practice", "lesson_slug": ""})
    sandbox = Sandbox.objects.get(owner=alice, name="practice")
    assert response.status_code == 302 and response["Location"] == reverse("sandbox_page", args=[sandbox.pk])


def test_a_duplicate_name_is_refused_with_a_message(alice_client, alice_sandbox):
    response = alice_client.post(reverse("sandbox_list"), {"name": "alice-cluster"})
    assert response.status_code == 400
    assert "already have a sandbox named" in response.content.decode()
    assert Sandbox.objects.filter(name="alice-cluster").count() == 1


def test_the_sandbox_page_gets_its_socket_url(alice_client, alice_sandbox):
    response = alice_client.get(reverse("sandbox_page", args=[alice_sandbox.pk]))
    assert response.status_code == 200
    assert response.context["sandbox"] == alice_sandbox
    assert response.context["ws_url"] == f"ws://testserver/ws/sandboxes/{alice_sandbox.pk}/"


@pytest.mark.parametrize("name,method", [("sandbox_page", "get"), ("sandbox_reset", "post"),
                                         ("sandbox_delete", "post")])
def test_it_404s_on_other_users_sandboxes(bob_client, alice_sandbox, name, method):
    response = getattr(bob_client, method)(reverse(name, args=[alice_sandbox.pk]))
    assert response.status_code == 404
    sandbox = Sandbox.objects.get(pk=alice_sandbox.pk)
    assert sandbox.version == 0


def test_reset_and_delete_work_for_the_owner(alice_client, alice_sandbox):
    response = alice_client.post(reverse("sandbox_reset", args=[alice_sandbox.pk]))
    assert response.status_code == 302
    assert Sandbox.objects.get(pk=alice_sandbox.pk).version == 1
    response = alice_client.post(reverse("sandbox_delete", args=[alice_sandbox.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("sandbox_list")
    assert not Sandbox.objects.filter(pk=alice_sandbox.pk).exists()


def test_reset_and_delete_refuse_get(alice_client, alice_sandbox):
    assert alice_client.get(reverse("sandbox_reset", args=[alice_sandbox.pk])).status_code == 405
    assert alice_client.get(reverse("sandbox_delete", args=[alice_sandbox.pk])).status_code == 405
    assert Sandbox.objects.filter(pk=alice_sandbox.pk).exists()


def test_csrf_is_enforced_on_forms(alice, alice_sandbox):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(reverse("sandbox_delete", args=[alice_sandbox.pk])).status_code == 403
    assert client.post(reverse("sandbox_reset", args=[alice_sandbox.pk])).status_code == 403
    assert client.post(reverse("sandbox_list"), {"name": "sneaky"}).status_code == 403
    assert Sandbox.objects.filter(owner=alice).count() == 1
    # With the token from the page, the same form goes through.
    client.get(reverse("sandbox_list"))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("sandbox_delete", args=[alice_sandbox.pk]), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert not Sandbox.objects.filter(pk=alice_sandbox.pk).exists()


def test_starting_a_lesson_creates_its_sandbox_once(alice_client, alice):
    Lesson.objects.create(slug="services-demo", title="Services demo")
    first = alice_client.post(reverse("start_lesson", args=["services-demo"]))
    sandbox = Sandbox.objects.get(owner=alice, lesson_slug="services-demo")
    assert first.status_code == 302 and first["Location"] == reverse("sandbox_page", args=[sandbox.pk])
    again = alice_client.post(reverse("start_lesson", args=["services-demo"]))
    assert again["Location"] == first["Location"]
    assert Sandbox.objects.filter(owner=alice).count() == 1


def test_an_unknown_lesson_is_refused(alice_client, alice):
    response = alice_client.post(reverse("start_lesson", args=["no-such-lesson"]), follow=True)
    assert "There is no lesson &#x27;no-such-lesson&#x27;" in response.content.decode()
    assert not Sandbox.objects.filter(owner=alice).exists()


def test_reset_never_redirects_off_site(alice_client, alice_sandbox):
    response = alice_client.post(reverse("sandbox_reset", args=[alice_sandbox.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("sandbox_page", args=[alice_sandbox.pk])


def test_demo_users_are_created_once_and_can_log_in(client):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("ensure_demo_users", stdout=open("/dev/null", "w"))
    call_command("ensure_demo_users", stdout=open("/dev/null", "w"))
    User = get_user_model()
    assert User.objects.filter(username__in=["learner", "instructor"]).count() == 2
    from lessons.roles import is_instructor

    instructor, learner = User.objects.get(username="instructor"), User.objects.get(username="learner")
    assert is_instructor(instructor) and not is_instructor(learner)
    assert not instructor.is_staff and not learner.is_staff      # the README's password opens no admin
    assert client.login(username="learner", password="podscape-learner")
    assert client.login(username="instructor", password="podscape-instructor")
