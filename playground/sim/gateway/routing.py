"""Which route a request through an Envoy Gateway proxy takes, and what happens to it there.

The Gateway API spec (HTTPRouteRule.matches, HTTPRouteSpec.hostnames) as Envoy Gateway v1.6.7 builds it
into Envoy's configuration:
- a virtual host per hostname a route serves on the listener; Envoy picks the exact name first, then
  the longest wildcard suffix, then `*` (so a request for a name some route names never reaches the
  routes that name none);
- within it, routes sorted as internal/gatewayapi/sort.go sorts them: Exact before RegularExpression before
  PathPrefix, then longer paths, more header matches (a method match is a `:method` header match), more
  exact header matches, more query matches, more exact query matches; ties keep the spec's order (the
  oldest route, then "{namespace}/{name}", then rule and match order);
- path PathPrefix matches whole segments (`/v2` matches `/v2` and `/v2/x`, not `/v2example`);
- a rule's backends share its traffic by weight (Envoy's weighted clusters; the draw is the sandbox's
  seeded dice), an invalid backend's share answers 500, a rule with no backends and no redirect 500,
  no matching route 404.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import re2

from . import status as gwstatus


@dataclass
class Decision:
    status: int = 0                     # a direct answer (404, 500, a redirect's 3xx); 0: proxied
    route: dict | None = None
    rule_index: int = -1
    backend: dict | None = None         # the backendRef chosen
    backend_ns: str = ""
    filters: list = field(default_factory=list)      # the rule's filters, then the backendRef's
    location: str = ""                  # a redirect's Location
    upstream_path: str = ""             # after URLRewrite
    upstream_host: str = ""
    request_headers: list = field(default_factory=list)     # after RequestHeaderModifier
    response_filters: list = field(default_factory=list)    # ResponseHeaderModifier filters to apply
    reason: str = ""                    # why it did not reach a backend, for the diagram and `podscape`
    mirrors: list = field(default_factory=list)      # RequestMirror backendRefs


@dataclass
class _Candidate:
    route: dict
    rule_index: int
    match: dict
    order: int


def _path_of(target: str) -> tuple[str, str]:
    path, _, query = target.partition("?")
    return path or "/", query


def path_matches(match: dict | None, path: str) -> bool:
    match = match or {"type": "PathPrefix", "value": "/"}
    kind, value = match.get("type", "PathPrefix"), match.get("value", "/")
    if kind == "Exact":
        return path == value
    if kind == "RegularExpression":
        try:
            return re2.fullmatch(value, path) is not None
        except re2.error:
            return False
    prefix = value.rstrip("/")
    return not prefix or path == prefix or path.startswith(prefix + "/")


def _header_value(headers: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in headers if k.lower() == name.lower()]
    return ",".join(values) if values else None


def _value_matches(kind: str, want: str, got: str | None) -> bool:
    if got is None:
        return False
    if kind == "RegularExpression":
        try:
            return re2.fullmatch(want, got) is not None
        except re2.error:
            return False
    return got == want


def matches(match: dict, method: str, path: str, query: str, headers: list[tuple[str, str]]) -> bool:
    if not path_matches(match.get("path"), path):
        return False
    if match.get("method") and match["method"] != method:
        return False
    for h in match.get("headers") or []:
        if not _value_matches(h.get("type", "Exact"), h.get("value", ""), _header_value(headers, h.get("name", ""))):
            return False
    params = parse_qsl(query, keep_blank_values=True)
    for q in match.get("queryParams") or []:
        got = next((v for k, v in params if k == q.get("name")), None)   # the first value, as Envoy takes it
        if not _value_matches(q.get("type", "Exact"), q.get("value", ""), got):
            return False
    return True


def _sort_key(c: _Candidate) -> tuple:
    """sort.go's Less, for a descending stable sort."""
    path = c.match.get("path") or {"type": "PathPrefix", "value": "/"}
    kind_rank = {"Exact": 2, "RegularExpression": 1}.get(path.get("type", "PathPrefix"), 0)
    headers = list(c.match.get("headers") or []) + ([{"type": "Exact"}] if c.match.get("method") else [])
    queries = c.match.get("queryParams") or []
    return (-kind_rank, -len(path.get("value", "/")), -len(headers),
            -sum(1 for h in headers if h.get("type", "Exact") == "Exact"),
            -len(queries), -sum(1 for q in queries if q.get("type", "Exact") == "Exact"), c.order)


def _vhost(hosts: list[str], host: str) -> str | None:
    """Envoy's virtual host choice: exact name, then the longest wildcard suffix, then `*`."""
    if host in hosts:
        return host
    wild = [h for h in hosts if h.startswith("*.") and gwstatus.host_matches(h, host)]
    if wild:
        return max(wild, key=len)
    return "*" if "*" in hosts else None


def decide(cluster, translation: gwstatus.Translation, gateway: dict, port: int, method: str, target: str,
           host: str, headers: list[tuple[str, str]]) -> Decision:
    """Route one request that reached `gateway`'s proxy on listener port `port`."""
    sent = host               # the Host header as sent: the backend sees it, port and all
    host = host.rsplit(":", 1)[0] if ":" in host and not host.startswith("[") else host
    host = host.lower()
    path, query = _path_of(target)
    key = f"{gateway['metadata']['namespace']}/{gateway['metadata']['name']}"
    listeners = [li for li in translation.listeners.get(key, []) if li.port == port and li.ready]
    # the listener: exact hostname, then wildcard, then none (Envoy's filter chain / vhost choice)
    candidates_by_host: dict[str, list[_Candidate]] = {}
    order = 0
    for r in translation.routes:
        rules = (r.obj.get("spec") or {}).get("rules") or []
        for parent in r.parents:
            if not parent.accepted:
                continue
            for li in parent.listeners:
                if li not in listeners:
                    continue
                for h in gwstatus.intersect(li.hostname, list((r.obj.get("spec") or {}).get("hostnames") or [])):
                    for i, rule in enumerate(rules):
                        for m in rule.get("matches") or [{"path": {"type": "PathPrefix", "value": "/"}}]:
                            candidates_by_host.setdefault(h, []).append(_Candidate(r.obj, i, m, order))
                            order += 1
    vhost = _vhost(list(candidates_by_host), host)
    if vhost is None:
        return Decision(status=404, reason=f"no HTTPRoute attached to this Gateway serves the host {host!r}")
    ranked = sorted(candidates_by_host[vhost], key=_sort_key)
    hit = next((c for c in ranked if matches(c.match, method, path, query, headers)), None)
    if hit is None:
        return Decision(status=404, reason=f"no rule of the HTTPRoutes for {vhost} matches {method} {target}")
    return _act(cluster, translation, hit, method, path, query, host, headers, sent)


def _act(cluster, translation, hit: _Candidate, method: str, path: str, query: str, host: str,
         headers: list[tuple[str, str]], sent: str) -> Decision:
    rule = ((hit.route.get("spec") or {}).get("rules") or [])[hit.rule_index]
    d = Decision(route=hit.route, rule_index=hit.rule_index, upstream_path=path + (f"?{query}" if query else ""),
                 upstream_host=sent, request_headers=list(headers))
    filters = list(rule.get("filters") or [])
    for f in filters:
        kind = f.get("type")
        if kind == "RequestRedirect":
            d.status, d.location = redirect(f.get("requestRedirect") or {}, hit.match, path, query, host)
            d.reason = "redirected by the rule's RequestRedirect filter"
            return d
        if kind == "RequestHeaderModifier":
            d.request_headers = modify_headers(d.request_headers, f.get("requestHeaderModifier") or {})
        elif kind == "ResponseHeaderModifier":
            d.response_filters.append(f.get("responseHeaderModifier") or {})
        elif kind == "URLRewrite":
            d.upstream_host, d.upstream_path = rewrite(f.get("urlRewrite") or {}, hit.match, path, query, host)
        elif kind == "RequestMirror":
            d.mirrors.append(f.get("requestMirror") or {})
    refs = [ref for ref in rule.get("backendRefs") or [] if int(ref.get("weight", 1)) > 0]
    if not refs:
        d.status = 500
        d.reason = "the rule has no backendRefs with weight"
        return d
    total = sum(int(ref.get("weight", 1)) for ref in refs)
    draw = cluster.randint(1, total)
    for j, ref in enumerate(refs):
        draw -= int(ref.get("weight", 1))
        if draw <= 0:
            break
    route_ns = hit.route["metadata"]["namespace"]
    problem = gwstatus.backend_problem(cluster, hit.route, ref)
    d.backend, d.backend_ns = ref, ref.get("namespace") or route_ns
    if problem is not None:
        d.status = 503 if problem[0] == "EndpointsNotFound" else 500
        d.reason = problem[1]
        return d
    for f in ref.get("filters") or []:
        if f.get("type") == "RequestHeaderModifier":
            d.request_headers = modify_headers(d.request_headers, f.get("requestHeaderModifier") or {})
        elif f.get("type") == "ResponseHeaderModifier":
            d.response_filters.append(f.get("responseHeaderModifier") or {})
    return d


def modify_headers(headers: list[tuple[str, str]], spec: dict) -> list[tuple[str, str]]:
    """HTTPHeaderFilter: set replaces, add appends, remove drops (names case-insensitive)."""
    out = list(headers)
    for h in spec.get("set") or []:
        out = [(k, v) for k, v in out if k.lower() != h["name"].lower()] + [(h["name"], h.get("value", ""))]
    for h in spec.get("add") or []:
        present = [i for i, (k, _) in enumerate(out) if k.lower() == h["name"].lower()]
        if present:
            i = present[0]
            out[i] = (out[i][0], f"{out[i][1]},{h.get('value', '')}")
        else:
            out.append((h["name"], h.get("value", "")))
    drop = {n.lower() for n in spec.get("remove") or []}
    return [(k, v) for k, v in out if k.lower() not in drop]


def _new_path(spec: dict | None, match: dict, path: str) -> str:
    if not spec:
        return path
    if spec.get("type") == "ReplaceFullPath":
        return spec.get("replaceFullPath", "/")
    if spec.get("type") == "ReplacePrefixMatch":
        prefix = (match.get("path") or {}).get("value", "/")
        rest = path[len(prefix.rstrip("/")):]
        replacement = spec.get("replacePrefixMatch", "/")
        if replacement.endswith("/") and rest.startswith("/"):
            rest = rest[1:]
        out = replacement + rest
        return out if out.startswith("/") else "/" + out
    return path


def redirect(spec: dict, match: dict, path: str, query: str, host: str) -> tuple[int, str]:
    """HTTPRequestRedirectFilter: scheme, hostname, path, port and status code (302 by default); the port
    is left out when it is the scheme's well-known one."""
    scheme = spec.get("scheme") or "http"
    hostname = spec.get("hostname") or host
    port = spec.get("port")
    new_path = _new_path(spec.get("path"), match, path)
    shown = "" if port is None or (scheme, int(port)) in (("http", 80), ("https", 443)) else f":{port}"
    location = f"{scheme}://{hostname}{shown}{new_path}" + (f"?{query}" if query else "")
    return int(spec.get("statusCode") or 302), location


def rewrite(spec: dict, match: dict, path: str, query: str, host: str) -> tuple[str, str]:
    """HTTPURLRewriteFilter: the Host header and the path the backend sees."""
    return spec.get("hostname") or host, _new_path(spec.get("path"), match, path) + (f"?{query}" if query else "")
