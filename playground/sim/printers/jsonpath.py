"""k8s.io/client-go/util/jsonpath, as `kubectl get -o jsonpath=...` runs it (a port of parser.go and
jsonpath.go: ranges, filters, unions, slices, recursive descent, and the same error texts)."""
from __future__ import annotations

import re

from ..meter import charge
from .jsonout import _string as _json_string, to_json


class JSONPathError(Exception):
    pass


# ---- nodes ------------------------------------------------------------------------------------------
class Node:
    kind = ""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def _list(nodes=None):
    return Node(kind="list", nodes=nodes or [])


_SLICE_RE = re.compile(r"^(-?[\d]*)(:-?[\d]*)?(:-?[\d]*)?$")
_DICT_KEY_RE = re.compile(r"^'([^']*)'$")
_FILTER_RE = re.compile(r"^([^!<>=]+)([!<>=]+)(.+?)$", re.S)


def _is_terminator(r: str) -> bool:
    return r in ("", " ", "\t", "\r", "\n", ".", ",", "[", "]", "$", "@", "{", "}")


def _is_alnum(r: str) -> bool:
    return r != "" and (r == "_" or r.isalpha() or r.isdigit())


class Parser:
    def __init__(self, text: str):
        self.input = text
        self.pos = 0
        self.start = 0
        self.root = _list()

    def parse(self) -> Node:
        self.parse_text(self.root)
        return self.root

    def next(self) -> str:
        if self.pos >= len(self.input):
            self._w = 0
            return ""
        self._w = 1
        self.pos += 1
        return self.input[self.pos - 1]

    def backup(self) -> None:
        self.pos -= self._w

    def peek(self) -> str:
        r = self.next()
        self.backup()
        return r

    def consume(self) -> str:
        v = self.input[self.start:self.pos]
        self.start = self.pos
        return v

    def parse_text(self, cur: Node) -> None:
        while True:
            if self.input.startswith("{", self.pos):
                if self.pos > self.start:
                    cur.nodes.append(Node(kind="text", text=self.consume()))
                self.pos += 1
                self.consume()
                new = _list()
                cur.nodes.append(new)
                return self.parse_inside(new)
            if self.next() == "":
                break
        if self.pos > self.start:
            cur.nodes.append(Node(kind="text", text=self.consume()))

    def parse_inside(self, cur: Node) -> None:
        while True:
            rest = self.input[self.pos:]
            if rest.startswith("}"):
                self.pos += 1
                self.consume()
                return self.parse_text(self.root)
            if rest.startswith("[?("):
                self.parse_filter(cur)
                continue
            if rest.startswith(".."):
                if cur.nodes and cur.nodes[-1].kind == "recursive":
                    raise JSONPathError("invalid multiple recursive descent")
                self.pos += 2
                self.consume()
                cur.nodes.append(Node(kind="recursive"))
                if _is_alnum(self.peek()):
                    self.parse_field(cur)
                continue
            r = self.next()
            if r == "" or r in "\r\n":
                raise JSONPathError("unclosed action")
            if r == " ":
                self.consume()
            elif r in "@$":
                self.consume()
            elif r == "[":
                self.parse_array(cur)
            elif r in "\"'":
                self.parse_quote(cur, r)
            elif r == ".":
                self.parse_field(cur)
            elif r in "+-" or r.isdigit():
                self.backup()
                self.parse_number(cur)
            elif _is_alnum(r):
                self.backup()
                self.parse_identifier(cur)
            else:
                raise JSONPathError(f"unrecognized character in action: U+{ord(r):04X} '{r}'")

    def parse_identifier(self, cur: Node) -> None:
        while True:
            r = self.next()
            if _is_terminator(r):
                if r:
                    self.backup()
                break
        value = self.consume()
        if value in ("true", "false"):
            cur.nodes.append(Node(kind="bool", value=value == "true"))
        else:
            cur.nodes.append(Node(kind="identifier", name=value))

    def parse_number(self, cur: Node) -> None:
        r = self.peek()
        if r in ("+", "-"):
            self.next()
        while True:
            r = self.next()
            if r != "." and not r.isdigit():
                if r:
                    self.backup()
                break
        value = self.consume()
        try:
            cur.nodes.append(Node(kind="int", value=int(value)))
            return
        except ValueError:
            pass
        try:
            cur.nodes.append(Node(kind="float", value=float(value)))
        except ValueError:
            raise JSONPathError(f"cannot parse number {value}")

    def parse_array(self, cur: Node) -> None:
        while True:
            r = self.next()
            if r in ("", "\n"):
                raise JSONPathError("unterminated array")
            if r == "]":
                break
        text = self.consume()[1:-1]
        if text == "*":
            text = ":"
        strs = text.split(",")
        if len(strs) > 1:
            union = []
            for s in strs:
                union.append(_parse_action(f"[{s.strip(' ')}]"))
            cur.nodes.append(Node(kind="union", nodes=union))
            return
        m = _DICT_KEY_RE.match(text)
        if m:
            for node in _parse_action(f".{m.group(1)}").nodes:
                cur.nodes.append(node)
            return
        m = _SLICE_RE.match(text)
        if not m:
            raise JSONPathError(f"invalid array index {text}")
        vals = list(m.groups())
        params = [{"known": False, "value": 0, "derived": False} for _ in range(3)]
        for i in range(3):
            v = vals[i] or ""
            if v != "":
                if i > 0:
                    v = v[1:]
                if i > 0 and v == "":
                    params[i]["known"] = False
                else:
                    params[i]["known"] = True
                    try:
                        params[i]["value"] = int(v)
                    except ValueError:
                        raise JSONPathError(f"array index {v} is not a number")
            elif i == 1:
                params[i] = {"known": True, "value": params[0]["value"] + 1, "derived": True}
        cur.nodes.append(Node(kind="array", params=params))

    def parse_filter(self, cur: Node) -> None:
        self.pos += 3
        self.consume()
        begin = end = False
        pair = ""
        while True:
            r = self.next()
            if r in ("", "\n"):
                raise JSONPathError("unterminated filter")
            if r in "\"'":
                if not begin:
                    begin, pair = True, r
                    continue
                if self.input[self.pos - 2] != "\\" and r == pair:
                    end = True
            elif r == ")":
                if begin == end:
                    break
        if self.next() != "]":
            raise JSONPathError("unclosed array expect ]")
        text = self.consume()[:-2]
        m = _FILTER_RE.match(text)
        if m is None:
            cur.nodes.append(Node(kind="filter", left=_parse_action(text), right=_list(), op="exists"))
        else:
            cur.nodes.append(Node(kind="filter", left=_parse_action(m.group(1)), right=_parse_action(m.group(3)),
                                  op=m.group(2)))

    def parse_quote(self, cur: Node, end: str) -> None:
        while True:
            r = self.next()
            if r in ("", "\n"):
                raise JSONPathError("unterminated quoted string")
            if r == end and self.input[self.pos - 2] != "\\":
                break
        value = self.consume()
        cur.nodes.append(Node(kind="text", text=_unquote(value)))

    def parse_field(self, cur: Node) -> None:
        self.consume()
        while True:
            r = self.next()
            if r == "\\":
                self.next()
            elif _is_terminator(r):
                if r:
                    self.backup()
                break
        value = self.consume()
        if value == "*":
            cur.nodes.append(Node(kind="wildcard"))
        else:
            cur.nodes.append(Node(kind="field", value=value.replace("\\", "")))


def _unquote(s: str) -> str:
    body = s[1:-1]
    if "\\" not in body:
        return body
    out, i = [], 0
    simple = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f",
              "v": "\v"}
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in simple:
                out.append(simple[nxt])
                i += 2
                continue
            if nxt in "xuU":
                n = {"x": 2, "u": 4, "U": 8}[nxt]
                try:
                    out.append(chr(int(body[i + 2:i + 2 + n], 16)))
                    i += 2 + n
                    continue
                except ValueError:
                    raise JSONPathError(f"unquote string {s} error invalid syntax")
            raise JSONPathError(f"unquote string {s} error invalid syntax")
        out.append(ch)
        i += 1
    return "".join(out)


def _parse_action(text: str) -> Node:
    p = Parser("{" + text + "}")
    root = p.parse()
    return root.nodes[0]


# ---- evaluation ---------------------------------------------------------------------------------------
_MISSING = object()


class JSONPath:
    def __init__(self, template: str, allow_missing_keys: bool = True):
        self.template = template
        self.allow_missing = allow_missing_keys
        self.root = Parser(template).parse()

    def execute(self, data) -> str:
        self.begin_range = self.in_range = self.end_range = 0
        self.last_end = None
        self.nodes_view = list(self.root.nodes)
        out: list[str] = []
        for results in self._find(data):
            out.append(self._print(results))
        return "".join(out)

    def find(self, data) -> list[list]:
        """The result groups, unprinted (a CRD printer column takes the first value of the first)."""
        self.begin_range = self.in_range = self.end_range = 0
        self.last_end = None
        self.nodes_view = list(self.root.nodes)
        return self._find(data)

    def print_values(self, values: list) -> str:
        return self._print(values)

    def execute_json(self, data) -> str:
        """EnableJSONOutput: every result group printed as an indented JSON array."""
        self.begin_range = self.in_range = self.end_range = 0
        self.last_end = None
        self.nodes_view = list(self.root.nodes)
        return "".join(to_json(list(results)) for results in self._find(data))

    def _find(self, data) -> list[list]:
        cur = [data]
        nodes = self.nodes_view
        full = []
        i = 0
        while i < len(nodes):
            node = nodes[i]
            results = self._walk(cur, node)
            if self.end_range > 0 and self.end_range <= self.in_range:
                self.end_range -= 1
                self.last_end = node
                break
            if self.begin_range > 0:
                self.begin_range -= 1
                self.in_range += 1
                if results:
                    for value in results:
                        self.nodes_view = nodes[i + 1:]
                        full.extend(self._find(value))
                else:
                    self.nodes_view = nodes[i + 1:]
                    self._find(None)
                self.in_range -= 1
                for k in range(i + 1, len(nodes)):
                    if nodes[k] is self.last_end:
                        i = k
                        break
                i += 1
                continue
            full.append(results)
            i += 1
        return full

    def _print(self, results: list) -> str:
        parts = []
        for r in results:
            if isinstance(r, (dict, list)):
                parts.append(compact_json(r))
            elif r is None:
                parts.append("null")
            elif r is True or r is False:
                parts.append("true" if r else "false")
            elif isinstance(r, float):
                parts.append(_go_float(r))
            else:
                parts.append(str(r))
        return " ".join(parts)

    def _walk(self, values: list, node: Node) -> list:
        charge(len(values))          # {range}, [*] and .. over big lists are bounded by the line's budget
        k = node.kind
        if k == "list":
            cur = values
            for n in node.nodes:
                cur = self._walk(cur, n)
            return cur
        if k == "text":
            return [node.text]
        if k == "field":
            return self._field(values, node)
        if k == "array":
            return self._array(values, node)
        if k == "filter":
            return self._filter(values, node)
        if k in ("int", "float", "bool"):
            return [node.value for _ in values]
        if k == "wildcard":
            out = []
            for v in values:
                if isinstance(v, dict):
                    out.extend(v[key] for key in sorted(v))
                elif isinstance(v, list):
                    out.extend(v)
                elif isinstance(v, str):
                    out.extend(v.encode())     # Go indexes a string by byte (uint8)
            return out
        if k == "recursive":
            return self._recursive(values)
        if k == "union":
            out = []
            for ln in node.nodes:
                out.extend(self._walk(values, ln))
            return out
        if k == "identifier":
            if node.name == "range":
                self.begin_range += 1
                return values
            if node.name == "end":
                if self.in_range > 0:
                    self.end_range += 1
                    return []
                raise JSONPathError("not in range, nothing to end")
            raise JSONPathError(f"unrecognized identifier {node.name}")
        raise JSONPathError(f"unexpected Node {node.kind}")

    def _field(self, values: list, node: Node) -> list:
        if not values:
            return []
        out = []
        for v in values:
            if v is None:
                continue
            if isinstance(v, dict) and node.value in v:
                out.append(v[node.value])
        if not out and not self.allow_missing:
            raise JSONPathError(f"{node.value} is not found")
        return out

    def _array(self, values: list, node: Node) -> list:
        out = []
        for v in values:
            if v is None:
                continue
            if not isinstance(v, list):
                raise JSONPathError(f"{_go_type(v)} is not array or slice")
            p = [dict(x) for x in node.params]
            n = len(v)
            if not p[0]["known"]:
                p[0]["value"] = 0
            if p[0]["value"] < 0:
                p[0]["value"] += n
            if not p[1]["known"]:
                p[1]["value"] = n
            if p[1]["value"] < 0 or (p[1]["value"] == 0 and p[1]["derived"]):
                p[1]["value"] += n
            start, stop = p[0]["value"], p[1]["value"]
            if stop == start:
                return out
            if start >= n or start < 0:
                raise JSONPathError(f"array index out of bounds: index {start}, length {n}")
            if stop > n or stop < 0:
                raise JSONPathError(f"array index out of bounds: index {stop - 1}, length {n}")
            if start > stop:
                raise JSONPathError(f"starting index {start} is greater than ending index {stop}")
            step = 1
            if p[2]["known"]:
                if p[2]["value"] <= 0:
                    raise JSONPathError("step must be > 0")
                step = p[2]["value"]
            out.extend(v[start:stop:step])
        return out

    def _recursive(self, values: list) -> list:
        out = []
        for v in values:
            if v is None:
                continue
            children = []
            if isinstance(v, dict):
                children = [v[k] for k in sorted(v)]
            elif isinstance(v, list):
                children = list(v)
            elif isinstance(v, str):
                children = list(v.encode())
            if children:
                out.append(v)
                out.extend(self._recursive(children))
        return out

    def _filter(self, values: list, node: Node) -> list:
        out = []
        for v in values:
            if not isinstance(v, list):
                raise JSONPathError(f"{_go_value(v)} is not array or slice and cannot be filtered")
            for item in v:
                try:
                    lefts = self._walk([item], node.left)
                    err = None
                except JSONPathError as e:
                    lefts, err = [], e
                if node.op == "exists":
                    if lefts:
                        out.append(item)
                    continue
                if err:
                    raise err
                if not lefts:
                    continue
                if len(lefts) > 1:
                    raise JSONPathError("can only compare one element at a time")
                rights = self._walk([item], node.right)
                if not rights:
                    continue
                if len(rights) > 1:
                    raise JSONPathError("can only compare one element at a time")
                if _compare(lefts[0], rights[0], node.op):
                    out.append(item)
        return out


def _basic(v):
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    return None


def _compare(a, b, op: str) -> bool:
    ka, kb = _basic(a), _basic(b)
    if op not in ("<", ">", "==", "!=", "<=", ">="):
        raise JSONPathError(f"unrecognized filter operator {op}")
    if ka is None or kb is None:
        if op in ("==", "!="):
            raise JSONPathError("invalid type for comparison")
        raise JSONPathError("invalid type for comparison")
    num = {"int", "float"}
    if ka != kb and not (ka in num and kb in num):
        raise JSONPathError("incompatible types for comparison")
    if ka == "bool" and op not in ("==", "!="):
        raise JSONPathError("invalid type for comparison")
    return {"<": a < b, ">": a > b, "==": a == b, "!=": a != b, "<=": a <= b, ">=": a >= b}[op]


def _go_float(f: float) -> str:
    if f == int(f) and abs(f) < 1e21:
        return str(int(f))
    r = repr(f)
    if "e" in r:
        mant, exp = r.split("e")
        sign = "-" if exp.startswith("-") else "+"
        return f"{mant}e{sign}{exp.lstrip('+-').lstrip('0').zfill(2)}"
    return r


def compact_json(v) -> str:
    """json.Marshal (compact, sorted keys, HTML-escaped)."""
    if isinstance(v, dict):
        return "{" + ",".join(_json_string(str(k)) + ":" + compact_json(v[k])
                              for k in sorted(v, key=lambda k: str(k).encode())) + "}"
    if isinstance(v, list):
        return "[" + ",".join(compact_json(x) for x in v) + "]"
    if v is None:
        return "null"
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, float):
        return _go_float(v)
    if isinstance(v, int):
        return str(v)
    return _json_string(str(v))


def _go_type(v) -> str:
    if isinstance(v, dict):
        return "map[string]interface {}"
    if isinstance(v, str):
        return "string"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    return "interface {}"


def _go_value(v) -> str:
    """fmt's %v of an unstructured value."""
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{_go_value(v[k])}" for k in sorted(v)) + "]"
    if isinstance(v, list):
        return "[" + " ".join(_go_value(x) for x in v) + "]"
    if v is None:
        return "<nil>"
    if v is True or v is False:
        return "true" if v else "false"
    return str(v)


def go_sharp_v(v) -> str:
    """fmt's %#v of an unstructured object, as kubectl prints it in jsonpath execution errors."""
    if isinstance(v, dict):
        return "map[string]interface {}{" + ", ".join(
            f"{_go_quote(str(k))}:{go_sharp_v(v[k])}" for k in sorted(v)) + "}"
    if isinstance(v, list):
        return "[]interface {}{" + ", ".join(go_sharp_v(x) for x in v) + "}"
    if v is None:
        return "interface {}(nil)"
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, float):
        return _go_float(v)
    if isinstance(v, int):
        return str(v)
    return _go_quote(str(v))


def _go_quote(s: str) -> str:
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\x{o:02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)
