"""The Envoy proxy pod Envoy Gateway runs for a Gateway: it answers HTTP on the listeners' container ports
(port + 10000 below 1024), routes by routing.decide and proxies to one ready endpoint of the backend Service
(Envoy balances over endpoints itself, not through the ClusterIP).

Envoy's own answers carry only `date` and `content-length` (Envoy Gateway configures the server header as
PASS_THROUGH, so Envoy adds none); a proxied answer keeps the backend's headers, lower-cased as Envoy's
HTTP/1 codec writes them, and adds `x-envoy-upstream-service-time`.
"""
from __future__ import annotations

from .. import network, webcontent
from ..cluster import Cluster
from . import envoy, routing, status as gwstatus

REASONS = {**webcontent.REASONS, 301: "Moved Permanently", 302: "Found", 303: "See Other", 307: "Temporary Redirect",
           308: "Permanent Redirect", 500: "Internal Server Error", 503: "Service Unavailable"}


def _gateway_of(cluster, pod: dict) -> dict | None:
    labels = pod["metadata"].get("labels") or {}
    name = labels.get("gateway.envoyproxy.io/owning-gateway-name")
    ns = labels.get("gateway.envoyproxy.io/owning-gateway-namespace")
    return cluster.get("gateways", ns, name) if name and ns else None


def _local(code: int, now: float, req: webcontent.Request, location: str = "") -> webcontent.Response:
    headers = [("location", location)] if location else []
    headers += [("date", webcontent.http_date(now)), ("content-length", "0")]
    return webcontent.Response(code, REASONS.get(code, ""), headers, "")


def serve(ctx: webcontent.ServeContext, image: str, port: int, req: webcontent.Request,
          now: float) -> webcontent.Response:
    cluster: Cluster = ctx.cluster      # type: ignore[assignment]
    pod = ctx.pod or {}
    gateway = _gateway_of(cluster, pod) if pod else None
    shifted = port - envoy.WELL_KNOWN_PORT_SHIFT
    listener_port = shifted if 0 < shifted < envoy.MIN_EPHEMERAL_PORT else port
    if gateway is None:
        return _local(404, now, req)
    translation = gwstatus.translate(cluster)
    d = routing.decide(cluster, translation, gateway, listener_port, req.method, req.path,
                       req.host or req.header("Host") or "", req.headers)
    walk = _walk_start(pod, gateway, d)
    if d.status:
        if walk is not None:
            walk.fail("refused", f"the Gateway answered {d.status}: {d.reason}")
            _trace(ctx, walk)
        return _local(d.status, now, req, d.location)
    resp, walk = _onward(ctx, d, req, now, walk)
    _trace(ctx, walk)
    return resp


def _walk_start(pod: dict, gateway: dict, d: routing.Decision) -> network.Walk:
    source = network.pod_source(pod)
    w = network.Walk(source=source, dest="", port=0)
    w.hop(source.id, source.kind, source.label, source.ip)
    meta = gateway["metadata"]
    w.hop(f"gateway/{meta['namespace']}/{meta['name']}", "gateway", meta["name"], "")
    if d.route is not None:
        rm = d.route["metadata"]
        w.hop(f"httproute/{rm['namespace']}/{rm['name']}", "httproute", rm["name"], f"rule {d.rule_index}")
    return w


def _trace(ctx: webcontent.ServeContext, walk: network.Walk | None) -> None:
    if walk is not None and ctx.trace is not None:
        ctx.trace(walk.as_trace() | {"continues": True})


def _onward(ctx: webcontent.ServeContext, d: routing.Decision, req: webcontent.Request, now: float,
            w: network.Walk) -> tuple[webcontent.Response, network.Walk]:
    cluster: Cluster = ctx.cluster      # type: ignore[assignment]
    ref = d.backend or {}
    svc = cluster.get("services", d.backend_ns, ref.get("name", ""))
    if svc is None:         # routing.decide checked it exists; a write between cannot happen within a request
        return _local(503, now, req), w
    sp = next((p for p in svc.get("spec", {}).get("ports") or [] if int(p.get("port", 0)) == int(ref["port"])),
              None)
    w.dest, w.port = f"{ref.get('name')}.{d.backend_ns}", int(ref["port"])
    w.hop(network._svc_id(svc), "service", svc["metadata"]["name"], f"{ref.get('name')}:{ref['port']}")
    w.service = f"{d.backend_ns}/{svc['metadata']['name']}"
    candidates = network.ready_endpoints(cluster, svc, sp) if sp else []
    if not candidates:
        w.fail("refused", f"Service {svc['metadata']['name']} has no ready endpoints: Envoy answers 503")
        return _local(503, now, req), w
    source = w.source
    target, tport = network.pick(cluster, svc, candidates, source.ip)
    w.port = tport
    w.client_ip = source.ip
    w.hop(network._pod_id(target), "pod", target["metadata"]["name"], f"{target['status'].get('podIP')}:{tport}")
    network._into_pod(cluster, w, target, tport, via_service=True, hopped=True)
    if not w.ok or w.backend is None:
        return _local(504 if w.verdict == "timeout" else 503, now, req), w
    headers = [(k, v) for k, v in d.request_headers if k.lower() not in ("host", "connection")]
    headers += [("x-forwarded-for", req.client_ip), ("x-forwarded-proto", "http"),
                ("x-envoy-external-address", req.client_ip), ("x-request-id", cluster.uid())]
    up_req = webcontent.Request(method=req.method, path=d.upstream_path, host=d.upstream_host, headers=headers,
                                client_ip=source.ip, body=req.body)
    b = w.backend
    up = webcontent.serve(b.image, b.port, up_req, now, b.pod, b.ip, webcontent.ServeContext(cluster, {}, target))
    network.record_access(cluster, b.namespace, b.pod, up.log_line)
    for mirror in d.mirrors:
        _mirror(cluster, mirror, d, up_req, now)
    out = [(k.lower(), v) for k, v in up.headers if k.lower() not in ("connection", "keep-alive", "transfer-encoding")]
    out.append(("x-envoy-upstream-service-time", "0"))
    for spec in d.response_filters:
        out = routing.modify_headers(out, spec)
    return webcontent.Response(up.status, up.reason, out, up.body, up.log_line), w


def _mirror(cluster: Cluster, spec: dict, d: routing.Decision, req: webcontent.Request, now: float) -> None:
    """RequestMirror: a copy of the request to one ready endpoint of the mirror Service (its `percent` or
    `fraction` of requests, drawn from the sandbox's dice); Envoy ignores the answer."""
    ref = spec.get("backendRef") or {}
    if "percent" in spec or "fraction" in spec:
        frac = spec.get("fraction") or {}
        share = spec["percent"] / 100 if "percent" in spec else frac.get("numerator", 0) / (frac.get("denominator") or 100)
        if cluster.randint(1, 10000) > share * 10000:
            return
    ns = ref.get("namespace") or (d.route or {}).get("metadata", {}).get("namespace", "default")
    svc = cluster.get("services", ns, ref.get("name", ""))
    sp = next((p for p in (svc or {}).get("spec", {}).get("ports") or [] if int(p.get("port", 0)) == int(ref.get("port", 0))),
              None)
    candidates = network.ready_endpoints(cluster, svc, sp) if svc and sp else []
    if not candidates or svc is None:
        return
    target, tport = network.pick(cluster, svc, candidates, req.client_ip)
    for c in (target.get("spec") or {}).get("containers") or []:
        found = webcontent.container_listening(target, tport)
        if found is not None:
            copy = webcontent.serve(found.get("image", ""), tport, req, now, target["metadata"]["name"],
                                    (target.get("status") or {}).get("podIP", ""),
                                    webcontent.ServeContext(cluster, {}, target))
            network.record_access(cluster, ns, target["metadata"]["name"], copy.log_line)
            return


def register() -> None:
    webcontent.CONTEXT_SERVERS["envoyproxy/envoy"] = serve
