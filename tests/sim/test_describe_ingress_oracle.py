"""`kubectl describe ingress` against real kubectl v1.35: the same objects served to the real binary (through
tests/tools/fake_apiserver.py) and to the playground's kubectl print the same text.

The fake server does not filter by label or field selectors, so it is given just the objects describe
would select: the Ingress, the Services, the EndpointSlices of the Services that have them and the
Ingress's own events. Event ages depend on each side's clock and are compared by shape."""
from __future__ import annotations

import re
import time

import pytest

from playground.sim.engine import Engine
from playground.sim.programs import load_all
from tests.sim.test_oracle_diff import oracle, simulate
from tests.tools.fake_apiserver import FakeApiServer

load_all()      # every program, not just kubectl (test_oracle_diff imports kubectl alone)
AGE_COLUMN = re.compile(r"^(  Normal  Sync    )(\S+(?: \(x\d+ over \S+\))?)( +)", re.M)


def scenario(*lines: str) -> Engine:
    start = time.time() - 120
    e = Engine.new(seed=4, now=start)
    for i, line in enumerate(lines):
        r = e.run(line, now=start + 3 * (i + 1))
        assert r.exit_code == 0, (line, r.output)
    e.tick(time.time())
    return e


def served_objects(e: Engine, ingress: str) -> list[dict]:
    c = e.cluster
    ing = c.get("ingresses", "default", ingress)
    uid = ing["metadata"]["uid"]
    events = [ev for ev in c.list("events", "default") if ev["involvedObject"].get("uid") == uid]
    return [ing] + c.list("services", "default") + c.list("endpointslices", "default") + events


def same_describe(binary: str, e: Engine, args: list[str]) -> tuple[str, str]:
    with FakeApiServer(served_objects(e, args[-1])) as srv:
        want = oracle(binary, args, kubeconfig=srv.kubeconfig)
    got = simulate(args, e)
    assert (got[1], got[2]) == (want[1], want[2])
    return got[0], want[0]


@pytest.mark.parametrize("commands", [
    # the tutorial's first Ingress: one backend with three endpoints, one Service that does not exist
    ["kubectl create deploy nginx-app --image=nginx --replicas=3", "kubectl expose deploy nginx-app --port=80",
     "minikube addons enable ingress",
     'kubectl create ingress nginx-app-ingress --rule="/=nginx-app:80" --rule="/hello=newdeploy:8080"'],
    # hosts, TLS, a default backend, annotations, a named port
    ["kubectl create deploy web --image=nginx --replicas=4", "kubectl expose deploy web --port=80 --name=web",
     "minikube addons enable ingress",
     'kubectl create ingress nginx-app-ingress --rule="foo.example.com/*=web:80,tls=cert" '
     '--rule="bar.example.com/api=web:80" --default-backend=web:80 --annotation=team=blue'],
], ids=["tutorial", "hosts-tls-default"])
def test_describe_ingress_matches_kubectl(kubectl_oracle, commands):
    e = scenario(*commands)
    got, want = same_describe(kubectl_oracle, e, ["describe", "ingress", "nginx-app-ingress"])
    norm = lambda t: AGE_COLUMN.sub(lambda m: m.group(1) + "AGE ", t).replace(" " * 3, " ")   # noqa: E731
    assert re.sub(r" +", " ", norm(got)) == re.sub(r" +", " ", norm(want))
    # outside the Events table, byte for byte
    assert got.split("Events:")[0] == want.split("Events:")[0]
