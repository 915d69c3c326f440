"""Engine benchmark: per-command latency over the Services lessons' commands, and sandbox creation.

    .venv/bin/python tests/bench/bench_engine.py [--rounds 30]

Each command is measured as the server runs it: load the sandbox state (JSON), run the line, dump the
state back to JSON. Prints p50/p95/p99/max in milliseconds; the issue's targets are p95 < 5 ms per
command and < 20 ms for a fresh sandbox.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from playground.sim.engine import Engine  # noqa: E402

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
    args = ap.parse_args()

    create, per_cmd, run_only = [], [], []
    slowest: dict[str, float] = {}
    for r in range(args.rounds):
        t0 = time.perf_counter()
        state = json.dumps(Engine.new(seed=r).to_state())
        create.append((time.perf_counter() - t0) * 1000)
        clock = 1_800_000_000.0
        for line in COMMANDS:
            clock += 3
            t0 = time.perf_counter()
            engine = Engine.from_state(json.loads(state))
            t1 = time.perf_counter()
            engine.run(line, now=clock)
            t2 = time.perf_counter()
            state = json.dumps(engine.to_state())
            t3 = time.perf_counter()
            per_cmd.append((t3 - t0) * 1000)
            run_only.append((t2 - t1) * 1000)
            slowest[line] = max(slowest.get(line, 0.0), (t3 - t0) * 1000)
    print(f"engine benchmark: {args.rounds} sandboxes x {len(COMMANDS)} commands, Python {sys.version.split()[0]}")
    report("fresh sandbox (create + dump)", create)
    report("command (load + run + dump)", per_cmd)
    report("command (run only)", run_only)
    print(f"throughput (one core): {1000 / statistics.mean(per_cmd):.0f} commands/s")
    print("slowest commands (max ms):")
    for line, ms in sorted(slowest.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  {ms:7.2f}  {line}")


if __name__ == "__main__":
    main()
