"""The lesson normaliser reads kubectl's flag tables from the capability registry."""
from __future__ import annotations

import pytest

from lessons.checks import normalise


@pytest.mark.parametrize("line,norm", [
    ("kubectl logs -f nginx-abc", "kubectl logs -f nginx-abc"),               # --follow is a bool, not -f FILE
    ("kubectl apply -f x.yaml", "kubectl apply --filename=x.yaml"),
    ("kubectl -n dev get svc", "kubectl --namespace=dev get svc"),
    ("kubectl rollout history deploy/web --revision 2", "kubectl rollout history deploy/web --revision=2"),
    ("kubectl set env deploy/web -c nginx A=1", "kubectl set env deploy/web --containers=nginx A=1"),
    ("kubectl get po -w -o wide | grep web", "kubectl get po -w --output=wide | grep web"),
    ("minikube kubectl -- get pods -n kube-system", "kubectl get pods --namespace=kube-system"),
])
def test_kubectl_flags_come_from_kubectls_own_tables(line, norm):
    assert normalise(line) == norm
