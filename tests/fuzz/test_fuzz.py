"""Hypothesis properties over the engine: the shell parser, kubectl's flag parsing, manifest apply.
For any input: no exception escapes (a Result comes back, with text output and an exit code), the state
keeps its invariants (invariants.check_state), and replaying the command log on a fresh engine with the
same seed and clock rebuilds the same state."""
from __future__ import annotations

import yaml
from hypothesis import given
from hypothesis import strategies as st

from playground.sim.engine import Engine

from .invariants import check_state

T0 = 1_700_000_000

META = list(" \t|&;<>()$`\\\"'*?[]#~=%!{}^\n")
WORDS = ["kubectl", "get", "pods", "echo", "cat", "ls", "cd", "export", "x=1", "$x", "${x:-y}", "$(echo a)",
         "alias", "k=kubectl", "nano", "curl", "minikube", "sudo", "grep", "2>&1", ">", "f.txt", "<<EOF", "EOF",
         "history", "!!", "!-1", "exit", "sh", "-c", "for", "in", "do", "done", "if", "then", "fi", "while"]

shell_lines = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(META),
                                 st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                                         max_size=12)),
                       max_size=14).map(" ".join)

VERBS = ["get", "describe", "create", "delete", "apply", "expose", "scale", "label", "annotate", "run", "edit",
         "patch", "set", "rollout", "logs", "exec", "explain", "api-resources", "config", "top", "wait"]
RESOURCES = ["pods", "po", "deployment", "deploy/web", "svc", "service", "ingress", "networkpolicy", "ns",
             "configmap", "secret", "nodes", "all", "endpoints", "events", "web", "cm", "x-y", ""]
FLAGS = ["-o", "-o=wide", "-o=yaml", "-o=json", "-ojsonpath={.items[*].metadata.name}", "-n", "--namespace=",
         "-A", "--all-namespaces", "-l", "--selector=app=web", "--image=nginx", "--replicas=", "--port=",
         "--type=NodePort", "--dry-run=client", "--dry-run=server", "-f", "-", "--force", "--grace-period=0",
         "--overwrite", "app=web", "app-", "--from-literal=k=v", "--", "-it", "--restart=Never", "-w", "--help",
         "--field-selector=status.phase=Running", "--sort-by=.metadata.name", "-p", '{"spec":{"replicas":2}}',
         "--all", "--show-labels", "--no-headers", "--timeout=0s", "--to-revision=1"]
VALUES = st.one_of(st.sampled_from(["web", "nginx", "default", "kube-system", "3", "-1", "0", "80", "abc", "a" * 70]),
                   st.integers(-5, 100000).map(str),
                   st.text(alphabet="abcxyz-.=,:/{}[]", max_size=10))

kubectl_lines = st.builds(
    lambda verb, res, parts: " ".join(["kubectl", verb, res, *parts]),
    st.sampled_from(VERBS), st.sampled_from(RESOURCES),
    st.lists(st.one_of(st.sampled_from(FLAGS), VALUES, st.sampled_from(FLAGS).flatmap(
        lambda f: VALUES.map(lambda v: f + v if f.endswith("=") else f))), max_size=6))

SETUP = ["kubectl create deployment web --image=nginx --replicas=2", "kubectl expose deployment web --port=80"]


def play(lines: list[str], seed: int = 7) -> Engine:
    engine = Engine.new(seed=seed, now=T0)
    for i, line in enumerate(lines):
        result = engine.run(line, now=T0 + 2 * i)
        assert isinstance(result.output, str) and isinstance(result.exit_code, int), line
        assert "failed unexpectedly" not in result.output, (line, result.output)     # a program's exception
        if result.editor:                         # close any editor a command opened, as the learner would
            engine.save_editor(None, now=T0 + 2 * i + 1)
    return engine


def assert_replays(lines: list[str], engine: Engine) -> None:
    again = play(lines)
    assert again.to_state() == engine.to_state()


@given(st.lists(shell_lines, min_size=1, max_size=4))
def test_shell_lines(lines):
    engine = play(lines)
    check_state(engine)
    assert_replays(lines, engine)


@given(st.lists(kubectl_lines, min_size=1, max_size=6))
def test_kubectl_flags(lines):
    lines = SETUP + lines
    engine = play(lines)
    check_state(engine)
    assert_replays(lines, engine)


# ---- manifests ---------------------------------------------------------------------------------------------
scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40), st.floats(allow_nan=False),
                    st.text(max_size=20), st.sampled_from(["web", "80", "TCP", "ClusterIP", "nginx", "app"]))
KEYS = ["metadata", "name", "namespace", "labels", "spec", "selector", "matchLabels", "template", "containers",
        "image", "ports", "port", "targetPort", "replicas", "data", "rules", "http", "paths", "path", "pathType",
        "backend", "service", "podSelector", "ingress", "egress", "from", "to", "type", "app", "x"]
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)), max_leaves=25)


def _doc(kind_api, name, body):
    api, kind = kind_api
    doc = {"apiVersion": api, "kind": kind, "metadata": {"name": name}}
    doc.update(body)
    return doc


KINDS = [("v1", "ConfigMap"), ("v1", "Service"), ("v1", "Pod"), ("apps/v1", "Deployment"),
         ("networking.k8s.io/v1", "Ingress"), ("networking.k8s.io/v1", "NetworkPolicy"), ("v1", "Namespace"),
         ("v1", "Secret"), ("v1", "List"), ("v9", "Nonsense")]
documents = st.builds(_doc, st.sampled_from(KINDS), st.sampled_from(["web", "a", "Bad_Name", "", "x" * 300]),
                      st.dictionaries(st.sampled_from(["spec", "data", "metadata", "items", "status"]), values,
                                      max_size=3))
manifests = st.one_of(
    st.lists(documents, min_size=1, max_size=3).map(lambda docs: yaml.safe_dump_all(docs)),
    st.text(alphabet=st.sampled_from(list("abc:- \n[]{}&*!|>'\"#%@`,?\t")), max_size=200))


@given(manifests, st.sampled_from(["apply", "create", "replace", "delete"]))
def test_manifest_apply(content, verb):
    engine = Engine.new(seed=7, now=T0)
    for line in SETUP:
        engine.run(line, now=T0)
    opened = engine.run("nano m.yaml", now=T0 + 1)
    assert opened.editor, opened.output
    engine.save_editor(content, now=T0 + 2)
    result = engine.run(f"kubectl {verb} -f m.yaml", now=T0 + 3)
    assert isinstance(result.output, str) and isinstance(result.exit_code, int)
    assert "failed unexpectedly" not in result.output, result.output
    check_state(engine)
    # replay the same log (editor content included) on a fresh engine
    again = Engine.new(seed=7, now=T0)
    for line in SETUP:
        again.run(line, now=T0)
    again.run("nano m.yaml", now=T0 + 1)
    again.save_editor(content, now=T0 + 2)
    again.run(f"kubectl {verb} -f m.yaml", now=T0 + 3)
    assert again.to_state() == engine.to_state()


def test_found_by_fuzzing_metadata_null_is_refused_not_crashed():
    """Found by test_manifest_apply (dev profile): `metadata: null` made kubectl apply raise AttributeError
    (the shell printed 'podscape: kubectl failed unexpectedly'). Real kubectl refuses the object."""
    engine = Engine.new(seed=7, now=T0)
    engine.run("nano m.yaml", now=T0)
    engine.save_editor("apiVersion: v1\nkind: ConfigMap\nmetadata: null\n", now=T0)
    result = engine.run("kubectl apply -f m.yaml", now=T0 + 1)
    assert "failed unexpectedly" not in result.output and result.exit_code != 0
    check_state(engine)
