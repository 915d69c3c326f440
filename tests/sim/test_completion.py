"""Tab completion: commands, paths, kubectl subcommands/types/names/flags, minikube."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.sim.completion import complete
from playground.sim.engine import Engine


FRESH = Engine.new(seed=2, now=1_800_000_000)


@pytest.fixture(scope="module")
def engine() -> Engine:
    e = Engine.new(seed=1, now=1_800_000_000)
    for line in ("kubectl create deploy nginx-app --image=nginx --replicas=3",
                 "kubectl expose deploy nginx-app --port=80", "mkdir ckad", "touch ckad/nwpolicy.yaml notes.txt"):
        assert e.run(line).exit_code == 0, line
    return e


def c(engine: Engine, line: str, cursor: int | None = None) -> tuple[int, list[str]]:
    return complete(engine, line, len(line) if cursor is None else cursor)


def test_command_names(engine):
    assert c(engine, "kub") == (0, ["kubectl"])
    assert c(engine, "mini") == (0, ["minikube"])
    start, matches = c(engine, "echo a | gr")
    assert (start, matches) == (9, ["grep"])
    assert "history" in c(engine, "hist")[1] and "head" in c(engine, "he")[1]
    assert c(engine, "sudo te")[1] == ["tee", "test"]
    assert c(engine, "X=1 ech") == (4, ["echo"])


def test_paths(engine):
    assert c(engine, "cat /et") == (4, ["/etc/"])
    assert c(engine, "cat /etc/ho") == (4, ["/etc/hostname", "/etc/hosts"])
    assert c(engine, "cat /etc/hosts") == (4, ["/etc/hosts"])
    assert c(engine, "cat ~/ck") == (4, ["~/ckad/"])
    assert c(engine, "ls ck") == (3, ["ckad/"])
    assert c(engine, "cat ckad/") == (4, ["ckad/nwpolicy.yaml"])
    assert c(engine, "cd ") == (3, ["ckad/"])
    assert c(engine, "echo x > no") == (9, ["notes.txt"])
    assert c(engine, "cat nothing-here") == (4, [])


def test_kubectl_subcommands_and_types(engine):
    start, matches = c(engine, "kubectl ")
    assert start == 8
    for sub in ("get", "describe", "create", "expose", "edit", "delete", "apply", "patch", "label", "annotate",
                "scale", "set", "run", "exec", "logs", "version", "cluster-info", "api-resources", "explain",
                "config"):
        assert sub in matches
    assert c(engine, "kubectl desc") == (8, ["describe"])
    assert c(engine, "kubectl get po") == (12, ["po", "pod", "poddisruptionbudget", "poddisruptionbudgets", "pods",
                                                "podtemplate", "podtemplates"])
    assert "svc" in c(engine, "kubectl describe sv")[1] and "services" in c(engine, "kubectl delete se")[1]
    assert "deploy" in c(engine, "kubectl edit dep")[1]
    assert "all" in c(engine, "kubectl get a")[1]
    assert c(engine, "kubectl create service n") == (23, ["nodeport"])
    assert c(engine, "kubectl create dep") == (15, ["deployment"])


def test_kubectl_object_names(engine):
    assert c(engine, "kubectl describe svc ngi") == (21, ["nginx-app"])
    assert c(engine, "kubectl get svc ") == (16, ["kubernetes", "nginx-app"])
    assert c(engine, "kubectl get svc/") == (12, ["svc/kubernetes", "svc/nginx-app"])
    assert c(engine, "kubectl expose deploy ") == (22, ["nginx-app"])
    pods = c(engine, "kubectl get pods nginx")[1]
    assert len(pods) == 3 and all(p.startswith("nginx-app-") for p in pods)
    assert c(engine, "kubectl get pods -n kube-system etcd") == (32, ["etcd-minikube"])
    assert c(engine, "kubectl get pods etcd") == (17, [])          # not in the default namespace
    assert c(engine, "kubectl -n kube-") == (11, ["kube-node-lease", "kube-public", "kube-system"])
    assert len(c(engine, "kubectl logs ")[1]) == 3


def test_kubectl_flags_and_values(engine):
    assert c(engine, "kubectl get pods --sh") == (17, ["--show-kind", "--show-labels", "--show-managed-fields"])
    assert c(engine, "kubectl rollout ") == (16, ["history", "pause", "restart", "resume", "status", "undo"])
    assert "--target-port" in c(engine, "kubectl expose deploy nginx-app --t")[1]
    assert c(engine, "kubectl get svc -o ") == (19, ["custom-columns=", "json", "jsonpath=", "name", "wide", "yaml"])
    assert c(engine, "kubectl apply -f ck") == (17, ["ckad/"])


def test_minikube(engine):
    assert "service" in c(engine, "minikube ")[1] and "ip" in c(engine, "minikube i")[1]
    assert c(engine, "minikube service ng") == (17, ["nginx-app"])
    assert c(engine, "minikube addons en") == (16, ["enable"])


def test_cursor_in_the_middle(engine):
    line = "kubectl desc svc"
    assert c(engine, line, 12) == (8, ["describe"])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.integers(min_value=0, max_value=50))
def test_never_raises(line, cursor):
    start, matches = complete(FRESH, line, cursor)
    assert 0 <= start <= len(line) and isinstance(matches, list)


def test_aliases_and_variables():
    e = Engine.new(seed=1, now=1_800_000_000)
    e.run("alias k=kubectl")
    assert complete(e, "k desc", 6) == (2, ["describe"])
    assert complete(e, "k get svc kube", 14) == (10, ["kubernetes"])
    assert complete(e, "echo $HO", 8) == (5, ["$HOME", "$HOSTNAME"])
    e.run("P=32000")
    assert complete(e, "curl 192.168.49.2:${P", 21) == (18, ["${P}", "${PATH}", "${PWD}"])
