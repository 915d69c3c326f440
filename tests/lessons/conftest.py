"""Fixtures shared by the course and gradebook tests."""
from __future__ import annotations

import types

import pytest


@pytest.fixture
def sandbox_clock(monkeypatch):
    """The engine's clock moves a minute per reading: pods started by a command are ready by the next one,
    as they would be while a learner reads and types."""
    from playground.sim import engine

    now = [1_767_603_600.0]

    def tick() -> float:
        now[0] += 60
        return now[0]
    monkeypatch.setattr(engine, "time", types.SimpleNamespace(time=tick))
