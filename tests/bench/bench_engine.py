"""Engine benchmark: per-command latency over the Services lessons' commands, and sandbox creation.

    .venv/bin/python tests/bench/bench_engine.py [--rounds 30]

Each command is measured as a worker runs it (playground/store.py): the engine the worker cached at the
sandbox's version runs the line, then what the command changed is found (resourceVersions) and encoded
with orjson as the rows are written: each changed object, and the small meta (clock, host). A cold
command (another worker wrote last, or a restart) first decodes every stored row; that is reported
separately. Prints p50/p95/p99/max in milliseconds of CPU time; the issue's targets are p95 < 5 ms per
command, < 20 ms for a fresh sandbox and < 10 ms per command on a 200-pod, 50-Service cluster.
The database's own work is not in these figures: tests/bench/load.py measures the whole server.
"""
from __future__ import annotations

import argparse

import orjson
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from playground.sim import delta, resources  # noqa: E402
from playground.sim.cluster import Cluster  # noqa: E402
from playground.sim.engine import Engine  # noqa: E402

OPTS = orjson.OPT_NON_STR_KEYS


def encode_rows(engine: Engine) -> tuple[bytes, list[bytes]]:
    """What storing a sandbox from scratch encodes: the meta and one document per object."""
    meta, objects = delta.split(engine.to_state())
    return orjson.dumps(meta, option=OPTS), [orjson.dumps(o, option=OPTS) for items in objects.values()
                                             for o in items.values()]


def decode_rows(stored: tuple[bytes, list[bytes]]) -> Engine:
    """A cold start: every row decoded and the engine rebuilt."""
    meta, rows = stored
    objects: dict = {}
    for raw in rows:
        o = orjson.loads(raw)
        m = o["metadata"]
        objects.setdefault(resources.for_object(o).plural, {})[Cluster.key(m.get("namespace"), m["name"])] = o
    return Engine.from_state(delta.join(orjson.loads(meta), objects))


def store_changes(engine: Engine, before: delta.Stamps) -> delta.Stamps:
    """What a command's write encodes: the objects whose resourceVersion moved, and the meta."""
    changed, _gone, after = delta.changes(engine.cluster, before)
    objects = engine.cluster.objects
    for plural, key in changed:
        orjson.dumps(objects[plural][key], option=OPTS)
    meta, _ = delta.split(engine.to_state())
    orjson.dumps(meta, option=OPTS)
    return after


def timed_command(engine: Engine, stamps: delta.Stamps, line: str, clock: float) -> tuple[delta.Stamps, float, float]:
    """Run one line as a worker does; (the stamps now, ms of CPU for run + store, ms for the run alone).
    CPU time of this process: what the command costs, whatever else the machine is doing."""
    t0 = time.process_time()
    engine.run(line, now=clock)
    t1 = time.process_time()
    stamps = store_changes(engine, stamps)
    t2 = time.process_time()
    return stamps, (t2 - t0) * 1000, (t1 - t0) * 1000

# Lesson 1 and 2 as a learner types them (including a few detours and mistakes).
COMMANDS = [
    "kubectl create deploy nginx-app --image=nginx:latest --replicas=3",
    "kubectl get pods",
    "kubectl expose deploy nginx-app --port=80",
    "kubectl get service nginx-app",
    "docker ps",
    "kubectl get svc nginx-app -o yaml",
    'kubectl patch service nginx-app -p \'{"spec":{"type":"NodePort","ports":[{"port":80,"nodePort":32000}]}}\'',
    "kubectl get service nginx-app",
    "curl http://$(minikube ip):32000",
    "kubectl describe service nginx-app",
    "kubectl get endpoints nginx-app",
    "kubectl get pods -o wide",
    "kubectl get all -A",
    "kubectl delete service nginx-app",
    "kubectl create service nodeport nginx-app --tcp=80:80",
    "kubectl describe service nginx-app",
    "kubectl create deploy backend --image=mariadb --replicas=1",
    "kubectl expose deploy backend --port=3306",
    "kubectl get svc -o wide",
    "kubectl get pods -l app=nginx-app --show-labels",
    "kubectl describe deploy nginx-app",
    "kubectl scale deploy nginx-app --replicas=5",
    "kubectl get pods | grep nginx-app | wc -l",
    "kubectl expose deploy nginx-app --port=8080 --name=wrong",
    "kubectl get svc nonexistent",
]


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    k = (len(s) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def report(name: str, samples: list[float]) -> None:
    print(f"{name:<34} n={len(samples):<5} p50={percentile(samples, .5):7.2f} ms  "
          f"p95={percentile(samples, .95):7.2f} ms  p99={percentile(samples, .99):7.2f} ms  "
          f"max={max(samples):7.2f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--no-large", action="store_true", help="skip the 200-pod, 50-Service section")
    ap.add_argument("--large-rounds", type=int, default=10)
    args = ap.parse_args()

    # A server process imports every program once, at its first command; measure the steady state.
    t0 = time.perf_counter()
    Engine.new(seed=-1).run("kubectl version --client")
    print(f"first command in a new process (imports): {(time.perf_counter() - t0) * 1000:.0f} ms")
    create, per_cmd, run_only, cold = [], [], [], []
    slowest: dict[str, float] = {}
    for r in range(args.rounds):
        t0 = time.perf_counter()
        engine = Engine.new(seed=r)
        encode_rows(engine)
        create.append((time.perf_counter() - t0) * 1000)
        stamps = delta.stamps(engine.cluster)
        clock = 1_800_000_000.0
        for line in COMMANDS:
            clock += 3
            stamps, total, run = timed_command(engine, stamps, line, clock)
            per_cmd.append(total)
            run_only.append(run)
            slowest[line] = max(slowest.get(line, 0.0), total)
        t0 = time.process_time()
        decode_rows(encode_rows(engine))
        cold.append((time.process_time() - t0) * 1000)
    print(f"engine benchmark: {args.rounds} sandboxes x {len(COMMANDS)} commands, Python {sys.version.split()[0]}")
    report("fresh sandbox (create + encode)", create)
    report("command (run + store changes), CPU", per_cmd)
    report("command (run only), CPU", run_only)
    report("cold load (decode every row), CPU", cold)
    print(f"throughput (one core): {1000 / statistics.mean(per_cmd):.0f} commands/s")
    print("slowest commands (max ms):")
    for line, ms in sorted(slowest.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  {ms:7.2f}  {line}")


# ---- a large cluster: 200 pods behind 50 Services, commands typed from the host and inside a pod ------
LARGE_SERVICES = 50
LARGE_REPLICAS = 4
LARGE_COMMANDS = [
    "kubectl get pods",
    "kubectl get svc",
    "kubectl get endpoints app-17",
    "kubectl describe service app-23",
    "kubectl exec testpod -- nslookup app-31",
    "kubectl exec testpod -- wget -qO- app-42",
    "kubectl exec testpod -- wget --spider app-7.default.svc.cluster.local",
    "kubectl exec testpod -- cat /etc/resolv.conf",
    "kubectl logs testpod",
    "kubectl get pods -l app=app-5 -o wide",
    "kubectl scale deploy app-9 --replicas=5",
    "kubectl label pod testpod tier=debug --overwrite",
    "kubectl get events --field-selector involvedObject.name=testpod",
]


def populate(engine: Engine, clock: float, replicas: list[int], settle: float = 30) -> float:
    """Deployments app-0.. with the given replica counts, a ClusterIP Service each, and the bare pod
    `testpod`, typed as a learner would; returns the clock once they settled."""
    for i, n in enumerate(replicas):
        clock += 1
        engine.run(f"kubectl create deploy app-{i} --image=nginx --replicas={n}", now=clock)
        engine.run(f"kubectl expose deploy app-{i} --port=80", now=clock)
    engine.run("kubectl run testpod --image=busybox -- sleep 3600", now=clock)
    clock += settle
    engine.tick(clock)
    return clock


def large_state() -> tuple[tuple[bytes, list[bytes]], float]:
    from playground.sim import apiserver
    apiserver.MAX_PODS = max(apiserver.MAX_PODS, 1000)   # a learner's sandbox stops at 100 pods; measure past it
    engine = Engine.new(seed=99, now=1_800_000_000.0)
    clock = populate(engine, 1_800_000_000.0, [LARGE_REPLICAS] * LARGE_SERVICES)
    pods = len(engine.cluster.list("pods", "default"))
    assert pods >= LARGE_SERVICES * LARGE_REPLICAS, pods
    return encode_rows(engine), clock


def main_large(rounds: int) -> None:
    stored, clock0 = large_state()
    per_cmd: dict[str, list[float]] = {line: [] for line in LARGE_COMMANDS}
    cpu: list[float] = []
    run_cpu: list[float] = []
    cold: list[float] = []
    for _ in range(rounds):
        c0 = time.process_time()
        engine = decode_rows(stored)          # a worker's first command on this sandbox
        cold.append((time.process_time() - c0) * 1000)
        stamps, clock = delta.stamps(engine.cluster), clock0
        for line in LARGE_COMMANDS:
            clock += 3
            stamps, total, run = timed_command(engine, stamps, line, clock)
            per_cmd[line].append(total)
            cpu.append(total)
            run_cpu.append(run)
    print(f"large cluster: {LARGE_SERVICES * LARGE_REPLICAS + 1} pods, {LARGE_SERVICES} Services, {rounds} rounds "
          f"(target p95 < 10 ms per command)")
    print(f"state: {(len(stored[0]) + sum(map(len, stored[1]))) // 1024} KiB of JSON in {len(stored[1])} rows")
    report("command (run + store changes), CPU", cpu)
    report("command (run only), CPU", run_cpu)
    report("cold load (decode every row), CPU", cold)
    print("per command, CPU p95 (run + store changes):")
    for line, samples in per_cmd.items():
        print(f"  p95={percentile(samples, .95):7.2f} ms  {line}")


if __name__ == "__main__":
    main()
    if "--no-large" not in sys.argv:
        main_large(int(next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--large-rounds=")), "10")))
