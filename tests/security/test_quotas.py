"""Issue 13, item 4: byte quotas per sandbox. The issue's attack (ConfigMaps of a 1 MB file, in loops, until
the database held 709 MB) at CI size: limits of a few hundred KB, files of ~170 KB."""
from __future__ import annotations

import re

import pytest

from playground import services
from playground.models import Sandbox, SandboxObject

pytestmark = pytest.mark.django_db

OBJECT_QUOTA = re.compile(r'Error from server \(Forbidden\): configmaps "c\d" is forbidden: exceeded quota: '
                          r"podscape-sandbox, requested: podscape.io/object-bytes=\d+Ki, "
                          r"used: podscape.io/object-bytes=\d+Ki, limited: podscape.io/object-bytes=600Ki\n")


def stored_bytes(sandbox_id: int) -> int:
    from playground import fastjson

    return sum(len(fastjson.dumps(b)) for b in SandboxObject.objects.filter(sandbox_id=sandbox_id)
               .values_list("body", flat=True))


@pytest.fixture
def limits(settings):
    settings.PODSCAPE_MAX_OBJECT_BYTES = 600 * 1024
    settings.PODSCAPE_MAX_FILE_BYTES = 300 * 1024


def test_big_configmaps_in_a_loop_meet_a_byte_quota_with_sizes(limits, alice, bob, alice_sandbox, bob_sandbox):
    run = lambda line: services.run_command(alice_sandbox.pk, alice, line)   # noqa: E731
    assert run("seq 1 30000 > f; wc -c f")["output"] == "168894 f\n"
    assert run("kubectl create configmap c1 --from-file=f")["output"] == "configmap/c1 created\n"
    before = stored_bytes(alice_sandbox.pk)
    looped = run("for i in 2 3 4 5 6 7 8 9; do kubectl create configmap c$i --from-file=f; done")
    assert OBJECT_QUOTA.fullmatch(looped["output"]) and looped["exit_code"] == 1
    assert stored_bytes(alice_sandbox.pk) == before         # the whole line was refused: c2 is not kept either
    assert run("kubectl create configmap c2 --from-file=f")["output"] == "configmap/c2 created\n"
    third = run("kubectl create configmap c3 --from-file=f")
    assert OBJECT_QUOTA.fullmatch(third["output"]), third["output"]
    assert stored_bytes(alice_sandbox.pk) < 600 * 1024
    # deleting makes room again, and the other learner never noticed
    assert run("kubectl delete configmap c1")["output"] == 'configmap "c1" deleted from default namespace\n'
    assert run("kubectl create configmap c3 --from-file=f")["output"] == "configmap/c3 created\n"
    assert services.run_command(bob_sandbox.pk, bob, "kubectl create configmap mine --from-literal=a=b")[
        "output"] == "configmap/mine created\n"


def test_files_meet_a_disk_quota(limits, alice, alice_sandbox):
    run = lambda line: services.run_command(alice_sandbox.pk, alice, line)   # noqa: E731
    run("seq 1 30000 > a")
    refused = run("cp a b")
    assert refused["output"] == ("podscape: Disk quota exceeded: the files in your home would use 331Ki of this "
                                 "sandbox's 300Ki; nothing the command changed was kept (rm some files)\n")
    assert run("ls")["output"] == "a\n"
    assert run("rm a; seq 1 1000 > small; ls")["output"] == "small\n"
    assert "files" in Sandbox.objects.get(pk=alice_sandbox.pk).meta["host"]


def test_the_objects_api_pages_with_limit_and_continue(alice, alice_client, alice_sandbox):
    services.run_command(alice_sandbox.pk, alice, "for i in 1 2 3 4 5; do kubectl create cm page$i; done")
    url = f"/api/sandboxes/{alice_sandbox.pk}/objects?kind=cm&namespace=default&limit=2"
    names, token, pages = [], None, 0
    while True:
        body = alice_client.get(url + (f"&continue={token}" if token else "")).json()
        assert len(body["items"]) <= 2
        names += [o["metadata"]["name"] for o in body["items"]]
        pages += 1
        token = body["metadata"]["continue"]
        if not token:
            break
    # kube-root-ca.crt: the root CA publisher's, in every namespace of a real cluster
    assert names == ["kube-root-ca.crt", "page1", "page2", "page3", "page4", "page5"] and pages == 3
    first = alice_client.get(url).json()
    services.run_command(alice_sandbox.pk, alice, "kubectl create cm later")
    stale = alice_client.get(url + f"&continue={first['metadata']['continue']}")
    assert stale.status_code == 410 and "too old" in stale.json()["error"]
    assert alice_client.get(url + "&continue=bm9wZQ").status_code == 400


def test_a_page_of_big_objects_stops_at_its_byte_limit(limits, alice, alice_client, alice_sandbox, monkeypatch):
    from playground import api

    monkeypatch.setattr(api, "PAGE_BYTES", 100_000)
    services.run_command(alice_sandbox.pk, alice, "seq 1 30000 > f; kubectl create cm c1 --from-file=f; "
                                                  "kubectl create cm c2 --from-file=f")
    body = alice_client.get(f"/api/sandboxes/{alice_sandbox.pk}/objects?kind=cm&namespace=default").json()
    assert [o["metadata"]["name"] for o in body["items"]] == ["c1"] and body["metadata"]["continue"]
