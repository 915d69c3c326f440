"""JSON exactly as kubectl -o json prints it: Go's json.MarshalIndent(obj, "", "    ") of a map."""
from __future__ import annotations

import json
import math
import re


def _string(s: str) -> str:
    # Python's encoder escapes exactly Go's set (quote, backslash, controls as \n \r \t \b \f or \u00xx);
    # Go also escapes the HTML-significant <, >, & and the JavaScript line separators.
    text = json.dumps(s, ensure_ascii=False)
    if _EXTRA.search(text):
        text = _EXTRA.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


_EXTRA = re.compile("[<>&\u2028\u2029]")
# A float value in indented JSON (after `": ` or alone on a line). Go prints floats differently
# (3.0 -> 3, 1e-07 -> 1e-7), so those rare objects take the slow path.
_FLOAT_TOKEN = re.compile(r'(?:": |^\s+)-?\d+(?:\.\d|[eE])', re.M)


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
            digits = exp.lstrip("+-").lstrip("0") or "0"
            # Go: 'e' format, then "e-07" is cleaned up to "e-7" (positive exponents keep two digits).
            return f"{mant}e{sign}{digits if sign == '-' else digits.zfill(2)}"
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
    try:
        # The stdlib encoder writes the same text as encoding/json for JSON-shaped data (sorted keys sort by
        # code point, which is UTF-8 byte order); only Go's HTML-safe escapes are added afterwards.
        text = json.dumps(obj, indent=4, sort_keys=sort_keys, ensure_ascii=False, separators=(",", ": "),
                          allow_nan=False, default=_not_json)
    except (TypeError, ValueError):
        text = None
    if text is None or _FLOAT_TOKEN.search(text):
        out: list[str] = []
        _encode(obj, "", out, sort_keys)
        text = "".join(out)
    elif _EXTRA.search(text):
        text = _EXTRA.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text + "\n"


def _not_json(value):
    raise TypeError(f"not JSON: {type(value).__name__}")
