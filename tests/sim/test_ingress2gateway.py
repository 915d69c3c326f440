"""`ingress2gateway print` v1.1.0 with the ingress-nginx provider (kubernetes-sigs/ingress2gateway at v1.1.0:
pkg/i2gw/providers/common/converter.go for names, listeners and rules, providers/ingressnginx/converter.go
for its TLS warning, emitters/standard/standard.go for the URL normalization warning, notifications/report.go
for the boxes, cmd/print.go for the generator annotation and the order of kinds), on lesson 4's Ingresses."""
from __future__ import annotations

import yaml

from playground.sim.engine import Engine

LESSON4 = ["minikube addons enable ingress",
           'kubectl create ingress nginx-app-ingress --rule="/=nginx-app:80" --rule="/hello=newdeploy:8080"',
           'kubectl create ingress multihost --rule="foo.example.com/*=foo:80" --rule="bar.example.com/*=bar:80"']


def lesson4() -> Engine:
    e = Engine.new(seed=2)
    for line in LESSON4:
        assert e.run(line).exit_code == 0, line
    return e


def test_lesson4_ingresses_become_one_gateway_and_a_route_per_ingress_and_host():
    e = lesson4()
    r = e.run("ingress2gateway print --providers=ingress-nginx 2>/dev/null")
    docs = list(yaml.safe_load_all(r.output))
    assert [(d["kind"], d["metadata"]["name"]) for d in docs] == [
        ("Gateway", "nginx"), ("HTTPRoute", "multihost-bar-example-com"), ("HTTPRoute", "multihost-foo-example-com"),
        ("HTTPRoute", "nginx-app-ingress-all-hosts")]
    assert docs[0]["spec"] == {"gatewayClassName": "nginx", "listeners": [
        {"name": "http", "port": 80, "protocol": "HTTP"},
        {"hostname": "bar.example.com", "name": "bar-example-com-http", "port": 80, "protocol": "HTTP"},
        {"hostname": "foo.example.com", "name": "foo-example-com-http", "port": 80, "protocol": "HTTP"}]}
    assert docs[0]["status"] == {} and docs[1]["status"] == {"parents": []}
    assert docs[3]["spec"] == {"parentRefs": [{"name": "nginx"}], "rules": [
        {"backendRefs": [{"name": "nginx-app", "port": 80}], "matches": [{"path": {"type": "Exact", "value": "/"}}]},
        {"backendRefs": [{"name": "newdeploy", "port": 8080}],
         "matches": [{"path": {"type": "Exact", "value": "/hello"}}]}]}
    assert docs[1]["spec"]["hostnames"] == ["bar.example.com"]
    assert docs[1]["spec"]["rules"][0]["matches"] == [{"path": {"type": "PathPrefix", "value": "/"}}]
    assert all(d["metadata"]["annotations"] == {"gateway.networking.k8s.io/generator": "ingress2gateway-1.1.0"}
               for d in docs)
    # YAMLPrinter: keys sorted, `---` between objects, no creationTimestamp (apimachinery v0.35 omits it)
    assert r.output.startswith("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  annotations:\n")
    assert r.output.count("---\n") == 3 and "creationTimestamp" not in r.output


def test_the_report_boxes_go_to_stderr():
    e = lesson4()
    err = e.run("ingress2gateway print --providers=ingress-nginx --no-color 2>&1 >/dev/null").output
    assert err == (
        "┌─ WARN  " + "─" * 40 + "\n│  Ingress NGINX serves TLS traffic for host \"bar.example.com\" with a self-signed "
        "certificate. This behavior will not be translated and the host will not be accessible via HTTPS.\n"
        "│  source: INGRESS-NGINX\n└─\n"
        "┌─ WARN  " + "─" * 40 + "\n│  Ingress NGINX serves TLS traffic for host \"foo.example.com\" with a self-signed "
        "certificate. This behavior will not be translated and the host will not be accessible via HTTPS.\n"
        "│  source: INGRESS-NGINX\n└─\n"
        "┌─ WARN  " + "─" * 40 + "\n│  Gateway API does not support configuring URL normalization (RFC 3986, "
        "Section 6). Please check if this matters for your use case and consult implementation-specific details.\n"
        "│  source: STANDARD_EMITTER\n└─\n")
    coloured = e.run("ingress2gateway print --providers=ingress-nginx 2>&1 >/dev/null").output
    assert coloured.startswith("\033[90m┌─ \033[33mWARN \033[90m ")


def test_without_a_provider_nothing_is_converted():
    e = lesson4()
    assert e.run("ingress2gateway print 2>/dev/null").output == "No resources found in default namespace\n"


def test_the_output_applies_as_gateway_api_objects():
    e = lesson4()
    e.run("kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/"
          "standard-install.yaml")
    e.run("ingress2gateway print --providers=ingress-nginx > gw.yaml 2>/dev/null")
    r = e.run("kubectl apply -f gw.yaml")
    assert r.output == ("gateway.gateway.networking.k8s.io/nginx created\n"
                        "httproute.gateway.networking.k8s.io/multihost-bar-example-com created\n"
                        "httproute.gateway.networking.k8s.io/multihost-foo-example-com created\n"
                        "httproute.gateway.networking.k8s.io/nginx-app-ingress-all-hosts created\n"), r.output


def test_what_is_not_converted_is_refused_plainly():
    e = lesson4()
    e.run("kubectl annotate ingress multihost nginx.ingress.kubernetes.io/rewrite-target=/")
    r = e.run("ingress2gateway print --providers=ingress-nginx")
    assert r.exit_code == 1
    assert "Ingress default/multihost uses ingress-nginx annotations, which the playground's ingress2gateway" in r.output
    assert e.run("ingress2gateway print --providers=kong").output.startswith(
        "ingress2gateway: the playground simulates only the ingress-nginx provider")
    assert e.run("ingress2gateway print --providers=haproxy").output == "Error: haproxy is not a supported provider\n"
