"""Cost per command as a sandbox grows: 20, 100, 1000 and 3000 pods, engine alone and through the server.

    .venv/bin/python tests/bench/bench_sizes.py [--sizes 20,100,1000,3000] [--rounds 5] [--no-server]

A cluster of N pods is Deployments of up to 100 replicas, each behind a Service, plus one bare pod
(`testpod`). For each size it prints the CPU time per command (median over the rounds) of:
`kubectl get pods -A`, a namespaced read, labelling one pod, a curl to a NodePort and an idle `true`,
as the engine runs them (run + find and encode the changed rows, as bench_engine.py measures) and as
the server runs them (services.run_command on SQLite in a temp dir: lock, cached engine, run, assess,
write the rows, commit, diagram diff), and the server's figures without the diagram's share
(topology_delta.Diagram.advance). Then the time to start N pods (`kubectl create deploy
--replicas=N` and the reconcile that starts them), per pod. The acceptance in issue 16: labelling one pod
at 3000 pods within 3x its cost at 100, and starting 3000 pods within 3x (per pod) of starting 100.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from playground.sim import delta  # noqa: E402
from playground.sim.engine import Engine  # noqa: E402
from playground.sim.limits import Limits  # noqa: E402
from tests.bench.bench_engine import store_changes  # noqa: E402

T0 = 1_800_000_000.0
PER_DEPLOYMENT = 100
# Room for the biggest cluster measured: its pods, and each Deployment's ReplicaSet, Service, Endpoints, slice.
BIG = Limits(max_pods=5000, max_objects=10_000)
COMMANDS = {
    "get pods -A": "kubectl get pods -A",
    "namespaced read": "kubectl get deploy -n default",
    "label one pod": "kubectl label pod testpod tier=t{i} --overwrite",
    "curl": "curl -s http://192.168.49.2:{port}",
    "idle (true)": "true",
}


def build(pods: int) -> tuple[Engine, float, int]:
    """An engine with `pods` pods running (N-1 in Deployments, plus testpod); (engine, clock, NodePort)."""
    engine = Engine.new(seed=7, now=T0, limits=BIG)
    clock, left, i = T0, pods - 1, 0
    while left > 0:
        n = min(PER_DEPLOYMENT, left)
        clock += 1
        engine.run(f"kubectl create deploy app-{i} --image=nginx --replicas={n}", now=clock)
        engine.run(f"kubectl expose deploy app-{i} --port=80{' --type=NodePort' if i == 0 else ''}", now=clock)
        left, i = left - n, i + 1
    engine.run("kubectl run testpod --image=busybox -- sleep 3600", now=clock)
    clock += 60
    engine.tick(clock)
    running = sum(1 for p in engine.cluster.list("pods", "default") if p["status"].get("phase") == "Running")
    assert running == pods, (running, pods)
    port = engine.cluster.get("services", "default", "app-0")["spec"]["ports"][0]["nodePort"]
    return engine, clock, port


def engine_costs(engine: Engine, clock: float, port: int, rounds: int) -> dict[str, float]:
    stamps = delta.stamps(engine.cluster)
    out = {}
    for name, line in COMMANDS.items():
        samples = []
        for i in range(rounds):
            clock += 3
            t0 = time.process_time()
            result = engine.run(line.format(i=i, port=port), now=clock)
            stamps = store_changes(engine, stamps)
            samples.append((time.process_time() - t0) * 1000)
            assert result.exit_code == 0, (line, result.output)
        out[name] = statistics.median(samples)
    return out


def start_cost(pods: int) -> float:
    """ms of CPU per pod to create a Deployment of `pods` replicas and reconcile until all run."""
    engine = Engine.new(seed=3, now=T0, limits=BIG)
    engine.run("true", now=T0)
    t0 = time.process_time()
    engine.run(f"kubectl create deploy big --image=nginx --replicas={pods}", now=T0 + 1)
    engine.run("true", now=T0 + 60)          # the kubelet starts them on the next command's tick
    spent = (time.process_time() - t0) * 1000
    running = sum(1 for p in engine.cluster.list("pods", "default") if p["status"].get("phase") == "Running")
    assert running == pods, (running, pods)
    return spent / pods


class Server:
    """services.run_command on SQLite in a temp dir, with Django set up once."""

    def __init__(self):
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='podscape-sizes-')}/db.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings")
        os.environ["PODSCAPE_COMMANDS_PER_WINDOW"] = "100000000"
        os.environ["PODSCAPE_CREATES_PER_MINUTE"] = "100000000"
        os.environ["PODSCAPE_MAX_PODS"] = str(BIG.max_pods)
        os.environ["PODSCAPE_MAX_OBJECTS"] = str(BIG.max_objects)
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        self.user = get_user_model().objects.create_user("sizes")
        self.n = 0

    def costs(self, engine: Engine, port: int, rounds: int) -> tuple[dict[str, float], dict[str, float]]:
        """(ms of CPU per command, the same without the diagram's rebuild and diff), medians."""
        from playground import services, store, topology_delta

        self.n += 1
        box = services.create_sandbox(self.user, f"size-{self.n}")
        store.write_all(box, engine)
        box.save(update_fields=["meta"])
        services.run_command(box.pk, self.user, "true", outbox=[])     # cached in this worker from here on
        in_diagram = [0.0]

        def timed(fn):
            def wrapper(*args, **kwargs):
                t0 = time.process_time()
                try:
                    return fn(*args, **kwargs)
                finally:
                    in_diagram[0] += time.process_time() - t0
            return wrapper

        advance = topology_delta.Diagram.advance
        topology_delta.Diagram.advance = timed(advance)
        whole, bare = {}, {}
        try:
            for name, line in COMMANDS.items():
                samples, without = [], []
                for i in range(rounds):
                    in_diagram[0] = 0.0
                    t0 = time.process_time()
                    result = services.run_command(box.pk, self.user, line.format(i=i, port=port), outbox=[])
                    spent = time.process_time() - t0
                    samples.append(spent * 1000)
                    without.append((spent - in_diagram[0]) * 1000)
                    assert result["exit_code"] == 0, (line, result["output"])
                whole[name], bare[name] = statistics.median(samples), statistics.median(without)
        finally:
            topology_delta.Diagram.advance = advance
        services.delete_sandbox(box.pk, self.user)
        return whole, bare


def table(title: str, sizes: list[int], rows: dict[int, dict[str, float]]) -> None:
    print(f"\n{title} (ms CPU per command, median)")
    print(f"{'command':<18}" + "".join(f"{n:>10} pods" for n in sizes))
    for name in COMMANDS:
        print(f"{name:<18}" + "".join(f"{rows[n][name]:>15.2f}" for n in sizes))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="20,100,1000,3000")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--no-server", action="store_true")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    Engine.new(seed=-1).run("kubectl version --client")      # imports, once, out of the figures
    server = None if args.no_server else Server()
    eng, srv, bare, built = {}, {}, {}, {}
    for n in sizes:
        t0 = time.process_time()
        engine, clock, port = build(n)
        built[n] = time.process_time() - t0
        eng[n] = engine_costs(engine, clock, port, args.rounds)
        if server:
            srv[n], bare[n] = server.costs(engine, port, args.rounds)
    print(f"Python {sys.version.split()[0]}; {args.rounds} rounds per command; "
          "build: " + ", ".join(f"{n} pods {built[n]:.1f} s" for n in sizes))
    table("engine (run + store changes)", sizes, eng)
    if server:
        table("server (services.run_command, SQLite, diagram included)", sizes, srv)
        table("server without the diagram (its diff after a change: topology_delta.Diagram.advance)", sizes,
              bare)
    print("\nstarting N pods (create deploy --replicas=N, then the reconcile that runs them), ms CPU per pod")
    start = {n: start_cost(n) for n in sizes}
    print("".join(f"{n:>10} pods {start[n]:7.3f}" for n in sizes))
    if 100 in sizes and 3000 in sizes:
        print(f"\nacceptance: label one pod 3000/100 = {eng[3000]['label one pod'] / eng[100]['label one pod']:.1f}x "
              f"engine" + (f", {srv[3000]['label one pod'] / srv[100]['label one pod']:.1f}x server" if server else "")
              + (f" ({bare[3000]['label one pod'] / bare[100]['label one pod']:.1f}x without the diagram)" if server
                 else "") + f" (want <= 3x); start per pod 3000/100 = {start[3000] / start[100]:.1f}x (want <= 3x)")


if __name__ == "__main__":
    main()
