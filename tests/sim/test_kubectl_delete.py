"""`kubectl delete` end to end (wording checked against kubectl v1.35)."""
from __future__ import annotations

from .writehelpers import sandbox, write


def test_delete_by_name_type_slash_name_and_several_names():
    engine = sandbox()
    r = engine.run("kubectl delete deployment nginx-app")
    assert (r.output, r.exit_code) == ('deployment.apps "nginx-app" deleted from default namespace\n', 0)
    assert engine.cluster.list("pods", "default") == []          # the garbage collector took the pods
    r = engine.run("kubectl delete svc/nginx-app svc/nope")
    assert r.output == ('service "nginx-app" deleted from default namespace\n'
                        'Error from server (NotFound): services "nope" not found\n')
    assert r.exit_code == 1


def test_delete_by_selector_all_and_namespace_scope():
    engine = sandbox()
    r = engine.run("kubectl delete pods -l app=nginx-app --force --grace-period=0")
    lines = r.output.splitlines()
    assert lines[0].startswith("Warning: Immediate deletion does not wait")
    assert len(lines) == 4 and all(line.endswith("force deleted from default namespace") for line in lines[1:])
    assert engine.run("kubectl delete svc --all -n kube-public").output == "No resources found\n"
    r = engine.run("kubectl delete namespace default")
    assert r.output == 'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted\n'


def test_delete_from_a_file_and_dry_run():
    engine = sandbox()
    write(engine, "svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: nginx-app\n")
    r = engine.run("kubectl delete -f svc.yaml --dry-run=client")
    assert r.output == 'service "nginx-app" deleted from default namespace (dry run)\n'
    assert engine.cluster.get("services", "default", "nginx-app") is not None
    assert engine.run("kubectl delete -f svc.yaml").output == 'service "nginx-app" deleted from default namespace\n'


def test_argument_errors():
    engine = sandbox()
    assert engine.run("kubectl delete pod").output == "error: resource(s) were provided, but no name was specified\n"
    assert engine.run("kubectl delete pod x -l a=b").output == \
        "error: name cannot be provided when a selector is specified\n"
    assert engine.run("kubectl delete").output.startswith(
        "error: You must provide one or more resources by argument or filename.\n")
    assert engine.run("kubectl delete pod x -o yaml").output == \
        "error: unexpected -o output mode: yaml. We only support '-o name'\n"
    assert engine.run("kubectl delete foo x").output == 'error: the server doesn\'t have a resource type "foo"\n'


def test_delete_all_expands_the_category_and_the_kubernetes_service_comes_back():
    engine = sandbox()
    r = engine.run("kubectl delete all --all")
    assert r.output.splitlines()[-4:] == [
        'service "kubernetes" deleted from default namespace', 'service "nginx-app" deleted from default namespace',
        'deployment.apps "nginx-app" deleted from default namespace',
        f'replicaset.apps "{r.output.split("replicaset.apps ")[1].split(chr(34))[1]}" deleted from default namespace']
    assert r.output.startswith('pod "nginx-app-')
    svc = engine.cluster.get("services", "default", "kubernetes")
    assert svc is not None and svc["spec"]["clusterIP"] == "10.96.0.1"
    assert engine.cluster.list("pods", "default") == []


def test_cascade_orphan_keeps_the_replicaset_and_pods():
    engine = sandbox()
    engine.run("kubectl delete deployment nginx-app --cascade=orphan")
    assert len(engine.cluster.list("replicasets", "default")) == 1
    assert len(engine.cluster.list("pods", "default")) == 3
    assert engine.run("kubectl delete deploy x --cascade=bad").output == \
        'error: invalid cascade value (bad). Must be "background", "foreground", or "orphan"\n'


def test_a_deleted_mirror_pod_comes_back_with_a_new_identity():
    engine = sandbox()
    before = engine.cluster.get("pods", "kube-system", "etcd-minikube")["metadata"]["uid"]
    r = engine.run("kubectl delete pod etcd-minikube -n kube-system")
    assert r.output == 'pod "etcd-minikube" deleted from kube-system namespace\n'
    after = engine.cluster.get("pods", "kube-system", "etcd-minikube")
    assert after is not None and after["metadata"]["uid"] != before


def test_field_selectors_pick_what_to_delete():
    engine = sandbox()
    r = engine.run("kubectl delete pods -n kube-system --field-selector=metadata.name=etcd-minikube --dry-run=client")
    assert r.output == 'pod "etcd-minikube" deleted from kube-system namespace (dry run)\n'
    r = engine.run("kubectl delete pods --field-selector=foo=bar")
    assert r.output == ('Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector '
                        '"", field selector "foo=bar": field label not supported: foo\n')
    assert engine.run("kubectl scale deploy -l app=none --replicas=1").output == "error: no objects passed to scale\n"


def test_deleting_a_service_takes_its_endpoints_and_slices_but_not_hand_written_endpoints():
    engine = sandbox()
    assert engine.run("kubectl get endpoints nginx-app -o name").output.endswith("\nendpoints/nginx-app\n")
    engine.run("kubectl delete svc nginx-app")
    r = engine.run("kubectl get endpoints nginx-app")
    assert (r.output.splitlines()[-1], r.exit_code) == ('Error from server (NotFound): endpoints "nginx-app" not found', 1)
    assert engine.run("kubectl get endpointslices -l kubernetes.io/service-name=nginx-app").output == \
        "No resources found in default namespace.\n"
    # A selector-less Service with Endpoints the learner wrote: the controller never manages those.
    write(engine, "ext.yaml", """apiVersion: v1
kind: Service
metadata: {name: external-db}
spec: {ports: [{port: 5432}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: external-db}
subsets: [{addresses: [{ip: 10.0.0.5}], ports: [{port: 5432}]}]
""")
    assert engine.run("kubectl apply -f ext.yaml").exit_code == 0
    engine.run("kubectl delete svc external-db")
    assert "10.0.0.5:5432" in engine.run("kubectl get endpoints external-db").output
