"""What a command publishes for the diagram: the diff with the sandbox's version after the command and the
version since which the diagram it applies to is unchanged, so a page can tell a missed diff from commands
that changed nothing (those publish no diff)."""
from __future__ import annotations

import pytest

from playground import services, store

pytestmark = pytest.mark.django_db(transaction=True)      # the messages leave on commit


def topology_of(outbox: list[dict]) -> dict | None:
    return next((m for m in outbox if m["type"] == "sandbox.topology"), None)


def run(box, user, line: str) -> tuple[dict, dict | None]:
    outbox: list[dict] = []
    result = services.run_command(box.pk, user, line, outbox=outbox)
    return result, topology_of(outbox)


def test_a_diff_names_its_version_and_the_version_it_applies_to(alice):
    box = services.create_sandbox(alice, "versions")
    r1, t1 = run(box, alice, "kubectl create deployment web --image=nginx --replicas=2")
    # the first command loaded the sandbox: since when its diagram is unchanged is not known here
    assert (t1["version"], t1["base"]) == (r1["version"], None)
    r2, t2 = run(box, alice, "echo nothing changes")
    assert t2 is None
    r3, t3 = run(box, alice, "kubectl scale deployment web --replicas=3")
    # the diagram did not change at r2's version: a page at r1's or r2's version applies this diff
    assert (t3["version"], t3["base"]) == (r3["version"], r1["version"])
    r4, t4 = run(box, alice, "kubectl scale deployment web --replicas=4")
    # one change right after another: a page that missed r3's diff sees base r3 > its version, and resyncs
    assert (t4["version"], t4["base"]) == (r4["version"], r3["version"])


def test_a_worker_that_did_not_make_the_last_diff_says_so(alice):
    box = services.create_sandbox(alice, "cold")
    run(box, alice, "kubectl create deployment web --image=nginx")
    run(box, alice, "echo nothing changes")
    store.engines.clear()                    # another worker (or a restart): the diagram is rebuilt
    r, t = run(box, alice, "kubectl scale deployment web --replicas=2")
    assert t["base"] is None        # it cannot know since when the diagram is unchanged
