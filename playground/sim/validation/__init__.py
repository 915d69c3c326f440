"""API-server validation, one module per kind, each registering into apiserver.VALIDATORS/ALLOCATORS.

A validator is `fn(cluster, obj, old_or_None) -> [cause, ...]`, each cause worded as the API server
words it (`spec.replicas: Invalid value: -1: must be greater than or equal to 0`). `load()` imports
every module here once; apiserver.create/update call it before looking a validator up.
"""
from __future__ import annotations

import importlib
import pkgutil

_loaded = False


def load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for mod in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{mod.name}")
