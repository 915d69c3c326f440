"""kubectl config set-cluster|set-credentials|delete-context|delete-cluster|delete-user|rename-context against the real kubectl (both edit
their own copy of the same kubeconfig, step by step), and apply set-last-applied, which edits an annotation."""
from __future__ import annotations

from playground.sim.engine import Engine
from tests.sim.test_oracle_diff import NOW, oracle, simulate

STEPS = [["config", "set-cluster", "dev", "--server=https://1.2.3.4:6443", "--insecure-skip-tls-verify=true"],
         ["config", "set-cluster", "minikube", "--server=https://5.6.7.8"], ["config", "set-cluster"],
         ["config", "set-credentials", "bob", "--token=abc"], ["config", "view"],
         ["config", "set-credentials", "bob", "--username=b", "--password=p"], ["config", "view", "-o", "json"],
         ["config", "set-credentials", "minikube", "--client-certificate=/x.crt", "--client-key=/x.key"],
         ["config", "set-credentials"], ["config", "view", "--raw"],
         ["config", "set-context", "qa", "--cluster=minikube", "--user=minikube"],
         ["config", "rename-context", "qa", "staging"], ["config", "rename-context", "nope", "x"],
         ["config", "rename-context", "staging", "minikube"], ["config", "rename-context", "a"],
         ["config", "get-contexts"], ["config", "delete-context", "nope"], ["config", "delete-context"],
         ["config", "delete-context", "staging"], ["config", "rename-context", "minikube", "mk"],
         ["config", "current-context"], ["config", "delete-context", "mk"], ["config", "delete-user"],
         ["config", "delete-user", "nope"], ["config", "delete-user", "minikube"], ["config", "delete-cluster"],
         ["config", "delete-cluster", "minikube"], ["config", "delete-cluster", "minikube"], ["config", "view"],
         ["config", "view", "-o", "json"]]


def test_config_edits_match_kubectl(kubectl_oracle, tmp_path):
    engine = Engine.new(seed=3, now=NOW)
    config = tmp_path / "config"
    config.write_text(simulate(["config", "view", "--raw"], engine)[0])
    ours = "/home/student/.kube/config"
    for args in STEPS:
        out, err, code = oracle(kubectl_oracle, args, str(config))
        want = (out.replace(str(config), ours), err.replace(str(config), ours), code)
        assert simulate(args, engine) == want, f"kubectl {' '.join(args)}"


def test_apply_set_last_applied_needs_an_annotation_or_the_flag():
    e = Engine.new(seed=3, now=NOW)
    manifest = e.run("kubectl create deploy web --image=nginx --dry-run=client -o yaml").output
    e.host.files[e.host.abspath("d.yaml")] = manifest
    r = e.run("kubectl apply set-last-applied -f d.yaml")
    assert (r.output, r.exit_code) == ('Error from server (NotFound): deployments.apps "web" not found\n', 1)
    e.run("kubectl create -f d.yaml")
    r = e.run("kubectl apply set-last-applied -f d.yaml")
    assert r.output == ("error: no last-applied-configuration annotation found on resource: web, to create the "
                        "annotation, run the command with --create-annotation\n")
    assert e.run("kubectl apply set-last-applied -f d.yaml --create-annotation").output == \
        "deployment.apps/web configured\n"
    assert "image: nginx" in e.run("kubectl apply view-last-applied deploy/web").output
    assert e.run("kubectl apply set-last-applied -f d.yaml").output == ""        # unchanged: nothing to do
