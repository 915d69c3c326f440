"""The WebSocket's Origin check: the page that opens a terminal must be ours, scheme and port included.

Channels' AllowedHostsOriginValidator compares only the host with ALLOWED_HOSTS, so http://podscape:8080
(another service on the same host) or http:// under an https:// site passed. Here the Origin must be the
origin this request was addressed to (the Host header, with the scheme the connection came in on, or
https behind a TLS proxy when DJANGO_HTTPS is set), or one of CSRF_TRUSTED_ORIGINS. A refused handshake is
denied (HTTP 403) before the session or anything about the sandbox is read.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": "80", "https": "443"}


def _normal(scheme: str, host: str) -> str | None:
    domain, port = split_domain_port(host)
    if not domain:
        return None
    return f"{scheme}://{domain}:{port or DEFAULT_PORTS.get(scheme, '')}"


def allowed(scope) -> bool:
    headers = dict(scope.get("headers") or [])
    origin, host = headers.get(b"origin", b"").decode("latin-1"), headers.get(b"host", b"").decode("latin-1")
    if not origin or not host:
        return False
    domain, _ = split_domain_port(host)
    if not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    parts = urlsplit(origin)
    try:
        mine = _normal(parts.scheme, parts.netloc.lower())
    except ValueError:
        return False
    if mine is None:
        return False
    if any(mine == _normal(*t.lower().split("://", 1)) for t in settings.CSRF_TRUSTED_ORIGINS if "://" in t):
        return True
    schemes = {"wss": "https", "ws": "http"}
    expected = {schemes.get(scope.get("scheme", "ws"), "http")}
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        expected.add("https")           # TLS ends at the proxy, which sends X-Forwarded-Proto
    return any(mine == _normal(scheme, host.lower()) for scheme in expected)


class OriginValidator:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if allowed(scope):
            return await self.app(scope, receive, send)
        message = await receive()
        if message.get("type") == "websocket.connect":
            await send({"type": "websocket.close"})        # before accept: the handshake is denied
