"""Two daphne workers share PostgreSQL and Redis: a command typed into a socket on worker A updates the
diagram on a socket of the same sandbox held by worker B, and either worker serves the result."""
from __future__ import annotations

import asyncio

import pytest

from .conftest import make_stack
from .stack import http_client, recv_until, ws_connect

pytestmark = pytest.mark.two_workers


@pytest.fixture(scope="module")
def stack():
    s = make_stack(workers=2, PODSCAPE_COMMANDS_PER_WINDOW=20, PODSCAPE_COMMAND_WINDOW=3600)
    with s:
        s.seed(2)
        yield s


def test_a_command_on_worker_a_updates_the_diagram_on_worker_b(stack):
    a, b = stack.workers
    learner, other = stack.learners[0], stack.learners[1]

    async def scenario():
        async with ws_connect(a, learner) as tab_a, ws_connect(b, learner) as tab_b, ws_connect(b, other) as tab_x:
            for ws in (tab_a, tab_b, tab_x):
                assert (await recv_until(ws, lambda m: True))[0]["type"] == "hello"
            await tab_a.send('{"type":"command","id":1,"line":"kubectl create deployment web --image=nginx --replicas=2"}')
            result, _ = await recv_until(tab_a, lambda m: m["type"] == "result")
            assert result["output"] == "deployment.apps/web created\n" and result["exit_code"] == 0
            topo, _ = await recv_until(tab_b, lambda m: m["type"] == "topology")
            pods = [e["data"]["id"] for e in topo["add"] if e["data"].get("kind") == "pod"]
            assert len(pods) == 2 and all(p.startswith("pod/default/web-") for p in pods)
            # another learner's socket on the same worker hears nothing
            with pytest.raises(TimeoutError):
                await recv_until(tab_x, lambda m: True, timeout=0.5)
            return pods

    pods = asyncio.run(scenario())
    with http_client(b, learner) as client:
        r = client.get(f"/api/sandboxes/{learner['sandbox']}/topology")
        assert r.status_code == 200
        assert sorted(e["data"]["id"] for e in r.json()["elements"]
                      if e["data"]["id"].startswith("pod/default/web-")) == sorted(pods)


def test_the_command_limit_is_shared_by_both_workers(stack):
    """The per-user command limit counts in Redis: spreading commands over two workers does not double it
    (this stack allows 20 commands per hour per user)."""
    learner = stack.learners[1]
    clients = [http_client(w, learner) for w in stack.workers]
    try:
        tokens = []
        for client in clients:
            tokens.append(client.get("/sandboxes/").cookies.get("csrftoken") or "")     # a page with a form
        codes = []
        for i in range(25):
            client, token, worker = clients[i % 2], tokens[i % 2], stack.workers[i % 2]
            r = client.post(f"/api/sandboxes/{learner['sandbox']}/commands", json={"line": "true"},
                            headers={"X-CSRFToken": token, "Referer": worker.base + "/"})
            codes.append(r.status_code)
    finally:
        for client in clients:
            client.close()
    assert codes == [200] * 20 + [429] * 5, codes
