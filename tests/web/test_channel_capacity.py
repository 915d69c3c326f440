"""A worker's sockets share one Redis queue, and channels_redis drops a group message that finds it at
capacity without a word: with the default 100, a worker that fell behind under 500 learners lost diagram
pushes. The configured capacity keeps them (Redis at REDIS_URL, or 127.0.0.1:6379; required in CI)."""
from __future__ import annotations

import asyncio
import os
import socket
import uuid
from urllib.parse import urlsplit

import pytest
from django.conf import settings

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
BACKLOG = 300          # group messages waiting for one worker's sockets at once


def redis_reachable() -> bool:
    u = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((u.hostname, u.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def layer_for():
    if not redis_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI: {REDIS_URL} is not reachable")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    from channels_redis.core import RedisChannelLayer

    def make(capacity: int) -> RedisChannelLayer:
        return RedisChannelLayer(hosts=[REDIS_URL], prefix=f"podscape-test-{uuid.uuid4().hex[:8]}", capacity=capacity)
    return make


async def backlog_delivered(layer) -> int:
    """Two sockets of one worker in a sandbox's group; BACKLOG diffs sent before the worker reads any."""
    sockets = [await layer.new_channel() for _ in range(2)]
    for name in sockets:
        await layer.group_add("sandbox-1", name)
    for version in range(BACKLOG):
        await layer.group_send("sandbox-1", {"type": "sandbox.topology", "version": version})
    got = 0
    try:
        while True:
            await asyncio.wait_for(layer.receive(sockets[got % 2]), 2)
            got += 1
    except TimeoutError:
        pass
    await layer.flush()
    return got


async def test_the_configured_capacity_keeps_a_backlog_of_pushes(layer_for):
    assert settings.CHANNEL_CAPACITY >= 10_000
    assert await backlog_delivered(layer_for(settings.CHANNEL_CAPACITY)) == 2 * BACKLOG


async def test_the_library_default_would_have_dropped_them(layer_for):
    """What happened before: the check above fails for the reason it is there."""
    assert await backlog_delivered(layer_for(100)) < 2 * BACKLOG
