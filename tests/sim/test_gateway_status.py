"""Envoy Gateway's statuses, replayed from its translator's golden files (envoyproxy/gateway v1.6.7,
internal/gatewayapi/testdata/*.in.yaml -> *.out.yaml, vendored in tests/sim/data/envoy_gateway).

Each input is created in a sandbox through kubectl the way translator_test.go assembles its resources: the
GatewayClass `envoy-gateway-class`, the fixtures service-1..4 in `default` (ports 8080, 8443, 8163/TCP and
8162/UDP, with a ready endpoint: here a running pod), the file's Services (a ready endpoint where the file
gives one), ReferenceGrants, Gateways and HTTPRoutes. Then every HTTPRoute parent's conditions and every
Gateway listener's conditions, attached routes and supported kinds must equal the golden output's (type,
status, reason, message), in order.
"""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from playground.sim.engine import Engine
from playground.sim.host import HOME

from .gateway_conformance import GATEWAY_API

DATA = Path(__file__).parent / "data" / "envoy_gateway"
CASES = sorted(p.name[: -len(".in.yaml")] for p in DATA.glob("*.in.yaml"))
_BASE: dict | None = None
CLASS = ("apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata:\n  name: envoy-gateway-class\n"
         "spec:\n  controllerName: gateway.envoyproxy.io/gatewayclass-controller\n")


def _base() -> Engine:
    global _BASE
    if _BASE is None:
        e = Engine.new(seed=5)
        for line in ("kubectl create namespace envoy-gateway-system",
                     "kubectl create deployment envoy-gateway -n envoy-gateway-system "
                     "--image=docker.io/envoyproxy/gateway:v1.6.7",
                     f"kubectl apply --server-side -f {GATEWAY_API}"):
            assert e.run(line).exit_code == 0, line
        e.host.files[f"{HOME}/class.yaml"] = CLASS
        assert e.run("kubectl apply -f class.yaml").exit_code == 0
        _BASE = copy.deepcopy(e.to_state())
    return Engine.from_state(copy.deepcopy(_BASE))


def _run(e: Engine, line: str) -> None:
    r = e.run(line, now=e.cluster.now + 1)
    assert r.exit_code == 0, (line, r.output)


def _backed_service(name: str, ns: str, ports: list[dict]) -> list[dict]:
    """A Service with a selector and a running pod behind it (the golden's ready EndpointSlice)."""
    labels = {"app": name}
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
           "spec": {"selector": labels, "ports": ports}}
    dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": ns},
           "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                    "template": {"metadata": {"labels": labels},
                                 "spec": {"containers": [{"name": "app", "image": "nginx"}]}}}}
    return [svc, dep]


def load(name: str) -> tuple[Engine, dict]:
    e = _base()
    given = yaml.safe_load((DATA / f"{name}.in.yaml").read_text())
    want = yaml.safe_load((DATA / f"{name}.out.yaml").read_text())
    slices = given.get("endpointSlices") or given.get("endpointslices") or []
    ready = {(s["metadata"]["namespace"], s["metadata"]["labels"]["kubernetes.io/service-name"])
             for s in slices if any((ep.get("conditions") or {}).get("ready") for ep in s.get("endpoints") or [])}
    ready |= {("default", f"service-{i}") for i in range(1, 5)}   # the fixtures' EndpointSlices stay
    objects: list[dict] = []
    own = {(s["metadata"].get("namespace", "default"), s["metadata"]["name"]) for s in given.get("services") or []}
    for i in range(1, 5):
        if ("default", f"service-{i}") not in own:
            objects += _backed_service(f"service-{i}", "default", [
                {"name": "http", "port": 8080, "targetPort": 8080}, {"name": "https", "port": 8443, "targetPort": 8443},
                {"name": "tcp", "port": 8163, "targetPort": 8163},
                {"name": "udp", "port": 8162, "targetPort": 8162, "protocol": "UDP"}])
    for svc in given.get("services") or []:
        ns = svc["metadata"].get("namespace", "default")
        ports = [{k: v for k, v in p.items() if k != "appProtocol"} for p in svc["spec"].get("ports") or []]
        if (ns, svc["metadata"]["name"]) in ready:
            objects += _backed_service(svc["metadata"]["name"], ns, ports)
        else:
            objects.append({"apiVersion": "v1", "kind": "Service",
                            "metadata": {"name": svc["metadata"]["name"], "namespace": ns}, "spec": {"ports": ports}})
    objects += given.get("referenceGrants") or []
    objects += given.get("gateways") or []
    objects += given.get("httpRoutes") or []
    namespaces = sorted({o["metadata"].get("namespace", "default") for o in objects} - {"default"})
    for ns in namespaces:
        _run(e, f"kubectl create namespace {ns}")
    for k, obj in enumerate(objects):
        obj = copy.deepcopy(obj)
        if obj.get("kind") == "ReferenceGrant":
            obj["apiVersion"] = "gateway.networking.k8s.io/v1beta1"
        e.host.files[f"{HOME}/o{k}.yaml"] = yaml.safe_dump(obj)
        _run(e, f"kubectl apply -f o{k}.yaml")
    _run(e, "true")
    e.run("true", now=e.cluster.now + 10)
    return e, want


def _conds(conds: list | None) -> list[tuple]:
    return [(c["type"], c["status"], c["reason"], c["message"].strip()) for c in conds or []]


@pytest.mark.parametrize("name", CASES)
def test_status_as_envoy_gateway_writes_it(name):
    e, want = load(name)
    problems = []
    for route in want.get("httpRoutes") or []:
        meta = route["metadata"]
        got = e.cluster.get("httproutes", meta.get("namespace", "default"), meta["name"])
        got_parents = (got.get("status") or {}).get("parents") or []
        want_parents = (route.get("status") or {}).get("parents") or []
        if len(got_parents) != len(want_parents):
            problems.append(f"route {meta['name']}: {len(got_parents)} parents, expected {len(want_parents)}")
        for g, w in zip(got_parents, want_parents):
            if _conds(g.get("conditions")) != _conds(w.get("conditions")):
                problems.append(f"route {meta['name']} parent {w.get('parentRef')}:\n  got  "
                                f"{_conds(g.get('conditions'))}\n  want {_conds(w.get('conditions'))}")
    for gw in want.get("gateways") or []:
        meta = gw["metadata"]
        got = e.cluster.get("gateways", meta["namespace"], meta["name"])
        got_listeners = {li["name"]: li for li in (got.get("status") or {}).get("listeners") or []}
        for w in (gw.get("status") or {}).get("listeners") or []:
            g = got_listeners.get(w["name"]) or {}
            if g.get("attachedRoutes") != w.get("attachedRoutes"):
                problems.append(f"gateway {meta['name']} listener {w['name']}: attachedRoutes "
                                f"{g.get('attachedRoutes')}, expected {w.get('attachedRoutes')}")
            if _conds(g.get("conditions")) != _conds(w.get("conditions")):
                problems.append(f"gateway {meta['name']} listener {w['name']}:\n  got  {_conds(g.get('conditions'))}"
                                f"\n  want {_conds(w.get('conditions'))}")
            if g.get("supportedKinds") != w.get("supportedKinds"):
                problems.append(f"gateway {meta['name']} listener {w['name']}: kinds {g.get('supportedKinds')}")
    assert not problems, "\n".join(problems)


def test_unknown_gateway_class_leaves_the_gateway_waiting():
    """A Gateway whose class no controller claims keeps the API server's defaults: Pending, "Waiting for
    controller" (the CRD's status default), and no Envoy is created for it."""
    e = _base()
    e.host.files[f"{HOME}/gw.yaml"] = ("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n"
                                       "  name: lost\nspec:\n  gatewayClassName: nobody\n  listeners:\n"
                                       "  - name: http\n    protocol: HTTP\n    port: 80\n")
    _run(e, "kubectl apply -f gw.yaml")
    gw = e.cluster.get("gateways", "default", "lost")
    assert [(c["type"], c["status"], c["reason"], c["message"]) for c in gw["status"]["conditions"]] == [
        ("Accepted", "Unknown", "Pending", "Waiting for controller"),
        ("Programmed", "Unknown", "Pending", "Waiting for controller")]
    assert not [s for s in e.cluster.list("services", "envoy-gateway-system")]
    out = e.run("kubectl get gateway lost").output.splitlines()
    assert out[0].split() == ["NAME", "CLASS", "ADDRESS", "PROGRAMMED", "AGE"]
    assert out[1].split()[:3] == ["lost", "nobody", "Unknown"]


def test_without_the_controller_nothing_acts():
    """Gateway API objects with no Envoy Gateway running: the class stays Unknown, no proxy appears."""
    e = Engine.new(seed=5)
    assert e.run(f"kubectl apply -f {GATEWAY_API}").exit_code == 0
    e.host.files[f"{HOME}/class.yaml"] = CLASS
    _run(e, "kubectl apply -f class.yaml")
    gc = e.cluster.get("gatewayclasses", None, "envoy-gateway-class")
    assert gc["status"]["conditions"][0]["reason"] == "Pending"
    assert "ACCEPTED" in e.run("kubectl get gatewayclass").output
