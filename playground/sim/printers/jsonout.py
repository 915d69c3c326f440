"""JSON exactly as kubectl -o json prints it: Go's json.MarshalIndent(obj, "", "    ").

Strings go through the stdlib's C string encoder, which escapes exactly Go's set (quote, backslash,
control characters as \\n \\r \\t \\b \\f or \\u00xx); Go also escapes the HTML-significant <, >, & and
U+2028/U+2029, added afterwards (they can only occur inside strings).
"""
from __future__ import annotations

import math
import re
from json.encoder import encode_basestring as _enc

_EXTRA = re.compile("[<>&\u2028\u2029]")


def _string(s: str) -> str:
    text = _enc(s)
    return _EXTRA.sub(_escape, text) if _EXTRA.search(text) else text


def _escape(m: re.Match) -> str:
    return f"\\u{ord(m.group()):04x}"


def _number(v) -> str:
    """Go's float64 encoding: shortest repr, integral values without a fraction, `e-7` exponents."""
    if math.isnan(v) or math.isinf(v):
        return "null"
    if v == int(v) and abs(v) < 1e21:
        return str(int(v))
    r = repr(v)
    if "e" in r:
        mant, exp = r.split("e")
        sign = "-" if exp.startswith("-") else "+"
        digits = exp.lstrip("+-").lstrip("0") or "0"
        # Go writes 'e' format, then cleans "e-07" up to "e-7" (positive exponents keep two digits).
        return f"{mant}e{sign}{digits if sign == '-' else digits.zfill(2)}"
    return r


def _encode(v, indent: str, out: list[str], sort: bool) -> None:
    t = type(v)
    if t is str:
        out.append(_enc(v))
    elif t is dict:
        if not v:
            out.append("{}")
            return
        inner = indent + "    "
        out.append("{\n")
        first = True
        for k in (sorted(v, key=str) if sort else v):
            if not first:
                out.append(",\n")
            first = False
            out.append(inner)
            out.append(_enc(str(k)))
            out.append(": ")
            _encode(v[k], inner, out, sort)
        out.append("\n" + indent + "}")
    elif t is list or t is tuple:
        if not v:
            out.append("[]")
            return
        inner = indent + "    "
        out.append("[\n")
        first = True
        for item in v:
            if not first:
                out.append(",\n")
            first = False
            out.append(inner)
            _encode(item, inner, out, sort)
        out.append("\n" + indent + "]")
    elif v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif t is int:
        out.append(str(v))
    elif t is float:
        out.append(_number(v))
    else:
        out.append(_enc(str(v)))


def to_json(obj, sort_keys: bool = True) -> str:
    """The object as kubectl -o json prints it, with the trailing newline.

    Objects read from the server (`get`) are maps, printed with sorted keys (code point order is UTF-8
    byte order, as Go sorts); typed objects built by the client (`create ... --dry-run=client -o json`)
    print in Go struct field order: pass sort_keys=False and build the dict in that order.
    """
    out: list[str] = []
    _encode(obj, "", out, sort_keys)
    text = "".join(out)
    if _EXTRA.search(text):
        text = _EXTRA.sub(_escape, text)
    return text + "\n"
