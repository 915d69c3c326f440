"""YAML exactly as kubectl prints it: sigs.k8s.io/yaml (JSON -> go-yaml v2 Marshal).

A port of the parts of go-yaml v2 that kubectl output exercises: key order (keyList.Less), the
choice between plain, 'single', "double" and | literal scalars (resolve + yaml_emitter_analyze_scalar),
indentless sequences under mapping keys, `{}`/`[]` for empty collections, and line folding of long
plain/quoted scalars at column 80 (best_width), which kubectl does show.
"""
from __future__ import annotations

import functools
import math
import re

BEST_WIDTH = 80
BEST_INDENT = 2

_INT_RE = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$")
_FLOAT_RE = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_BASE60_RE = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_TS_RES = [
    re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$"),
    re.compile(r"^\d{4}-\d{1,2}-\d{1,2}[Tt]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"),
    re.compile(r"^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?$"),
]
_MAP_WORDS = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No", "NO",
              "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", ".nan", ".NaN",
              ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<"}


def _resolves_to_non_string(s: str) -> bool:
    """go-yaml v2 resolve(""): would this text, written plain, read back as something other than a string?"""
    if s in _MAP_WORDS:
        return True
    if not s:
        return True
    c = s[0]
    if c in "yYnNtTfFoO~":
        return False          # only the exact words above
    if c == ".":
        return bool(_FLOAT_RE.match(s)) or _go_parse_float(s)
    if c in "+-0123456789":
        if c.isdigit() and any(r.match(s) for r in _TS_RES):
            return True
        plain = s.replace("_", "")
        if _INT_RE.match(plain):
            return _valid_go_int(plain)
        if _FLOAT_RE.match(plain):
            return True
        if plain.startswith("0b") or plain.startswith("-0b"):
            return bool(re.match(r"^-?0b[01]+$", plain))
    return False


def _valid_go_int(plain: str) -> bool:
    body = plain.lstrip("+-")
    if len(body) > 1 and body[0] == "0" and body[1] not in "xXoObB":
        return all(ch in "01234567" for ch in body)
    return True


def _go_parse_float(s: str) -> bool:
    low = s.lower()
    if low in ("inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan"):
        return True
    try:
        float(s)
        return "_" not in s
    except ValueError:
        return False


# ---- key order: go-yaml v2 keyList.Less ------------------------------------------------------------
def _key_less(a: str, b: str) -> bool:
    ar, br = a, b
    i = 0
    while i < len(ar) and i < len(br):
        if ar[i] == br[i]:
            i += 1
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


_LETTERS = re.compile(r"^[A-Za-z]+$")


def sorted_keys(d: dict) -> list:
    keys = list(d.keys())
    if all(isinstance(k, str) and _LETTERS.match(k) for k in keys):
        return sorted(keys)        # letters only: keyList.Less is plain code-point order
    return list(_sorted_keys(tuple(keys)))


@functools.lru_cache(maxsize=4096)
def _sorted_keys(keys: tuple) -> tuple:
    return tuple(sorted(keys, key=functools.cmp_to_key(
        lambda x, y: -1 if _key_less(str(x), str(y)) else (1 if _key_less(str(y), str(x)) else 0))))


# ---- scalar analysis: yaml_emitter_analyze_scalar ---------------------------------------------------
def _printable(ch: str) -> bool:
    o = ord(ch)
    # go-yaml v2's is_printable works on UTF-8 bytes: no NEL (0x85) and nothing outside the BMP.
    return (o == 0x0A or 0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or
            (0xE000 <= o <= 0xFFFD and o != 0xFEFF))


def _is_break(ch: str) -> bool:
    return ch in "\r\n\x85\u2028\u2029"


def _analyze(value: str) -> dict:
    if not value:
        return {"multiline": False, "flow_plain": False, "block_plain": True, "single": True, "block": False}
    block_ind = flow_ind = line_breaks = special = False
    leading_space = leading_break = trailing_space = trailing_break = break_space = space_break = False
    previous_space = previous_break = False
    if value.startswith("---") or value.startswith("..."):
        block_ind = flow_ind = True
    preceded_by_ws = True
    n = len(value)
    for i, ch in enumerate(value):
        followed_by_ws = i + 1 >= n or value[i + 1] in " \t\r\n\x85\u2028\u2029"
        if i == 0:
            if ch in "#,[]{}&*!|>'\"%@`":
                flow_ind = block_ind = True
            elif ch in "?:":
                flow_ind = True
                if followed_by_ws:
                    block_ind = True
            elif ch == "-":
                if followed_by_ws:
                    flow_ind = block_ind = True
        else:
            if ch in ",?[]{}":
                flow_ind = True
            elif ch == ":":
                flow_ind = True
                if followed_by_ws:
                    block_ind = True
            elif ch == "#":
                if preceded_by_ws:
                    flow_ind = block_ind = True
        if not _printable(ch):
            special = True
        if ch == " ":
            if i == 0:
                leading_space = True
            if i + 1 == n:
                trailing_space = True
            if previous_break:
                break_space = True
            previous_space, previous_break = True, False
        elif _is_break(ch):
            line_breaks = True
            if i == 0:
                leading_break = True
            if i + 1 == n:
                trailing_break = True
            if previous_space:
                space_break = True
            previous_space, previous_break = False, True
        else:
            previous_space = previous_break = False
        preceded_by_ws = ch in " \t\r\n\x85\u2028\u2029"
    r = {"multiline": line_breaks, "flow_plain": True, "block_plain": True, "single": True, "block": True}
    if leading_space or leading_break or trailing_space or trailing_break:
        r["flow_plain"] = r["block_plain"] = False
    if trailing_space:
        r["block"] = False
    if break_space:
        r["flow_plain"] = r["block_plain"] = r["single"] = False
    if space_break or special:
        r["flow_plain"] = r["block_plain"] = r["single"] = r["block"] = False
    if line_breaks:
        r["flow_plain"] = r["block_plain"] = False
    if flow_ind:
        r["flow_plain"] = False
    if block_ind:
        r["block_plain"] = False
    return r


_SAFE_PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./=@-]*$")


@functools.lru_cache(maxsize=8192)
def _style(s: str, simple_key: bool) -> str:
    """go-yaml v2's scalar style for a string: stringv's choice refined by select_scalar_style."""
    if _SAFE_PLAIN.match(s) and s not in _MAP_WORDS:
        return "plain"
    if "\n" in s:
        style = "literal"
    elif not _resolves_to_non_string(s) and not _BASE60_RE.match(s):
        style = "plain"
    else:
        style = "double"
    a = _analyze(s)
    if style == "plain":
        if not a["block_plain"]:
            style = "single"
        if not s and simple_key:
            style = "single"
    if style == "single" and not a["single"]:
        style = "double"
    if style == "literal" and (not a["block"] or simple_key):
        style = "double"
    return style


class _Emitter:
    def __init__(self):
        self.buf: list[str] = []
        self.column = 0
        self.whitespace = True
        self.indention = True
        self.indent = -1

    # -- low level
    def put(self, s: str) -> None:
        self.buf.append(s)
        self.column += len(s)

    def put_break(self) -> None:
        self.buf.append("\n")
        self.column = 0

    def write_indent(self, indent: int) -> None:
        indent = max(indent, 0)
        if not self.indention or self.column > indent or (self.column == indent and not self.whitespace):
            self.put_break()
        if self.column < indent:
            self.put(" " * (indent - self.column))
        self.whitespace = True
        self.indention = True

    def indicator(self, ind: str, need_ws: bool, is_ws: bool, is_indention: bool) -> None:
        if need_ws and not self.whitespace:
            self.put(" ")
        self.put(ind)
        self.whitespace = is_ws
        self.indention = self.indention and is_indention

    # -- scalars
    def scalar(self, value, indent: int, simple_key: bool) -> None:
        """Emit one scalar at the current position; `indent` is the scalar's indentation for folding."""
        if value is None:
            self.plain("null", indent, False)
            return
        if value is True or value is False:
            self.plain("true" if value else "false", indent, False)
            return
        if isinstance(value, int):
            self.plain(str(value), indent, False)
            return
        if isinstance(value, float):
            self.plain(_format_float(value), indent, False)
            return
        s = str(value)
        style = _style(s, simple_key)
        allow_breaks = not simple_key
        if style == "plain":
            self.plain(s, indent, allow_breaks)
        elif style == "single":
            self.single(s, indent, allow_breaks)
        elif style == "double":
            self.double(s, indent, allow_breaks)
        else:
            self.literal(s, indent)

    def plain(self, s: str, indent: int, allow_breaks: bool) -> None:
        if not self.whitespace:
            self.put(" ")
        if not allow_breaks or " " not in s or self.column + len(s) <= BEST_WIDTH:
            # No space can fall past column 80, so nothing folds: write it whole.
            self.put(s)
            self.whitespace = False
            self.indention = False
            return
        spaces = False
        i, n = 0, len(s)
        while i < n:
            ch = s[i]
            if ch == " ":
                if allow_breaks and not spaces and self.column > BEST_WIDTH and not (i + 1 < n and s[i + 1] == " "):
                    self.write_indent(indent)
                else:
                    self.put(ch)
                spaces = True
            else:
                self.put(ch)
                self.indention = False
                spaces = False
            i += 1
        self.whitespace = False
        self.indention = False

    def single(self, s: str, indent: int, allow_breaks: bool) -> None:
        self.indicator("'", True, False, False)
        spaces = False
        n = len(s)
        for i, ch in enumerate(s):
            if ch == " ":
                if (allow_breaks and not spaces and self.column > BEST_WIDTH and 0 < i < n - 1
                        and s[i + 1] != " "):
                    self.write_indent(indent)
                else:
                    self.put(ch)
                spaces = True
            else:
                if ch == "'":
                    self.put("'")
                self.put(ch)
                self.indention = False
                spaces = False
        self.indicator("'", False, False, False)
        self.whitespace = False
        self.indention = False

    def double(self, s: str, indent: int, allow_breaks: bool) -> None:
        self.indicator('"', True, False, False)
        spaces = False
        n = len(s)
        i = 0
        while i < n:
            ch = s[i]
            o = ord(ch)
            if not _printable(ch) or o == 0xFEFF or _is_break(ch) or ch in '"\\':
                self.put("\\" + _ESCAPES.get(o) if o in _ESCAPES else "\\" + (
                    f"x{o:02X}" if o <= 0xFF else f"u{o:04X}" if o <= 0xFFFF else f"U{o:08X}"))
                spaces = False
            elif ch == " ":
                if allow_breaks and not spaces and self.column > BEST_WIDTH and 0 < i < n - 1:
                    self.write_indent(indent)
                    if s[i + 1] == " ":
                        self.put("\\")
                else:
                    self.put(ch)
                spaces = True
            else:
                self.put(ch)
                spaces = False
            i += 1
        self.indicator('"', False, False, False)
        self.whitespace = False
        self.indention = False

    def literal(self, s: str, indent: int) -> None:
        self.indicator("|", True, False, False)
        hints = ""
        if s[:1] in (" ",) or (s and _is_break(s[0])):
            hints += str(BEST_INDENT)
        if not s or not _is_break(s[-1]):
            hints += "-"
        elif len(s) == 1 or _is_break(s[-2]):
            hints += "+"
        self.put(hints)
        self.put_break()
        self.indention = True
        self.whitespace = True
        breaks = True
        for ch in s:
            if _is_break(ch):
                self.put_break()
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent(indent)
                self.put(ch)
                self.indention = False
                breaks = False

    # -- collections
    def node(self, value, indent: int, *, in_mapping_value: bool, in_sequence: bool) -> None:
        """Emit a value whose parent has `indent` (the parent mapping's or sequence's indentation)."""
        if isinstance(value, dict):
            if not value:
                self.indicator("{", True, True, False)
                self.indicator("}", False, False, False)
                return
            self.mapping(value, indent + BEST_INDENT if (in_mapping_value or in_sequence) else max(indent, 0))
        elif isinstance(value, (list, tuple)):
            if not value:
                self.indicator("[", True, True, False)
                self.indicator("]", False, False, False)
                return
            # go-yaml v2 writes a sequence under a mapping key without extra indentation.
            if in_mapping_value and not self.indention:
                self.sequence(value, indent)
            else:
                self.sequence(value, indent + BEST_INDENT if indent >= 0 else 0)
        else:
            self.scalar(value, indent + BEST_INDENT if indent >= 0 else BEST_INDENT, False)

    def mapping(self, d: dict, indent: int) -> None:
        for k in sorted_keys(d):
            self.write_indent(indent)
            self.scalar(k if isinstance(k, str) else str(k), indent, True)
            self.indicator(":", False, False, False)
            self.node(d[k], indent, in_mapping_value=True, in_sequence=False)

    def sequence(self, items, indent: int) -> None:
        for item in items:
            self.write_indent(indent)
            self.indicator("-", True, False, True)
            self.node(item, indent, in_mapping_value=False, in_sequence=True)


_ESCAPES = {0x00: "0", 0x07: "a", 0x08: "b", 0x09: "t", 0x0A: "n", 0x0B: "v", 0x0C: "f", 0x0D: "r", 0x1B: "e",
            0x22: '"', 0x5C: "\\", 0x85: "N", 0xA0: "_", 0x2028: "L", 0x2029: "P"}


def _format_float(f: float) -> str:
    if math.isnan(f):
        return ".nan"
    if math.isinf(f):
        return ".inf" if f > 0 else "-.inf"
    if f == int(f) and abs(f) < 1e21:
        return str(int(f))
    r = repr(f)
    if "e" in r:
        mant, exp = r.split("e")
        sign = "-" if exp.startswith("-") else "+"
        exp = exp.lstrip("+-").lstrip("0") or "0"
        return f"{mant}e{sign}{exp.zfill(2)}"
    return r


def to_yaml(obj) -> str:
    """sigs.k8s.io/yaml.Marshal(obj) for JSON-shaped data."""
    e = _Emitter()
    if isinstance(obj, dict) and obj:
        e.mapping(obj, 0)
    elif isinstance(obj, list) and obj:
        e.sequence(obj, 0)
    else:
        e.node(obj, -1, in_mapping_value=False, in_sequence=False)
    return "".join(e.buf).lstrip("\n") + "\n"
