"""`kubectl cp` (pkg/cmd/cp/cp.go): argument errors against the real kubectl v1.35; copies into and out of
a container's files, tar's notice in the image's wording, and an image without tar failing as exec does."""
from __future__ import annotations

import shlex

import pytest

from playground.sim.engine import Engine
from tests.sim.test_oracle_diff import NOW, oracle, simulate

T0 = 1_800_000_000.0


@pytest.mark.parametrize("case", ["cp a", "cp a b", "cp p:a q:b", "cp nofile p:/x", "cp :x y", "cp a b c"])
def test_argument_errors_match_kubectl(kubectl_oracle, case):
    args = shlex.split(case)
    assert simulate(args, Engine.new(seed=1, now=NOW)) == oracle(kubectl_oracle, args)


def running(*lines: str) -> tuple[Engine, float]:
    e = Engine.new(seed=1, now=T0)
    for line in lines:
        e.run(line, now=T0)
    return e, T0 + 60


def test_copy_into_and_out_of_containers():
    e, now = running("kubectl run web --image=nginx", "kubectl run bb --image=busybox -- sleep 3600")
    e.host.files[e.host.abspath("index.html")] = "<h1>hi</h1>\n"
    assert e.run("kubectl cp index.html web:/usr/share/nginx/html/index.html", now=now).output == ""
    assert e.run("kubectl exec web -- cat /usr/share/nginx/html/index.html", now=now).output == "<h1>hi</h1>\n"
    assert e.run("kubectl cp index.html default/bb:/tmp/", now=now).exit_code == 0
    assert e.run("kubectl exec bb -- ls /tmp", now=now).output == "index.html\n"
    r = e.run("kubectl cp web:/etc/hostname hn", now=now)
    assert (r.output, e.host.files[e.host.abspath("hn")]) == ("tar: Removing leading `/' from member names\n", "web\n")
    assert e.run("kubectl cp bb:/etc/hostname hb", now=now).output == "tar: removing leading '/' from member names\n"


def test_an_image_without_tar_cannot_be_copied_to():
    e, now = running("kubectl run who --image=traefik/whoami")
    e.host.files[e.host.abspath("f")] = "x"
    r = e.run("kubectl cp f who:/f", now=now)
    assert r.exit_code == 1
    assert r.output == ('OCI runtime exec failed: exec failed: unable to start container process: exec: "tar": '
                        "executable file not found in $PATH: unknown\nerror: command terminated with exit code 126\n")
