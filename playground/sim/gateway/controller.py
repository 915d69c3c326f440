"""What Envoy Gateway's own controller process (docker.io/envoyproxy/gateway, `envoy-gateway server`) serves,
so the Deployment its Helm chart renders passes the chart's probes: controller-runtime's health endpoints
on :8081 (/healthz and /readyz answer 200 "ok", others 404), and the xDS (18000), rate limit (18001),
wasm (18002), metrics (19001) and topology webhook (9443) ports, which speak protocols curl does not."""
from __future__ import annotations

from .. import images, webcontent

REPOSITORY = "envoyproxy/gateway"
HEALTH_PORT = 8081


def serve(ctx: webcontent.ServeContext, image: str, port: int, req: webcontent.Request,
          now: float) -> webcontent.Response:
    path = req.path.split("?", 1)[0]
    if port == HEALTH_PORT and path in ("/healthz", "/readyz"):
        status, body = 200, "ok"
    else:
        status, body = 404, "404 page not found\n"
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("X-Content-Type-Options", "nosniff"),
               ("Date", webcontent.http_date(now)), ("Content-Length", str(len(body)))]
    return webcontent.Response(status, webcontent.REASONS.get(status, ""), headers,
                               "" if req.method == "HEAD" else body)


def register() -> None:
    webcontent.CONTEXT_SERVERS[REPOSITORY] = serve
    images.LISTENS.setdefault(REPOSITORY, {HEALTH_PORT: "http", **{p: "http-unsimulated" for p in
                                                                     (18000, 18001, 18002, 19001, 9443)}})
