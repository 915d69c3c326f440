"""A class closing its pages at once (PostgreSQL + Redis): every socket leaves its groups, and a command
typed in that moment still reaches the diagram on the other worker.

Each leaving socket takes a connection from its worker's channel-layer pool for its group_discard calls.
redis-py's pool stopped at 100 connections and raised "Too many connections" for the rest: in the load
benchmark 167 of ~200 sockets closing together failed to leave their groups ("Exception inside
application" in the worker's log), and a diagram push of that moment went missing
(settings.CHANNEL_REDIS_CONNECTIONS)."""
from __future__ import annotations

import asyncio
import json

import pytest

from .conftest import make_stack
from .stack import recv_until, ws_connect

pytestmark = pytest.mark.two_workers
SOCKETS = 240


@pytest.fixture(scope="module")
def stack():
    s = make_stack(workers=2, PODSCAPE_SOCKETS_PER_USER=SOCKETS, PODSCAPE_SOCKETS_PER_ADDRESS=4 * SOCKETS,
                   PODSCAPE_COMMANDS_PER_WINDOW=1000)
    with s:
        s.seed(2)
        yield s


def test_a_class_closing_its_pages_at_once_leaves_its_groups_and_loses_no_push(stack):
    a, b = stack.workers
    crowd, learner = stack.learners[0], stack.learners[1]

    async def scenario():
        sockets = []
        for _ in range(SOCKETS // 20):           # arrive in waves, as a class does, not all in one tick
            wave = [await ws_connect(a, crowd) for _ in range(20)]
            for ws in wave:
                await recv_until(ws, lambda m: m["type"] == "hello", timeout=30)
            sockets += wave
        async with ws_connect(a, learner) as tab, ws_connect(b, learner) as diagram:
            await recv_until(tab, lambda m: m["type"] == "hello", timeout=30)
            await recv_until(diagram, lambda m: m["type"] == "hello", timeout=30)
            closing = asyncio.gather(*(ws.close() for ws in sockets))      # the class leaves together
            await tab.send(json.dumps({"type": "command", "id": 1,
                                       "line": "kubectl create deployment web --image=nginx"}))
            result, _ = await recv_until(tab, lambda m: m["type"] == "result", timeout=30)
            await closing
            topo, _ = await recv_until(diagram, lambda m: m["type"] == "topology"
                                       and m.get("version") == result["version"], timeout=30)
            return result, topo

    result, topo = asyncio.run(scenario())
    assert result["exit_code"] == 0
    assert any(e["data"]["id"].startswith("pod/default/web-") for e in topo["add"])
    asyncio.run(asyncio.sleep(1.0))             # the last disconnects are handled
    log = a.log_path.read_text()
    assert "Too many connections" not in log
    assert "Exception inside application" not in log
