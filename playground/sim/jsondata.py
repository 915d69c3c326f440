"""Copying the engine's plain JSON data (every stored object is dicts, lists, strings, numbers, booleans).

copy.deepcopy keeps a memo of every container it copies (for shared and cyclic references, which JSON data
never has): a pod costs ~400 us to deep-copy that way and ~100 us here, and every write copies its
objects several times (patch, update's preserved status, validation's view).
"""
from __future__ import annotations

import copy as _copy

_ATOMS = frozenset({str, int, float, bool, type(None)})


def deep_copy(value):
    """A deep copy of JSON-shaped data; anything else inside (a YAML date, a tuple) goes to copy.deepcopy.

    A managedFields entry's fieldsV1 tree is shared, not copied: the field manager replaces trees and never
    changes one in place (managedfields.py), and they are most of a recorded object's dicts (a pod copies in
    ~20 us instead of ~50). Code that edits a copy wherever a path points (a JSON patch) uses copy_all."""
    t = type(value)
    if t is dict:     # (atoms are taken as they are, without a call each: most of an object is atoms)
        return {k: v if type(v) in _ATOMS or k == "fieldsV1" else deep_copy(v) for k, v in value.items()}
    if t is list:
        return [v if type(v) in _ATOMS else deep_copy(v) for v in value]
    if t in _ATOMS:
        return value
    return _copy.deepcopy(value)


def copy_all(value):
    """A deep copy that shares nothing, fieldsV1 trees included."""
    t = type(value)
    if t is dict:
        return {k: copy_all(v) for k, v in value.items()}
    if t is list:
        return [copy_all(v) for v in value]
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
