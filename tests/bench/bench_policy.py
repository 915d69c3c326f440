"""NetworkPolicy benchmark: the full pod-to-pod matrix for 300 pods and 100 policies, and one probe.

    .venv/bin/python tests/bench/bench_policy.py [--rounds 10] [--pods 300] [--policies 100]

Prints figures only (no timed asserts). The issue's target: the full matrix in under 500 ms. A probe is
one `policy.evaluate` (with its reasons), measured with a shared Context (as the matrix page and
`podscape why` through a Service use it) and cold (as one network walk's admission check does).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from playground.sim import bootstrap, controllers, defaults, network, policy, wiring  # noqa: E402

T0 = 1_800_000_000.0
APPS = ["web", "api", "db", "cache", "queue", "auth"]


def build(n_pods: int, n_policies: int, seed: int = 7):
    rnd = random.Random(seed)
    wiring.install()         # no Engine here: the walks' NetworkPolicy admission and DNS hooks
    cluster = bootstrap.fresh_cluster(seed, T0, cni="calico")
    namespaces = [f"team-{i}" for i in range(10)]
    for i, ns in enumerate(namespaces):
        obj = {"apiVersion": "v1", "kind": "Namespace",
               "metadata": {"name": ns, "labels": {"team": str(i), "env": "prod" if i % 2 else "dev"}}}
        defaults.apply_defaults("namespaces", obj)
        cluster.put(obj, new=True)
    for i in range(n_pods):
        ns = namespaces[i % len(namespaces)]
        app = APPS[i % len(APPS)]
        labels = {"app": app, "tier": ["front", "back"][i % 2], "shard": str(i % 7)}
        if i % 5 == 0:
            labels["access"] = "true"
        controllers.create_pod(cluster, {
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"{app}-{i}", "namespace": ns, "labels": labels},
            "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [
                {"containerPort": 80, "name": "http", "protocol": "TCP"},
                {"containerPort": 8080, "name": "admin", "protocol": "TCP"}]}]}})
    cluster.now += 30
    controllers.reconcile(cluster)
    for k in range(n_policies):
        ns = namespaces[k % len(namespaces)]
        kind = k % 6
        target = {"matchLabels": {"app": APPS[k % len(APPS)]}}
        if kind == 0:
            spec = {"podSelector": target, "ingress": [{"from": [{"podSelector": {"matchLabels": {"access": "true"}}}]}]}
        elif kind == 1:
            spec = {"podSelector": {"matchExpressions": [{"key": "shard", "operator": "In", "values": ["1", "2", "3"]}]},
                    "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"env": "prod"}},
                                           "podSelector": {"matchLabels": {"tier": "front"}}}],
                                 "ports": [{"port": "http"}]}]}
        elif kind == 2:
            spec = {"podSelector": target, "policyTypes": ["Egress"],
                    "egress": [{"to": [{"namespaceSelector": {}}], "ports": [{"port": 80, "endPort": 90}]},
                               {"to": [{"ipBlock": {"cidr": "10.244.0.0/16", "except": ["10.244.0.0/24"]}}]}]}
        elif kind == 3:
            spec = {"podSelector": {}, "policyTypes": ["Ingress"]}
        elif kind == 4:
            spec = {"podSelector": target, "ingress": [{"from": [{"namespaceSelector": {"matchExpressions": [
                {"key": "team", "operator": "NotIn", "values": [str(rnd.randrange(10))]}]}}]},
                {"ports": [{"port": 8080}]}]}
        else:
            spec = {"podSelector": {"matchLabels": {"tier": "back"}}, "policyTypes": ["Ingress", "Egress"],
                    "ingress": [{}], "egress": [{"to": [{"podSelector": {}}]}]}
        obj = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
               "metadata": {"name": f"pol-{k}", "namespace": ns}, "spec": spec}
        defaults.apply_defaults("networkpolicies", obj)
        cluster.put(obj, new=True)
    return cluster


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--pods", type=int, default=300)
    ap.add_argument("--policies", type=int, default=100)
    ap.add_argument("--probes", type=int, default=2000)
    args = ap.parse_args()
    cluster = build(args.pods, args.policies)
    pods = [p for p in cluster.list("pods") if p["metadata"]["namespace"].startswith("team-")]
    assert len(pods) == args.pods
    n = len(pods)
    print(f"policy benchmark: {n} pods, {len(cluster.list('networkpolicies'))} policies, "
          f"Python {sys.version.split()[0]}")

    for ports in ([(80, "TCP")], [(80, "TCP"), (8080, "TCP"), (53, "UDP")]):
        times = []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            m = policy.matrix(cluster, ports, pods)
            times.append((time.perf_counter() - t0) * 1000)
        denied = sum(n - bin(row).count("1") for row in m.rows[ports[0]])
        label = ", ".join(f"{p}/{pr}" for p, pr in ports)
        print(f"full matrix ({n}x{n}, {label}): median {statistics.median(times):7.1f} ms  "
              f"min {min(times):7.1f} ms  max {max(times):7.1f} ms   ({denied} of {n * n} pairs denied on "
              f"{ports[0][0]}/{ports[0][1]}; target < 500 ms)")
        per_pair = statistics.median(times) * 1000 / (n * n * len(ports))
        print(f"  = {per_pair:.2f} µs per (pair, port)")

    rnd = random.Random(1)
    eps = [policy.pod_endpoint(p) for p in pods]
    pairs = [(rnd.choice(eps), rnd.choice(eps), rnd.choice([80, 8080])) for _ in range(args.probes)]
    m = policy.matrix(cluster, [(80, "TCP"), (8080, "TCP")], pods)
    index = {e.name: i for i, e in enumerate(eps)}
    ctx = policy.Context(cluster)
    t0 = time.perf_counter()
    verdicts = [policy.evaluate(cluster, s, d, port, "TCP", ctx).allowed for s, d, port in pairs]
    warm = (time.perf_counter() - t0) * 1000 / len(pairs)
    agree = sum(v == m.allowed((port, "TCP"), index[s.name], index[d.name])
                for v, (s, d, port) in zip(verdicts, pairs))
    cold = []
    for s, d, port in pairs[:200]:
        t1 = time.perf_counter()
        policy.evaluate(cluster, s, d, port, "TCP")
        cold.append((time.perf_counter() - t1) * 1000)
    walks = []
    for s, d, port in pairs[:200]:
        t1 = time.perf_counter()
        network.walk(cluster, {}, network.pod_source(s.pod), d.ip, 80)
        walks.append((time.perf_counter() - t1) * 1000)
    print(f"one probe with reasons (shared context): {warm * 1000:8.1f} µs mean  (matrix agrees on {agree}/{len(pairs)})")
    print(f"one probe with reasons (cold context):   {statistics.median(cold) * 1000:8.1f} µs median")
    print(f"one network walk pod -> pod IP (admission included): {statistics.median(walks):.2f} ms median")


if __name__ == "__main__":
    main()
