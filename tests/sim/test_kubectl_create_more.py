"""kubectl create secret tls|docker-registry, serviceaccount, job, cronjob, quota against the real kubectl.

tests/sim/data/tls.crt and tls.key are a throwaway self-signed pair (openssl req -x509 -newkey rsa:2048 -nodes)
used only to check how `create secret tls` reads and checks its input.
"""
from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

from playground.sim.engine import Engine
from tests.sim.test_oracle_diff import NOW, normalise, simulate

DATA = Path(__file__).parent / "data"
CASES = """secret tls t --cert=tls.crt --key=tls.key
secret tls t --cert=bad.crt --key=tls.key
secret tls t --cert=tls.crt --key=bad.crt
secret tls t --cert=tls.key --key=tls.crt
secret tls t --cert=tls.crt --key=tls.crt
secret tls t --cert=nope.crt --key=tls.key
secret tls t
secret tls t --cert=tls.crt
secret tls t --cert=tls.crt --key=tls.key -o json
secret docker-registry r --docker-username=u --docker-password=p
secret docker-registry r --docker-username=u --docker-password=p --docker-email=e@x --docker-server=reg.io
secret docker-registry r --docker-username=u<> --docker-password=p&
secret docker-registry r
serviceaccount sa1
sa sa1 -o json
sa
job j --image=busybox -- echo hi
job j --image=busybox
job j
job j --image=busybox -o json -- sh -c 'echo hi'
cronjob c --image=busybox --schedule='*/1 * * * *' --restart=Never -- date
cronjob c --image=busybox --schedule=x
cronjob c --image=busybox
cj c --image=busybox --schedule=x --restart=Always -o json
quota q --hard=pods=2,cpu=1,memory=1.5Gi
quota q --hard=pods=x
quota q --hard=pods
quota q --scopes=BestEffort
resourcequota q --hard=pods=1 -o json""".splitlines()


@pytest.mark.parametrize("case", CASES)
def test_create_generators_match_kubectl(kubectl_oracle, tmp_path, case):
    engine = Engine.new(seed=1, now=NOW)
    files = {"tls.crt": (DATA / "tls.crt").read_text(), "tls.key": (DATA / "tls.key").read_text(),
             "bad.crt": "garbage\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        engine.host.files[engine.host.abspath(name)] = text
    args = ["create", *shlex.split(case)]
    dash = args.index("--") if "--" in args else len(args)
    args[dash:dash] = ["--dry-run=client"] + ([] if "-o" in args else ["-o", "yaml"])
    p = subprocess.run([os.path.abspath(kubectl_oracle), *args], capture_output=True, text=True, cwd=tmp_path,
                       env={"KUBECONFIG": "/dev/null", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert simulate(args, engine) == (normalise(p.stdout), normalise(p.stderr), p.returncode)


def test_created_objects_are_stored_and_listed():
    e = Engine.new(seed=1, now=NOW)
    e.host.files[e.host.abspath("tls.crt")] = (DATA / "tls.crt").read_text()
    e.host.files[e.host.abspath("tls.key")] = (DATA / "tls.key").read_text()
    for line, said in [("kubectl create secret tls site --cert=tls.crt --key=tls.key", "secret/site created\n"),
                       ("kubectl create sa robot", "serviceaccount/robot created\n"),
                       ("kubectl create cronjob tick --image=busybox --schedule='*/5 * * * *' -- date",
                        "cronjob.batch/tick created\n"),
                       ("kubectl create job manual --from=cronjob/tick", "job.batch/manual created\n"),
                       ("kubectl create quota q --hard=pods=20", "resourcequota/q created\n")]:
        assert e.run(line).output == said
    assert e.cluster.get("secrets", "default", "site")["type"] == "kubernetes.io/tls"
    job = e.cluster.get("jobs", "default", "manual")
    assert job["metadata"]["annotations"]["cronjob.kubernetes.io/instantiate"] == "manual"
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["date"]


@pytest.mark.parametrize("args", [["create", "token"], ["create", "token", "a", "b"],
                                  ["create", "token", "a", "--duration=-1s"],
                                  ["create", "token", "a", "--bound-object-kind=Foo"]], ids=" ".join)
def test_create_token_argument_errors_match_kubectl(kubectl_oracle, args):
    from tests.sim.test_oracle_diff import oracle
    assert simulate(args) == oracle(kubectl_oracle, args)


def test_create_token_is_a_jwt_for_the_service_account():
    import base64
    import json
    e = Engine.new(seed=1, now=NOW)
    r = e.run("kubectl create token robot")
    assert (r.output, r.exit_code) == ('error: failed to create token: serviceaccounts "robot" not found\n', 1)
    e.run("kubectl create sa robot")
    header, payload, _ = e.run("kubectl create token robot --duration=10m").output.strip().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    assert json.loads(base64.urlsafe_b64decode(header + "=="))["alg"] == "RS256"
    assert claims["sub"] == "system:serviceaccount:default:robot" and claims["exp"] - claims["iat"] == 600
