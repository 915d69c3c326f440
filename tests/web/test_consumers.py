"""The sandbox WebSocket: owners only, and a change reaches every socket of that sandbox and no other."""
from __future__ import annotations

import os

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
def login_cookie(username: str) -> str:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@database_sync_to_async
def make_sandbox(username: str, name: str):
    user = get_user_model().objects.get_or_create(username=username)[0]
    return services.create_sandbox(user, name)


async def connect(sandbox_id: int, session: str | None, origin: bytes = b"http://testserver"):
    headers = [(b"origin", origin), (b"host", b"testserver")]
    if session:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode()))
    comm = WebsocketCommunicator(application, f"/ws/sandboxes/{sandbox_id}/", headers=headers)
    connected, code = await comm.connect()
    return comm, connected, code


async def test_hello_gives_the_page_everything_it_needs():
    sandbox = await make_sandbox("alice", "one")
    comm, connected, _ = await connect(sandbox.pk, await login_cookie("alice"))
    assert connected
    hello = await comm.receive_json_from()
    assert hello["type"] == "hello" and hello["prompt"] == "student@ubuntu:~$ "
    ids = {e["data"]["id"] for e in hello["elements"]}
    assert {"host", "node/minikube", "service/kube-system/kube-dns"} <= ids
    assert hello["history"] == [] and hello["editor"] is None and hello["lesson"] is None
    await comm.disconnect()


@pytest.fixture(params=["in-memory", "redis"])
def channel_layer_kind(request, settings):
    """Run a test over the in-memory layer and, when REDIS_URL is set, over Redis (several workers)."""
    if request.param == "redis":
        url = os.environ.get("REDIS_URL")
        if not url:
            pytest.skip("set REDIS_URL to test the Redis channel layer (make test-scale does)")
        from channels.layers import channel_layers

        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                               "CONFIG": {"hosts": [url], "prefix": f"podscape-test-{os.getpid()}"}}}
        channel_layers.backends.clear()
    return request.param


async def test_a_command_pushes_the_diagram_to_every_socket_of_the_sandbox_and_no_other(create_deploy_line,
                                                                                         channel_layer_kind):
    mine = await make_sandbox("alice", "one")
    other = await make_sandbox("alice", "two")
    session = await login_cookie("alice")
    tab1, ok1, _ = await connect(mine.pk, session)
    tab2, ok2, _ = await connect(mine.pk, session)
    elsewhere, ok3, _ = await connect(other.pk, session)
    assert ok1 and ok2 and ok3
    for comm in (tab1, tab2, elsewhere):
        assert (await comm.receive_json_from())["type"] == "hello"

    await tab1.send_json_to({"type": "command", "id": 1, "line": create_deploy_line})
    received = [await tab1.receive_json_from(timeout=5), await tab1.receive_json_from(timeout=5)]
    result = next(m for m in received if m["type"] == "result")
    assert result["id"] == 1 and result["exit_code"] == 0 and result["prompt"] == "student@ubuntu:~$ "
    for topo in (next(m for m in received if m["type"] == "topology"), await tab2.receive_json_from(timeout=5)):
        assert topo["type"] == "topology"
        pods = [e for e in topo["add"] if e["data"].get("kind") == "pod"]
        assert len(pods) == 3 and all(p["data"]["id"].startswith("pod/default/nginx-app-") for p in pods)
        # node > namespace > workload > pod, and the version the command left the sandbox at
        assert all(p["data"]["parent"] == "workload/default/Deployment/nginx-app" for p in pods)
        assert topo["version"] == result["version"]
    assert await elsewhere.receive_nothing(timeout=0.3)
    assert await tab2.receive_nothing(timeout=0.1)      # the other tab gets the diagram, not the result

    # A command that changes nothing pushes nothing.
    await tab1.send_json_to({"type": "command", "id": 2, "line": "echo quiet"})
    assert (await tab1.receive_json_from(timeout=5))["type"] == "result"
    assert await tab2.receive_nothing(timeout=0.3)
    for comm in (tab1, tab2, elsewhere):
        await comm.disconnect()


async def test_history_comes_back_on_reconnect():
    sandbox = await make_sandbox("alice", "one")
    session = await login_cookie("alice")
    comm, _, _ = await connect(sandbox.pk, session)
    await comm.receive_json_from()
    for i, line in enumerate(["echo one", "echo two"]):
        await comm.send_json_to({"type": "command", "id": i, "line": line})
        await comm.receive_json_from(timeout=5)
    await comm.disconnect()
    again, _, _ = await connect(sandbox.pk, session)
    assert (await again.receive_json_from())["history"] == ["echo one", "echo two"]
    await again.disconnect()


async def test_bob_cannot_connect_to_alices_sandbox():
    sandbox = await make_sandbox("alice", "one")
    await make_sandbox("bob", "bobs")
    comm, connected, _ = await connect(sandbox.pk, await login_cookie("bob"))
    assert connected       # accepted only to say why: closed at once with 4403, before any data
    assert await comm.receive_output(timeout=2) == {"type": "websocket.close", "code": 4403}
    await comm.disconnect()


async def test_anonymous_sockets_are_closed():
    sandbox = await make_sandbox("alice", "one")
    comm, _, _ = await connect(sandbox.pk, None)
    assert await comm.receive_output(timeout=2) == {"type": "websocket.close", "code": 4403}
    await comm.disconnect()


async def test_a_foreign_origin_is_refused():
    sandbox = await make_sandbox("alice", "one")
    comm, connected, _ = await connect(sandbox.pk, await login_cookie("alice"), origin=b"http://evil.example")
    assert not connected
    await comm.disconnect()


async def test_bad_messages_get_errors_not_crashes():
    sandbox = await make_sandbox("alice", "one")
    comm, _, _ = await connect(sandbox.pk, await login_cookie("alice"))
    await comm.receive_json_from()
    await comm.send_json_to({"type": "command", "id": 7})
    assert (await comm.receive_json_from())["type"] == "error"
    await comm.send_json_to({"type": "dance", "id": 8})
    error = await comm.receive_json_from()
    assert error == {"type": "error", "id": 8, "message": "unknown message type 'dance'"}
    await comm.send_json_to({"type": "editor.cancel", "id": 9})
    result = await comm.receive_json_from()
    assert result["type"] == "result" and result["id"] == 9 and result["exit_code"] != 0
    await comm.send_json_to({"type": "complete", "id": 10, "line": "kub", "cursor": 3})
    completion = await comm.receive_json_from()
    assert completion["type"] == "completion" and completion["id"] == 10
    await comm.disconnect()


def test_a_page_opening_waits_for_the_workers_commands_but_not_for_ever(settings):
    """consumers.CommandsFirst: a page thread waits while a command runs and goes on as soon as none does,
    or after PODSCAPE_PAGE_WAIT_MS if commands keep coming."""
    import threading

    from playground.consumers import CommandsFirst
    settings.PODSCAPE_PAGE_WAIT_MS = 5000
    first = CommandsFirst()
    idle = threading.Thread(target=first.wait)
    idle.start()
    idle.join(2)
    assert not idle.is_alive()                    # nothing running: no wait (it would take 5 s)
    first.started()
    opened = threading.Event()
    page = threading.Thread(target=lambda: (first.wait(), opened.set()))
    page.start()
    assert not opened.wait(0.2)                   # the command runs: the page waits
    first.finished()
    assert opened.wait(2)                         # the command is done: the page opens (not after 5 s)
    page.join()
    settings.PODSCAPE_PAGE_WAIT_MS = 50
    first.started()                               # a command that never ends holds a page 50 ms, no more
    page = threading.Thread(target=first.wait)
    page.start()
    page.join(2)
    assert not page.is_alive()
