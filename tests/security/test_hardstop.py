"""Issue 13, item 1's hard stop: a line still running past its wall limit is stopped from outside the
program (sim/watchdog.py), without the meter. A program that loops without charging any work is registered
here, for these tests only (no production program is known to do it; that is the point of the backstop)."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from channels.db import database_sync_to_async

from playground.models import Sandbox
from playground.sim import meter as meter_module
from playground.sim import watchdog
from playground.sim.engine import Engine
from playground.sim.programs import PROGRAMS, load_all

from .test_isolation import learner, socket

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
STOPPED = "was stopped from outside; nothing it changed was kept\n"
LIMIT = 0.5


def spin(proc) -> int:
    """Loops forever and charges the meter nothing: what a future program without metering might do."""
    n = 0
    while True:
        n += 1


@pytest.fixture(autouse=True)
def spinning_program(monkeypatch, settings):
    load_all()
    monkeypatch.setitem(PROGRAMS, "spin", spin)
    settings.PODSCAPE_HARD_STOP_SECONDS = LIMIT          # apps.configure_engine_limits sets the engine's
    assert meter_module.HARD_SECONDS == LIMIT


def stored(sandbox_id: int) -> tuple[dict, dict]:
    state = Sandbox.objects.get(pk=sandbox_id).state
    return ({p: sorted(items) for p, items in state["cluster"]["objects"].items() if p != "events"},
            dict(state["host"]["files"]))


def test_the_engine_stops_an_unmetered_loop_from_outside():
    engine = Engine.new(seed=1)
    started = time.monotonic()
    r = engine.run("echo before; spin; echo never")
    assert time.monotonic() - started < LIMIT + 1.0
    assert r.stopped and r.exit_code == 1
    assert r.output == (f"before\npodscape: stopped: this command was still running after {LIMIT:g} seconds "
                        f"(the playground's limit for one line) and {STOPPED}")
    assert watchdog.running() == 0
    assert engine.run("echo fine").output == "fine\n"      # nothing left pending in the thread


def test_a_line_that_ends_in_time_is_not_touched():
    engine = Engine.new(seed=1)
    for _ in range(200):
        assert engine.run("echo hi").output == "hi\n"
    time.sleep(LIMIT + 2 * watchdog.POLL)                   # no late exception lands after the lines
    assert watchdog.running() == 0


async def test_the_learner_is_told_the_sandbox_is_intact_and_another_learner_is_answered_meanwhile():
    alice, a_box, a_session = await learner("alice", "echo kept > kept.txt")
    _, b_box, b_session = await learner("bob")
    before = await database_sync_to_async(stored)(a_box.pk)
    a, b = await socket(a_box, a_session), await socket(b_box, b_session)
    started = time.monotonic()
    await a.send_json_to({"type": "command", "id": 1,
                          "line": "kubectl create configmap half; echo x > half.txt; spin"})
    await asyncio.sleep(0.1)                                  # alice's loop is under way
    for i in range(3):                                         # bob's commands while it spins
        sent = time.monotonic()
        await b.send_json_to({"type": "command", "id": 10 + i, "line": "echo hi"})
        reply = await b.receive_json_from(timeout=10)
        assert (reply["type"], reply["output"]) == ("result", "hi\n")
        assert time.monotonic() - sent < LIMIT, "bob waited on alice's loop"
    stopped = await a.receive_json_from(timeout=10)
    assert time.monotonic() - started < LIMIT + 2.0
    assert stopped["type"] == "result" and stopped["exit_code"] == 1
    assert stopped["output"].endswith(STOPPED)
    assert await database_sync_to_async(stored)(a_box.pk) == before  # neither the ConfigMap nor the file kept
    await a.send_json_to({"type": "command", "id": 2, "line": "kubectl get cm half; cat kept.txt; ls half.txt"})
    after = await a.receive_json_from(timeout=10)
    assert 'configmaps "half" not found' in after["output"] and "kept\n" in after["output"]
    assert "No such file" in after["output"]
    await a.send_json_to({"type": "command", "id": 3, "line": "history 3"})
    assert "spin" in (await a.receive_json_from(timeout=10))["output"]     # bash keeps the line in history
    await a.disconnect()
    await b.disconnect()


STUCK = textwrap.dedent("""
    import time
    import playground.asgi as asgi            # a production worker (DJANGO_DEBUG=0): the stuck hook is set
    from playground.sim import engine, meter, watchdog
    from playground.sim.programs import PROGRAMS, load_all
    assert watchdog.on_stuck is asgi.end_worker
    load_all()
    PROGRAMS["nap"] = lambda proc: time.sleep(60)      # one C call: no bytecode boundary to raise at
    meter.HARD_SECONDS, watchdog.STUCK_SECONDS = 0.3, 0.5
    engine.Engine.new(seed=1).run("nap")
    print("returned", flush=True)
""")


def test_a_worker_whose_line_is_stuck_in_c_code_ends_itself():
    """The interrupt cannot reach a thread inside one C call; past STUCK_SECONDS the server's hook ends the
    worker (exit status 70) for its supervisor to restart; nothing it had not committed was stored."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "playground.settings", "DJANGO_DEBUG": "0",
           "SECRET_KEY": "test-" + "x" * 50, "LOG_LEVEL": "CRITICAL"}
    env.pop("PODSCAPE_EXIT_WHEN_STUCK", None)
    out = subprocess.run([sys.executable, "-c", STUCK], capture_output=True, text=True, timeout=60, env=env,
                         cwd=ROOT)
    assert out.returncode == 70, out.stdout + out.stderr
    assert "returned" not in out.stdout
    assert "ending worker" in out.stderr and "a line is stuck past its hard stop" in out.stderr
