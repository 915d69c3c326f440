"""playground/httpgate.py: at most N HTTP requests run Django at once per worker, on N threads kept between
requests; the rest wait without a thread or a connection and answer 503 when they have waited too long."""
from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest
from asgiref.sync import sync_to_async

from playground.httpgate import HttpGate


def recording_app(seen: list, running: list, seconds: float):
    """A Django-like app: the request's work is a thread-sensitive sync call, as Django's views are."""
    def work():
        running.append(1)
        seen.append((threading.current_thread().name, len(running)))
        time.sleep(seconds)
        running.pop()

    async def app(scope, receive, send):
        await sync_to_async(work, thread_sensitive=True)()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})
    return app


async def burst(app, n: int) -> list[httpx.Response]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        return await asyncio.gather(*(c.get("/api/x") for _ in range(n)))


async def test_a_burst_runs_a_few_at_a_time_on_threads_that_are_kept():
    seen, running = [], []
    gate = HttpGate(recording_app(seen, running, 0.02), threads=3, queue_seconds=10)
    replies = await burst(gate, 30)
    assert [r.status_code for r in replies] == [200] * 30
    assert max(n for _, n in seen) <= 3                             # never more than 3 at once
    assert {name.rsplit("_", 1)[0] for name, _ in seen} <= {"podscape-http0", "podscape-http1", "podscape-http2"}
    assert len({name for name, _ in seen}) <= 3                     # no thread per request
    assert len(gate.free) == 3


async def test_requests_that_wait_too_long_answer_503_and_the_gate_recovers():
    seen, running = [], []
    gate = HttpGate(recording_app(seen, running, 0.3), threads=1, queue_seconds=0.1)
    replies = await burst(gate, 4)
    codes = sorted(r.status_code for r in replies)
    assert codes == [200, 503, 503, 503]
    busy = next(r for r in replies if r.status_code == 503)
    assert busy.headers["retry-after"] == "2" and "busy" in busy.text
    assert [r.status_code for r in await burst(gate, 1)] == [200]


@pytest.mark.django_db(transaction=True)
async def test_the_worker_serves_django_through_the_gate(alice):
    from playground.asgi import application

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://testserver") as c:
        replies = await asyncio.gather(*(c.get("/accounts/login/") for _ in range(12)))
    assert {r.status_code for r in replies} == {200}
