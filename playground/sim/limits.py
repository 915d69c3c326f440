"""How big one sandbox may grow: its pods and its objects (events not counted).

The engine is Django-free, so the server hands these in: `configure()` once at start-up with the values
of settings.PODSCAPE_MAX_PODS / PODSCAPE_MAX_OBJECTS (playground/apps.py), or `Engine.new(limits=...)`
for one engine (benchmarks, tests). Never persisted: a sandbox follows the limits of the server it runs on.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_pods: int = 100          # pods, counting the replicas workloads ask for
    max_objects: int = 1000      # stored objects of every kind but events


_configured = Limits()


def configure(limits: Limits) -> None:
    """The limits every engine built from now on gets, unless it is given its own."""
    global _configured
    _configured = limits


def configured() -> Limits:
    return _configured
