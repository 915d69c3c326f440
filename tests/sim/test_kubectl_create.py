"""kubectl's object-creating commands against the simulated cluster: what they store, allocate and refuse.

These go through the whole engine (`engine.run(line)`), as the learner's terminal does. Byte-for-byte
comparisons with real kubectl live in test_oracle_diff.py; here the checks are about the cluster's state
and the API server's answers, which the oracle cannot give without a cluster.
"""
from __future__ import annotations

import ipaddress

import pytest

from playground.sim.engine import Engine
from playground.sim.validation.services import validate_service

NOW = 1_764_281_000


@pytest.fixture
def engine():
    return Engine.new(seed=21, now=NOW)


def run(engine, line):
    r = engine.run(line)
    return r.output, r.exit_code


def svc(engine, name, ns="default"):
    return engine.cluster.get("services", ns, name)


# ---- create deployment ---------------------------------------------------------------------------
def test_create_deployment_stores_it_and_its_pods_start(engine):
    out, code = run(engine, "kubectl create deployment nginx-app --image=nginx --replicas=3 --port=80")
    assert (out, code) == ("deployment.apps/nginx-app created\n", 0)
    d = engine.cluster.get("deployments", "default", "nginx-app")
    assert d["spec"]["replicas"] == 3
    assert d["spec"]["selector"] == {"matchLabels": {"app": "nginx-app"}}
    c = d["spec"]["template"]["spec"]["containers"][0]
    assert (c["name"], c["image"], c["ports"][0]["containerPort"]) == ("nginx", "nginx", 80)
    pods = [p for p in engine.cluster.list("pods", "default") if p["metadata"]["labels"].get("app") == "nginx-app"]
    assert len(pods) == 3


def test_create_deployment_twice_is_already_exists(engine):
    run(engine, "kubectl create deploy web --image=nginx")
    out, code = run(engine, "kubectl create deploy web --image=nginx")
    assert (out, code) == ('error: failed to create deployment: deployments.apps "web" already exists\n', 1)


def test_create_deployment_with_an_invalid_name_is_refused_by_the_api_server(engine):
    out, code = run(engine, "kubectl create deploy Web_1 --image=nginx")
    assert code == 1
    assert out.startswith('error: failed to create deployment: Deployment.apps "Web_1" is invalid: '
                          'metadata.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain')
    assert engine.cluster.get("deployments", "default", "Web_1") is None


def test_create_in_a_missing_namespace(engine):
    out, code = run(engine, "kubectl create deploy web --image=nginx -n nope")
    assert (out, code) == ('error: failed to create deployment: namespaces "nope" not found\n', 1)


def test_dry_run_client_changes_nothing(engine):
    before = engine.cluster.resource_version
    out, code = run(engine, "kubectl create deploy web --image=nginx --dry-run=client")
    assert (out, code) == ("deployment.apps/web created (dry run)\n", 0)
    assert engine.cluster.resource_version == before


def test_dry_run_server_validates_without_storing(engine):
    out, code = run(engine, "kubectl create svc nodeport web --tcp=80 --node-port=32000 --dry-run=server")
    assert (out, code) == ("service/web created (server dry run)\n", 0)
    assert svc(engine, "web") is None
    out, code = run(engine, "kubectl create svc nodeport web --tcp=80 --node-port=40000 --dry-run=server")
    assert code == 1 and "provided port is not in the valid range" in out


def test_real_create_prints_the_stored_object(engine):
    out, code = run(engine, "kubectl create svc clusterip web --tcp=80:8080 -o yaml")
    assert code == 0
    stored = svc(engine, "web")
    assert f"  clusterIP: {stored['spec']['clusterIP']}\n" in out
    assert f'  resourceVersion: "{stored["metadata"]["resourceVersion"]}"\n' in out
    assert "  namespace: default\n" in out and "creationTimestamp: \"" in out


# ---- services: allocation and validation ---------------------------------------------------------------
def test_cluster_ips_come_from_the_service_range_and_are_unique(engine):
    ips = set()
    for i in range(5):
        _, code = run(engine, f"kubectl create svc clusterip s{i} --tcp=80")
        assert code == 0
        spec = svc(engine, f"s{i}")["spec"]
        assert spec["clusterIPs"] == [spec["clusterIP"]]
        ips.add(spec["clusterIP"])
    assert len(ips) == 5
    assert all(ipaddress.ip_address(ip) in ipaddress.ip_network("10.96.0.0/12") for ip in ips)
    assert not ips & {"10.96.0.1", "10.96.0.10"}


def test_node_port_requested_then_already_allocated(engine):
    out, code = run(engine, "kubectl create service nodeport nginx-app --tcp=80:80 --node-port=32000")
    assert (out, code) == ("service/nginx-app created\n", 0)
    assert svc(engine, "nginx-app")["spec"]["ports"][0]["nodePort"] == 32000
    out, code = run(engine, "kubectl create service nodeport other --tcp=80:80 --node-port=32000")
    assert (out, code) == ('error: failed to create NodePort service: Service "other" is invalid: '
                           'spec.ports[0].nodePort: Invalid value: 32000: provided port is already allocated\n', 1)


def test_node_port_out_of_range(engine):
    out, code = run(engine, "kubectl create service nodeport web --tcp=80 --node-port=32768")
    assert (out, code) == ('error: failed to create NodePort service: Service "web" is invalid: '
                           "spec.ports[0].nodePort: Invalid value: 32768: provided port is not in the valid range. "
                           "The range of valid ports is 30000-32767\n", 1)


def test_node_ports_are_allocated_in_range_one_per_port(engine):
    run(engine, "kubectl create svc nodeport web --tcp=80,443")
    run(engine, "kubectl create svc loadbalancer lb --tcp=8080")
    ports = [p["nodePort"] for s in ("web", "lb") for p in svc(engine, s)["spec"]["ports"]]
    assert len(set(ports)) == 3 and all(30000 <= p <= 32767 for p in ports)


def test_cluster_ip_taken_or_outside_the_range(engine):
    out, code = run(engine, "kubectl create svc clusterip dns2 --tcp=53 --clusterip=10.96.0.10")
    assert code == 1 and out.endswith('spec.clusterIPs[0]: Invalid value: "10.96.0.10": failed to allocate IP '
                                      "10.96.0.10: provided IP is already allocated\n")
    out, code = run(engine, "kubectl create svc clusterip far --tcp=53 --clusterip=10.0.0.5")
    assert code == 1 and "The range of valid IPs is 10.96.0.0/12\n" in out


def test_headless_and_external_name_services(engine):
    assert run(engine, "kubectl create svc clusterip db --clusterip=None")[1] == 0
    assert svc(engine, "db")["spec"]["clusterIP"] == "None"
    assert run(engine, "kubectl create svc externalname ext --external-name=example.com")[1] == 0
    spec = svc(engine, "ext")["spec"]
    assert spec["type"] == "ExternalName" and "clusterIP" not in spec


def test_service_update_keeps_its_allocations_and_checks_node_ports(engine):
    run(engine, "kubectl create svc nodeport a --tcp=80 --node-port=31000")
    run(engine, "kubectl create svc clusterip b --tcp=80")
    old = svc(engine, "b")
    new = {**old, "spec": {**old["spec"], "type": "NodePort", "clusterIP": "", "clusterIPs": []}}
    new["spec"]["ports"] = [dict(old["spec"]["ports"][0], nodePort=31000)]
    assert validate_service(engine.cluster, new, old) == [
        "spec.ports[0].nodePort: Invalid value: 31000: provided port is already allocated"]
    assert new["spec"]["clusterIP"] == old["spec"]["clusterIP"]      # carried over, not reallocated
    new["spec"]["ports"] = [dict(old["spec"]["ports"][0], nodePort=31001)]
    assert validate_service(engine.cluster, new, old) == []


# ---- expose ------------------------------------------------------------------------------------------
def test_expose_deployment_selects_its_pods_on_its_container_port(engine):
    run(engine, "kubectl create deploy nginx-app --image=nginx --port=80")
    out, code = run(engine, "kubectl expose deployment nginx-app --type=NodePort")
    assert (out, code) == ("service/nginx-app exposed\n", 0)
    spec = svc(engine, "nginx-app")["spec"]
    assert spec["selector"] == {"app": "nginx-app"}
    assert spec["ports"][0]["port"] == 80 and spec["ports"][0]["targetPort"] == 80
    assert 30000 <= spec["ports"][0]["nodePort"] <= 32767
    out, code = run(engine, "kubectl expose deploy nginx-app")
    assert (out, code) == ('Error from server (AlreadyExists): services "nginx-app" already exists\n', 1)


def test_expose_pod_uses_its_labels_and_explicit_ports(engine):
    run(engine, "kubectl run solo --image=nginx --labels=app=solo,tier=web")
    out, code = run(engine, "kubectl expose pod solo --port=8080 --target-port=80 --name=solo-svc")
    assert (out, code) == ("service/solo-svc exposed\n", 0)
    spec = svc(engine, "solo-svc")["spec"]
    assert spec["selector"] == {"app": "solo", "tier": "web"}
    assert (spec["ports"][0]["port"], spec["ports"][0]["targetPort"]) == (8080, 80)


def test_expose_errors(engine):
    assert run(engine, "kubectl expose deploy ghost") == (
        'Error from server (NotFound): deployments.apps "ghost" not found\n', 1)
    run(engine, "kubectl create deploy bare --image=nginx")
    assert run(engine, "kubectl expose deploy bare") == (
        "error: couldn't find port via --port flag or introspection\n", 1)
    assert run(engine, "kubectl expose ns default")[1] == 1


# ---- run ---------------------------------------------------------------------------------------------
def test_run_creates_a_pod_and_with_expose_its_service(engine):
    out, code = run(engine, "kubectl run web --image=nginx --port=80 --expose")
    assert (out, code) == ("service/web created\npod/web created\n", 0)
    pod = engine.cluster.get("pods", "default", "web")
    assert pod["metadata"]["labels"] == {"run": "web"}
    assert svc(engine, "web")["spec"]["selector"] == {"run": "web"}


def test_run_passes_args_or_command(engine):
    run(engine, "kubectl run a --image=busybox -- sleep 3600")
    run(engine, "kubectl run b --image=busybox --command -- sleep 3600")
    a = engine.cluster.get("pods", "default", "a")["spec"]["containers"][0]
    b = engine.cluster.get("pods", "default", "b")["spec"]["containers"][0]
    assert a["args"] == ["sleep", "3600"] and "command" not in a
    assert b["command"] == ["sleep", "3600"] and "args" not in b


# ---- namespaces and the kubeconfig context ------------------------------------------------------------
def test_namespace_and_context_namespace(engine):
    assert run(engine, "kubectl create namespace dev") == ("namespace/dev created\n", 0)
    assert run(engine, "kubectl create ns dev") == ('Error from server (AlreadyExists): namespaces "dev" already '
                                                    "exists\n", 1)
    assert run(engine, "kubectl config set-context --current --namespace=dev") == (
        'Context "minikube" modified.\n', 0)
    run(engine, "kubectl create deploy web --image=nginx")
    assert engine.cluster.get("deployments", "dev", "web") is not None
    # the context's namespace is not "explicit": dry-run output leaves it out, as kubectl does
    out, _ = run(engine, "kubectl create cm c --from-literal=a=b --dry-run=client -o yaml")
    assert "namespace" not in out
    out, _ = run(engine, "kubectl config view --minify")
    assert "    namespace: dev\n" in out


def test_configmap_and_secret(engine):
    assert run(engine, "kubectl create configmap app --from-literal=color=blue") == ("configmap/app created\n", 0)
    assert engine.cluster.get("configmaps", "default", "app")["data"] == {"color": "blue"}
    assert run(engine, "kubectl create secret generic db --from-literal=password=s3cr3t")[1] == 0
    assert engine.cluster.get("secrets", "default", "db")["data"] == {"password": "czNjcjN0"}


def test_configmap_from_a_file_on_the_learners_machine(engine):
    engine.host.files["/home/student/app.properties"] = "color=blue\n"
    assert run(engine, "kubectl create cm props --from-file=app.properties")[1] == 0
    assert engine.cluster.get("configmaps", "default", "props")["data"] == {"app.properties": "color=blue\n"}
    assert run(engine, "kubectl create cm nope --from-file=missing.txt") == (
        "error: error reading missing.txt: no such file or directory\n", 1)


# ---- a stopped cluster ------------------------------------------------------------------------------
def test_stopped_cluster(engine):
    engine.cluster.running = False
    out, code = run(engine, "kubectl create deploy web --image=nginx")
    assert code == 1 and out.startswith("error: failed to create deployment: Post ")
    assert run(engine, "kubectl create deploy web --image=nginx --dry-run=client -o name") == (
        "deployment.apps/web\n", 0)
    out, code = run(engine, "kubectl version")
    assert code == 1 and out.startswith("Client Version: v1.35.2\nKustomize Version: v5.7.1\nThe connection")


# ---- version, cluster-info, api-resources, help ---------------------------------------------------------
def test_version_with_a_server(engine):
    assert run(engine, "kubectl version") == (
        "Client Version: v1.35.2\nKustomize Version: v5.7.1\nServer Version: v1.35.0\n", 0)


def test_cluster_info_is_coloured_on_a_terminal_only(engine):
    coloured, code = run(engine, "kubectl cluster-info")
    assert code == 0
    assert coloured.startswith("\x1b[0;32mKubernetes control plane\x1b[0m is running at "
                               "\x1b[0;33mhttps://192.168.49.2:8443\x1b[0m\n")
    assert run(engine, "kubectl cluster-info > info.txt") == ("", 0)       # not a terminal: no colours
    plain = engine.host.files["/home/student/info.txt"]
    assert plain == ("Kubernetes control plane is running at https://192.168.49.2:8443\n"
                     "CoreDNS is running at https://192.168.49.2:8443/api/v1/namespaces/kube-system/services/"
                     "kube-dns:dns/proxy\n\n"
                     "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n")


def test_api_resources_lists_the_resource_table(engine):
    from playground.sim.resources import RESOURCES
    out, code = run(engine, "kubectl api-resources")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    assert [l.split()[0] for l in lines[1:]] == [r.plural for r in RESOURCES]
    out, _ = run(engine, "kubectl api-resources --namespaced=false -o name")
    assert "namespaces\n" in out and "pods\n" not in out


@pytest.mark.parametrize("line,path", [("kubectl --help", "kubectl"),
                                        ("kubectl create deploy --help", "create_deployment"),
                                        ("kubectl create svc nodeport -h", "create_service_nodeport"),
                                        ("kubectl set image --help", "set_image"),
                                        ("kubectl config set-context --help", "config_set-context")])
def test_help_is_kubectls_own(engine, line, path):
    from playground.sim.programs.kubectl.framework import HELP_DIR
    out, code = run(engine, line)
    assert (out, code) == ((HELP_DIR / f"{path}.txt").read_text(), 0)


def test_every_registered_command_has_its_help_captured():
    from playground.sim.programs.kubectl.framework import HELP_DIR
    from playground.sim.programs.kubectl.registry import build
    missing = [c.path for c in build().commands.values()
               if not (HELP_DIR / (c.path.replace(" ", "_") + ".txt")).exists()]
    assert missing == []


def test_one_node_port_for_two_ports_is_a_duplicate(engine):
    out, code = run(engine, "kubectl create svc nodeport web --tcp=80,81 --node-port=32000")
    assert (out, code) == ('error: failed to create NodePort service: Service "web" is invalid: '
                           "spec.ports[1].nodePort: Duplicate value: 32000\n", 1)
