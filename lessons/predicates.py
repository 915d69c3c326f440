"""State predicates beyond the lesson basics (checks.py): for exercises and any lesson step.

    {object: deployment/web, fields: {spec.replicas: 3, spec.template.spec.containers.0.image: nginx},
     namespace: default, exists: true}
        an object of any kind exists (or not, exists: false) with these fields (dotted paths, list indexes)
    {reaches: web, pods: "app=web", namespace: default}
        Service web sends traffic to exactly the ready pods matching the selector (at least one)
    {request: {from: "app=frontend", to: service/db, port: 3306}, allowed: true, namespace: default}
        a TCP connection from a ready pod matching `from` (or from: host, the learner's machine) to `to`
        (service/NAME, pod/NAME, a label selector: its first ready pod, or an address) gets through
        (allowed: true) or does not (allowed: false: dropped, refused or unreachable)
    {route: "wp.example.com/blog", service: wordpress, port: 80}
        the running ingress controller sends a request for that host and path to that Service (and port)
    {gateway_request: "foo.example.com/hello", service: newdeploy, gateway: eg, port: 80, namespace: default,
     share: 10, status: 301, location: "http://new.example.com/"}
        Envoy Gateway's proxy for Gateway `gateway` (default eg), on its listener `port` (default 80), sends a GET
        for that host and path to a rule whose backends include Service `service` (with `share` percent of the
        rule's weight), or answers `status` itself (a redirect, with its Location); the same routing.decide the
        proxy answers curl with
    {cluster: running, cni: calico}   {cluster: stopped}   {cluster: deleted}
        minikube's state: stopped holds for a stopped or a deleted cluster (nothing runs); cni names the
        network plugin of a running cluster (bridge, calico, cilium, flannel)

Pure (no Django). `network.walk` is the same walk curl takes, so a predicate and the learner's curl agree;
grading runs it on a copy of the cluster (grade.py) so a check leaves no access-log lines or random draws.
"""
from __future__ import annotations

from playground.sim import ingress, network, policy, resources
from playground.sim.controllers import is_ready
from playground.sim.diagnose_gateway import request_problem
from playground.sim.gateway import envoy, routing, status
from playground.sim.labels import parse_selector, requirements_match

OBJECT_KEYS = {"object", "namespace", "fields", "exists"}
REACHES_KEYS = {"reaches", "namespace", "pods"}
REQUEST_KEYS = {"request", "namespace", "allowed"}
REQUEST_PARTS = {"from", "to", "port", "protocol"}
ROUTE_KEYS = {"route", "namespace", "service", "port"}
CLUSTER_KEYS = {"cluster", "cni"}
GATEWAY_REQUEST_KEYS = {"gateway_request", "gateway", "port", "namespace", "service", "share", "status", "location"}
CLUSTER_STATES = ("running", "stopped", "deleted")
KEYS = {"object": OBJECT_KEYS, "reaches": REACHES_KEYS, "request": REQUEST_KEYS, "route": ROUTE_KEYS,
        "cluster": CLUSTER_KEYS, "gateway_request": GATEWAY_REQUEST_KEYS}
MISSING = object()


def validate(kind: str, pred: dict) -> str | None:
    unknown = set(pred) - KEYS[kind]
    if unknown:
        return f"unknown key(s) for {kind}: {', '.join(sorted(unknown))}"
    if kind == "object":
        if not isinstance(pred["object"], str) or pred["object"].count("/") != 1:
            return "object must be KIND/NAME, such as deployment/web"
        if resources.lookup(pred["object"].split("/")[0]) is None:
            return f"object: unknown kind {pred['object'].split('/')[0]!r}"
        if "fields" in pred and (not isinstance(pred["fields"], dict) or not pred["fields"]):
            return "fields must map dotted paths to values, such as {spec.replicas: 3}"
        if "exists" in pred and not isinstance(pred["exists"], bool):
            return "exists must be true or false"
    elif kind == "reaches":
        if not isinstance(pred["reaches"], str) or not isinstance(pred.get("pods"), str):
            return "reaches needs a Service name and pods: a label selector"
    elif kind == "request":
        req = pred["request"]
        if not isinstance(req, dict) or not {"from", "to", "port"} <= set(req):
            return "request needs from, to and port, such as {from: app=frontend, to: service/db, port: 3306}"
        if set(req) - REQUEST_PARTS:
            return f"unknown key(s) for request: {', '.join(sorted(set(req) - REQUEST_PARTS))}"
        if not isinstance(req["port"], int) or isinstance(req["port"], bool):
            return "request port must be an integer"
        if not isinstance(pred.get("allowed"), bool):
            return "request needs allowed: true or allowed: false"
    elif kind == "cluster":
        if pred["cluster"] not in CLUSTER_STATES:
            return f"cluster must be one of {', '.join(CLUSTER_STATES)}"
        if "cni" in pred and not isinstance(pred["cni"], str):
            return "cni must be the name of a network plugin, such as calico"
    elif kind == "gateway_request":
        if not isinstance(pred["gateway_request"], str) or "/" not in pred["gateway_request"]:
            return "gateway_request needs HOST/PATH, such as foo.example.com/hello"
        if ("service" in pred) == ("status" in pred):
            return "gateway_request needs either service: NAME or status: CODE"
    elif kind == "route":
        if not isinstance(pred["route"], str) or not pred["route"] or not isinstance(pred.get("service"), str):
            return "route needs HOST/PATH (such as foo.example.com/) and service: NAME"
        if "port" in pred and not isinstance(pred["port"], (int, str)):
            return "route port must be a number or a port name"
    return None


# ---- object exists with fields ---------------------------------------------------------------------
def _dig(obj, path: str):
    cur = obj
    for part in path.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return MISSING
    return cur


def _same(have, want) -> bool:
    if isinstance(want, (dict, list)):
        return have == want
    if isinstance(want, bool) or isinstance(have, bool):
        return have is want
    return str(have) == str(want)


def _object(cluster, p: dict) -> str | None:
    kind, name = p["object"].split("/")
    r = resources.lookup(kind)
    ns = p.get("namespace", "default") if r.namespaced else ""
    obj = cluster.get(r.plural, ns, name)
    label = f"{r.kind} {name}" + ("" if ns in ("", "default") else f" in namespace {ns}")
    if p.get("exists") is False:
        return f"{label} still exists" if obj else None
    if obj is None:
        return f"there is no {label}"
    for path, want in (p.get("fields") or {}).items():
        have = _dig(obj, str(path))
        if have is MISSING:
            return f"{label} has no {path} (the task wants {want!r})"
        if not _same(have, want):
            return f"{label} has {path} = {have!r}, the task wants {want!r}"
    return None


# ---- a Service reaches these pods --------------------------------------------------------------------
def _matching_pods(cluster, ns: str, selector: str) -> list[dict] | str:
    try:
        reqs = parse_selector(selector)
    except ValueError:
        return f"bad selector {selector!r}"
    return [x for x in cluster.list("pods", ns) if requirements_match(reqs, x["metadata"].get("labels") or {})
            and not x["metadata"].get("deletionTimestamp")]


def _ready(pods: list[dict]) -> list[dict]:
    return [x for x in pods if is_ready(x)]


def _reaches(cluster, p: dict) -> str | None:
    name, ns = p["reaches"], p.get("namespace", "default")
    if cluster.get("services", ns, name) is None:
        return f"there is no Service named {name}" + ("" if ns == "default" else f" in namespace {ns}")
    pods = _matching_pods(cluster, ns, p["pods"])
    if isinstance(pods, str):
        return pods
    want = {x["metadata"]["name"] for x in _ready(pods)}
    if not want:
        return f"no ready pod matches {p['pods']} yet"
    ep = cluster.get("endpoints", ns, name) or {}
    have = {(a.get("targetRef") or {}).get("name") or a.get("ip")
            for s in ep.get("subsets") or [] for a in s.get("addresses") or []}
    if not have:
        return f"Service {name} has no endpoints: its selector matches no ready pod"
    if have != want:
        extra, missing = sorted(have - want), sorted(want - have)
        bits = ([f"also sends traffic to {', '.join(extra)}"] if extra else []) + \
               ([f"does not reach {', '.join(missing)}"] if missing else [])
        return f"Service {name} " + " and ".join(bits)
    return None


# ---- a request from A to B:port ----------------------------------------------------------------------
def _first_ready(cluster, ns: str, selector: str) -> dict | str:
    pods = _matching_pods(cluster, ns, selector)
    if isinstance(pods, str):
        return pods
    ready = _ready(pods)
    return ready[0] if ready else f"no ready pod matches {selector}"


def _destination(cluster, ns: str, to: str) -> str | tuple[str]:
    """The address to connect to, or (reason,) when there is nothing to connect to."""
    if to.startswith(("service/", "svc/")):
        svc = cluster.get("services", ns, to.split("/", 1)[1])
        if svc is None:
            return (f"there is no Service named {to.split('/', 1)[1]}",)
        return svc["spec"].get("clusterIP") or ""
    if to.startswith("pod/"):
        pod = cluster.get("pods", ns, to.split("/", 1)[1])
        if pod is None:
            return (f"there is no pod named {to.split('/', 1)[1]}",)
        return (pod.get("status") or {}).get("podIP") or ""
    if "=" in to:
        pod = _first_ready(cluster, ns, to)
        return (pod,) if isinstance(pod, str) else (pod.get("status") or {}).get("podIP") or ""
    return to


def _request(cluster, host_files: dict, p: dict) -> str | None:
    req, ns = p["request"], p.get("namespace", "default")
    src, to, port = str(req["from"]), str(req["to"]), int(req["port"])
    what = f"a request from {src} to {to}:{port}"
    if src == "host":
        source = network.HOST
    else:
        pod = _first_ready(cluster, ns, src)
        if isinstance(pod, str):
            return f"{pod} to send {what.replace('a request ', 'the request ')}"
        source = network.pod_source(pod)
    dest = _destination(cluster, ns, to)
    if isinstance(dest, tuple):
        return dest[0]
    w = network.walk(cluster, host_files, source, dest, port, req.get("protocol", "TCP"))
    if p["allowed"] and not w.ok:
        return f"{what} is not answered ({w.verdict}{': ' + w.reason if w.reason else ''})"
    if not p["allowed"] and w.ok:
        return f"{what} gets through; it should be blocked"
    return None


# ---- an Ingress routes host/path to a Service -------------------------------------------------------
def _route(cluster, p: dict) -> str | None:
    host, _, path = p["route"].partition("/")
    path = "/" + path
    if not ingress.controller_pods(cluster):
        return "no ingress controller is running (minikube addons enable ingress)"
    r = ingress.match(cluster, host, path)
    svc = ((r.backend or {}).get("service") or {})
    if not svc:
        return f"no Ingress rule sends {host}{path} to a Service"
    if svc.get("name") != p["service"]:
        return f"{host}{path} goes to Service {svc.get('name')}, not {p['service']}"
    if "port" in p:
        port = svc.get("port") or {}
        have = port.get("number", port.get("name"))
        if str(have) != str(p["port"]):
            return f"{host}{path} goes to port {have} of Service {p['service']}, not {p['port']}"
    return None


# ---- a request through Envoy Gateway's proxy --------------------------------------------------------
def _gateway_request(cluster, p: dict) -> str | None:
    host, _, path = p["gateway_request"].partition("/")
    path = "/" + path
    name, ns, port = p.get("gateway", "eg"), p.get("namespace", "default"), int(p.get("port", 80))
    if not envoy.running(cluster):
        return "Envoy Gateway's controller is not running (helm install eg ..., then kubectl wait for it)"
    gw = cluster.get("gateways", ns, name)
    if gw is None:
        return f"there is no Gateway {name}" + ("" if ns == "default" else f" in namespace {ns}")
    counter = cluster.counter            # a weighted rule draws from the sandbox's dice: leave them as they were
    try:
        d = routing.decide(cluster, status.translate(cluster), gw, port, "GET", path, host, [("Host", host)])
    finally:
        cluster.counter = counter
    what = f"a request for {host}{path} through Gateway {name}"
    why = _gateway_request_failure(cluster, p, d, what, host, path)
    if why is None:
        return None
    found = request_problem(cluster, gw, host, d.route)
    return found.text() if found is not None else why      # the cause, and its fix last


def _gateway_request_failure(cluster, p: dict, d, what: str, host: str, path: str) -> str | None:
    if "status" in p:
        if d.status != int(p["status"]):
            return f"{what} is answered {d.status or 'by a backend'}, not {p['status']}"
        if "location" in p and d.location != p["location"]:
            return f"{what} is redirected to {d.location or 'nowhere'}, not {p['location']}"
        return None
    if d.route is None:
        return f"{what} matches no HTTPRoute ({d.reason})"
    rule = ((d.route.get("spec") or {}).get("rules") or [])[d.rule_index]
    refs = [r for r in rule.get("backendRefs") or [] if int(r.get("weight", 1)) > 0]
    mine = [r for r in refs if r.get("name") == p["service"]]
    rname = d.route["metadata"]["name"]
    if not mine:
        names = ", ".join(r.get("name", "") for r in refs) or "no Service"
        return f"{what} goes by HTTPRoute {rname} to {names}, not {p['service']}"
    problem = status.backend_problem(cluster, d.route, mine[0])
    if problem is not None:
        return f"HTTPRoute {rname} cannot send to {p['service']}: {problem[1]}"
    if "share" in p:
        total = sum(int(r.get("weight", 1)) for r in refs)
        share = round(100 * sum(int(r.get("weight", 1)) for r in mine) / total)
        if share != int(p["share"]):
            return f"{p['service']} gets {share}% of the requests for {host}{path}, not {p['share']}%"
    return None


# ---- minikube itself --------------------------------------------------------------------------------
def _cluster(cluster, p: dict) -> str | None:
    down = network.node_reachable(cluster)
    state = down or "running"
    if p["cluster"] == "stopped" and state == "running":
        return "the cluster is still running"
    if p["cluster"] in ("running", "deleted") and state != p["cluster"]:
        return f"the cluster is {state}, not {p['cluster']}"
    cni = (getattr(cluster, "cni", "") or "bridge").lower()
    if "cni" in p and state == "running" and cni != p["cni"].lower():
        return f"the cluster runs the {policy.cni_label(cluster)} network plugin, not {p['cni']}"
    return None


def evaluate(kind: str, pred: dict, cluster, host_files: dict | None = None) -> str | None:
    if kind == "cluster":
        return _cluster(cluster, pred)
    if kind == "object":
        return _object(cluster, pred)
    if kind == "reaches":
        return _reaches(cluster, pred)
    if kind == "route":
        return _route(cluster, pred)
    if kind == "request":
        return _request(cluster, host_files or {}, pred)
    if kind == "gateway_request":
        return _gateway_request(cluster, pred)
    return f"unknown predicate {kind!r}"
