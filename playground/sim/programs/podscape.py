"""`podscape`: the playground's own helper (not a real tool; kubectl cannot explain a NetworkPolicy verdict).

    podscape why busybox nginx:80        which policies select the source and the destination, and which
                                         rule allowed the traffic, or that none did
    podscape matrix [-n NS|-A] [--port 80[/TCP]]   what the policies allow between every pair of pods
"""
from __future__ import annotations

from .. import diagnose, network, policy
from . import program
from ..processes import listener
from ..downloads import known_urls

USAGE = """podscape: the playground's helper (not part of Kubernetes)

Usage:
  podscape why SOURCE DEST[:PORT][/PROTOCOL] [-n NAMESPACE]
      Explain whether NetworkPolicies let SOURCE reach DEST: the policies that select each side and
      the rule, peer and port that allowed it, or that none did.
      SOURCE: a pod ([namespace/]name), a pod IP, or `host` (your machine).
      DEST:   a pod, a Service (each of its ready endpoints), or an IP. PORT defaults to 80.
  podscape matrix [-n NAMESPACE | -A] [--port PORT[/PROTOCOL]]...
      The connectivity matrix: rows are sources, columns destinations; . allowed, X denied.
  podscape downloads
      The release manifests the playground keeps copies of: `kubectl apply -f URL` works for these
      URLs only (the playground has no internet access).

Examples:
  podscape why busybox nginx:80
  podscape matrix --port 80
"""


class UsageError(Exception):
    pass


def _split_port(text: str) -> tuple[str, int, str]:
    proto = "TCP"
    if "/" in text.rsplit(":", 1)[-1]:
        text, proto = text.rsplit("/", 1)
    proto = proto.upper()
    if proto not in ("TCP", "UDP", "SCTP"):
        raise UsageError(f"unknown protocol {proto!r} (TCP, UDP or SCTP)")
    name, port = text, 80
    if ":" in text and not network.is_ip(text):
        name, _, p = text.rpartition(":")
        if not p.isdigit() or not 0 < int(p) < 65536:
            raise UsageError(f"invalid port {p!r}")
        port = int(p)
    return name, port, proto


def _find_pod(cluster, ref: str, ns: str):
    if "/" in ref:
        ns, ref = ref.split("/", 1)
    return cluster.get("pods", ns, ref)


def _source(proc, ref: str, ns: str) -> tuple[policy.Endpoint, network.Source]:
    cluster = proc.cluster
    if ref in ("host", "localhost"):
        # the host has no route to pods; it reaches them through a NodePort, which SNATs to the node
        return (policy.Endpoint(network.CNI_GATEWAY_IP, None,
                                f"your machine via a NodePort (seen as {network.CNI_GATEWAY_IP})"), network.HOST)
    if network.is_ip(ref):
        ep = policy.ip_endpoint(cluster, ref)
        if ep.pod is not None:
            return ep, network.pod_source(ep.pod)
        return ep, network.Source("ip", ref, ref, ref)
    pod = _find_pod(cluster, ref, ns)
    if pod is None:
        raise UsageError(f'pod "{ref}" not found in namespace "{ref.split("/")[0] if "/" in ref else ns}"')
    return policy.pod_endpoint(pod), network.pod_source(pod)


def _destinations(proc, ref: str, port: int, proto: str, ns: str) -> list[tuple[policy.Endpoint, int, str]]:
    """(endpoint, port on it, how it was reached) for each place DEST leads to."""
    cluster = proc.cluster
    if network.is_ip(ref):
        svc = next((s for s in cluster.list("services")
                    if ref in (s["spec"].get("clusterIPs") or [s["spec"].get("clusterIP")])), None)
        if svc is None:
            return [(policy.ip_endpoint(cluster, ref), port, ref)]
        return _service_backends(cluster, svc, port, proto)
    pod = _find_pod(cluster, ref, ns)
    if pod is not None:
        return [(policy.pod_endpoint(pod), port, f"pod {pod['metadata']['name']}")]
    sns, sname = (ref.split("/", 1) if "/" in ref else (ns, ref))
    svc = cluster.get("services", sns, sname.split(".")[0])
    if svc is not None:
        return _service_backends(cluster, svc, port, proto)
    raise UsageError(f'no pod or Service "{ref}" in namespace "{sns}"')


def _service_backends(cluster, svc, port: int, proto: str) -> list[tuple[policy.Endpoint, int, str]]:
    name = svc["metadata"]["name"]
    for sp in svc["spec"].get("ports") or []:
        if int(sp.get("port", 0)) == port and (sp.get("protocol") or "TCP") == proto:
            backends = network.ready_endpoints(cluster, svc, sp)
            if not backends:
                why = diagnose.service_problem(cluster, svc)
                raise UsageError(f"Service {name} has no ready pod endpoints for port {port}/{proto}"
                                 + (f": {why.cause}" if why else ""))
            return [(policy.pod_endpoint(p), tp, f"Service {name} -> pod {p['metadata']['name']}")
                    for p, tp in backends]
    raise UsageError(f"Service {name} has no port {port}/{proto}")


def _trace(proc, source: network.Source, dest_ref: str, dst: policy.Endpoint, port: int, proto: str, how: str,
           v) -> None:
    """The verdict drawn on the diagram as a path: source pod -> (Service ->) destination pod, stopping at
    the pod whose policy drops it."""
    if source.kind == "ip" or dst.pod is None:
        return                          # an address that is no diagram element: nothing to draw
    w = network.Walk(source=source, dest=dest_ref, port=port, protocol=proto)
    w.hop(source.id, source.kind, source.label, source.ip)
    if how.startswith("Service "):
        svc = how.split()[1]
        w.hop(f"service/{dst.namespace}/{svc}", "service", svc, f"port {port}")
    w.hop(f"pod/{dst.namespace}/{dst.pod['metadata']['name']}", "pod", dst.pod["metadata"]["name"], f"{dst.ip}:{port}")
    w.explanation = v.explain()
    if v.allowed:
        w.reason = "NetworkPolicy lets it through" if v.enforced else "the CNI does not enforce NetworkPolicy"
    else:
        policy.mark_drop(w, v)
        w.fail("timeout", v.drop_reason() or "NetworkPolicy drops it")
    proc.engine.trace(w.as_trace())


def do_why(proc, args: list[str], ns: str) -> int:
    if len(args) != 2:
        raise UsageError("why needs SOURCE and DEST[:PORT]")
    cluster = proc.cluster
    src, source = _source(proc, args[0], ns)
    dest_ref, port, proto = _split_port(args[1])
    out = []
    code = 0
    if src.pod is not None and not network.is_ip(dest_ref):      # a name: the client looks it up first
        blocked = policy.dns_blocked(cluster, src.pod)
        if blocked:
            out.append(f"DNS: {src.name} cannot resolve {dest_ref}: its queries to kube-dns (UDP 53) are "
                       f"dropped. {blocked}\n")
            code = 1
    ctx = policy.Context(cluster)
    for dst, dport, how in _destinations(proc, dest_ref, port, proto, ns):
        v = policy.evaluate(cluster, src, dst, dport, proto, ctx)
        _trace(proc, source, dest_ref, dst, dport, proto, how, v)
        if len(out):
            out.append("\n")
        if how.startswith("Service "):
            out.append(f"via {how}:{dport}\n")
        out.append(v.explain())
        if not v.allowed and dst.pod is not None:
            out.append(_fix_line(cluster, source, dst.pod))
        refused = _refused_line(cluster, source, dst.pod, dport, proto) if v.allowed and dst.pod is not None else ""
        out.append(refused)
        code = code or (0 if v.allowed and not refused else 1)
    proc.out("".join(out))
    return code


def _refused_line(cluster, source: network.Source, dest_pod: dict, port: int, proto: str) -> str:
    """Policy lets it through, but nothing in the pod listens there: what the connection meets instead."""
    if listener(dest_pod, port, proto) is not None:
        return ""
    meta = dest_pod["metadata"]
    trace = {"source": source.id, "verdict": "refused", "reason": f"nothing listens on port {port}",
             "dest": meta["name"], "port": port,
             "hops": [{"id": f"pod/{meta['namespace']}/{meta['name']}", "kind": "pod"}]}
    d = diagnose.diagnose_trace(cluster, trace)
    return f"But the connection is refused: {d.cause}\n" if d is not None else ""


def _fix_line(cluster, source: network.Source, dest_pod: dict) -> str:
    """The diagnosis the lesson's hint and the diagram use for the same drop: the label to add."""
    meta = dest_pod["metadata"]
    trace = {"source": source.id, "verdict": "timeout", "reason": "NetworkPolicy drops it",
             "hops": [{"id": f"pod/{meta['namespace']}/{meta['name']}", "kind": "pod"}]}
    d = diagnose.diagnose_trace(cluster, trace)
    return f"Fix: {d.fix}\n" if d is not None and d.fix else ""


def do_matrix(proc, args: list[str], ns: str, all_ns: bool) -> int:
    cluster = proc.cluster
    ports: list[tuple[int, str]] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--port", "-p") and i + 1 < len(args):
            val = args[i + 1]
            i += 2
        elif a.startswith("--port="):
            val = a.split("=", 1)[1]
            i += 1
        else:
            raise UsageError(f"unknown argument {a!r}")
        num, _, proto = val.partition("/")
        if not num.isdigit() or not 0 < int(num) < 65536:
            raise UsageError(f"invalid port {num!r}")
        ports.append((int(num), (proto or "TCP").upper()))
    pods = [p for p in cluster.list("pods") if all_ns or p["metadata"]["namespace"] == ns]
    m = policy.matrix(cluster, ports or None, pods)
    if not m.pods:
        proc.out(f"No pods on the pod network in {'any namespace' if all_ns else 'namespace ' + ns}.\n")
        return 0
    names = m.pods if all_ns or len({n.split('/')[0] for n in m.pods}) > 1 else [n.split("/", 1)[1] for n in m.pods]
    if not m.enforced:
        proc.out(f"The CNI ({policy.cni_label(cluster)}) does not enforce NetworkPolicy: everything is allowed.\n")
    for k, pt in enumerate(m.ports):
        if k:
            proc.out("\n")
        proc.out(f"port {pt[0]}/{pt[1]} (rows: from, columns: to; . allowed, X denied)\n")
        proc.out(m.text(pt, names))
    return 0


@program("podscape")
def podscape(proc) -> int:
    args = proc.argv[1:]
    ns, all_ns, rest = "default", False, []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-n", "--namespace") and i + 1 < len(args):
            ns = args[i + 1]
            i += 2
            continue
        if a.startswith("--namespace="):
            ns = a.split("=", 1)[1]
        elif a in ("-A", "--all-namespaces"):
            all_ns = True
        else:
            rest.append(a)
        i += 1
    if not rest or rest[0] in ("help", "-h", "--help"):
        proc.out(USAGE)
        return 0 if rest else 2
    try:
        if rest[0] == "why":
            return do_why(proc, rest[1:], ns)
        if rest[0] == "matrix":
            return do_matrix(proc, rest[1:], ns, all_ns)
        if rest[0] == "downloads":
            proc.out("".join(url + "\n" for url in known_urls()))
            return 0
        raise UsageError(f"unknown command {rest[0]!r}")
    except UsageError as e:
        proc.err(f"podscape: {e}\nRun 'podscape help' for usage.\n")
        return 2
