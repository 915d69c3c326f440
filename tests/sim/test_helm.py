"""`helm` for Envoy Gateway's quick start (envoyproxy/gateway v1.6.7, site/content/en/latest/tasks/
quickstart.md): install the chart, wait for the controller, apply the quickstart.yaml release asset, curl the
Envoy proxy. The rendered objects follow charts/gateway-helm/templates at that tag; helm's output follows
helm v3's `install` (cmd/helm/install.go + pkg/cli/output: NAME, LAST DEPLOYED in time.ANSIC, ...) and
`list` (gosuri/uitable, UPDATED as 2006-01-02 15:04:05.999999999 -0700 MST)."""
from __future__ import annotations

import json
import re

import pytest

from playground.sim.engine import Engine

INSTALL = ("helm install eg oci://docker.io/envoyproxy/gateway-helm --version v1.6.7 -n envoy-gateway-system "
           "--create-namespace")
WAIT = "kubectl wait --timeout=5m -n envoy-gateway-system deployment/envoy-gateway --for=condition=Available"
QUICKSTART = "kubectl apply -f https://github.com/envoyproxy/gateway/releases/download/v1.6.7/quickstart.yaml -n default"


NOW = 1796536800.25          # 2026-12-06 06:00:00.25 UTC


@pytest.fixture
def engine() -> Engine:
    e = Engine.new(seed=5, now=NOW)
    run = e.run
    e.run = lambda line: run(line, now=NOW)          # every command at the same instant: exact times
    return e


def test_install_prints_helms_summary_and_the_charts_notes(engine):
    r = engine.run(INSTALL + " 2>/dev/null")
    assert r.exit_code == 0
    assert r.output.startswith("NAME: eg\nLAST DEPLOYED: Sun Dec  6 06:00:00 2026\nNAMESPACE: envoy-gateway-system\n"
                               "STATUS: deployed\nREVISION: 1\nTEST SUITE: None\nNOTES:\n"
                               "**************************************************************************\n")
    assert "Your release is named: eg. 🎉\n" in r.output
    assert "  $ helm status eg -n envoy-gateway-system\n" in r.output


def test_install_says_what_the_playground_leaves_out(engine):
    r = engine.run(INSTALL + " >/dev/null")
    assert r.output == ("Pulled: docker.io/envoyproxy/gateway-helm:v1.6.7\n"
                        "Podscape: this chart's Envoy Gateway policy CRDs (gateway.envoyproxy.io), its RBAC objects, "
                        "its certgen Job and its topology webhook are not simulated; the Gateway API CRDs installed "
                        "are the v1.4.1 standard channel.\n")


def test_the_controller_becomes_available_with_the_charts_objects(engine):
    engine.run(INSTALL)
    assert engine.run(WAIT).output == "deployment.apps/envoy-gateway condition met\n"
    dep = json.loads(engine.run("kubectl get deploy envoy-gateway -n envoy-gateway-system -o json").output)
    assert dep["metadata"]["labels"] == {
        "control-plane": "envoy-gateway", "helm.sh/chart": "gateway-helm-v1.6.7",
        "app.kubernetes.io/name": "gateway-helm", "app.kubernetes.io/instance": "eg",
        "app.kubernetes.io/version": "v1.6.7", "app.kubernetes.io/managed-by": "Helm"}
    c = dep["spec"]["template"]["spec"]["containers"][0]
    assert c["image"] == "docker.io/envoyproxy/gateway:v1.6.7"
    assert c["args"] == ["server", "--config-path=/config/envoy-gateway.yaml"]
    svc = engine.run("kubectl get svc envoy-gateway -n envoy-gateway-system --no-headers").output
    assert "18000/TCP,18001/TCP,18002/TCP,19001/TCP,9443/TCP" in svc
    crds = engine.run("kubectl get crd -o name").output
    assert "customresourcedefinition.apiextensions.k8s.io/httproutes.gateway.networking.k8s.io" in crds
    cm = engine.run("kubectl get cm envoy-gateway-config -n envoy-gateway-system "
                    "-o jsonpath='{.data.envoy-gateway\\.yaml}'").output
    assert "controllerName: gateway.envoyproxy.io/gatewayclass-controller" in cm


def test_quick_start_end_to_end_reaches_the_echo_backend(engine):
    engine.run(INSTALL)
    engine.run(WAIT)
    assert engine.run(QUICKSTART).exit_code == 0
    engine.run("kubectl wait --for=condition=available deploy/backend")
    svc = engine.run("kubectl get svc -n envoy-gateway-system --selector=gateway.envoyproxy.io/owning-gateway-"
                     "namespace=default,gateway.envoyproxy.io/owning-gateway-name=eg "
                     "-o jsonpath='{.items[0].metadata.name}'").output
    assert svc == "envoy-default-eg-e41e7b31"
    port = engine.run(f"kubectl get svc -n envoy-gateway-system {svc} -o jsonpath='{{.spec.ports[0].nodePort}}'").output
    r = engine.run(f"curl -s -H 'Host: www.example.com' http://$(minikube ip):{port}/get")
    body = json.loads(r.output)
    assert body["path"] == "/get" and body["host"] == "www.example.com" and body["pod"].startswith("backend-")


def test_without_the_controller_the_gateway_stays_unknown(engine):
    """Before the controller's pod is ready (no wait), nothing writes statuses."""
    engine.run("kubectl create ns envoy-gateway-system")
    engine.run("kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/"
               "v1.4.1/standard-install.yaml")
    engine.run(QUICKSTART)
    out = engine.run("kubectl get gatewayclass eg --no-headers").output
    assert "Unknown" in out


def test_list_shows_the_release_as_helm_list_does(engine):
    engine.run(INSTALL)
    out = engine.run("helm list -A").output
    assert out == ("NAME\tNAMESPACE           \tREVISION\tUPDATED                         \tSTATUS  \tCHART              "
                   "\tAPP VERSION\neg  \tenvoy-gateway-system\t1       \t2026-12-06 06:00:00.25 +0000 UTC\tdeployed\t"
                   "gateway-helm-v1.6.7\tv1.6.7     \n")
    assert engine.run("helm list").output == "NAME\tNAMESPACE\tREVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\n"
    record = engine.run("kubectl get secret -n envoy-gateway-system -l owner=helm -o name").output
    assert record == "secret/sh.helm.release.v1.eg.v1\n"


def test_uninstall_removes_the_release_but_keeps_crds_and_namespace(engine):
    engine.run(INSTALL)
    assert engine.run("helm uninstall eg -n envoy-gateway-system").output == 'release "eg" uninstalled\n'
    assert engine.run("kubectl get deploy,svc,cm,sa -n envoy-gateway-system -l app.kubernetes.io/instance=eg "
                      "-o name").output == ""
    assert engine.run("helm list -A").output.count("\n") == 1
    assert "gateways.gateway.networking.k8s.io" in engine.run("kubectl get crd").output
    r = engine.run("helm uninstall eg -n envoy-gateway-system")
    assert (r.exit_code, r.output) == (1, "Error: uninstall: Release not loaded: eg: release: not found\n")


def test_installing_twice_or_into_a_missing_namespace_fails_as_helm_does(engine):
    r = engine.run(INSTALL.replace(" --create-namespace", "") + " 2>&1 | grep Error")
    assert r.output == 'Error: INSTALLATION FAILED: create: failed to create: namespaces "envoy-gateway-system" not found\n'
    engine.run(INSTALL)
    r = engine.run(INSTALL + " 2>&1 | grep Error")
    assert r.output == "Error: INSTALLATION FAILED: cannot re-use a name that is still in use\n"


@pytest.mark.parametrize("line", ["helm repo add bitnami https://charts.bitnami.com/bitnami",
                                  "helm install web oci://registry-1.docker.io/bitnamicharts/nginx",
                                  "helm install eg oci://docker.io/envoyproxy/gateway-helm --version v1.5.0"])
def test_other_charts_and_commands_are_refused_plainly(engine, line):
    r = engine.run(line)
    assert r.exit_code == 1
    assert re.match(r"helm: the playground simulates only `helm install\|list\|status\|uninstall\|version`", r.output)


def test_version(engine):
    assert engine.run("helm version").output == (
        'version.BuildInfo{Version:"v3.19.0", GitCommit:"3d8990f0836691f0229297773f3524598f46bda6", '
        'GitTreeState:"clean", GoVersion:"go1.24.7"}\n')


def test_status_prints_the_install_summary_again(engine):
    install = engine.run(INSTALL + " 2>/dev/null").output
    assert engine.run("helm status eg -n envoy-gateway-system").output == install
    r = engine.run("helm status eg")
    assert (r.exit_code, r.output) == (1, "Error: release: not found\n")
    assert engine.run("kubectl get ns envoy-gateway-system --show-labels --no-headers").output.split()[-1] == \
        "kubernetes.io/metadata.name=envoy-gateway-system,name=envoy-gateway-system"


def test_the_controller_answers_its_probes_and_the_proxy_shutdown_manager_does_not_borrow_them(engine):
    """controller-runtime's /readyz on 8081 (the chart's readinessProbe); Envoy's pods run the same image as
    `envoy-gateway envoy shutdown-manager`, which serves only 19002."""
    from playground.sim import processes
    engine.run(INSTALL)
    engine.run(WAIT)
    engine.run(QUICKSTART)
    pods = {p["metadata"]["name"].split("-")[1]: p for p in engine.cluster.list("pods", "envoy-gateway-system")}
    listening = {k: [port for port in (8081, 10080, 19002) if processes.listener(p, port)] for k, p in pods.items()}
    assert listening == {"gateway": [8081], "default": [10080, 19002]}
    from playground.sim.probes import readiness_failure
    controller = pods["gateway"]
    assert readiness_failure(engine.cluster, controller, controller["spec"]["containers"][0]) is None
