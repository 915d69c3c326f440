"""The Gateway API project's echo server (conformance/echo-basic/echo-basic.go, v1.4.1), the backend of
Envoy Gateway's quick start and of the conformance tests: it answers every path on HTTP_PORT (3000) with
the request it saw as indented JSON, and who it is (NAMESPACE, INGRESS_NAME, SERVICE_NAME, POD_NAME)."""
from __future__ import annotations

import json

from .. import images, webcontent
from ..cluster import Cluster

REPOSITORY = "gcr.io/k8s-staging-gateway-api/echo-basic"


def _env(pod: dict, name: str) -> str:
    """The container's variable: a value, or the downward API's metadata.name / metadata.namespace."""
    for c in (pod.get("spec") or {}).get("containers") or []:
        for e in c.get("env") or []:
            if e.get("name") != name:
                continue
            if "value" in e:
                return str(e["value"])
            path = ((e.get("valueFrom") or {}).get("fieldRef") or {}).get("fieldPath", "")
            if path == "metadata.name":
                return pod["metadata"]["name"]
            if path == "metadata.namespace":
                return pod["metadata"].get("namespace", "")
    return ""


def _canonical(name: str) -> str:
    """Go's textproto.CanonicalMIMEHeaderKey: `x-request-id` -> `X-Request-Id`."""
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


def serve(ctx: webcontent.ServeContext, image: str, port: int, req: webcontent.Request,
          now: float) -> webcontent.Response:
    pod = ctx.pod or {}
    headers: dict[str, list[str]] = {}
    for k, v in req.headers:
        if k.lower() == "host":
            continue
        headers.setdefault(_canonical(k), []).append(v)
    body = {"path": req.path, "host": req.host, "method": req.method, "proto": "HTTP/1.1",
            "headers": dict(sorted(headers.items())), "namespace": _env(pod, "NAMESPACE"),
            "ingress": _env(pod, "INGRESS_NAME"), "service": _env(pod, "SERVICE_NAME"), "pod": _env(pod, "POD_NAME")}
    text = json.dumps(body, indent=1, ensure_ascii=False)
    extra = []        # writeEchoResponseHeaders: X-Echo-Set-Header: "Name: value, Other: value"
    for k, v in req.headers:
        if k.lower() == "x-echo-set-header":
            for pair in v.split(","):
                name, _, value = pair.strip().partition(":")
                extra.append((name, value))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")    # Go's HTML-safe JSON
    # echoHandler's first line: fmt.Printf("Echoing back request made to %s to client (%s)\n", RequestURI, RemoteAddr)
    cluster: Cluster | None = ctx.cluster      # type: ignore[assignment]
    port = cluster.randint(32768, 60999) if cluster is not None else 40000
    log = f"Echoing back request made to {req.path} to client ({req.client_ip}:{port})"
    return webcontent.Response(200, "OK", extra + [("Content-Type", "application/json"),
                                                   ("X-Content-Type-Options", "nosniff"),
                                           ("Date", webcontent.http_date(now)), ("Content-Length", str(len(text.encode())))],
                               "" if req.method == "HEAD" else text, log_line=log)


def register() -> None:
    webcontent.CONTEXT_SERVERS[REPOSITORY] = serve
    images.LISTENS.setdefault(REPOSITORY, {3000: "http"})
