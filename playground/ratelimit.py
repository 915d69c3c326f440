"""A small per-user rate limit on commands (a fixed window in Django's cache), so one client cannot
monopolise a worker. Generous enough that nobody typing ever meets it."""
from __future__ import annotations

import time

from django.core.cache import cache

COMMANDS_PER_WINDOW = 120
WINDOW_SECONDS = 10
MESSAGE = "podscape: too many commands; wait a few seconds and try again\n"


def allow(user_id: int | None, scope: str = "commands", limit: int = COMMANDS_PER_WINDOW,
          window: int = WINDOW_SECONDS) -> bool:
    """Count one more request for the user; False once they are over `limit` in this window."""
    if user_id is None:
        return True
    key = f"rl:{scope}:{user_id}:{int(time.time() // window)}"
    if cache.add(key, 1, timeout=window * 2):
        return True
    try:
        count = cache.incr(key)
    except ValueError:         # expired between add and incr
        cache.add(key, 1, timeout=window * 2)
        return True
    return count <= limit
