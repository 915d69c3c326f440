"""ingress-nginx, as minikube's ingress addon runs it: which Ingresses it serves, how it routes a request
(host, then path), and what the learner's curl gets back.

    route = match(cluster, "foo.example.com", "/lololol")   # Route(backend, rule, ingress, fallback)
    resp = serve_controller(ctx, image, port, request, now)   # registered in webcontent.CONTEXT_SERVERS

Routing as the controller's generated nginx.conf does it:
  - Ingresses of class `nginx` (the class whose controller is k8s.io/ingress-nginx), and Ingresses with no
    class at all (the addon runs with --watch-ingress-without-class=true); oldest Ingress first, so for a
    host/path defined twice the older one wins.
  - One nginx `server` per host. A rule without a host goes to the catch-all server `_`; a request whose
    Host matches no named server lands there. A wildcard `*.example.com` matches exactly one more label.
  - Paths: Exact is `location = /p`; Prefix is element-wise (`/foo` matches `/foo`, `/foo/`, `/foo/bar`,
    not `/foobar`; a trailing slash in the rule is ignored); ImplementationSpecific is nginx's plain
    prefix. Exact beats a prefix of the same length; otherwise the longest path wins. When any Ingress of
    a host has `nginx.ingress.kubernetes.io/use-regex: "true"` (or a rewrite-target), every path of that
    host becomes a case-insensitive regex anchored at the start, tried longest first: nginx's
    `location ~* "^<path>"`, run by PCRE (saferegex.pcre: the real library, its default match limit). A path
    that backtracks past that limit fails the request as nginx does: an [alert] in the controller's log and
    a 500 page. One that the playground's own budget stops first gets a plain podscape answer instead.
  - Nothing matches: the server's default backend (for a host, the defaultBackend of the Ingress that
    declared it; for the catch-all, that of an Ingress with no rules), else the controller's own 404 page. A backend Service that is missing, has no such port or no ready endpoints: 503.
    An endpoint that refuses: 502; one that never answers (NetworkPolicy): 504 after proxy_connect_timeout.
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

from . import images, network, saferegex, tlscerts, webcontent
from .cluster import Cluster, parse_rfc3339

CONTROLLER_IMAGE_REPO = "registry.k8s.io/ingress-nginx/controller"
CONTROLLER_NAME = "k8s.io/ingress-nginx"
INGRESS_NAMESPACE = "ingress-nginx"
CLASS_ANNOTATION = "kubernetes.io/ingress.class"
USE_REGEX = "nginx.ingress.kubernetes.io/use-regex"
REWRITE_TARGET = "nginx.ingress.kubernetes.io/rewrite-target"
DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"
PROXY_CONNECT_TIMEOUT_MS = 5_000


# ---- which Ingresses the controller serves ----------------------------------------------------------
def is_controller_pod(pod: dict) -> bool:
    """A running ingress-nginx controller pod (the image decides; the addon makes one)."""
    if pod.get("status", {}).get("phase") != "Running" or pod["metadata"].get("deletionTimestamp"):
        return False
    return any(images.repository(c.get("image", "")) == CONTROLLER_IMAGE_REPO
               for c in pod.get("spec", {}).get("containers", []) or [])


def controller_pods(cluster: Cluster) -> list[dict]:
    """Running ingress-nginx controller pods (the image decides; the addon makes one)."""
    pods = cluster.objects.get("pods", {})
    # the cluster's pod index knows which pods run the image: no scan of every pod on every reconcile
    mine = sorted((pods[k] for k in cluster.pod_index.by_repository.get(CONTROLLER_IMAGE_REPO, ())),
                  key=lambda p: (p["metadata"].get("namespace", ""), p["metadata"]["name"]))
    return [pod for pod in mine if is_controller_pod(pod)]


def nginx_classes(cluster: Cluster) -> set[str]:
    return {ic["metadata"]["name"] for ic in cluster.list("ingressclasses")
            if (ic.get("spec") or {}).get("controller") == CONTROLLER_NAME}


def default_class(cluster: Cluster) -> str | None:
    """The IngressClass marked default (the admission plugin refuses to pick when two are)."""
    found = [ic["metadata"]["name"] for ic in cluster.list("ingressclasses")
             if (ic["metadata"].get("annotations") or {}).get(DEFAULT_CLASS_ANNOTATION) == "true"]
    return found[0] if len(found) == 1 else None


def served(cluster: Cluster, ing: dict, classes: set[str] | None = None) -> bool:
    """Whether ingress-nginx picks this Ingress up."""
    classes = nginx_classes(cluster) if classes is None else classes
    name = (ing.get("spec") or {}).get("ingressClassName")
    annotated = (ing["metadata"].get("annotations") or {}).get(CLASS_ANNOTATION)
    if name:
        return name in classes
    if annotated:
        return annotated in classes or annotated == "nginx"
    return True          # --watch-ingress-without-class=true


def served_ingresses(cluster: Cluster) -> list[dict]:
    classes = nginx_classes(cluster)
    ings = [i for i in cluster.list("ingresses") if served(cluster, i, classes)]
    ings.sort(key=lambda i: (parse_rfc3339(i["metadata"]["creationTimestamp"]), i["metadata"]["namespace"],
                             i["metadata"]["name"]))
    return ings


# ---- the routing table --------------------------------------------------------------------------------
@dataclass
class Location:
    path: str
    path_type: str               # Exact | Prefix | ImplementationSpecific
    backend: dict                # the IngressBackend
    ingress: dict
    regex: bool = False

    @property
    def namespace(self) -> str:
        return self.ingress["metadata"]["namespace"]


@dataclass
class Route:
    """The verdict for one request: the backend (None: the controller's 404), and why."""
    backend: dict | None
    ingress: dict | None
    location: Location | None
    server: str                  # the nginx server_name that took the request ("_" for the catch-all)
    failure: "RegexFailure | None" = None    # a regex location whose match failed: nginx answers 500

    @property
    def namespace(self) -> str:
        return self.ingress["metadata"]["namespace"] if self.ingress else ""


def _host_matches(pattern: str, host: str) -> bool:
    if pattern.startswith("*."):
        suffix = pattern[1:]
        head = host[: -len(suffix)] if host.endswith(suffix) else ""
        return bool(head) and "." not in head
    return pattern == host


def _servers(ings: list[dict]) -> dict[str, list[Location]]:
    """host -> its locations (first Ingress to define a host/path/type wins)."""
    servers: dict[str, list[Location]] = {}
    seen: set[tuple[str, str, str]] = set()
    for ing in ings:
        for rule in (ing.get("spec") or {}).get("rules") or []:
            host = (rule.get("host") or "_").lower()
            locs = servers.setdefault(host, [])
            for p in ((rule.get("http") or {}).get("paths") or []):
                path = p.get("path") or "/"
                ptype = p.get("pathType") or "ImplementationSpecific"
                key = (host, path, "Exact" if ptype == "Exact" else "prefix")
                if key in seen:
                    continue
                seen.add(key)
                locs.append(Location(path, ptype, p.get("backend") or {}, ing))
    return servers


def _uses_regex(locs: list[Location]) -> bool:
    for loc in locs:
        ann = loc.ingress["metadata"].get("annotations") or {}
        if ann.get(USE_REGEX) == "true" or ann.get(REWRITE_TARGET):
            return True
    return False


def _prefix_elementwise(rule: str, path: str) -> bool:
    want = [s for s in rule.split("/") if s]
    have = [s for s in path.split("/") if s]
    return have[: len(want)] == want


class RegexFailure(Exception):
    """Matching a regex location failed: PCRE gave up (saferegex.PcreError) or the playground's budget ran
    out first (saferegex.TooCostly)."""

    def __init__(self, location: Location, error: Exception):
        super().__init__(str(error))
        self.location = location
        self.error = error

    @property
    def regex(self) -> str:
        return "^" + self.location.path


def _match_location(locs: list[Location], path: str) -> Location | None:
    if _uses_regex(locs):
        budget = saferegex.Budget()
        for loc in sorted(locs, key=lambda l: -len(l.path)):
            try:
                rx = saferegex.pcre("^" + loc.path, icase=True)
            except saferegex.Invalid:
                continue            # `nginx -t` refuses such a location (and the admission webhook with it)
            try:
                if rx.search(path, 0, budget) is not None:
                    return loc
            except (saferegex.PcreError, saferegex.TooCostly) as exc:
                raise RegexFailure(loc, exc) from None
        return None
    for loc in locs:
        if loc.path_type == "Exact" and loc.path == path:
            return loc
    best: Location | None = None
    best_len = -1
    for loc in locs:
        if loc.path_type == "Prefix":
            ok = _prefix_elementwise(loc.path, path)
            length = len(loc.path.rstrip("/")) or 1
        elif loc.path_type == "ImplementationSpecific":
            ok = path.startswith(loc.path)
            length = len(loc.path)
        else:
            continue
        if ok and length > best_len:
            best, best_len = loc, length
    return best


def _default_backend(ings: list[dict], host: str) -> tuple[dict | None, dict | None]:
    """The backend of a server's root location when no path matches (createServers): for a named host,
    the spec.defaultBackend of the (oldest) Ingress that declared the host; for the catch-all server,
    that of the oldest Ingress with a defaultBackend and no rules at all. None: the controller's 404."""
    for ing in ings:
        spec = ing.get("spec") or {}
        rules = spec.get("rules") or []
        if host == "_":
            if not rules and spec.get("defaultBackend"):
                return spec["defaultBackend"], ing
            continue
        if host in {(r.get("host") or "_").lower() for r in rules}:
            return (spec["defaultBackend"], ing) if spec.get("defaultBackend") else (None, None)
    return None, None


def match(cluster: Cluster, host: str, path: str) -> Route:
    """Route one request (Host header without port, path without query) as the controller would."""
    ings = served_ingresses(cluster)
    servers = _servers(ings)
    host = (host or "").lower().rstrip(".")
    if ":" in host and not host.startswith("["):
        host = host.rsplit(":", 1)[0]
    name = host if host in servers else None
    if name is None:
        for pattern in servers:
            if pattern.startswith("*.") and _host_matches(pattern, host):
                name = pattern
                break
    if name is None:
        name = "_"
    try:
        loc = _match_location(servers.get(name, []), webcontent._path_only(path).split("?", 1)[0])
    except RegexFailure as failure:
        return Route(None, failure.location.ingress, failure.location, name, failure)
    if loc is not None:
        return Route(loc.backend, loc.ingress, loc, name)
    backend, ing = _default_backend(ings, name)
    return Route(backend, ing, None, name)


def backend_label(backend: dict | None) -> str:
    svc = (backend or {}).get("service") or {}
    port = svc.get("port") or {}
    return f"{svc.get('name', '')}:{port.get('number') or port.get('name') or ''}"


# ---- the controller's responses ----------------------------------------------------------------------
REASONS = {**webcontent.REASONS, 308: "Permanent Redirect"}
SSL_REDIRECT = "nginx.ingress.kubernetes.io/ssl-redirect"


def error_page(code: int) -> str:
    """nginx's canned page with server_tokens off, as ingress-nginx serves it (CRLF line ends)."""
    reason = REASONS[code]
    return (f"<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n"
            f"<center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")


def _error(code: int, req: webcontent.Request, now: float, location: str = "") -> webcontent.Response:
    body = error_page(code)
    # ingress-nginx clears the Server header when server-tokens is off (its default).
    headers = [("Date", webcontent.http_date(now)), ("Content-Type", "text/html"),
               ("Content-Length", str(len(body.encode())))]
    if location:
        headers.append(("Location", location))
    headers.append(("Connection", "keep-alive"))
    return webcontent.Response(code, REASONS[code], headers, "" if req.method == "HEAD" else body)


def redirects_to_https(cluster: Cluster, route: Route) -> bool:
    """ssl-redirect (on by default): plain HTTP for a host an Ingress terminates TLS for gets a 308."""
    if route.server == "_" or route.ingress is None:
        return False
    for ing in served_ingresses(cluster):
        if (ing["metadata"].get("annotations") or {}).get(SSL_REDIRECT) == "false":
            continue
        for tls in (ing.get("spec") or {}).get("tls") or []:
            if route.server in [h.lower() for h in tls.get("hosts") or []]:
                return True
    return False


# ---- TLS: which certificate the controller presents (controller.go createServers, v1.14.1) ----------
FAKE_CN = "Kubernetes Ingress Controller Fake Certificate"
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")    # the ConfigMap's defaults
_FAKE: dict[str, object] = {}


def fake_certificate(cluster: Cluster, pod: dict | None):
    """The self-signed certificate the controller makes for itself when it starts (GetFakeSSLCert): a key
    and serial per controller pod, valid for a year from the pod's start."""
    meta = (pod or {}).get("metadata") or {}
    uid = meta.get("uid") or "none"
    cert = _FAKE.get(uid)
    if cert is None:
        seed = int.from_bytes(hashlib.sha256(f"ingress-nginx-fake:{uid}".encode()).digest()[:8], "big")
        start = (pod or {}).get("status", {}).get("startTime") or meta.get("creationTimestamp")
        now = parse_rfc3339(start) if start else cluster.now
        cert = tlscerts.go_fake_certificate(tlscerts.rsa_key(seed), now, seed >> 1 | 1, "ingress.local")
        if len(_FAKE) > 32:
            _FAKE.clear()
        _FAKE[uid] = cert
    return cert


def _secret_certificate(cluster: Cluster, namespace: str, name: str):
    """The store's local SSL certificate for a Secret: its tls.crt and tls.key, parsed and matching."""
    secret = cluster.get("secrets", namespace, name)
    data = (secret or {}).get("data") or {}
    try:
        crt = base64.b64decode(data.get("tls.crt", "")).decode()
        key = base64.b64decode(data.get("tls.key", "")).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    cert, private = tlscerts.load_cert(crt), tlscerts.load_key(key)
    if cert is None or private is None or not tlscerts.same_public_key(cert, private):
        return None
    return cert


def _tls_secret_name(cluster: Cluster, ing: dict, host: str) -> str:
    """extractTLSSecretName: the secret of a tls entry listing the host, else one whose certificate is valid
    for the host."""
    tls_list = (ing.get("spec") or {}).get("tls") or []
    for tls in tls_list:
        if host in [h.lower() for h in tls.get("hosts") or []]:
            return tls.get("secretName") or ""
    for tls in tls_list:
        if not tls.get("secretName"):
            continue
        cert = _secret_certificate(cluster, ing["metadata"]["namespace"], tls["secretName"])
        if cert is not None and tlscerts.go_verify_hostname(cert, host):
            return tls["secretName"]
    return ""


def certificate_for(cluster: Cluster, ing: dict, host: str) -> tuple[object | None, list[tuple[str, str]]]:
    """The certificate createServers gives one host of an Ingress with a tls section (None: the default one)
    and the warnings it logs on the way, as (source line, message)."""
    name = _tls_secret_name(cluster, ing, host)
    if not name:
        return None, []
    key = f"{ing['metadata']['namespace']}/{name}"
    cert = _secret_certificate(cluster, ing["metadata"]["namespace"], name)
    if cert is None:
        return None, [("controller.go:1455", f'Error getting SSL certificate "{key}": local SSL certificate {key} '
                                             "was not found. Using default certificate")]
    if tlscerts.go_verify_hostname(cert, host):
        return cert, []
    warnings = [("controller.go:1469", f'Unexpected error validating SSL certificate "{key}" for server "{host}": '
                                       f"{tlscerts.go_hostname_error(cert, host)}"),
                ("controller.go:1470", "Validating certificate against DNS names. This will be deprecated in a "
                                       "future version")]
    # certificate.go verifyHostname: the DNS names when there are any (then the Common Name is ignored)
    dns, _ = tlscerts.san_names(cert)
    if any(tlscerts.host_matches(n, host) for n in (dns or [tlscerts.common_name(cert.subject) or ""])):
        return cert, warnings
    warnings += [("controller.go:1475", f'SSL certificate "{key}" does not contain a Common Name or Subject '
                                        f'Alternative Name for server "{host}": '
                                        f"{tlscerts.go_hostname_error(cert, host)}"),
                 ("controller.go:1476", "Using default certificate")]
    return None, warnings


def serving_certificate(cluster: Cluster, pod: dict | None, sni: str):
    """The certificate the controller's nginx presents for a TLS handshake with this SNI (none: an IP)."""
    host = (sni or "").lower().rstrip(".")
    if host:
        for ing in served_ingresses(cluster):
            hosts = {(r.get("host") or "").lower() for r in (ing.get("spec") or {}).get("rules") or []}
            if host not in hosts or not (ing.get("spec") or {}).get("tls"):
                continue
            cert, _ = certificate_for(cluster, ing, host)
            return cert if cert is not None else fake_certificate(cluster, pod)
    return fake_certificate(cluster, pod)


def tls_warnings(cluster: Cluster, ing: dict) -> list[tuple[str, str]]:
    """What the controller logs about this Ingress's certificates when it syncs it."""
    out: list[tuple[str, str]] = []
    if not (ing.get("spec") or {}).get("tls"):
        return out
    for rule in (ing.get("spec") or {}).get("rules") or []:
        host = (rule.get("host") or "").lower()
        if host:
            out += certificate_for(cluster, ing, host)[1]
    return out


def _proxied(up: webcontent.Response, now: float) -> webcontent.Response:
    """An upstream answer as nginx relays it: its own Date, no Server, Connection: keep-alive."""
    up_headers = {k.lower(): (k, v) for k, v in up.headers}
    headers = [("Date", webcontent.http_date(now))]
    for key in ("content-type", "content-length", "last-modified"):
        if key in up_headers:
            headers.append(up_headers[key])
    headers.append(("Connection", "keep-alive"))
    for k, v in up.headers:
        if k.lower() not in ("date", "server", "connection", "content-type", "content-length", "last-modified",
                             "keep-alive", "transfer-encoding"):
            headers.append((k, v))
    return webcontent.Response(up.status, up.reason, headers, up.body, up.log_line)


def _service_port(svc: dict, port: dict) -> dict | None:
    for sp in (svc.get("spec") or {}).get("ports") or []:
        if port.get("number") and int(sp.get("port", 0)) == int(port["number"]):
            return sp
        if port.get("name") and sp.get("name") == port["name"]:
            return sp
    return None


def _onward(ctx: webcontent.ServeContext, route: Route, req: webcontent.Request, now: float, listen: int = 80
            ) -> tuple[webcontent.Response | int, network.Walk | None]:
    """From the controller pod to one endpoint of the backend Service (ingress-nginx balances over the
    endpoints itself, not through the ClusterIP). Returns the upstream's answer or an error code."""
    cluster: Cluster = ctx.cluster          # type: ignore[assignment]
    svc_ref = (route.backend or {}).get("service")
    if not svc_ref:
        return 503, None
    pod = ctx.pod or {}
    source = network.pod_source(pod) if pod else network.HOST
    port = svc_ref.get("port") or {}
    w = network.Walk(source=source, dest=f"{svc_ref.get('name')}.{route.namespace}",
                     port=int(port.get("number") or 0))
    w.hop(source.id, source.kind, source.label, source.ip)
    if route.ingress is not None:       # the rule that matched: controller -> ingress -> service -> pod
        ing = route.ingress["metadata"]
        w.hop(f"ingress/{ing['namespace']}/{ing['name']}", "ingress", ing["name"],
              f"{req.host or '*'}{req.path} -> {backend_label(route.backend)}")
    svc = cluster.get("services", route.namespace, svc_ref.get("name", ""))
    if svc is None:
        w.fail("refused", f"Service {svc_ref.get('name')} does not exist: ingress-nginx answers 503")
        return 503, w
    w.hop(network._svc_id(svc), "service", svc["metadata"]["name"], f"{backend_label(route.backend)}")
    w.service = f"{route.namespace}/{svc['metadata']['name']}"
    sp = _service_port(svc, port)
    candidates = network.ready_endpoints(cluster, svc, sp) if sp else []
    if not candidates:
        why = "has no such port" if sp is None else "has no ready endpoints"
        w.fail("refused", f"Service {svc['metadata']['name']} {why}: ingress-nginx answers 503")
        return 503, w
    target, tport = network.pick(cluster, svc, candidates, source.ip)
    w.port = tport
    w.client_ip = source.ip
    w.hop(network._pod_id(target), "pod", target["metadata"]["name"], f"{target['status'].get('podIP')}:{tport}")
    network._into_pod(cluster, w, target, tport, via_service=True, hopped=True)
    if not w.ok or w.backend is None:
        return (504 if w.verdict == "timeout" else 502), w
    up_req = webcontent.Request(method=req.method, path=req.path, host=req.host,
                                headers=_forwarded(req, source.ip, listen), client_ip=source.ip, body=req.body)
    b = w.backend
    up = webcontent.serve(b.image, b.port, up_req, now, b.pod, b.ip,
                          webcontent.ServeContext(cluster, {}, target))     # the pod's process answers
    network.record_access(cluster, b.namespace, b.pod, up.log_line)
    return up, w


def _forwarded(req: webcontent.Request, controller_ip: str, port: int = 80) -> list[tuple[str, str]]:
    """The headers ingress-nginx sends upstream (proxy_set_header lines of its template)."""
    scheme = "https" if port == 443 else "http"
    out = [("Host", req.host or "")]
    out += [("X-Request-ID", "0" * 32), ("X-Real-IP", req.client_ip), ("X-Forwarded-For", req.client_ip),
            ("X-Forwarded-Host", req.host or ""), ("X-Forwarded-Port", str(port)), ("X-Forwarded-Proto", scheme),
            ("X-Forwarded-Scheme", scheme), ("X-Scheme", scheme)]
    out += [(k, v) for k, v in req.headers if k.lower() not in ("host", "connection")]
    return out


def serve_controller(ctx: webcontent.ServeContext, image: str, port: int, req: webcontent.Request,
                     now: float) -> webcontent.Response:
    """The controller pod's nginx on 80/443: route, proxy, or answer with its own page."""
    cluster: Cluster = ctx.cluster          # type: ignore[assignment]
    host = req.host or req.header("Host") or ""
    route = match(cluster, host, req.path)
    if route.failure is not None:
        return _regex_failed(ctx, route, req, host, now)
    if port == 80 and route.backend is not None and redirects_to_https(cluster, route):
        name = (host.rsplit(":", 1)[0] if ":" in host and not host.startswith("[") else host)
        resp = _error(308, req, now, location=f"https://{name}{req.path}")
        upstream, walk = "-", None
    elif route.backend is None:
        resp = _error(404, req, now)
        upstream, walk = "upstream-default-backend", None
    else:
        got, walk = _onward(ctx, route, req, now, port)
        resp = _error(got, req, now) if isinstance(got, int) else _proxied(got, now)
        upstream = f"{route.namespace}-{backend_label(route.backend).replace(':', '-')}"
    if port == 443 and _has_certificate(cluster, route.server):
        # lua_ingress.lua header(): HSTS when a certificate is configured for the request's host (hsts: true)
        resp.headers.append(HSTS)
    if walk is not None and ctx.trace is not None:
        # the request that reached this controller goes on from it: one path host -> ... -> pod
        ctx.trace(walk.as_trace() | {"continues": True})
    pod = ctx.pod or {}
    if pod:
        network.record_access(cluster, pod["metadata"]["namespace"], pod["metadata"]["name"],
                              _access_line(req, resp, now, upstream, walk))
    return resp


def _has_certificate(cluster: Cluster, server: str) -> bool:
    """Whether createServers gave this server a certificate (an Ingress of the host has a tls section)."""
    for ing in served_ingresses(cluster):
        hosts = {(r.get("host") or "").lower() for r in (ing.get("spec") or {}).get("rules") or []}
        if server in hosts and (ing.get("spec") or {}).get("tls"):
            return True
    return False


# nginx links the Alpine `pcre` (PCRE 8.45) in ingress-nginx's image: its codes for what PCRE2 reports
PCRE1_CODES = {-47: -8, -53: -21, -48: -6, -46: -27, -52: -26}
NGINX_WORKER = "27#27"       # pid#tid of the worker in the controller's error-log lines


def _regex_failed(ctx: webcontent.ServeContext, route: Route, req: webcontent.Request, host: str,
                  now: float) -> webcontent.Response:
    """ngx_http_regex_exec failing in the find-config phase: an [alert] in the error log (the controller's
    stderr) and a 500 from the server, before any upstream is chosen. When it was the playground's budget
    rather than PCRE that stopped, the answer says so instead of pretending to be nginx's."""
    cluster: Cluster = ctx.cluster          # type: ignore[assignment]
    failure = route.failure
    assert failure is not None
    pod = ctx.pod or {}
    uri = webcontent._path_only(req.path).split("?", 1)[0]
    if isinstance(failure.error, saferegex.TooCostly):
        ing = failure.location.ingress["metadata"]
        body = (f'podscape: the playground stopped matching the regex path "{failure.regex}" of Ingress '
                f'{ing["namespace"]}/{ing["name"]} against "{uri}": it backtracks more than the playground '
                "allows (ingress-nginx's PCRE would go on trying each start position up to its match limit)\n")
        resp = webcontent.Response(500, REASONS[500], [("Date", webcontent.http_date(now)),
                                                        ("Content-Type", "text/plain"),
                                                        ("Content-Length", str(len(body.encode()))),
                                                        ("Connection", "keep-alive")],
                                   "" if req.method == "HEAD" else body)
    else:
        resp = _error(500, req, now)
        if pod:
            code = getattr(failure.error, "code", 0)
            network.record_access(cluster, pod["metadata"]["namespace"], pod["metadata"]["name"],
                                  _alert_line(cluster, pod, req, host, route.server, now,
                                              f'pcre_exec() failed: {PCRE1_CODES.get(code, code)} on "{uri}" '
                                              f'using "{failure.regex}"'))
    if pod:
        network.record_access(cluster, pod["metadata"]["namespace"], pod["metadata"]["name"],
                              _access_line(req, resp, now, "-", None))
    return resp


def _alert_line(cluster: Cluster, pod: dict, req: webcontent.Request, host: str, server: str, now: float,
                message: str) -> str:
    """nginx's error-log line (ngx_log_error with the request's context: client, server, request, host)."""
    t = datetime.fromtimestamp(int(now), tz=timezone.utc).strftime("%Y/%m/%d %H:%M:%S")
    conn = len(network.access_log(cluster, pod["metadata"]["namespace"], pod["metadata"]["name"])) + 1
    return (f'{t} [alert] {NGINX_WORKER}: *{conn} {message}, client: {req.client_ip}, server: {server}, '
            f'request: "{req.method} {req.path} HTTP/1.1", host: "{host}"')


def _access_line(req: webcontent.Request, resp: webcontent.Response, now: float, upstream: str,
                 walk: network.Walk | None) -> str:
    """ingress-nginx's log-format-upstream line (what `kubectl logs` of the controller shows)."""
    t = datetime.fromtimestamp(int(now), tz=timezone.utc).strftime("%d/%b/%Y:%H:%M:%S +0000")
    ua = req.header("User-Agent") or ""
    sent = len(resp.body.encode())
    up_addr = f"{walk.backend.ip}:{walk.backend.port}" if walk is not None and walk.backend else "-"
    up_status = str(resp.status) if up_addr != "-" else "-"
    up_len = str(sent) if up_addr != "-" else "-"
    up_time = "0.001" if up_addr != "-" else "-"
    return (f'{req.client_ip} - - [{t}] "{req.method} {req.path} HTTP/1.1" {resp.status} {sent} "-" "{ua}" '
            f'{78 + len(req.path) + len(req.host or "")} 0.001 [{upstream}] [] {up_addr} {up_len} {up_time} '
            f'{up_status} {hashlib.md5(f"{now}:{req.path}:{req.host}".encode()).hexdigest()}')


def register() -> None:
    """The controller image's server and ports (wiring.install calls this)."""
    webcontent.CONTEXT_SERVERS[CONTROLLER_IMAGE_REPO] = serve_controller
    # 80/443 serve Ingresses; 10254 is the health/metrics port; 8443 the admission webhook (TLS).
    images.LISTENS[CONTROLLER_IMAGE_REPO] = {80: "http", 443: "https", 8443: "https-webhook",
                                             10254: "http-unsimulated"}
