"""Where a server command's time goes: services.run_command profiled over the Services lesson's commands.

    .venv/bin/python tests/bench/bench_phases.py [--rounds 5]

Each round is a fresh sandbox of the first Services lesson (so every command is assessed) typing
bench_engine.COMMANDS, on SQLite in a temp dir with the worker's engine cache on. The figures are CPU time of
this process per command on average, split into the phases of services._execute (each timed by wrapping
the function that does it): the row lock, the engine, the assessment and the lesson pane's state,
storing the changed rows, the command record and the sandbox's row, the diagram (rebuilt after a change,
then diffed) and the commit.
"""
from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

LESSON = "services-clusterip-nodeport"


class Phases:
    """CPU time spent inside chosen functions, wrapped in place (no profiler: the figures are what a worker
    spends). A phase's time includes what it calls; none of the wrapped functions calls another."""

    def __init__(self):
        self.spent: dict[str, float] = {}
        self.active = False           # counting only inside run_command (not while sandboxes are made)

    def wrap(self, owner, attr: str, phase: str) -> None:
        fn = getattr(owner, attr)
        self.spent.setdefault(phase, 0.0)

        def timed(*args, **kwargs):
            t0 = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                if self.active:
                    self.spent[phase] += time.process_time() - t0
        setattr(owner, attr, timed)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--postgres", metavar="URL", help="a PostgreSQL database to create, use and drop "
                                                      "(e.g. postgres://postgres@127.0.0.1:5432/podscape_phases)")
    args = ap.parse_args()
    if args.postgres:
        from tests.bench.bench_server import _pg_admin

        name = args.postgres.rsplit("/", 1)[1]
        _pg_admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pg_admin(args.postgres, f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = args.postgres
        try:
            run(args)
        finally:
            from django.db import connections

            connections.close_all()
            _pg_admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='podscape-phases-')}/db.sqlite3"
    run(args)


def run(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings")
    # as a deployment runs: DEBUG's cursor formats and keeps every query, which costs more than the query
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(24))
    os.environ["PODSCAPE_COMMANDS_PER_WINDOW"] = "100000000"
    os.environ["PODSCAPE_CREATES_PER_MINUTE"] = "100000000"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from playground import services, store, topology_delta
    from playground.models import CommandRecord, Sandbox
    from playground.sim.engine import Engine
    from playground.warmup import warm
    from tests.bench.bench_engine import COMMANDS

    call_command("migrate", verbosity=0)
    call_command("loadlessons", verbosity=0)
    warm()
    user = get_user_model().objects.create_user("phases")
    phases = Phases()
    phases.wrap(services, "_locked", "lock the row (select_for_update)")
    phases.wrap(Engine, "run", "engine (Engine.run: shell, kubectl, controllers)")
    phases.wrap(services, "assess", "assessment and the lesson pane's state (lessons: assess_command_and_state)")
    phases.wrap(services, "_quota_error", "object quota check")
    phases.wrap(store, "write_changes", "store the changed rows (store.write_changes)")
    phases.wrap(Sandbox, "save", "save the sandbox row")
    phases.wrap(CommandRecord, "save", "save the command record")
    phases.wrap(topology_delta.Diagram, "advance", "diagram diff (topology_delta.Diagram.advance)")
    total, commands, statements = 0.0, 0, [0]

    def count(execute, sql, params, many, context):     # no debug cursor: it would format every query
        statements[0] += 1
        return execute(sql, params, many, context)
    for r in range(args.rounds):
        box = services.create_sandbox(user, f"phases-{r}", LESSON)
        for line in COMMANDS:
            phases.active = True
            t0 = time.process_time()
            with connection.execute_wrapper(count):
                services.run_command(box.pk, user, line, outbox=[])
            total += time.process_time() - t0
            phases.active = False
            commands += 1
        services.delete_sandbox(box.pk, user)
    per = total / commands * 1000
    print(f"services.run_command on {connection.vendor}, lesson {LESSON!r}: {commands} commands, {per:.2f} ms CPU per command, "
          f"{statements[0] / commands:.1f} SQL statements per command (BEGIN and COMMIT not counted)")
    for phase, spent in phases.spent.items():
        ms = spent / commands * 1000
        print(f"  {ms:6.3f} ms  {ms / per:5.1%}  {phase}")
    other = per - sum(phases.spent.values()) / commands * 1000
    print(f"  {other:6.3f} ms  {other / per:5.1%}  other (the transaction and commit, the ORM's bulk writes, "
          "the rate limit, the result)")


if __name__ == "__main__":
    main()
