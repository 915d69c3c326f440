"""Copying the engine's plain JSON data (every stored object is dicts, lists, strings, numbers, booleans).

copy.deepcopy keeps a memo of every container it copies (for shared and cyclic references, which JSON data
never has): a pod costs ~400 us to deep-copy that way and ~100 us here, and every write copies its
objects several times (patch, update's preserved status, validation's view).
"""
from __future__ import annotations

import copy as _copy

_ATOMS = frozenset({str, int, float, bool, type(None)})


def deep_copy(value):
    """A deep copy of JSON-shaped data; anything else inside (a YAML date, a tuple) goes to copy.deepcopy."""
    t = type(value)
    if t is dict:
        return {k: deep_copy(v) for k, v in value.items()}
    if t is list:
        return [deep_copy(v) for v in value]
    if t in _ATOMS:
        return value
    return _copy.deepcopy(value)


def drop_nulls(value):
    """JSON nulls removed from every object, in place: a null for a field of a Go type decodes to its zero
    value, which the API server then stores as if the field were absent (`spec: null` on a Service is
    defaulted and validated like no spec at all)."""
    if type(value) is dict:
        for k in [k for k, v in value.items() if v is None]:
            del value[k]
        for v in value.values():
            drop_nulls(v)
    elif type(value) is list:
        for v in value:
            drop_nulls(v)
