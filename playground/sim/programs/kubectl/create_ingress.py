"""`kubectl create ingress NAME --rule=host/path=svc:port[,tls[=secret]] ...`, as kubectl v1.35's
pkg/cmd/create/create_ingress.go builds it, quirks included: the rule regex is anchored only at the start
(trailing junk passes), a trailing `*` makes the path Prefix, the TLS part counts only when the rule has
exactly one comma, and an `=` inside the path makes kubectl panic.
"""
from __future__ import annotations

import re

from .create import prepare, submit
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help

# Go's RE2 \w is ASCII only.
_W = "0-9A-Za-z_"
RULE = re.compile(rf"^(?P<host>[{_W}\*\-\.]*)(?P<path>/.*)=(?P<svcname>[{_W}\-]+):(?P<svcport>[{_W}\-]+)"
                  rf"(,(?P<istls>tls)=?(?P<secretname>[{_W}\-]+)?)?", re.S)
INT32 = 2**31


class GoPanic(Exception):
    pass


def _atoi(text: str) -> int | None:
    """strconv.Atoi: optional sign, decimal digits, fits in int64."""
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        return None
    value = int(text)
    return value if -(2**63) <= value < 2**63 else None


def _backend_port(port: str) -> dict:
    """intstr.Parse: a number becomes `number` (as int32; 0 is omitted), anything else `name`."""
    n = _atoi(port)
    if n is None:
        return {"name": port} if port else {}
    n = (n + INT32) % (2 * INT32) - INT32
    return {"number": n} if n else {}


def _backend(service: str) -> dict:
    parts = service.split(":")
    if len(parts) < 2:
        raise GoPanic(f"index out of range [1] with length {len(parts)}")
    return {"service": {"name": parts[0], "port": _backend_port(parts[1])}}


def _http_path(pathsvc: str) -> dict:
    split = pathsvc.split("=")
    path = "/" + split[0]
    if len(split) < 2:
        raise GoPanic(f"index out of range [1] with length {len(split)}")
    backend = _backend(split[1])
    path_type = "Exact"
    if path.endswith("*"):
        path_type, path = "Prefix", path[:-1]
    return {"backend": backend, "path": path, "pathType": path_type}


def _tls(rules: list[str]) -> list[dict]:
    out: list[dict] = []
    seen: set[str] = set()
    for rule in rules:
        parts = rule.split(",")
        if len(parts) != 2:
            continue
        host = rule.split("/", 1)[0]
        name = parts[1].split("=")
        secret = name[1] if len(name) > 1 else ""
        idx = next((i for i, t in enumerate(out) if t.get("secretName", "") == secret), -1)
        if host in seen:
            continue
        if idx > -1:
            out[idx].setdefault("hosts", []).append(host)
            seen.add(host)
            continue
        tls: dict = {}
        if host:
            tls["hosts"] = [host]
        if secret:
            tls["secretName"] = secret
        if tls:
            out.append(tls)
        seen.add(host)
    return out


def _rules(rules: list[str]) -> list[dict]:
    out: list[dict] = []
    for rule in rules:
        without_tls = rule.split(",")[0]
        host, _, rest = without_tls.partition("/")
        if "/" not in without_tls:
            raise GoPanic("index out of range [1] with length 1")
        path = _http_path(rest)
        existing = next((r for r in out if r.get("host", "") == host), None)
        if existing is not None:
            existing["http"]["paths"].append(path)
            continue
        entry: dict = {"host": host} if host else {}
        entry["http"] = {"paths": [path]}
        out.append(entry)
    return out


def build(name: str, rules: list[str], annotations: list[str], default_backend: str, klass: str) -> dict:
    spec: dict = {}
    if default_backend:
        spec["defaultBackend"] = _backend(default_backend)
    if klass:
        spec["ingressClassName"] = klass
    tls = _tls(rules)
    built = _rules(rules)
    if built:
        spec["rules"] = built
    if tls:
        spec["tls"] = tls
    meta: dict = {"name": name}
    ann = {}
    for a in annotations:
        k, v = a.split("=", 1)
        ann[k] = v
    if ann:
        meta["annotations"] = ann
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta, "spec": spec,
            "status": {"loadBalancer": {}}}


def validate(rules: list[str], annotations: list[str], default_backend: str) -> None:
    """CreateIngressOptions.Validate, in its order."""
    if not default_backend and not rules:
        raise KubectlError("not enough information provided: every ingress has to either specify a "
                           "default-backend (which catches all traffic) or a list of rules (which catch "
                           "specific paths)")
    for rule in rules:
        if not RULE.match(rule):
            raise KubectlError(f"rule {rule} is invalid and should be in format "
                               "host/path=svcname:svcport[,tls[=secret]]")
    for a in annotations:
        if "=" not in a:
            raise KubectlError(f"annotation {a} is invalid and should be in format key=[value]")
    if default_backend and len(default_backend.split(":")) != 2:
        raise KubectlError("default-backend should be in format servicename:serviceport")


PANIC_TRACE = """
goroutine 1 [running]:
k8s.io/kubectl/pkg/cmd/create.buildIngressBackendSvc(...)
\tk8s.io/kubectl/pkg/cmd/create/create_ingress.go:417 +0x105
k8s.io/kubectl/pkg/cmd/create.buildHTTPIngressPath(...)
\tk8s.io/kubectl/pkg/cmd/create/create_ingress.go:410 +0x14e
k8s.io/kubectl/pkg/cmd/create.(*CreateIngressOptions).buildIngressRules(...)
\tk8s.io/kubectl/pkg/cmd/create/create_ingress.go:368 +0x10e
"""


@command("create ingress", aliases=("create ing",), needs_server=False, flags=flags_from_help("create ingress"))
def create_ingress(inv: Invocation) -> int:
    name, dry = prepare(inv)
    rules = list(inv.flags.get("rule") or [])
    annotations = list(inv.flags.get("annotation") or [])
    default_backend = inv.flags.get("default-backend") or ""
    validate(rules, annotations, default_backend)
    try:
        obj = build(name, rules, annotations, default_backend, inv.flags.get("class") or "")
    except GoPanic as exc:
        inv.err(f"panic: runtime error: {exc}\n{PANIC_TRACE}")
        return 2
    return submit(inv, obj, dry, wrap="failed to create ingress: ")
