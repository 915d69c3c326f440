"""Per-user rate limits (a fixed window in Django's cache, Redis when REDIS_URL is set so every worker
counts together): commands, sandbox creation. Generous enough that nobody typing ever meets them."""
from __future__ import annotations

import contextlib
import threading
import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 10
MESSAGE = "podscape: too many commands; wait a few seconds and try again\n"
CREATE_MESSAGE = "You are creating sandboxes too quickly; wait a minute and try again."


def commands_per_window() -> int:
    return getattr(settings, "PODSCAPE_COMMANDS_PER_WINDOW", 120)


def _redis_client(key: str):
    """The Redis connection behind Django's RedisCache (None for other caches). `cache` is a proxy, never a
    RedisCache itself: look at the backend it stands for."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    return backend._cache.get_client(key, write=True) if isinstance(backend, RedisCache) else None


def hit(key: str, window: int, amount: int = 1) -> int:
    """Count `amount` more under `key` in the current window; the count so far."""
    return hit_many([(key, amount)], window)[0]


def _hit_local(key: str, window: int, amount: int) -> int:
    """hit() on a cache other than Redis (tests, the embedded set-up's local memory)."""
    if cache.add(key, amount, timeout=window * 2):
        return amount
    try:
        return cache.incr(key, amount)
    except ValueError:         # expired between add and incr
        cache.add(key, amount, timeout=window * 2)
        return amount


def hit_many(keys: list[tuple[str, int]], window: int) -> list[int]:
    """hit() for several (key, amount) of one window at once: one Redis round trip for all."""
    slot = int(time.time() // window)
    named = [(f"{key}:{slot}", amount) for key, amount in keys]
    client = _redis_client(named[0][0])
    if client is None:
        return [_hit_local(key, window, amount) for key, amount in named]
    # One round trip however many keys (cache.add + cache.incr would be three each: SET NX, EXISTS, INCR).
    # Django's Redis serializer stores integers as plain integers, so cache.get(key) still reads a count.
    # (A Lua script doing the same cost the worker as much CPU as this pipeline: measured.)
    pipe = client.pipeline(transaction=False)
    for key, amount in named:
        full = cache.make_and_validate_key(key)
        pipe.incrby(full, amount)
        pipe.expire(full, window * 2)
    answers = pipe.execute()
    return [int(count) for count in answers[::2]]


def allow(user_id: int | None, scope: str = "commands", limit: int | None = None,
          window: int | None = None) -> bool:
    """Count one more request for the user; False once they are over `limit` in this window."""
    if user_id is None:
        return True
    if limit is None:
        limit = commands_per_window()
    if window is None:
        window = getattr(settings, "PODSCAPE_COMMAND_WINDOW", WINDOW_SECONDS)
    return hit(f"rl:{scope}:{user_id}", window) <= limit


def allow_create(user_id: int | None) -> bool:
    return allow(user_id, "create", getattr(settings, "PODSCAPE_CREATES_PER_MINUTE", 20), 60)


COMPLETE_MESSAGE = "too many Tab completions; wait a few seconds"


def allow_complete(user_id: int | None) -> bool:
    """Tab completion builds on the sandbox's engine: 60 per 10 s is more than any typist presses Tab."""
    return allow(user_id, "complete", getattr(settings, "PODSCAPE_COMPLETIONS_PER_WINDOW", 60))


SIGNUP_MESSAGE = "Too many new accounts from your address; try again in an hour."


def allow_signup(address: str) -> bool:
    """New accounts per client address per hour (PODSCAPE_SIGNUPS_PER_HOUR; raise it for a classroom
    behind one NAT address): each account may hold PODSCAPE_MAX_SANDBOXES sandboxes."""
    return allow(address or "unknown", "signup", getattr(settings, "PODSCAPE_SIGNUPS_PER_HOUR", 20), 3600)


# ---- the engine's work, per learner ------------------------------------------------------------------------
# A line may do WORK_BUDGET units of work (meter.Meter, ~1 s of CPU at most); these bound how much of a
# worker's CPU one learner takes over time, and how many of their commands wait in a worker at once, so
# back-to-back heavy lines or 60 parallel API calls cost the others little (a worker is one Python process:
# a CPU-bound command slows every thread in it).
WORK_MESSAGE = "podscape: your recent commands used this sandbox's share of the machine; wait a few seconds"
IN_FLIGHT_MESSAGE = "podscape: you already have commands running; wait for them to finish"
_in_flight: dict = {}
_in_flight_lock = threading.Lock()


def work_window() -> tuple[int, int]:
    return (getattr(settings, "PODSCAPE_WORK_PER_WINDOW", 16_000_000),
            getattr(settings, "PODSCAPE_COMMAND_WINDOW", WINDOW_SECONDS))


RESERVE = 8_000_000          # work a command books as it starts: half a line's budget (meter.WORK_BUDGET)


def reserve_work(user_id: int | None) -> bool:
    """Book RESERVE units for a command about to run; False (nothing booked) when the learner's share for
    this window is spent. Booking before running makes parallel commands (tabs, workers, API calls) see
    each other: of 60 heavy calls at once, two run, not two per worker."""
    if user_id is None:
        return True
    limit, window = work_window()
    if hit(f"rl:work:{user_id}", window, RESERVE) - RESERVE >= limit:
        hit(f"rl:work:{user_id}", window, -RESERVE)
        return False
    return True


def spend_work(user_id: int | None, units: int) -> None:
    """Settle a command that booked RESERVE: `units` is what it used (the rest is given back)."""
    if user_id is not None and units != RESERVE:
        hit(f"rl:work:{user_id}", work_window()[1], units - RESERVE)


def admit(user_id: int | None, count_command: bool = True) -> str | None:
    """Count one more command (with `count_command`) and book RESERVE units of work for it, in one Redis
    round trip (allow() and reserve_work() took one each): None when it may run, else the message to
    refuse it with (MESSAGE, or WORK_MESSAGE; nothing stays booked). The command finishes with settle()."""
    if user_id is None:
        return None
    limit, window = work_window()
    keys = [(f"rl:work:{user_id}", RESERVE)]
    if count_command:
        keys.append((f"rl:commands:{user_id}", 1))
    counts = hit_many(keys, window)
    refusal = None
    if count_command and counts[1] > commands_per_window():
        refusal = MESSAGE
    elif counts[0] - RESERVE >= limit:
        refusal = WORK_MESSAGE
    if refusal is not None:
        hit(f"rl:work:{user_id}", window, -RESERVE)
    return refusal


def settle(user_id: int | None, units: int) -> None:
    """The command admit() let in used `units` of work (the rest of its booking is given back)."""
    spend_work(user_id, units)


@contextlib.contextmanager
def in_flight(user_id: int | None):
    """At most PODSCAPE_COMMANDS_IN_FLIGHT commands of one learner running or waiting in this worker."""
    limit = getattr(settings, "PODSCAPE_COMMANDS_IN_FLIGHT", 2)
    with _in_flight_lock:
        if user_id is not None and _in_flight.get(user_id, 0) >= limit:
            raise InFlight()
        _in_flight[user_id] = _in_flight.get(user_id, 0) + 1
    try:
        yield
    finally:
        with _in_flight_lock:
            _in_flight[user_id] -= 1
            if _in_flight[user_id] <= 0:
                del _in_flight[user_id]


class InFlight(Exception):
    pass
