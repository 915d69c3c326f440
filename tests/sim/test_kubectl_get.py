"""`kubectl get` end to end through Engine.run: what a learner types and reads."""
from __future__ import annotations

import json
import re

import pytest

from playground.sim.engine import Engine

T0 = 1_700_000_000


@pytest.fixture
def engine():
    e = Engine.new(seed=11, now=T0)
    e.clock = T0

    def run(line: str, dt: float = 5):
        e.clock += dt
        return e.run(line, now=e.clock)
    e.sh = run
    return e


def _nginx_app(engine):
    assert engine.sh("kubectl create deployment nginx-app --image=nginx --replicas=3").exit_code == 0
    assert engine.sh("kubectl expose deployment nginx-app --port=80 --type=NodePort").exit_code == 0
    engine.sh("true", dt=30)


def test_an_empty_namespace_says_no_resources_found(engine):
    r = engine.sh("kubectl get pods")
    assert (r.output, r.exit_code) == ("No resources found in default namespace.\n", 0)
    r = engine.sh("kubectl get deploy -n nope")
    assert r.output == "No resources found in nope namespace.\n"


def test_pods_table_has_kubectl_columns_and_spacing(engine):
    _nginx_app(engine)
    lines = engine.sh("kubectl get pods").output.splitlines()
    assert lines[0] == "NAME                         READY   STATUS    RESTARTS   AGE"
    assert len(lines) == 4
    for line in lines[1:]:
        assert re.fullmatch(r"nginx-app-[a-z0-9]{10}-[a-z0-9]{5}   1/1     Running   0          \d+s", line), line


def test_services_show_node_port_and_cluster_ip(engine):
    _nginx_app(engine)
    out = engine.sh("kubectl get svc").output.splitlines()
    # CLUSTER-IP is as wide as the longest address the allocator drew (10.96.0.1 ... 10.111.222.123)
    assert re.fullmatch(r"NAME         TYPE        CLUSTER-IP +EXTERNAL-IP   PORT\(S\)        AGE", out[0])
    assert re.fullmatch(r"kubernetes   ClusterIP   10\.96\.0\.1 +<none>        443/TCP        \d+[sm]\S*", out[1])
    assert re.fullmatch(r"nginx-app    NodePort    10\.\d+\.\d+\.\d+ +<none>        80:3\d{4}/TCP   \d+s", out[2])
    wide = engine.sh("kubectl get svc nginx-app -o wide").output.splitlines()
    assert wide[0].endswith("AGE   SELECTOR") and wide[1].endswith("app=nginx-app")


def test_all_groups_types_with_prefixes_and_blank_lines(engine):
    _nginx_app(engine)
    out = engine.sh("kubectl get all").output
    blocks = out.split("\n\n")
    assert [b.splitlines()[1].split("/")[0] for b in blocks] == ["pod", "service", "deployment.apps",
                                                                "replicaset.apps"]
    assert blocks[2].splitlines()[0] == "NAME                        READY   UP-TO-DATE   AVAILABLE   AGE"
    assert blocks[2].splitlines()[1].startswith("deployment.apps/nginx-app   3/3     3            3           ")


def test_all_namespaces_adds_a_namespace_column(engine):
    out = engine.sh("kubectl get svc -A").output.splitlines()
    assert out[0].startswith("NAMESPACE     NAME         TYPE")
    assert out[2].startswith("kube-system   kube-dns     ClusterIP   10.96.0.10   <none>        53/UDP,53/TCP,9153/TCP")


def test_endpoints_warn_that_they_are_deprecated(engine):
    _nginx_app(engine)
    r = engine.sh("kubectl get endpoints nginx-app")
    lines = r.output.splitlines()
    assert lines[0] == "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
    assert lines[1] == "NAME        ENDPOINTS                                   AGE"
    assert re.fullmatch(r"nginx-app   10\.244\.0\.\d+:80,10\.244\.0\.\d+:80,10\.244\.0\.\d+:80   \d+s", lines[2])


def test_names_type_slash_name_and_not_found(engine):
    _nginx_app(engine)
    r = engine.sh("kubectl get svc nginx-app nope")
    assert r.exit_code == 1
    assert r.output.startswith("NAME        TYPE       CLUSTER-IP")
    assert r.output.endswith('Error from server (NotFound): services "nope" not found\n')
    r = engine.sh("kubectl get deploy/nginx-app svc/nginx-app -o name")
    assert (r.output, r.exit_code) == ("deployment.apps/nginx-app\nservice/nginx-app\n", 0)
    r = engine.sh("kubectl get deployment nope")
    assert (r.output, r.exit_code) == ('Error from server (NotFound): deployments.apps "nope" not found\n', 1)


def test_unknown_types_and_missing_type_are_errors(engine):
    r = engine.sh("kubectl get foo")
    assert (r.output, r.exit_code) == ('error: the server doesn\'t have a resource type "foo"\n', 1)
    r = engine.sh("kubectl get")
    assert r.exit_code == 1 and r.output.startswith("You must specify the type of resource to get.")


def test_selector_show_labels_and_no_headers(engine):
    _nginx_app(engine)
    out = engine.sh("kubectl get pods -l app=nginx-app --show-labels --no-headers").output.splitlines()
    assert len(out) == 3 and all(l.endswith("app=nginx-app,pod-template-hash=" + l.split("-")[2]) for l in out)
    assert engine.sh("kubectl get pods -l app=other").output == "No resources found in default namespace.\n"


def test_output_yaml_json_and_lists(engine):
    _nginx_app(engine)
    y = engine.sh("kubectl get svc nginx-app -o yaml").output
    assert y.startswith("apiVersion: v1\nkind: Service\nmetadata:\n  creationTimestamp: \"")
    assert "  resourceVersion: \"" in y and "  - nodePort: 3" in y
    doc = json.loads(engine.sh("kubectl get pods -o json").output)
    assert doc["kind"] == "List" and len(doc["items"]) == 3 and doc["metadata"] == {"resourceVersion": ""}
    assert engine.sh("kubectl get pods -o json").output.startswith('{\n    "apiVersion": "v1",\n    "items": [\n')


def test_jsonpath_and_custom_columns(engine):
    _nginx_app(engine)
    port = engine.sh("kubectl get svc nginx-app -o jsonpath={.spec.ports[0].nodePort}").output
    assert re.fullmatch(r"3\d{4}", port)
    ip = engine.sh("kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type==\"InternalIP\")].address}'")
    assert ip.output == "192.168.49.2"
    cc = engine.sh("kubectl get pods -o custom-columns=NAME:.metadata.name,IP:.status.podIP").output.splitlines()
    assert cc[0] == "NAME                         IP"
    assert all(re.fullmatch(r"nginx-app-\S+   10\.244\.0\.\d+", l) for l in cc[1:])
    bad = engine.sh("kubectl get pods -o 'jsonpath={.items[}'")
    assert (bad.output, bad.exit_code) == ("error: error parsing jsonpath {.items[}, unterminated array\n", 1)


def test_nodes_and_namespaces(engine):
    out = engine.sh("kubectl get nodes -o wide").output.splitlines()
    assert out[0] == ("NAME       STATUS   ROLES           AGE   VERSION   INTERNAL-IP    EXTERNAL-IP   OS-IMAGE"
                      "             KERNEL-VERSION     CONTAINER-RUNTIME")
    assert out[1].startswith("minikube   Ready    control-plane   ")
    ns = engine.sh("kubectl get ns").output.splitlines()
    assert [l.split()[0] for l in ns] == ["NAME", "default", "kube-node-lease", "kube-public", "kube-system"]


def test_sort_by_and_label_columns(engine):
    out = engine.sh("kubectl get pods -n kube-system --sort-by=.metadata.name -L tier").output.splitlines()
    names = [l.split()[0] for l in out[1:]]
    assert names == sorted(names)
    assert out[0].endswith("AGE     TIER") or out[0].split()[-1] == "TIER"
    assert out[2].split()[0] == "etcd-minikube" and out[2].split()[-1] == "control-plane"


def test_events_list_per_object_oldest_first(engine):
    engine.sh("kubectl create deployment web --image=nginx")
    engine.sh("true", dt=30)
    out = engine.sh("kubectl get events").output.splitlines()
    assert out[0] == "LAST SEEN   TYPE     REASON              OBJECT                      MESSAGE"
    pod_reasons = [l.split()[2] for l in out[1:] if " pod/" in l]
    assert pod_reasons == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    assert [l.split()[3].split("/")[0] for l in out[-2:]] == ["replicaset", "deployment"]


NWPOLICY = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: access-nginx
spec:
  podSelector:
    matchLabels:
      app: nginx
  ingress:
  - from:
    - podSelector:
        matchLabels:
          access: "true"
---
apiVersion: v1
kind: Pod
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  containers:
  - name: nwp-nginx
    image: nginx:1.17
"""


def test_get_by_file_lists_each_object_with_its_type(engine):
    engine.host.files[engine.host.abspath("np.yaml")] = NWPOLICY
    r = engine.sh("kubectl get -f np.yaml")
    assert r.exit_code == 1 and r.output == (
        'Error from server (NotFound): networkpolicies.networking.k8s.io "access-nginx" not found\n'
        'Error from server (NotFound): pods "nginx" not found\n')
    assert engine.sh("kubectl create -f np.yaml").exit_code == 0
    out = engine.sh("kubectl get -f np.yaml", dt=20).output.splitlines()
    assert out[0] == "NAME                                           POD-SELECTOR   AGE"
    assert out[1] == "networkpolicy.networking.k8s.io/access-nginx   app=nginx      20s"
    assert out[2] == "" and out[3].startswith("NAME        READY   STATUS")
    assert engine.sh("kubectl get networkpolicy").output.splitlines()[1] == "access-nginx   app=nginx      25s"


def test_a_type_that_answered_empty_still_prefixes_the_others(engine):
    out = engine.sh("kubectl get pods,svc").output.splitlines()
    assert out[1].startswith("service/kubernetes   ClusterIP   10.96.0.1")
    assert engine.sh("kubectl get svc kubernetes").output.splitlines()[1].startswith("kubernetes   ClusterIP")


def test_field_selectors_filter_and_reject_unknown_fields(engine):
    out = engine.sh("kubectl get pods -A --field-selector spec.hostNetwork=false").output.splitlines()
    assert [l.split()[1].rsplit("-", 2)[0] for l in out[1:]] == ["coredns"]
    r = engine.sh("kubectl get pods --field-selector foo=bar")
    assert r.exit_code == 1 and r.output == (
        'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field '
        'selector "foo=bar": field label not supported: foo\n')
