"""`kubectl apply --prune -l` (pkg/cmd/apply/prune.go, pkg/util/prune/prune.go) and `get --template` alone."""
from __future__ import annotations

from playground.sim.engine import Engine

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\n  labels:\n    app: x\ndata:\n  k: v\n"


def test_prune_deletes_applied_objects_no_longer_in_the_files():
    e = Engine.new(seed=1, now=1_800_000_000.0)
    e.host.files[e.host.abspath("a.yaml")] = CM.replace("NAME", "one") + "---\n" + CM.replace("NAME", "two")
    e.run("kubectl apply -f a.yaml", now=e.cluster.now)
    e.run("kubectl create configmap other --from-literal=a=b", now=e.cluster.now)   # never applied: kept
    e.host.files[e.host.abspath("a.yaml")] = CM.replace("NAME", "one")
    r = e.run("kubectl apply -f a.yaml --prune -l app=x --dry-run=client", now=e.cluster.now)
    assert r.output.startswith("configmap/one configured (dry run)\nW")
    assert r.output.endswith("configmap/two pruned (dry run)\n")
    r = e.run("kubectl apply -f a.yaml --prune -l app=x", now=e.cluster.now)
    assert "prune.go:71] Deprecated: kubectl apply will no longer prune non-namespaced resources" in r.output
    assert r.output.endswith("configmap/two pruned\n")
    assert e.cluster.get("configmaps", "default", "two") is None
    assert e.cluster.get("configmaps", "default", "other") is not None
    r = e.run("kubectl apply -f a.yaml --prune", now=e.cluster.now)
    assert (r.output, r.exit_code) == (
        "error: all resources selected for prune without explicitly passing --all. To prune all resources, pass "
        "the --all flag. If you did not mean to prune all resources, specify a label selector\n", 1)


def test_get_with_only_template_prints_a_go_template():
    e = Engine.new(seed=1, now=1_800_000_000.0)
    e.run("kubectl run p --image=nginx", now=e.cluster.now)
    assert e.run("kubectl get pod p --template={{.kind}}", now=e.cluster.now).output == "Pod"
