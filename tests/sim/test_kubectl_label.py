"""`kubectl label`, `annotate`, `scale` and `set image` end to end."""
from __future__ import annotations

import pytest

from .writehelpers import sandbox


def test_label_the_tutorials_busybox_and_endpoints_follow():
    engine = sandbox()
    engine.run("kubectl run busybox --image=busybox -- sleep 3600")
    if engine.cluster.get("pods", "default", "busybox") is None:      # `run` is another part's command
        from playground.sim import apiserver
        apiserver.create(engine.cluster, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "busybox"},
                                          "spec": {"containers": [{"name": "b", "image": "busybox"}]}})
    r = engine.run("kubectl label pod busybox access=true")
    assert (r.output, r.exit_code) == ("pod/busybox labeled\n", 0)
    assert engine.cluster.get("pods", "default", "busybox")["metadata"]["labels"]["access"] == "true"
    r = engine.run("kubectl label pod busybox access=false")
    assert (r.output, r.exit_code) == ("error: 'access' already has a value (true), and --overwrite is false\n", 1)
    assert engine.run("kubectl label pod busybox access=false --overwrite").output == "pod/busybox labeled\n"
    assert engine.run("kubectl label pod busybox access=false").output == "pod/busybox not labeled\n"
    assert engine.run("kubectl label pod busybox access-").output == "pod/busybox unlabeled\n"
    assert engine.run("kubectl label pod busybox nope-").output == 'label "nope" not found.\npod/busybox not labeled\n'


def test_label_errors_and_selection():
    engine = sandbox()
    assert engine.run("kubectl label pod").output == "error: at least one label update is required\n"
    assert engine.run("kubectl label pods -l app=nginx-app --all a=b").output == \
        "error: cannot set --all and --selector at the same time\n"
    assert engine.run("kubectl label deploy nginx-app a==b").output == "error: invalid label spec: a==b\n"
    r = engine.run("kubectl label deploy nginx-app 'a=bad value'")
    assert r.output.startswith('error: invalid label value: "a=bad value": a valid label must be an empty string')
    r = engine.run("kubectl label deploy nginx-app 'bad key=1'")
    assert r.output.startswith('The Deployment "nginx-app" is invalid: metadata.labels: Invalid value: "bad key": '
                               "name part must consist of alphanumeric characters")
    r = engine.run("kubectl label pods -l app=nginx-app tier=web")
    assert r.output.count(" labeled\n") == 3


def test_annotate():
    engine = sandbox()
    assert engine.run("kubectl annotate svc nginx-app note=hi").output == "service/nginx-app annotated\n"
    assert engine.run("kubectl annotate svc nginx-app note=bye").output == (
        "error: --overwrite is false but found the following declared annotation(s): 'note' already has a value "
        "(hi)\n")
    assert engine.run("kubectl annotate svc nginx-app note-").output == "service/nginx-app annotated\n"
    assert "annotations" not in engine.cluster.get("services", "default", "nginx-app")["metadata"]


def test_scale_and_its_limits():
    engine = sandbox()
    assert engine.run("kubectl scale deployment nginx-app --replicas=5").output == "deployment.apps/nginx-app scaled\n"
    engine.tick(1_700_000_100)
    assert len(engine.cluster.list("pods", "default")) == 5
    r = engine.run("kubectl scale deploy/nginx-app --replicas=2 --current-replicas=3")
    assert (r.output, r.exit_code) == ("error: Expected replicas to be 3, was 5\n", 1)
    assert engine.run("kubectl scale deploy nginx-app").output == 'error: required flag(s) "replicas" not set\n'
    r = engine.run("kubectl scale deploy nginx-app --replicas=100000")
    assert r.exit_code == 1
    assert r.output.startswith('Error from server (Forbidden): deployments.apps "nginx-app" is forbidden: exceeded '
                               "quota: podscape-sandbox, requested: pods=100000, used: pods=")
    assert r.output.endswith(", limited: pods=100\n")
    assert engine.cluster.get("deployments", "default", "nginx-app")["spec"]["replicas"] == 5


def test_set_image_rolls_out_and_checks_container_names():
    engine = sandbox()
    r = engine.run("kubectl set image deployment/nginx-app nginx=nginx:1.26")
    assert (r.output, r.exit_code) == ("deployment.apps/nginx-app image updated\n", 0)
    assert len(engine.cluster.list("replicasets", "default")) == 2
    r = engine.run("kubectl set image deployment/nginx-app web=nginx:1.26")
    assert (r.output, r.exit_code) == ('error: unable to find container named "web"\n', 1)
    assert engine.run("kubectl set image deployment/nginx-app").output == \
        "error: at least one image update is required\n"


# Argument errors kubectl reports before it talks to a server: compared with the real binary.
OFFLINE_ERRORS = [
    "delete", "delete pod x --now --grace-period=5", "delete pod x --cascade=bad", "label pod", "label pod x app",
    "label pod x a==b", "label pod x 'a=bad value'", "label pod x a=1 a-", "label pods --all -l x=y a=b", "label",
    "annotate pod x a=1 a-", "annotate pod", "annotate", "scale deploy d", "scale --replicas=2",
    "scale deploy d --replicas=-1", "scale deploy d --replicas=x", "set image", "set image deploy/d a", "patch pod x",
    "patch pod x -p '{}' --type foo", "patch", "edit", "apply", "apply -f x.yaml extra", "create", "create foo",
    "create -f nothere.yaml", "apply -f nothere.yaml", "delete -f nothere.yaml", "label -f nothere.yaml a=b",
    "edit -f nothere.yaml",
]


@pytest.mark.parametrize("line", OFFLINE_ERRORS)
def test_argument_errors_match_kubectl(run_oracle, line):
    import shlex
    want = run_oracle(shlex.split(line))
    result = sandbox().run("kubectl " + line)
    assert (result.output, result.exit_code) == want
