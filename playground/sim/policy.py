"""NetworkPolicy (networking.k8s.io/v1) as a policy-enforcing CNI applies it, with the reasons for every
verdict (in the manner of cyclonus' matcher).

    v = evaluate(cluster, pod_endpoint(busybox), pod_endpoint(nginx), 80)
    v.allowed          # egress at the source AND ingress at the destination allow it
    v.explain()        # which policies select each side, which rule/peer/port allowed it, or that none did
    m = matrix(cluster, ports=[(80, "TCP")])   # every pod to every pod, compiled to bitmasks

Semantics (the upstream API doc and e2e suite):
- A pod is isolated for ingress (egress) when some policy in its namespace selects it and lists Ingress
  (Egress) in policyTypes; policyTypes defaults to Ingress, plus Egress when the spec has egress rules.
- An isolated pod accepts only what some rule of some selecting policy allows: allows are additive.
- A rule matches when one of its ports matches (none listed: all ports) and one of its peers matches
  (none listed: everyone). A peer with podSelector and namespaceSelector is their AND; two peers are OR.
  podSelector alone means the policy's namespace; an empty selector matches everything in its scope.
- ipBlock matches the address the packet carries: pod IPs, or the node/gateway address of SNATed traffic
  (NodePort from outside arrives from the node). Named ports resolve on the destination pod.
- Replies to an allowed connection pass (the CNI tracks connections), so only the request is checked.
- Host-network pods are not selected and are not pods to a peer selector (their address is the node's).
Without a policy-capable CNI (minikube's default bridge, flannel, kindnet) policies are stored but ignored.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from functools import lru_cache

from . import network, nodes
from .cluster import Cluster
from .labels import format_label_selector, selector_matches, selector_string
from .network import CNI_GATEWAY_IP, HOST_BRIDGE_IP, NODE_IP

ENFORCING_CNIS = {"calico": "Calico", "cilium": "Cilium"}
DNS_NAMESPACE, DNS_SERVICE, DNS_PORT = "kube-system", "kube-dns", 53


def enforced(cluster: Cluster) -> bool:
    return (getattr(cluster, "cni", "") or "").lower() in ENFORCING_CNIS


def cni_label(cluster: Cluster) -> str:
    cni = (getattr(cluster, "cni", "") or "").lower()
    return ENFORCING_CNIS.get(cni) or (cni or "bridge")


# ---- who is talking ---------------------------------------------------------------------------------
@dataclass
class Endpoint:
    ip: str
    pod: dict | None = None          # a pod on the pod network (never a host-network pod)
    label: str = ""

    @property
    def namespace(self) -> str | None:
        return self.pod["metadata"]["namespace"] if self.pod else None

    @property
    def name(self) -> str:
        if self.pod:
            return f"{self.pod['metadata']['namespace']}/{self.pod['metadata']['name']}"
        return self.label or self.ip


def on_pod_network(pod: dict) -> bool:
    return not (pod.get("spec") or {}).get("hostNetwork") and \
        (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed")


def pod_endpoint(pod: dict) -> Endpoint:
    ip = (pod.get("status") or {}).get("podIP", "") or ""
    if not on_pod_network(pod):
        return Endpoint(ip, None, f"{pod['metadata']['name']} (host network)")
    return Endpoint(ip, pod, pod["metadata"]["name"])


def ip_endpoint(cluster: Cluster, ip: str, label: str = "") -> Endpoint:
    """The endpoint behind an address: the pod that has it, or an address outside the pod network."""
    for pod in cluster.list("pods"):
        if (pod.get("status") or {}).get("podIP") == ip and on_pod_network(pod):
            return Endpoint(ip, pod, pod["metadata"]["name"])
    return Endpoint(ip, None, label or ip)


# ---- one policy, compiled once -------------------------------------------------------------------------
def policy_types(spec: dict) -> list[str]:
    types = spec.get("policyTypes")
    if types:
        return list(types)
    return ["Ingress"] + (["Egress"] if spec.get("egress") else [])     # SetDefaults: len(egress) != 0


def peer_text(peer: dict) -> str:
    pod_sel, ns_sel, block = peer.get("podSelector"), peer.get("namespaceSelector"), peer.get("ipBlock")
    if block is not None:
        ex = block.get("except") or []
        return f"ipBlock {block.get('cidr', '')}" + (f" except {', '.join(ex)}" if ex else "")
    parts = []
    if ns_sel is not None:
        parts.append("namespaceSelector " + (selector_string(ns_sel) or "{} (every namespace)"))
    if pod_sel is not None:
        parts.append("podSelector " + (selector_string(pod_sel)
                                       or "{} (every pod" + (")" if ns_sel is not None else " in the namespace)")))
    return " AND ".join(parts) or "(empty peer)"


def port_text(p: dict) -> str:
    proto = p.get("protocol") or "TCP"
    port = p.get("port")
    if port is None:
        return f"any {proto} port"
    if p.get("endPort") is not None:
        return f"{port}-{p['endPort']}/{proto}"
    return f"{port}/{proto}"


@lru_cache(maxsize=4096)
def _compiled_block(cidr: str, excepts: tuple) -> tuple | None:
    """(network int, mask int, [(except int, mask int)]) of an IPv4 ipBlock; None when it cannot match."""
    try:
        net = ipaddress.ip_network(cidr, strict=False)
        exs = [ipaddress.ip_network(e, strict=False) for e in excepts]
    except (ValueError, TypeError):
        return None
    if net.version != 4:
        return None
    return (int(net.network_address), int(net.netmask),
            [(int(e.network_address), int(e.netmask)) for e in exs if e.version == 4])


@lru_cache(maxsize=65536)
def _ip_int(ip: str) -> int | None:
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return None
    return int(addr) if addr.version == 4 else None


def _cidr_match(block: dict, ip: str) -> bool:
    comp = _compiled_block(str(block.get("cidr", "")), tuple(str(e) for e in block.get("except") or []))
    addr = _ip_int(ip) if ip else None
    if comp is None or addr is None:
        return False
    net, mask, excepts = comp
    if addr & mask != net:
        return False
    return not any(addr & em == en for en, em in excepts)


def named_port(pod: dict | None, name: str, protocol: str) -> int | None:
    """A named port of the destination pod (its containers' ports), as the CNI resolves it."""
    if pod is None:
        return None
    for c in (pod.get("spec") or {}).get("containers") or []:
        for cp in c.get("ports") or []:
            if cp.get("name") == name and (cp.get("protocol") or "TCP") == protocol:
                return int(cp.get("containerPort") or 0)
    return None


def port_match(ports: list | None, port: int, protocol: str, dest_pod: dict | None) -> str | None:
    """Which port entry admits (port, protocol) to dest_pod, as text; None when none does."""
    if not ports:
        return "any port"
    for p in ports:
        proto = p.get("protocol") or "TCP"
        if proto != protocol:
            continue
        want = p.get("port")
        if want is None:
            return port_text(p)
        if isinstance(want, str) and not want.isdigit():
            resolved = named_port(dest_pod, want, proto)
            if resolved is not None and resolved == port:
                return f"named port {want} ({resolved}/{proto})"
            continue
        lo = int(want)
        hi = int(p["endPort"]) if p.get("endPort") is not None else lo
        if lo <= port <= hi:
            return port_text(p)
    return None


class Context:
    """Lookups shared by every probe of one evaluation: namespace labels, compiled policies."""

    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self.ns_labels = {ns["metadata"]["name"]: (ns["metadata"].get("labels") or {})
                          for ns in cluster.list("namespaces")}
        self.policies = sorted(cluster.list("networkpolicies"),
                               key=lambda p: (p["metadata"].get("namespace", ""), p["metadata"]["name"]))

    def namespace_labels(self, ns: str) -> dict:
        return self.ns_labels.get(ns, {"kubernetes.io/metadata.name": ns})

    def selecting(self, pod: dict, ptype: str) -> list[dict]:
        ns = pod["metadata"]["namespace"]
        labels = pod["metadata"].get("labels") or {}
        return [p for p in self.policies if p["metadata"].get("namespace") == ns
                and ptype in policy_types(p.get("spec") or {})
                and selector_matches((p.get("spec") or {}).get("podSelector") or {}, labels)]

    def peer_match(self, policy_ns: str, peer: dict, ep: Endpoint) -> bool:
        block = peer.get("ipBlock")
        if block is not None:
            return bool(ep.ip) and _cidr_match(block, ep.ip)
        pod_sel, ns_sel = peer.get("podSelector"), peer.get("namespaceSelector")
        if ep.pod is None or (pod_sel is None and ns_sel is None):
            return False
        ns = ep.pod["metadata"]["namespace"]
        if ns_sel is None:
            if ns != policy_ns:
                return False
        elif not selector_matches(ns_sel, self.namespace_labels(ns)):
            return False
        return pod_sel is None or selector_matches(pod_sel, ep.pod["metadata"].get("labels") or {})


# ---- the verdict and its reasons -------------------------------------------------------------------
@dataclass
class RuleCheck:
    policy: str                   # ns/name
    index: int                    # the rule's index in spec.ingress / spec.egress
    port: str | None              # the matching port entry, or None
    peer: str | None              # the matching peer, or None
    peers: list[str] = field(default_factory=list)

    @property
    def allows(self) -> bool:
        return self.port is not None and self.peer is not None


@dataclass
class Side:
    direction: str                # "ingress" | "egress"
    pod: str                      # ns/name of the pod this side is about
    policies: list[str] = field(default_factory=list)     # policies selecting it for this direction
    selectors: dict = field(default_factory=dict)         # policy -> its podSelector, as text
    checks: list[RuleCheck] = field(default_factory=list)

    @property
    def isolated(self) -> bool:
        return bool(self.policies)

    @property
    def allowed_by(self) -> list[RuleCheck]:
        return [c for c in self.checks if c.allows]

    @property
    def allowed(self) -> bool:
        return not self.policies or bool(self.allowed_by)


@dataclass
class Verdict:
    source: Endpoint
    dest: Endpoint
    port: int
    protocol: str
    enforced: bool
    cni: str
    egress: Side | None = None
    ingress: Side | None = None
    loopback: bool = False        # a pod reaching itself: never subject to its policies
    node_traffic: bool = False    # to or from the node the pod runs on (host processes, host-network pods)

    @property
    def policy_allows(self) -> bool:
        if self.loopback or self.node_traffic:
            return True
        return (self.egress is None or self.egress.allowed) and (self.ingress is None or self.ingress.allowed)

    @property
    def allowed(self) -> bool:
        return not self.enforced or self.policy_allows

    def drop_reason(self) -> str | None:
        if self.allowed:
            return None
        if self.egress is not None and not self.egress.allowed:
            return (f"NetworkPolicy drops it: egress from {self.egress.pod} is isolated by "
                    f"{', '.join(self.egress.policies)} and no egress rule allows {self.port}/{self.protocol} "
                    f"to {self.dest.name}")
        assert self.ingress is not None
        return (f"NetworkPolicy drops it: ingress to {self.ingress.pod} is isolated by "
                f"{', '.join(self.ingress.policies)} and no ingress rule allows {self.port}/{self.protocol} "
                f"from {self.source.name}")

    def explain(self) -> str:
        lines = [f"{_who(self.source)} -> {_who(self.dest)} port {self.port}/{self.protocol}: "
                 f"{'ALLOWED' if self.allowed else 'DENIED'}"]
        if not self.enforced:
            lines.append(f"The CNI ({self.cni}) does not enforce NetworkPolicy: policies are stored and shown "
                         "but have no effect (start minikube with --cni=calico to enforce them).")
            if self.policy_allows:
                return "\n".join(lines) + "\n"
            lines.append("With an enforcing CNI the policies below would drop it.")
        if self.loopback:
            lines.append("A pod can always reach itself: NetworkPolicy does not apply to its own traffic.")
            return "\n".join(lines) + "\n"
        if self.node_traffic:
            lines.append("Traffic to and from the node a pod runs on is always allowed (kubelet probes depend "
                         "on it), whatever the policies say.")
            return "\n".join(lines) + "\n"
        lines += _side_lines(self.egress, "Egress", "from", self.source)
        lines += _side_lines(self.ingress, "Ingress", "to", self.dest)
        if self.enforced:
            lines.append("Replies to this connection pass: the CNI tracks it." if self.allowed else
                         "The packets are dropped silently: the client waits and times out.")
        return "\n".join(lines) + "\n"


def _who(ep: Endpoint) -> str:
    return ep.name if ep.name == ep.ip or ep.ip in ep.name else f"{ep.name} ({ep.ip or 'no IP'})"


def _side_lines(side: Side | None, title: str, word: str, ep: Endpoint) -> list[str]:
    if side is None:
        return [f"{title} {word} {ep.name}: not a pod on the pod network, no NetworkPolicy applies."]
    if not side.isolated:
        return [f"{title} {word} {side.pod}: no NetworkPolicy selects it for {side.direction}, so it is "
                "not isolated: allowed."]
    out = [f"{title} {word} {side.pod}: isolated by {len(side.policies)} "
           f"polic{'y' if len(side.policies) == 1 else 'ies'}:"]
    for pol in side.policies:
        out.append(f"  {pol} (podSelector {side.selectors.get(pol, '')})")
        rules = [c for c in side.checks if c.policy == pol]
        if not rules:
            out.append(f"    no {side.direction} rules: denies all {side.direction}")
        for c in rules:
            key = "from" if side.direction == "ingress" else "to"
            if c.allows:
                out.append(f"    {side.direction}[{c.index}] allows it: {key} {c.peer}, on {c.port}")
            elif c.port is None:
                out.append(f"    {side.direction}[{c.index}] does not match: the port is not listed")
            else:
                out.append(f"    {side.direction}[{c.index}] does not match: no peer in {key} "
                           f"[{'; '.join(c.peers)}] matches")
    out.append(f"  => allowed by {', '.join(f'{c.policy} {side.direction}[{c.index}]' for c in side.allowed_by)}"
               if side.allowed else f"  => no rule allows it: {side.direction} denied")
    return out


def _side(ctx: Context, pod: dict, direction: str, other: Endpoint, port: int, protocol: str,
          dest_pod: dict | None) -> Side:
    ptype = "Ingress" if direction == "ingress" else "Egress"
    side = Side(direction, f"{pod['metadata']['namespace']}/{pod['metadata']['name']}")
    key = "from" if direction == "ingress" else "to"
    for pol in ctx.selecting(pod, ptype):
        pname = f"{pol['metadata']['namespace']}/{pol['metadata']['name']}"
        spec = pol.get("spec") or {}
        side.policies.append(pname)
        text = format_label_selector(spec.get("podSelector"))
        side.selectors[pname] = text if text != "<none>" else \
            f"{{}}: every pod in {pol['metadata']['namespace']}"
        for i, rule in enumerate(spec.get(direction) or []):
            rule = rule or {}
            pm = port_match(rule.get("ports"), port, protocol, dest_pod)
            peers = rule.get(key) or []
            if not peers:
                peer = "anyone (no peers listed)"
            else:
                peer = next((peer_text(p) for p in peers
                             if ctx.peer_match(pol["metadata"]["namespace"], p or {}, other)), None)
            side.checks.append(RuleCheck(pname, i, pm, peer, [peer_text(p or {}) for p in peers]))
    return side


def evaluate(cluster: Cluster, src: Endpoint, dst: Endpoint, port: int, protocol: str = "TCP",
             ctx: Context | None = None) -> Verdict:
    ctx = ctx or Context(cluster)
    protocol = protocol.upper()
    v = Verdict(src, dst, int(port), protocol, enforced(cluster), cni_label(cluster))
    v.loopback = src.pod is not None and src.pod is dst.pod or (
        src.pod is not None and dst.pod is not None and src.name == dst.name)
    # the API docs' exception: traffic to and from the node where a pod runs is always allowed (one node
    # here). NodePort traffic from elsewhere is not node traffic: kube-proxy SNATs it to the CNI gateway.
    v.node_traffic = (dst.pod is not None and src.pod is None and src.ip == nodes.ip_of(cluster, nodes.node_of(dst.pod))) \
        or (src.pod is not None and dst.pod is None and dst.ip == nodes.ip_of(cluster, nodes.node_of(src.pod)))
    if src.pod is not None:
        v.egress = _side(ctx, src.pod, "egress", dst, v.port, protocol, dst.pod)
    if dst.pod is not None:
        v.ingress = _side(ctx, dst.pod, "ingress", src, v.port, protocol, dst.pod)
    return v


# ---- the network walk's admission check ------------------------------------------------------------
def walk_verdict(cluster: Cluster, w, pod: dict, port: int) -> Verdict:
    """The verdict for a walk arriving at `pod`: egress at the walk's source pod (when the source is a pod),
    ingress at `pod` from the address it sees (the client IP after any SNAT)."""
    ctx = Context(cluster)
    src_pod = None
    if w.source.kind == "pod" and w.source.name:
        src_pod = cluster.get("pods", w.source.namespace, w.source.name)
    client_ip = w.client_ip or w.source.ip
    egress_src = pod_endpoint(src_pod) if src_pod is not None else Endpoint(w.source.ip, None, w.source.label)
    if src_pod is not None and client_ip == egress_src.ip:
        ingress_src = egress_src
    else:
        ingress_src = ip_endpoint(cluster, client_ip, _address_label(client_ip))
    dst = pod_endpoint(pod)
    v = evaluate(cluster, ingress_src, dst, port, w.protocol, ctx)
    if egress_src.pod is not None:
        v.egress = _side(ctx, egress_src.pod, "egress", dst, int(port), w.protocol.upper(), dst.pod)
        v.source = egress_src if ingress_src is egress_src else Endpoint(
            client_ip, None, f"{egress_src.name} via SNAT as {client_ip}")
    return v


def _address_label(ip: str) -> str:
    return {NODE_IP: f"node minikube ({ip})", CNI_GATEWAY_IP: f"node minikube via NAT ({ip})",
            HOST_BRIDGE_IP: f"your machine ({ip})"}.get(ip, ip)


def admission(cluster: Cluster, w, pod: dict, port: int) -> str | None:
    """network.ADMISSION: a drop reason when an enforcing CNI's policies drop the walk."""
    if not on_pod_network(pod) or not cluster.list("networkpolicies"):
        return None
    v = walk_verdict(cluster, w, pod, port)
    w.explanation = v.explain()        # the why-explanation rides on the walk into its trace
    if not v.allowed:
        mark_drop(w, v)
    return v.drop_reason()


def mark_drop(w, v: Verdict) -> None:
    """Where a dropped walk stops on the diagram and which policies drop it: an egress rule drops it as it
    leaves the client pod, an ingress rule at the destination pod."""
    egress = v.egress is not None and not v.egress.allowed
    side = v.egress if egress else v.ingress
    w.dropped = True
    if egress:
        w.stop_at = w.source.id
    w.stopped_by = [f"networkpolicy/{p}" for p in (side.policies if side else [])]


# ---- DNS: egress rules that leave out kube-dns break name lookups (dns.lookup and nslookup ask) -------
def dns_blocked(cluster: Cluster, pod: dict | None) -> str | None:
    """Why DNS queries from `pod` (UDP 53 to kube-dns's endpoints) never get an answer, or None."""
    if pod is None or not enforced(cluster) or not on_pod_network(pod):
        return None
    svc = cluster.get("services", DNS_NAMESPACE, DNS_SERVICE)
    if svc is None:
        return None
    ctx = Context(cluster)
    src = pod_endpoint(pod)
    reasons = []
    for sp in svc["spec"].get("ports") or []:
        if sp.get("protocol") != "UDP" or int(sp.get("port", 0)) != DNS_PORT:
            continue
        for backend, port in network.ready_endpoints(cluster, svc, sp):
            v = evaluate(cluster, src, pod_endpoint(backend), port, "UDP", ctx)
            if v.allowed:
                return None
            reasons.append(v.drop_reason() or "")
    return reasons[0] if reasons else None


# ---- the whole matrix, compiled to bitmasks ----------------------------------------------------------
@dataclass
class Matrix:
    pods: list[str]                                  # ns/name, in order
    ports: list[tuple[int, str]]
    rows: dict[tuple[int, str], list[int]]           # (port, proto) -> per source, a bitmask of allowed dsts
    enforced: bool

    def allowed(self, port: tuple[int, str], src: int, dst: int) -> bool:
        return bool((self.rows[port][src] >> dst) & 1)

    def grid(self, port: tuple[int, str]) -> list[list[bool]]:
        rows = self.rows[port]
        n = len(self.pods)
        return [[bool((rows[s] >> d) & 1) for d in range(n)] for s in range(n)]

    def text(self, port: tuple[int, str], names: list[str] | None = None) -> str:
        """The truth table as cyclonus prints it: rows are sources, columns destinations, . allowed, X denied."""
        names = names or self.pods
        width = max([len(n) for n in names] + [3])
        out = [" " * width + " " + " ".join(names)]
        for s, name in enumerate(names):
            cells = [("." if self.allowed(port, s, d) else "X").rjust(len(names[d])) for d in range(len(names))]
            out.append(name.ljust(width) + " " + " ".join(cells))
        return "\n".join(out) + "\n"


def _bits(mask: int):
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def matrix(cluster: Cluster, ports: list[tuple[int, str]] | None = None, pods: list[dict] | None = None,
           honor_cni: bool = True) -> Matrix:
    """What the policies allow between every pair of pods on each (port, protocol). With honor_cni, a CNI
    that does not enforce policies allows everything (as on a real cluster)."""
    pods = [p for p in (pods if pods is not None else cluster.list("pods")) if on_pod_network(p)]
    pods.sort(key=lambda p: (p["metadata"]["namespace"], p["metadata"]["name"]))
    ports = ports or default_ports(cluster, pods)
    n = len(pods)
    everyone = (1 << n) - 1
    names = [f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in pods]
    on = enforced(cluster) or not honor_cni
    if not on:
        return Matrix(names, ports, {pt: [everyone] * n for pt in ports}, False)
    ctx = Context(cluster)
    eps = [pod_endpoint(p) for p in pods]
    by_ns: dict[str, int] = {}
    for i, p in enumerate(pods):
        by_ns[p["metadata"]["namespace"]] = by_ns.get(p["metadata"]["namespace"], 0) | (1 << i)

    sel_cache: dict[tuple, int] = {}

    def select(sel: dict, scope: int, labels_of) -> int:
        mask = 0
        for i in _bits(scope):
            if selector_matches(sel, labels_of(i)):
                mask |= 1 << i
        return mask

    def pod_labels(i: int) -> dict:
        return pods[i]["metadata"].get("labels") or {}

    def peer_mask(policy_ns: str, peer: dict) -> int:
        key = (policy_ns, repr(sorted(peer.items(), key=lambda kv: kv[0])))
        if key in sel_cache:
            return sel_cache[key]
        mask = 0
        if peer.get("ipBlock") is not None:
            for i, ep in enumerate(eps):
                if ep.ip and _cidr_match(peer["ipBlock"], ep.ip):
                    mask |= 1 << i
        elif peer.get("podSelector") is not None or peer.get("namespaceSelector") is not None:
            if peer.get("namespaceSelector") is None:
                scope = by_ns.get(policy_ns, 0)
            else:
                scope = 0
                for ns, m in by_ns.items():
                    if selector_matches(peer["namespaceSelector"], ctx.namespace_labels(ns)):
                        scope |= m
            mask = scope if peer.get("podSelector") is None else select(peer["podSelector"], scope, pod_labels)
        sel_cache[key] = mask
        return mask

    # compile: per policy, the pods it selects and each rule's peers
    compiled = []           # (types, selected mask, {direction: [(ports, peers mask)]})
    for pol in ctx.policies:
        spec = pol.get("spec") or {}
        ns = pol["metadata"].get("namespace", "")
        selected = select(spec.get("podSelector") or {}, by_ns.get(ns, 0), pod_labels)
        if not selected:
            continue
        types = policy_types(spec)
        rules = {}
        for direction, key in (("ingress", "from"), ("egress", "to")):
            out = []
            for rule in spec.get(direction) or []:
                rule = rule or {}
                peers = rule.get(key) or []
                pm = everyone if not peers else 0
                for peer in peers:
                    pm |= peer_mask(ns, peer or {})
                out.append((rule.get("ports") or [], pm))
            rules[direction] = out
        compiled.append((types, selected, rules))

    iso_in = [[] for _ in range(n)]
    iso_out = [[] for _ in range(n)]
    for types, selected, rules in compiled:
        for i in _bits(selected):
            if "Ingress" in types:
                iso_in[i].append(rules["ingress"])
            if "Egress" in types:
                iso_out[i].append(rules["egress"])

    named_ports = []            # per pod: (name, protocol) -> containerPort
    for p in pods:
        table = {}
        for c in (p.get("spec") or {}).get("containers") or []:
            for cp in c.get("ports") or []:
                if cp.get("name"):
                    table.setdefault((cp["name"], cp.get("protocol") or "TCP"), int(cp.get("containerPort") or 0))
        named_ports.append(table)

    result: dict[tuple[int, str], list[int]] = {}
    for port, proto in ports:
        proto = proto.upper()
        port_cache: dict[int, int] = {}

        def port_mask(ports_: list) -> int:
            """The destination pods on which this rule's ports admit (port, proto)."""
            k = id(ports_)
            if k not in port_cache:
                numeric = [p for p in ports_ if not (isinstance(p.get("port"), str) and not p["port"].isdigit())]
                if (numeric or not ports_) and port_match(numeric, port, proto, None):
                    port_cache[k] = everyone
                else:
                    wanted = [(p["port"], p.get("protocol") or "TCP") for p in ports_
                              if (p.get("protocol") or "TCP") == proto and p not in numeric]
                    m = 0
                    for i, table in enumerate(named_ports):
                        if any(table.get(w) == port for w in wanted):
                            m |= 1 << i
                    port_cache[k] = m
            return port_cache[k]

        # ingress: per destination, the sources it accepts
        accepts_from = [everyone] * n
        for d in range(n):
            if iso_in[d]:
                m = 0
                bit = 1 << d
                for rules in iso_in[d]:
                    for ports_, pm in rules:
                        if port_mask(ports_) & bit:
                            m |= pm
                accepts_from[d] = m
        # transpose: per source, the destinations that accept it
        open_dsts = 0
        for d in range(n):
            if accepts_from[d] == everyone:
                open_dsts |= 1 << d
        accepted_by = [open_dsts] * n
        for d in range(n):
            if accepts_from[d] != everyone:
                bit = 1 << d
                for s in _bits(accepts_from[d]):
                    accepted_by[s] |= bit
        rows = []
        for s in range(n):
            out_mask = everyone
            if iso_out[s]:
                out_mask = 0
                for rules in iso_out[s]:
                    for ports_, pm in rules:
                        out_mask |= pm & port_mask(ports_)
            rows.append((out_mask & accepted_by[s]) | (1 << s))     # a pod always reaches itself
        result[(port, proto)] = rows
    return Matrix(names, [(p, pr.upper()) for p, pr in ports], result, True)


def default_ports(cluster: Cluster, pods: list[dict]) -> list[tuple[int, str]]:
    """The ports worth showing: every declared containerPort of the pods, and 80/TCP."""
    seen = {(80, "TCP")}
    for p in pods:
        for c in (p.get("spec") or {}).get("containers") or []:
            for cp in c.get("ports") or []:
                if cp.get("containerPort"):
                    seen.add((int(cp["containerPort"]), (cp.get("protocol") or "TCP").upper()))
    return sorted(seen)


# ---- wiring ------------------------------------------------------------------------------------------
def install() -> None:
    """Policies drop packets at the walk's admission step; name lookups ask dns_blocked (dns.py does).
    wiring.install calls this."""
    if admission not in network.ADMISSION:
        network.ADMISSION.append(admission)
