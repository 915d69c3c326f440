"""Cluster DNS as CoreDNS's kubernetes plugin answers it (kubernetes/dns docs/specification.md), and the
client side of it: the pod's /etc/resolv.conf and /etc/hosts as the kubelet writes them, and the stub
resolver's search-list expansion (ndots:5).

    query(cluster, "nginx-app.default.svc.cluster.local", "A")  -> Answer(rcode, records, authoritative)
    lookup(cluster, pod, "nginx-app")                          -> "10.96.x.x" or None (getaddrinfo)

Records served (zone cluster.local, minikube's Corefile: `kubernetes cluster.local in-addr.arpa ip6.arpa
{ pods insecure ... }`, everything else forwarded upstream):
  <svc>.<ns>.svc.cluster.local            A: the ClusterIP; headless: each ready endpoint's IP;
                                          ExternalName: CNAME to spec.externalName
  <ep>.<svc>.<ns>.svc.cluster.local       A for a headless Service's endpoint (hostname or dashed IP)
  _<port>._<proto>.<svc>.<ns>.svc...      SRV for each named port
  a-b-c-d.<ns>.pod.cluster.local          A a.b.c.d (pods insecure: any address, existing namespace)
  d.c.b.a.in-addr.arpa                    PTR for Service IPs and headless endpoints
Names that do not exist are NXDOMAIN; existing names without records of the type are NODATA (NOERROR,
no answer). Outside cluster.local the playground has no upstream: made-up TLDs are NXDOMAIN, real ones
SERVFAIL (the forwarder cannot reach anything).
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from . import coredns, network, nodes, policy
from .cluster import Cluster

CLUSTER_DOMAIN = "cluster.local"
KUBE_DNS_IP = "10.96.0.10"
NDOTS = 5
# TLDs that exist on the Internet (a query for them goes upstream, which the playground cannot reach).
REAL_TLDS = {"com", "org", "net", "io", "dev", "edu", "gov", "info", "app", "co", "uk", "de", "fr", "nl",
             "eu", "us", "ca", "au", "jp", "cn", "ru", "in", "br", "ch", "se", "no", "es", "it", "pl", "be",
             "me", "tv", "cloud", "ai", "xyz", "biz", "tech", "site", "online", "arpa", "int", "mil"}


@dataclass
class Answer:
    rcode: str = "NOERROR"                       # NOERROR | NXDOMAIN | SERVFAIL
    records: list[tuple[str, str, str]] = field(default_factory=list)   # (name, type, value)
    authoritative: bool = True

    def addresses(self) -> list[str]:
        return [v for _, t, v in self.records if t == "A"]


def search_list(namespace: str) -> list[str]:
    return [f"{namespace}.svc.{CLUSTER_DOMAIN}", f"svc.{CLUSTER_DOMAIN}", CLUSTER_DOMAIN]


def resolv_conf(pod: dict) -> str:
    """/etc/resolv.conf for dnsPolicy ClusterFirst (the kubelet's search, nameserver, options)."""
    spec = pod.get("spec", {})
    policy = spec.get("dnsPolicy", "ClusterFirst")
    if policy == "Default" or (policy == "ClusterFirst" and spec.get("hostNetwork")):
        return "nameserver 192.168.49.1\n"      # the node's resolver: docker's network gateway
    ns = pod["metadata"].get("namespace", "default")
    return (f"search {' '.join(search_list(ns))}\nnameserver {KUBE_DNS_IP}\noptions ndots:{NDOTS}\n")


def pod_hostname(pod: dict) -> str:
    return pod.get("spec", {}).get("hostname") or pod["metadata"]["name"]


def etc_hosts(pod: dict) -> str:
    """The kubelet's managed /etc/hosts (pkg/kubelet/kubelet_pods.go managedHostsFileContent)."""
    lines = ["# Kubernetes-managed hosts file.", "127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback",
             "fe00::0\tip6-localnet", "fe00::0\tip6-mcastprefix", "fe00::1\tip6-allnodes", "fe00::2\tip6-allrouters"]
    spec = pod.get("spec", {})
    hostname = pod_hostname(pod)
    sub = spec.get("subdomain")
    for entry in pod.get("status", {}).get("podIPs") or []:
        ip = entry.get("ip")
        if not ip:
            continue
        if sub:
            fqdn = f"{hostname}.{sub}.{pod['metadata']['namespace']}.svc.{CLUSTER_DOMAIN}"
            lines.append(f"{ip}\t{fqdn}\t{hostname}")
        else:
            lines.append(f"{ip}\t{hostname}")
    aliases = spec.get("hostAliases") or []
    if aliases:
        lines.append("")
        lines.append("# Entries added by HostAliases.")
        for a in aliases:
            lines.append(f"{a.get('ip', '')}\t" + "\t".join(a.get("hostnames") or []))
    return "\n".join(lines) + "\n"


# ---- the server ---------------------------------------------------------------------------------------
def _dashed(ip: str) -> str:
    return ip.replace(".", "-")


def _headless_endpoints(cluster: Cluster, svc: dict) -> list[tuple[str, str]]:
    """(endpoint name, IP) of a headless Service's ready addresses; the name is the pod's hostname when
    it sets one and its subdomain is this Service, else the dashed IP."""
    meta = svc["metadata"]
    ep = cluster.get("endpoints", meta["namespace"], meta["name"])
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for subset in (ep or {}).get("subsets", []) or []:
        for a in subset.get("addresses", []) or []:
            ip = a.get("ip", "")
            if ip in seen:
                continue
            seen.add(ip)
            name = a.get("hostname") or ""
            ref = a.get("targetRef") or {}
            if not name and ref.get("kind") == "Pod":
                pod = cluster.get("pods", ref.get("namespace", meta["namespace"]), ref.get("name", ""))
                spec = (pod or {}).get("spec", {})
                if spec.get("hostname") and spec.get("subdomain") == meta["name"]:
                    name = spec["hostname"]
            out.append((name or _dashed(ip), ip))
    if svc["spec"].get("publishNotReadyAddresses"):
        for subset in (ep or {}).get("subsets", []) or []:
            for a in subset.get("notReadyAddresses", []) or []:
                if a.get("ip") not in seen:
                    out.append((_dashed(a["ip"]), a["ip"]))
    return out


def _is_headless(svc: dict) -> bool:
    return svc["spec"].get("clusterIP") in ("None", None, "") and svc["spec"].get("type") != "ExternalName"


def _svc_fqdn(svc: dict) -> str:
    return f"{svc['metadata']['name']}.{svc['metadata']['namespace']}.svc.{CLUSTER_DOMAIN}"


def _srv_records(cluster: Cluster, svc: dict, qname: str, port_name: str, proto: str) -> list | None:
    for sp in svc["spec"].get("ports", []) or []:
        if sp.get("name") == port_name and sp.get("protocol", "TCP").lower() == proto:
            if _is_headless(svc):
                eps = _headless_endpoints(cluster, svc)
                targets = [(f"{n}.{_svc_fqdn(svc)}", _endpoint_port(cluster, svc, sp)) for n, _ in eps]
            else:
                targets = [(_svc_fqdn(svc), int(sp.get("port", 0)))]
            weight = 100 // len(targets) if targets else 0
            return [(qname, "SRV", f"0 {weight} {port} {target}") for target, port in targets]
    return None


def _endpoint_port(cluster: Cluster, svc: dict, sp: dict) -> int:
    ep = cluster.get("endpoints", svc["metadata"]["namespace"], svc["metadata"]["name"])
    for subset in (ep or {}).get("subsets", []) or []:
        for p in subset.get("ports", []) or []:
            if p.get("name") == sp.get("name"):
                return int(p.get("port", 0))
    return int(sp.get("port", 0))


def query(cluster: Cluster, qname: str, qtype: str = "A", client_ip: str = "", edns: bool = False) -> Answer:
    """One question to CoreDNS (10.96.0.10): the answer section it returns. A query from `client_ip` (a pod's
    resolver) is what CoreDNS's `log` plugin writes a line for."""
    ans = _answer(cluster, qname, qtype.upper())
    if client_ip:
        coredns.log_query(cluster, client_ip, qname, qtype.upper(), ans, edns)
    return ans


def _answer(cluster: Cluster, qname: str, qtype: str) -> Answer:
    """The plugins of the running Corefile in CoreDNS's order (plugin.cfg): hosts, kubernetes, forward."""
    name = qname.lower().rstrip(".")
    if not cluster.running:
        return Answer("SERVFAIL", authoritative=False)
    config = coredns.active(cluster)
    if name in config.hosts:           # plugin/hosts: its names answer here, the rest fall through
        ip = config.hosts[name]
        return Answer(records=[(qname.rstrip("."), "A", ip)] if qtype in ("A", "ANY") else [])
    zone = "." + CLUSTER_DOMAIN
    in_zone = name == CLUSTER_DOMAIN or name.endswith(zone) or name.endswith(".in-addr.arpa")
    if not config.kubernetes and in_zone or not config.forward and not in_zone:
        # no plugin of the server block handles the name: CoreDNS's chain ends in SERVFAIL
        return Answer("SERVFAIL", authoritative=False) if not config.forward else _upstream(name)
    if name.endswith(".in-addr.arpa"):
        return _reverse(cluster, qname.rstrip("."), name)
    if name != CLUSTER_DOMAIN and not name.endswith(zone):
        return _upstream(name)
    labels = name[: -len(zone)].split(".") if name != CLUSTER_DOMAIN else []
    shown = qname.rstrip(".")
    if not labels:
        return Answer()                                              # the zone apex: NODATA
    kind = labels[-1]
    if kind == "svc":
        return _svc_zone(cluster, shown, labels[:-1], qtype)
    if kind == "pod":
        return _pod_zone(cluster, shown, labels[:-1], qtype)
    return Answer("NXDOMAIN")


def _namespace_exists(cluster: Cluster, ns: str) -> bool:
    return cluster.get("namespaces", None, ns) is not None


def _svc_zone(cluster: Cluster, shown: str, labels: list[str], qtype: str) -> Answer:
    if not labels:
        return Answer()                                              # svc.cluster.local: NODATA
    ns = labels[-1]
    if not _namespace_exists(cluster, ns):
        return Answer("NXDOMAIN")
    if len(labels) == 1:
        return Answer()                                              # <ns>.svc.cluster.local: NODATA
    svc = cluster.get("services", ns, labels[-2])
    if svc is None:
        return Answer("NXDOMAIN")
    rest = labels[:-2]
    if len(rest) == 2 and rest[0].startswith("_") and rest[1].startswith("_"):
        recs = _srv_records(cluster, svc, shown, rest[0][1:], rest[1][1:])
        if recs is None:
            return Answer("NXDOMAIN")
        return Answer(records=recs if qtype in ("SRV", "ANY") else [])
    if len(rest) == 1:                                               # an endpoint of a headless Service
        if not _is_headless(svc):
            return Answer("NXDOMAIN")
        for ep_name, ip in _headless_endpoints(cluster, svc):
            if ep_name == rest[0]:
                return Answer(records=[(shown, "A", ip)] if qtype in ("A", "ANY") else [])
        return Answer("NXDOMAIN")
    if rest:
        return Answer("NXDOMAIN")
    spec = svc["spec"]
    if spec.get("type") == "ExternalName":
        target = spec.get("externalName", "").rstrip(".")
        recs = [(shown, "CNAME", target)]
        if qtype in ("A", "AAAA", "CNAME", "ANY"):
            if qtype != "CNAME" and target.lower().endswith("." + CLUSTER_DOMAIN):
                recs += query(cluster, target, qtype).records        # CoreDNS chases in-zone targets
            return Answer(records=recs)
        return Answer(records=[])
    if qtype not in ("A", "ANY"):
        return Answer()                                              # AAAA on an IPv4 cluster: NODATA
    if _is_headless(svc):
        return Answer(records=[(shown, "A", ip) for _, ip in _headless_endpoints(cluster, svc)])
    return Answer(records=[(shown, "A", spec["clusterIP"])])


def _pod_zone(cluster: Cluster, shown: str, labels: list[str], qtype: str) -> Answer:
    if len(labels) != 2 or not _namespace_exists(cluster, labels[1]):
        return Answer("NXDOMAIN") if len(labels) != 1 else Answer()
    try:
        ip = str(ipaddress.IPv4Address(labels[0].replace("-", ".")))
    except ValueError:
        return Answer("NXDOMAIN")
    return Answer(records=[(shown, "A", ip)] if qtype in ("A", "ANY") else [])


def _reverse(cluster: Cluster, shown: str, name: str) -> Answer:
    parts = name[: -len(".in-addr.arpa")].split(".")
    if len(parts) == 4 and all(p.isdigit() for p in parts):
        ip = ".".join(reversed(parts))
        for svc in cluster.list("services"):
            if ip in (svc["spec"].get("clusterIPs") or [svc["spec"].get("clusterIP")]):
                return Answer(records=[(shown, "PTR", _svc_fqdn(svc))])
            if _is_headless(svc):
                for ep_name, ep_ip in _headless_endpoints(cluster, svc):
                    if ep_ip == ip:
                        return Answer(records=[(shown, "PTR", f"{ep_name}.{_svc_fqdn(svc)}")])
    return Answer("NXDOMAIN", authoritative=False)                  # falls through to the upstream


def _upstream(name: str) -> Answer:
    tld = name.rsplit(".", 1)[-1]
    if tld in REAL_TLDS and "." in name:
        return Answer("SERVFAIL", authoritative=False)              # no Internet to forward to
    return Answer("NXDOMAIN", authoritative=False)


# ---- the client: a pod's stub resolver --------------------------------------------------------------
def candidates(name: str, namespace: str, ndots: int = NDOTS) -> list[str]:
    """The names glibc/musl try, in order, for `name` with the pod's search list and ndots."""
    if name.endswith("."):
        return [name.rstrip(".")]
    searched = [f"{name}.{d}" for d in search_list(namespace)]
    return [name] + searched if name.count(".") >= ndots else searched + [name]


def hosts_lookup(pod: dict, name: str) -> str | None:
    low = name.lower().rstrip(".")
    for line in etc_hosts(pod).splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2 and ":" not in fields[0] and low in (f.lower() for f in fields[1:]):
            return fields[0]
    return None


def dns_blocked(cluster: Cluster, pod: dict | None) -> str | None:
    """Why the pod's queries to kube-dns get no answer (a NetworkPolicy drops them, or on the bridge CNI
    CoreDNS runs on another node, which the bridge cannot reach), or None."""
    unrouted = _coredns_unrouted(cluster, pod)
    if unrouted:
        return unrouted
    return policy.dns_blocked(cluster, pod)


def dns_failure(cluster: Cluster, source: network.Source) -> str:
    """Why a pod's name lookup got no answer, in words: a policy drops its queries, CoreDNS is down, or
    the name has no record."""
    pod = cluster.get("pods", source.namespace, source.name) if source.name else None
    blocked = dns_blocked(cluster, pod)
    if blocked:
        return f"its queries to kube-dns are dropped. {blocked}"
    dns_svc = cluster.get("services", "kube-system", "kube-dns")
    if dns_svc is None or not any(network.ready_endpoints(cluster, dns_svc, sp) for sp in dns_svc["spec"].get("ports") or []):
        return "kube-dns has no ready endpoints (CoreDNS is not running), so nothing answers"
    return "the cluster DNS has no record for it"


def _coredns_unrouted(cluster: Cluster, pod: dict | None) -> str | None:
    if pod is None or (getattr(cluster, "cni", "") or "bridge") != "bridge" or not nodes.multi(cluster) or \
            (pod.get("spec") or {}).get("hostNetwork"):
        return None
    here = nodes.node_of(pod)
    dns_nodes = {nodes.node_of(p) for p in cluster.list("pods", "kube-system")
                 if (p["metadata"].get("labels") or {}).get("k8s-app") == "kube-dns"}
    if not dns_nodes or here in dns_nodes:
        return None
    return (f"CoreDNS runs on node {', '.join(sorted(dns_nodes))} and this pod on {here}: minikube's bridge CNI has "
            "no route between nodes, so its queries get no answer")


def server_up(cluster: Cluster) -> bool:
    """kube-dns answers on 53/UDP only while a CoreDNS pod is a ready endpoint (a crash-looping one is not)."""
    svc = cluster.get("services", "kube-system", "kube-dns")
    if svc is None:
        return False
    return any(network.ready_endpoints(cluster, svc, sp) for sp in svc["spec"].get("ports", []) or []
               if sp.get("protocol") == "UDP" and int(sp.get("port", 0)) == 53)


def lookup(cluster: Cluster, pod: dict, name: str) -> str | None:
    """getaddrinfo(name) in the pod: /etc/hosts, then DNS through the search list; the first A wins."""
    found = hosts_lookup(pod, name)
    if found:
        return found
    if dns_blocked(cluster, pod) or not server_up(cluster):
        return None                                   # every query times out: "bad address"
    spec = pod.get("spec", {})
    if spec.get("dnsPolicy") == "Default" or (spec.get("hostNetwork") and spec.get("dnsPolicy") != "ClusterFirstWithHostNet"):
        return None                                   # the node's resolver knows no cluster names
    client = (pod.get("status") or {}).get("podIP", "")
    for cand in candidates(name, pod["metadata"].get("namespace", "default")):
        ans = query(cluster, cand, "A", client)
        if client:
            query(cluster, cand, "AAAA", client)     # getaddrinfo asks for both families
        if ans.rcode == "SERVFAIL":
            return None
        addrs = ans.addresses()
        if addrs:
            return addrs[0] if len(addrs) == 1 else addrs[cluster.randint(0, len(addrs) - 1)]
    return None


def resolve_in_pod(cluster: Cluster, host_files: dict, source, name: str) -> str | None:
    """network.RESOLVERS["pod"]: the source pod's getaddrinfo."""
    if name.lower() == "localhost":
        return "127.0.0.1"
    pod = cluster.get("pods", source.namespace, source.name) if source.name else None
    if pod is None:
        pod = {"metadata": {"name": source.name or "", "namespace": source.namespace or "default"}, "spec": {}}
    return lookup(cluster, pod, name)


def install() -> None:
    """In-pod name lookups and their failures go through DNS (wiring.install calls this)."""
    network.RESOLVERS["pod"] = resolve_in_pod
    network.DNS_FAILURE = dns_failure
