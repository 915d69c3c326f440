"""`kubectl create -f` / `kubectl apply -f` end to end through the engine."""
from __future__ import annotations

import json

import pytest

from .recording_apiserver import recording_server, write_kubeconfig
from .test_manifests import DEPLOYMENT, TUTORIAL_EXAMPLE
from .writehelpers import sandbox, write

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def test_the_tutorial_example_creates_three_objects_then_already_exists():
    engine = sandbox(with_app=False)
    write(engine, "ckad/nwpolicy-complete-example.yaml", TUTORIAL_EXAMPLE)
    r = engine.run("kubectl create -f ckad/nwpolicy-complete-example.yaml")
    assert (r.output, r.exit_code) == ("networkpolicy.networking.k8s.io/access-nginx created\npod/nginx created\n"
                                       "pod/busybox created\n", 0)
    engine.run("kubectl delete pod busybox")
    r = engine.run("kubectl create -f ckad/nwpolicy-complete-example.yaml")
    assert r.exit_code == 1
    assert r.output == (
        "pod/busybox created\n"
        'Error from server (AlreadyExists): error when creating "ckad/nwpolicy-complete-example.yaml": '
        'networkpolicies.networking.k8s.io "access-nginx" already exists\n'
        'Error from server (AlreadyExists): error when creating "ckad/nwpolicy-complete-example.yaml": '
        'pods "nginx" already exists\n')


def test_apply_creates_then_is_unchanged_then_configured():
    engine = sandbox(with_app=False)
    write(engine, "web.yaml", DEPLOYMENT)
    assert engine.run("kubectl apply -f web.yaml").output == "deployment.apps/web created\n"
    dep = engine.cluster.get("deployments", "default", "web")
    applied = dep["metadata"]["annotations"][LAST_APPLIED]
    assert applied.endswith("}\n") and json.loads(applied)["metadata"] == {
        "annotations": {}, "labels": {"app": "web"}, "name": "web", "namespace": "default"}
    assert engine.run("kubectl apply -f web.yaml").output == "deployment.apps/web unchanged\n"
    write(engine, "web.yaml", DEPLOYMENT.replace("replicas: 2", "replicas: 4"))
    assert engine.run("kubectl apply -f web.yaml").output == "deployment.apps/web configured\n"
    assert engine.cluster.get("deployments", "default", "web")["spec"]["replicas"] == 4


def test_apply_removes_fields_dropped_from_the_manifest():
    engine = sandbox(with_app=False)
    write(engine, "web.yaml", DEPLOYMENT.replace("  labels: {app: web}\n", "  labels: {app: web, tier: a}\n", 1))
    engine.run("kubectl apply -f web.yaml")
    write(engine, "web.yaml", DEPLOYMENT)
    engine.run("kubectl apply -f web.yaml")
    assert engine.cluster.get("deployments", "default", "web")["metadata"]["labels"] == {"app": "web"}


def test_apply_over_an_imperative_object_warns_and_patches():
    engine = sandbox()
    write(engine, "svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: nginx-app\nspec:\n"
                              "  type: NodePort\n  selector: {app: nginx-app}\n  ports:\n  - port: 80\n"
                              "    nodePort: 32000\n")
    r = engine.run("kubectl apply -f svc.yaml")
    assert r.output == ("Warning: resource services/nginx-app is missing the kubectl.kubernetes.io/last-applied-"
                        "configuration annotation which is required by kubectl apply. kubectl apply should only be "
                        "used on resources created declaratively by either kubectl create --save-config or kubectl "
                        "apply. The missing annotation will be patched automatically.\n"
                        "service/nginx-app configured\n")
    assert engine.cluster.get("services", "default", "nginx-app")["spec"]["ports"][0]["nodePort"] == 32000


def test_heredoc_on_stdin():
    engine = sandbox(with_app=False)
    r = engine.run("kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: hd\nspec:\n"
                   "  containers:\n  - name: a\n    image: nginx\nEOF")
    assert (r.output, r.exit_code) == ("pod/hd created\n", 0)


def test_server_side_errors_are_worded_as_the_api_server_does():
    engine = sandbox(with_app=False)
    write(engine, "bad.yaml", DEPLOYMENT.replace("    metadata:\n      labels: {app: web}",
                                                 "    metadata:\n      labels: {app: other}"))
    r = engine.run("kubectl create -f bad.yaml")
    assert r.output == ('The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: '
                        '{"app":"other"}: `selector` does not match template `labels`\n')
    write(engine, "foo.yaml", DEPLOYMENT.replace("  replicas: 2\n", "  replicas: 2\n  foo: 1\n"))
    r = engine.run("kubectl create -f foo.yaml")
    assert r.output == ('Error from server (BadRequest): error when creating "foo.yaml": Deployment in version "v1" '
                        'cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"\n')
    write(engine, "pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec: {}\n")
    r = engine.run("kubectl create -f pod.yaml")
    assert (r.output, r.exit_code) == ('The Pod "p" is invalid: spec.containers: Required value\n', 1)


def test_several_causes_are_listed_one_per_line():
    engine = sandbox(with_app=False)
    write(engine, "pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  restartPolicy: Sometimes\n"
                              "  containers:\n  - name: A\n")
    r = engine.run("kubectl create -f pod.yaml")
    assert r.output.startswith('The Pod "p" is invalid: \n* spec.containers[0].name: Invalid value: "A": ')
    assert "* spec.containers[0].image: Required value\n" in r.output
    assert r.output.endswith('* spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", '
                             '"OnFailure", "Never"\n')


def test_directories_and_namespaces():
    engine = sandbox(with_app=False)
    write(engine, "d/a.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n")
    write(engine, "d/b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: team\n")
    write(engine, "d/notes.txt", "not a manifest")
    r = engine.run("kubectl apply -f d")
    assert r.output == "namespace/team created\nconfigmap/c created\n"
    r = engine.run("kubectl apply -f d/b.yaml -n default")
    assert r.output == ('error: the namespace from the provided object "team" does not match the namespace '
                        "\"default\". You must pass '--namespace=team' to perform this operation.\n")


def test_workload_replicas_are_limited_per_sandbox():
    engine = sandbox(with_app=False)
    write(engine, "big.yaml", DEPLOYMENT.replace("replicas: 2", "replicas: 100000"))
    r = engine.run("kubectl apply -f big.yaml")
    assert r.exit_code == 1
    assert r.output.startswith('Error from server (Forbidden): error when creating "big.yaml": deployments.apps '
                               '"web" is forbidden: exceeded quota: podscape-sandbox, requested: pods=100000, used: ')
    assert engine.cluster.get("deployments", "default", "web") is None


INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: multihost
spec:
  rules:
  - host: foo.example.com
    http:
      paths:
      - path: /
        pathType: ImplementationSpecific
        backend:
          service:
            name: nginx-app
            port: {number: 80}
"""


def test_ingress_validation_and_editing_the_path_type():
    engine = sandbox()
    write(engine, "bad.yaml", INGRESS.replace("        pathType: ImplementationSpecific\n", "")
          .replace("path: /", "path: foo"))
    r = engine.run("kubectl apply -f bad.yaml")
    assert r.output == ('The Ingress "multihost" is invalid: spec.rules[0].http.paths[0].pathType: Required value: '
                        "pathType must be specified\n")
    write(engine, "ing.yaml", INGRESS)
    assert engine.run("kubectl apply -f ing.yaml").output == "ingress.networking.k8s.io/multihost created\n"
    content = engine.run("kubectl edit ingress multihost").editor["content"]
    edited = content.replace("        pathType: ImplementationSpecific\n", "        pathType: Prefix\n")
    assert engine.save_editor(edited).output == "ingress.networking.k8s.io/multihost edited\n"
    ing = engine.cluster.get("ingresses", "default", "multihost")
    assert ing["spec"]["rules"][0]["http"]["paths"][0]["pathType"] == "Prefix"
    content = engine.run("kubectl edit ingress multihost").editor["content"]
    r = engine.save_editor(content.replace("        pathType: Prefix\n", "        pathType: Regex\n"))
    assert "# * spec.rules[0].http.paths[0].pathType: Unsupported value: \"Regex\": supported values: \"Exact\", " \
           "\"ImplementationSpecific\", \"Prefix\"\n" in r.editor["content"]


def test_networkpolicy_configmap_and_secret_validation():
    engine = sandbox(with_app=False)
    write(engine, "np.yaml", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np\nspec:\n"
                             "  podSelector: {}\n  ingress:\n  - from:\n    - {}\n    ports:\n    - port: 70000\n")
    assert engine.run("kubectl apply -f np.yaml").output == (
        'The NetworkPolicy "np" is invalid: \n'
        "* spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n"
        "* spec.ingress[0].from[0]: Required value: must specify a peer\n")
    write(engine, "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  'bad key': x\n")
    assert engine.run("kubectl create -f cm.yaml").output.startswith(
        'The ConfigMap "c" is invalid: data[bad key]: Invalid value: "bad key": a valid config key must consist')
    write(engine, "s.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  a: '!!!'\n")
    assert engine.run("kubectl create -f s.yaml").output == (
        'Error from server (BadRequest): error when creating "s.yaml": Secret in version "v1" cannot be handled as a '
        "Secret: illegal base64 data at input byte 0\n")


# ---- differential: the patch real kubectl apply computes, applied to the live object, gives our result ----
APPLY_CASES = [
    # (first manifest or None for the imperative nginx-app, second manifest)
    (DEPLOYMENT.replace("  labels: {app: web}\n", "  labels: {app: web, tier: a}\n", 1),
     DEPLOYMENT.replace("replicas: 2", "replicas: 3").replace("nginx:1.25", "nginx:1.26")),
    (DEPLOYMENT, DEPLOYMENT.replace("      - {name: web,", "      - {name: side, image: busybox}\n      - {name: web,")),
    (None, "apiVersion: v1\nkind: Service\nmetadata:\n  name: nginx-app\nspec:\n  type: NodePort\n"
           "  selector: {app: nginx-app}\n  ports:\n  - port: 80\n    nodePort: 32000\n"),
    # retainKeys (test/cmd apply.sh): the defaulted rollingUpdate and the old volume source must go
    (DEPLOYMENT.replace("  replicas: 2\n", "  replicas: 2\n  strategy: {type: RollingUpdate}\n").replace(
        "      containers:\n", "      volumes:\n      - {name: v, emptyDir: {}}\n      containers:\n"),
     DEPLOYMENT.replace("  replicas: 2\n", "  replicas: 2\n  strategy: {type: Recreate}\n").replace(
        "      containers:\n", "      volumes:\n      - {name: v, hostPath: {path: /tmp}}\n      containers:\n")),
]


@pytest.mark.parametrize("first,second", APPLY_CASES)
def test_three_way_apply_matches_kubectls_patch(kubectl_oracle, tmp_path, first, second):
    import copy
    import subprocess

    from playground.sim import merge, resources
    from playground.sim.manifests import yaml_to_json

    engine = sandbox(with_app=first is None)
    if first is not None:
        write(engine, "m.yaml", first)
        assert engine.run("kubectl apply -f m.yaml").exit_code == 0
    doc = yaml_to_json(second)
    r = resources.BY_KIND[doc["kind"]]
    live = copy.deepcopy(engine.cluster.get(r.plural, "default", doc["metadata"]["name"]))
    base = f"/apis/{r.group}/{r.version}" if r.group else f"/api/{r.version}"
    path = f"{base}/namespaces/default/{r.plural}/{doc['metadata']['name']}"
    patches: list = []
    srv = recording_server({path: live}, patches)
    (tmp_path / "m.yaml").write_text(second)
    kubeconfig = write_kubeconfig(tmp_path, srv)
    try:
        subprocess.run([kubectl_oracle, "apply", "-f", "m.yaml", "--validate=false"], capture_output=True,
                       text=True, timeout=60, cwd=tmp_path,
                       env={"KUBECONFIG": str(kubeconfig), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    finally:
        srv.shutdown()
    assert len(patches) == 1 and patches[0][0] == "application/strategic-merge-patch+json"
    import json as _json
    from playground.sim.programs import load_all
    load_all()                                       # before importing a program module (see writehelpers)
    from playground.sim.programs.kubectl.apply import with_last_applied
    manifest = yaml_to_json(second)
    manifest["metadata"]["namespace"] = "default"
    modified = with_last_applied(manifest)
    original = (live["metadata"].get("annotations") or {}).get(LAST_APPLIED)
    ours = merge.create_three_way_patch(_json.loads(original) if original else None, modified, live)
    assert ours == patches[0][1]                     # the very patch kubectl sends
    expected = merge.strategic_merge_patch(live, patches[0][1])
    write(engine, "m.yaml", second)
    assert engine.run("kubectl apply -f m.yaml").output.endswith(" configured\n")
    got = copy.deepcopy(engine.cluster.get(r.plural, "default", doc["metadata"]["name"]))
    assert got["spec"] != live["spec"]
    for obj in (expected, got):
        for field in ("resourceVersion", "generation"):
            obj["metadata"].pop(field, None)
        obj.pop("status", None)
    assert _comparable(got) == _comparable(expected)


def _comparable(obj: dict) -> dict:
    """What the write path adds after the patch (defaults, allocations) is left out of the comparison."""
    import copy
    from playground.sim import defaults, resources
    o = copy.deepcopy(obj)
    defaults.apply_defaults(resources.BY_KIND[o["kind"]].plural, o)
    # The deployment controller stamps the rollout's revision after every template change.
    o["metadata"].get("annotations", {}).pop("deployment.kubernetes.io/revision", None)
    o["metadata"].pop("managedFields", None)       # the field manager's record of the write
    return o


def test_an_invalid_object_among_other_errors_is_listed_as_the_server_words_it():
    engine = sandbox(with_app=False)
    bad = DEPLOYMENT.replace("    metadata:\n      labels: {app: web}", "    metadata:\n      labels: {app: other}")
    write(engine, "two.yaml", bad + "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec: {}\n")
    r = engine.run("kubectl create -f two.yaml")
    assert r.output == (
        'Error from server (Invalid): error when creating "two.yaml": Deployment.apps "web" is invalid: '
        'spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`\n'
        'Error from server (Invalid): error when creating "two.yaml": Pod "p" is invalid: spec.containers: Required '
        "value\n")


def test_container_resources_are_decoded_validated_and_canonicalized():
    engine = sandbox(with_app=False)
    base = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: q\nspec:\n  containers:\n  - name: a\n    image: nginx\n"
            "    resources:\n")
    write(engine, "a.yaml", base + "      requests: {cpu: 2}\n      limits: {cpu: 1}\n")
    assert engine.run("kubectl create -f a.yaml").output == (
        'The Pod "q" is invalid: spec.containers[0].resources.requests[cpu]: Invalid value: "2": must be less than '
        "or equal to cpu limit of 1\n")
    write(engine, "b.yaml", base + "      requests: {cpu: 2x}\n")
    assert engine.run("kubectl create -f b.yaml").output == (
        'Error from server (BadRequest): error when creating "b.yaml": Pod in version "v1" cannot be handled as a '
        "Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'\n")
    write(engine, "c.yaml", base + "      requests: {cpu: 0.5, memory: 1024Mi}\n      limits: {cpu: 1, memory: 2.5Gi}\n")
    assert engine.run("kubectl create -f c.yaml").output == "pod/q created\n"
    res = engine.cluster.get("pods", "default", "q")["spec"]["containers"][0]["resources"]
    assert res == {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "2560Mi"}}


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_view_last_applied_matches_kubectl(kubectl_oracle, tmp_path, fmt):
    import copy
    import subprocess

    engine = sandbox(with_app=False)
    write(engine, "web.yaml", DEPLOYMENT)
    engine.run("kubectl apply -f web.yaml")
    live = copy.deepcopy(engine.cluster.get("deployments", "default", "web"))
    srv = recording_server({"/apis/apps/v1/namespaces/default/deployments/web": live}, [])
    kubeconfig = write_kubeconfig(tmp_path, srv)
    try:
        proc = subprocess.run([kubectl_oracle, "apply", "view-last-applied", "deployment/web", "-o", fmt],
                              capture_output=True, text=True, timeout=60,
                              env={"KUBECONFIG": str(kubeconfig), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    finally:
        srv.shutdown()
    result = engine.run(f"kubectl apply view-last-applied deployment/web -o {fmt}")
    assert (result.output, result.exit_code) == (proc.stdout + proc.stderr, proc.returncode)


def test_replace_puts_the_manifest_and_force_recreates_it():
    engine = sandbox(with_app=False)
    write(engine, "web.yaml", DEPLOYMENT)
    r = engine.run("kubectl replace -f web.yaml")
    assert r.output == ('Error from server (NotFound): error when replacing "web.yaml": deployments.apps "web" not '
                        "found\n")
    engine.run("kubectl create -f web.yaml")
    write(engine, "web.yaml", DEPLOYMENT.replace("replicas: 2", "replicas: 1"))
    assert engine.run("kubectl replace -f web.yaml").output == "deployment.apps/web replaced\n"
    assert engine.cluster.get("deployments", "default", "web")["spec"]["replicas"] == 1
    uid = engine.cluster.get("deployments", "default", "web")["metadata"]["uid"]
    assert engine.run("kubectl replace --force -f web.yaml").output == (
        'deployment.apps "web" deleted from default namespace\ndeployment.apps/web replaced\n')
    assert engine.cluster.get("deployments", "default", "web")["metadata"]["uid"] != uid
    assert engine.run("kubectl replace").output == "error: must specify one of -f and -k\n"


def test_pods_accept_image_changes_but_not_other_spec_changes():
    engine = sandbox(with_app=False)
    pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: nginx:1.25\n"
    write(engine, "p.yaml", pod)
    engine.run("kubectl apply -f p.yaml")
    write(engine, "p.yaml", pod.replace("nginx:1.25", "nginx:1.26"))
    assert engine.run("kubectl apply -f p.yaml").output == "pod/p configured\n"
    write(engine, "p.yaml", pod.replace("nginx:1.25", "nginx:1.26") + "    ports:\n    - containerPort: 80\n")
    r = engine.run("kubectl apply -f p.yaml")
    assert r.exit_code == 1
    assert r.output.startswith('The Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other '
                               "than `spec.containers[*].image`,")
    r = engine.run("kubectl replace -f p.yaml")          # a bare manifest drops what the scheduler filled in
    assert r.exit_code == 1 and "pod updates may not change fields" in r.output


def test_a_refused_apply_patch_is_reported_as_kubectl_does(kubectl_oracle, tmp_path):
    import copy
    import subprocess

    engine = sandbox(with_app=False)
    write(engine, "web.yaml", DEPLOYMENT)
    engine.run("kubectl apply -f web.yaml")
    live = copy.deepcopy(engine.cluster.get("deployments", "default", "web"))
    second = DEPLOYMENT.replace("  replicas: 2\n", "  replicas: 2\n  foo: 1\n")
    write(engine, "web.yaml", second)
    ours = engine.run("kubectl apply -f web.yaml")
    message = ('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field '
               '"spec.foo"')
    status = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "BadRequest", "code": 400,
              "message": message}
    srv = recording_server({"/apis/apps/v1/namespaces/default/deployments/web": live}, [], status)
    (tmp_path / "web.yaml").write_text(second)
    kubeconfig = write_kubeconfig(tmp_path, srv)
    try:
        proc = subprocess.run([kubectl_oracle, "apply", "-f", "web.yaml", "--validate=false"], capture_output=True,
                              text=True, timeout=60, cwd=tmp_path,
                              env={"KUBECONFIG": str(kubeconfig), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    finally:
        srv.shutdown()
    assert (ours.output, ours.exit_code) == (proc.stdout + proc.stderr, proc.returncode)
    assert ours.output.startswith("Error from server (BadRequest): error when applying patch:\n{")


@pytest.mark.parametrize("verb", ["apply", "create", "replace"])
def test_a_null_spec_is_an_absent_spec_not_a_crash(verb):
    """JSON null decodes to Go's zero value (encoding/json), so the API server defaults and validates
    `spec: null` as no spec at all (found by tests/fuzz: it used to end in an AttributeError)."""
    engine = sandbox(with_app=False)
    write(engine, "m.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec: null\n")
    r = engine.run(f"kubectl {verb} -f m.yaml")
    if verb == "replace":
        assert r.output == 'Error from server (NotFound): error when replacing "m.yaml": services "a" not found\n'
    else:
        assert r.output == 'The Service "a" is invalid: spec.ports: Required value\n'
    assert r.exit_code == 1
    assert engine.run("kubectl get svc a").exit_code == 1
