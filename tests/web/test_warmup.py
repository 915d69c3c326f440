"""A worker warms up before it takes traffic (playground/asgi.py): every program is loaded and a command runs."""
from __future__ import annotations

import sys

from playground.sim import programs
from playground.warmup import warm


def test_warming_loads_every_program_and_the_assessment():
    warm()
    assert programs._loaded and {"kubectl", "minikube", "curl", "grep"} <= set(programs.PROGRAMS)
    assert "lessons.assess" in sys.modules


def test_the_asgi_application_warms_the_worker_on_import():
    import playground.asgi as asgi

    assert asgi.warm is warm and callable(asgi.application)
