"""Gateway API's own conformance tests (kubernetes-sigs/gateway-api v1.4.1, conformance/tests/httproute-*.go),
read from the vendored Go sources and replayed against the playground as a learner's curl would meet them.

The Go files are not translated by hand: `expectations(path)` parses the composite literals the tests
declare (http.ExpectedResponse{...}, metav1.Condition{...}, types.NamespacedName{...}) with a small parser
for that subset of Go, so each case is the upstream one. `Conformance` builds the suite's base cluster
(conformance/base/manifests.yaml, the GatewayClass named after Envoy Gateway's controller), applies a test's
manifests and sends its requests through the Gateway's Envoy with curl from the learner's machine.
"""
from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from playground.sim.engine import Engine
from playground.sim.host import HOME

DATA = Path(__file__).parent / "data" / "gateway_conformance"
GATEWAY_API = "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/standard-install.yaml"
CONSTANTS = {       # conformance/utils/suite and the API's typed constants the tests use
    "metav1.ConditionTrue": "True", "metav1.ConditionFalse": "False", "metav1.ConditionUnknown": "Unknown",
    "nil": None, "true": True, "false": False,
}


# ---- a parser for the Go the tests are written in ------------------------------------------------------
_TOKEN = re.compile(r'\s*(?:(//[^\n]*)|("(?:[^"\\]|\\.)*")|(`[^`]*`)|(\d+)|([A-Za-z_][A-Za-z0-9_.]*)|(.))', re.S)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        comment, dq, bq, num, ident, punct = m.groups()
        if comment is not None:
            continue
        if dq is not None:
            out.append(("str", json.loads(dq)))
        elif bq is not None:
            out.append(("str", bq[1:-1]))
        elif num is not None:
            out.append(("num", num))
        elif ident is not None:
            out.append(("id", ident))
        elif punct is not None and punct.strip():
            out.append(("p", punct))
    return out


class _Parser:
    def __init__(self, tokens, env: dict):
        self.t, self.i, self.env = tokens, 0, env

    def peek(self, k: int = 0):
        return self.t[self.i + k] if self.i + k < len(self.t) else ("eof", "")

    def take(self, value: str | None = None):
        tok = self.peek()
        if value is not None and tok[1] != value:
            raise SyntaxError(f"expected {value!r}, got {tok!r}")
        self.i += 1
        return tok

    def type_name(self) -> str:
        if self.peek()[1] == "[":
            self.take("[")
            self.take("]")
            return "[]" + self.type_name()
        if self.peek()[1] == "map":
            self.take()
            self.take("[")
            self.type_name()
            self.take("]")
            self.type_name()
            return "map"
        if self.peek()[1] == "*":
            self.take()
        return self.take()[1]

    def value(self):
        kind, text = self.peek()
        if text == "&":
            self.take()
            return self.value()
        if kind == "str":
            self.take()
            return text
        if kind == "num":
            self.take()
            return int(text)
        if text in ("[", "map") or (kind == "id" and self.peek(1)[1] == "{"):
            typ = self.type_name()
            return self.composite(typ)
        if kind == "id":
            self.take()
            if self.peek()[1] == "[":            # ptr.To[int32](8080)
                self.take("[")
                self.type_name()
                self.take("]")
            if self.peek()[1] == "(":
                self.take("(")
                args = []
                while self.peek()[1] != ")":
                    args.append(self.value())
                    if self.peek()[1] == ",":
                        self.take()
                self.take(")")
                return args[0] if len(args) == 1 else args      # string(x), ptr.To(x), v1beta1.Namespace(x)
            return self.ident(text)
        raise SyntaxError(f"unexpected {self.peek()!r}")

    def ident(self, name: str):
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in self.env:
            return self.env[name]
        m = re.fullmatch(r"(?:v1|v1beta1|gatewayv1)\.(?:Route|Listener|Gateway)(?:Condition|Reason)(\w+)", name)
        if m:
            return m.group(1)
        return ("ref", name)

    def composite(self, typ: str):
        self.take("{")
        items, fields = [], {}
        while self.peek()[1] != "}":
            if self.peek()[1] != "{" and self.peek(1)[1] == ":" and self.peek()[0] in ("id", "str"):
                key = self.take()[1]
                self.take(":")
                fields[key] = self.value()
            elif self.peek()[1] == "{":          # an element of a slice with its type elided
                items.append(self.composite(typ[2:] if typ.startswith("[]") else typ))
            else:
                items.append(self.value())
            if self.peek()[1] == ",":
                self.take()
        self.take("}")
        if typ.startswith("[]"):
            return items
        return fields if fields or not items else items


def _env(text: str) -> dict:
    """The string constants and NamespacedNames the test declares (`ns := "..."`, `gwNN := types...{}`)."""
    env: dict = {}
    for name, value in re.findall(r'\b(\w+)\s*:?=\s*(?:v1beta1\.Namespace\()?("[^"]*")', text):
        env.setdefault(name, json.loads(value))
    for m in re.finditer(r"\b(\w+)\s*:?=\s*types\.NamespacedName\{", text):
        p = _Parser(_tokens(text[m.end() - 1:]), env)
        env[m.group(1)] = p.composite("types.NamespacedName")
    return env


class _Spanned(_Parser):
    def __init__(self, text: str, env: dict):
        self.toks_text = text
        super().__init__(_tokens(text), env)


def literals(text: str, type_name: str, env: dict) -> list:
    """Every `type_name{...}` and `[]type_name{...}` literal, outermost only, flattened."""
    out: list = []
    pattern = re.compile(r"(\[\])?" + re.escape(type_name) + r"\{")
    pos = 0
    while True:
        m = pattern.search(text, pos)
        if m is None:
            return out
        chunk = text[m.end() - 1:]
        p = _Parser(_tokens(chunk), env)
        value = p.composite(type_name)
        out.extend(value if isinstance(value, list) else [value])
        pos = m.end() + _consumed(chunk)


def _consumed(chunk: str) -> int:
    """Characters of `chunk` up to its balanced closing brace (strings skipped)."""
    depth, i, n = 0, 0, len(chunk)
    while i < n:
        c = chunk[i]
        if c == '"':
            i += 1
            while i < n and chunk[i] != '"':
                i += 2 if chunk[i] == "\\" else 1
        elif c == "`":
            i = chunk.index("`", i + 1)
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return n


@dataclass
class Case:
    name: str                                   # the test's ShortName
    manifests: list[str]
    gateway: dict                               # {"Name", "Namespace"} the requests go through
    accepted_routes: list[tuple] = field(default_factory=list)            # (gateway NN, route NN)
    conditions: list[tuple] = field(default_factory=list)    # (gateway NN, route NN, metav1.Condition)
    requests: list[dict] = field(default_factory=list)                   # http.ExpectedResponse
    deletions: list[dict] = field(default_factory=list)     # objects the test deletes between requests


def _assignments(text: str, env: dict) -> list[tuple[int, str, object]]:
    """(position, variable, value) of every NamespacedName or []NamespacedName assignment, in order: a test's
    sub-tests reassign gwNN, so a name means its latest assignment before the line that uses it."""
    out = []
    for m in re.finditer(r"\b(\w+)\s*:?=\s*(\[\])?types\.NamespacedName\{", text):
        p = _Parser(_tokens(text[m.end() - 1:]), env)
        value = p.composite(("[]" if m.group(2) else "") + "types.NamespacedName")
        out.append((m.start(), m.group(1), value))
    return out


def _at(assigned: list, pos: int, name: str):
    value = None
    for where, var, v in assigned:
        if where < pos and var == name:
            value = v
    return value


def expectations(path: Path) -> list[Case]:
    """The conformance tests a file declares (`var X = suite.ConformanceTest{...}`), each with its cases;
    each request carries the Gateway it is sent through (`_gateway`)."""
    whole = path.read_text()
    env = _env(whole)
    starts = [m.start() for m in re.finditer(r"var \w+ = suite\.ConformanceTest\{", whole)]
    out = []
    for k, start in enumerate(starts):
        text = whole[start: starts[k + 1] if k + 1 < len(starts) else len(whole)]
        local = dict(env, **_env(text))
        assigned = _assignments(text, local)
        name = re.search(r'ShortName:\s*"(\w+)"', text).group(1)
        manifests = [Path(m).name for m in re.findall(r'"tests/([\w.-]+\.yaml)"', text)]
        gw_var = re.search(r"NewGatewayRef\((\w+)", text)
        gateway = _at(assigned, gw_var.start(), gw_var.group(1)) if gw_var else None
        case = Case(name, manifests, gateway or {})
        gw_calls = [(m.start(), m.group(1)) for m in re.finditer(r"NewGatewayRef\((\w+)", text)]
        for m in re.finditer(r"GatewayAndHTTPRoutesMustBeAccepted\([^)]*NewGatewayRef\((\w+)\)\s*((?:,\s*[\w.]+)*)\)",
                             text):
            gw = _at(assigned, m.start(), m.group(1))
            for v in m.group(2).split(","):
                v = v.strip().rstrip(".")
                value = _at(assigned, m.start(), v)
                for route in value if isinstance(value, list) else [value] if value else []:
                    case.accepted_routes.append((gw, route))
        for m in re.finditer(r"HTTPRouteMustHaveCondition\(t, [^,]+, [^,]+, (\w+), (\w+), (\w+)\)", text):
            route, gw, cond = _at(assigned, m.start(), m.group(1)), _at(assigned, m.start(), m.group(2)), m.group(3)
            cm = None
            for cm in re.finditer(re.escape(cond) + r"\s*:?=\s*metav1\.Condition\{", text[:m.start()]):
                pass
            if cm and route:
                p = _Parser(_tokens(text[cm.end() - 1:]), local)
                case.conditions.append((gw, route, p.composite("metav1.Condition")))
        for pos, exp in _literals_at(text, "http.ExpectedResponse", local):
            latest = max((c for c in gw_calls if c[0] < pos), default=None, key=lambda c: c[0])
            gw = _at(assigned, pos, latest[1]) if latest else gateway
            case.requests.append(dict(exp, _gateway=gw or gateway, _pos=pos))
        for m in re.finditer(r"suite\.Client\.Delete\(ctx, &(\w+)\)", text):
            lit = None
            for lit in re.finditer(re.escape(m.group(1)) + r"\s*:?=\s*\w+\.(\w+)\{", text[:m.start()]):
                pass
            if lit is not None:
                obj = _Parser(_tokens(text[lit.end() - 1:]), local).composite(lit.group(1))
                meta = obj.get("ObjectMeta") or {}
                case.deletions.append({"kind": lit.group(1), "name": meta.get("Name"),
                                       "namespace": meta.get("Namespace"), "_pos": m.start()})
        out.append(case)
    return out


def _literals_at(text: str, type_name: str, env: dict) -> list[tuple[int, dict]]:
    out = []
    pattern = re.compile(r"(\[\])?" + re.escape(type_name) + r"\{")
    pos = 0
    while True:
        m = pattern.search(text, pos)
        if m is None:
            return out
        chunk = text[m.end() - 1:]
        value = _Parser(_tokens(chunk), env).composite(type_name)
        out.extend((m.start(), v) for v in (value if isinstance(value, list) else [value]))
        pos = m.end() + _consumed(chunk)


# ---- the cluster the suite runs against ----------------------------------------------------------------
GATEWAY_CLASS = """apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: eg
spec:
  controllerName: gateway.envoyproxy.io/gatewayclass-controller
"""
_BASE_STATE: dict | None = None


class Conformance:
    def __init__(self):
        global _BASE_STATE
        if _BASE_STATE is None:
            e = Engine.new(seed=11)
            for line in ("kubectl create namespace envoy-gateway-system",
                         "kubectl create deployment envoy-gateway -n envoy-gateway-system "
                         "--image=docker.io/envoyproxy/gateway:v1.6.7",
                         f"kubectl apply --server-side -f {GATEWAY_API}"):
                r = e.run(line)
                assert r.exit_code == 0, (line, r.output)
            e.host.files[f"{HOME}/gc.yaml"] = GATEWAY_CLASS
            base = (DATA / "base-manifests.yaml").read_text().replace("{GATEWAY_CLASS_NAME}", "eg")
            e.host.files[f"{HOME}/base.yaml"] = base
            for line in ("kubectl apply -f gc.yaml", "kubectl apply -f base.yaml"):
                r = e.run(line, now=e.cluster.now + 1)
                assert r.exit_code == 0, (line, r.output)
            e.run("true", now=e.cluster.now + 30)          # every pod Running
            import copy
            _BASE_STATE = copy.deepcopy(e.to_state())
        import copy
        self.engine = Engine.from_state(copy.deepcopy(_BASE_STATE))

    def run(self, line: str):
        return self.engine.run(line, now=self.engine.cluster.now + 1)

    def apply(self, manifest: str) -> None:
        self.engine.host.files[f"{HOME}/{manifest}"] = (DATA / manifest).read_text().replace("{GATEWAY_CLASS_NAME}",
                                                                                           "eg")
        r = self.run(f"kubectl apply -f {manifest}")
        assert r.exit_code == 0, r.output
        self.run("true")

    def route_conditions(self, route: dict, gateway: dict) -> list[dict]:
        obj = self.engine.cluster.get("httproutes", route["Namespace"], route["Name"]) or {}
        for parent in (obj.get("status") or {}).get("parents") or []:
            ref = parent.get("parentRef") or {}
            if ref.get("name") == gateway["Name"] and (ref.get("namespace") or route["Namespace"]) == gateway["Namespace"]:
                return parent.get("conditions") or []
        return []

    def node_port(self, gateway: dict, port: int = 80) -> int:
        from playground.sim.gateway import envoy
        gw = self.engine.cluster.get("gateways", gateway["Namespace"], gateway["Name"])
        svc = self.engine.cluster.get("services", envoy.NAMESPACE, envoy.infra_name(gw))
        return next(p["nodePort"] for p in svc["spec"]["ports"] if p["port"] == port)

    def request(self, gateway: dict, req: dict) -> tuple[int, dict, str]:
        """curl -i through the Gateway's Envoy (its NodePort on the node): status, headers, body."""
        port = self.node_port(gateway)
        parts = ["curl", "-s", "-i", "-X", req.get("Method") or "GET"]
        if req.get("Host"):
            parts += ["-H", f"Host: {req['Host']}"]
        for k, v in (req.get("Headers") or {}).items():
            parts += ["-H", f"{k}: {v}"]
        parts.append(f"http://192.168.49.2:{port}{req.get('Path') or '/'}")
        r = self.run(" ".join(shlex.quote(p) for p in parts))
        head, _, body = r.output.replace("\r\n", "\n").partition("\n\n")
        lines = head.splitlines()
        assert lines and lines[0].startswith("HTTP/1.1 "), r.output
        status = int(lines[0].split()[1])
        headers: dict = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers.setdefault(k.strip().lower(), []).append(v.strip())
        return status, headers, body
