"""The hard stop: a line still running past its wall limit is stopped from outside the program.

The Meter (engine.py) stops a line whose programs charge their work. A program that loops without charging
(a future one, or a bug) would keep its thread until it returned; this backs the meter up without relying
on it. One watchdog thread per process looks at the lines running (every POLL seconds: the normal path only
adds and removes an entry). A line still running `limit` seconds after it started gets an asynchronous
exception (CPython's PyThreadState_SetAsyncExc), raised in its thread at the next bytecode, wherever the
program is: the engine then stops the line as it stops one over budget, and the caller throws away what it
changed (services reloads the sandbox as the last completed command stored it).

A thread inside one long C call sees no bytecode until the call returns. The quotas bound what such a
call gets (a line, a file, a sandbox's objects), so it returns; one that still has not STUCK_SECONDS after
its exception calls `on_stuck`, which the server sets to end the worker process (asgi.py): the supervisor
restarts it, nothing committed is lost, and its sandboxes are read from the database again.

Why not engines in worker processes: each would have to hold its sandboxes' cached engines, their diagrams
and sizes, and ship every command's changes back to the server process; a process per command costs a
fork of a large heap. An interrupt in the thread costs the normal path nothing measurable.
"""
from __future__ import annotations

import ctypes
import logging
import threading
import time
from typing import Callable

log = logging.getLogger(__name__)

POLL = 0.1              # seconds between the watchdog's looks at the running lines
STUCK_SECONDS = 10.0    # after the exception was sent, a line still running this long is stuck in C code

_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_set_async_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)
_set_async_exc.restype = ctypes.c_int


def _clear_async_exc(thread_id: int) -> None:
    _set_async_exc(thread_id, ctypes.py_object())    # NULL: withdraws one not raised yet


def _ignore_stuck(watch: "Watch") -> None:
    return None


on_stuck: Callable[["Watch"], None] = _ignore_stuck     # the server's hook (asgi.py)


class Watch:
    """One running line: its thread, when it must be stopped, and whether it was."""
    __slots__ = ("thread_id", "deadline", "exc", "fired_at", "reported", "what")

    def __init__(self, thread_id: int, deadline: float, exc: type[BaseException], what: str):
        self.thread_id, self.deadline, self.exc, self.what = thread_id, deadline, exc, what
        self.fired_at: float | None = None
        self.reported = False


_lock = threading.Lock()
_watches: dict[int, Watch] = {}          # by thread id: one line runs per thread at a time
_started = threading.Event()
_local = threading.local()


def arm(seconds: float, exc: type[BaseException], what: str = "") -> Watch | None:
    """Watch the calling thread's line for `seconds`; past them `exc` (a class, built without arguments) is
    raised in it. None when this thread's line is already watched (a line run inside another's)."""
    thread_id = threading.get_ident()
    watch = Watch(thread_id, time.monotonic() + seconds, exc, what)
    with _lock:
        if thread_id in _watches:
            return None
        _watches[thread_id] = watch
    if not _started.is_set():
        _start()
    return watch


def disarm(watch: Watch | None) -> bool:
    """The line is over: stop watching it. True if it was stopped from outside (an exception not yet
    raised is withdrawn here, so none can reach the caller's code after the line). Idempotent."""
    if watch is None:
        return False
    with _lock:
        if _watches.get(watch.thread_id) is watch:
            del _watches[watch.thread_id]
            if watch.fired_at is not None:
                _clear_async_exc(watch.thread_id)
    return watch.fired_at is not None


def running() -> int:
    return len(_watches)


def _look(now: float) -> list[Watch]:
    stuck = []
    with _lock:
        for watch in _watches.values():
            if watch.fired_at is None:
                if now >= watch.deadline:
                    watch.fired_at = now
                    _set_async_exc(watch.thread_id, watch.exc)
                    log.warning("stopped a line from outside after its wall limit: %s", watch.what[:200])
            elif not watch.reported and now - watch.fired_at >= STUCK_SECONDS:
                watch.reported = True
                stuck.append(watch)
    return stuck


def _loop() -> None:
    while True:
        time.sleep(POLL)
        try:
            for watch in _look(time.monotonic()):
                log.critical("a line did not stop %g s after it was told to (inside C code?): %s",
                             STUCK_SECONDS, watch.what[:200])
                on_stuck(watch)
        except Exception:           # the watchdog must outlive anything a hook does
            log.exception("watchdog")


def _start() -> None:
    with _lock:
        if _started.is_set():
            return
        threading.Thread(target=_loop, name="podscape-watchdog", daemon=True).start()
        _started.set()
