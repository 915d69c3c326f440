"""What one command costs the database and Redis (README "Per-command cost"): upper bounds, so a change that
adds a statement or a round trip to every command shows here.

A command on the engine this worker cached reads no sandbox row: it writes the row with a conditional UPDATE
(version and created unchanged) that is also the check that no other worker wrote since; the rate limit is
one Redis round trip before the line and one after it.
"""
from __future__ import annotations

import io
import os
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from playground import services, store
from playground.models import CommandRecord, Sandbox

pytestmark = pytest.mark.django_db
LESSON = "services-clusterip-nodeport"
TRANSACTION = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")


def statements(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if not q["sql"].upper().startswith(TRANSACTION)]


@pytest.fixture
def run(django_capture_on_commit_callbacks, settings):
    """A line run as a worker runs it: commit callbacks (the engine cache) run; the statements it made. The
    tests' check of the stored state after every command (its own reads) is off: it is no worker's cost."""
    settings.PODSCAPE_VERIFY_STORE = False
    def run(sandbox, user, line):
        with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
            reply = services.run_command(sandbox.pk, user, line, counted=True)
        return reply, statements(captured)
    return run


def test_a_command_on_the_cached_engine_reads_no_sandbox_row(alice_sandbox, alice, run):
    run(alice_sandbox, alice, "echo warm")                       # loads the engine and caches it
    reply, sql = run(alice_sandbox, alice, "echo hi")
    assert reply["output"] == "hi\n" and reply["version"] == 2
    sandbox_reads = [s for s in sql if s.startswith("SELECT") and "playground_sandbox\"" in s]
    assert sandbox_reads == []
    # the row's conditional UPDATE and the command record; nothing else for a line that changes no object
    assert len(sql) <= 2, sql
    assert sql[0].startswith('UPDATE "playground_sandbox"')


def test_a_cluster_change_costs_at_most_four_statements(alice_sandbox, alice, run):
    run(alice_sandbox, alice, "kubectl create deploy web --image=nginx")
    run(alice_sandbox, alice, "kubectl get pods")
    reply, sql = run(alice_sandbox, alice, "kubectl label deploy web tier=front")
    assert reply["output"] == "deployment.apps/web labeled\n"
    # the row, the changed objects (an upsert; a delete when something went), the command record
    assert len(sql) <= 4, sql


def test_a_lesson_command_costs_at_most_six_statements(alice, run):
    from django.core.management import call_command

    call_command("loadlessons", stdout=io.StringIO())
    box = services.create_sandbox(alice, "lesson", LESSON)
    run(box, alice, "kubectl get pods")
    for line in ["kubectl create deploy nginx-app --image=nginx:latest --replicas=3", "kubectl get pods",
                 "kubectl expose deploy nginx-app --port=80 --type=NodePort", "kubectl get svc"]:
        reply, sql = run(box, alice, line)
        assert reply["assessment"] is not None
        # the row, the lesson's stamp, the progress row (locked) and its update, the objects that changed (an
        # upsert; none for a read), the command record
        assert len(sql) <= 6, (line, sql)
        assert not [s for s in sql if s.startswith("SELECT") and "playground_sandbox\"" in s]


def test_another_workers_write_makes_the_cached_engine_run_the_line_again(alice_sandbox, alice, run):
    run(alice_sandbox, alice, "kubectl create deploy a --image=nginx")
    mine = store.engines.take_owned(alice_sandbox.pk, alice.pk)
    assert mine is not None and mine.version == 1
    run(alice_sandbox, alice, "kubectl create deploy b --image=nginx")     # "another worker": no cached engine
    store.engines.put(alice_sandbox.pk, mine)                              # this worker's engine is stale now
    reply, _ = run(alice_sandbox, alice, "kubectl get deploy -o name")
    assert reply["output"] == "deployment.apps/a\ndeployment.apps/b\n"
    assert reply["version"] == 3
    assert list(CommandRecord.objects.filter(sandbox=alice_sandbox).values_list("seq", flat=True)) == [1, 2, 3]


def test_the_cached_engine_is_only_its_owners(alice_sandbox, alice, bob, run):
    run(alice_sandbox, alice, "kubectl create deploy secret-app --image=nginx")
    with pytest.raises(Sandbox.DoesNotExist):
        services.run_command(alice_sandbox.pk, bob, "kubectl get deploy")
    # alice's engine is still cached: her next command reads no row
    reply, sql = run(alice_sandbox, alice, "kubectl get deploy -o name")
    assert reply["output"] == "deployment.apps/secret-app\n"
    assert not [s for s in sql if s.startswith("SELECT") and "playground_sandbox\"" in s]


def test_a_command_of_a_deleted_sandbox_finds_it_gone(alice_sandbox, alice, run):
    run(alice_sandbox, alice, "echo warm")
    entry = store.engines.take_owned(alice_sandbox.pk, alice.pk)
    services.delete_sandbox(alice_sandbox.pk, alice)          # "another worker" deleted it...
    store.engines.put(alice_sandbox.pk, entry)                # ...while this one still caches its engine
    with pytest.raises(Sandbox.DoesNotExist):
        run(alice_sandbox, alice, "echo hi")
    assert not CommandRecord.objects.filter(sandbox_id=alice_sandbox.pk).exists()


@pytest.fixture
def redis_cache(settings):
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("set REDIS_URL to count the rate limit's Redis round trips (make test-scale does)")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                                   "KEY_PREFIX": f"test-cost-{uuid.uuid4().hex[:8]}"}}


def test_the_rate_limit_costs_at_most_two_redis_round_trips_per_command(redis_cache, alice_sandbox, alice, run,
                                                                         settings, monkeypatch):
    from redis.connection import Connection

    sent = []
    send = Connection.send_packed_command
    monkeypatch.setattr(Connection, "send_packed_command", lambda self, *a, **kw: (sent.append(1), send(self, *a, **kw))[1])
    run(alice_sandbox, alice, "echo warm")                   # opens the connection (its handshake is not counted)
    sent.clear()
    run(alice_sandbox, alice, "echo hi")
    assert len(sent) <= 2
    settings.PODSCAPE_COMMANDS_PER_WINDOW = 2
    settings.PODSCAPE_COMMAND_WINDOW = 3600
    with pytest.raises(services.RateLimited, match="too many commands"):
        for _ in range(3):
            run(alice_sandbox, alice, "echo again")


def test_admit_counts_the_command_and_books_its_work_and_a_refusal_keeps_no_booking(alice, settings):
    from playground import ratelimit

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "admit-test"}}
    settings.PODSCAPE_COMMANDS_PER_WINDOW = 2
    settings.PODSCAPE_COMMAND_WINDOW = 3600
    settings.PODSCAPE_WORK_PER_WINDOW = 10 * ratelimit.RESERVE
    assert [ratelimit.admit(alice.pk) for _ in range(3)] == [None, None, ratelimit.MESSAGE]
    assert ratelimit.hit(f"rl:work:{alice.pk}", 3600, 0) == 2 * ratelimit.RESERVE     # the refused one gave it back
    assert ratelimit.admit(alice.pk, count_command=False) is None                      # a Ctrl-C is not counted
    settings.PODSCAPE_WORK_PER_WINDOW = 3 * ratelimit.RESERVE
    assert ratelimit.admit(alice.pk, count_command=False) == ratelimit.WORK_MESSAGE


def test_the_first_command_after_a_page_opens_reads_no_sandbox_row(alice_sandbox, alice, run):
    """The page's hello loaded the engine and cached it with its row: the learner's first command is as cheap
    as any other (a class opening a lesson at once no longer pays for a second load)."""
    run(alice_sandbox, alice, "kubectl create deploy web --image=nginx")
    store.engines.clear()                                        # a worker that has not seen the sandbox
    services.hello(services.get_for_user(alice_sandbox.pk, alice))
    reply, sql = run(alice_sandbox, alice, "kubectl get deploy -o name")
    assert reply["output"] == "deployment.apps/web\n"
    assert [s for s in sql if s.startswith("SELECT") and "playground_sandbox" in s] == []
