"""Lesson 6's grading: the gateway_request predicate (what Envoy Gateway's proxy does with a request, by the
same routing.decide that answers curl) and the diagnoses of routes that do not carry traffic."""
from __future__ import annotations

from lessons import predicates
from playground.sim.diagnose_gateway import httproute_problem
from playground.sim.engine import Engine

SETUP = ["helm install eg oci://docker.io/envoyproxy/gateway-helm --version v1.6.7 -n envoy-gateway-system "
         "--create-namespace",
         "kubectl wait --timeout=5m -n envoy-gateway-system deployment/envoy-gateway --for=condition=Available",
         "kubectl apply -f https://github.com/envoyproxy/gateway/releases/download/v1.6.7/quickstart.yaml",
         "kubectl create deploy v2 --image=gcr.io/google-samples/hello-app:2.0",
         "kubectl expose deploy v2 --port=8080",
         "kubectl wait --for=condition=available deploy/backend deploy/v2"]


def route(name: str, spec: str, ns: str = "default") -> str:
    return (f"kubectl apply -f - <<'EOF'\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n"
            f"  name: {name}\n  namespace: {ns}\nspec:\n{spec}EOF")


def sandbox() -> Engine:
    e = Engine.new(seed=6)
    for line in SETUP:
        assert e.run(line).exit_code == 0, line
    return e


def check(e: Engine, **pred) -> str | None:
    return predicates.evaluate("gateway_request", pred, e.cluster)


def test_a_weighted_rule_is_judged_by_its_shares_and_leaves_the_dice_alone():
    e = sandbox()
    e.run(route("split", "  parentRefs: [{name: eg}]\n  hostnames: [split.example.com]\n  rules:\n  - backendRefs:\n"
                         "    - {name: backend, port: 3000, weight: 90}\n    - {name: v2, port: 8080, weight: 10}\n"))
    before = e.cluster.counter
    assert check(e, gateway_request="split.example.com/", service="v2", share=10) is None
    assert check(e, gateway_request="split.example.com/", service="backend", share=90) is None
    assert check(e, gateway_request="split.example.com/", service="v2", share=20) == \
        "v2 gets 10% of the requests for split.example.com/, not 20%"
    assert e.cluster.counter == before


def test_a_redirect_is_judged_by_its_status_and_location():
    e = sandbox()
    e.run(route("moved", "  parentRefs: [{name: eg}]\n  hostnames: [old.example.com]\n  rules:\n  - filters:\n"
                         "    - type: RequestRedirect\n      requestRedirect: {hostname: new.example.com, "
                         "statusCode: 301}\n"))
    assert check(e, gateway_request="old.example.com/x", status=301, location="http://new.example.com/x") is None
    assert check(e, gateway_request="www.example.com/get", status=301) == \
        "a request for www.example.com/get through Gateway eg is answered by a backend, not 301"


def test_a_request_no_route_serves_names_the_route_that_is_not_attached():
    e = sandbox()
    e.run(route("lost", "  parentRefs: [{name: eg, sectionName: https}]\n  hostnames: [lost.example.com]\n"
                        "  rules:\n  - backendRefs: [{name: v2, port: 8080}]\n"))
    why = check(e, gateway_request="lost.example.com/", service="v2")
    assert why.startswith("HTTPRoute lost asks for the listener with sectionName https of Gateway eg, which has no "
                          "such listener (its listeners: http (HTTP 80)): Accepted is False, NoMatchingParent. Fix: ")


def test_diagnoses_of_the_common_mistakes():
    e = sandbox()
    e.run("kubectl create namespace team")
    e.run(route("other", "  parentRefs: [{name: eg, namespace: default}]\n  rules:\n  - backendRefs: "
                         "[{name: v2, port: 8080}]\n", ns="team"))
    e.run(route("nogw", "  parentRefs: [{name: envoy}]\n  rules:\n  - backendRefs: [{name: v2, port: 8080}]\n"))
    e.run(route("typo", "  parentRefs: [{name: eg}]\n  rules:\n  - backendRefs: [{name: backnd, port: 3000}]\n"))

    def cause(ns: str, name: str) -> str:
        return httproute_problem(e.cluster, e.cluster.get("httproutes", ns, name)).cause

    assert "NotAllowedByListeners" in cause("team", "other") and "only from namespace default" in cause("team", "other")
    assert cause("default", "nogw").startswith("HTTPRoute nogw's parentRef names Gateway envoy, which does not exist")
    assert cause("default", "typo") == ("HTTPRoute typo sends to Service backnd, which does not exist in namespace "
                                        "default (did you mean backend?): ResolvedRefs is False, BackendNotFound, and "
                                        "Envoy answers 500 for that share of the requests.")
    assert httproute_problem(e.cluster, e.cluster.get("httproutes", "default", "backend")) is None
    # the fix each proposes works
    d = httproute_problem(e.cluster, e.cluster.get("httproutes", "default", "typo"))
    assert e.run(d.fix).exit_code == 0
    assert httproute_problem(e.cluster, e.cluster.get("httproutes", "default", "typo")) is None
