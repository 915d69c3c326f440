"""The sandbox's WebSocket (/ws/sandboxes/<id>/): the terminal and the live diagram.

Protocol (README "WebSocket protocol", docs/terminal.md): the client sends command / interrupt / editor.save /
editor.cancel / complete, each terminal message naming its tab (`session`); the server answers hello,
result, completion, error, and pushes topology diffs, traces and running jobs' output (`stream`) to every
socket of the sandbox (the channel group `sandbox-<id>`) after a change. While a job waits on the clock,
the socket keeps one timer that wakes it (services.wake).
"""
from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.consumer import get_handler_name
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError, close_old_connections

from . import fastjson, ratelimit, services, socketlimits, wsauth
from .models import Sandbox
from .sim.proc import MAX_LINE

log = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
CLOSE_GONE = 4404
CLOSE_LOGGED_OUT = 4401
MAX_EDITOR = 1_000_000        # characters in one editor save (the engine's manifest limits apply after)
TOO_MANY = object()            # _open_sync: the learner holds PODSCAPE_SOCKETS_PER_USER sockets already
BUSY = "podscape: the server is busy; the command was not run. Try again in a moment."

# Commands run on this pool, not on Channels' one shared sync thread (database_sync_to_async is thread-
# sensitive): one learner's slow command no longer queues everybody's. Sized to the database pool, so a
# thread never waits for a connection; services orders commands to one sandbox (gate + version check).
# Each thread runs its calls in a context of its own: Django keeps connections in context-local storage,
# and asgiref's thread_sensitive=False would copy one call's connection back into the socket's context,
# where the next call, on another thread, could not use it and nothing would ever close it.
_pool: dict[str, ThreadPoolExecutor] = {}
_pool_lock = threading.Lock()
_thread = threading.local()


def command_pool(lane: str = "command") -> ThreadPoolExecutor:
    """The threads of a lane: "command" (commands, completion, the jobs' clock) or "page" (sockets opening;
    PODSCAPE_PAGE_THREADS, so a class opening its pages leaves the command threads to learners typing)."""
    with _pool_lock:
        if lane not in _pool:
            size = settings.PODSCAPE_COMMAND_THREADS if lane == "command" else settings.PODSCAPE_PAGE_THREADS
            _pool[lane] = ThreadPoolExecutor(max_workers=size, thread_name_prefix=f"podscape-{lane}")
        return _pool[lane]


def _in_thread_context(fn, *args):
    if not hasattr(_thread, "context"):
        _thread.context = contextvars.Context()

    def call():
        close_old_connections()
        try:
            return fn(*args)
        finally:
            close_old_connections()      # CONN_MAX_AGE 0 (and always with the pool): back to the pool
    return _thread.context.run(call)


class CommandsFirst:
    """Commands go before page openings: a page thread about to open a socket waits, at most
    PODSCAPE_PAGE_WAIT_MS, until no command of this worker is queued or running. A learner who typed is
    waiting on the answer; a page opening once can wait a little longer. 500 learners opening their pages
    within 5 s, PostgreSQL + Redis, whole-run command p95: 59-66 ms without the wait, 40.6-57.8 ms (median
    50.7) in 11 runs waiting at most 20 ms, 40.1-47.7 ms (median 44.2) in 5 runs waiting at most 50 ms; the
    hellos' p95 was 3.5-5.6 s either way (4.2 s without). Counted on the event loop."""

    def __init__(self) -> None:
        self._running = 0
        self._idle = threading.Event()
        self._idle.set()

    def started(self) -> None:
        self._running += 1
        self._idle.clear()

    def finished(self) -> None:
        self._running -= 1
        if not self._running:
            self._idle.set()

    def wait(self) -> None:
        """On a page thread: until no command runs, or PODSCAPE_PAGE_WAIT_MS have passed."""
        self._idle.wait(settings.PODSCAPE_PAGE_WAIT_MS / 1000)


commands_first = CommandsFirst()


async def off_thread(fn, *args, lane: str = "command"):
    """fn(*args) on the lane's threads (a page lane of 0 threads: on the command threads)."""
    if lane == "page" and not settings.PODSCAPE_PAGE_THREADS:
        lane = "command"
    loop = asyncio.get_running_loop()
    if lane != "command":
        return await loop.run_in_executor(command_pool(lane), _in_thread_context, fn, *args)
    commands_first.started()
    try:
        return await loop.run_in_executor(command_pool(lane), _in_thread_context, fn, *args)
    finally:
        commands_first.finished()


class Refused(Exception):
    """A message we refuse, with the text to send back (only ours: an exception's own text is never sent)."""


class SandboxConsumer(AsyncJsonWebsocketConsumer):
    sandbox_id: int
    group: str

    async def connect(self) -> None:
        self.sandbox_id = int(self.scope["url_route"]["kwargs"]["sandbox_id"])
        self.group = f"sandbox-{self.sandbox_id}"
        self.scope["user"] = AnonymousUser()        # until the session is read (wsauth)
        # Accepted before the hello is read: daphne drops a handshake not accepted within 5 s, and the hello
        # waits for the page thread, which a class arriving at once keeps busy. A socket refused below is
        # closed with our code either way (a refused handshake would only say 1006).
        await self.accept()
        hello = await off_thread(self._open_sync, wsauth.session_key(self.scope), lane="page")
        if hello is TOO_MANY:
            await self.close(code=socketlimits.CLOSE_TOO_MANY, reason=socketlimits.REASON)
            return
        if hello is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.channel_layer.group_add(self.group, self.channel_name)
        self.user_group = f"user-{self.scope['user'].pk}"      # logout and password change close it (accounts.py)
        await self.channel_layer.group_add(self.user_group, self.channel_name)
        self._schedule_wake(hello.pop("wake", None))
        await self.send_json(hello)

    async def disconnect(self, code: int) -> None:
        self._schedule_wake(None)
        if getattr(self, "counted_user", None) is not None:
            socketlimits.by_user.give_back(self.counted_user)
            self.counted_user = None
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)
        if getattr(self, "user_group", None):
            await self.channel_layer.group_discard(self.user_group, self.channel_name)

    def _open_sync(self, key: str | None) -> dict | object | None:
        """One trip to a page thread for a socket that opens, once the worker's commands have gone first:
        who it is (its session), the learner's socket count, and the sandbox's hello (None: not this user's
        sandbox, or nobody logged in)."""
        if settings.PODSCAPE_PAGE_THREADS:
            commands_first.wait()
        user = self.scope["user"] = wsauth.user_for(key)
        if user.pk is None:
            return None
        if not socketlimits.by_user.take(user.pk, settings.PODSCAPE_SOCKETS_PER_USER):
            return TOO_MANY
        self.counted_user = user.pk           # given back on disconnect, which waits for connect to end
        try:
            sandbox = services.get_for_user(self.sandbox_id, user)
        except Sandbox.DoesNotExist:
            return None
        return services.hello(sandbox)

    async def dispatch(self, message) -> None:
        """Channels' dispatch without its close_old_connections before every message: that is a hop to the
        shared sync thread and back for each frame received and each diff pushed (5 % of a worker's CPU
        samples under load), and this consumer holds no connection in that thread: its database work runs
        on the command pool, which closes its own (_in_thread_context); so does the session and user lookup
        (wsauth, in _open_sync)."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    @classmethod
    async def encode_json(cls, content) -> str:
        """orjson (playground/fastjson.py) for what we send: a hello holds the whole diagram, and under
        load the standard library's encoder took 1.4 % of a worker's CPU samples, a third of send_json."""
        return fastjson.dumps(content)

    # ---- client -> server -------------------------------------------------------------------------
    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        """Channels' decoding, with a clear error for what is not JSON (or nests too deeply to read)."""
        if text_data is None:
            await self.send_json({"type": "error", "message": "send JSON in text frames"})
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            await self.send_json({"type": "error", "message": "the message is not JSON"})
            return
        except RecursionError:
            await self.send_json({"type": "error", "message": "the message's JSON is nested too deeply"})
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs) -> None:
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "message": "expected a JSON object"})
            return
        kind, msg_id = content.get("type"), content.get("id")
        outbox: list[dict] = []      # the diagram's diff and traces, sent to the group after our reply
        try:
            if kind == "command":
                line = content.get("line")
                if not isinstance(line, str):
                    raise Refused("command needs a string line")
                # The engine answers over-long lines itself; this only bounds what we hold in memory.
                reply = await self._run(services.run_command, line[: MAX_LINE * 2], outbox,
                                        session=content.get("session", "1"))
            elif kind == "close":
                reply = await self._run(services.close_session, content.get("session", ""), outbox, limited=False)
            elif kind == "interrupt":
                reply = await self._run(services.interrupt, content.get("session", "1"), outbox, limited=False)
            elif kind == "editor.save":
                text = content.get("content")
                if not isinstance(text, str):
                    raise Refused("editor.save needs string content")
                if len(text) > MAX_EDITOR:
                    raise Refused(f"the editor's content is over {MAX_EDITOR} characters")
                reply = await self._run(services.save_editor, text, outbox)
            elif kind == "editor.cancel":
                reply = await self._run(services.save_editor, None, outbox, limited=False)
            elif kind == "complete":
                line, cursor = content.get("line", ""), content.get("cursor")
                if not isinstance(line, str):
                    raise Refused("complete needs a string line")
                cursor = cursor if isinstance(cursor, int) and 0 <= cursor <= len(line) else len(line)
                if not await off_thread(ratelimit.allow_complete, getattr(self.scope.get("user"), "pk", None)):
                    raise Refused(ratelimit.COMPLETE_MESSAGE)
                start, matches = await self._complete(line[:MAX_LINE], cursor)
                await self.send_json({"type": "completion", "id": msg_id, "start": start, "matches": matches})
                return
            else:
                raise Refused(f"unknown message type {kind!r}")
        except (Refused, services.SandboxError) as exc:      # our own messages, never an exception's text
            await self.send_json({"type": "error", "id": msg_id, "message": str(exc)})
            return
        except Sandbox.DoesNotExist:
            await self.send_json({"type": "error", "id": msg_id, "message": "this sandbox no longer exists"})
            await self.close(code=CLOSE_GONE)
            return
        except OperationalError:  # no database connection within the pool's timeout: nothing was stored
            log.warning("sandbox %s: no database connection for %r", self.sandbox_id, kind)
            await self.send_json({"type": "error", "id": msg_id, "message": BUSY})
            return
        except Exception:         # an engine bug: the transaction rolled back, the socket stays up
            log.exception("sandbox %s: %r failed", self.sandbox_id, content)
            await self.send_json({"type": "error", "id": msg_id,
                                  "message": "podscape: internal error; the command was not run"})
            return
        reply.pop("changed", None)
        self._schedule_wake(reply.pop("wake", None))
        if kind == "close":
            await self.send_json({"type": "closed", "id": msg_id, "session": content.get("session")})
        else:
            await self.send_json({"type": "result", "id": msg_id, **reply})
        await self._publish(outbox)

    async def _publish(self, outbox: list[dict]) -> None:
        for message in outbox:
            try:
                await self.channel_layer.group_send(self.group, message)
            except Exception:    # the command committed; a channel-layer hiccup only costs a diagram update
                log.exception("publishing to %s failed", self.group)

    async def _run(self, action, arg, outbox: list[dict], limited: bool = True, **kw) -> dict:
        return await off_thread(self._run_sync, action, arg, outbox, limited, kw)

    def _run_sync(self, action, arg, outbox: list[dict], limited: bool, kw: dict | None = None) -> dict:
        """One trip to the database thread: the command, counted against the rate limit when `limited` (in
        the Redis round trip that books its work: services.RateLimited past the limit)."""
        user = self.scope.get("user")
        if limited:
            kw = dict(kw or {}, counted=True)
        return action(self.sandbox_id, user, arg, outbox=outbox, **(kw or {}))

    # ---- the clock for running processes (jobs): one timer per socket, only while something waits --------
    def _schedule_wake(self, delay) -> None:
        old = getattr(self, "wake_handle", None)
        if old is not None:
            old.cancel()
            self.wake_handle = None
        if not isinstance(delay, (int, float)):
            return
        loop = asyncio.get_running_loop()
        # a little after the time asked for, so the cluster's clock has reached it
        self.wake_handle = loop.call_later(min(max(delay, 0.0), 3600.0) + 0.05,
                                           lambda: asyncio.ensure_future(self._wake()))

    async def _wake(self) -> None:
        self.wake_handle = None
        outbox: list[dict] = []
        try:
            reply = await off_thread(self._wake_sync, outbox)
        except services.RateLimited:      # a command of this learner is running: it resumes the jobs too
            self._schedule_wake(1.0)
            return
        except Exception:      # the next command or page load schedules it again
            log.exception("sandbox %s: wake failed", self.sandbox_id)
            return
        self._schedule_wake(reply.get("wake"))
        await self._publish(outbox)

    def _wake_sync(self, outbox: list[dict]) -> dict:
        return services.wake(self.sandbox_id, self.scope.get("user"), outbox=outbox)

    async def _complete(self, line: str, cursor: int) -> tuple[int, list[str]]:
        return await off_thread(self._complete_sync, line, cursor)

    def _complete_sync(self, line: str, cursor: int) -> tuple[int, list[str]]:
        return services.complete(self.sandbox_id, self.scope.get("user"), line, cursor)

    # ---- group messages -> this socket ---------------------------------------------------------------
    async def sandbox_topology(self, event: dict) -> None:
        await self.send_json({"type": "topology", "add": event.get("add", []), "update": event.get("update", []),
                              "remove": event.get("remove", []), "version": event.get("version"),
                              "base": event.get("base")})

    async def sandbox_stream(self, event: dict) -> None:
        """Output of running jobs, per terminal tab: {session: {output, ended, exit_code, prompt}}."""
        await self.send_json({"type": "stream", "streams": event.get("streams", {})})

    async def sandbox_traces(self, event: dict) -> None:
        await self.send_json({"type": "traces", "traces": event.get("traces", [])})

    async def user_logout(self, event: dict) -> None:
        await self.send_json({"type": "error", "message": "you logged out (or changed your password); log in again"})
        await self.close(code=CLOSE_LOGGED_OUT)

    async def sandbox_deleted(self, event: dict) -> None:
        await self.send_json({"type": "error", "message": "this sandbox was deleted"})
        await self.close(code=CLOSE_GONE)
