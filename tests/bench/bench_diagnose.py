"""Diagnosis benchmark: diagnose_object over every pod, Service, Ingress and policy of a large cluster (what
the diagram's `topology.CAUSE` hook costs per diagram), and one failed request's diagnosis (what a trace
pays in Engine.trace).

    .venv/bin/python tests/bench/bench_diagnose.py [--rounds 5] [--pods 300] [--policies 100]

Prints figures only (no timed asserts).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from playground.sim import controllers, defaults, diagnose  # noqa: E402
from tests.bench.bench_policy import build  # noqa: E402


def add_services(cluster, n: int) -> None:
    namespaces = sorted({p["metadata"]["namespace"] for p in cluster.list("pods")} - {"kube-system"})
    for i in range(n):
        ns = namespaces[i % len(namespaces)]
        obj = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"svc-{i}", "namespace": ns},
               "spec": {"selector": {"app": ["web", "api", "db", "nope"][i % 4]},
                        "ports": [{"port": 80, "targetPort": [80, 8080][i % 2], "protocol": "TCP"}]}}
        obj["spec"]["clusterIP"] = cluster.allocate_cluster_ip()
        defaults.service(obj)
        cluster.put(obj, new=True)
    controllers.reconcile(cluster)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--pods", type=int, default=300)
    ap.add_argument("--policies", type=int, default=100)
    ap.add_argument("--services", type=int, default=60)
    a = ap.parse_args()
    cluster = build(a.pods, a.policies)
    add_services(cluster, a.services)
    objs = [(k, o) for k in ("pods", "services", "ingresses", "networkpolicies") for o in cluster.list(k)]
    times, found = [], 0
    for _ in range(a.rounds):
        t = time.perf_counter()
        found = sum(1 for k, o in objs if diagnose.diagnose_object(cluster, k, o))
        times.append((time.perf_counter() - t) * 1000)
    print(f"diagnose_object over {len(objs)} objects ({a.pods} pods, {a.services} Services, {a.policies} policies): "
          f"median {statistics.median(times):.1f} ms, {found} with a cause")
    trace = {"source": "host", "dest": "192.168.49.2:32000", "verdict": "refused",
             "reason": "nothing listens on port 32000 of the node: no NodePort Service uses it", "hops": []}
    n = 200
    t = time.perf_counter()
    for _ in range(n):
        diagnose.diagnose_trace(cluster, trace)
    print(f"diagnose_trace (a refused NodePort): {(time.perf_counter() - t) * 1000 / n:.2f} ms each")


if __name__ == "__main__":
    main()
