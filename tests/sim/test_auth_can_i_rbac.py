"""`kubectl auth can-i --as`: RBAC over the stored roles and bindings (plugin/pkg/auth/authorizer/rbac):
service accounts' groups, role vs cluster-role bindings, subresources, resource names, system:masters."""
from __future__ import annotations

from playground.sim.engine import Engine

SA = "--as=system:serviceaccount:default:robot"


def ask(e: Engine, line: str) -> tuple[str, int]:
    r = e.run(line, now=e.cluster.now)
    return r.output, r.exit_code


def test_a_service_account_gets_what_its_role_binding_grants():
    e = Engine.new(seed=1, now=1_800_000_000.0)
    ask(e, "kubectl create sa robot")
    assert ask(e, f"kubectl auth can-i list pods {SA}") == ("no\n", 1)
    ask(e, "kubectl create role reader --verb=get,list --resource=pods,pods/log --resource-name=p1")
    ask(e, "kubectl create rolebinding rb --role=reader --serviceaccount=default:robot")
    assert ask(e, f"kubectl auth can-i get pods/p1 {SA}") == ("yes\n", 0)
    assert ask(e, f"kubectl auth can-i get pods/p2 {SA}") == ("no\n", 1)
    assert ask(e, f"kubectl auth can-i get pods/p1 --subresource=log {SA}") == ("yes\n", 0)
    assert ask(e, f"kubectl auth can-i delete pods/p1 {SA}") == ("no\n", 1)
    assert ask(e, f"kubectl auth can-i get pods/p1 -n kube-system {SA}") == ("no\n", 1)


def test_cluster_role_bindings_groups_and_masters():
    e = Engine.new(seed=1, now=1_800_000_000.0)
    ask(e, "kubectl create clusterrole dep-reader --verb=get --resource=deployments.apps")
    ask(e, "kubectl create clusterrolebinding all-sa --clusterrole=dep-reader --group=system:serviceaccounts")
    assert ask(e, f"kubectl auth can-i get deployments -n kube-system {SA}") == ("yes\n", 0)
    assert ask(e, "kubectl auth can-i get deployments --as=alice") == ("no\n", 1)
    assert ask(e, "kubectl auth can-i delete nodes --as=alice --as-group=system:masters") == ("yes\n", 0)
    assert ask(e, "kubectl auth can-i delete nodes") == ("yes\n", 0)          # minikube's admin
    ask(e, "kubectl create clusterrolebinding b --clusterrole=view --user=bob")
    out, code = ask(e, "kubectl auth can-i get pods --as=bob")
    assert code == 1 and "does not have the built-in role(s) ClusterRole/view" in out
