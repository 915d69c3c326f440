"""JSON exactly as kubectl -o json prints it: Go's json.MarshalIndent(obj, "", "    ") of a map."""
from __future__ import annotations

import math

_SHORT = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _string(s: str) -> str:
    out = ['"']
    for ch in s:
        if ch in _SHORT:
            out.append(_SHORT[ch])
        elif ord(ch) < 0x20 or ch in "<>&\u2028\u2029":
            # encoding/json escapes control characters and, by default, HTML-significant ones.
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _number(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if math.isnan(v) or math.isinf(v):
        return "null"
    if v == int(v) and abs(v) < 1e21:
        return str(int(v))
    a = abs(v)
    if a < 1e-6 or a >= 1e21:
        r = f"{v:e}"
        r = repr(v)
        if "e" in r:
            mant, exp = r.split("e")
            sign = "-" if exp.startswith("-") else "+"
            return f"{mant}e{sign}{exp.lstrip('+-').lstrip('0').zfill(2)}"
        return r
    return repr(v)


def _encode(v, indent: str, out: list[str], sort: bool = True) -> None:
    if v is None:
        out.append("null")
    elif isinstance(v, str):
        out.append(_string(v))
    elif isinstance(v, (bool, int, float)):
        out.append(_number(v))
    elif isinstance(v, dict):
        if not v:
            out.append("{}")
            return
        inner = indent + "    "
        out.append("{\n")
        keys = sorted(v.keys(), key=lambda k: str(k).encode()) if sort else list(v.keys())
        for i, k in enumerate(keys):
            out.append(inner + _string(str(k)) + ": ")
            _encode(v[k], inner, out, sort)
            out.append(",\n" if i < len(keys) - 1 else "\n")
        out.append(indent + "}")
    elif isinstance(v, (list, tuple)):
        if not v:
            out.append("[]")
            return
        inner = indent + "    "
        out.append("[\n")
        for i, item in enumerate(v):
            out.append(inner)
            _encode(item, inner, out, sort)
            out.append(",\n" if i < len(v) - 1 else "\n")
        out.append(indent + "]")
    else:
        out.append(_string(str(v)))


def to_json(obj, sort_keys: bool = True) -> str:
    """The object as kubectl -o json prints it, with the trailing newline.

    Objects read from the server (`get`) are maps, printed with sorted keys; typed objects built by the
    client (`create ... --dry-run=client -o json`) print in Go struct field order: pass sort_keys=False
    and build the dict in that order (kind, apiVersion, metadata, spec, status).
    """
    out: list[str] = []
    _encode(obj, "", out, sort_keys)
    return "".join(out) + "\n"
