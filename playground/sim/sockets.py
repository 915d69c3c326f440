"""What a client's socket sees when a program in a pod opens a TCP, UDP or SCTP connection: the name lookup
(with why it failed: no such host, a query that times out because a NetworkPolicy drops it, kube-dns
rejecting it because CoreDNS has no endpoint), the network walk (network.walk, the one path every request
takes), and what a raw server sends back. nc and `agnhost connect` read this; HTTP clients read the walk.

    c = connect(engine, proc.net_source, "s-x-a", 80, "UDP", payload="hostname\n")
    c.dns_error   # "" | "nxdomain" | "timeout" | "refused" | "servfail"
    c.walk        # verdict ok | refused | timeout | unreachable (None when the name did not resolve)
    c.reply       # the bytes a raw server answered (serve-hostname --tcp/--udp, porter, netexec UDP)

What the client sees for each verdict, per protocol (Linux): TCP refused = RST, UDP refused = ICMP port
unreachable (a connected socket's next read fails with ECONNREFUSED), SCTP refused = ABORT; a packet a
NetworkPolicy drops gets no answer at all, so the client waits for its own timeout.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import dns, network, processes
from .network import Source, Walk

EPHEMERAL = (32768, 60999)          # net.ipv4.ip_local_port_range's default


@dataclass
class Connection:
    host: str
    port: int
    protocol: str
    local_port: int
    walk: Walk | None = None
    dns_error: str = ""
    reply: str | None = None        # None: the server sends nothing back

    @property
    def ok(self) -> bool:
        return self.walk is not None and self.walk.ok

    @property
    def ip(self) -> str:
        return (self.walk.ip if self.walk else None) or ""


def dns_error(cluster, source: Source, name: str) -> str:
    """Why a pod's lookup of `name` failed: "timeout" (a policy drops the queries), "refused" (kube-dns
    has no endpoint, so kube-proxy rejects them), "servfail", or "nxdomain"."""
    pod = cluster.get("pods", source.namespace, source.name) if source.name else None
    if pod is not None and dns.dns_blocked(cluster, pod):
        return "timeout"
    svc = cluster.get("services", "kube-system", "kube-dns")
    if svc is None:
        return "timeout"
    udp = [sp for sp in svc["spec"].get("ports") or [] if sp.get("protocol") == "UDP"]
    if not udp or not network.ready_endpoints(cluster, svc, udp[0]):
        return "refused"
    for cand in dns.candidates(name, source.namespace or "default"):
        if dns.query(cluster, cand, "A").rcode == "SERVFAIL":
            return "servfail"
    return "nxdomain"


def go_dns_error(name: str, kind: str, source_ip: str, local_port: int) -> str:
    """Go's resolver error text (net.DNSError) for a lookup against kube-dns."""
    server = f"{dns.KUBE_DNS_IP}:53"
    detail = {"nxdomain": "no such host", "servfail": "server misbehaving",
              "timeout": f"read udp {source_ip}:{local_port}->{server}: i/o timeout",
              "refused": f"read udp {source_ip}:{local_port}->{server}: read: connection refused"}[kind]
    return f"lookup {name} on {server}: {detail}"


def connect(engine, source: Source, host: str, port: int, protocol: str = "TCP", payload: str = "",
            host_files: dict | None = None) -> Connection:
    """Open one connection from `source` and, for raw servers, send `payload` and read the answer.
    `host_files` is the learner's machine's files (/etc/hosts) when the source is the host."""
    cluster = engine.cluster
    protocol = protocol.upper()
    conn = Connection(host, int(port), protocol, cluster.randint(*EPHEMERAL))
    w = network.walk(cluster, host_files or {}, source, host, int(port), protocol)
    engine.trace(w.as_trace())
    if w.verdict == "unresolved":
        conn.dns_error = dns_error(cluster, source, host) if source.kind == "pod" else "nxdomain"
        return conn
    conn.walk = w
    if w.ok and w.backend is not None and w.backend.namespace:
        pod = cluster.get("pods", w.backend.namespace, w.backend.pod)
        found = processes.listener(pod, w.backend.port, protocol) if pod is not None else None
        if found is not None:
            conn.reply = raw_reply(found[1], pod, payload)
    return conn


def raw_reply(listener, pod: dict, payload: str) -> str | None:
    """What a raw (non-HTTP) agnhost server writes back: serve-hostname --tcp/--udp the hostname
    (serve_hostname.go), porter the variable's value (porter.go), netexec's UDP server answers `hostname`
    and `echo X` and ignores anything else (netexec.go startUDPServer)."""
    hostname = dns.pod_hostname(pod)
    if listener.server == "serve-hostname" and listener.kind in ("tcp", "udp"):
        return hostname
    if listener.server == "porter" and listener.kind in ("udp", "sctp"):
        return listener.text
    if listener.server == "netexec" and listener.kind in ("udp", "sctp"):
        text = payload.strip().lower()
        if text == "hostname":
            return hostname
        if text.startswith("echo "):
            return text.split(" ", 1)[1]
        return None
    return None
