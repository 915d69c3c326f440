"""The socket's terminal tabs and running jobs (docs/terminal.md): a command names its session, a job's
output reaches every socket as `stream`, Ctrl-C is an `interrupt`, and the hello lists the tabs."""
from __future__ import annotations

import asyncio

import pytest

from tests.web.test_consumers import channel_layer_kind, connect, login_cookie, make_sandbox  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


async def receive(comm, kind: str, timeout: float = 10):
    """The next message of this type (topology diffs and traces come and go meanwhile)."""
    while True:
        message = await comm.receive_json_from(timeout=timeout)
        if message["type"] == kind:
            return message


async def test_a_watch_in_one_tab_streams_what_a_command_in_another_tab_changes(channel_layer_kind):  # noqa: F811
    sandbox = await make_sandbox("alice", "tabs")
    comm, connected, _ = await connect(sandbox.pk, await login_cookie("alice"))
    assert connected
    await receive(comm, "hello")
    await comm.send_json_to({"type": "command", "id": 1, "session": "1", "line": "kubectl get deploy -w"})
    reply = await receive(comm, "result")
    assert reply["session"] == "1" and reply["running"] and "wake" not in reply
    assert reply["output"] == ""          # no deployments yet: a watch prints nothing, not "No resources found"

    await comm.send_json_to({"type": "command", "id": 2, "session": "2", "line": "kubectl create deploy web --image=nginx"})
    reply = await receive(comm, "result")
    assert (reply["session"], reply["output"], reply["running"]) == ("2", "deployment.apps/web created\n", False)
    stream = await receive(comm, "stream")
    rows = stream["streams"]["1"]["output"].splitlines()
    assert rows[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert rows[1].split()[0] == "web" and not stream["streams"]["1"]["ended"]

    await comm.send_json_to({"type": "interrupt", "id": 3, "session": "1"})
    reply = await receive(comm, "result")
    assert (reply["session"], reply["exit_code"], reply["running"]) == ("1", 130, False)
    await comm.send_json_to({"type": "command", "id": 4, "session": "2", "line": "cd /tmp"})
    await receive(comm, "result")
    await comm.disconnect()

    again, _, _ = await connect(sandbox.pk, await login_cookie("alice"))
    hello = await receive(again, "hello")
    tabs = {s["id"]: s for s in hello["sessions"]}
    assert tabs["2"]["prompt"] == "student@ubuntu:/tmp$ " and tabs["2"]["running"] is None
    assert [e["line"] for e in tabs["2"]["scrollback"]] == ["kubectl create deploy web --image=nginx", "cd /tmp"]
    assert hello["prompt"] == "student@ubuntu:~$ " and hello["history"] == ["kubectl get deploy -w"]
    await again.disconnect()


async def test_a_session_out_of_range_is_refused():
    sandbox = await make_sandbox("bob", "tabs")
    comm, _, _ = await connect(sandbox.pk, await login_cookie("bob"))
    await receive(comm, "hello")
    await comm.send_json_to({"type": "command", "id": 1, "session": "9", "line": "true"})
    reply = await receive(comm, "error")
    assert reply["message"] == "a terminal is numbered 1 to 8"
    await comm.disconnect()


async def test_closing_a_tab_ends_its_jobs_and_forgets_its_shell():
    sandbox = await make_sandbox("carol", "tabs")
    comm, _, _ = await connect(sandbox.pk, await login_cookie("carol"))
    await receive(comm, "hello")
    await comm.send_json_to({"type": "command", "id": 1, "session": "2",
                             "line": "kubectl create deploy web --image=nginx"})
    await receive(comm, "result")
    await asyncio.sleep(2.2)                             # nginx's pod runs after 2 s of the cluster's clock
    await comm.send_json_to({"type": "command", "id": 2, "session": "2",
                             "line": "kubectl port-forward deploy/web 8080:80 &"})
    reply = await receive(comm, "result")
    assert reply["output"].startswith("[1] ") and "Forwarding from 127.0.0.1:8080 -> 80" in reply["output"]
    await comm.send_json_to({"type": "close", "id": 3, "session": "2"})
    assert await receive(comm, "closed") == {"type": "closed", "id": 3, "session": "2"}
    await comm.send_json_to({"type": "command", "id": 4, "session": "1", "line": "curl -s localhost:8080"})
    reply = await receive(comm, "result")
    assert reply["exit_code"] == 7                       # the port-forward ended with its tab
    await comm.send_json_to({"type": "close", "id": 5, "session": "1"})
    assert (await receive(comm, "error"))["message"] == "the first terminal stays open"
    await comm.disconnect()
    again, _, _ = await connect(sandbox.pk, await login_cookie("carol"))
    assert [s["id"] for s in (await receive(again, "hello"))["sessions"]] == ["1"]
    await again.disconnect()
