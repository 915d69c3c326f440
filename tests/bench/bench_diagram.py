"""Diagram benchmark: the live diagram's share of a one-pod write on the server, before and after the
incremental diagram (playground/topology_delta.py).

    .venv/bin/python tests/bench/bench_diagram.py [--rounds 15] [--pods 100,1000,3000]

For each size, a cluster of Deployments (20 replicas each, each with a ClusterIP Service) plus one bare
pod is built directly through the engine (apiserver.MAX_PODS and PODSCAPE_MAX_OBJECTS are raised: a
learner's sandbox stops at 100 pods); a last row adds 500 ClusterIP Services to the 100-pod cluster (the
old cost grew with Services x pods in a namespace). Each cluster is stored as a worker stores it, then
`kubectl label pod testpod round=N --overwrite` goes through services.run_command (SQLite in a temp dir,
engine cache on, the worker's cached engine and diagram warm). Printed: CPU ms (p50 and p95) of the whole command and of its
diagram part (Diagram.advance: the diff the browser gets), and the diagram's share of the command:
  before  topology_delta.INCREMENTAL = False: rebuild every element and diff the two diagrams
  after   the incremental update from the objects the command changed
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_engine import percentile, populate  # noqa: E402

REPLICAS = 20
T0 = 1_800_000_000.0


def build_engine(pods: int, services: int = 0):
    """`pods` pods: Deployments of REPLICAS with a Service each, and the bare pod the benchmark labels;
    then `services` more ClusterIP Services over the same pods (the cost that grew with Services x pods)."""
    from playground.sim import apiserver
    from playground.sim.engine import Engine

    apiserver.MAX_PODS = max(apiserver.MAX_PODS, pods + 10)
    apiserver.MAX_OBJECTS = max(apiserver.MAX_OBJECTS, (pods + services) * 3 + 1000)
    engine = Engine.new(seed=7, now=T0)
    deployments, rest = divmod(pods - 1, REPLICAS)
    clock = populate(engine, T0, [REPLICAS] * deployments + ([rest] if rest else []), settle=60)
    for i in range(services):
        engine.run(f"kubectl create service clusterip extra-{i} --tcp={1000 + i}:80", now=clock)
    engine.tick(clock + 1)
    got = len(engine.cluster.list("pods", "default"))
    assert got == pods, got
    return engine


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--pods", default="100,1000,3000")
    ap.add_argument("--services", default="500", help="extra Services on a 100-pod cluster")
    args = ap.parse_args()
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='podscape-bench-')}/db.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings")
    os.environ["PODSCAPE_COMMANDS_PER_WINDOW"] = "100000000"
    os.environ["PODSCAPE_CREATES_PER_MINUTE"] = "100000000"
    os.environ["PODSCAPE_MAX_OBJECTS"] = "100000"
    os.environ["PODSCAPE_VERIFY_STORE"] = "0"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connections

    from playground import services, store, topology_delta

    timing: list[float] = []
    advance = topology_delta.Diagram.advance

    def timed_advance(self, *a, **kw):
        c0 = time.process_time()
        try:
            return advance(self, *a, **kw)
        finally:
            timing.append((time.process_time() - c0) * 1000)

    topology_delta.Diagram.advance = timed_advance
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench")
    print(f"one-pod label through services.run_command; CPU ms of this process; {args.rounds} rounds; "
          f"Python {sys.version.split()[0]}")
    print(f"{'pods':>5} {'elements':>8}  {'mode':<6}  {'command p50':>11} {'p95':>7}  {'diagram p50':>11} {'p95':>7}"
          f"  {'share':>6}")
    try:
        sizes = [(int(x), 0) for x in args.pods.split(",")] + [(100, int(x)) for x in args.services.split(",") if x]
        for size, extra in sizes:
            engine = build_engine(size, extra)
            if extra:
                print(f"  (the 100-pod cluster with {extra} more Services)")
            box = services.create_sandbox(user, f"pods-{size}-{extra}")
            store.write_all(box, engine)
            box.save(update_fields=["meta"])
            elements = len(topology_delta.Diagram.build(engine).els)
            for mode, incremental in (("before", False), ("after", True)):
                topology_delta.INCREMENTAL = incremental
                store.engines.clear()
                services.run_command(box.pk, user, "kubectl get pods testpod", outbox=[])   # warm the cache
                cmd, diagram = [], []
                for r in range(args.rounds):
                    timing.clear()
                    c0 = time.process_time()
                    services.run_command(box.pk, user, f"kubectl label pod testpod round={mode}-{r} --overwrite",
                                         outbox=[])
                    cmd.append((time.process_time() - c0) * 1000)
                    diagram.append(sum(timing))
                share = 100 * percentile(diagram, .5) / percentile(cmd, .5)
                print(f"{size:>5} {elements:>8}  {mode:<6}  {percentile(cmd, .5):>11.2f} {percentile(cmd, .95):>7.2f}"
                      f"  {percentile(diagram, .5):>11.2f} {percentile(diagram, .95):>7.2f}  {share:>5.1f}%")
    finally:
        topology_delta.INCREMENTAL = True
        connections.close_all()


if __name__ == "__main__":
    main()
