"""Server-path benchmark: `services.run_command` as a worker runs it, database and diagram included.

    .venv/bin/python tests/bench/bench_server.py [--rounds 10]                 # SQLite in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/podscape_bench .venv/bin/python tests/bench/bench_server.py

For a lesson-sized sandbox (the Services lessons' commands) and for the 200-pod, 50-Service cluster of
bench_engine.py, each command goes through the whole path: lock the row, take the worker's cached engine,
run, assess, write the changed rows + meta + a CommandRecord, commit, compute the diagram's diff. Prints
CPU time of this process (what the command costs the worker) and wall time (which includes the
database's own work) as p50/p95/p99. A PostgreSQL DATABASE_URL names a database this script creates and
drops.
"""
from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_engine import percentile  # noqa: E402


def report(name: str, samples: list[float]) -> None:
    print(f"{name:<40} n={len(samples):<5} p50={percentile(samples, .5):7.2f} ms  "
          f"p95={percentile(samples, .95):7.2f} ms  p99={percentile(samples, .99):7.2f} ms")


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    u = urlsplit(url)
    admin = urlunsplit(("postgresql", u.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(sql)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    pg_name = None
    if url.startswith("postgres"):
        pg_name = urlsplit(url).path.lstrip("/")
        _pg_admin(url, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        _pg_admin(url, f'CREATE DATABASE "{pg_name}"')
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='podscape-bench-')}/db.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings")
    # as a deployment runs: DEBUG's cursor formats and keeps every query, which costs more than the query
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(24))
    os.environ["PODSCAPE_COMMANDS_PER_WINDOW"] = "100000000"
    os.environ["PODSCAPE_CREATES_PER_MINUTE"] = "100000000"
    os.environ["PODSCAPE_MAX_OBJECTS"] = "5000"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connections

    from playground import services, store
    from tests.bench import bench_engine as eb

    try:
        call_command("migrate", verbosity=0)
        user = get_user_model().objects.create_user("bench")
        print(f"database: {connections['default'].vendor}; engine cache on; Python {sys.version.split()[0]}")

        def measure(sandbox_id: int, lines: list[str], cpu: list[float], wall: list[float]) -> None:
            for line in lines:
                t0, c0 = time.perf_counter(), time.process_time()
                services.run_command(sandbox_id, user, line, outbox=[])
                cpu.append((time.process_time() - c0) * 1000)
                wall.append((time.perf_counter() - t0) * 1000)

        warm = services.create_sandbox(user, "warm")
        services.run_command(warm.pk, user, "kubectl version --client")
        services.delete_sandbox(warm.pk, user)
        cpu, wall = [], []
        for r in range(args.rounds):
            # one learner's sandbox at a time, as a learner works, so any --rounds stays within
            # settings.PODSCAPE_MAX_SANDBOXES (10 by default)
            box = services.create_sandbox(user, f"lesson-{r}")
            measure(box.pk, eb.COMMANDS, cpu, wall)
            services.delete_sandbox(box.pk, user)
        report("lesson sandbox: command, CPU", cpu)
        report("lesson sandbox: command, wall", wall)

        # The large cluster, stored as a worker would have stored it, then typed at.
        stored, _clock = eb.large_state()
        engine = eb.decode_rows(stored)
        box = services.create_sandbox(user, "large")
        store.write_all(box, engine)
        box.save(update_fields=["meta"])
        cpu, wall, cold = [], [], []
        for r in range(args.rounds):
            store.engines.clear()                    # the first command after another worker wrote
            c0 = time.process_time()
            services.run_command(box.pk, user, "true", outbox=[])
            cold.append((time.process_time() - c0) * 1000)
            measure(box.pk, eb.LARGE_COMMANDS, cpu, wall)
        report(f"large cluster ({len(stored[1])} objects): command, CPU", cpu)
        report("large cluster: command, wall", wall)
        report("large cluster: cold command (reads every row), CPU", cold)
    finally:
        connections.close_all()
        if pg_name:
            _pg_admin(url, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
