"""Issue 13, item 1: one line's work is metered inside programs (meter.Meter), not only between commands.
Each attack from the issue, at a size CI affords, is stopped by the meter with a clear message; whatever the
line changed before it was stopped is not kept; the sandbox and another learner go on working."""
from __future__ import annotations

import pytest

from playground import services
from playground.models import Sandbox
from playground.sim.engine import Engine
from playground.sim.meter import WORK_BUDGET, Meter, OverBudget

pytestmark = pytest.mark.django_db

STOPPED = "podscape: stopped: this command did more work than one line may"
# on a machine too busy to do the work in the wall-clock backstop's 3 s, that stops it first: still bounded
BOUNDED = ("podscape: stopped: this command did more work", "podscape: stopped after 3 seconds")
BIG = "seq 1 300000 > f"          # the file limit keeps the first 1 MB: 158,730 lines, the last one cut short

ATTACKS = [
    "sort -n f f f f f f f f f f f f f f f f f f f f | wc -l",
    "printf '%0999999999d' 1 | wc -c",
    "grep -c 1 f f f f f f f f f f f f f f f f f f f f",
    "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do grep -c 1 f; done",
    "sed 's/./" + "x" * 200 + "/g' f | wc -c",
    'x=$(head -c 90000 f); echo ' + "$x" * 200 + " | wc -c",
    "cat f f f f f f f f f f f > /dev/null",
    "awk '{print " + "$0 " * 40 + "}' f | wc -l",
]


@pytest.fixture(autouse=True)
def no_share_limit(settings):
    """These tests run several budget-sized lines in a row; the learner's share is tested on its own below."""
    settings.PODSCAPE_WORK_PER_WINDOW = 10**12


def stored(sandbox_id: int) -> tuple[dict, dict]:
    state = Sandbox.objects.get(pk=sandbox_id).state
    objs = {p: sorted(items) for p, items in state["cluster"]["objects"].items() if p != "events"}
    return objs, dict(state["host"]["files"])


@pytest.mark.parametrize("attack", ATTACKS, ids=[a[:40] for a in ATTACKS])
def test_an_attack_inside_one_program_is_stopped_and_changes_nothing(alice, bob, alice_sandbox, bob_sandbox,
                                                                     attack):
    assert services.run_command(alice_sandbox.pk, alice, BIG)["output"] == "seq: write error: File too large\n"
    before = stored(alice_sandbox.pk)
    # the line first changes the sandbox (a ConfigMap, a file), then runs the attack
    r = services.run_command(alice_sandbox.pk, alice, f"kubectl create configmap half; echo x > half.txt; {attack}")
    assert any(b in r["output"] for b in BOUNDED) and r["output"].endswith("nothing it changed was kept\n")
    assert r["exit_code"] == 1
    assert stored(alice_sandbox.pk) == before          # neither the ConfigMap nor the file was kept
    # the cached engine was thrown away too: the next command sees the stored sandbox
    again = services.run_command(alice_sandbox.pk, alice, "kubectl get cm half; ls half.txt; echo $?")
    assert 'configmaps "half" not found' in again["output"] and "No such file" in again["output"]
    history = services.run_command(alice_sandbox.pk, alice, "history 3")["output"]
    assert attack in history                            # the line stays in the history, as bash keeps it
    ok = services.run_command(alice_sandbox.pk, alice, "wc -l f")
    assert ok == {**ok, "exit_code": 0, "output": "158729 f\n"}
    assert services.run_command(bob_sandbox.pk, bob, "echo hi")["output"] == "hi\n"


def test_ordinary_work_on_a_large_file_fits_the_budget(alice, alice_sandbox):
    services.run_command(alice_sandbox.pk, alice, "seq 1 50000 > f")
    for line, out in [("sort -n f | tail -1", "50000\n"), ("sort -r f | wc -l", "50000\n"),
                      ("grep -c 7 f", "17195\n"), ("sed s/1/one/ f | tail -1", "50000\n"),
                      ("cat f f f f | wc -l", "200000\n"), ("printf '%05000d' 1 | wc -c", "5000\n"),
                      ("awk '{print $1}' f | tail -1", "50000\n")]:
        r = services.run_command(alice_sandbox.pk, alice, line)
        assert (r["output"], r["exit_code"]) == (out, 0), line


def test_the_meter_stops_before_the_memory_is_spent():
    engine = Engine.new(seed=1)
    r = engine.run("printf '%0999999999d' 1 | wc -c")
    assert r.stopped and STOPPED in r.output
    assert not engine.run("echo fine").stopped          # each line starts with a full budget


def test_a_meter_counts_units_and_time():
    meter = Meter(units=100, seconds=60)
    meter.charge(100)
    with pytest.raises(OverBudget, match="100 units"):
        meter.charge(1)
    with pytest.raises(OverBudget, match="after 0 seconds"):
        Meter(units=WORK_BUDGET, seconds=0).charge(0)


def test_heavy_lines_back_to_back_meet_the_learners_share(settings, alice, bob, alice_sandbox, bob_sandbox):
    """One learner's lines may each use the budget, but not one after the other all day: the worker's CPU
    is shared by everyone in it (PODSCAPE_WORK_PER_WINDOW)."""
    settings.PODSCAPE_WORK_PER_WINDOW = 20_000_000
    services.run_command(alice_sandbox.pk, alice, BIG)
    heavy = "printf '%0999999999d' 1 | wc -c"
    assert STOPPED in services.run_command(alice_sandbox.pk, alice, heavy)["output"]      # 16M spent
    assert STOPPED in services.run_command(alice_sandbox.pk, alice, heavy)["output"]      # 32M spent
    with pytest.raises(services.RateLimited, match="used this sandbox's share of the machine"):
        services.run_command(alice_sandbox.pk, alice, "echo next")
    assert services.run_command(bob_sandbox.pk, bob, "echo hi")["output"] == "hi\n"


def test_a_learner_cannot_queue_unbounded_commands_in_a_worker(settings, alice, bob, alice_sandbox, bob_sandbox):
    from playground import ratelimit

    settings.PODSCAPE_COMMANDS_IN_FLIGHT = 2
    with ratelimit.in_flight(alice.pk), ratelimit.in_flight(alice.pk):      # two of hers running or waiting
        with pytest.raises(services.RateLimited, match="already have commands running"):
            services.run_command(alice_sandbox.pk, alice, "echo third")
        assert services.run_command(bob_sandbox.pk, bob, "echo hi")["output"] == "hi\n"
    assert services.run_command(alice_sandbox.pk, alice, "echo now")["output"] == "now\n"


def test_commands_starting_together_book_their_work_first(settings, alice):
    """Parallel commands see each other's booking: of many heavy calls at once only two start."""
    from playground import ratelimit

    settings.PODSCAPE_WORK_PER_WINDOW = 16_000_000
    assert [ratelimit.reserve_work(alice.pk) for _ in range(3)] == [True, True, False]
    ratelimit.spend_work(alice.pk, 1_000)           # one finished cheaply: its booking is given back
    assert ratelimit.reserve_work(alice.pk)


def test_heavy_lines_take_turns_and_light_ones_never_wait():
    """A line past meter.HEAVY_UNITS goes on in its turn (one at a time per process), so a burst of heavy
    API calls cannot take the interpreter from the terminals' commands; light lines never wait for it."""
    import threading

    from playground.sim import meter as meter_module

    heavy, light = Engine.new(seed=1), Engine.new(seed=2)
    heavy.run("seq 1 50000 > f")
    assert meter_module._heavy_turns.acquire(timeout=5)          # another heavy line has the turn
    try:
        done = {}
        t = threading.Thread(target=lambda: done.setdefault("r", heavy.run("sort -r f | wc -l")))
        t.start()
        assert light.run("kubectl get pods; echo hi").output.endswith("hi\n")    # not held up
        t.join(0.5)
        assert t.is_alive() and not done                          # the heavy line waits for its turn
    finally:
        meter_module._heavy_turns.release()
    t.join(10)
    assert (done["r"].output, done["r"].exit_code) == ("50000\n", 0)
    assert meter_module._heavy_turns.acquire(timeout=0)           # and gave its turn back
    meter_module._heavy_turns.release()


def test_a_heavy_line_that_cannot_get_its_turn_in_time_is_stopped_plainly(monkeypatch):
    from playground.sim import meter as meter_module

    monkeypatch.setattr(meter_module, "HARD_SECONDS", 0.8)      # the wait ends 0.5 s before the hard stop
    engine = Engine.new(seed=1)
    engine.run("seq 1 50000 > f")
    assert meter_module._heavy_turns.acquire(timeout=5)          # another heavy line keeps the turn
    try:
        r = engine.run("echo x > half.txt; sort -r f | wc -l")
    finally:
        meter_module._heavy_turns.release()
    assert r.stopped and r.exit_code == 1
    assert "waiting for its turn (one heavy command runs at a time on this server); nothing it changed was kept" \
        in r.output
