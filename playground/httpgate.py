"""HTTP requests enter Django a few at a time per worker, each on one of a few long-lived threads.

Left to itself, Django's ASGI handler gives every request a new thread (asgiref's ThreadSensitiveContext)
and the event loop starts two threads per request (the request's, and one to join it). Sixty API calls at
once meant sixty threads contending for the interpreter with the learners' commands, each holding a
database connection from the worker's pool that the terminals' commands then waited for, and a hundred and
twenty thread starts blocking the event loop (profiled with py-spy: learners' p95 1.5-3.5 s during the
burst). Here at most PODSCAPE_HTTP_THREADS requests run Django at once, each on a thread that is kept;
the rest wait in the event loop, holding no thread and no connection, and answer 503 after
PODSCAPE_HTTP_QUEUE_SECONDS. Sized with the command threads to the database pool (settings.py), so
neither side waits for a connection the other holds. WebSockets pass straight through.
"""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext

BUSY = b"The server is busy; try again in a moment.\n"


class HttpGate:
    def __init__(self, app, threads: int, queue_seconds: float):
        self.app, self.queue_seconds = app, queue_seconds
        self.free = [ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"podscape-http{i}")
                     for i in range(threads)]
        self._slots: asyncio.Semaphore | None = None
        self._loop = None

    def slots(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:          # one event loop per worker; tests start several
            self._slots, self._loop = asyncio.Semaphore(len(self.free)), loop
        return self._slots

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        slots = self.slots()
        try:
            await asyncio.wait_for(slots.acquire(), self.queue_seconds)
        except asyncio.TimeoutError:
            return await busy(send)
        executor = self.free.pop()
        try:
            # Django's own ThreadSensitiveContext, nested inside this one, then uses this executor's thread
            async with ThreadSensitiveContext(executor=executor):
                await self.app(scope, receive, send)
        finally:
            self.free.append(executor)
            slots.release()


async def busy(send) -> None:
    await send({"type": "http.response.start", "status": 503,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"retry-after", b"2"),
                            (b"content-length", str(len(BUSY)).encode())]})
    await send({"type": "http.response.body", "body": BUSY})
