"""Gateway API in the live diagram: per-object builders called by topology.build.

Elements, each read from its object as stored (the statuses Envoy Gateway's controller wrote, as `kubectl get
-o yaml` shows them), so the picture says what the cluster says:
- `gatewayclass/<name>` in the first node (cluster-scoped), with its controller and Accepted condition;
- `gateway/<ns>/<name>` in its namespace's lane, with its listeners (name, protocol, port, hostname,
  attachedRoutes), its address and Programmed condition; an `instance` edge from its GatewayClass; a `fronts`
  edge from the Envoy proxy's Service (envoy-gateway-system/envoy-<ns>-<name>-<hash>) that receives its traffic;
- `httproute/<ns>/<name>` in its lane, with its hostnames; an `attaches` edge from each Gateway a parentRef
  names (label: the sectionName; data.accepted from the route's status for that parent); a `backend` edge to
  each Service a backendRef names that exists (label: its weight when the rule splits traffic).
A route whose Accepted or ResolvedRefs condition is False carries the condition's reason and message as its
cause, which the diagram draws in red. Request traces through Envoy (sim/gateway/proxy.py) step through the
`gateway/...` and `httproute/...` ids.

topology_delta rebuilds the diagram whole when a Gateway API object changes or a Service comes or goes while
they exist (the `attaches`, `backend` and `fronts` edges join objects of several kinds).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from .sim.gateway import envoy
from .topology_elements import edge as _edge, element_id, node as _node, obj_id

if TYPE_CHECKING:                    # only for annotations: topology imports this module
    from .topology import Context

GROUP = envoy.GROUP
PLURALS = ("gatewayclasses", "gateways", "httproutes", "referencegrants")


def present(cluster) -> bool:
    return any(cluster.objects.get(p) for p in ("gatewayclasses", "gateways", "httproutes"))


def _condition(obj_or_status: dict, kind: str) -> dict | None:
    return next((c for c in obj_or_status.get("conditions") or [] if c.get("type") == kind), None)


def _status_text(cond: dict | None) -> str:
    return cond.get("status", "Unknown") if cond else "Unknown"


def gatewayclass_element(ctx: "Context", gc: dict) -> dict:
    name = gc["metadata"]["name"]
    accepted = _condition(gc.get("status") or {}, "Accepted")
    data = {"id": element_id("gatewayclass", name), "kind": "gatewayclass", "name": name, "label": name,
            "controller": (gc.get("spec") or {}).get("controllerName", ""), "accepted": _status_text(accepted),
            "parent": element_id("node", ctx.first_node)}
    if accepted and accepted.get("status") == "False":
        data["cause"] = f"{accepted.get('reason')}: {accepted.get('message')}"
    return _node(data, ["gatewayclass", "" if _status_text(accepted) == "True" else "unserved",
                                 "has-cause" if "cause" in data else ""])


def gateway_element(ctx: "Context", gw: dict) -> dict:
    meta, spec, status = gw["metadata"], gw.get("spec") or {}, gw.get("status") or {}
    ns = meta.get("namespace", "default")
    attached = {li.get("name"): li.get("attachedRoutes", 0) for li in status.get("listeners") or []}
    listeners = [{"name": li.get("name", ""), "protocol": li.get("protocol", ""), "port": li.get("port"),
                  "hostname": li.get("hostname") or "*", "attachedRoutes": attached.get(li.get("name"), 0)}
                 for li in spec.get("listeners") or []]
    programmed = _condition(status, "Programmed")
    accepted = _condition(status, "Accepted")
    data = {"id": obj_id("gateway", gw), "kind": "gateway", "name": meta["name"], "namespace": ns,
            "label": meta["name"], "parent": ctx.lane(ns), "class": spec.get("gatewayClassName", ""),
            "listeners": listeners, "programmed": _status_text(programmed),
            "address": ",".join(a.get("value", "") for a in status.get("addresses") or [])}
    for cond in (accepted, programmed):
        if cond and cond.get("status") == "False":
            data["cause"] = f"{cond.get('reason')}: {cond.get('message')}"
            break
    return _node(data, ["gateway", "" if data["programmed"] == "True" else "unserved"])


def _parent_gateway(route: dict, ref: dict) -> tuple[str, str] | None:
    if ref.get("group", GROUP) != GROUP or ref.get("kind", "Gateway") != "Gateway":
        return None
    return ref.get("namespace") or route["metadata"]["namespace"], ref.get("name", "")


def _parent_status(route: dict, ref: dict) -> dict:
    """The route's status entry for a parentRef (same group, kind, namespace, name, sectionName, port)."""
    want = _parent_gateway(route, ref)
    for p in (route.get("status") or {}).get("parents") or []:
        pr = p.get("parentRef") or {}
        if _parent_gateway(route, pr) == want and pr.get("sectionName") == ref.get("sectionName") \
                and pr.get("port") == ref.get("port"):
            return p
    return {}


def route_cause(route: dict) -> str | None:
    """The first False Accepted or ResolvedRefs condition of any parent, as `Reason: message`."""
    for p in (route.get("status") or {}).get("parents") or []:
        for kind in ("Accepted", "ResolvedRefs"):
            cond = _condition(p, kind)
            if cond and cond.get("status") == "False":
                return f"{cond.get('reason')}: {cond.get('message')}"
    return None


def httproute_element(ctx: "Context", route: dict) -> dict:
    meta, spec = route["metadata"], route.get("spec") or {}
    ns = meta.get("namespace", "default")
    parents = (route.get("status") or {}).get("parents") or []
    data = {"id": obj_id("httproute", route), "kind": "httproute", "name": meta["name"], "namespace": ns,
            "label": meta["name"], "parent": ctx.lane(ns), "hosts": ",".join(spec.get("hostnames") or []) or "*",
            "accepted": any(_status_text(_condition(p, "Accepted")) == "True" for p in parents),
            "rules": len(spec.get("rules") or [])}
    cause = route_cause(route)
    if cause:
        data["cause"] = cause
    elif not parents:
        data["pending"] = "no controller has written this route's status: it is not attached to a Gateway"
    return _node(data, ["httproute", "" if data["accepted"] and not cause else "unserved"])


def _backend_labels(route: dict) -> dict[tuple[str, str], list[str]]:
    """(namespace, Service name) -> labels of the rules that send to it: the match, and the weight of a split."""
    out: dict[tuple[str, str], list[str]] = {}
    ns = route["metadata"]["namespace"]
    for rule in (route.get("spec") or {}).get("rules") or []:
        refs = [r for r in rule.get("backendRefs") or []
                if r.get("group", "") in ("", "core") and r.get("kind", "Service") == "Service"]
        total = sum(int(r.get("weight", 1)) for r in refs)
        match = ((rule.get("matches") or [{}])[0].get("path") or {}).get("value", "/")
        for r in refs:
            weight = int(r.get("weight", 1))
            label = match + (f" {round(100 * weight / total)}%" if len(refs) > 1 and total else "")
            out.setdefault((r.get("namespace") or ns, r.get("name", "")), []).append(label)
    return out


def elements(ctx: "Context") -> Iterable[dict]:
    cluster = ctx.cluster
    for gc in cluster.list("gatewayclasses"):
        yield gatewayclass_element(ctx, gc)
    for gw in cluster.list("gateways"):
        yield gateway_element(ctx, gw)
        gid = obj_id("gateway", gw)
        cls = (gw.get("spec") or {}).get("gatewayClassName", "")
        if cluster.get("gatewayclasses", None, cls) is not None:
            yield _edge(element_id("gatewayclass", cls), gid, "instance")
        proxy = envoy.infra_name(gw)
        if cluster.get("services", envoy.NAMESPACE, proxy) is not None:
            yield _edge(element_id("service", proxy, envoy.NAMESPACE), gid, "fronts")
    for route in cluster.list("httproutes"):
        yield httproute_element(ctx, route)
        rid = obj_id("httproute", route)
        for ref in (route.get("spec") or {}).get("parentRefs") or []:
            parent = _parent_gateway(route, ref)
            if parent is None or cluster.get("gateways", *parent) is None:
                continue
            accepted = _condition(_parent_status(route, ref), "Accepted")
            yield _edge(element_id("gateway", parent[1], parent[0]), rid, "attaches",
                                 label=ref.get("sectionName") or "", accepted=_status_text(accepted))
        for (ns, name), labels in _backend_labels(route).items():
            if cluster.get("services", ns, name) is not None:
                yield _edge(rid, element_id("service", name, ns), "backend",
                                     label="\n".join(labels), rules=labels)
