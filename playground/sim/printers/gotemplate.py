"""Go's text/template, as kubectl's -o go-template / template printer runs it (Go 1.25, kubectl v1.35).

    GoTemplate("{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}").execute(data)  -> str
    GoTemplate(text, missing_keys_error=True)     # --allow-missing-template-keys=false

Parse errors raise TemplateError("template: output:LINE: ...") with Go's wording; execution errors raise
ExecError with the partial output (kubectl prints it before its debugging block). Values are what kubectl
hands the template: the object through encoding/json, with integral numbers as int64, others float64.
Functions: Go's builtins (and, or, not, len, index, slice, print, printf, println, eq, ne, lt, le, gt, ge,
html, js, urlquery, call) and kubectl's exists and base64decode. The work is metered: range over ints and
nested templates count against MAX_STEPS, so no template runs unbounded.
"""
from __future__ import annotations

import base64
import re
import urllib.parse
from dataclasses import dataclass, field
from decimal import Decimal

MAX_STEPS = 200_000        # nodes evaluated and range iterations for one execution
MAX_DEPTH = 100            # nested {{template}} calls
NAME = "output"


class TemplateError(Exception):
    """A parse error, worded as Go's parser words it."""


class ExecError(Exception):
    def __init__(self, message: str, partial: str = ""):
        super().__init__(message)
        self.partial = partial


class _Missing:
    """reflect's invalid Value: a missing map key or a nil looked through."""

    def __repr__(self):
        return "<missing>"


MISSING = _Missing()
NOFINAL = object()         # no value piped in from a previous command (Go's missingVal)


class Int(int):
    """An integer constant written in the template (Go's int); JSON integers are plain ints (int64)."""


# ---- Go's fmt for the values a template sees ------------------------------------------------------------
def go_type(v) -> str:
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, Int):
        return "int"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "map[string]interface {}"
    if isinstance(v, list):
        return "[]interface {}"
    return "interface {}"


def _float_g(f: float, prec: int = -1) -> str:
    """strconv.FormatFloat(f, 'g', prec, 64): %e when the exponent is < -4 or >= the precision (6 if shortest)."""
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "-0" if str(f).startswith("-") else "0"
    if prec == 0:
        prec = 1
    d = Decimal(repr(f)) if prec < 0 else Decimal(f"{f:.{prec - 1}e}")
    sign, digits, exp = d.normalize().as_tuple()
    digits = "".join(map(str, digits)).rstrip("0") or "0"
    point = len(digits) + exp                 # decimal point position
    x = point - 1
    eprec = 6 if prec < 0 else prec
    if prec >= 0 and eprec > len(digits) and len(digits) >= point:
        eprec = len(digits)
    s = "-" if sign else ""
    if x < -4 or x >= eprec:
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{s}{mant}e{'-' if x < 0 else '+'}{abs(x):02d}"
    if point <= 0:
        return f"{s}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return s + digits + "0" * (point - len(digits))
    return f"{s}{digits[:point]}.{digits[point:]}"


def go_quote(s: str) -> str:
    """strconv.Quote: printable runes kept, the rest escaped."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\a\b\f\n\r\t\v":
            out.append({"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                        "\v": "\\v"}[ch])
        elif o < 0x20 or o == 0x7f:
            out.append(f"\\x{o:02x}")
        elif not ch.isprintable() and o > 0x7f:
            out.append(f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}")
        else:
            out.append(ch)
    return "".join(out) + '"'


def go_v(v) -> str:
    """fmt's %v."""
    if v is None or v is MISSING:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        return _float_g(v)
    if isinstance(v, str):
        return v
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{go_v(v[k])}" for k in sorted(v)) + "]"
    if isinstance(v, list):
        return "[" + " ".join(go_v(x) for x in v) + "]"
    return str(v)


_VERB = re.compile(r"%([-+# 0]*)(\d+)?(?:\.(\d*))?(.)?", re.S)


def go_sprintf(fmt: str, args: list) -> str:
    """fmt.Sprintf for the verbs templates use; bad verbs, missing and extra arguments as Go prints them."""
    out: list[str] = []
    i = n = 0
    while i < len(fmt):
        j = fmt.find("%", i)
        if j < 0:
            out.append(fmt[i:])
            break
        out.append(fmt[i:j])
        m = _VERB.match(fmt, j)
        flags, width, prec, verb = m.group(1), m.group(2), m.group(3), m.group(4)
        i = m.end()
        if verb is None:
            out.append("%!(NOVERB)")
            break
        if verb == "%":
            out.append("%")
            continue
        if n >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        out.append(_format_one(args[n], verb, flags, int(width) if width else None,
                               None if prec is None else int(prec or 0)))
        n += 1
    if n < len(args):
        out.append("%!(EXTRA " + ", ".join(f"{go_type(a)}={go_v(a)}" for a in args[n:]) + ")")
    return "".join(out)


def _pad(s: str, flags: str, width: int | None, zero_ok: bool = False) -> str:
    if width is None or len(s) >= width:
        return s
    if "-" in flags:
        return s.ljust(width)
    if "0" in flags and zero_ok:
        sign = s[0] if s[:1] in "+-" else ""
        return sign + s[len(sign):].rjust(width - len(sign), "0")
    return s.rjust(width)


def _format_one(a, verb: str, flags: str, width: int | None, prec: int | None) -> str:
    if isinstance(a, (dict, list)) and verb != "v":       # fmt applies the verb to each element
        one = lambda x: _format_one(x, verb, flags, width, prec)   # noqa: E731
        if isinstance(a, dict):
            return "map[" + " ".join(f"{one(k)}:{one(a[k])}" for k in sorted(a)) + "]"
        return "[" + " ".join(one(x) for x in a) + "]"
    is_int = isinstance(a, int) and not isinstance(a, bool)
    if verb in "vs" and isinstance(a, str):
        return _pad(a if prec is None else a[:prec], flags, width)
    if verb == "v":
        if isinstance(a, float):
            return _pad(_float_g(a, -1 if prec is None else prec), flags, width, True)
        return _pad(go_v(a), flags, width, is_int)
    if verb == "q" and isinstance(a, str):
        return _pad(go_quote(a), flags, width)
    if verb == "t" and isinstance(a, bool):
        return _pad(go_v(a), flags, width)
    if is_int and verb in "dxXobc":
        v = int(a)
        if verb == "c":
            return _pad(chr(v), flags, width)
        body = {"d": str(abs(v)), "x": f"{abs(v):x}", "X": f"{abs(v):X}", "o": f"{abs(v):o}", "b": f"{abs(v):b}"}[verb]
        if "#" in flags and verb in "xX":
            body = "0" + verb + body
        sign = "-" if v < 0 else "+" if "+" in flags else " " if " " in flags else ""
        return _pad(sign + body, flags, width, True)
    if isinstance(a, float) and verb in "feEgG":
        if verb in "fF":
            body = f"{a:.{6 if prec is None else prec}f}"
        elif verb in "eE":
            body = f"{a:.{6 if prec is None else prec}e}"
            body = body.upper() if verb == "E" else body
        else:
            body = _float_g(a, -1 if prec is None else prec)
        if "+" in flags and a >= 0:
            body = "+" + body
        return _pad(body, flags, width, True)
    if verb in "xX" and isinstance(a, str):
        body = a.encode().hex()
        return _pad(body.upper() if verb == "X" else body, flags, width)
    if a is None or a is MISSING:
        return f"%!{verb}(<nil>)"
    return f"%!{verb}({go_type(a)}={_pad(go_v(a), flags, width, is_int)})"


def truth(v) -> bool:
    if v is MISSING or v is None:
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float, str, dict, list)):
        return bool(v)
    return True


# ---- lexer ---------------------------------------------------------------------------------------------
@dataclass
class Item:
    typ: str            # text, left, right, space, ident, field, var, dot, string, raw, char, number, bool,
    val: str            # nil, pipe, lparen, rparen, declare, assign, comma, keyword, eof, error
    pos: int
    line: int

    def __str__(self):
        if self.typ == "eof":
            return "EOF"
        if self.typ == "error":
            return self.val
        if self.typ == "keyword":
            return f"<{self.val}>"
        if len(self.val) > 10:
            return go_quote(self.val[:10]) + "..."
        return go_quote(self.val)


KEYWORDS = {"block", "break", "continue", "define", "else", "end", "if", "range", "nil", "template", "with"}


def lex(text: str) -> list[Item]:
    items: list[Item] = []
    pos, line, n = 0, 1, len(text)

    def emit(typ, start, end):
        nonlocal line
        items.append(Item(typ, text[start:end], start, line))
        line += text.count("\n", start, end)

    def err(msg, start):
        items.append(Item("error", msg, start, line))
        return items + [Item("eof", "", n, line)] * 4

    while pos < n:
        j = text.find("{{", pos)
        if j < 0:
            emit("text", pos, n)
            pos = n
            break
        end_text = j
        trim_left = text.startswith("{{- ", j) or text.startswith("{{-\t", j) or text.startswith("{{-\n", j) \
            or text.startswith("{{-\r", j)
        if trim_left:
            while end_text > pos and text[end_text - 1] in " \t\r\n":
                end_text -= 1
        if end_text > pos:
            emit("text", pos, end_text)
        line += text.count("\n", end_text, j)
        pos = j + 2
        emit("left", j, pos)
        if trim_left:
            pos += 2
        # a comment fills the whole action
        if text.startswith("/*", pos):
            k = text.find("*/", pos)
            if k < 0:
                return err("unclosed comment", pos)
            pos = k + 2
            trim_right = text.startswith(" -}}", pos) or text.startswith("\t-}}", pos) or text.startswith("\n-}}", pos)
            if not (trim_right or text.startswith("}}", pos)):
                return err("comment ends before closing delimiter", pos)
            line += text.count("\n", j, pos)
            pos += 4 if trim_right else 2
            items.pop()
            if trim_right:
                while pos < n and text[pos] in " \t\r\n":
                    line += text[pos] == "\n"
                    pos += 1
            continue
        depth = 0
        while True:
            if pos >= n:
                return err("unclosed action", pos)
            c = text[pos]
            if c in " \t\r\n":
                k = pos
                while k < n and text[k] in " \t\r\n":
                    k += 1
                if text.startswith("-}}", k) and depth == 0:
                    emit("space", pos, k)
                    emit("right", k + 1, k + 3)
                    pos = k + 3
                    while pos < n and text[pos] in " \t\r\n":
                        line += text[pos] == "\n"
                        pos += 1
                    break
                emit("space", pos, k)
                pos = k
                continue
            if text.startswith("}}", pos):
                if depth:
                    return err("unclosed left paren", pos)
                emit("right", pos, pos + 2)
                pos += 2
                break
            if c == "=":
                emit("assign", pos, pos + 1)
                pos += 1
            elif c == ":":
                if not text.startswith(":=", pos):
                    return err("expected :=", pos)
                emit("declare", pos, pos + 2)
                pos += 2
            elif c == "|":
                emit("pipe", pos, pos + 1)
                pos += 1
            elif c == ",":
                emit("comma", pos, pos + 1)
                pos += 1
            elif c == "(":
                depth += 1
                emit("lparen", pos, pos + 1)
                pos += 1
            elif c == ")":
                depth -= 1
                if depth < 0:
                    return err("unexpected right paren", pos)
                emit("rparen", pos, pos + 1)
                pos += 1
            elif c == '"':
                k = pos + 1
                while True:
                    if k >= n or text[k] == "\n":
                        return err("unterminated quoted string", pos)
                    if text[k] == "\\":
                        k += 2
                        continue
                    if text[k] == '"':
                        break
                    k += 1
                emit("string", pos, k + 1)
                pos = k + 1
            elif c == "`":
                k = text.find("`", pos + 1)
                if k < 0:
                    return err("unterminated raw quoted string", pos)
                emit("raw", pos, k + 1)
                pos = k + 1
            elif c == "'":
                m = re.compile(r"'(\\.|[^\\'\n])*'").match(text, pos)
                if not m:
                    return err("unterminated character constant", pos)
                emit("char", pos, m.end())
                pos = m.end()
            elif c in "$." and (c == "$" or not text[pos + 1:pos + 2].isdigit()):
                k = pos + 1
                while k < n and (text[k].isalnum() or text[k] == "_"):
                    k += 1
                typ = "var" if c == "$" else ("field" if k > pos + 1 else "dot")
                emit(typ, pos, k)
                pos = k
                if not _at_terminator(text, pos):
                    return err(f"bad character {_go_rune(text[pos])}", pos)
            elif c.isdigit() or c in "+-." :
                m = re.compile(r"[+-]?(0[xX][0-9a-fA-F_]+(\.[0-9a-fA-F_]*)?([pP][+-]?\d+)?|0[bBoO][0-7_]+|"
                               r"(\d[\d_]*)?(\.\d*)?([eE][+-]?\d*)?)i?").match(text, pos)
                k = m.end() if m else pos
                if k == pos or (k < n and (text[k].isalnum())):
                    return err(f"bad number syntax: {go_quote(text[pos:max(k, pos + 1)])}", pos)
                emit("number", pos, k)
                pos = k
            elif c.isalpha() or c == "_":
                k = pos
                while k < n and (text[k].isalnum() or text[k] == "_"):
                    k += 1
                word = text[pos:k]
                typ = "bool" if word in ("true", "false") else "nil" if word == "nil" else \
                    "keyword" if word in KEYWORDS else "ident"
                emit(typ, pos, k)
                pos = k
                if not _at_terminator(text, pos):
                    return err(f"bad character {_go_rune(text[pos])}", pos)
            elif c.isascii() and c.isprintable():          # Go's itemChar: the parser rejects it in context
                emit("punct", pos, pos + 1)
                pos += 1
            else:
                return err(f"unrecognized character in action: {_go_rune(c)}", pos)
    return items + [Item("eof", "", n, line)] * 4     # the parser may back up over a final token


def _at_terminator(text: str, pos: int) -> bool:
    return pos >= len(text) or text[pos] in " \t\r\n.,|:()" or text.startswith("}}", pos)


def _go_rune(c: str) -> str:
    return f"U+{ord(c):04X} {chr(39)}{c}{chr(39)}" if c.isprintable() else f"U+{ord(c):04X}"


# ---- parse tree ----------------------------------------------------------------------------------------
@dataclass
class Node:
    kind: str                      # text field var dot nil bool number string ident chain pipe command
    pos: int                       # action if range with template list break continue
    text: str = ""                 # source text (field/var/number/string/ident), or a keyword
    value: object = None           # literal value; chain base node
    args: list = field(default_factory=list)     # command args; pipe commands; chain fields; list nodes
    decl: list = field(default_factory=list)     # pipe variables
    assign: bool = False
    pipe: "Node | None" = None
    body: "Node | None" = None
    other: "Node | None" = None    # else branch
    line: int = 1

    def __str__(self) -> str:
        k = self.kind
        if k in ("field", "var", "number", "string", "ident", "bool"):
            return self.text
        if k == "dot":
            return "."
        if k == "nil":
            return "nil"
        if k == "chain":
            base = str(self.value)
            if self.value.kind == "pipe":
                base = f"({base})"
            return base + "".join("." + f for f in self.args)
        if k == "command":
            return " ".join(f"({a})" if a.kind == "pipe" else str(a) for a in self.args)
        if k == "pipe":
            head = ", ".join(v.text for v in self.decl)
            head = f"{head} {'=' if self.assign else ':='} " if self.decl else ""
            return head + " | ".join(str(c) for c in self.args)
        if k == "action":
            return "{{" + str(self.pipe) + "}}"
        if k == "template":
            return "{{template " + go_quote(self.text) + (f" {self.pipe}" if self.pipe else "") + "}}"
        return "{{" + k + "}}"


BUILTINS = {"and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne", "lt", "le",
            "gt", "ge", "html", "js", "urlquery", "call", "exists", "base64decode"}


class Parser:
    def __init__(self, text: str):
        self.items = lex(text)
        self.i = 0
        self.vars = ["$"]
        self.range_depth = 0
        self.defines: dict[str, Node] = {}
        self.last: Item | None = None

    def fail(self, msg: str):
        line = self.last.line if self.last else 1
        raise TemplateError(f"template: {NAME}:{line}: {msg}")

    def next(self) -> Item:
        it = self.items[self.i]
        self.i = min(self.i + 1, len(self.items) - 1)
        self.last = it
        return it

    def backup(self):
        self.i -= 1

    def peek(self) -> Item:
        return self.items[self.i]

    def next_non_space(self) -> Item:
        it = self.next()
        while it.typ == "space":
            it = self.next()
        return it

    def peek_non_space(self) -> Item:
        it = self.next_non_space()
        self.backup()
        return it

    def unexpected(self, it: Item, context: str):
        if it.typ == "error":
            self.fail(str(it))
        self.fail(f"unexpected {it} in {context}")

    def expect(self, typ: str, context: str) -> Item:
        it = self.next_non_space()
        if it.typ != typ:
            self.unexpected(it, context)
        return it

    # ---- structure
    def parse(self) -> Node:
        root = Node("list", 0)
        while self.peek().typ != "eof":
            if self.peek().typ == "left" and self._at_define():
                continue
            n = self.text_or_action()
            if n.kind in ("end", "else"):
                self.fail(f"unexpected {n}")
            root.args.append(n)
        return root

    def _at_define(self) -> bool:
        save = self.i
        self.next()
        if self.peek_non_space().typ == "keyword" and self.peek_non_space().val == "define":
            self.next_non_space()
            name = self.expect("string", "define clause")
            self.expect("right", "define clause")
            saved_vars = self.vars
            self.vars = ["$"]
            body, end = self.item_list()
            if end.kind != "end":
                self.fail(f"unexpected {end} in define clause")
            self.vars = saved_vars
            self.defines[_unquote(self, name)] = body
            return True
        self.i = save
        return False

    def text_or_action(self) -> Node:
        it = self.next_non_space()
        if it.typ == "text":
            return Node("text", it.pos, it.val, line=it.line)
        if it.typ == "left":
            return self.action()
        self.unexpected(it, "input")

    def item_list(self) -> tuple[Node, Node]:
        lst = Node("list", self.peek().pos)
        while self.peek_non_space().typ != "eof":
            n = self.text_or_action()
            if n.kind in ("end", "else"):
                return lst, n
            lst.args.append(n)
        self.fail("unexpected EOF")

    def action(self) -> Node:
        it = self.next_non_space()
        if it.typ == "keyword":
            kw = it.val
            if kw == "end":
                return Node("end", self.expect("right", "end").pos)
            if kw == "else":
                nxt = self.peek_non_space()
                if nxt.typ == "keyword" and nxt.val in ("if", "with"):
                    return Node("else", it.pos, nxt.val)
                return Node("else", self.expect("right", "else").pos)
            if kw in ("if", "with", "range"):
                return self.control(kw, it)
            if kw in ("break", "continue"):
                if self.range_depth == 0:
                    self.fail(f"{{{{{kw}}}}} outside {{{{range}}}}")
                self.expect("right", kw)
                return Node(kw, it.pos)
            if kw in ("template", "block"):
                name = self.next_non_space()
                if name.typ not in ("string", "raw"):
                    self.unexpected(name, f"{kw} clause")
                pipe = None
                if self.next_non_space().typ != "right":
                    self.backup()
                    pipe = self.pipeline(f"{kw} clause", "right")
                node = Node("template", name.pos, _unquote(self, name), pipe=pipe, line=it.line)
                if kw == "block":
                    body, end = self.item_list()
                    if end.kind != "end":
                        self.fail(f"unexpected {end} in block clause")
                    self.defines[node.text] = body
                return node
            if kw == "define":
                self.fail("unexpected <define> in command")
        self.backup()
        pipe = self.pipeline("command", "right")
        return Node("action", it.pos, pipe=pipe, line=it.line)

    def control(self, context: str, it: Item) -> Node:
        mark = len(self.vars)
        pipe = self.pipeline(context, "right")
        if context == "range":
            self.range_depth += 1
        body, nxt = self.item_list()
        if context == "range":
            self.range_depth -= 1
        other = None
        if nxt.kind == "else":
            if nxt.text in ("if", "with") and nxt.text == context:
                self.next_non_space()
                other = Node("list", nxt.pos, args=[self.control(context, self.last)])
            else:
                other, end = self.item_list()
                if end.kind != "end":
                    self.fail(f"expected end; found {end}")
        del self.vars[mark:]
        return Node(context, it.pos, pipe=pipe, body=body, other=other, line=it.line)

    def pipeline(self, context: str, end: str) -> Node:
        pipe = Node("pipe", self.peek_non_space().pos)
        save = self.i
        tok = self.next_non_space()
        nxt = self.next_non_space() if tok.typ == "var" else None
        if nxt is not None and nxt.typ in ("declare", "assign"):
            pipe.decl.append(Node("var", tok.pos, tok.val))
            pipe.assign = nxt.typ == "assign"
            self.vars.append(tok.val)
        elif nxt is not None and nxt.typ == "comma":
            if context != "range":
                self.fail(f"too many declarations in {context}")
            tok2 = self.next_non_space()
            if tok2.typ != "var":
                self.fail("range can only initialize variables")
            op = self.next_non_space()
            if op.typ == "comma":
                self.fail(f"too many declarations in {context}")
            if op.typ not in ("declare", "assign"):
                self.unexpected(op, context)
            pipe.decl += [Node("var", tok.pos, tok.val), Node("var", tok2.pos, tok2.val)]
            pipe.assign = op.typ == "assign"
            self.vars += [tok.val, tok2.val]
        else:
            self.i = save
        while True:
            it = self.next_non_space()
            if it.typ == end:
                if not pipe.args:
                    self.fail(f"missing value for {context}")
                for k, c in enumerate(pipe.args[1:], 1):
                    if c.args[0].kind in ("bool", "dot", "nil", "number", "string"):
                        self.fail(f"non executable command in pipeline stage {k + 1}")
                return pipe
            if it.typ in ("bool", "char", "dot", "field", "ident", "number", "nil", "raw", "string", "var",
                          "lparen"):
                self.backup()
                pipe.args.append(self.command())
            else:
                self.unexpected(it, context)

    def command(self) -> Node:
        cmd = Node("command", self.peek_non_space().pos)
        while True:
            self.peek_non_space()
            op = self.operand()
            if op is not None:
                cmd.args.append(op)
            it = self.next()
            if it.typ == "space":
                continue
            if it.typ in ("right", "rparen"):
                self.backup()
            elif it.typ != "pipe":
                self.unexpected(it, "operand")
            break
        if not cmd.args:
            self.fail("empty command")
        return cmd

    def operand(self) -> Node | None:
        node = self.term()
        if node is None:
            return None
        if self.peek().typ == "field":
            fields = []
            pos = self.peek().pos
            while self.peek().typ == "field":
                fields.append(self.next().val[1:])
            if node.kind == "field":
                return Node("field", pos, node.text + "".join("." + f for f in fields))
            if node.kind == "var":
                return Node("var", pos, node.text + "".join("." + f for f in fields))
            if node.kind in ("bool", "string", "number", "nil", "dot"):
                self.fail(f"unexpected . after term {go_quote(str(node))}")
            return Node("chain", pos, value=node, args=fields)
        return node

    def term(self) -> Node | None:
        it = self.next_non_space()
        t = it.typ
        if t == "ident":
            if it.val not in BUILTINS:
                self.fail(f"function {go_quote(it.val)} not defined")
            return Node("ident", it.pos, it.val)
        if t == "dot":
            return Node("dot", it.pos)
        if t == "nil":
            return Node("nil", it.pos)
        if t == "var":
            name = it.val
            if name not in self.vars:
                self.fail(f"undefined variable {go_quote(name)}")
            return Node("var", it.pos, name)
        if t == "field":
            return Node("field", it.pos, it.val)
        if t == "bool":
            return Node("bool", it.pos, it.val, it.val == "true")
        if t in ("char", "number"):
            return Node("number", it.pos, it.val, _number(self, it))
        if t == "lparen":
            pipe = self.pipeline("parenthesized pipeline", "rparen")
            return pipe
        if t in ("string", "raw"):
            return Node("string", it.pos, it.val, _unquote(self, it))
        self.backup()
        return None


def _unquote(p: Parser, it: Item) -> str:
    s = it.val
    if s.startswith("`"):
        return s[1:-1]
    try:
        import json
        return json.loads(s) if "\\x" not in s and "\\'" not in s else bytes(s[1:-1], "utf-8").decode(
            "unicode_escape")
    except ValueError:
        p.fail("invalid syntax")


def _number(p: Parser, it: Item):
    s = it.val
    if it.typ == "char":
        body = s[1:-1]
        try:
            rune = body if len(body) == 1 else bytes(body, "utf-8").decode("unicode_escape")
        except UnicodeDecodeError:
            rune = ""
        if len(rune) != 1 or (len(body) > 1 and not body.startswith("\\")):
            p.fail(f"malformed character constant: {s}")
        return Int(ord(rune))
    clean = s.replace("_", "")
    try:
        if re.fullmatch(r"[+-]?(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|\d+)", clean):
            sign = -1 if clean.startswith("-") else 1
            body = clean.lstrip("+-")
            if body.startswith(("0x", "0X")):
                return Int(sign * int(body, 16))
            if body.startswith(("0b", "0B")):
                return Int(sign * int(body[2:], 2))
            if body.startswith(("0o", "0O")) or (len(body) > 1 and body[0] == "0"):
                return Int(sign * int(body.lstrip("0oO") or "0", 8))
            return Int(sign * int(body))
        return float(clean)
    except ValueError:
        p.fail(f"illegal number syntax: {go_quote(s)}")


# ---- execution -----------------------------------------------------------------------------------------
class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class GoTemplate:
    def __init__(self, text: str, missing_keys_error: bool = False):
        self.text = text
        parser = Parser(text)
        self.root = parser.parse()
        self.defines = parser.defines
        self.missing_error = missing_keys_error

    def execute(self, data) -> str:
        self.out: list[str] = []
        self.vars: list[tuple[str, object]] = [("$", data)]
        self.node: Node | None = None
        self.steps = 0
        self.depth = 0
        try:
            self.walk(data, self.root)
        except ExecError as exc:
            exc.partial = "".join(self.out)
            raise
        return "".join(self.out)

    # ---- errors
    def at(self, node: Node) -> None:
        self.node = node

    def fail(self, msg: str):
        if self.node is None:
            raise ExecError(f"template: {NAME}: {msg}")
        before = self.text[:self.node.pos]
        line = 1 + before.count("\n")
        col = self.node.pos if "\n" not in before else self.node.pos - before.rfind("\n") - 1
        raise ExecError(f'template: {NAME}:{line}:{col}: executing "{NAME}" at <{self.node}>: {msg}')

    def tick(self):
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise ExecError(f"podscape: the template stopped after {MAX_STEPS} steps (the playground's limit)")

    # ---- walking
    def walk(self, dot, node: Node) -> None:
        self.tick()
        self.at(node)
        k = node.kind
        if k == "list":
            for n in node.args:
                self.walk(dot, n)
        elif k == "text":
            self.out.append(node.text)
        elif k == "action":
            val = self.eval_pipeline(dot, node.pipe)
            if not node.pipe.decl:
                self.print_value(val)
        elif k in ("if", "with"):
            mark = len(self.vars)
            val = self.eval_pipeline(dot, node.pipe)
            if truth(val):
                self.walk(val if k == "with" else dot, node.body)
            elif node.other is not None:
                self.walk(dot, node.other)
            del self.vars[mark:]
        elif k == "range":
            self.walk_range(dot, node)
        elif k == "break":
            raise _Break()
        elif k == "continue":
            raise _Continue()
        elif k == "template":
            body = self.defines.get(node.text)
            if body is None:
                self.fail(f"template {go_quote(node.text)} not defined")
            self.depth += 1
            if self.depth > MAX_DEPTH:
                self.fail(f"exceeded maximum template depth ({MAX_DEPTH})")
            new_dot = self.eval_pipeline(dot, node.pipe) if node.pipe else None
            saved = self.vars
            self.vars = [("$", new_dot)]
            self.walk(new_dot, body)
            self.vars = saved
            self.depth -= 1

    def walk_range(self, dot, node: Node) -> None:
        mark = len(self.vars)
        val = self.eval_pipeline(dot, node.pipe)
        decl = node.pipe.decl

        def one(key, elem) -> bool:
            self.tick()
            inner = len(self.vars)
            # the pipeline pushed the declared variables; each iteration sets them (Go's setTopVar)
            if len(decl) == 1:
                self._set_var(decl[0].text, elem, True)
            elif decl:
                self._set_var(decl[0].text, key, True)
                self._set_var(decl[1].text, elem, True)
            try:
                self.walk(elem, node.body)
            except _Continue:
                pass
            except _Break:
                return False
            finally:
                del self.vars[inner:]
            return True

        ran = False
        if isinstance(val, list):
            for i, e in enumerate(val):
                ran = True
                if not one(Int(i), e):
                    break
        elif isinstance(val, dict):
            for key in sorted(val):
                ran = True
                if not one(key, val[key]):
                    break
        elif isinstance(val, int) and not isinstance(val, bool):
            if len(decl) > 1:
                self.fail(f"can't use {val} to iterate over more than one variable")
            for i in range(max(0, int(val))):
                ran = True
                if not one(None, type(val)(i)):
                    break
        elif val is not MISSING and val is not None:
            self.fail(f"range can't iterate over {go_v(val)}")
        del self.vars[mark:]
        if not ran and node.other is not None:
            self.walk(dot, node.other)

    def _set_var(self, name: str, value, assign: bool) -> None:
        if assign:
            for i in range(len(self.vars) - 1, -1, -1):
                if self.vars[i][0] == name:
                    self.vars[i] = (name, value)
                    return
        self.vars.append((name, value))

    def print_value(self, val) -> None:
        self.out.append("<no value>" if val is MISSING else go_v(val))

    # ---- pipelines and commands
    def eval_pipeline(self, dot, pipe: Node):
        self.at(pipe)
        value = MISSING
        final = NOFINAL
        for cmd in pipe.args:
            value = self.eval_command(dot, cmd, final)
            if value is None:
                value = MISSING          # an interface{} holding nil: dug out, it is no value
            final = value
        for var in pipe.decl:
            self._set_var(var.text, value, pipe.assign)
        return value

    def eval_command(self, dot, cmd: Node, final):
        self.tick()
        first = cmd.args[0]
        k = first.kind
        if k == "field":
            return self.eval_field_node(dot, first, cmd.args, final)
        if k == "chain":
            return self.eval_chain(dot, first, cmd.args, final)
        if k == "ident":
            return self.eval_function(dot, first, cmd, final)
        if k == "pipe":
            self.not_a_function(cmd.args, final)
            return self.eval_pipeline(dot, first)
        if k == "var":
            return self.eval_variable(dot, first, cmd.args, final)
        self.at(first)
        self.not_a_function(cmd.args, final)
        if k == "bool":
            return first.value
        if k == "dot":
            return dot
        if k == "nil":
            self.fail("nil is not a command")
        if k in ("number", "string"):
            return first.value
        self.fail(f"can't evaluate command {go_quote(str(first))}")

    def not_a_function(self, args, final) -> None:
        if len(args) > 1 or final is not NOFINAL:
            self.fail(f"can't give argument to non-function {args[0]}")

    def eval_field_node(self, dot, node: Node, args, final):
        self.at(node)
        return self.eval_field_chain(dot, dot, node, node.text[1:].split("."), args, final)

    def eval_chain(self, dot, node: Node, args, final):
        self.at(node)
        base = self.eval_arg(dot, node.value)
        return self.eval_field_chain(dot, base, node, node.args, args, final)

    def eval_variable(self, dot, node: Node, args, final):
        self.at(node)
        name, *fields = node.text.split(".")
        value = self.var_value(name)
        if not fields:
            self.not_a_function(args, final)
            return value
        return self.eval_field_chain(dot, value, node, fields, args, final)

    def var_value(self, name: str):
        for n, v in reversed(self.vars):
            if n == name:
                return v
        self.fail(f"undefined variable: {name}")

    def eval_field_chain(self, dot, receiver, node, idents, args, final):
        # a map's values are interface{}; a chain's base or a variable holds the value itself
        concrete = node.kind in ("chain", "var")
        for ident in idents[:-1]:
            receiver = self.eval_field(receiver, ident, node, [], NOFINAL, concrete)
            concrete = False
        return self.eval_field(receiver, idents[-1], node, args, final, concrete)

    def eval_field(self, receiver, name: str, node, args, final, concrete: bool = False):
        if receiver is MISSING:
            if self.missing_error:
                self.fail(f"nil data; no entry for key {go_quote(name)}")
            return MISSING
        if receiver is None:
            self.fail(f"nil pointer evaluating interface {{}}.{name}")
        if isinstance(receiver, dict):
            if len(args) > 1 or final is not NOFINAL:
                self.fail(f"{name} is not a method but has arguments")
            if name in receiver:
                return receiver[name]
            if self.missing_error:
                self.fail(f"map has no entry for key {go_quote(name)}")
            return MISSING
        self.fail(f"can't evaluate field {name} in type {go_type(receiver) if concrete else 'interface {}'}")

    # ---- functions
    def eval_arg(self, dot, n: Node):
        self.at(n)
        k = n.kind
        if k == "dot":
            return dot
        if k == "nil":
            return None
        if k == "field":
            return self.eval_field_node(dot, n, [n], NOFINAL)
        if k == "var":
            return self.eval_variable(dot, n, [n], NOFINAL)
        if k == "pipe":
            v = self.eval_pipeline(dot, n)
            return v
        if k == "ident":
            return self.eval_function(dot, n, Node("command", n.pos, args=[n]), NOFINAL)
        if k == "chain":
            return self.eval_chain(dot, n, [n], NOFINAL)
        return n.value

    def eval_function(self, dot, ident: Node, cmd: Node, final):
        self.at(ident)
        name = ident.text
        raw = cmd.args[1:]
        if name in ("and", "or"):
            if not raw and final is NOFINAL:
                self.fail(f"wrong number of args for {name}: want at least 1 got 0")
            val = MISSING
            for a in raw:
                val = self.eval_arg(dot, a)
                if truth(val) == (name == "or"):
                    return val
            if final is not NOFINAL:
                val = final
            return val
        argv = [self.eval_arg(dot, a) for a in raw]
        if final is not NOFINAL:
            argv.append(final)
        try:
            return FUNCS[name](*argv)
        except _ArgCount as exc:
            self.fail(f"wrong number of args for {name}: want {exc.want} got {len(argv)}")
        except _CallError as exc:
            self.at(cmd)
            self.fail(f"error calling {name}: {exc}")


class _CallError(Exception):
    pass


class _ArgCount(Exception):
    def __init__(self, want: str):
        self.want = want


def _n(argv, want: int, exact: bool = True):
    if (len(argv) != want) if exact else (len(argv) < want):
        raise _ArgCount(f"{'' if exact else 'at least '}{want}")


def _kind(v) -> str:
    """text/template's basicKind: ints of any size compare with each other, nothing else mixes."""
    return {"bool": "bool", "int": "int", "int64": "int", "float64": "float", "string": "string"}.get(go_type(v),
                                                                                                      "other")


def _eq(*argv):
    _n(argv, 1, exact=False)
    a, rest = argv[0], argv[1:]
    if not rest:
        raise _CallError("missing argument for comparison")
    for b in rest:
        ka, kb = _kind(a), _kind(b)
        valid = a is not MISSING and b is not MISSING
        if ka != kb:
            if valid:
                raise _CallError(f"incompatible types for comparison: {go_type(a)} and {go_type(b)}")
            continue
        if ka == "other":
            if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
                raise _CallError(f"non-comparable type {go_v(a)}: {go_type(a)}")
            if (a in (None, MISSING)) == (b in (None, MISSING)):
                return True
            continue
        if a == b:
            return True
    return False


def _lt(a, b):
    ka, kb = _kind(a), _kind(b)
    if ka in ("bool", "other"):
        raise _CallError("invalid type for comparison")
    if ka != kb:
        raise _CallError(f"incompatible types for comparison: {go_type(a)} and {go_type(b)}")
    return a < b


def _len(*argv):
    _n(argv, 1)
    v = argv[0]
    if v is MISSING or v is None:
        raise _CallError("reflect: call of reflect.Value.Type on zero Value")
    if isinstance(v, (str, list, dict)):
        return Int(len(v.encode()) if isinstance(v, str) else len(v))
    raise _CallError(f"len of type {go_type(v)}")


def _index(*argv):
    _n(argv, 1, exact=False)
    item = argv[0]
    if item is MISSING or item is None:
        raise _CallError("index of untyped nil")
    for key in argv[1:]:
        if isinstance(item, dict):
            if not isinstance(key, str):
                raise _CallError(f"value has type {go_type(key)}; should be string")
            item = item.get(key, MISSING)
        elif isinstance(item, (list, str)):
            if not isinstance(key, int) or isinstance(key, bool):
                raise _CallError(f"cannot index slice/array with type {go_type(key)}")
            if not 0 <= key < len(item):
                raise _CallError(f"index out of range: {key}")
            item = item[key] if isinstance(item, list) else Int(item.encode()[key])
        elif item is MISSING or item is None:
            raise _CallError("index of untyped nil")
        else:
            raise _CallError(f"can't index item of type {go_type(item)}")
    return item


def _slice(*argv):
    _n(argv, 1, exact=False)
    item, idx = argv[0], argv[1:]
    if not isinstance(item, (str, list)):
        raise _CallError("can't slice item of type " + go_type(item))
    if len(idx) > 3 or (isinstance(item, str) and len(idx) > 2):
        raise _CallError(f"too many slice indexes: {len(idx)}")
    bounds = [int(i) for i in idx]
    lo = bounds[0] if bounds else 0
    hi = bounds[1] if len(bounds) > 1 else len(item)
    if not 0 <= lo <= hi <= len(item):
        raise _CallError(f"index out of range: {hi if hi > len(item) else lo}")
    return item[lo:hi]


def _sprint(argv) -> str:
    out, prev_string = [], False
    for i, a in enumerate(argv):
        is_string = isinstance(a, str)
        if i > 0 and not is_string and not prev_string:
            out.append(" ")
        out.append(go_v(a))
        prev_string = is_string
    return "".join(out)


def _printf(*argv):
    _n(argv, 1, exact=False)
    if not isinstance(argv[0], str):
        raise _CallError(f"wrong type for value; expected string; got {go_type(argv[0])}")
    return go_sprintf(argv[0], list(argv[1:]))


def _html(*argv):
    s = _sprint(argv)
    return (s.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("\0", "\uFFFD"))


def _js(*argv):
    s = _sprint(argv)
    table = {"\\": "\\\\", "'": "\\'", '"': "\\\"", "<": "\\u003C", ">": "\\u003E", "&": "\\u0026",
             "=": "\\u003D", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return "".join(table.get(c, c) for c in s)


def _base64decode(*argv):
    _n(argv, 1)
    try:
        return base64.b64decode(str(argv[0]), validate=True).decode("utf-8", "replace")
    except ValueError as exc:
        raise _CallError(f"base64 decode failed: {exc}")


def _exists(*argv):
    """kubectl's exists: whether the path of keys/indexes leads somewhere."""
    _n(argv, 1, exact=False)
    item = argv[0]
    for key in argv[1:]:
        if isinstance(item, dict) and isinstance(key, str) and key in item:
            item = item[key]
        elif isinstance(item, list) and isinstance(key, int) and 0 <= key < len(item):
            item = item[key]
        else:
            return False
    return True


def _call(*argv):
    raise _CallError("non-function of type " + go_type(argv[0] if argv else None))


FUNCS = {
    "not": lambda *a: (_n(a, 1), not truth(a[0]))[1],
    "len": _len, "index": _index, "slice": _slice,
    "print": lambda *a: _sprint(a), "println": lambda *a: " ".join(go_v(x) for x in a) + "\n", "printf": _printf,
    "eq": _eq, "ne": lambda *a: (_n(a, 2), not _eq(*a))[1],
    "lt": lambda *a: (_n(a, 2), _lt(a[0], a[1]))[1], "le": lambda *a: (_n(a, 2), _lt(a[0], a[1]) or _eq(*a))[1],
    "gt": lambda *a: (_n(a, 2), not (_lt(a[0], a[1]) or _eq(*a)))[1],
    "ge": lambda *a: (_n(a, 2), not _lt(a[0], a[1]))[1],
    "html": _html, "js": _js, "urlquery": lambda *a: urllib.parse.quote_plus(_sprint(a)),
    "call": _call, "exists": _exists, "base64decode": _base64decode,
}


def to_template_data(value):
    """What kubectl's json.Unmarshal into map[string]interface{} yields: integral numbers int64, others float."""
    if isinstance(value, dict):
        return {k: to_template_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_template_data(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 63:
        return int(value)
    return value
