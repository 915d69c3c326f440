"""How many terminal sockets one address and one learner may hold open on a worker.

2000 sockets from one learner made daphne drop every handshake, another learner's included. The address
limit is checked before authentication (which costs a session lookup); the user limit in the consumer.
Counted per worker process, in memory: a count that dies with its worker can never go stale, and the
harm being bounded (a worker's handshakes and memory) is per worker too. Both answer close code 4429.
"""
from __future__ import annotations

import threading
from collections import Counter

from django.conf import settings

CLOSE_TOO_MANY = 4429
REASON = "too many open terminals"


class Counts:
    def __init__(self):
        self._counts: Counter = Counter()
        self._lock = threading.Lock()

    def take(self, key, limit: int) -> bool:
        """Count one more socket under key; False (and nothing counted) at the limit."""
        with self._lock:
            if self._counts[key] >= limit:
                return False
            self._counts[key] += 1
            return True

    def give_back(self, key) -> None:
        with self._lock:
            self._counts[key] -= 1
            if self._counts[key] <= 0:
                del self._counts[key]


by_address = Counts()
by_user = Counts()


async def refuse(receive, send) -> None:
    """Accept, then close with our code: a refused handshake would only show the browser 1006."""
    message = await receive()
    if message.get("type") != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": CLOSE_TOO_MANY, "reason": REASON})


class AddressLimit:
    """ASGI middleware for the WebSocket router: PODSCAPE_SOCKETS_PER_ADDRESS open sockets per client
    address (REMOTE_ADDR: behind a proxy, run daphne with --proxy-headers so it is the learner's)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        address = (scope.get("client") or ("unknown",))[0]
        if not by_address.take(address, settings.PODSCAPE_SOCKETS_PER_ADDRESS):
            return await refuse(receive, send)
        try:
            return await self.app(scope, receive, send)
        finally:
            by_address.give_back(address)
