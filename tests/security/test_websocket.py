"""The terminal socket for anonymous, another learner, an instructor and the owner; the Origin check."""
from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from playground import services
from playground.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def setup_people():
    User = get_user_model()
    alice = User.objects.create_user("alice", None, "pw-alice-1")
    bob = User.objects.create_user("bob", None, "pw-bob-1")
    teacher = User.objects.create_user("teacher", None, "pw-teacher-1", is_staff=True, is_superuser=True)
    box = services.create_sandbox(alice, "alice-box")
    cookies = {}
    for u in (alice, bob, teacher):
        c = Client()
        c.force_login(u)
        cookies[u.username] = c.cookies[settings.SESSION_COOKIE_NAME].value
    return box, cookies


async def open_socket(sandbox_id, session=None, origin=b"http://testserver"):
    headers = [(b"host", b"testserver")]
    if origin is not None:
        headers.append((b"origin", origin))
    if session:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode()))
    comm = WebsocketCommunicator(application, f"/ws/sandboxes/{sandbox_id}/", headers=headers)
    return comm, await comm.connect()


@pytest.mark.parametrize("who", [None, "bob", "teacher"])
async def test_nobody_but_the_owner_gets_the_socket(who):
    box, cookies = await setup_people()
    comm, (connected, code) = await open_socket(box.pk, cookies.get(who))
    # accepted then closed with 4403, before any hello: nothing about the sandbox is sent
    assert connected
    assert (await comm.receive_output(timeout=5)) == {"type": "websocket.close", "code": 4403}
    await comm.wait()


async def test_a_missing_sandbox_answers_like_someone_elses():
    box, cookies = await setup_people()
    comm, (connected, _) = await open_socket(box.pk + 1000, cookies["alice"])
    assert (await comm.receive_output(timeout=5)) == {"type": "websocket.close", "code": 4403}


async def test_the_owner_gets_hello_and_can_run_commands():
    box, cookies = await setup_people()
    comm, (connected, _) = await open_socket(box.pk, cookies["alice"])
    assert connected and (await comm.receive_json_from())["type"] == "hello"
    await comm.send_json_to({"type": "command", "id": 1, "line": "kubectl get ns default -o name"})
    assert (await comm.receive_json_from(timeout=10))["output"] == "namespace/default\n"
    await comm.disconnect()


@database_sync_to_async
def spoil(how: str, cookie: str) -> str:
    """The ways a session cookie stops naming a logged-in learner while their page is closed."""
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone
    alice = get_user_model().objects.get(username="alice")
    if how == "expired":
        Session.objects.filter(session_key=cookie).update(expire_date=timezone.now() - timedelta(seconds=1))
    elif how == "password changed elsewhere":
        alice.set_password("pw-alice-2")
        alice.save()
    elif how == "deactivated":
        alice.is_active = False
        alice.save()
    elif how == "deleted":
        alice.delete()
    elif how == "forged":
        return cookie[:-4] + "abcd"
    elif how == "another site's key":
        return "x" * 32
    return cookie


@pytest.mark.parametrize("how", ["expired", "password changed elsewhere", "deactivated", "deleted", "forged",
                                 "another site's key"])
async def test_a_session_that_no_longer_names_the_owner_gets_no_socket(how):
    box, cookies = await setup_people()
    cookie = await spoil(how, cookies["alice"])
    comm, (connected, _) = await open_socket(box.pk, cookie)
    assert (await comm.receive_output(timeout=5)) == {"type": "websocket.close", "code": 4403}


async def test_a_session_made_before_the_secret_key_rotated_still_opens_the_terminal(settings):
    """SECRET_KEY_FALLBACKS: the learner's session hash was made with the old key, as Django's own pages
    accept it."""
    old = settings.SECRET_KEY
    box, cookies = await setup_people()
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "n" * 50, [old]
    comm, (connected, _) = await open_socket(box.pk, cookies["alice"])
    assert (await comm.receive_json_from(timeout=10))["type"] == "hello"
    await comm.disconnect()
    settings.SECRET_KEY_FALLBACKS = []
    comm, (connected, _) = await open_socket(box.pk, cookies["alice"])
    assert (await comm.receive_output(timeout=5)) == {"type": "websocket.close", "code": 4403}


@pytest.mark.parametrize("origin", [b"http://evil.example", b"null", b"http://testserver.evil.example", None,
                                    b"https://testserver", b"http://testserver:8080", b"ftp://testserver"])
async def test_a_foreign_or_missing_origin_is_refused(origin):
    """Cross-site WebSocket hijacking: the browser sends the victim's cookie from any page, so the Origin
    must be the site's own, scheme and port included (issue 13); a handshake without one is refused too."""
    box, cookies = await setup_people()
    comm, (connected, code) = await open_socket(box.pk, cookies["alice"], origin=origin)
    assert not connected


async def test_command_rate_limit_on_the_socket(settings):
    settings.PODSCAPE_COMMANDS_PER_WINDOW = 3
    settings.PODSCAPE_COMMAND_WINDOW = 3600
    box, cookies = await setup_people()
    comm, (connected, _) = await open_socket(box.pk, cookies["alice"])
    await comm.receive_json_from()
    kinds = []
    for i in range(4):
        await comm.send_json_to({"type": "command", "id": i, "line": "true"})
        kinds.append(await comm.receive_json_from(timeout=10))
    assert [m["type"] for m in kinds] == ["result"] * 3 + ["error"]
    assert kinds[-1]["message"] == "podscape: too many commands; wait a few seconds and try again"
    await comm.disconnect()


async def test_the_origin_matches_with_its_port_and_a_trusted_origin(settings):
    box, cookies = await setup_people()
    headers = [(b"host", b"testserver:8000"), (b"origin", b"http://testserver:8000"),
               (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookies['alice']}".encode())]
    comm = WebsocketCommunicator(application, f"/ws/sandboxes/{box.pk}/", headers=headers)
    assert (await comm.connect())[0] and (await comm.receive_json_from())["type"] == "hello"
    await comm.disconnect()
    settings.CSRF_TRUSTED_ORIGINS = ["https://podscape.example"]
    comm, (connected, _) = await open_socket(box.pk, cookies["alice"], origin=b"https://podscape.example")
    assert connected and (await comm.receive_json_from())["type"] == "hello"
    await comm.disconnect()
