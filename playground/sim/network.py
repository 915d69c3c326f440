"""The one walk every request takes: from a source (the learner's host, a pod) to a destination (a name or
an IP, a port), with the verdict and every hop on the way. curl, wget, nslookup, the diagram's traffic
animation and the "why" explanations all read the same `Walk`.

    w = walk(cluster, host.files, HOST, "192.168.49.2", 32000)
    w.verdict   # "ok" | "refused" | "timeout" | "unresolved" | "unreachable"
    w.backend   # Backend(pod, namespace, ip, port, image, container) when ok
    engine.trace(w.as_trace())

The steps, each a named extension point:
  resolve()  name -> IP. The host reads /etc/hosts only (no cluster DNS on the host); pod sources go
             through RESOLVERS["pod"], which the DNS part replaces with in-pod DNS.
  route()    IP -> what answers there: the node (NodePorts, hostPorts, its own daemons), a Service's
             ClusterIP (only from inside the cluster), a pod IP, or nothing (timeout / no route).
  pick()     a Service's ready endpoint: random per connection, sticky per client with ClientIP affinity.
  admit()    ADMISSION checks (NetworkPolicy) on the way into the chosen pod; a denial drops packets.
  listen()   whether the pod's process listens on the target port (else: connection refused).

The shape of the host side (minikube, docker driver): the host is 192.168.49.1 on the `minikube` docker
bridge and reaches the node container at 192.168.49.2; 10.96.0.0/12 and 10.244.0.0/16 exist only inside
the node, so the host's packets for them leave by the default gateway and are never answered.
"""
from __future__ import annotations

import hashlib
import ipaddress
import time
from dataclasses import dataclass, field
from typing import Callable

from . import controllers, nodes, processes
from .cluster import POD_CIDR, SERVICE_CIDR, Cluster, parse_rfc3339
from .nodes import NODE_IP as NODE_IP, NODE_NAME  # NODE_IP: programs read it as network.NODE_IP

HOST_BRIDGE_IP = "192.168.49.1"      # the host's address on the minikube docker network
HOST_LAN_IP = "10.0.2.15"            # the host's address on its default route (a VM's NAT interface)
DOCKER_NETWORK = ipaddress.ip_network("192.168.49.0/24")
CNI_GATEWAY_IP = "10.244.0.1"        # what pods see as the client of NodePort traffic (SNAT by kube-proxy)
API_SERVER_PORT = 8443

# How long a client waits before the kernel gives up (curl's default connect timeout is 300 s; Linux
# stops retrying SYNs after tcp_syn_retries=6, about 130 s): the base and a seeded jitter, in ms.
SYN_TIMEOUT_MS = 130_000
NO_ROUTE_MS = 3_060                   # ARP gives up: "No route to host"

VERDICTS = ("ok", "refused", "timeout", "unresolved", "unreachable")   # a trace also says "dropped" (policy)


# ---- the pieces of a walk ------------------------------------------------------------------------
@dataclass
class Source:
    kind: str                 # "host" | "pod"
    id: str                   # diagram element id: "host", "pod/<ns>/<name>"
    label: str
    ip: str
    namespace: str | None = None
    name: str | None = None


HOST = Source("host", "host", "your machine", HOST_BRIDGE_IP)


def pod_source(pod: dict) -> Source:
    meta = pod["metadata"]
    return Source("pod", f"pod/{meta['namespace']}/{meta['name']}", meta["name"],
                  pod.get("status", {}).get("podIP", ""), meta["namespace"], meta["name"])


@dataclass
class Backend:
    namespace: str
    pod: str
    ip: str
    port: int
    image: str
    container: str

    @property
    def id(self) -> str:
        return f"pod/{self.namespace}/{self.pod}"


@dataclass
class Walk:
    source: Source
    dest: str                  # the name or address asked for
    port: int
    protocol: str = "TCP"
    verdict: str = "ok"
    reason: str = ""
    ip: str | None = None      # what `dest` resolved to
    hops: list[dict] = field(default_factory=list)
    backend: Backend | None = None
    service: str | None = None          # "ns/name" of the Service on the way, if any
    elapsed_ms: int = 0                 # how long the client waited for the verdict
    errno: str = ""                     # the socket error a client reports ("Connection refused", ...)
    client_ip: str = ""                 # the source address the backend sees
    explanation: str = ""               # why NetworkPolicy let it through or dropped it (policy.py)
    dropped: bool = False               # a NetworkPolicy dropped it (the client sees a timeout)
    stop_at: str | None = None          # the hop where a failed request stopped, when not the last one
    stopped_by: list[str] = field(default_factory=list)   # ids of the NetworkPolicies that dropped it
    forwarded: int = 0                  # the host port a `kubectl port-forward` took it through

    def hop(self, id_: str, kind: str, label: str, detail: str = "") -> None:
        self.hops.append({"id": id_, "kind": kind, "label": label, "detail": detail})

    def fail(self, verdict: str, reason: str, errno: str = "", elapsed_ms: int = 0) -> "Walk":
        self.verdict, self.reason, self.errno, self.elapsed_ms = verdict, reason, errno, elapsed_ms
        return self

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"

    def stop_hop(self) -> int | None:
        """The index of the hop where a failed request stopped (`stop_at`, else the last hop)."""
        if self.ok or not self.hops:
            return None
        ids = [h["id"] for h in self.hops]
        return len(ids) - 1 - ids[::-1].index(self.stop_at) if self.stop_at in ids else len(ids) - 1

    def as_trace(self) -> dict:
        """The diagram's trace: every hop id is a diagram element id (playground/topology.py), and a
        request that failed has `stop: true` on the hop where it stopped."""
        hops = [dict(h) for h in self.hops]
        stop = self.stop_hop()
        if stop is not None:
            hops[stop]["stop"] = True
            if self.stopped_by:
                hops[stop]["policies"] = list(self.stopped_by)
        trace = {"source": self.source.id, "dest": f"{self.dest}:{self.port}", "protocol": self.protocol,
                 "hops": hops, "verdict": "dropped" if self.dropped else self.verdict, "reason": self.reason}
        if self.explanation:
            trace["why"] = self.explanation
        return trace


def continue_trace(traces: list[dict], trace: dict) -> None:
    """Add a trace; one marked `continues` (a proxy's onward request, e.g. the ingress controller's) extends
    the trace that reached the proxy, so the diagram draws one path with the final verdict."""
    onward = trace.pop("continues", False)
    prev = traces[-1] if traces else None
    if onward and prev and prev["verdict"] == "ok" and prev["hops"] and trace["hops"] \
            and prev["hops"][-1]["id"] == trace["hops"][0]["id"]:
        prev["hops"] = prev["hops"] + trace["hops"][1:]
        for key in ("verdict", "reason", "why", "cause", "fix"):
            if key in trace:
                prev[key] = trace[key]
        return
    traces.append(trace)


# ---- extension points ----------------------------------------------------------------------------
# fn(cluster, host_files, source, name) -> IP or None. "host" is built in; the DNS part sets "pod".
Resolver = Callable[[Cluster, dict, Source, str], "str | None"]
# fn(cluster, walk, pod, port) -> None to let the packet in, or a reason it is dropped (NetworkPolicy).
Admission = Callable[[Cluster, Walk, dict, int], "str | None"]
ADMISSION: list[Admission] = []


def parse_hosts(text: str) -> dict[str, str]:
    """/etc/hosts as glibc reads it: first address listed for a name wins; comments and blanks skipped."""
    table: dict[str, str] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].split()
        if len(line) < 2:
            continue
        addr, names = line[0], line[1:]
        try:
            ipaddress.ip_address(addr)
        except ValueError:
            continue
        for n in names:
            table.setdefault(n.lower(), addr)
    return table


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def _resolve_on_host(cluster: Cluster, host_files: dict, source: Source, name: str) -> str | None:
    if name.lower() == "localhost":
        return "127.0.0.1"
    table = parse_hosts(host_files.get("/etc/hosts", ""))
    addr = table.get(name.lower().rstrip("."))
    if addr and ":" in addr:     # IPv6 entries (ip6-localhost...): curl would try them; we keep to IPv4
        return "::1" if addr == "::1" else None
    return addr


def _resolve_in_pod(cluster: Cluster, host_files: dict, source: Source, name: str) -> str | None:
    """Minimal cluster DNS until the DNS part replaces RESOLVERS["pod"]: Service names through the
    pod's search list (<svc>, <svc>.<ns>, <svc>.<ns>.svc, <svc>.<ns>.svc.cluster.local) -> ClusterIP."""
    if name == "localhost":
        return "127.0.0.1"
    parts = name.lower().rstrip(".").split(".")
    if parts[-3:] == ["svc", "cluster", "local"]:
        parts = parts[:-3] + ["svc"]
    if parts[-1:] == ["svc"]:
        parts = parts[:-1]
    if len(parts) == 1:
        parts.append(source.namespace or "default")
    if len(parts) != 2:
        return None
    svc = cluster.get("services", parts[1], parts[0])
    if svc is None:
        return None
    ip = svc["spec"].get("clusterIP")
    return None if ip in (None, "", "None") else ip


RESOLVERS: dict[str, Resolver] = {"host": _resolve_on_host, "pod": _resolve_in_pod}


def _no_record(cluster: Cluster, source: Source) -> str:
    return "the cluster DNS has no record for it"


# Why a lookup through the cluster DNS got no answer, in words: the DNS part replaces it along with
# RESOLVERS["pod"] (dns.dns_failure: a policy drops the queries, CoreDNS is down, or no record).
DNS_FAILURE: Callable[[Cluster, Source], str] = _no_record


# ---- the walk --------------------------------------------------------------------------------------
def walk(cluster: Cluster, host_files: dict, source: Source, dest_host: str, port: int,
         protocol: str = "TCP") -> Walk:
    w = Walk(source=source, dest=dest_host, port=int(port), protocol=protocol.upper())
    w.hop(source.id, source.kind, source.label, source.ip)
    ip = resolve(cluster, host_files, w)
    if ip is None:
        return w
    w.ip = ip
    route(cluster, w)
    return w


def resolve(cluster: Cluster, host_files: dict, w: Walk) -> str | None:
    name = w.dest.strip("[]")
    if is_ip(name):
        return name
    resolver = RESOLVERS.get(w.source.kind, _resolve_on_host)
    ip = resolver(cluster, host_files, w.source, name)
    if w.source.kind == "host":
        # /etc/hosts is the host's own file: the lookup is a detail of the host's hop, not a hop
        w.hops[0]["detail"] += f"; {name} -> {ip or '?'} (/etc/hosts)"
        if ip is None:
            w.fail("unresolved", f"{name} does not resolve: /etc/hosts has no entry for it and the host "
                                 "cannot use the cluster's DNS")
        return ip
    if ip in ("127.0.0.1", "::1"):
        return ip
    w.hop(KUBE_DNS_ID, "dns", "cluster DNS", f"{name} -> {ip or 'no answer'}")
    if ip is None:
        w.fail("unresolved", f"{name} does not resolve: {DNS_FAILURE(cluster, w.source)}")
    return ip


KUBE_DNS_ID = "service/kube-system/kube-dns"


def _jitter(cluster: Cluster, base: int, spread: int) -> int:
    return base + cluster.randint(0, spread)


def route(cluster: Cluster, w: Walk) -> None:
    ip = w.ip or ""
    addr = ipaddress.ip_address(ip) if is_ip(ip) else None
    from_host = w.source.kind == "host"
    if addr is None or addr.version == 6:
        if ip == "::1" and from_host:
            w.fail("refused", "nothing listens on this port on your machine", "Connection refused")
        else:
            w.fail("unreachable", f"{ip}: IPv6 is not simulated", "Network is unreachable")
        return
    if addr.is_loopback:
        if from_host:
            _host_loopback(cluster, w)
        else:
            pod = cluster.get("pods", w.source.namespace, w.source.name)
            if pod is not None:
                _into_pod(cluster, w, pod, w.port, via_service=False)
            else:
                w.fail("refused", "nothing listens on this port", "Connection refused")
        return
    node = nodes.by_ip(cluster, ip)
    if node is not None:
        _to_node(cluster, w, node)
        return
    if ip == HOST_BRIDGE_IP:
        if not from_host:
            w.hop("host", "host", HOST.label, ip)
        w.fail("refused", "that is the learner's machine on the minikube network; nothing listens there",
               "Connection refused")
        return
    if addr in SERVICE_CIDR:
        if from_host and cluster.running and cluster.runtime.get("tunnel"):
            # `minikube tunnel` routes 10.96.0.0/12 through the node: the host reaches ClusterIPs
            w.hops[-1]["detail"] += f"; route 10.96.0.0/12 -> {NODE_IP} (minikube tunnel)"
            _to_cluster_ip(cluster, w)
            return
        if from_host or not cluster.running:
            _off_the_map(cluster, w, "Service ClusterIPs (10.96.0.0/12) exist only inside the cluster: "
                                     "your machine has no route to them, so the packets leave by its default "
                                     "gateway and nobody answers")
            return
        _to_cluster_ip(cluster, w)
        return
    if addr in POD_CIDR:
        if from_host or not cluster.running:
            _off_the_map(cluster, w, "Pod IPs (10.244.0.0/16) exist only inside the cluster's network: your "
                                     "machine has no route to them, so nobody answers")
            return
        pod = _pod_by_ip(cluster, ip)
        if pod is None:
            if ip == CNI_GATEWAY_IP:
                w.fail("refused", "the bridge gateway has nothing listening on this port", "Connection refused")
            else:
                w.fail("unreachable", f"no pod has the address {ip}", "No route to host",
                       _jitter(cluster, NO_ROUTE_MS, 40))
            return
        _into_pod(cluster, w, pod, w.port, via_service=False)
        return
    if from_host and addr in DOCKER_NETWORK:
        w.fail("unreachable", f"no container on the minikube docker network has the address {ip}",
               "No route to host", _jitter(cluster, NO_ROUTE_MS, 40))
        return
    _off_the_map(cluster, w, f"{ip} is outside the simulated network (the playground has no Internet)")


def _off_the_map(cluster: Cluster, w: Walk, reason: str) -> None:
    """No route: the packets leave by the default gateway and nobody answers; the request stops at the
    last hop it reached (the client, or a Service without that port)."""
    w.fail("timeout", reason, "Connection timed out", _jitter(cluster, SYN_TIMEOUT_MS, 6_000))


# ---- the minikube node ------------------------------------------------------------------------------
# Ports the node container itself listens on (not Kubernetes objects): sshd, dockerd, the apiserver,
# the kubelet. What they answer to plain HTTP is in NODE_DAEMONS' values.
NODE_DAEMONS = {22: "ssh", 2376: "dockerd", API_SERVER_PORT: "kube-apiserver", 10250: "kubelet",
                10256: "kube-proxy"}


KIC_PORTS = (22, 2376, 5000, 8443, 32443)     # what minikube publishes on 127.0.0.1 (docker -p 127.0.0.1::N)
KIC_FIRST_HOST_PORT = 32768                    # docker's ephemeral range starts here on a fresh machine
KIC_BOOT_LEAD = 28                             # seconds from `docker run` to the node registering


def kic(cluster: Cluster) -> dict:
    """The minikube node's docker container as docker sees it: id, created/started times, state, the
    published ports. Built on first use from the node object, then kept in cluster.runtime["kic"]."""
    k = cluster.runtime.get("kic")
    if k is None:
        node = cluster.get("nodes", None, NODE_NAME)
        born = cluster.now
        if node is not None and node["metadata"].get("creationTimestamp"):
            born = parse_rfc3339(node["metadata"]["creationTimestamp"])
        born -= KIC_BOOT_LEAD
        digest = hashlib.blake2b(f"kic:{cluster.seed}".encode(), digest_size=32).hexdigest()
        k = {"id": digest, "created": born, "started": born, "state": "running", "exit_code": 0,
             "finished": None, "deleted": False, "next_host_port": KIC_FIRST_HOST_PORT}
        k["ports"] = allocate_kic_ports(k)
        cluster.runtime["kic"] = k
    return k


def allocate_kic_ports(k: dict) -> dict[str, int]:
    """Fresh ephemeral host ports for the published container ports (docker picks new ones on each start);
    docker binds them last-to-first, so 22 gets the highest."""
    base = int(k.get("next_host_port", KIC_FIRST_HOST_PORT))
    ports = {str(p): base + len(KIC_PORTS) - 1 - i for i, p in enumerate(KIC_PORTS)}
    k["next_host_port"] = base + len(KIC_PORTS)
    return ports


def node_reachable(cluster: Cluster) -> str | None:
    """Why the node container cannot be reached right now (stopped, deleted), or None."""
    if cluster.runtime.get("kic", {}).get("deleted"):
        return "deleted"
    if not cluster.running:
        return "stopped"
    return None


def _to_node(cluster: Cluster, w: Walk, node: str = NODE_NAME) -> None:
    """A packet for one node's address: its NodePorts (every node opens every NodePort), the hostPorts of
    the pods it runs, or its own daemons (the API server on the control-plane node only)."""
    down = node_reachable(cluster)
    node_ip = nodes.ip_of(cluster, node)
    if down == "stopped":
        w.hop("node/" + node, "node", node, "stopped")
        w.fail("unreachable", "the minikube container is stopped (`minikube stop`): nothing answers at "
                              f"{node_ip}", "No route to host", _jitter(cluster, NO_ROUTE_MS, 40))
        return
    if down == "deleted":
        _off_the_map(cluster, w, "the minikube cluster was deleted: its docker network is gone, so the "
                                 f"host has no route to {node_ip}")
        return
    for svc in cluster.list("services"):
        spec = svc.get("spec", {})
        if spec.get("type") not in ("NodePort", "LoadBalancer"):
            continue
        for sp in spec.get("ports", []) or []:
            if int(sp.get("nodePort") or 0) == w.port and sp.get("protocol", "TCP") == w.protocol:
                w.hop(f"nodeport/{node}/{w.port}", "nodeport", f":{w.port}", f"{node_ip}:{w.port}")
                w.hop(_svc_id(svc), "service", svc["metadata"]["name"],
                      f"NodePort {w.port} -> port {sp.get('port')}")
                local = spec.get("externalTrafficPolicy") == "Local"
                # Cluster: kube-proxy masquerades (the pod sees the node); Local keeps the client's address
                w.client_ip = (HOST_BRIDGE_IP if w.source.kind == "host" else w.source.ip) if local else \
                    (CNI_GATEWAY_IP if node == NODE_NAME else nodes.gateway_of(cluster, node))
                _through_service(cluster, w, svc, sp, local_to=node if local else None)
                return
    for pod in cluster.list("pods"):
        for c in pod.get("spec", {}).get("containers", []) or []:
            for p in c.get("ports", []) or []:
                if int(p.get("hostPort") or 0) == w.port and p.get("protocol", "TCP") == w.protocol:
                    if pod.get("status", {}).get("phase") != "Running" or nodes.node_of(pod) != node:
                        continue
                    w.hop(_pod_id(pod), "pod", pod["metadata"]["name"], f"{node_ip}:{w.port} (hostPort)")
                    w.client_ip = HOST_BRIDGE_IP if w.source.kind == "host" else w.source.ip
                    _into_pod(cluster, w, pod, int(p["containerPort"]), via_service=False, hopped=True)
                    return
    w.hop("node/" + node, "node", node, f"{node_ip}:{w.port}")
    if w.port in NODE_DAEMONS and (node == NODE_NAME or NODE_DAEMONS[w.port] != "kube-apiserver"):
        w.hops[-1].update(kind="daemon", detail=f"{NODE_DAEMONS[w.port]} listening on {w.port}")
        w.backend = Backend("", NODE_DAEMONS[w.port], node_ip, w.port, NODE_DAEMONS[w.port], "")
        w.reason = f"{NODE_DAEMONS[w.port]} on the node answers"
        return
    w.fail("refused", f"nothing listens on port {w.port} of the node: no NodePort Service uses it",
           "Connection refused")


def _host_loopback(cluster: Cluster, w: Walk) -> None:
    """127.0.0.1 on the host: a running `kubectl port-forward`'s or `kubectl proxy`'s port, or docker's published ports of the
    minikube container."""
    forward = (cluster.runtime.get("host_ports") or {}).get(str(w.port))
    if forward is not None and "proxy" in forward:
        # `kubectl proxy`: kubectl itself answers on the host and speaks to the API server
        w.hops[-1]["detail"] += f"; 127.0.0.1:{w.port} -> kubectl proxy -> the API server"
        w.hop("node/" + NODE_NAME, "daemon", NODE_NAME, f"kube-apiserver listening on {API_SERVER_PORT}")
        w.backend = Backend("", "kubectl-proxy", "127.0.0.1", w.port, "kubectl-proxy", "")
        w.client_ip = "127.0.0.1"
        w.reason = "kubectl proxy answers with the API server's reply"
        return
    if forward is not None:
        _forwarded(cluster, w, forward)
        return
    if node_reachable(cluster) is None:
        for container_port, host_port in (kic(cluster).get("ports") or {}).items():
            if int(host_port) == w.port:
                w.hops[-1]["detail"] += f"; 127.0.0.1:{w.port} -> docker-proxy -> node port {container_port}"
                w.port = int(container_port)
                _to_node(cluster, w, NODE_NAME)
                return
    w.fail("refused", "nothing listens on this port on your machine", "Connection refused")


def _forwarded(cluster: Cluster, w: Walk, forward: dict) -> None:
    """kubectl port-forward: the kubelet copies the connection into the pod's network namespace (the
    container runtime's port forwarding), so no Service and no NetworkPolicy is on the way."""
    w.forwarded = w.port
    pod = cluster.get("pods", forward.get("namespace"), forward.get("pod", ""))
    port = int(forward.get("remote", 0))
    w.hops[-1]["detail"] += f"; 127.0.0.1:{w.port} -> kubectl port-forward -> pod port {port}"
    if pod is None or pod.get("status", {}).get("phase") != "Running":
        w.fail("reset", "the pod kubectl port-forward forwards to is gone", "Connection reset by peer")
        return
    w.hop(_pod_id(pod), "pod", pod["metadata"]["name"], f"{pod.get('status', {}).get('podIP')}:{port}")
    w.client_ip = "127.0.0.1"
    found = processes.listener(pod, port)
    container = found[0] if found else None
    if container is None:
        w.fail("reset", f"pod {pod['metadata']['name']} has no process listening on port {port}",
               "Connection reset by peer")
        return
    w.backend = Backend(pod["metadata"]["namespace"], pod["metadata"]["name"], pod["status"].get("podIP", ""),
                        port, container.get("image", ""), container.get("name", ""))
    w.reason = f"answered by pod {pod['metadata']['name']} ({container.get('image')}) on port {port}"


# ---- Services ---------------------------------------------------------------------------------------
def _svc_id(svc: dict) -> str:
    return f"service/{svc['metadata']['namespace']}/{svc['metadata']['name']}"


def _pod_id(pod: dict) -> str:
    return f"pod/{pod['metadata']['namespace']}/{pod['metadata']['name']}"


def element_at(cluster: Cluster, ip: str) -> tuple[str, str, str] | None:
    """(diagram id, kind, label) of what has an address: a pod, a Service's ClusterIP, the node, the host."""
    node = nodes.by_ip(cluster, ip)
    if node is not None:
        return "node/" + node, "node", node
    if ip == HOST_BRIDGE_IP:
        return HOST.id, "host", HOST.label
    pod = _pod_by_ip(cluster, ip)
    if pod is not None:
        return _pod_id(pod), "pod", pod["metadata"]["name"]
    svc = next((s for s in cluster.list("services")
                if ip in (s["spec"].get("clusterIPs") or [s["spec"].get("clusterIP")])), None)
    return (_svc_id(svc), "service", svc["metadata"]["name"]) if svc else None


def _pod_by_ip(cluster: Cluster, ip: str) -> dict | None:
    for pod in cluster.list("pods"):
        st = pod.get("status", {})
        if st.get("podIP") == ip and not pod["spec"].get("hostNetwork") and \
                st.get("phase") not in ("Succeeded", "Failed"):
            return pod
    return None


def _to_cluster_ip(cluster: Cluster, w: Walk) -> None:
    for svc in cluster.list("services"):
        if w.ip in (svc.get("spec", {}).get("clusterIPs") or [svc.get("spec", {}).get("clusterIP")]):
            for sp in svc["spec"].get("ports", []) or []:
                if int(sp.get("port", 0)) == w.port and sp.get("protocol", "TCP") == w.protocol:
                    w.hop(_svc_id(svc), "service", svc["metadata"]["name"], f"{w.ip}:{w.port}")
                    w.client_ip = w.source.ip
                    local = svc["spec"].get("internalTrafficPolicy") == "Local"
                    _through_service(cluster, w, svc, sp, local_to=_source_node(cluster, w) if local else None)
                    return
            w.hop(_svc_id(svc), "service", svc["metadata"]["name"], f"no port {w.port}")
            _off_the_map(cluster, w, f"Service {svc['metadata']['name']} has no port {w.port}: kube-proxy "
                                     "has no rule for it and the ClusterIP is not a real interface")
            return
    _off_the_map(cluster, w, f"no Service has the ClusterIP {w.ip}")


def _source_node(cluster: Cluster, w: Walk) -> str:
    """The node a walk starts on: a pod's node, else the primary (the learner's host reaches no ClusterIP)."""
    if w.source.kind == "pod" and w.source.name:
        return nodes.node_of(cluster.get("pods", w.source.namespace, w.source.name))
    return NODE_NAME


def ready_endpoints(cluster: Cluster, svc: dict, svc_port: dict) -> list[tuple[dict, int]]:
    """(pod, target port) for each ready endpoint of one Service port, as kube-proxy programs them."""
    ns = svc["metadata"]["namespace"]
    ep = cluster.get("endpoints", ns, svc["metadata"]["name"])
    out: list[tuple[dict, int]] = []
    if ep is None:
        return out
    want_name = svc_port.get("name")
    for subset in ep.get("subsets", []) or []:
        port = None
        for p in subset.get("ports", []) or []:
            if (p.get("name") == want_name or (not want_name and len(subset["ports"]) == 1)) and \
                    p.get("protocol", "TCP") == svc_port.get("protocol", "TCP"):
                port = int(p["port"])
        if port is None:
            continue
        for a in subset.get("addresses", []) or []:
            ref = a.get("targetRef") or {}
            pod = cluster.get("pods", ref.get("namespace", ns), ref.get("name", "")) if ref else None
            if pod is None:
                pod = _pod_by_ip(cluster, a.get("ip", ""))
            if pod is not None:
                out.append((pod, port))
    out.sort(key=lambda pp: pp[0]["metadata"]["name"])
    return out


AFFINITY_LIMIT = 200          # remembered (Service, client) pairs per sandbox


def pick(cluster: Cluster, svc: dict, candidates: list, client_ip: str):
    """kube-proxy's choice: random per connection (iptables `-m statistic --mode random`). ClientIP affinity
    (`-m recent --rcheck --seconds T --reap`) sends a client back to the endpoint it last reached while that
    was less than sessionAffinityConfig.clientIP.timeoutSeconds (10800) ago and the endpoint still serves."""
    spec = svc["spec"]
    if spec.get("sessionAffinity") != "ClientIP":
        return cluster.choice(candidates)
    timeout = int(((spec.get("sessionAffinityConfig") or {}).get("clientIP") or {}).get("timeoutSeconds") or 10800)
    memory = cluster.runtime.setdefault("affinity", {})
    key = f"{svc['metadata'].get('uid')}/{client_ip}"
    seen = memory.get(key)
    chosen = None
    if seen and cluster.now - seen[1] <= timeout:
        chosen = next((c for c in candidates if c[0]["metadata"]["name"] == seen[0]), None)
    if chosen is None:
        chosen = cluster.choice(candidates)
    memory.pop(key, None)
    memory[key] = [chosen[0]["metadata"]["name"], cluster.now]
    while len(memory) > AFFINITY_LIMIT:
        memory.pop(next(iter(memory)))
    return chosen


def _through_service(cluster: Cluster, w: Walk, svc: dict, svc_port: dict, local_to: str | None = None) -> None:
    """kube-proxy on the node the packet is on: DNAT to one endpoint. `local_to` (a traffic policy of
    Local) keeps only the endpoints on that node; with none there kube-proxy drops the packet
    (pkg/proxy/iptables: "-j DROP" for a Local policy without local endpoints)."""
    w.service = f"{svc['metadata']['namespace']}/{svc['metadata']['name']}"
    if svc["spec"].get("type") == "ExternalName":
        w.fail("unreachable", "an ExternalName Service has no endpoints; only DNS answers for it",
               "Connection refused")
        return
    candidates = ready_endpoints(cluster, svc, svc_port)
    node_port = _node_endpoint(cluster, svc, svc_port) if not candidates else None
    if node_port is not None:
        # the `kubernetes` Service: its Endpoints (written by the apiserver, no pods) are the node's 8443
        w.port = node_port
        _to_node(cluster, w)
        return
    if not candidates:
        w.fail("refused", f"Service {svc['metadata']['name']} has no ready endpoints, so kube-proxy rejects "
                          "the connection", "Connection refused")
        return
    if local_to is not None:
        candidates = [(p, port) for p, port in candidates if nodes.node_of(p) == local_to]
        if not candidates:
            _off_the_map(cluster, w, f"Service {svc['metadata']['name']} has a Local traffic policy and no ready "
                                     f"endpoint on node {local_to}, so kube-proxy there drops the packet")
            return
    pod, port = pick(cluster, svc, candidates, w.client_ip or w.source.ip)
    w.hop(_pod_id(pod), "pod", pod["metadata"]["name"], f"{pod['status'].get('podIP')}:{port}")
    _into_pod(cluster, w, pod, port, via_service=True, hopped=True)


def _node_endpoint(cluster: Cluster, svc: dict, svc_port: dict) -> int | None:
    """The port of an endpoint at the node's own address (the API server's), or None."""
    ep = cluster.get("endpoints", svc["metadata"]["namespace"], svc["metadata"]["name"])
    for subset in (ep or {}).get("subsets", []) or []:
        if any(a.get("ip") == NODE_IP and not a.get("targetRef") for a in subset.get("addresses") or []):
            for p in subset.get("ports") or []:
                if p.get("name") == svc_port.get("name") and p.get("protocol", "TCP") == svc_port.get("protocol", "TCP"):
                    return int(p["port"])
    return None


# ---- into the pod -----------------------------------------------------------------------------------
def admit(cluster: Cluster, w: Walk, pod: dict, port: int) -> str | None:
    for check in ADMISSION:
        reason = check(cluster, w, pod, port)
        if reason:
            return reason
    return None


def _into_pod(cluster: Cluster, w: Walk, pod: dict, port: int, *, via_service: bool, hopped: bool = False) -> None:
    if not hopped:
        w.hop(_pod_id(pod), "pod", pod["metadata"]["name"], f"{pod.get('status', {}).get('podIP')}:{port}")
    if not w.client_ip:
        w.client_ip = w.source.ip
    if _unrouted(cluster, w, pod):
        _off_the_map(cluster, w, f"pod {pod['metadata']['name']} runs on node {nodes.node_of(pod)}, and minikube's "
                                 "bridge CNI has no route between nodes' pod subnets (start a multi-node cluster with "
                                 "--nodes=2, which picks kindnet, or --cni=calico)")
        return
    denied = admit(cluster, w, pod, port)
    if denied:
        w.dropped = True
        w.fail("timeout", denied, "Connection timed out", _jitter(cluster, SYN_TIMEOUT_MS, 6_000))
        return
    found = processes.listener(pod, port, w.protocol) if controllers.is_ready(pod) or \
        pod.get("status", {}).get("phase") == "Running" else None
    if found is None:
        # TCP answers RST, UDP an ICMP port unreachable, SCTP an ABORT: the client sees "refused" for each
        why = "is not running" if pod.get("status", {}).get("phase") != "Running" else \
            f"has no process listening on port {port}/{w.protocol}"
        w.fail("refused", f"pod {pod['metadata']['name']} {why}", "Connection refused")
        return
    container = found[0]
    w.backend = Backend(pod["metadata"]["namespace"], pod["metadata"]["name"], pod["status"].get("podIP", ""),
                        port, container.get("image", ""), container.get("name", ""))
    w.reason = f"answered by pod {pod['metadata']['name']} ({container.get('image')}) on port {port}"


def _unrouted(cluster: Cluster, w: Walk, pod: dict) -> bool:
    """A pod-to-pod packet between nodes on the bridge CNI: each node's bridge knows only its own subnet."""
    if (getattr(cluster, "cni", "") or "bridge") not in ("bridge", "") or w.source.kind != "pod" or \
            not nodes.multi(cluster):
        return False
    src = cluster.get("pods", w.source.namespace, w.source.name)
    if src is None or (src.get("spec") or {}).get("hostNetwork") or (pod.get("spec") or {}).get("hostNetwork"):
        return False
    return nodes.node_of(src) != nodes.node_of(pod)


# ---- bookkeeping the runtime keeps outside the API ---------------------------------------------------
ACCESS_LOG_LIMIT = 500


def record_access(cluster: Cluster, namespace: str, pod: str, line: str) -> None:
    """A line the pod's server printed to stdout (its access log), for `kubectl logs`."""
    if not line:
        return
    logs = cluster.runtime.setdefault("access_log", {}).setdefault(f"{namespace}/{pod}", [])
    logs.append(line)
    del logs[:-ACCESS_LOG_LIMIT]


def access_log(cluster: Cluster, namespace: str, pod: str) -> list[str]:
    return list(cluster.runtime.get("access_log", {}).get(f"{namespace}/{pod}", []))


# ---- what kubectl says when the cluster is down -----------------------------------------------------
# `minikube stop` and `minikube delete` remove the minikube context from ~/.kube/config, so kubectl falls
# back to its default server, localhost:8080, where nothing listens (checked against kubectl v1.35).
STOPPED_SERVER = "localhost:8080"


def cluster_unreachable_error(cluster: Cluster | None = None, discovery: bool = True, klog_lines: int = 5) -> str:
    """What kubectl v1.35 prints on stderr for a command that needs the API server while minikube is
    stopped or deleted (exit code 1). With a cluster (for its clock) and `discovery`, the klog lines the
    discovery client logs come first; the last line is always the same. Checked against kubectl v1.35:
    get, describe, delete, expose, scale, label, api-resources log 5 lines (cluster-info too, then adds
    its own tail); `run` logs 1; `version` logs none (after its Client/Kustomize lines); `create <kind>`
    prints `error: failed to create <what>: ` + dial_error(...) instead."""
    last = f"The connection to the server {STOPPED_SERVER} was refused - did you specify the right host or port?\n"
    if cluster is None or not discovery:
        return last
    ts = cluster.now
    t = time.gmtime(ts)
    pid = 10000 + int(hashlib.blake2b(f"{cluster.seed}:{int(ts)}".encode(), digest_size=4).hexdigest(), 16) % 50000
    micros = int((ts - int(ts)) * 1_000_000) or 723654
    lines = []
    for i in range(klog_lines):
        lines.append(
            f"E{t.tm_mon:02d}{t.tm_mday:02d} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}."
            f"{(micros + i * 417) % 1_000_000:06d} {pid:7d} memcache.go:265] \"Unhandled Error\" "
            f"err=\"couldn't get current server API group list: Get \\\"http://{STOPPED_SERVER}/api?timeout=32s\\\": "
            f"dial tcp 127.0.0.1:8080: connect: connection refused\"\n")
    return "".join(lines) + last


def dial_error(method: str, path: str) -> str:
    """The `dial tcp` part of a request error while the cluster is down (`error: failed to create ...: %s`)."""
    return f'{method} "http://{STOPPED_SERVER}{path}": dial tcp 127.0.0.1:8080: connect: connection refused'
