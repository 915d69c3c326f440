"""`kubectl proxy`: a job that holds a port on the learner's machine and answers as the API server does.

Sources: staging/src/k8s.io/kubectl/pkg/cmd/proxy/proxy.go (RunProxy: "Starting to serve on %s" with the
listener's address; a listen error goes through cmdutil.CheckErr as "error: ..."), pkg/proxy/proxy_server.go
(FilterServer: 403 "<h3>Unauthorized</h3>" outside --accept-hosts, exec/attach rejected), the apiserver's
handlers (responsewriters: JSON indented by two spaces for curl; NotFound Status with `pods "x" not found`
and details name/group/kind; unknown paths "the server could not find the requested resource"), and the
docs' "Access Services Running on Clusters" page (services/NAME:PORT/proxy/; "no endpoints available for
service"), pkg/registry/core/service/storage ResourceLocation.
"""
# ruff: noqa: F401, F811  (the engine fixture is test_streams's, imported by name)
from __future__ import annotations

import json

from tests.sim.test_streams import engine, run, with_nginx


def test_proxy_prints_where_it_serves_and_runs_on_as_a_job(engine):
    r = run(engine, "kubectl proxy &")
    assert r.output == "[1] 4301\nStarting to serve on 127.0.0.1:8001\n"
    assert run(engine, "jobs").output == "[1]+  Running                 kubectl proxy &\n"


def test_the_foreground_proxy_runs_until_ctrl_c(engine):
    r = run(engine, "kubectl proxy --port=8011")
    assert r.output == "Starting to serve on 127.0.0.1:8011\n" and r.running
    assert run(engine, "curl -s localhost:8011/healthz", session="2").output == "ok"
    engine.interrupt(session="1", now=engine.at + 1)
    r = run(engine, "curl -s localhost:8011/healthz", session="2")
    assert (r.output, r.exit_code) == ("", 7)


def test_short_port_flag_and_a_wildcard_address_print_gos_listener_address(engine):
    assert run(engine, "kubectl proxy -p 8123 &").output.endswith("Starting to serve on 127.0.0.1:8123\n")
    # Go listens on a dual-stack socket for 0.0.0.0, and l.Addr() prints it as [::]
    r = run(engine, "kubectl proxy --address=0.0.0.0 --port=8124 &")
    assert r.output.endswith("Starting to serve on [::]:8124\n")


def test_a_second_proxy_on_the_same_port_fails_to_listen(engine):
    with_nginx(engine)
    run(engine, "kubectl proxy &")
    r = run(engine, "kubectl proxy")
    assert (r.output, r.exit_code) == ("error: listen tcp 127.0.0.1:8001: bind: address already in use\n", 1)
    r = run(engine, "kubectl port-forward svc/nginx-app 8001:80")
    assert "bind: address already in use" in r.output


def test_killing_the_proxy_frees_its_port(engine):
    run(engine, "kubectl proxy &")
    assert run(engine, "kill %1").output == "[1]+  Terminated              kubectl proxy\n"
    r = run(engine, "curl localhost:8001/api")
    assert r.exit_code == 7 and "Failed to connect to localhost port 8001" in r.output
    assert run(engine, "kubectl proxy &").output.endswith("Starting to serve on 127.0.0.1:8001\n")


def test_version_and_discovery_answer_as_the_api_server(engine):
    run(engine, "kubectl proxy &")
    version = json.loads(run(engine, "curl -s localhost:8001/version").output)
    assert version["gitVersion"] == "v1.35.0" and list(version)[:2] == ["major", "minor"]
    assert run(engine, "curl -s localhost:8001/api").output == (
        '{\n  "kind": "APIVersions",\n  "versions": [\n    "v1"\n  ],\n  "serverAddressByClientCIDRs": [\n'
        '    {\n      "clientCIDR": "0.0.0.0/0",\n      "serverAddress": "192.168.49.2:8443"\n    }\n  ]\n}')
    groups = json.loads(run(engine, "curl -s localhost:8001/apis").output)
    assert groups["kind"] == "APIGroupList"
    names = [g["name"] for g in groups["groups"]]
    # the aggregator's priority order, not the alphabet: apps (17800) before batch (17400) before rbac (17000)
    assert names.index("apps") < names.index("batch") < names.index("rbac.authorization.k8s.io")
    # every group kubectl api-versions reports is there
    versions = run(engine, "kubectl api-versions").output.split()
    assert sorted(v["groupVersion"] for g in groups["groups"] for v in g["versions"]) == \
        sorted(v for v in versions if "/" in v)
    apps = json.loads(run(engine, "curl -s localhost:8001/apis/apps").output)
    assert apps == {"kind": "APIGroup", "apiVersion": "v1", "name": "apps",
                    "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
                    "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}}


def test_a_list_is_the_kinds_list_with_the_resource_version_and_items_without_kind(engine):
    with_nginx(engine)
    run(engine, "kubectl proxy &")
    text = run(engine, "curl -s localhost:8001/api/v1/namespaces/default/pods").output
    assert text.startswith('{\n  "kind": "PodList",\n  "apiVersion": "v1",\n  "metadata": {\n'
                           '    "resourceVersion": "')
    body = json.loads(text)
    pods = run(engine, "kubectl get pods -o name").output.split()
    assert ["pod/" + p["metadata"]["name"] for p in body["items"]] == pods
    assert "kind" not in body["items"][0] and list(body["items"][0]) == ["metadata", "spec", "status"]
    assert int(body["metadata"]["resourceVersion"]) >= int(body["items"][0]["metadata"]["resourceVersion"])


def test_lists_across_namespaces_cluster_scoped_kinds_and_label_selectors(engine):
    with_nginx(engine)
    run(engine, "kubectl proxy &")
    every = json.loads(run(engine, "curl -s localhost:8001/api/v1/pods").output)
    assert {p["metadata"]["namespace"] for p in every["items"]} == {"default", "kube-system"}
    nodes = json.loads(run(engine, "curl -s localhost:8001/api/v1/nodes").output)
    assert nodes["kind"] == "NodeList" and [n["metadata"]["name"] for n in nodes["items"]] == ["minikube"]
    sel = json.loads(run(engine, "curl -s 'localhost:8001/api/v1/namespaces/kube-system/pods?labelSelector="
                                 "k8s-app%3Dkube-dns'").output)
    assert [p["metadata"]["name"].split("-")[0] for p in sel["items"]] == ["coredns"]


def test_one_object_and_the_not_found_status(engine):
    with_nginx(engine)
    run(engine, "kubectl proxy &")
    svc = json.loads(run(engine, "curl -s localhost:8001/api/v1/namespaces/default/services/nginx-app").output)
    assert (svc["kind"], svc["apiVersion"], svc["spec"]["ports"][0]["port"]) == ("Service", "v1", 80)
    r = run(engine, "curl -s localhost:8001/api/v1/namespaces/default/pods/nope")
    assert r.output == ('{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": "Failure",\n'
                        '  "message": "pods \\"nope\\" not found",\n  "reason": "NotFound",\n  "details": {\n'
                        '    "name": "nope",\n    "kind": "pods"\n  },\n  "code": 404\n}')
    dep = json.loads(run(engine, "curl -s localhost:8001/apis/apps/v1/namespaces/default/deployments/web").output)
    assert (dep["message"], dep["details"]) == ('deployments.apps "web" not found',
                                                {"name": "web", "group": "apps", "kind": "deployments"})
    r = run(engine, "curl -s -o /dev/null -w '%{http_code}' localhost:8001/api/v1/namespaces/default/pods/nope")
    assert r.output == "404"
    unknown = json.loads(run(engine, "curl -s localhost:8001/api/v1/widgets").output)
    assert (unknown["message"], unknown["code"]) == ("the server could not find the requested resource", 404)


def test_the_service_proxy_reaches_the_service_through_the_cluster_network(engine):
    with_nginx(engine)
    run(engine, "kubectl proxy &")
    r = run(engine, "curl -s localhost:8001/api/v1/namespaces/default/services/nginx-app:80/proxy/ | grep title")
    assert r.output == "<title>Welcome to nginx!</title>\n"
    r = run(engine, "curl -s localhost:8001/api/v1/namespaces/default/services/http:nginx-app:/proxy/ | grep title")
    assert r.output == "<title>Welcome to nginx!</title>\n"
    # the request reached the pod: its access log has it, for the path after /proxy
    pod = run(engine, "kubectl get pods -o name").output.split()[0]
    assert '"GET / HTTP/1.1" 200' in run(engine, f"kubectl logs {pod}").output


def test_the_service_proxy_without_endpoints_or_service(engine):
    run(engine, "kubectl create service clusterip empty --tcp=80:80")
    run(engine, "kubectl proxy &")
    body = json.loads(run(engine, "curl -s localhost:8001/api/v1/namespaces/default/services/empty:80/proxy/").output)
    assert (body["reason"], body["message"], body["code"]) == (
        "ServiceUnavailable", 'no endpoints available for service "empty:80"', 503)
    assert "details" not in body
    body = json.loads(run(engine, "curl -s localhost:8001/api/v1/namespaces/default/services/gone/proxy/").output)
    assert (body["message"], body["details"]) == ('services "gone" not found', {"name": "gone", "kind": "services"})


def test_the_pod_proxy_connects_to_the_pod_ip(engine):
    run(engine, "kubectl run web --image=nginx")
    run(engine, "true", later=5)
    run(engine, "kubectl proxy &")
    r = run(engine, "curl -s localhost:8001/api/v1/namespaces/default/pods/web/proxy/ | grep title")
    assert r.output == "<title>Welcome to nginx!</title>\n"
    r = run(engine, "curl -s localhost:8001/api/v1/namespaces/default/pods/web:8080/proxy/")
    body = json.loads(r.output)
    ip = run(engine, "kubectl get pod web -o jsonpath='{.status.podIP}'").output
    assert body["message"] == f"error trying to reach service: dial tcp {ip}:8080: connect: connection refused"


def test_the_filter_rejects_other_hosts_and_exec(engine):
    run(engine, "kubectl proxy &")
    r = run(engine, "curl -s -w ' %{http_code}' -H 'Host: example.com' localhost:8001/api")
    assert r.output == "<h3>Unauthorized</h3> 403"
    r = run(engine, "curl -s -w ' %{http_code}' localhost:8001/api/v1/namespaces/default/pods/x/exec")
    assert r.output == "<h3>Unauthorized</h3> 403"


def test_https_to_the_proxy_is_a_tls_error(engine):
    run(engine, "kubectl proxy &")
    r = run(engine, "curl -s https://localhost:8001/api")
    assert r.exit_code == 35


def test_the_proxy_starts_with_the_cluster_stopped_and_answers_with_the_dial_error(engine):
    run(engine, "minikube stop")
    assert run(engine, "kubectl proxy &").output == "[1] 4301\nStarting to serve on 127.0.0.1:8001\n"
    r = run(engine, "curl -s -w ' %{http_code}' localhost:8001/api")
    assert r.output == "dial tcp 127.0.0.1:8080: connect: connection refused\n 500"


def test_an_api_prefix_moves_the_api_and_other_paths_are_the_go_muxs_404(engine):
    run(engine, "kubectl proxy --api-prefix=/k8s-api &")
    assert run(engine, "curl -s localhost:8001/k8s-api/healthz").output == "ok"
    r = run(engine, "curl -s -w '%{http_code}' localhost:8001/healthz")
    assert r.output == "404 page not found\n404"
