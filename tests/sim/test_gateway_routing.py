"""Envoy Gateway's quick start end to end (its docs: site/content/en/latest/tasks/quickstart.md, v1.6.7, the
"Without LoadBalancer Support" path), traffic splitting by weight, and what happens to the proxy when its
Gateway goes."""
from __future__ import annotations

import json
import re
from pathlib import Path

from playground.sim.engine import Engine
from playground.sim.host import HOME

from .gateway_conformance import GATEWAY_API

QUICKSTART = Path(__file__).parent / "data" / "envoy_gateway" / "quickstart.yaml"


def quickstart(seed: int = 7) -> Engine:
    e = Engine.new(seed=seed)
    e.host.files[f"{HOME}/quickstart.yaml"] = QUICKSTART.read_text()
    for line in (f"kubectl apply --server-side -f {GATEWAY_API}",
                 "kubectl create namespace envoy-gateway-system",
                 "kubectl create deployment envoy-gateway -n envoy-gateway-system "
                 "--image=docker.io/envoyproxy/gateway:v1.6.7",
                 "kubectl apply -f quickstart.yaml -n default"):
        r = e.run(line, now=e.cluster.now + 2)
        assert r.exit_code == 0, (line, r.output)
    e.run("true", now=e.cluster.now + 20)
    return e


def test_quickstart_statuses_and_objects():
    e = quickstart()
    rows = [line.split() for line in e.run("kubectl get gatewayclass,gateway,httproute").output.splitlines()]
    assert rows[0] == ["NAME", "CONTROLLER", "ACCEPTED", "AGE"]
    assert rows[1][:3] == ["gatewayclass.gateway.networking.k8s.io/eg",
                           "gateway.envoyproxy.io/gatewayclass-controller", "True"]
    assert rows[3] == ["NAME", "CLASS", "ADDRESS", "PROGRAMMED", "AGE"]
    # minikube without `minikube tunnel`: the LoadBalancer has no address, so the Gateway is not Programmed
    assert rows[4][:3] == ["gateway.gateway.networking.k8s.io/eg", "eg", "False"]
    assert rows[6] == ["NAME", "HOSTNAMES", "AGE"]
    assert rows[7][:2] == ["httproute.gateway.networking.k8s.io/backend", '["www.example.com"]']
    out = e.run("kubectl get svc,deploy -n envoy-gateway-system").output
    assert re.search(r"service/envoy-default-eg-e41e7b31\s+LoadBalancer\s+10\.\S+\s+<pending>\s+80:3\d{4}/TCP", out), out
    assert re.search(r"deployment\.apps/envoy-default-eg-e41e7b31\s+1/1\s+1\s+1", out), out
    desc = e.run("kubectl describe gateway eg").output
    assert "Message:               No addresses have been assigned to the Gateway" in desc
    assert "Reason:                AddressNotAssigned" in desc


def test_quickstart_curl_through_envoy():
    e = quickstart()
    r = e.run("export ENVOY_SERVICE=$(kubectl get svc -n envoy-gateway-system --selector=gateway.envoyproxy.io/"
              "owning-gateway-namespace=default,gateway.envoyproxy.io/owning-gateway-name=eg "
              "-o jsonpath='{.items[0].metadata.name}')")
    assert r.exit_code == 0
    assert e.run("echo $ENVOY_SERVICE").output == "envoy-default-eg-e41e7b31\n"
    r = e.run('curl -s --header "Host: www.example.com" http://$(minikube ip):$(kubectl get svc -n '
              'envoy-gateway-system $ENVOY_SERVICE -o jsonpath=\'{.spec.ports[0].nodePort}\')/get')
    body = json.loads(r.output)
    assert body["path"] == "/get" and body["host"] == "www.example.com" and body["namespace"] == "default"
    assert body["pod"].startswith("backend-")
    assert set(body["headers"]) >= {"Accept", "User-Agent", "X-Forwarded-For", "X-Forwarded-Proto", "X-Request-Id"}
    # no route for another host: Envoy's own 404, no body and no server header
    r = e.run("curl -si http://$(minikube ip):$(kubectl get svc -n envoy-gateway-system $ENVOY_SERVICE "
              "-o jsonpath='{.spec.ports[0].nodePort}')/get")
    assert r.output.replace("\r", "").split("\n")[0] == "HTTP/1.1 404 Not Found"
    assert "content-length: 0" in r.output and "server:" not in r.output


SPLIT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: backend-v2}
spec:
  replicas: 1
  selector: {matchLabels: {app: backend-v2}}
  template:
    metadata: {labels: {app: backend-v2}}
    spec:
      containers:
      - name: backend
        image: gcr.io/k8s-staging-gateway-api/echo-basic:v20231214-v1.0.0-140-gf544a46e
        env:
        - name: POD_NAME
          valueFrom: {fieldRef: {fieldPath: metadata.name}}
---
apiVersion: v1
kind: Service
metadata: {name: backend-v2}
spec:
  selector: {app: backend-v2}
  ports: [{name: http, port: 3000, targetPort: 3000}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: backend}
spec:
  parentRefs: [{name: eg}]
  hostnames: ["www.example.com"]
  rules:
  - backendRefs:
    - {name: backend, port: 3000, weight: 90}
    - {name: backend-v2, port: 3000, weight: 10}
"""


def _split_counts(seed: int) -> list[str]:
    e = quickstart(seed)
    e.host.files[f"{HOME}/split.yaml"] = SPLIT
    assert e.run("kubectl apply -f split.yaml", now=e.cluster.now + 1).exit_code == 0
    e.run("true", now=e.cluster.now + 20)
    port = e.cluster.get("services", "envoy-gateway-system", "envoy-default-eg-e41e7b31")["spec"]["ports"][0]["nodePort"]
    r = e.run(f"for i in $(seq 200); do curl -s -H 'Host: www.example.com' http://192.168.49.2:{port}/ | "
              "grep '\"pod\"' | cut -d'\"' -f4 | cut -d- -f1-2; done | sort | uniq -c")
    return r.output.split("\n")


def test_weights_split_traffic_deterministically_per_sandbox():
    counts = _split_counts(7)
    got = {line.split()[1]: int(line.split()[0]) for line in counts if line.strip()}
    assert len(got) == 2 and "backend-v2" in got, counts
    v2 = got["backend-v2"]
    assert 8 <= v2 <= 36, got        # 10% of 200 = 20, binomial sd ~4.2: well inside 4 sd
    assert sum(got.values()) == 200
    assert _split_counts(7) == counts        # the same sandbox seed draws the same way


def test_deleting_the_gateway_removes_its_proxy():
    e = quickstart()
    assert e.cluster.get("services", "envoy-gateway-system", "envoy-default-eg-e41e7b31") is not None
    assert e.run("kubectl delete gateway eg", now=e.cluster.now + 1).exit_code == 0
    e.run("true", now=e.cluster.now + 40)
    out = e.run("kubectl get svc,deploy -n envoy-gateway-system").output
    assert "envoy-default-eg" not in out
