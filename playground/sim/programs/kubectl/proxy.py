"""`kubectl proxy [--port=8001] [--address=127.0.0.1]`: an HTTP server on the learner's machine that hands
every request to the API server with the kubeconfig's credentials (cluster-admin), while it runs.

kubectl's staging/src/k8s.io/kubectl/pkg/cmd/proxy/proxy.go is the reference: it listens first, prints
"Starting to serve on <l.Addr()>" (Go's listener on 0.0.0.0 is dual-stack, so it prints [::]:8001), and a
failed listen is cmdutil.CheckErr's "error: listen tcp 127.0.0.1:8001: bind: address already in use".
pkg/proxy/proxy_server.go's FilterServer answers 403 "<h3>Unauthorized</h3>" for a Host outside
--accept-hosts or a path in --reject-paths (exec and attach by default).

What the API server answers is the apiserver's (staging/src/k8s.io/apiserver/pkg/endpoints): JSON pretty
printed with two spaces for curl's User-Agent (handlers/responsewriters), typed objects in Go struct order,
lists as `<Kind>List` with metadata.resourceVersion and items without kind/apiVersion, NotFound Status
objects with the resource's `"name" not found` message; discovery at /api and /apis (groups in the
aggregator's priority order, pkg/controlplane/apiserver/aggregator.go), /version, /healthz. The
`services/NAME:PORT/proxy/` and `pods/NAME:PORT/proxy/` subresources connect to a ready endpoint's pod IP
the way pkg/registry/core/service/storage (ResourceLocation) and pkg/registry/core/pod/strategy do, so the
request takes the simulated network from the node to the pod.

The binding lives in cluster.runtime["host_ports"] as {"proxy": ...} while the job runs, so curl on the
host reaches it (network._host_loopback); stopping the job unbinds it.
"""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, unquote

from ... import jobs, labels, network, resources as res, webcontent
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .misc import SERVER_VERSION
from .objout import ORDER, go_order

DEFAULT_PORT = 8001
DAEMON = "kubectl-proxy"           # the Backend name network._host_loopback gives a proxied connection
ACCEPT_HOSTS = r"^localhost$,^127\.0\.0\.1$,^\[::1\]$"
REJECT_PATHS = r"^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach"
NOT_FOUND = "the server could not find the requested resource"

# The aggregator's group priorities (GroupPriorityMinimum, highest first; ties by name), and the version
# priorities inside a group (autoscaling/v2 before v1). CRD groups come after, at 1000.
GROUP_PRIORITY = {"apiregistration.k8s.io": 18000, "apps": 17800, "events.k8s.io": 17750,
                  "authentication.k8s.io": 17700, "authorization.k8s.io": 17600, "autoscaling": 17500,
                  "batch": 17400, "certificates.k8s.io": 17300, "networking.k8s.io": 17200, "policy": 17100,
                  "rbac.authorization.k8s.io": 17000, "storage.k8s.io": 16800,
                  "admissionregistration.k8s.io": 16700, "apiextensions.k8s.io": 16700,
                  "scheduling.k8s.io": 16600, "coordination.k8s.io": 16500, "node.k8s.io": 16300,
                  "discovery.k8s.io": 16200, "flowcontrol.apiserver.k8s.io": 16100, "resource.k8s.io": 15900}
VERSION_RANK = {"v2": 0, "v1": 1, "v1beta3": 2, "v1beta2": 3, "v1beta1": 4, "v1alpha1": 5}


def _regexps(text: str) -> list[re.Pattern]:
    return [re.compile(p) for p in text.split(",") if p]


@command("proxy", flags=flags_from_help("proxy"), needs_server=False)
def proxy(inv: Invocation) -> int:
    """It reaches the API server only per request, so it starts with the cluster down; cobra's command takes
    no Args validator, so extra words are ignored."""
    f = inv.flags
    if f.get("unix-socket"):
        raise KubectlError("podscape: kubectl proxy --unix-socket is not simulated; use --port")
    if f.get("www"):
        raise KubectlError("podscape: kubectl proxy --www (static files) is not simulated")
    port = int(f.get("port", DEFAULT_PORT))
    address = f.get("address") or "127.0.0.1"
    bound = inv.cluster.runtime.setdefault("host_ports", {})
    if port == 0:
        port = inv.cluster.randint(32768, 60999)
        while str(port) in bound:
            port += 1
    if str(port) in bound:
        if not bound:
            inv.cluster.runtime.pop("host_ports", None)
        raise KubectlError(f"listen tcp {address}:{port}: bind: address already in use")
    shown = f"[::]:{port}" if address in ("0.0.0.0", "::", "") else (
        f"[{address}]:{port}" if ":" in address else f"{address}:{port}")
    prefix = f.get("api-prefix") or "/"
    p = ApiProxy({"port": port, "session": inv.proc.host.session})
    if not jobs.spawn(inv.proc, p):
        if not bound:
            inv.cluster.runtime.pop("host_ports", None)
        inv.err("podscape: kubectl proxy serves only while it runs as a command of its own (or with &); "
                "it ended here\n")
        return 1
    bound[str(port)] = {"proxy": {
        "prefix": prefix if prefix.endswith("/") else prefix + "/",
        "filter": not f.get("disable-filter"),
        "accept_hosts": f.get("accept-hosts") or ACCEPT_HOSTS,
        "accept_paths": f.get("accept-paths") or "^.*",
        "reject_paths": f.get("reject-paths") if "reject-paths" in inv.changed else REJECT_PATHS,
        "reject_methods": f.get("reject-methods") if "reject-methods" in inv.changed else "^$",
    }, "session": p.state["session"]}
    inv.out(f"Starting to serve on {shown}\n")
    return 0


@jobs.process("kubectl-proxy")
class ApiProxy(jobs.Process):
    """Runs until Ctrl-C or kill; holds its port."""

    def stop(self, engine) -> None:
        bound = engine.cluster.runtime.get("host_ports") or {}
        entry = bound.get(str(self.state["port"]))
        if entry and "proxy" in entry and entry.get("session") == self.state.get("session"):
            bound.pop(str(self.state["port"]), None)
        if not bound:
            engine.cluster.runtime.pop("host_ports", None)


# ---- the proxy server: filter, then the API server ---------------------------------------------------
def _stable_uid(cluster, name: str) -> str:
    """The uid of one of the cluster's bootstrap objects (the `exempt` FlowSchema and PriorityLevel)."""
    import hashlib
    h = hashlib.blake2b(f"{cluster.seed}:{name}".encode(), digest_size=16).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def _headers(ctype: str, body: str, now: float, cluster) -> list:
    """The API server's headers as Go's net/http writes them through the proxy (sorted by name): the audit
    id, cache control, and API Priority and Fairness' flow schema (cluster-admin is system:masters: exempt)."""
    hdrs = [("Audit-Id", cluster.uid()), ("Cache-Control", "no-cache, private"), ("Content-Type", ctype),
            ("Date", webcontent.http_date(now)), ("Content-Length", str(len(body.encode()))),
            ("X-Kubernetes-Pf-Flowschema-Uid", _stable_uid(cluster, "flowschema/exempt")),
            ("X-Kubernetes-Pf-Prioritylevel-Uid", _stable_uid(cluster, "prioritylevel/exempt"))]
    if ctype.startswith("text/plain"):
        hdrs.append(("X-Content-Type-Options", "nosniff"))
    return sorted(hdrs, key=lambda kv: kv[0].lower())


def _response(cluster, status: int, ctype: str, body: str, now: float) -> webcontent.Response:
    return webcontent.Response(status, webcontent.REASONS.get(status, ""), _headers(ctype, body, now, cluster), body)


def _json(value) -> str:
    """encoding/json with json.Indent(.., "", "  "): Go escapes <, > and & in strings."""
    text = json.dumps(value, indent=2, ensure_ascii=False, separators=(",", ": "))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def status_body(code: int, reason: str, message: str, details: dict | None = None) -> str:
    body: dict = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
                  "reason": reason}
    if details is not None:
        body["details"] = details
    body["code"] = code
    return _json(body)


def answer(engine, req: webcontent.Request, port: int) -> webcontent.Response:
    """One request to `kubectl proxy` on `port`."""
    cluster, now = engine.cluster, engine.cluster.now
    entry = ((cluster.runtime.get("host_ports") or {}).get(str(port)) or {}).get("proxy") or {}
    path = unquote(req.path.split("?", 1)[0]) or "/"
    host = req.host
    m = re.fullmatch(r"\[([^\]]*)\](?::\d*)?|([^:]*)(?::\d*)?", host)
    host = (m.group(1) or m.group(2) or "") if m else host      # proxy_server.go extractHost
    if entry.get("filter", True):
        ok = not any(r.search(req.method) for r in _regexps(entry.get("reject_methods", "^$"))) and \
            not any(r.search(path) for r in _regexps(entry.get("reject_paths", REJECT_PATHS))) and \
            any(r.search(path) for r in _regexps(entry.get("accept_paths", "^.*"))) and \
            any(r.search(host) for r in _regexps(entry.get("accept_hosts", ACCEPT_HOSTS)))
        if not ok:
            body = "<h3>Unauthorized</h3>"
            return webcontent.Response(403, "Forbidden", [("Content-Length", str(len(body))),
                                                          ("Content-Type", "text/html; charset=utf-8"),
                                                          ("Date", webcontent.http_date(now))], body)
    prefix = entry.get("prefix", "/")
    if not path.startswith(prefix) and path + "/" != prefix:
        body = "404 page not found\n"
        return webcontent.Response(404, "Not Found", [("Content-Length", str(len(body))),
                                                      ("Content-Type", "text/plain; charset=utf-8"),
                                                      ("Date", webcontent.http_date(now)),
                                                      ("X-Content-Type-Options", "nosniff")], body)
    path = "/" + path[len(prefix):] if prefix != "/" else path
    query = parse_qs(req.path.split("?", 1)[1]) if "?" in req.path else {}
    return apiserver(engine, req, path, query)


def apiserver(engine, req: webcontent.Request, path: str, query: dict) -> webcontent.Response:
    """What the API server answers a cluster-admin's request for `path`."""
    cluster, now = engine.cluster, engine.cluster.now
    if not cluster.running:
        # minikube stop took the context away: kubectl's client config falls back to localhost:8080, and the
        # proxy's responder answers http.Error(err, 500)
        body = network.dial_error("GET", path).split(": ", 1)[1] + "\n"
        return webcontent.Response(500, "Internal Server Error", [
            ("Content-Length", str(len(body))), ("Content-Type", "text/plain; charset=utf-8"),
            ("Date", webcontent.http_date(now)), ("X-Content-Type-Options", "nosniff")], body)
    if path in ("/healthz", "/livez", "/readyz"):
        return _response(cluster, 200, "text/plain; charset=utf-8", "ok", now)
    if path in ("/version", "/version/"):
        return _response(cluster, 200, "application/json", _json(SERVER_VERSION), now)
    sub = re.fullmatch(r"/api/v1/namespaces/([^/]+)/(services|pods)/([^/]+)/proxy(/.*)?", path)
    if sub:
        return _proxy_subresource(engine, req, sub.group(1), sub.group(2), sub.group(3), sub.group(4) or "/")
    if req.method not in ("GET", "HEAD"):
        return _unsimulated(cluster, now, f"{req.method} requests")
    if query.get("watch") and query["watch"][0] not in ("0", "false"):
        return _unsimulated(cluster, now, "watch requests")
    if path in ("/api", "/api/"):
        return _response(cluster, 200, "application/json", _json(
            {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": f"{network.NODE_IP}:{network.API_SERVER_PORT}"}]}), now)
    if path in ("/apis", "/apis/"):
        return _response(cluster, 200, "application/json", _json(
            {"kind": "APIGroupList", "apiVersion": "v1", "groups": [_group(g, vs) for g, vs in _groups()]}), now)
    m = re.fullmatch(r"/apis/([^/]+)/?", path)
    if m:
        found = dict(_groups()).get(m.group(1))
        if found is None:
            return _not_found(cluster, now, NOT_FOUND, {})
        return _response(cluster, 200, "application/json",
                         _json({"kind": "APIGroup", "apiVersion": "v1", **_group(m.group(1), found)}), now)
    m = re.fullmatch(r"/api/(v1)(/.*)?|/apis/([^/]+)/([^/]+)(/.*)?", path)
    if not m:
        return _not_found(cluster, now, NOT_FOUND, {})
    group, version, rest = ("", "v1", m.group(2)) if m.group(1) else (m.group(3), m.group(4), m.group(5))
    parts = [p for p in (rest or "").split("/") if p]
    if not parts:
        return _unsimulated(cluster, now, f"the resource list of {group + '/' if group else ''}{version}")
    return _resource(engine, group, version, parts, query)


def _groups() -> list[tuple[str, list[str]]]:
    found: dict[str, set[str]] = {}
    for r in res.served():
        if r.group:
            found.setdefault(r.group, set()).add(r.version)
    order = sorted(found, key=lambda g: (-GROUP_PRIORITY.get(g, 1000), g))
    return [(g, sorted(found[g], key=lambda v: (VERSION_RANK.get(v, 9), v))) for g in order]


def _group(name: str, versions: list[str]) -> dict:
    gv = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"name": name, "versions": gv, "preferredVersion": dict(gv[0])}


def _unsimulated(cluster, now: float, what: str) -> webcontent.Response:
    body = f"podscape: the playground's API server does not serve {what} through kubectl proxy\n"
    return webcontent.Response(501, "Not Implemented", [("Content-Length", str(len(body))),
                                                        ("Content-Type", "text/plain; charset=utf-8"),
                                                        ("Date", webcontent.http_date(now))], body)


def _not_found(cluster, now: float, message: str, details: dict) -> webcontent.Response:
    return _response(cluster, 404, "application/json", status_body(404, "NotFound", message, details), now)


def _typed(obj: dict, kind: str, in_list: bool) -> dict:
    data = go_order(obj, kind)
    if in_list and kind in _objout_kinds():
        data = {k: v for k, v in data.items() if k not in ("kind", "apiVersion")}
    return data


def _objout_kinds() -> set[str]:
    return set(ORDER)


def _resource(engine, group: str, version: str, parts: list[str], query: dict) -> webcontent.Response:
    """GET of a list (one namespace or all) or of one object."""
    cluster, now = engine.cluster, engine.cluster.now
    namespace = None
    if parts[0] == "namespaces" and len(parts) >= 3:
        namespace, parts = parts[1], parts[2:]
    r = res.by_plural(parts[0])
    if r is None or r.group != group or r.version != version or (namespace is not None and not r.namespaced):
        if parts[0] == "namespaces" and namespace is None and not group and len(parts) <= 2:
            r = res.by_plural("namespaces")
        else:
            return _not_found(cluster, now, NOT_FOUND, {})
    assert r is not None
    if len(parts) > 2:
        return _unsimulated(cluster, now, f"the {parts[2]} subresource")
    if len(parts) == 2:
        obj = cluster.get(r.plural, namespace if r.namespaced else None, parts[1])
        if obj is None:
            details = {"name": parts[1], **({"group": r.group} if r.group else {}), "kind": r.plural}
            return _not_found(cluster, now, f'{r.qualified} "{parts[1]}" not found', details)
        return _response(cluster, 200, "application/json", _json(_typed(obj, r.kind, False)), now)
    items = cluster.list(r.plural, namespace if r.namespaced else None)
    selector = (query.get("labelSelector") or [""])[0]
    if selector:
        try:
            reqs = labels.parse_selector(selector)
        except labels.SelectorError as exc:
            return _response(cluster, 400, "application/json",
                             status_body(400, "BadRequest", f"unable to parse requirement: {exc}"), now)
        items = [o for o in items if labels.requirements_match(reqs, o["metadata"].get("labels") or {})]
    if query.get("fieldSelector"):
        return _unsimulated(cluster, now, "fieldSelector queries")
    body = {"kind": f"{r.kind}List", "apiVersion": r.api_version,
            "metadata": {"resourceVersion": str(cluster.resource_version)},
            "items": [_typed(o, r.kind, True) for o in items]}
    return _response(cluster, 200, "application/json", _json(body), now)


# ---- services/NAME:PORT/proxy and pods/NAME:PORT/proxy ------------------------------------------------
def _split_id(ident: str) -> tuple[str, str, str]:
    """net.SplitSchemeNamePort: `name`, `name:port`, `scheme:name:port`."""
    parts = ident.split(":")
    if len(parts) == 3 and parts[0] in ("http", "https"):
        return parts[0], parts[1], parts[2]
    if len(parts) == 2:
        return "", parts[0], parts[1]
    return "", ident, ""


def node_source() -> network.Source:
    """The API server's connections leave the control-plane node (it runs in the host network)."""
    return network.Source("node", f"node/{network.NODE_NAME}", "kube-apiserver", network.NODE_IP)


def _proxy_subresource(engine, req: webcontent.Request, ns: str, kind: str, ident: str,
                       rest: str) -> webcontent.Response:
    cluster, now = engine.cluster, engine.cluster.now
    scheme, name, port_s = _split_id(ident)
    if kind == "services":
        svc = cluster.get("services", ns, name)
        if svc is None:
            return _not_found(cluster, now, f'services "{name}" not found', {"name": name, "kind": "services"})
        wanted = port_s
        if port_s.isdigit():     # a number names the Service port with that number
            wanted = next((p.get("name", "") for p in svc["spec"].get("ports") or []
                           if int(p.get("port", 0)) == int(port_s)), port_s)
        candidates = []
        for sp in svc["spec"].get("ports") or []:
            if (sp.get("name") or "") == wanted:
                candidates = network.ready_endpoints(cluster, svc, sp)
                break
        if not candidates:
            return _response(cluster, 503, "application/json", status_body(
                503, "ServiceUnavailable", f'no endpoints available for service "{ident}"'), now)
        pod, target_port = network.pick(cluster, svc, candidates, network.NODE_IP)
    else:
        pod = cluster.get("pods", ns, name)
        if pod is None:
            return _not_found(cluster, now, f'pods "{name}" not found', {"name": name, "kind": "pods"})
        target_port = int(port_s) if port_s.isdigit() else 80
        if port_s and not port_s.isdigit():
            target_port = next((int(cp["containerPort"]) for c in pod["spec"].get("containers", [])
                                for cp in c.get("ports") or [] if cp.get("name") == port_s), 0)
            if not target_port:
                return _response(cluster, 503, "application/json", status_body(
                    503, "ServiceUnavailable", f"error trying to reach service: unable to find port {port_s}"), now)
    ip = pod.get("status", {}).get("podIP", "")
    if not ip:
        return _response(cluster, 400, "application/json",
                         status_body(400, "BadRequest", "address not allowed"), now)
    if scheme == "https":
        return _unsimulated(cluster, now, "https: backends")
    w = network.walk(cluster, {}, node_source(), ip, target_port)
    engine.trace(w.as_trace())
    if not w.ok or w.backend is None:
        why = "i/o timeout" if w.verdict == "timeout" else "connect: connection refused"
        return _response(cluster, 503, "application/json", status_body(
            503, "ServiceUnavailable", f"error trying to reach service: dial tcp {ip}:{target_port}: {why}"), now)
    b = w.backend
    query = "?" + req.path.split("?", 1)[1] if "?" in req.path else ""
    up_req = webcontent.Request(method=req.method, path=rest + query, host=f"{ip}:{target_port}",
                                headers=[("Host", f"{ip}:{target_port}")] +
                                [(k, v) for k, v in req.headers if k.lower() != "host"] +
                                [("X-Forwarded-For", "127.0.0.1, 192.168.49.1")],
                                client_ip=network.CNI_GATEWAY_IP, body=req.body)
    up = webcontent.serve(b.image, b.port, up_req, now, b.pod, b.ip, webcontent.ServeContext(cluster, {}, pod))
    network.record_access(cluster, b.namespace, b.pod, up.log_line)
    if up.raw is not None or up.empty_reply:
        return _response(cluster, 503, "application/json", status_body(
            503, "ServiceUnavailable", "error trying to reach service: EOF"), now)
    skip = {"audit-id", "cache-control", "date", "connection"}
    extra = [(k, v) for k, v in up.headers if k.lower() not in skip]
    hdrs = [("Audit-Id", cluster.uid()), ("Cache-Control", "no-cache, private"),
            ("Date", webcontent.http_date(now))] + extra
    return webcontent.Response(up.status, up.reason, sorted(hdrs, key=lambda kv: kv[0].lower()), up.body)
