"""Every command the learner can run on their machine (or inside a pod), by name.

A program is `fn(proc) -> exit code`; it reads `proc.argv`/`proc.stdin` and writes to `proc.out`/`proc.err`.
Modules register themselves with @program so the table is declared next to the code.
"""
from __future__ import annotations

from typing import Callable

from ..proc import Program

PROGRAMS: dict[str, Program] = {}


def program(*names: str) -> Callable[[Program], Program]:
    def register(fn: Program) -> Program:
        for name in names:
            PROGRAMS[name] = fn
        return fn
    return register


_loaded = False


def load_all() -> None:
    """Import the modules that register programs (late, to keep import cycles out). Idempotent and
    cheap after the first call, so callers need not guess whether some module was imported already."""
    global _loaded
    if _loaded:
        return
    import importlib
    import pkgutil

    for mod in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{mod.name}")
    _loaded = True
