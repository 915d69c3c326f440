"""`ingress2gateway print` v1.1.0 (kubernetes-sigs/ingress2gateway) for the ingress-nginx provider and the
standard emitter: the Gateway and HTTPRoutes it converts the cluster's (or --input-file's) Ingresses into.

Followed from the tag's sources: pkg/i2gw/providers/common/converter.go (one Gateway per namespace and
IngressClass, named after the class; one listener per host, `<host-with-dashes>-http` on port 80, `http`
without a host; one HTTPRoute per Ingress name and host, `<ingress>-<host-with-dashes>` or
`<ingress>-all-hosts`; one rule per pathType/path, Exact -> Exact, Prefix and ImplementationSpecific ->
PathPrefix), providers/ingressnginx (ingress class `nginx` by default, its warning about TLS on HTTP-only
hosts), emitters/standard (its URL normalization warning), notifications/report.go (the boxed report on
stderr, coloured unless --no-color) and cmd/print.go (GatewayClasses, Gateways, then HTTPRoutes, each with the
annotation gateway.networking.k8s.io/generator: ingress2gateway-1.1.0; YAML as cli-runtime's YAMLPrinter
writes it: keys sorted, `---` between objects). Ingress-nginx annotations, TLS, default backends and named
service ports are not simulated: the program says so and stops. The real tool prints HTTPRoutes in Go map
order (it varies between runs); here they are sorted by namespace and name.
"""
from __future__ import annotations

import json
import re

import yaml

from .. import manifests
from ..proc import Proc
from . import program

VERSION = "1.1.0"
GENERATOR = "gateway.networking.k8s.io/generator"
PROVIDERS = ["apisix", "cilium", "gce", "ingress-nginx", "istio", "kong", "nginx", "openapi3", "traefik"]
GRAY, RESET, YELLOW, PURPLE = "\033[90m", "\033[0m", "\033[33m", "\033[95m"
NORMALIZATION = ("Gateway API does not support configuring URL normalization (RFC 3986, Section 6). Please check if "
                 "this matters for your use case and consult implementation-specific details.")


class Unsupported(Exception):
    pass


def name_from_host(host: str) -> str:
    """common.NameFromHost."""
    if not host or host == "*":
        return "all-hosts"
    return re.sub(r"^[^a-zA-Z0-9]+", "", re.sub(r"[^a-zA-Z0-9]+", "-", host))


def _class_of(ing: dict) -> str:
    return (ing.get("spec") or {}).get("ingressClassName") or \
        (ing["metadata"].get("annotations") or {}).get("kubernetes.io/ingress.class", "")


def _check_supported(ing: dict) -> None:
    meta, spec = ing["metadata"], ing.get("spec") or {}
    what = None
    if any(k.startswith("nginx.ingress.kubernetes.io/") for k in meta.get("annotations") or {}):
        what = "ingress-nginx annotations"
    elif spec.get("tls"):
        what = "TLS"
    elif spec.get("defaultBackend"):
        what = "a default backend"
    else:
        for rule in spec.get("rules") or []:
            for p in (rule.get("http") or {}).get("paths") or []:
                if (((p.get("backend") or {}).get("service") or {}).get("port") or {}).get("name"):
                    what = "a named Service port"
    if what:
        raise Unsupported(f"ingress2gateway: Ingress {meta.get('namespace')}/{meta['name']} uses {what}, which the "
                          "playground's ingress2gateway does not convert (it converts host, path and Service rules)")


def convert(ingresses: list[dict]) -> tuple[list[dict], list[dict], list[str]]:
    """(gateways, httproutes, warnings) as ToIR + the ingress-nginx provider + the standard emitter build them."""
    groups: dict[str, dict] = {}
    for ing in ingresses:
        _check_supported(ing)
        ns, cls = ing["metadata"].get("namespace", "default"), _class_of(ing)
        for rule in (ing.get("spec") or {}).get("rules") or []:
            host = rule.get("host") or ""
            key = f"{ns}/{cls}/{host}/http"
            g = groups.setdefault(key, {"namespace": ns, "name": ing["metadata"]["name"], "class": cls, "host": host,
                                        "paths": {}})
            for p in (rule.get("http") or {}).get("paths") or []:
                g["paths"].setdefault(f"{p.get('pathType', '')}/{p.get('path', '')}", []).append(p)
    gateways: dict[str, dict] = {}
    routes: list[dict] = []
    for key in sorted(groups):
        g = groups[key]
        gw = gateways.setdefault(f"{g['namespace']}/{g['class']}", {
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
            "metadata": {"name": g["class"], "namespace": g["namespace"]},
            "spec": {"gatewayClassName": g["class"], "listeners": []}, "status": {}})
        prefix = f"{name_from_host(g['host'])}-" if g["host"] else ""
        listener = {"name": f"{prefix}http", "port": 80, "protocol": "HTTP"} | ({"hostname": g["host"]} if g["host"] else {})
        if all(li["name"] != listener["name"] for li in gw["spec"]["listeners"]):
            gw["spec"]["listeners"].append(listener)
        rules = []
        for paths in g["paths"].values():
            first = paths[0]
            kind = {"Exact": "Exact"}.get(first.get("pathType"), "PathPrefix")
            rules.append({"matches": [{"path": {"type": kind, "value": first.get("path", "")}}],
                          "backendRefs": [{"name": p["backend"]["service"]["name"],
                                           "port": (p["backend"]["service"].get("port") or {}).get("number")}
                                          for p in paths]})
        spec = {"parentRefs": [{"name": g["class"]}], "rules": rules} if g["class"] else {"rules": rules}
        if g["host"]:
            spec["hostnames"] = [g["host"]]
        routes.append({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
                       "metadata": {"name": f"{g['name']}-{name_from_host(g['host'])}", "namespace": g["namespace"]},
                       "spec": spec, "status": {"parents": []}})
    warnings = []
    for gw in gateways.values():
        for li in gw["spec"]["listeners"]:
            if li.get("hostname"):
                warnings.append(("ingress-nginx", f"Ingress NGINX serves TLS traffic for host \"{li['hostname']}\" "
                                                  "with a self-signed certificate. This behavior will not be "
                                                  "translated and the host will not be accessible via HTTPS."))
    warnings.append(("standard_emitter", NORMALIZATION))
    routes.sort(key=lambda r: (r["metadata"]["namespace"], r["metadata"]["name"]))
    return list(gateways.values()), routes, [_box(src, msg) for src, msg in sorted(warnings, key=lambda w: w[0])]


def _box(source: str, message: str, color: bool = True) -> str:
    c = (lambda code: code) if color else (lambda code: "")
    return (f"{c(GRAY)}┌─ {c(YELLOW)}WARN {c(GRAY)} {'─' * 40}{c(RESET)}\n"
            f"{c(GRAY)}│{c(RESET)}  {message}\n"
            f"{c(GRAY)}│{c(RESET)}  {c(GRAY)}source:{c(RESET)} {c(PURPLE)}{source.upper()}{c(RESET)}\n"
            f"{c(GRAY)}└─{c(RESET)}\n")


def _yaml(obj: dict) -> str:
    return yaml.safe_dump(obj, default_flow_style=False, sort_keys=True, allow_unicode=True, width=10**9)


def _read(proc: Proc, files: list[str], ns: str | None) -> list[dict]:
    if files:
        out = []
        for f in files:
            path = proc.host.abspath(f)
            if path not in proc.host.files:
                raise Unsupported(f"Error: input path does not exist: {f}")
            for m in manifests.read_stream(proc.host.files[path], f):
                obj = getattr(m, "obj", None)
                if obj and obj.get("kind") == "Ingress":
                    obj.setdefault("metadata", {}).setdefault("namespace", "default")
                    out.append(obj)
        return [o for o in out if ns is None or o["metadata"]["namespace"] == ns]
    return proc.cluster.list("ingresses", ns)


@program("ingress2gateway")
def ingress2gateway(proc: Proc) -> int:
    args = proc.argv[1:]
    if args[:1] == ["version"]:
        proc.out(f"ingress2gateway version: {VERSION}\n")
        return 0
    if args[:1] != ["print"]:
        proc.err("ingress2gateway: the playground simulates `ingress2gateway print` and `ingress2gateway version`\n")
        return 1
    providers, files, ns, all_ns, color, output = [], [], "", False, True, "yaml"
    rest = args[1:]
    i = 0
    while i < len(rest):
        a = rest[i]
        key, eq, val = a.partition("=")
        if key in ("--providers", "--input-file", "-n", "--namespace", "-o", "--output", "--emitter") and not eq:
            i += 1
            val = rest[i] if i < len(rest) else ""
        if key == "--providers":
            providers += [p for p in val.split(",") if p]
        elif key == "--input-file":
            files += [p for p in val.split(",") if p]
        elif key in ("-n", "--namespace"):
            ns = val
        elif key in ("-A", "--all-namespaces"):
            all_ns = True
        elif key == "--no-color":
            color = False
        elif key in ("-o", "--output"):
            output = val
        elif key == "--emitter" and val != "standard":
            proc.err("ingress2gateway: the playground simulates only the standard emitter\n")
            return 1
        elif key != "--emitter":
            proc.err(f"Error: unknown flag: {key}\n")
            return 1
        i += 1
    unknown = [p for p in providers if p not in PROVIDERS]
    if unknown:
        proc.err(f"Error: {unknown[0]} is not a supported provider\n")
        return 1
    if any(p != "ingress-nginx" for p in providers):
        proc.err("ingress2gateway: the playground simulates only the ingress-nginx provider\n")
        return 1
    if output not in ("yaml", "json"):
        proc.err("ingress2gateway: the playground prints yaml or json\n")
        return 1
    scope = None if all_ns or (files and not ns) else (ns or "default")
    try:
        ingresses = [i for i in _read(proc, files, scope) if _class_of(i) == "nginx"] if providers else []
        gateways, routes, boxes = convert(ingresses) if providers else ([], [], [])
    except Unsupported as exc:
        proc.err(f"{exc}\n")
        return 1
    proc.err("".join(boxes) if color else "".join(re.sub(r"\033\[\d+m", "", b) for b in boxes))
    objs = gateways + routes
    if not objs:
        proc.out("No resources found" + (f" in {scope} namespace" if scope else "") + "\n")
        return 0
    for o in objs:
        o["metadata"]["annotations"] = {GENERATOR: f"ingress2gateway-{VERSION}"}
    if output == "json":
        proc.out("".join(json.dumps(o, indent=4, sort_keys=True) + "\n" for o in objs))
    else:
        proc.out("---\n".join(_yaml(o) for o in objs))
    return 0
