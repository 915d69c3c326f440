"""YAML exactly as kubectl prints it (sigs.k8s.io/yaml over go-yaml v2): a fallback used until the shared
printer (playground/sim/printers/output.py) exists.

go-yaml v2's rules reproduced: keys sorted with its "natural" order (letters before other runes, digit
runs compared as numbers); strings that would read back as another type (`"3600"`, `"yes"`, `"n"`,
`"1e3"`, `"2024-01-01"`, `""`) double-quoted; strings starting with an indicator (`'*star'`, `'- a'`)
single-quoted; control characters double-quoted with escapes; multi-line strings as `|` / `|-` blocks;
long plain strings folded at spaces past column 80; sequences not indented under their key.
"""
from __future__ import annotations

import functools
import math
import re

BEST_WIDTH = 80
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_BASE60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d*)?"
                        r"(?:[ \t]*(?:Z|[-+]\d{1,2}(?::\d{2})?))?)?$")
_RESOLVE_MAP = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
                "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~", "",
                ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf",
                "-.INF"}


def _go_int(s: str) -> bool:
    return re.fullmatch(r"[+-]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)", s) is not None


def _resolves_to_non_string(s: str) -> bool:
    """go-yaml v2 resolve(): would this plain scalar read back as a bool, null, number or timestamp?"""
    if s in _RESOLVE_MAP:
        return True
    c = s[0]
    if c == ".":
        try:
            float(s)
            return "_" not in s
        except ValueError:
            return False
    if c in "+-0123456789":
        if c.isdigit() and _TIMESTAMP.match(s):
            return True
        plain = s.replace("_", "")
        if _go_int(plain):
            return True
        if _FLOAT.match(plain):
            return True
        if plain.startswith(("0b", "-0b")) and re.fullmatch(r"-?0b[01]+", plain):
            return True
    return False


def _printable(ch: str) -> bool:
    o = ord(ch)
    return (o == 0x0A or 0x20 <= o <= 0x7E or o == 0x85 or 0xA0 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD
            or 0x10000 <= o <= 0x10FFFF) and o != 0xFEFF


def _analyze(s: str) -> dict:
    """yaml_emitter_analyze_scalar: which styles may write this string."""
    if not s:
        return {"block_plain": False, "single": True, "block": False, "multiline": False}
    flow_ind = block_ind = False
    if s.startswith(("---", "...")):
        flow_ind = block_ind = True
    leading_space = leading_break = trailing_space = trailing_break = False
    break_space = space_break = special = line_breaks = False
    prev_space = prev_break = False
    preceded_ws = True
    n = len(s)
    for i, ch in enumerate(s):
        followed_ws = i + 1 >= n or s[i + 1] in " \t\n\r\x85\u2028\u2029"
        if i == 0:
            if ch in "#,[]{}&*!|>'\"%@`":
                flow_ind = block_ind = True
            elif ch in "?:":
                flow_ind = True
                if followed_ws:
                    block_ind = True
            elif ch == "-" and followed_ws:
                flow_ind = block_ind = True
        else:
            if ch in ",?[]{}":
                flow_ind = True
            elif ch == ":":
                flow_ind = True
                if followed_ws:
                    block_ind = True
            elif ch == "#" and preceded_ws:
                flow_ind = block_ind = True
        if not _printable(ch):
            special = True
        is_break = ch in "\n\r\x85\u2028\u2029"
        if is_break:
            line_breaks = True
        if ch == " ":
            leading_space |= i == 0
            trailing_space |= i == n - 1
            break_space |= prev_break
            prev_space, prev_break = True, False
        elif is_break:
            leading_break |= i == 0
            trailing_break |= i == n - 1
            space_break |= prev_space
            prev_space, prev_break = False, True
        else:
            prev_space = prev_break = False
        preceded_ws = ch in " \t\n\r\x85\u2028\u2029"
    block_plain = single = block = True
    if leading_space or leading_break or trailing_space or trailing_break:
        block_plain = False
    if trailing_space:
        block = False
    if break_space:
        block_plain = single = False
    if space_break or special:
        block_plain = single = block = False
    if line_breaks:
        block_plain = False
    if block_ind:
        block_plain = False
    return {"block_plain": block_plain, "single": single, "block": block, "multiline": line_breaks}


def _style(s: str, simple_key: bool) -> str:
    """plain | single | double | literal, as go-yaml v2's encoder and emitter settle it."""
    a = _analyze(s)
    if "\n" in s:
        style = "literal"
    elif _resolves_to_non_string(s) or _BASE60.match(s):
        style = "double"
    else:
        style = "plain"
    if style == "plain":
        if not a["block_plain"] or (not s and simple_key):
            style = "single"
    if style == "single" and not a["single"]:
        style = "double"
    if style == "literal" and (not a["block"] or simple_key):
        style = "double"
    return style


_ESCAPES = {"\0": "0", "\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r",
            "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P"}


def _fold(words_text: str, col: int, indent: int, allow_breaks: bool, quote: str = "") -> str:
    """Write a plain/single/double scalar body, breaking at a space once past column 80."""
    out = []
    spaces = False
    n = len(words_text)
    i = 0
    while i < n:
        ch = words_text[i]
        if ch == " ":
            nxt = words_text[i + 1] if i + 1 < n else ""
            can = allow_breaks and not spaces and col > BEST_WIDTH
            if quote == "":
                can = can and nxt != " "
            elif quote == "'":
                can = can and 0 < i < n - 1 and nxt != " "
            else:
                can = can and 0 < i < n - 1
            if can:
                out.append("\n" + " " * indent)
                col = indent
                if quote == '"' and nxt == " ":
                    out.append("\\")
                    col += 1
                i += 1
                spaces = True
                continue
            out.append(ch)
            col += 1
            spaces = True
        else:
            out.append(ch)
            col += 1
            spaces = False
        i += 1
    return "".join(out)


def _double_body(s: str) -> str:
    out = []
    for ch in s:
        if ch in _ESCAPES:
            out.append("\\" + _ESCAPES[ch])
        elif not _printable(ch) or ord(ch) == 0xFEFF:
            o = ord(ch)
            out.append(f"\\x{o:02X}" if o <= 0xFF else f"\\u{o:04X}" if o <= 0xFFFF else f"\\U{o:08X}")
        else:
            out.append(ch)
    return "".join(out)


def scalar(value, col: int, indent: int, simple_key: bool = False) -> str:
    """One scalar starting at column `col`; continuation lines are indented by `indent`."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".NaN"
        if math.isinf(value):
            return ".Inf" if value > 0 else "-.Inf"
        if value == int(value) and abs(value) < 1e21:
            return str(int(value)) if abs(value) < 1e6 else _go_float(value)
        return _go_float(value)
    s = str(value)
    style = _style(s, simple_key)
    if style == "plain":
        return _fold(s, col, indent, not simple_key)
    if style == "single":
        body = s.replace("'", "''")
        return "'" + _fold(body, col + 1, indent, not simple_key, "'") + "'"
    if style == "double":
        return '"' + _fold(_double_body(s), col + 1, indent, not simple_key, '"') + '"'
    # literal block
    header = "|"
    if s[0] in " \n":
        header += "2"
    if not s.endswith("\n"):
        header += "-"
    elif len(s) == 1 or s[-2] == "\n":
        header += "+"
    lines = s[:-1].split("\n") if s.endswith("\n") else s.split("\n")
    body = "".join("\n" + (" " * indent + line if line else "") for line in lines)
    return header + body


def _go_float(v: float) -> str:
    s = repr(v)
    if "e" in s:
        mant, exp = s.split("e")
        sign = exp[0] if exp[0] in "+-" else "+"
        digits = exp.lstrip("+-").lstrip("0") or "0"
        return f"{mant.rstrip('0').rstrip('.') if '.' in mant else mant}e{sign}{digits.zfill(2)}"
    return s


def _key_less(a: str, b: str) -> bool:
    """go-yaml v2 keyList.Less."""
    ar, br = a, b
    for i in range(min(len(ar), len(br))):
        if ar[i] == br[i]:
            continue
        al, bl = ar[i].isalpha(), br[i].isalpha()
        if al and bl:
            return ar[i] < br[i]
        if al or bl:
            return bl
        an = bn = 0
        if ar[i] == "0" or br[i] == "0":
            j = i - 1
            while j >= 0 and ar[j].isdigit():
                if ar[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(ar) and ar[ai].isdigit():
            an = an * 10 + int(ar[ai])
            ai += 1
        bi = i
        while bi < len(br) and br[bi].isdigit():
            bn = bn * 10 + int(br[bi])
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ar[i] < br[i]
    return len(ar) < len(br)


def sorted_keys(d: dict) -> list:
    return sorted(d, key=functools.cmp_to_key(lambda a, b: -1 if _key_less(str(a), str(b))
                                              else (1 if _key_less(str(b), str(a)) else 0)))


def _value(v, indent: int, lines: list[str], line_prefix: str) -> None:
    """A mapping value after `key:` (the key sits at `indent`)."""
    if isinstance(v, dict) and v:
        lines.append(line_prefix)
        for k in sorted_keys(v):
            key = " " * (indent + 2) + scalar(str(k), 0, indent + 2, simple_key=True) + ":"
            _value(v[k], indent + 2, lines, key)
    elif isinstance(v, list) and v:
        lines.append(line_prefix)
        for item in v:
            _item(item, indent, lines)
    elif isinstance(v, dict):
        lines.append(line_prefix + " {}")
    elif isinstance(v, list):
        lines.append(line_prefix + " []")
    else:
        lines.append(line_prefix + " " + scalar(v, len(line_prefix) + 1, indent + 2))


def _item(item, indent: int, lines: list[str]) -> None:
    """A sequence item `- ...` at `indent` (sequences sit at their key's indent)."""
    prefix = " " * indent + "- "
    if isinstance(item, dict) and item:
        keys = sorted_keys(item)
        for n, k in enumerate(keys):
            key_text = scalar(str(k), 0, indent + 2, simple_key=True) + ":"
            lp = (prefix if n == 0 else " " * (indent + 2)) + key_text
            _value(item[k], indent + 2, lines, lp)
    elif isinstance(item, list) and item:
        sub: list[str] = []
        for x in item:
            _item(x, indent + 2, sub)
        sub[0] = prefix + sub[0][indent + 2:]
        lines.extend(sub)
    elif isinstance(item, dict):
        lines.append(prefix + "{}")
    elif isinstance(item, list):
        lines.append(prefix + "[]")
    else:
        lines.append(prefix + scalar(item, len(prefix), indent + 2))


def dump(obj) -> str:
    lines: list[str] = []
    if isinstance(obj, dict) and obj:
        for k in sorted_keys(obj):
            _value(obj[k], 0, lines, scalar(str(k), 0, 0, simple_key=True) + ":")
    elif isinstance(obj, list) and obj:
        for item in obj:
            _item(item, 0, lines)
    else:
        lines.append("{}" if isinstance(obj, dict) else "[]" if isinstance(obj, list) else scalar(obj, 0, 0))
    return "\n".join(lines) + "\n"
