"""The work one line may do: a budget of units every program charges before it spends them (Meter, charge),
the wall-clock backstops, and the turns heavy lines take. Below everything that runs a program, so programs,
the shell and the printers charge without importing the engine that runs them.
"""
from __future__ import annotations

import threading
from contextvars import ContextVar
from time import monotonic   # the meter's clock

WORK_BUDGET = 16_000_000   # units of work one line may do (about a character read, written or expanded each)
MAX_SECONDS = 3.0          # wall time one line may take: the backstop for work the meter does not count
HARD_SECONDS = 5.0         # past this the watchdog stops the line from outside, charged or not (watchdog.py)


class OverBudget(BaseException):
    """A line did more work than one line may (BaseException, so programs' handlers let it pass). The engine
    stops it and says so; the caller discards what the line changed (services reloads the stored state)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# A line past HEAVY_UNITS of work (~50 ms of CPU; the lessons' commands use a few thousand) goes on only in
# its turn: at most HEAVY_LINES such lines run at once in a process. A worker is one interpreter, so every
# CPU-bound line takes the GIL from the others' commands, whose each database or Redis round trip must win
# it back; four heavy lines at once (a burst of API calls) made another learner's `echo hi` wait seconds.
# Light commands never wait here; a heavy line waiting for its turn holds no GIL, and its wall clock runs.
HEAVY_UNITS = 1_000_000
HEAVY_LINES = 1
_heavy_turns = threading.BoundedSemaphore(HEAVY_LINES)


class Meter:
    """The work one line may still do. Programs charge what they are about to do (characters read or
    produced, lines sorted, a printf width) before doing it, so a charge that would go over stops the line
    before the memory or time is spent; the count is deterministic, the wall clock only a backstop."""

    def __init__(self, units: int = WORK_BUDGET, seconds: float = MAX_SECONDS):
        self.budget, self.left, self.seconds = units, units, seconds
        self.started = monotonic()
        self.deadline = self.started + seconds
        self.heavy_at = units - HEAVY_UNITS      # `left` below this: the line is heavy and waits for its turn
        self.has_turn = False

    def _take_turn(self) -> None:
        self.heavy_at = -(2**62)
        # Wait no longer than the line may run, and return well before the watchdog's hard stop could land
        # between the acquire and the assignment (a turn lost that way would never be given back).
        until = min(self.deadline, self.started + HARD_SECONDS - 0.5)
        self.has_turn = _heavy_turns.acquire(timeout=max(0.0, until - monotonic()))
        if not self.has_turn:
            raise OverBudget(f"podscape: stopped after {monotonic() - self.started:.1f} seconds waiting for its turn "
                             f"(one heavy command runs at a time on this server); nothing it changed was kept")

    def give_back_turn(self) -> None:
        if self.has_turn:
            self.has_turn = False
            _heavy_turns.release()

    def charge(self, units: int) -> None:
        self.left -= units
        if self.left < self.heavy_at:
            self._take_turn()
        if self.left < 0:
            raise OverBudget(f"podscape: stopped: this command did more work than one line may ({self.budget:,} "
                             f"units: characters read, written or expanded, lines compared); nothing it changed "
                             f"was kept")
        if monotonic() > self.deadline:
            raise OverBudget(f"podscape: stopped after {self.seconds:g} seconds (the playground's limit for one "
                             f"line); nothing it changed was kept")


class StoppedFromOutside(OverBudget):
    """Raised in a line's thread by the watchdog (watchdog.py), which builds it without arguments."""

    def __init__(self, *args):
        super().__init__(f"podscape: stopped: this command was still running after {HARD_SECONDS:g} seconds (the "
                         f"playground's limit for one line) and was stopped from outside; nothing it changed "
                         f"was kept")


_meter: ContextVar[Meter | None] = ContextVar("podscape_meter", default=None)


def charge(units: int) -> None:
    """Count `units` of work against the running line's budget (no-op outside Engine.run)."""
    meter = _meter.get()
    if meter is not None:
        meter.charge(units)
