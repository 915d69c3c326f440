"""Shared helpers for the in-cluster tests: an engine driven by real command lines with a moving clock."""
from __future__ import annotations

from playground.sim.engine import Engine

T0 = 1_800_000_000.0


class Sandbox:
    def __init__(self, seed: int = 11):
        self.engine = Engine.new(seed=seed, now=T0)
        self.now = T0

    def run(self, line: str, wait: float = 1.0):
        self.now += wait
        return self.engine.run(line, now=self.now)

    def out(self, line: str, wait: float = 1.0) -> str:
        return self.run(line, wait).output

    def setup(self, *lines: str) -> "Sandbox":
        for line in lines:
            r = self.run(line)
            assert r.exit_code == 0, (line, r.output)
        self.now += 10
        self.engine.tick(self.now)
        return self

    @property
    def cluster(self):
        return self.engine.cluster

    def svc_ip(self, name: str, ns: str = "default") -> str:
        return self.cluster.get("services", ns, name)["spec"]["clusterIP"]

    def pod_ip(self, name: str, ns: str = "default") -> str:
        return self.cluster.get("pods", ns, name)["status"]["podIP"]


def with_testpod(seed: int = 11, *extra: str) -> Sandbox:
    return Sandbox(seed).setup("kubectl create deploy nginx-app --image=nginx:latest --replicas=3",
                               "kubectl expose deploy nginx-app --port=80",
                               "kubectl run testpod --image=busybox -- sleep 3600", *extra)
