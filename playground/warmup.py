"""Warm a worker before it takes traffic: its first command used to pay for importing every program, the
printers, the lessons' assessment and the diagram (40-45 ms of CPU against 3-4 ms for the next one; more on
a loaded machine), and that learner waited for it. playground/asgi.py imports this module once Django is set
up and calls warm() as the worker starts; importing it imports what a command needs."""
from __future__ import annotations

from lessons import assess  # noqa: F401  (every command is assessed)

from . import services, topology  # noqa: F401  (the diagram's own warm-up, if any, is topology's)
from .sim import tlscerts
from .sim.engine import Engine
from .sim.programs import load_all


def warm() -> None:
    """Load every program and run a few commands on a throwaway engine (never stored)."""
    load_all()
    engine = Engine.new(seed=0)
    for line in ("kubectl get pods -A", "kubectl create deploy warm --image=nginx", "kubectl describe deploy warm",
                 "kubectl get deploy warm -o yaml | grep -c name", "curl -s http://localhost"):
        engine.run(line)
    tlscerts.short_names()      # cryptography, which tlscerts imports on first use (~70 ms): not a learner's wait
