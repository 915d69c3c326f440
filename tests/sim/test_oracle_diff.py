"""Differential tests: the playground's kubectl against real kubectl v1.35 (the oracle), byte for byte.

Each case runs the same argv through the simulated `kubectl` program and through the real binary and
compares stdout, stderr and the exit code separately. Only klog's volatile prefix (timestamp and pid of
`W1127 22:07:19.905376   11299 helpers.go:719] ...`) is normalised.

`create ... --dry-run=client` and parse errors need no cluster (KUBECONFIG=/dev/null). `run` and `expose`
ask the server for discovery (and expose for the object), so those run against a small fake API server
(tests/tools/fake_apiserver.py) that serves the simulated cluster's own objects.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile

import pytest

from playground.sim.engine import Engine
from playground.sim.proc import Proc, Stream
from playground.sim.programs.kubectl import kubectl
from tests.tools.fake_apiserver import FakeApiServer

KLOG = re.compile(r"^([IWE])\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ ", re.M)
NOW = 1_764_281_000


def normalise(text: str) -> str:
    return KLOG.sub(r"\1MMDD hh:mm:ss.uuuuuu pid ", text)


def simulate(args: list[str], engine: Engine | None = None) -> tuple[str, str, int]:
    """Run the playground's kubectl with separate stdout and stderr, as a pipe would see them."""
    engine = engine or Engine.new(seed=7, now=NOW)
    out, err = Stream(), Stream()
    proc = Proc(engine, ["kubectl", *args], "", out, err, engine.host.env(), stdin_is_tty=False)
    proc.stdout_is_tty = False
    code = kubectl(proc)
    return normalise(out.text), normalise(err.text), code


def oracle(binary: str, args: list[str], kubeconfig: str = "/dev/null") -> tuple[str, str, int]:
    home = tempfile.mkdtemp(prefix="kubectl-home-")     # discovery caches land here, not in a real HOME
    try:
        proc = subprocess.run([binary, *args], capture_output=True, text=True, timeout=60,
                              env={"KUBECONFIG": kubeconfig, "HOME": home, "PATH": "/usr/bin:/bin"})
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return normalise(proc.stdout), normalise(proc.stderr), proc.returncode


def assert_same(binary: str, args: list[str], engine: Engine | None = None, kubeconfig: str = "/dev/null"):
    want = oracle(binary, args, kubeconfig)
    got = simulate(args, engine)
    assert got == want, f"kubectl {' '.join(args)}"


# ---- create ... --dry-run=client: the generated objects ------------------------------------------------
DRY = ["--dry-run=client", "-o", "yaml"]
CREATE_FORMS = [
    ["create", "deployment", "nginx-app", "--image=nginx", *DRY],
    ["create", "deploy", "web", "--image=nginx:1.25", "--replicas=3", "--port=80", *DRY],
    ["create", "deploy", "multi", "--image=nginx", "--image=busybox:1.36", "--image=redis", *DRY],
    ["create", "deploy", "csv", "--image=nginx,busybox", "-r", "2", *DRY],
    ["create", "deploy", "sleeper", "--image=busybox", *DRY, "--", "sleep", "3600"],
    ["create", "deploy", "shell", "--image=busybox", *DRY, "--", "sh", "-c", "echo hello; sleep 10"],
    ["create", "deploy", "echo", "--image=registry.k8s.io/echoserver:1.4", "--port=8080", "-n", "dev", *DRY],
    ["create", "deploy", "zero", "--image=nginx", "--replicas=0", "--port=0", *DRY],
    ["create", "deploy", "json", "--image=nginx", "--port=80", "--dry-run=client", "-o", "json"],
    ["create", "deploy", "named", "--image=nginx", "--dry-run=client", "-o", "name"],
    ["create", "deploy", "plain", "--image=nginx", "--dry-run=client"],
    ["create", "deploy", "old", "--image=nginx", "--dry-run", "-o", "yaml"],
    ["create", "service", "clusterip", "my-cs", "--tcp=5678:8080", *DRY],
    ["create", "svc", "clusterip", "two", "--tcp=80:8080,443:8443", *DRY],
    ["create", "svc", "clusterip", "named-port", "--tcp=80:http", "--tcp=9090", *DRY],
    ["create", "service", "clusterip", "headless", "--clusterip=None", *DRY],
    ["create", "svc", "clusterip", "fixed", "--tcp=80", "--clusterip=10.96.0.50", *DRY],
    ["create", "service", "nodeport", "my-ns", "--tcp=5678:8080", *DRY],
    ["create", "svc", "nodeport", "nginx-app", "--tcp=80:80", "--node-port=32000", *DRY],
    ["create", "svc", "nodeport", "np", "--tcp=80,81", "--node-port=30080", "-n", "dev", "--dry-run=client",
     "-o", "json"],
    ["create", "service", "loadbalancer", "my-lbs", "--tcp=5678:8080", *DRY],
    ["create", "service", "externalname", "my-en", "--external-name", "bar.com", *DRY],
    ["create", "svc", "externalname", "db", "--external-name=db.example.com", "--tcp=5432", *DRY],
    ["create", "svc", "clusterip", "quiet", "--tcp=80", "--dry-run=client"],
    ["create", "namespace", "dev", *DRY],
    ["create", "ns", "staging", "--dry-run=client", "-o", "json"],
    ["create", "ns", "truthy", "--dry-run=true"],
    ["create", "configmap", "app-config", "--from-literal=color=blue", "--from-literal=size=3", *DRY],
    ["create", "cm", "quoted", "--from-literal=greeting=hello world", "--from-literal=empty=",
     "--from-literal=yes=no", "--from-literal=n=1e3", *DRY],
    ["create", "cm", "hashed", "--from-literal=a=1", "--append-hash", "-n", "dev", *DRY],
    ["create", "secret", "generic", "db", "--from-literal=user=admin", "--from-literal=password=s3cr3t!", *DRY],
    ["create", "secret", "generic", "typed", "--from-literal=k=v", "--type=Opaque", "--append-hash",
     "--dry-run=client", "-o", "json"],
    ["create", "deploy", "saved", "--image=nginx", "--save-config", *DRY],
    ["create", "svc", "nodeport", "unsaved", "--tcp=80", "--save-config", "--dry-run=client", "-o", "json"],
    ["create", "cm", "saved", "--from-literal=a=<b>", "--save-config", *DRY],
    ["create", "deploy", "blanks", "--image=a,,b", *DRY],
    ["create", "deploy", "quoted", '--image="nginx:1.25",busybox', *DRY],
    ["create", "deploy", "jp", "--image=nginx", "--dry-run=client", "-o", "jsonpath={.spec.template.spec}"],
]


@pytest.mark.parametrize("args", CREATE_FORMS, ids=lambda a: " ".join(a[:4]))
def test_create_dry_run_matches_kubectl(kubectl_oracle, args):
    assert_same(kubectl_oracle, args)


def test_enough_create_forms():
    assert sum("yaml" in a for a in CREATE_FORMS) >= 20 and len(CREATE_FORMS) + len(RUN_FORMS) >= 30


# ---- malformed commands: kubectl's own errors, exit codes and usage lines ------------------------------
MALFORMED = [
    ["create", "deploy", "x"],                                             # missing --image
    ["create", "deploy", "--image=nginx"],                                 # missing NAME
    ["create", "deploy", "a", "b", "--image=nginx"],                       # extra argument
    ["create", "deploy", "x", "--image=nginx", "--replicas=abc"],          # bad --replicas
    ["create", "deploy", "x", "--image=nginx", "--replicas=9999999999"],   # out of int32 range
    ["create", "deploy", "x", "--image=nginx", "-r"],                      # flag needs an argument
    ["create", "deploy", "x", "--image=nginx", "--bogus"],                 # unknown flag
    ["create", "deploy", "x", "--image=a", "--image=b", "--", "sleep", "1"],
    ["create", "deploy", "x", "--image=nginx", "--dry-run=bogus"],
    ["create", "deploy", "x", "--image=nginx", "--dry-run=client", "-o", "bogus"],
    ["create", "svc", "clusterip", "s", "--dry-run=client"],               # no --tcp
    ["create", "svc", "clusterip", "s", "--tcp=abc", "--dry-run=client"],
    ["create", "svc", "clusterip", "s", "--tcp=70000", "--dry-run=client"],
    ["create", "svc", "clusterip", "s", "--tcp=80:70000", "--dry-run=client"],
    ["create", "svc", "clusterip", "s", "--tcp=80:abc_d", "--dry-run=client"],
    ["create", "svc", "clusterip", "s", "--tcp=80,", "--dry-run=client"],
    ["create", "svc", "clusterip", "s", '--tcp="80', "--dry-run=client"],     # CSV errors, as encoding/csv
    ["create", "deploy", "x", '--image=8"0'],
    ["create", "deploy", "x", '--image="é"x'],
    ["create", "svc", "nodeport", "s", "--clusterip=None"],               # flag of another type
    ["create", "svc", "nodeport", "s", "--tcp=80", "--node-port=abc"],
    ["create", "svc", "externalname", "s", "--external-name=Bad_Name", "--dry-run=client"],
    ["create", "svc", "externalname", "s", "--dry-run=client"],
    ["create", "svc", "foo", "s"],                                         # wrong service type
    ["create", "service"],                                                 # bare group: its help, exit 1
    ["create", "secret", "bogus", "x"],
    ["create", "ns", "a", "b"],
    ["create", "cm", "c", "--from-literal=abc", "--dry-run=client"],
    ["create", "cm", "c", "--from-literal=a=1", "--from-literal=a=2", "--dry-run=client"],
    ["create", "secret", "generic", "s", "--from-literal=a b=1", "--dry-run=client"],
    ["run", "x"],                                                          # missing --image
    ["run", "--image=nginx"],                                              # missing NAME
    ["run", "x", "--image=Nginx"],                                         # invalid image reference
    ["run", "x", "--image=nginx", "-t"],
    ["run", "x", "--image=nginx", "--restart=Sometimes"],
    ["run", "x", "--image="],
    ["run", "x", "--image=nginx", "--expose"],
    ["run", "x", "--image=nginx", "--rm"],
    ["run", "x", "--image=nginx", "-i", "--dry-run=client"],
    ["run", "x", "--image=nginx", "--image-pull-policy=Sometimes"],
    ["expose", "deploy/a", "b"],
    ["expose"],
    ["version", "extra"],
    ["version", "-o", "bogus"],
    ["api-resources", "--sort-by=foo"],
    ["config", "bogus"],
]


@pytest.mark.parametrize("args", MALFORMED, ids=lambda a: " ".join(a))
def test_malformed_matches_kubectl(kubectl_oracle, args):
    assert_same(kubectl_oracle, args)


def test_help_texts_match_kubectl(kubectl_oracle):
    for args in (["--help"], ["create", "deployment", "--help"], ["create", "svc", "nodeport", "-h"],
                 ["expose", "--help"], ["run", "-h"], ["config", "set-context", "--help"]):
        assert_same(kubectl_oracle, args)


def test_version_client_matches_kubectl(kubectl_oracle):
    for args in (["version", "--client"], ["version", "--client", "-o", "yaml"],
                 ["version", "--client", "-o", "json"]):
        assert_same(kubectl_oracle, args)


# ---- run and expose: against a fake API server serving the simulated cluster's objects ------------------
RUN_FORMS = [
    ["run", "nginx", "--image=nginx", *DRY],
    ["run", "p", "--image=busybox", "-l", "app=web,tier=fe", "--env=A=1", "--env=B=two words", "--port=8080",
     "--restart=Never", "--command", *DRY, "--", "sleep", "3600"],
    ["run", "once", "--image=busybox", "--restart=OnFailure", *DRY, "--", "echo", "hi"],
    ["run", "web", "--image=nginx", "--port=80", "--expose", *DRY],
    ["run", "priv", "--image=nginx", "--image-pull-policy=IfNotPresent", "--privileged", "-n", "dev",
     "--dry-run=client", "-o", "json"],
    ["run", "ann", "--image=nginx", "--annotations=team=blue", "--dry-run=client", "-o", "name"],
    ["run", "plain", "--image=nginx", "--dry-run=client"],
    ["run", "wrap", "--image=nginx", "--port=99999999999", *DRY],            # Atoi, then int32() wraps
    ["run", "bad-port", "--image=nginx", "--port=abc", "--dry-run=client"],
    ["run", "over", "--image=nginx", '--overrides={"spec":{"nodeName":"minikube"},"metadata":{"labels":null}}', *DRY],
    ["run", "bad-over", "--image=nginx", "--overrides=bad", "--dry-run=client"],
    ["run", "env", "--image=nginx", "--env=A", "--dry-run=client"],
    ["run", "digest", "--image=localhost:5000/x/y@sha256:" + "0123456789abcdef" * 4, "--dry-run=client", "-o",
     "name"],
]

EXPOSE_FORMS = [
    ["expose", "deploy", "nginx-app", *DRY],
    ["expose", "deployment", "nginx-app", "--type=NodePort", "--port=8080", "--target-port=80", "--name=web", *DRY],
    ["expose", "deploy/nginx-app", "--protocol=UDP", "--labels=x=y", "--external-ip=1.2.3.4",
     "--cluster-ip=None", "--dry-run=client", "-o", "json"],
    ["expose", "deploy", "nginx-app", "--type=LoadBalancer", "--load-balancer-ip=1.1.1.1",
     "--session-affinity=ClientIP", *DRY],
    ["expose", "pod", "solo", "--port=80", "--target-port=http", *DRY],
    ["expose", "svc", "nginx-app-svc", "--name=again", *DRY],
    ["expose", "deploy", "nginx-app", "--dry-run=client"],
    ["expose", "deploy", "nope", "--dry-run=client"],
    ["expose", "deploy", "coredns", "-n", "kube-system", *DRY],            # 53/UDP+53/TCP: port-1-udp, port-1-tcp
    ["expose", "svc", "kube-dns", "-n", "kube-system", "--name=dns2", "--protocol=UDP", *DRY],
    ["expose", "svc", "kube-dns", "-n", "kube-system", "--name=dns3", "--port=53", "-o", "json",
     "--dry-run=client"],
    ["expose", "deploy", "nginx-app", "--session-affinity=x", "--dry-run=client"],
    ["expose", "deploy", "nginx-app", "--port=abc", "--dry-run=client"],
    ["expose", "deploy", "nginx-app", "--selector=a", "--dry-run=client"],
    ["expose", "deploy", "no-ports", "--dry-run=client"],
    ["expose", "deploy"],
    ["expose", "foo", "x"],
]


@pytest.fixture(scope="module")
def cluster_engine():
    """A sandbox with a deployment (port 80), one without ports, a labelled pod and a service."""
    engine = Engine.new(seed=11, now=NOW)
    for line in (["create", "deploy", "nginx-app", "--image=nginx", "--port=80", "--replicas=2"],
                 ["create", "deploy", "no-ports", "--image=nginx"],
                 ["run", "solo", "--image=nginx", "--port=80", "--labels=app=solo,tier=web"],
                 ["create", "svc", "clusterip", "nginx-app-svc", "--tcp=80:8080"]):
        out, err, code = simulate(line, engine)
        assert code == 0, err
    return engine


def _objects(engine: Engine) -> list[dict]:
    return [o for plural in ("deployments", "pods", "services") for o in engine.cluster.list(plural)]


@pytest.mark.parametrize("args", RUN_FORMS + EXPOSE_FORMS, ids=lambda a: " ".join(a[:4]))
def test_run_and_expose_match_kubectl(kubectl_oracle, cluster_engine, args):
    import copy
    with FakeApiServer(copy.deepcopy(_objects(cluster_engine))) as server:
        want = oracle(kubectl_oracle, args, server.kubeconfig)
    got = simulate(args, cluster_engine)
    assert got == want, f"kubectl {' '.join(args)}"


# ---- kubeconfig commands: the oracle reads the file the playground writes --------------------------------
def test_config_commands_match_kubectl(kubectl_oracle, tmp_path):
    engine = Engine.new(seed=3, now=NOW)
    config = tmp_path / "config"
    steps = [["config", "view"], ["config", "current-context"], ["config", "get-contexts"],
             ["config", "set-context", "--current", "--namespace=dev"], ["config", "get-contexts"],
             ["config", "view", "--minify", "-o", "json"], ["config", "use-context", "nope"],
             ["config", "set-context", "qa", "--cluster=minikube", "--user=minikube", "--namespace=qa"],
             ["config", "use-context", "qa"], ["config", "get-contexts", "-o", "name"], ["config", "get-clusters"],
             ["config", "set-context"], ["config", "view", "extra"]]
    out, _, _ = simulate(["config", "view", "--raw"], engine)
    config.write_text(out)
    for args in steps:
        want = oracle(kubectl_oracle, args, str(config))
        got = simulate(args, engine)
        assert got == want, f"kubectl {' '.join(args)}"


# ---- a cluster that is down: the request errors, and what still works offline ----------------------------
OFFLINE = [
    ["create", "deploy", "x", "--image=nginx"],
    ["create", "svc", "nodeport", "x", "--tcp=80"],
    ["create", "cm", "c", "--from-literal=a=b"],
    ["create", "secret", "generic", "s", "--from-literal=a=b"],
    ["create", "ns", "foo"],
    ["create", "deploy", "x", "--image=nginx", "--dry-run=client", "-o", "yaml"],
    ["expose", "deploy", "x"],
    ["run", "x", "--image=nginx"],
    ["run", "x", "--image=nginx", "--port=80", "--expose"],
    ["api-resources"],
    ["api-versions"],
    ["explain", "pods"],
    ["explain", "pods", "-o", "bogus"],
    ["cluster-info", "dump"],
    ["version"],
    ["cluster-info"],
]


@pytest.mark.parametrize("args", OFFLINE, ids=lambda a: " ".join(a))
def test_unreachable_cluster_matches_kubectl(kubectl_oracle, args):
    """KUBECONFIG=/dev/null makes real kubectl talk to localhost:8080, as a stopped minikube leaves it."""
    engine = Engine.new(seed=5, now=NOW)
    engine.cluster.running = False
    assert_same(kubectl_oracle, args, engine)


# ---- explain: kubectl renders the same schemas (served as OpenAPI v3 by the fake server) -----------------
EXPLAIN_FORMS = [["explain", kind] for kind in ("pods", "deployments", "rs", "svc", "endpoints", "nodes", "ns")] + [
    ["explain", "svc.spec.type"], ["explain", "svc.spec"], ["explain", "svc.spec.ports.targetPort"],
    ["explain", "deploy.spec.template"], ["explain", "pods.spec.containers.ports"], ["explain", "svc", "--recursive"],
    ["explain", "svc.spec.nope"], ["explain", "foo"], ["explain", "a", "b"], ["explain"],
    ["explain", "pods", "-o", "bogus"], ["explain", "deploy", "--api-version=apps/v2"],
    ["explain", "deploy", "--api-version=apps/v1"],
]


@pytest.mark.parametrize("args", EXPLAIN_FORMS, ids=lambda a: " ".join(a))
def test_explain_matches_kubectl(kubectl_oracle, args):
    with FakeApiServer([]) as server:
        want = oracle(kubectl_oracle, args, server.kubeconfig)
    assert simulate(args) == want, f"kubectl {' '.join(args)}"


# ---- discovery: kubectl prints the resource table the fake server serves from resources.RESOURCES --------
DISCOVERY_FORMS = [["api-resources"], ["api-resources", "-o", "wide"], ["api-resources", "--namespaced=false", "-o",
                   "name"], ["api-resources", "--api-group=apps", "--no-headers"], ["api-resources", "--sort-by=kind"],
                   ["api-resources", "--verbs=list", "--categories=all"], ["api-resources", "extra"],
                   ["api-versions"], ["api-versions", "extra"]]


@pytest.mark.parametrize("args", DISCOVERY_FORMS, ids=lambda a: " ".join(a))
def test_discovery_commands_match_kubectl(kubectl_oracle, args):
    with FakeApiServer([]) as server:
        want = oracle(kubectl_oracle, args, server.kubeconfig)
    assert simulate(args) == want, f"kubectl {' '.join(args)}"


# ---- configmaps and secrets from files: the same files on both machines ----------------------------------
FILE_FORMS = [
    ["create", "cm", "env", "--from-env-file={d}/app.env", *DRY],
    ["create", "secret", "generic", "env", "--from-env-file={d}/app.env", *DRY],
    ["create", "cm", "files", "--from-file={d}/greeting.txt", "--from-file=g2={d}/greeting.txt", *DRY],
    ["create", "cm", "dir", "--from-file={d}/dir", *DRY],
    ["create", "cm", "c", "--from-file=k={d}/dir", "--dry-run=client"],
    ["create", "cm", "c", "--from-env-file={d}/bad.env", "--dry-run=client"],
    ["create", "cm", "c", "--from-file=={d}/x", "--dry-run=client"],
    ["create", "cm", "c", "--from-file=k=", "--dry-run=client"],
    ["create", "cm", "c", "--from-file=a=b=c", "--dry-run=client"],
    ["create", "cm", "c", "--from-file={d}/missing", "--dry-run=client"],
    ["create", "secret", "generic", "s", "--from-file={d}/greeting.txt", "--from-env-file={d}/app.env",
     "--dry-run=client"],
]
FILES = {"app.env": "color=blue\n# comment\n\n  size=3\nEMPTY=\nNOVAL\n", "greeting.txt": "hello\nworld\n",
         "bad.env": "1A=x\n", "dir/one": "a", "dir/two": "b"}


@pytest.mark.parametrize("args", FILE_FORMS, ids=lambda a: " ".join(a[:4]))
def test_create_from_files_matches_kubectl(kubectl_oracle, tmp_path, args):
    engine = Engine.new(seed=9, now=NOW)
    for rel, content in FILES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
        engine.host.files[str(path)] = content
        engine.host.dirs.add(str(path.parent))
    args = [a.replace("{d}", str(tmp_path)) for a in args]
    assert_same(kubectl_oracle, args, engine)
