"""Lesson 6 (From Ingress to Gateway API) in headless Chromium, to its end: helm install Envoy Gateway, the
Gateway and the HTTPRoutes of lesson 4's routing, the 90/10 split, the redirect, and the route with a
missing backend read and fixed. The diagram draws GatewayClass -> Gateway -> HTTPRoutes -> Services, the
route not working in red with its condition's words, and each request's path through the Gateway and the
route it took. Saves tests/artifacts/lesson6.png."""
from __future__ import annotations

import itertools
import re

from .conftest import ROOT
from .learner import diagram, lesson_steps, open_lesson, run, sign_up, wait_step_done

ARTIFACTS = ROOT / "tests" / "artifacts"
LEARNERS = itertools.count(1)
PORT = ("export GATEWAY_PORT=$(kubectl get svc -n envoy-gateway-system -l gateway.envoyproxy.io/owning-gateway-name=eg "
        "-o jsonpath='{.items[0].spec.ports[0].nodePort}')")
PATCH = ("kubectl patch httproute www --type=json "
         "-p '[{\"op\":\"replace\",\"path\":\"/spec/rules/0/backendRefs/0/name\",\"value\":\"nginx-app\"}]'")


def step(page, line: str, step_id: str, expect: str | None = None) -> dict:
    r = run(page, line, timeout=30000)
    assert r["exit_code"] == 0, (line, r["output"])
    if expect is not None:
        assert expect in r["output"], (line, r["output"])
    wait_step_done(page, step_id)
    return r


def took(page, route: str, service: str, timeout: float = 10000) -> None:
    """The diagram's last traces include a request Envoy's proxy sent through Gateway eg and `route` to a pod
    of `service` (the path the diagram lights)."""
    page.wait_for_function("""([route, svc]) => window.podscape.traces.some((t) => {
        const g = t.hops.indexOf('gateway/default/eg'), r = t.hops.indexOf('httproute/default/' + route);
        const s = t.hops.indexOf('service/default/' + svc);
        return t.verdict === 'ok' && g >= 0 && r === g + 1 && s === r + 1
          && t.hops[s + 1].startsWith('pod/default/' + svc + '-'); })""", arg=[route, service], timeout=timeout)


def node_data(page, node_id: str) -> dict:
    return page.evaluate("""(id) => { const n = window.podscape.cy.getElementById(id);
        return n.empty() ? null : {classes: n.classes(), cause: n.data('cause') || null}; }""", node_id)


def test_lesson6_in_the_browser(server, page):
    base = server["base"]
    sign_up(page, base, f"gateway{next(LEARNERS)}")
    open_lesson(page, base, "From Ingress to Gateway API")
    page.wait_for_selector("#lesson-pane [data-step]", timeout=10000)
    ids = [s["id"] for s in lesson_steps(page)]
    assert ids[0] == "helm-install" and ids[-1] == "curl-www" and len(ids) == 23

    step(page, "helm install eg oci://docker.io/envoyproxy/gateway-helm --version v1.6.7 -n envoy-gateway-system "
               "--create-namespace", "helm-install", "STATUS: deployed\nREVISION: 1\nTEST SUITE: None\nNOTES:\n")
    step(page, "kubectl wait --timeout=5m -n envoy-gateway-system deployment/envoy-gateway --for=condition=Available",
         "wait-envoy-gateway", "deployment.apps/envoy-gateway condition met")
    step(page, "kubectl get crd", "get-crds", "httproutes.gateway.networking.k8s.io")
    step(page, "ingress2gateway print --providers=ingress-nginx", "ingress2gateway",
         "  name: nginx-app-ingress-all-hosts\n  namespace: default\n")
    step(page, "kubectl apply -f gateway-api/gateway.yaml", "apply-gateway",
         "gatewayclass.gateway.networking.k8s.io/eg created\ngateway.gateway.networking.k8s.io/eg created\n")
    step(page, "kubectl get gateway eg", "get-gateway", "eg     eg")
    step(page, PORT, "export-port")
    assert re.fullmatch(r"3\d{4}\n", run(page, "echo $GATEWAY_PORT")["output"])

    # the diagram: the class, the Gateway with its listener, in the default lane
    page.wait_for_function("""() => ['gatewayclass/eg', 'gateway/default/eg'].every((id) =>
        window.podscape.diagram.drawn.includes(id))""", timeout=10000)
    assert "edge/gatewayclass/eg->gateway/default/eg" in {e["id"] for e in diagram(page)["edges"]}

    step(page, "kubectl apply -f gateway-api/nginx-app-route.yaml", "apply-nginx-app-route")
    r = step(page, "curl http://nginx-app.demo:$GATEWAY_PORT/hello", "curl-hello", "Hello, world!\nVersion: 2.0.0\n")
    took(page, "nginx-app", "newdeploy")
    step(page, "kubectl describe httproute nginx-app", "describe-route")
    step(page, "kubectl apply -f gateway-api/multihost.yaml", "apply-multihost")
    step(page, "curl http://bar.example.com:$GATEWAY_PORT/", "curl-bar", "<h1>It works!</h1>")
    took(page, "bar", "bar")
    edges = {(e["source"], e["target"]): e for e in diagram(page)["edges"]}
    assert edges[("gateway/default/eg", "httproute/default/foo")]["kind"] == "attaches"
    assert edges[("httproute/default/nginx-app", "service/default/newdeploy")]["label"] == "/hello"

    step(page, "kubectl create deployment hello-v1 --image=gcr.io/google-samples/hello-app:1.0", "create-hello-v1")
    step(page, "kubectl expose deployment hello-v1 --port=8080", "expose-hello-v1")
    page.wait_for_timeout(2500)          # hello-app takes about two seconds to start
    step(page, "kubectl apply -f gateway-api/split.yaml", "apply-split")
    page.wait_for_function("""() => window.podscape.diagram.edges.some((e) =>
        e.source === 'httproute/default/hello' && e.target === 'service/default/hello-v1' && e.label === '/ 90%')""")
    r = step(page, "for i in $(seq 1 20); do curl -s http://hello.example.com:$GATEWAY_PORT/ | grep Version; done",
             "curl-split", "Version: 1.0.0")
    versions = r["output"].splitlines()
    assert len(versions) == 20 and versions.count("Version: 1.0.0") >= 14, versions

    step(page, "kubectl apply -f gateway-api/redirect.yaml", "apply-redirect")
    step(page, "curl -i http://old.example.com:$GATEWAY_PORT/", "curl-redirect",
         "HTTP/1.1 301 Moved Permanently\r\nlocation: http://foo.example.com/\r\n")

    # a route whose backend does not exist: drawn red with Envoy Gateway's condition, and Envoy answers 500
    step(page, "kubectl apply -f gateway-api/www.yaml", "apply-www")
    page.wait_for_function("""() => { const n = window.podscape.cy.getElementById('httproute/default/www');
        return n.nonempty() && n.hasClass('unserved') && !!n.data('cause'); }""", timeout=10000)
    www = node_data(page, "httproute/default/www")
    assert www["cause"] == ("BackendNotFound: Failed to process route rule 0 backendRef 0: "
                            "service default/ngnix-app not found."), www
    step(page, "curl -i http://www.example.com:$GATEWAY_PORT/", "curl-www-500", "HTTP/1.1 500 Internal Server Error")
    step(page, "kubectl get httproute www -o yaml", "get-www-yaml", "reason: BackendNotFound")
    step(page, PATCH, "fix-www", "httproute.gateway.networking.k8s.io/www patched")
    page.wait_for_function("""() => { const n = window.podscape.cy.getElementById('httproute/default/www');
        return n.nonempty() && !n.data('cause'); }""", timeout=10000)
    step(page, "curl http://www.example.com:$GATEWAY_PORT/", "curl-www", "<title>Welcome to nginx!</title>")
    took(page, "www", "nginx-app")
    assert all(s["done"] for s in lesson_steps(page)), lesson_steps(page)

    page.wait_for_timeout(600)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "lesson6.png"))
    assert page.errors == [], page.errors
