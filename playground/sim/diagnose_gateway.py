"""Why an HTTPRoute does not carry traffic, in the words of diagnose.py (a Diagnosis: cause, and a fix that
works now).

The common mistakes of a first Gateway API route, read from the route's spec and from the status Envoy
Gateway wrote (gateway/status.py): a parentRef naming no Gateway, a sectionName or port no listener has
(NoMatchingParent), a listener that allows routes only from its own namespace (NotAllowedByListeners), no
hostname shared with the listener (NoMatchingListenerHostname), a backendRef to a Service that does not
exist (ResolvedRefs False, BackendNotFound). Pure: reads the cluster, never changes it.
"""
from __future__ import annotations

import difflib
import json

from .diagnosis import Diagnosis
from .gateway import envoy, status as gwstatus


def _patch(kind: str, name: str, ns: str, ops: list[dict]) -> str:
    flag = "" if ns == "default" else f" -n {ns}"
    return f"kubectl patch {kind} {name}{flag} --type=json -p '{json.dumps(ops, separators=(',', ':'))}'"


def _conditions(route: dict, index: int, ref: dict) -> dict:
    """The route's status conditions for parentRef `index`, by type."""
    want = (ref.get("namespace") or route["metadata"]["namespace"], ref.get("name"), ref.get("sectionName"))
    for p in (route.get("status") or {}).get("parents") or []:
        pr = p.get("parentRef") or {}
        if (pr.get("namespace") or route["metadata"]["namespace"], pr.get("name"), pr.get("sectionName")) == want:
            return {c.get("type"): c for c in p.get("conditions") or []}
    return {}


def _listeners_text(gw: dict) -> str:
    parts = []
    for li in (gw.get("spec") or {}).get("listeners") or []:
        parts.append(f"{li.get('name')} ({li.get('protocol')} {li.get('port')}"
                     + (f", {li['hostname']}" if li.get("hostname") else "") + ")")
    return ", ".join(parts) or "none"


def _parent_problem(cluster, route: dict, i: int, ref: dict):
    meta = route["metadata"]
    name, ns = meta["name"], meta["namespace"]
    if ref.get("group", envoy.GROUP) != envoy.GROUP or ref.get("kind", "Gateway") != "Gateway":
        return None
    gw_ns = ref.get("namespace") or ns
    gw = cluster.get("gateways", gw_ns, ref.get("name", ""))
    if gw is None:
        there = sorted(g["metadata"]["name"] for g in cluster.list("gateways", gw_ns))
        fix = _patch("httproute", name, ns, [{"op": "replace", "path": f"/spec/parentRefs/{i}/name",
                                              "value": there[0]}]) if there else None
        return Diagnosis(f"HTTPRoute {name}'s parentRef names Gateway {ref.get('name')}, which does not exist in "
                         f"namespace {gw_ns} (Gateways there: {', '.join(there) or 'none'}), so no Gateway takes "
                         "the route and it has no status.", fix)
    conds = _conditions(route, i, ref)
    accepted = conds.get("Accepted")
    if accepted is None or accepted.get("status") != "False":
        return None
    reason, gname = accepted.get("reason"), gw["metadata"]["name"]
    if reason == "NoMatchingParent":
        what = " and ".join(f"{k} {ref[k]}" for k in ("sectionName", "port") if ref.get(k) is not None)
        first = ((gw.get("spec") or {}).get("listeners") or [{}])[0].get("name", "")
        op = [{"op": "replace", "path": f"/spec/parentRefs/{i}/sectionName", "value": first}] \
            if ref.get("sectionName") is not None else [{"op": "remove", "path": f"/spec/parentRefs/{i}/port"}]
        return Diagnosis(f"HTTPRoute {name} asks for the listener with {what} of Gateway {gname}, which has no "
                         f"such listener (its listeners: {_listeners_text(gw)}): Accepted is False, "
                         "NoMatchingParent.", _patch("httproute", name, ns, op))
    if reason == "NotAllowedByListeners":
        return Diagnosis(f"Gateway {gname}'s listeners take routes only from namespace {gw_ns} (allowedRoutes "
                         f"namespaces from: Same is the default), and HTTPRoute {name} is in namespace {ns}: "
                         "Accepted is False, NotAllowedByListeners.",
                         _patch("gateway", gname, gw_ns, [{"op": "add", "path": "/spec/listeners/0/allowedRoutes",
                                                           "value": {"namespaces": {"from": "All"}}}]))
    if reason == "NoMatchingListenerHostname":
        hosts = ", ".join((route.get("spec") or {}).get("hostnames") or []) or "*"
        return Diagnosis(f"None of HTTPRoute {name}'s hostnames ({hosts}) matches a hostname of Gateway "
                         f"{gname}'s listeners ({_listeners_text(gw)}): Accepted is False, "
                         "NoMatchingListenerHostname. Requests for those names get 404 from Envoy.")
    return Diagnosis(f"HTTPRoute {name} is not accepted by Gateway {gname}: {reason}: {accepted.get('message')}")


def _backend_problem(cluster, route: dict):
    meta = route["metadata"]
    name, ns = meta["name"], meta["namespace"]
    for r, rule in enumerate((route.get("spec") or {}).get("rules") or []):
        for b, ref in enumerate(rule.get("backendRefs") or []):
            problem = gwstatus.backend_problem(cluster, route, ref)
            if problem is None:
                continue
            reason, message = problem
            if reason == "BackendNotFound" and ref.get("kind", "Service") == "Service":
                svc_ns = ref.get("namespace") or ns
                names = sorted(s["metadata"]["name"] for s in cluster.list("services", svc_ns))
                close = difflib.get_close_matches(ref.get("name", ""), names, n=1, cutoff=0.6)
                fix = _patch("httproute", name, ns, [{"op": "replace", "path": f"/spec/rules/{r}/backendRefs/{b}/name",
                                                      "value": close[0]}]) if close else None
                return Diagnosis(f"HTTPRoute {name} sends to Service {ref.get('name')}, which does not exist in "
                                 f"namespace {svc_ns}" + (f" (did you mean {close[0]}?)" if close else "")
                                 + ": ResolvedRefs is False, BackendNotFound, and Envoy answers 500 for that "
                                 "share of the requests.", fix)
            return Diagnosis(f"HTTPRoute {name} cannot send to {ref.get('name')}: {reason}: {message}")
    return None


def httproute_problem(cluster, route: dict):
    """Why this HTTPRoute does not carry traffic (a Diagnosis), or None."""
    refs = (route.get("spec") or {}).get("parentRefs") or []
    for i, ref in enumerate(refs):
        d = _parent_problem(cluster, route, i, ref)
        if d is not None:
            return d
    if refs and not (route.get("status") or {}).get("parents") and not envoy.running(cluster):
        return Diagnosis(f"No controller has written HTTPRoute {route['metadata']['name']}'s status: Envoy "
                         "Gateway's controller is not running yet.",
                         "kubectl wait --timeout=5m -n envoy-gateway-system deployment/envoy-gateway "
                         "--for=condition=Available")
    return _backend_problem(cluster, route)


def gateway_trace(cluster, trace: dict):
    """A request Envoy answered itself (404, 500, 503): the route that should have carried it says why."""
    hops = trace.get("hops") or []
    gw_hop = next((h for h in hops if h.get("kind") == "gateway"), None)
    if gw_hop is None:
        return None
    _, ns, name = gw_hop["id"].split("/", 2)
    route_hop = next((h for h in hops if h.get("kind") == "httproute"), None)
    if route_hop is not None:
        _, rns, rname = route_hop["id"].split("/", 2)
        route = cluster.get("httproutes", rns, rname)
        d = _backend_problem(cluster, route) if route else None
        if d is not None:
            return d
        return None
    for route in cluster.list("httproutes"):
        for ref in (route.get("spec") or {}).get("parentRefs") or []:
            if ref.get("name") == name and (ref.get("namespace") or route["metadata"]["namespace"]) == ns:
                d = httproute_problem(cluster, route)
                if d is not None:
                    return d
    reason = trace.get("reason", "")
    return Diagnosis(reason[0].upper() + reason[1:].rstrip(".") + ". Every HTTPRoute attached to Gateway "
                     f"{name} is listed by kubectl get httproute -A; their hostnames and matches decide.") \
        if reason else None


def request_problem(cluster, gateway: dict, host: str, route: dict | None = None):
    """Why a request for `host` through `gateway` did not go where it should: the problem of the route it
    took (`route`), else of any route for that host meant for this Gateway (or naming one that is missing)."""
    if route is not None:
        return httproute_problem(cluster, route)
    gns, gname = gateway["metadata"]["namespace"], gateway["metadata"]["name"]
    for r in gwstatus.creation_order(cluster.list("httproutes")):
        hosts = (r.get("spec") or {}).get("hostnames") or []
        if hosts and not any(gwstatus.host_matches(h, host) for h in hosts):
            continue
        for ref in (r.get("spec") or {}).get("parentRefs") or []:
            ref_ns = ref.get("namespace") or r["metadata"]["namespace"]
            if (ref_ns, ref.get("name")) == (gns, gname) or cluster.get("gateways", ref_ns, ref.get("name", "")) is None:
                d = httproute_problem(cluster, r)
                if d is not None:
                    return d
    return None
