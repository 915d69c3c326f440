"""The part of CEL (the Common Expression Language) that CRD validation rules use, as the API server
evaluates `x-kubernetes-validations` (k8s.io/apiserver/pkg/cel, cel-go).

Covered: literals (int, double, strings incl. raw and triple-quoted, bool, null, lists), field selection
(`__name__` escapes reserved words such as `__namespace__`), indexing, `!`, `-`, arithmetic, comparisons,
`in`, `&&`/`||` (commutative over errors, as CEL's are), `?:`, `has()`, the macros all/exists/exists_one/
filter/map, size(), startsWith/endsWith/contains/matches (RE2)/split/lowerAscii, duration() comparisons.
Anything else raises CelError, which the caller reports as the API server reports a failed evaluation.
"""
from __future__ import annotations

import re

import re2


class CelError(Exception):
    pass


_TOKEN = re.compile(r'''\s*(?:
    (?P<raw>[rR](?:"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"[^"\n]*"|'[^'\n]*'))
  | (?P<str>"""(?:\\.|.|\n)*?"""|\'\'\'(?:\\.|.|\n)*?\'\'\'|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')
  | (?P<num>\d+\.\d+(?:[eE][+-]?\d+)?|\d+[uU]?)
  | (?P<id>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||[-+*/%<>!?:.,()\[\]{}])
)''', re.X)


def _tokens(text: str) -> list[tuple[str, object]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise CelError(f"Syntax error: token recognition error at: '{text[pos:pos + 1]}'")
        pos = m.end()
        kind = m.lastgroup or ""
        value = m.group(kind)
        if kind == "raw":
            body = value[1:]
            q = 3 if body[:3] in ('"""', "'''") else 1
            out.append(("lit", body[q:-q]))
        elif kind == "str":
            q = 3 if value[:3] in ('"""', "'''") else 1
            out.append(("lit", _unescape(value[q:-q])))
        elif kind == "num":
            out.append(("lit", float(value) if "." in value else int(value.rstrip("uU"))))
        elif kind == "id":
            lits = {"true": True, "false": False, "null": None}
            out.append(("lit", lits[value]) if value in lits else ("id", value))
        else:
            out.append(("op", value))
    out.append(("end", None))
    return out


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), s)


class _Parser:
    """Pratt-style parser to a small AST of tuples."""

    def __init__(self, text: str):
        self.t = _tokens(text)
        self.i = 0

    def peek(self):
        return self.t[self.i]

    def take(self, op: str | None = None):
        tok = self.t[self.i]
        if op is not None and tok != ("op", op):
            raise CelError(f"Syntax error: expected {op!r}")
        self.i += 1
        return tok

    def parse(self):
        e = self.expr()
        if self.peek()[0] != "end":
            raise CelError("Syntax error: extra input")
        return e

    def expr(self):
        cond = self.binary(0)
        if self.peek() == ("op", "?"):
            self.take()
            yes = self.expr()
            self.take(":")
            return ("?", cond, yes, self.expr())
        return cond

    LEVELS = [("||",), ("&&",), ("==", "!=", "<", "<=", ">", ">=", "in"), ("+", "-"), ("*", "/", "%")]

    def binary(self, level: int):
        if level == len(self.LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while True:
            tok = self.peek()
            op = tok[1] if tok[0] == "op" or tok == ("id", "in") else None
            if op not in self.LEVELS[level]:
                return left
            self.take()
            left = (op, left, self.binary(level + 1))

    def unary(self):
        if self.peek() == ("op", "!"):
            self.take()
            return ("!", self.unary())
        if self.peek() == ("op", "-"):
            self.take()
            return ("neg", self.unary())
        return self.member()

    def member(self):
        e = self.primary()
        while True:
            tok = self.peek()
            if tok == ("op", "."):
                self.take()
                name = self.take()[1]
                if self.peek() == ("op", "("):
                    e = ("call", name, e, self.args())
                else:
                    e = ("field", e, name)
            elif tok == ("op", "["):
                self.take()
                index = self.expr()
                self.take("]")
                e = ("index", e, index)
            else:
                return e

    def args(self) -> list:
        self.take("(")
        out = []
        while self.peek() != ("op", ")"):
            out.append(self.expr())
            if self.peek() == ("op", ","):
                self.take()
        self.take(")")
        return out

    def primary(self):
        kind, value = self.take()
        if kind == "lit":
            return ("lit", value)
        if kind == "id":
            if self.peek() == ("op", "("):
                return ("call", value, None, self.args())
            return ("var", value)
        if (kind, value) == ("op", "("):
            e = self.expr()
            self.take(")")
            return e
        if (kind, value) == ("op", "["):
            items = []
            while self.peek() != ("op", "]"):
                items.append(self.expr())
                if self.peek() == ("op", ","):
                    self.take()
            self.take("]")
            return ("list", items)
        raise CelError(f"Syntax error: unexpected {value!r}")


_PARSED: dict[str, tuple] = {}
_MISSING = object()


def compile_rule(rule: str) -> tuple:
    ast = _PARSED.get(rule)
    if ast is None:
        ast = _PARSED[rule] = _Parser(rule).parse()
    return ast


def evaluate(rule: str, self_value, old_self=_MISSING):
    env = {"self": self_value}
    if old_self is not _MISSING:
        env["oldSelf"] = old_self
    return _eval(compile_rule(rule), env)


def _field_name(name: str) -> str:
    m = re.fullmatch(r"__(\w+)__", name)
    return m.group(1) if m else name


def _select(obj, name: str):
    if not isinstance(obj, dict):
        raise CelError(f"no such key: {_field_name(name)}")
    key = _field_name(name)
    if key not in obj:
        raise CelError(f"no such key: {key}")
    return obj[key]


def _has(arg, env) -> bool:
    if arg[0] != "field":
        raise CelError("invalid argument to has() macro")
    target = _eval(arg[1], env)
    return isinstance(target, dict) and _field_name(arg[2]) in target


def _duration(text: str) -> float:
    total, pos = 0.0, 0
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 1e-6, "ns": 1e-9}
    for m in re.finditer(r"(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)", text):
        if m.start() != pos:
            break
        total += float(m.group(1)) * units[m.group(2)]
        pos = m.end()
    if pos != len(text) or not text:
        raise CelError(f"invalid duration: {text!r}")
    return total


def _macro(name: str, target, var: str, body, env):
    items = list(target) if isinstance(target, (list, dict)) else None
    if items is None:
        raise CelError(f"no such overload: {name}")

    def test(x):
        return _eval(body, {**env, var: x})
    if name == "all":
        return all(test(x) is True for x in items)
    if name == "exists":
        return any(test(x) is True for x in items)
    if name == "exists_one":
        return sum(1 for x in items if test(x) is True) == 1
    if name == "filter":
        return [x for x in items if test(x) is True]
    if name == "map":
        return [test(x) for x in items]
    raise CelError(f"undeclared reference to '{name}'")


def _call(node, env):
    _, name, recv, args = node
    if recv is None:
        if name == "has":
            return _has(args[0], env)
        values = [_eval(a, env) for a in args]
        if name == "size":
            return len(values[0])
        if name == "duration":
            return ("duration", _duration(values[0]))
        if name == "int":
            return int(values[0])
        if name == "string":
            return str(values[0])
        raise CelError(f"undeclared reference to '{name}'")
    if name in ("all", "exists", "exists_one", "filter", "map"):
        return _macro(name, _eval(recv, env), args[0][1], args[1], env)
    target = _eval(recv, env)
    values = [_eval(a, env) for a in args]
    if name == "size":
        return len(target)
    if isinstance(target, str):
        if name == "startsWith":
            return target.startswith(values[0])
        if name == "endsWith":
            return target.endswith(values[0])
        if name == "contains":
            return values[0] in target
        if name == "matches":
            return re2.search(values[0], target) is not None
        if name == "split":
            return target.split(values[0])
        if name == "lowerAscii":
            return target.lower()
    raise CelError(f"found no matching overload for '{name}'")


def _eval(node, env):
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "var":
        if node[1] not in env:
            raise CelError(f"undeclared reference to '{node[1]}'")
        return env[node[1]]
    if kind == "field":
        return _select(_eval(node[1], env), node[2])
    if kind == "index":
        target, index = _eval(node[1], env), _eval(node[2], env)
        try:
            return target[index]
        except (IndexError, KeyError, TypeError):
            raise CelError(f"index out of bounds: {index}") from None
    if kind == "list":
        return [_eval(x, env) for x in node[1]]
    if kind == "call":
        return _call(node, env)
    if kind == "!":
        return not _truth(_eval(node[1], env))
    if kind == "neg":
        return -_eval(node[1], env)
    if kind == "?":
        return _eval(node[2], env) if _truth(_eval(node[1], env)) else _eval(node[3], env)
    if kind in ("&&", "||"):
        # CEL's logical operators are commutative: an error on one side is absorbed by a deciding other side
        try:
            left = _truth(_eval(node[1], env))
        except CelError:
            left = None
        if left is (kind == "||"):
            return left
        right = _truth(_eval(node[2], env))
        if right is (kind == "||") or left is not None:
            return right
        raise CelError("no such key")
    a, b = _eval(node[1], env), _eval(node[2], env)
    if kind == "in":
        return a in b
    if isinstance(a, tuple) and isinstance(b, tuple):      # durations
        a, b = a[1], b[1]
    ops = {"==": lambda: a == b, "!=": lambda: a != b, "<": lambda: a < b, "<=": lambda: a <= b,
           ">": lambda: a > b, ">=": lambda: a >= b, "+": lambda: a + b, "-": lambda: a - b,
           "*": lambda: a * b, "/": lambda: a // b if isinstance(a, int) and isinstance(b, int) else a / b,
           "%": lambda: a % b}
    try:
        return ops[kind]()
    except TypeError:
        raise CelError(f"found no matching overload for '_{kind}_'") from None


def _truth(v) -> bool:
    if not isinstance(v, bool):
        raise CelError("no matching overload: expected bool")
    return v
