"""Where a server command's time goes: the socket's command path profiled over the Services lesson's commands.

    .venv/bin/python tests/bench/bench_phases.py [--rounds 5]          # SQLite in a temp dir, local cache
    .venv/bin/python tests/bench/bench_phases.py --pg [--pg-url URL] [--redis-url URL]
                                                   # PostgreSQL (a database it creates and drops) + Redis

Each round is a fresh sandbox of the first Services lesson (so every command is assessed) typing
bench_engine.COMMANDS through what a WebSocket command runs on the command thread
(consumers._in_thread_context(SandboxConsumer._run_sync, services.run_command, ...): rate limit, then
services.run_command), with the worker's engine cache on. Figures are CPU time of this process (the
database's and Redis's own CPU is not in them), p50/p95/p99 per command of each phase (each timed by
wrapping the function that does it), SQL statements per command (BEGIN/COMMIT not counted) and Redis round
trips per command (a pipeline or a script is one).
"""
from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

LESSON = "services-clusterip-nodeport"
PG_URL = "postgres://postgres@127.0.0.1:5432/podscape_phases"
REDIS_URL = "redis://127.0.0.1:6379/14"


class Phases:
    """CPU time spent inside chosen functions, wrapped in place (no profiler: the figures are what a worker
    spends). A phase's time includes what it calls; a wrapped function called inside another phase's is
    counted once, by the outermost phase."""

    def __init__(self):
        self.now: dict[str, float] = {}       # this command's time per phase
        self.per_command: dict[str, list[float]] = {}
        self.active = False                   # counting only inside a command (not while sandboxes are made)
        self.depth = 0

    def wrap(self, owner, attr: str, phase: str) -> None:
        fn = getattr(owner, attr, None)
        if fn is None:                        # a function this version of the code does not have
            return
        self.per_command.setdefault(phase, [])

        def timed(*args, **kwargs):
            if not self.active or self.depth:
                return fn(*args, **kwargs)
            self.depth += 1
            t0 = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.depth -= 1
                self.now[phase] = self.now.get(phase, 0.0) + time.process_time() - t0
        setattr(owner, attr, timed)

    def end_command(self) -> None:
        for phase, spent in self.per_command.items():
            spent.append(self.now.get(phase, 0.0))
        self.now = {}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--pg", action="store_true", help="PostgreSQL + Redis instead of SQLite + the local cache")
    ap.add_argument("--pg-url", default=PG_URL, help="a PostgreSQL database to create, use and drop")
    ap.add_argument("--redis-url", default=REDIS_URL, help="the Redis for the rate limit's cache (with --pg)")
    args = ap.parse_args()
    if args.pg:
        from tests.bench.bench_server import _pg_admin

        name = args.pg_url.rsplit("/", 1)[1]
        _pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pg_admin(args.pg_url, f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = args.pg_url
        os.environ["REDIS_URL"] = args.redis_url
        os.environ["CACHE_KEY_PREFIX"] = "bench-phases-" + secrets.token_hex(4)
        try:
            run(args)
        finally:
            from django.db import connections

            connections.close_all()
            _pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='podscape-phases-')}/db.sqlite3"
    os.environ.pop("REDIS_URL", None)
    run(args)


def run(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings")
    # as a deployment runs: DEBUG's cursor formats and keeps every query, which costs more than the query
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(24))
    os.environ["PODSCAPE_COMMANDS_PER_WINDOW"] = "100000000"
    os.environ["PODSCAPE_CREATES_PER_MINUTE"] = "100000000"
    os.environ["PODSCAPE_WORK_PER_WINDOW"] = "100000000000"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from playground import consumers, ratelimit, services, store, topology_delta
    from playground.models import CommandRecord, Sandbox
    from playground.sim.engine import Engine
    from playground.warmup import warm
    from tests.bench.bench_engine import COMMANDS

    call_command("migrate", verbosity=0)
    call_command("loadlessons", verbosity=0)
    warm()
    user = get_user_model().objects.create_user("phases-" + secrets.token_hex(4))
    phases = Phases()
    rate = "rate limit (ratelimit: commands, engine work)"
    for name in ("allow", "reserve_work", "spend_work", "admit", "settle"):
        phases.wrap(ratelimit, name, rate)
    load = "load the sandbox (read the row / cached engine)"
    phases.wrap(services, "_engine_entry", load)
    phases.wrap(services, "_locked", "lock the row (select_for_update)")
    phases.wrap(Engine, "run", "engine (Engine.run: shell, kubectl, controllers)")
    phases.wrap(services, "assess", "assessment and the lesson pane's state")
    phases.wrap(services, "_quota_error", "quota checks")
    phases.wrap(services, "_bytes_error", "quota checks")
    save = "save (changed rows, sandbox row, command record)"
    phases.wrap(store, "write_changes", save)
    phases.wrap(Sandbox, "save", save)
    phases.wrap(services, "_save_sandbox", save)
    phases.wrap(CommandRecord, "save", save)
    phases.wrap(services, "_record", save)
    phases.wrap(topology_delta.Diagram, "advance", "diagram diff (topology_delta.Diagram.advance)")

    statements, round_trips = [0], [0]

    def count(execute, sql, params, many, context):     # no debug cursor: it would format every query
        statements[0] += 1
        return execute(sql, params, many, context)
    try:
        from redis.connection import Connection as RedisConnection

        send = RedisConnection.send_packed_command

        def counted_send(self, *a, **kw):               # one send per command or pipeline: a round trip
            round_trips[0] += 1
            return send(self, *a, **kw)
        RedisConnection.send_packed_command = counted_send  # type: ignore[method-assign]
    except ImportError:
        pass

    socket = consumers.SandboxConsumer()
    socket.scope = {"user": user}
    totals: list[float] = []
    sql_per: list[int] = []
    redis_per: list[int] = []
    for r in range(args.rounds):
        box = services.create_sandbox(user, f"phases-{r}", LESSON)
        socket.sandbox_id = box.pk
        for line in COMMANDS:
            statements[0] = round_trips[0] = 0
            phases.active = True
            t0 = time.process_time()
            with connection.execute_wrapper(count):
                consumers._in_thread_context(socket._run_sync, services.run_command, line, [], True, {"session": "1"})
            totals.append(time.process_time() - t0)
            phases.active = False
            phases.end_command()
            sql_per.append(statements[0])
            redis_per.append(round_trips[0])
        services.delete_sandbox(box.pk, user)
    n = len(totals)
    ms = [t * 1000 for t in totals]
    backend = connection.vendor + (" + Redis" if os.environ.get("REDIS_URL") else " + local-memory cache")
    print(f"socket command path on {backend}, lesson {LESSON!r}: {n} commands, CPU ms per command "
          f"p50 {pct(ms, 50):.2f} / p95 {pct(ms, 95):.2f} / p99 {pct(ms, 99):.2f} (mean {statistics.mean(ms):.2f})")
    print(f"  SQL statements per command (BEGIN/COMMIT not counted): mean {statistics.mean(sql_per):.2f}, "
          f"max {max(sql_per)};  Redis round trips per command: mean {statistics.mean(redis_per):.2f}, "
          f"max {max(redis_per)}")
    print(f"  {'phase':58} {'p50':>7} {'p95':>7} {'p99':>7} {'mean':>7}")
    accounted = [0.0] * n
    for phase, spent in phases.per_command.items():
        values = [s * 1000 for s in spent]
        accounted = [a + v for a, v in zip(accounted, values)]
        print(f"  {phase:58} {pct(values, 50):7.3f} {pct(values, 95):7.3f} {pct(values, 99):7.3f} "
              f"{statistics.mean(values):7.3f}")
    rest = [t - a for t, a in zip(ms, accounted)]
    print(f"  {'the rest (transaction, commit, lesson stamp, result...)':58} {pct(rest, 50):7.3f} "
          f"{pct(rest, 95):7.3f} {pct(rest, 99):7.3f} {statistics.mean(rest):7.3f}")


if __name__ == "__main__":
    main()
