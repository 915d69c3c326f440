"""Shared set-up for the write-path tests: a sandbox with the tutorial's nginx-app Deployment and Service."""
from __future__ import annotations

from playground.sim import apiserver
from playground.sim.engine import Engine

HOME = "/home/student"


def sandbox(with_app: bool = True) -> Engine:
    engine = Engine.new(seed=5, now=1_700_000_000)
    if with_app:
        apiserver.create(engine.cluster, {
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "nginx-app", "labels": {"app": "nginx-app"}},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "nginx-app"}},
                     "template": {"metadata": {"labels": {"app": "nginx-app"}},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}}})
        apiserver.create(engine.cluster, {
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": "nginx-app", "labels": {"app": "nginx-app"}},
            "spec": {"selector": {"app": "nginx-app"}, "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}]}})
        engine.tick(1_700_000_030)
    return engine


def write(engine: Engine, path: str, text: str) -> None:
    full = f"{HOME}/{path}"
    engine.host.files[full] = text
    parent = full.rsplit("/", 1)[0]
    while parent and parent not in engine.host.dirs:
        engine.host.dirs.add(parent)
        parent = parent.rsplit("/", 1)[0]
