"""Per-object storage and the per-worker engine cache (playground/store.py).

A command writes only the objects it changed; a worker reuses the engine it cached only when nobody else
wrote since (the sandbox's version), and never after a rollback or for another sandbox that got the id.
"""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from playground import services, store
from playground.models import Sandbox, SandboxObject
from playground.sim.engine import Engine

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(alice, django_capture_on_commit_callbacks):
    """Run a line in one of alice's sandboxes as a worker does: commit callbacks (publish, cache) run."""
    def run(sandbox, line):
        with django_capture_on_commit_callbacks(execute=True):
            return services.run_command(sandbox.pk, alice, line)
    return run


def stored(sandbox) -> Engine:
    """What a fresh worker (or a restart) would load."""
    return store.load_engine(Sandbox.objects.get(pk=sandbox.pk))


def test_the_state_is_one_row_per_object_and_a_small_meta(alice_sandbox):
    engine = stored(alice_sandbox)
    rows = SandboxObject.objects.filter(sandbox=alice_sandbox)
    assert rows.count() == engine.cluster.count() > 20
    assert rows.get(plural="services", key="kube-system/kube-dns").body["spec"]["clusterIP"] == "10.96.0.10"
    assert "objects" not in Sandbox.objects.get(pk=alice_sandbox.pk).meta["cluster"]


def test_a_read_writes_no_object_and_a_change_writes_only_what_changed(alice_sandbox, run):
    run(alice_sandbox, "kubectl create deploy web --image=nginx --replicas=2")
    run(alice_sandbox, "kubectl get pods")          # let the pods start: status writes
    with CaptureQueriesContext(connection) as reads:
        run(alice_sandbox, "kubectl get pods -o wide")
    object_writes = [q["sql"] for q in reads.captured_queries
                     if "playground_sandboxobject" in q["sql"] and not q["sql"].startswith("SELECT")]
    assert object_writes == []

    before = {(o.plural, o.key): o.body["metadata"]["resourceVersion"] for o in SandboxObject.objects.all()}
    out = run(alice_sandbox, "kubectl label deploy web tier=front")
    assert out["output"] == "deployment.apps/web labeled\n"
    after = {(o.plural, o.key): o.body["metadata"]["resourceVersion"] for o in SandboxObject.objects.all()}
    assert {k for k in after if before.get(k) != after[k]} >= {("deployments", "default/web")}
    assert stored(alice_sandbox).cluster.get("deployments", "default", "web")["metadata"]["labels"] == {
        "app": "web", "tier": "front"}


def test_deleted_objects_leave_the_table(alice_sandbox, run):
    run(alice_sandbox, "kubectl create deploy web --image=nginx")
    run(alice_sandbox, "kubectl expose deploy web --port=80")
    assert SandboxObject.objects.filter(sandbox=alice_sandbox, plural="services", key="default/web").exists()
    run(alice_sandbox, "kubectl delete svc web")
    assert not SandboxObject.objects.filter(sandbox=alice_sandbox, plural="services", key="default/web").exists()
    assert not SandboxObject.objects.filter(sandbox=alice_sandbox, plural="endpoints", key="default/web").exists()
    assert not SandboxObject.objects.filter(sandbox=alice_sandbox, plural="endpointslices",
                                            key__startswith="default/web-").exists()


def test_a_worker_reuses_its_engine_only_at_the_version_it_left(alice_sandbox, alice, run):
    run(alice_sandbox, "kubectl create deploy a --image=nginx")
    mine = store.engines.take(Sandbox.objects.get(pk=alice_sandbox.pk))
    assert mine is not None and mine.version == 1      # the engine this worker cached at commit
    # Another worker (no cached engine) runs the next command...
    run(alice_sandbox, "kubectl create deploy b --image=nginx")
    # ...and this worker still holds its engine of version 1: it must not run on it.
    store.engines.put(alice_sandbox.pk, mine)
    out = run(alice_sandbox, "kubectl get deploy -o name")
    assert out["output"] == "deployment.apps/a\ndeployment.apps/b\n"


def test_a_rolled_back_command_leaves_no_trace_in_the_cache(alice_sandbox, run, monkeypatch):
    run(alice_sandbox, "kubectl create deploy a --image=nginx")

    def broken(*args, **kwargs):      # the last write of the command's transaction fails
        raise RuntimeError("the database went away")
    monkeypatch.setattr(services, "_record", broken)
    with pytest.raises(RuntimeError):
        run(alice_sandbox, "kubectl create deploy lost --image=nginx")
    monkeypatch.undo()
    out = run(alice_sandbox, "kubectl get deploy -o name")
    assert out["output"] == "deployment.apps/a\n"
    assert Sandbox.objects.get(pk=alice_sandbox.pk).version == 2


def test_a_new_sandbox_with_a_reused_id_never_gets_the_old_engine(alice, run):
    old = services.create_sandbox(alice, "old")
    run(old, "kubectl create deploy secret-app --image=nginx")
    entry = store.engines.take(Sandbox.objects.get(pk=old.pk))
    services.delete_sandbox(old.pk, alice)
    new = services.create_sandbox(alice, "new")
    # SQLite may hand the id out again; make it so, and give the stale entry the new row's version.
    Sandbox.objects.filter(pk=new.pk).update(id=old.pk)
    SandboxObject.objects.filter(sandbox_id=new.pk).update(sandbox_id=old.pk)
    new = Sandbox.objects.get(pk=old.pk)
    entry.version = new.version
    store.engines.put(new.pk, entry)
    out = run(new, "kubectl get deploy")
    assert out["output"] == "No resources found in default namespace.\n"


def test_a_page_opening_loads_the_engine_once_for_itself_and_the_next_command(alice_sandbox, alice, run):
    """The hello's engine is kept: the page's second socket and the learner's first command reuse it."""
    run(alice_sandbox, "kubectl create deploy web --image=nginx")
    store.engines.clear()                               # a worker that has not seen this sandbox
    first = services.hello(services.get_for_user(alice_sandbox.pk, alice))
    with CaptureQueriesContext(connection) as second_page:
        again = services.hello(services.get_for_user(alice_sandbox.pk, alice))
    assert again["elements"] == first["elements"]
    assert not [q for q in second_page.captured_queries if "playground_sandboxobject" in q["sql"]]
    loaded = store.engines._entries[alice_sandbox.pk].engine
    out = run(alice_sandbox, "kubectl get deploy -o name")
    assert out["output"] == "deployment.apps/web\n"
    # the command ran on the hello's engine (a reload would have built a new one; the test settings' store
    # verification reads the objects after every command, so reads cannot tell)
    assert store.engines._entries[alice_sandbox.pk].engine is loaded


def test_a_page_never_replaces_a_newer_engine_in_the_cache(alice_sandbox, alice, run):
    """A hello that read version 1 while a command committed version 2 must not put its engine back over
    the command's: the next command would load the state again (and a cache that went back in time is a
    bug waiting for a version check to slip)."""
    run(alice_sandbox, "kubectl create deploy a --image=nginx")
    stale = services.get_for_user(alice_sandbox.pk, alice)          # the page read the row at version 1
    run(alice_sandbox, "kubectl create deploy b --image=nginx")     # a command commits version 2
    held = store.engines._entries[alice_sandbox.pk]
    stale.version = 1
    services.hello(stale)
    assert store.engines._entries[alice_sandbox.pk] is held and held.version == 2
    out = run(alice_sandbox, "kubectl get deploy -o name")
    assert out["output"] == "deployment.apps/a\ndeployment.apps/b\n"


def test_a_page_that_loads_an_engine_moves_it_out_of_the_collectors_way(alice_sandbox, alice, settings):
    """A class opening its pages loads hundreds of engines before most have run a command; each hello's load
    is frozen as a command's is, so the collector's passes do not walk every engine loaded so far."""
    import gc
    settings.PODSCAPE_GC_FREEZE = True
    store.engines.clear()
    gc.unfreeze()
    try:
        services.hello(services.get_for_user(alice_sandbox.pk, alice))
        engine = store.engines._entries[alice_sandbox.pk].engine
        objects = sum(len(items) for items in engine.cluster.objects.values())
        assert gc.get_freeze_count() > objects
        assert not any(o is engine.cluster.objects for o in gc.get_objects())     # only the frozen hold it
    finally:
        gc.unfreeze()


def test_the_cache_keeps_at_most_its_size():
    cache = store.EngineCache(2)
    for i in range(5):
        cache.put(i, store.Entry(0, None, Engine.new(seed=i), {}, []))
    assert len(cache) == 2


def test_verify_catches_a_write_that_did_not_bump_the_resource_version(alice_sandbox):
    sandbox = Sandbox.objects.get(pk=alice_sandbox.pk)
    engine = store.load_engine(sandbox)
    before = store.stamps(engine)
    engine.cluster.get("services", "default", "kubernetes")["metadata"]["labels"]["sneaky"] = "yes"
    store.write_changes(sandbox, engine, before)
    sandbox.save(update_fields=["meta"])
    with pytest.raises(AssertionError, match=r"services.*default/kubernetes"):
        store.verify(sandbox, engine)


def test_a_reopened_page_learns_when_its_running_jobs_next_want_the_clock(alice_sandbox, alice, run):
    """The hello's `wake` comes from the engine the page loads (or, on a worker that caches the sandbox,
    from the stored state); without a running job there is nothing to wait for."""
    assert services.hello(services.get_for_user(alice_sandbox.pk, alice))["wake"] is None
    run(alice_sandbox, "sleep 30 &")
    for cached in (False, True):
        if not cached:
            store.engines.clear()
        wake = services.hello(services.get_for_user(alice_sandbox.pk, alice))["wake"]
        assert wake is not None and 25 < wake <= 30, (cached, wake)
