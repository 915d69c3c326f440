"""Envoy Gateway's controller: which routes attach to which listeners, and the statuses it writes.

Follows internal/gatewayapi (route.go processAllowedListenersForParentRefs and processHTTPRouteParentRefs,
validate.go, listener.go) and internal/gatewayapi/status (gateway.go, conditions.go) of Envoy Gateway v1.6.7:
the reasons and messages are its own, and tests/sim/test_gateway_status.py replays its translator's golden
files. `translate(cluster)` is pure and also what routing.py routes by, so a request goes where the status
says the route is attached.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import apiserver, resources as res
from ..labels import selector_matches
from . import envoy

GROUP = envoy.GROUP
ROUTE_KINDS = {"HTTP": ["HTTPRoute", "GRPCRoute"], "HTTPS": ["HTTPRoute", "GRPCRoute"], "TLS": ["TLSRoute"],
               "TCP": ["TCPRoute"], "UDP": ["UDPRoute"]}


@dataclass
class Listener:
    gateway: dict
    spec: dict
    name: str
    port: int
    protocol: str
    hostname: str | None
    attached: int = 0
    conditions: list = field(default_factory=list)     # (type, status, reason, message)
    ready: bool = True

    @property
    def key(self) -> str:
        m = self.gateway["metadata"]
        return f"{m['namespace']}/{m['name']}/{self.name}"


@dataclass
class Parent:
    ref: dict                    # the parentRef as stored
    gateway: dict | None
    listeners: list[Listener] = field(default_factory=list)    # the listeners it is attached to
    conditions: list = field(default_factory=list)             # (type, status, reason, message)
    hosts: list[str] = field(default_factory=list)             # hostnames it serves: intersection per listener

    @property
    def accepted(self) -> bool:
        return any(c[0] == "Accepted" and c[1] == "True" for c in self.conditions)


@dataclass
class Route:
    obj: dict
    parents: list[Parent] = field(default_factory=list)
    rule_errors: dict = field(default_factory=dict)   # rule index -> [(backendRef index, reason, message)]


@dataclass
class Translation:
    classes: dict = field(default_factory=dict)       # name -> GatewayClass this controller accepted
    gateways: list[dict] = field(default_factory=list)
    listeners: dict = field(default_factory=dict)     # "ns/gateway" -> [Listener]
    routes: list[Route] = field(default_factory=list)


def _cond(kind: str, ok: bool, reason: str, message: str) -> tuple:
    return (kind, "True" if ok else "False", reason, message)


def _set(conds: list, cond: tuple) -> None:
    """status.SetRouteStatusCondition: a type appears once, a later setting replaces it in place."""
    for i, c in enumerate(conds):
        if c[0] == cond[0]:
            conds[i] = cond
            return
    conds.append(cond)


def condition_message(text: str) -> str:
    """status.Error2ConditionMsg: first letter upper case, a final full stop."""
    if not text:
        return text
    text = text[0].upper() + text[1:] if text[0].isalpha() else text
    return text if text.endswith(".") else text + "."


def creation_order(objs: list[dict]) -> list[dict]:
    """Routes in the order the spec gives ties: oldest first, then "{namespace}/{name}"."""
    return sorted(objs, key=lambda o: (o["metadata"].get("creationTimestamp", ""),
                                       o["metadata"].get("namespace", ""), o["metadata"]["name"]))


# ---- hostnames -----------------------------------------------------------------------------------------
def host_matches(pattern: str, host: str) -> bool:
    """A Gateway API hostname (`*.example.com` matches any name with one or more labels more) against a name."""
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    return pattern == host


def intersect(listener_host: str | None, route_hosts: list[str]) -> list[str]:
    """The hostnames a route serves on a listener (computeHosts): the route's where it names any, narrowed by
    the listener's; `*` when neither names one."""
    if not route_hosts:
        return [listener_host or "*"]
    if not listener_host:
        return list(route_hosts)
    out = []
    for h in route_hosts:
        if h == listener_host or host_matches(listener_host, h):
            out.append(h)
        elif host_matches(h, listener_host):
            out.append(listener_host)
    return out


# ---- the translation -----------------------------------------------------------------------------------
def translate(cluster) -> Translation:
    t = Translation()
    if not envoy.running(cluster):
        return t
    for gc in cluster.list("gatewayclasses"):
        if (gc.get("spec") or {}).get("controllerName") == envoy.CONTROLLER:
            t.classes[gc["metadata"]["name"]] = gc
    namespaces = {ns["metadata"]["name"]: ns for ns in cluster.list("namespaces")}
    for gw in creation_order(cluster.list("gateways")):
        if (gw.get("spec") or {}).get("gatewayClassName") not in t.classes:
            continue
        t.gateways.append(gw)
        listeners = [_listener(cluster, gw, spec) for spec in (gw.get("spec") or {}).get("listeners") or []]
        _conflicts(listeners)
        t.listeners[_gw_key(gw)] = listeners
    for route in creation_order(cluster.list("httproutes")):
        r = Route(route)
        for ref in (route.get("spec") or {}).get("parentRefs") or []:
            parent = _attach(t, route, ref, namespaces)
            if parent is not None:
                r.parents.append(parent)
        if r.parents:
            _check_rules(cluster, r)
            t.routes.append(r)
    return t


def _gw_key(gw: dict) -> str:
    return f"{gw['metadata']['namespace']}/{gw['metadata']['name']}"


INVALID = ("Programmed", "False", "Invalid", "Listener is invalid, see other Conditions for details.")
RESOLVED = ("ResolvedRefs", "True", "ResolvedRefs", "Listener references have been resolved")


def _listener(cluster, gw: dict, spec: dict) -> Listener:
    """validateListenerConditions: a valid listener is Programmed, Accepted and ResolvedRefs; an invalid one
    says why and is `Programmed: False, Invalid` (the golden files' order)."""
    li = Listener(gw, spec, spec.get("name", ""), int(spec.get("port") or 0), str(spec.get("protocol") or ""),
                  spec.get("hostname") or None)
    if li.protocol not in ("HTTP", "HTTPS", "TCP", "UDP", "TLS"):
        li.ready = False
        li.conditions += [_cond("Accepted", False, "UnsupportedProtocol",
                                f"Protocol {li.protocol} is unsupported, must be HTTP, HTTPS, TCP or UDP."), INVALID]
        return li
    if li.protocol == "HTTPS":
        problem = _tls_problem(cluster, gw, spec)
        if problem:
            li.ready = False
            li.conditions += [("ResolvedRefs", "False", problem[0], problem[1]), INVALID]
            return li
    li.conditions += [_cond("Programmed", True, "Programmed", "Sending translated listener configuration to the "
                                                              "data plane"),
                      _cond("Accepted", True, "Accepted", "Listener has been successfully translated"), RESOLVED]
    return li


def _conflicts(listeners: list[Listener]) -> None:
    """validateConflictedLayer7Listeners: on one port, HTTP beside HTTPS/TLS, or two listeners with one
    hostname, leave every such listener Conflicted and not programmed."""
    by_port: dict[int, list[Listener]] = {}
    for li in listeners:
        if li.protocol in ("HTTP", "HTTPS", "TLS"):
            by_port.setdefault(li.port, []).append(li)
    for group in by_port.values():
        protocols = {"https/tls" if li.protocol in ("HTTPS", "TLS") else li.protocol for li in group}
        hostnames: dict = {}
        for li in group:
            hostnames[li.hostname or ""] = hostnames.get(li.hostname or "", 0) + 1
        for li in group:
            reason = None
            if len(protocols) > 1:
                reason = ("ProtocolConflict", "All listeners for a given port must use a compatible protocol")
            if hostnames[li.hostname or ""] > 1:
                reason = ("HostnameConflict", "All listeners for a given port must use a unique hostname")
            if reason is not None:
                li.ready = False
                li.conditions = [("Conflicted", "True", reason[0], reason[1]), INVALID, RESOLVED]


def _tls_problem(cluster, gw: dict, spec: dict) -> tuple[str, str] | None:
    """validateTLSConfiguration for Terminate listeners: the certificate Secrets exist and are TLS Secrets."""
    tls = spec.get("tls") or {}
    ns = gw["metadata"]["namespace"]
    refs = tls.get("certificateRefs") or []
    if not refs:
        return ("InvalidCertificateRef", "Listener must have at least 1 TLS certificate ref.")
    for ref in refs:
        if ref.get("kind", "Secret") != "Secret" or ref.get("group", "") not in ("", "core"):
            return ("InvalidCertificateRef", "Listener's TLS certificate ref kind must be Secret.")
        secret = cluster.get("secrets", ref.get("namespace") or ns, ref.get("name", ""))
        if secret is None:
            return ("InvalidCertificateRef", f"Secret {ref.get('namespace') or ns}/{ref.get('name', '')} does not exist.")
        if secret.get("type") != "kubernetes.io/tls":
            return ("InvalidCertificateRef", f"Secret {ns}/{ref.get('name', '')} must be of type kubernetes.io/tls.")
    return None


def _allows_kind(li: Listener, kind: str) -> bool:
    kinds = ((li.spec.get("allowedRoutes") or {}).get("kinds")) or []
    if kinds:
        return any(k.get("kind") == kind and k.get("group", GROUP) == GROUP for k in kinds)
    return kind in ROUTE_KINDS.get(li.protocol, [])


def _allows_namespace(li: Listener, route_ns: str, namespaces: dict) -> bool:
    spec = ((li.spec.get("allowedRoutes") or {}).get("namespaces")) or {}
    source = spec.get("from", "Same")
    if source == "All":
        return True
    if source == "Same":
        return route_ns == li.gateway["metadata"]["namespace"]
    if source == "Selector":
        ns = namespaces.get(route_ns)
        labels = ((ns or {}).get("metadata") or {}).get("labels") or {}
        return selector_matches(spec.get("selector") or {}, labels)
    return False


def _attach(t: Translation, route: dict, ref: dict, namespaces: dict) -> Parent | None:
    """processAllowedListenersForParentRefs for one parentRef; None when it names no Gateway of ours."""
    if ref.get("group", GROUP) != GROUP or ref.get("kind", "Gateway") != "Gateway":
        return None
    route_ns = route["metadata"]["namespace"]
    key = f"{ref.get('namespace') or route_ns}/{ref.get('name', '')}"
    listeners = t.listeners.get(key)
    if listeners is None:
        return None
    gw = next(g for g in t.gateways if _gw_key(g) == key)
    parent = Parent(ref, gw)
    selected = [li for li in listeners
                if (not ref.get("sectionName") or li.name == ref["sectionName"])
                and (not ref.get("port") or li.port == int(ref["port"]))]
    if not selected:
        _set(parent.conditions, _cond("Accepted", False, "NoMatchingParent", "No listeners match this parent ref"))
        return parent
    allowed = [li for li in selected if _allows_kind(li, "HTTPRoute") and _allows_namespace(li, route_ns, namespaces)]
    if not allowed:
        _set(parent.conditions, _cond("Accepted", False, "NotAllowedByListeners",
                                      "No listeners included by this parent ref allowed this attachment."))
        return parent
    for li in allowed:
        li.attached += 1
    if not any(li.ready for li in selected):
        _set(parent.conditions, _cond("Accepted", False, "NoReadyListeners",
                                      "There are no ready listeners for this parent ref"))
        return parent
    route_hosts = list((route.get("spec") or {}).get("hostnames") or [])
    for li in allowed:
        if not li.ready:
            continue
        hosts = intersect(li.hostname, route_hosts)
        if hosts:
            parent.listeners.append(li)
            parent.hosts.extend(h for h in hosts if h not in parent.hosts)
    _set(parent.conditions, _cond("Accepted", True, "Accepted", "Route is accepted"))
    return parent


def _check_rules(cluster, r: Route) -> None:
    """processHTTPRouteRules' backendRef checks, their conditions set on every parent."""
    route = r.obj
    resolved: list[tuple[str, str]] = []     # (reason, message) of ResolvedRefs failures
    no_endpoints: list[str] = []
    for i, rule in enumerate((route.get("spec") or {}).get("rules") or []):
        for j, ref in enumerate(rule.get("backendRefs") or []):
            problem = backend_problem(cluster, route, ref)
            if problem is None:
                continue
            reason, message = problem
            r.rule_errors.setdefault(i, []).append((j, reason, message))
            if reason == "EndpointsNotFound":
                no_endpoints.append(condition_message(f"failed to find endpoints: {message}"))
            else:
                resolved.append((reason, condition_message(f"failed to process route rule {i} backendRef {j}: "
                                                           f"{message}")))
    for parent in r.parents:
        if no_endpoints:
            _set(parent.conditions, ("BackendsAvailable", "False", "EndpointsNotFound", "\n".join(no_endpoints)))
        if resolved:
            reasons = ",".join(sorted({reason for reason, _ in resolved}))
            _set(parent.conditions, ("ResolvedRefs", "False", reasons, "\n".join(m for _, m in resolved)))
        else:
            _set(parent.conditions, _cond("ResolvedRefs", True, "ResolvedRefs",
                                          "Resolved all the Object references for the Route"))
        if parent.accepted and not parent.listeners:
            _set(parent.conditions, _cond("Accepted", False, "NoMatchingListenerHostname",
                                          "There were no hostname intersections between the HTTPRoute and this "
                                          "parent ref's Listener(s)."))


def backend_problem(cluster, route: dict, ref: dict) -> tuple[str, str] | None:
    """validateBackendRef: (reason, message) for a backendRef Envoy Gateway cannot use, else None."""
    group, kind = ref.get("group", ""), ref.get("kind", "Service")
    if group not in ("", "multicluster.x-k8s.io", "gateway.envoyproxy.io"):
        return ("InvalidKind", "Group is invalid, only the core API group (specified by omitting the group field or "
                               "setting it to an empty string), multicluster.x-k8s.io and gateway.envoyproxy.io are "
                               "supported")
    if kind not in ("Service", "ServiceImport", "Backend"):
        return ("InvalidKind", "Kind is invalid, only Service, MCS ServiceImport and Envoy Gateway Backend are "
                               "supported")
    route_ns = route["metadata"]["namespace"]
    ns = ref.get("namespace") or route_ns
    if ns != route_ns and not reference_granted(cluster, "HTTPRoute", route_ns, group, kind, ns, ref.get("name", "")):
        return ("RefNotPermitted", f"Backend ref to {kind} {ns}/{ref.get('name', '')} not permitted by any "
                                   "ReferenceGrant.")
    if kind != "Service":
        return ("InvalidKind", f"the playground simulates Service backends only, not {kind}")
    if ref.get("port") is None:
        return ("PortNotSpecified", "A valid port number corresponding to a port on the Service must be specified")
    svc = cluster.get("services", ns, ref.get("name", ""))
    if svc is None:
        return ("BackendNotFound", f"service {ns}/{ref.get('name', '')} not found")
    if not any(int(p.get("port") or 0) == int(ref["port"]) and p.get("protocol", "TCP") == "TCP"
               for p in (svc.get("spec") or {}).get("ports") or []):
        return ("PortNotFound", f"TCP Port {ref['port']} not found on Service {ns}/{ref.get('name', '')}")
    if not _has_ready_endpoints(cluster, svc):
        return ("EndpointsNotFound", f"no ready endpoints for the related Service {ns}/{ref.get('name', '')}")
    return None


def _has_ready_endpoints(cluster, svc: dict) -> bool:
    meta = svc["metadata"]
    ep = cluster.get("endpoints", meta["namespace"], meta["name"])
    return any(s.get("addresses") for s in ((ep or {}).get("subsets") or []))


def reference_granted(cluster, from_kind: str, from_ns: str, to_group: str, to_kind: str, to_ns: str,
                      to_name: str) -> bool:
    """A ReferenceGrant in the target namespace lets `from_kind` objects of `from_ns` refer to the target."""
    for grant in cluster.list("referencegrants", to_ns):
        spec = grant.get("spec") or {}
        if not any(f.get("group") == GROUP and f.get("kind") == from_kind and f.get("namespace") == from_ns
                   for f in spec.get("from") or []):
            continue
        if any(t.get("group", "") == to_group and t.get("kind") == to_kind and t.get("name") in (None, "", to_name)
               for t in spec.get("to") or []):
            return True
    return False


# ---- writing statuses ----------------------------------------------------------------------------------
def _conditions(old: list | None, new: list[tuple], generation: int, now: str) -> list[dict]:
    """metav1.Conditions: lastTransitionTime moves only when a condition's status does."""
    before = {c.get("type"): c for c in old or []}
    out = []
    for kind, status, reason, message in new:
        prior = before.get(kind)
        ltt = prior["lastTransitionTime"] if prior and prior.get("status") == status and \
            prior.get("lastTransitionTime") else now
        out.append({"lastTransitionTime": ltt, "message": message, "observedGeneration": generation,
                    "reason": reason, "status": status, "type": kind})
    return out


def _write(cluster, obj: dict, status: dict) -> bool:
    if obj.get("status") == status:
        return False
    obj["status"] = status
    cluster.touch(obj)
    return True


def sync(cluster) -> bool:
    """Envoy Gateway's controller, among controllers.RECONCILERS while Gateway API objects exist: write what
    the translation says, and the proxy's Deployment and Service per Gateway."""
    if "gatewayclasses" not in cluster.objects and "gateways" not in cluster.objects:
        return False
    t = translate(cluster)
    now = cluster.timestamp()
    changed = False
    for gc in t.classes.values():
        status = dict(gc.get("status") or {})
        status["conditions"] = _conditions(status.get("conditions"), [
            _cond("Accepted", True, "Accepted", "Valid GatewayClass")], gc["metadata"].get("generation", 1), now)
        changed |= _write(cluster, gc, status)
    for gw in t.gateways:
        changed |= _sync_gateway(cluster, t, gw, now)
    for r in t.routes:
        changed |= _sync_route(cluster, r, now)
    changed |= _drop_orphan_infra(cluster, {envoy.infra_name(gw) for gw in t.gateways} if t.classes else None)
    return changed


def _drop_orphan_infra(cluster, wanted: set[str] | None) -> bool:
    """A deleted Gateway's proxy goes with it (while the controller runs to notice)."""
    if wanted is None:
        return False
    changed = False
    for plural in ("services", "deployments", "serviceaccounts"):
        for obj in cluster.list(plural, envoy.NAMESPACE):
            labels = obj["metadata"].get("labels") or {}
            if labels.get("app.kubernetes.io/managed-by") == "envoy-gateway" and \
                    labels.get("app.kubernetes.io/component") == "proxy" and obj["metadata"]["name"] not in wanted:
                apiserver.delete(cluster, res.BY_PLURAL[plural], envoy.NAMESPACE, obj["metadata"]["name"])
                changed = True
    return changed


def _sync_gateway(cluster, t: Translation, gw: dict, now: str) -> bool:
    changed = _ensure_infra(cluster, gw, t.classes[gw["spec"]["gatewayClassName"]])
    gen = gw["metadata"].get("generation", 1)
    name = envoy.infra_name(gw)
    svc = cluster.get("services", envoy.NAMESPACE, name)
    dep = cluster.get("deployments", envoy.NAMESPACE, name)
    ingress = (((svc or {}).get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    addresses = [{"type": "IPAddress", "value": i["ip"]} if i.get("ip") else {"type": "Hostname", "value": i["hostname"]}
                 for i in ingress if i.get("ip") or i.get("hostname")]
    ds = (dep or {}).get("status") or {}
    if not addresses:
        programmed = _cond("Programmed", False, "AddressNotAssigned", "No addresses have been assigned to the Gateway")
    elif not ds.get("availableReplicas"):
        programmed = _cond("Programmed", False, "NoResources", "Envoy replicas unavailable")
    else:
        programmed = _cond("Programmed", True, "Programmed", f"Address assigned to the Gateway, "
                           f"{ds.get('availableReplicas', 0)}/{ds.get('replicas', 0)} envoy replicas available")
    old = gw.get("status") or {}
    old_listeners = {li.get("name"): li for li in old.get("listeners") or []}
    status: dict = {}
    if addresses:
        status["addresses"] = addresses
    status["conditions"] = _conditions(old.get("conditions"), [
        _cond("Accepted", True, "Accepted", "The Gateway has been scheduled by Envoy Gateway"), programmed], gen, now)
    status["listeners"] = [{
        "attachedRoutes": li.attached,
        "conditions": _conditions((old_listeners.get(li.name) or {}).get("conditions"), li.conditions, gen, now),
        "name": li.name,
        "supportedKinds": [{"group": GROUP, "kind": k} for k in ROUTE_KINDS.get(li.protocol, [])],
    } for li in t.listeners[_gw_key(gw)]]
    return _write(cluster, gw, status) or changed


def _sync_route(cluster, r: Route, now: str) -> bool:
    route = r.obj
    gen = route["metadata"].get("generation", 1)
    old = {(_ref_key(p.get("parentRef") or {})): p for p in (route.get("status") or {}).get("parents") or []
           if p.get("controllerName") == envoy.CONTROLLER}
    others = [p for p in (route.get("status") or {}).get("parents") or [] if p.get("controllerName") != envoy.CONTROLLER]
    parents = others + [{
        "conditions": _conditions((old.get(_ref_key(p.ref)) or {}).get("conditions"), p.conditions, gen, now),
        "controllerName": envoy.CONTROLLER,
        "parentRef": dict(p.ref),
    } for p in r.parents]
    return _write(cluster, route, {**(route.get("status") or {}), "parents": parents})


def _ref_key(ref: dict) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in ref.items()))


def _ensure_infra(cluster, gw: dict, gc: dict) -> bool:
    """The proxy's ServiceAccount, Deployment and LoadBalancer Service in envoy-gateway-system, created
    through the API server so the controllers start its pod and allocate its node port."""
    changed = False
    for plural, build in (("serviceaccounts", envoy.service_account), ("deployments", envoy.deployment),
                          ("services", envoy.service)):
        want = build(gw, gc)
        have = cluster.get(plural, envoy.NAMESPACE, want["metadata"]["name"])
        if have is None:
            apiserver.create(cluster, want)
            changed = True
        elif plural == "services" and (have.get("spec") or {}).get("ports", []) and \
                [(p["port"], p["targetPort"]) for p in have["spec"]["ports"]] != \
                [(p["port"], p["targetPort"]) for p in want["spec"]["ports"]]:
            ports = [dict(p, nodePort=next((q.get("nodePort") for q in have["spec"]["ports"] if q["port"] == p["port"]),
                                           None)) for p in want["spec"]["ports"]]
            patched = dict(have, spec=dict(have["spec"], ports=[{k: v for k, v in p.items() if v is not None}
                                                                for p in ports]))
            apiserver.update(cluster, patched)
            changed = True
    return changed
