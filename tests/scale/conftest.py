"""Scale tests run real daphne workers. The kind of deployment follows the pass `make test` is in:
DATABASE_URL on PostgreSQL (the second pass) -> PostgreSQL + Redis with two workers; otherwise the
embedded defaults (SQLite, in-memory channel layer, one worker). Tests marked `two_workers` belong to the
PostgreSQL + Redis pass and are deselected in the embedded one. In CI (CI set) PostgreSQL and Redis must
be reachable; elsewhere the tests skip with the reason."""
from __future__ import annotations

import os

import pytest

from .stack import Stack, pgredis_reachable


def kind() -> str:
    return "pgredis" if os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")) else "embedded"


def pytest_configure(config):
    config.addinivalue_line("markers", "two_workers: needs PostgreSQL + Redis and two worker processes")


def pytest_collection_modifyitems(config, items):
    if kind() == "pgredis":
        return
    here = os.path.dirname(__file__)
    keep, drop = [], []
    for item in items:
        (drop if str(item.fspath).startswith(here) and item.get_closest_marker("two_workers") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def make_stack(workers: int = 1, **extra_env) -> Stack:
    k = kind()
    if k == "pgredis":
        ok, why = pgredis_reachable()
        if not ok:
            if os.environ.get("CI"):
                pytest.fail(f"PostgreSQL and Redis are required in CI: {why}")
            pytest.skip(why)
    # The workers re-read what each command stored and compare it with their cached engine (store.verify):
    # a lost write would fail that command instead of hiding in the cache.
    extra_env.setdefault("PODSCAPE_VERIFY_STORE", 1)
    return Stack(k, workers=workers if k == "pgredis" else 1, extra_env={k2: str(v) for k2, v in extra_env.items()})
