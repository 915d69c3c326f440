"""Helpers for the web tests: a state-changing command that works whatever the engine implements yet."""
from __future__ import annotations

import pytest

from tests.conftest import engine_supports

CREATE_DEPLOY = "kubectl create deployment nginx-app --image=nginx --replicas=3"


def _test_create(proc) -> int:
    """`podscape-test-create NAME`: a Deployment of 3 nginx pods through the engine's API server."""
    from playground.sim import apiserver

    name = proc.argv[1]
    labels = {"app": name}
    apiserver.create(proc.cluster, {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default", "labels": labels},
        "spec": {"replicas": 3, "selector": {"matchLabels": labels},
                 "template": {"metadata": {"labels": labels},
                              "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}},
    })
    proc.out(f"deployment.apps/{name} created\n")
    return 0


@pytest.fixture
def create_deploy_line(monkeypatch):
    """A command line that creates Deployment nginx-app: real kubectl when the engine has it, otherwise
    a test program registered in the engine (the tests using this check the plumbing, not kubectl)."""
    if engine_supports("kubectl create deployment probe --image=nginx"):
        return CREATE_DEPLOY
    from playground.sim.programs import PROGRAMS, load_all

    if not PROGRAMS:
        load_all()
    monkeypatch.setitem(PROGRAMS, "podscape-test-create", _test_create)
    return "podscape-test-create nginx-app"
