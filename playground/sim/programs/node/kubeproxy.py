"""The nat table kube-proxy (iptables mode) programs on every node, from the cluster's Services and ready
endpoints, and the two ways to read it on the node: `iptables-save` and `iptables -L`.

pkg/proxy/iptables/proxier.go (v1.35) is the reference: chain names are portProtoHash (sha256 of the
service port name and protocol, base32, 16 characters) after KUBE-SVC-/KUBE-EXT-, and of the name,
protocol and endpoint after KUBE-SEP-; KUBE-SERVICES jumps from each ClusterIP:port to its KUBE-SVC chain
(comment "ns/name:port cluster IP"), which masquerades traffic from outside the cluster CIDR and picks an
endpoint with `-m statistic --mode random --probability 1/(n-i)` ("%0.10f"); each KUBE-SEP chain DNATs to
its endpoint; NodePorts go through KUBE-NODEPORTS and KUBE-EXT. A port without endpoints gets no nat rules
(its REJECT is in the filter table). minikube configures kube-proxy with clusterCIDR 10.244.0.0/16.

The listing follows iptables 1.8.9 (Debian 12's iptables-nft): `iptables -L` prints each rule through
print_firewall's fixed columns (%-9s target, %-5s protocol, "--", %-19s source and destination), then the
matches' own words (comment " /* ... */", tcp " tcp dpt:N", statistic, DNAT " to:IP:PORT").
"""
from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass, field

CLUSTER_CIDR = "10.244.0.0/16"
VERSION = "v1.8.9 (nf_tables)"
MASQ_MARK = "0x4000/0x4000"
BUILTIN = {"nat": ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"]}
SERVICES_NAMES = {22: "ssh", 53: "domain", 80: "http", 443: "https", 8080: "http-alt", 9153: "9153"}


def port_proto_hash(port_name: str, protocol: str) -> str:
    digest = hashlib.sha256((port_name + protocol).encode()).digest()
    return base64.b32encode(digest).decode()[:16]


def endpoint_hash(port_name: str, protocol: str, endpoint: str) -> str:
    digest = hashlib.sha256((port_name + protocol + endpoint).encode()).digest()
    return base64.b32encode(digest).decode()[:16]


@dataclass
class Rule:
    chain: str
    target: str
    prot: str = "all"
    src: str = ""
    src_not: bool = False
    dst: str = ""
    comment: str = ""
    dport: int | None = None
    extra: list[str] = field(default_factory=list)       # iptables-save words after the match options
    target_args: list[str] = field(default_factory=list)  # iptables-save words after -j TARGET
    listed: str = ""                                      # what `iptables -L` prints after the matches

    def save(self) -> str:
        words = ["-A", self.chain]
        if self.src:
            words += (["!"] if self.src_not else []) + ["-s", self.src]
        if self.dst:
            words += ["-d", self.dst]
        if self.prot != "all":
            words += ["-p", self.prot]
        if self.comment:
            words += ["-m", "comment", "--comment", f'"{self.comment}"']
        if self.prot != "all" and (self.dport is not None or self.target == "DNAT"):
            words += ["-m", self.prot] + (["--dport", str(self.dport)] if self.dport is not None else [])
        words += self.extra + ["-j", self.target] + self.target_args
        return " ".join(words)

    def listing(self, numeric: bool) -> str:
        def addr(a: str) -> str:
            if not a or a == "0.0.0.0/0":
                return "0.0.0.0/0" if numeric else "anywhere"
            return a[:-3] if a.endswith("/32") else a
        line = f"{self.target:<9} " + " " + f"{self.prot:<5}" + "-- "
        line += ("!" if self.src_not else " ") + f"{addr(self.src):<19} " + " " + f"{addr(self.dst):<19} "
        if self.comment:
            line += f" /* {self.comment} */"
        if self.prot != "all" and (self.dport is not None or self.target == "DNAT"):
            line += f" {self.prot}"
            if self.dport is not None:
                port = str(self.dport) if numeric else SERVICES_NAMES.get(self.dport, str(self.dport))
                line += f" dpt:{port}"
        return line + self.listed


def _port_name(svc: dict, sp: dict) -> str:
    name = f"{svc['metadata']['namespace']}/{svc['metadata']['name']}"
    return f"{name}:{sp['name']}" if sp.get("name") else name


def ready_endpoints(cluster, svc: dict, sp: dict) -> list[str]:
    """IP:port of the Service port's ready endpoints (the Endpoints object's addresses: pods, or the API
    server's own address for `kubernetes`), sorted as kube-proxy's endpoint cache sorts them."""
    ep = cluster.get("endpoints", svc["metadata"]["namespace"], svc["metadata"]["name"]) or {}
    out = set()
    for subset in ep.get("subsets") or []:
        ports = subset.get("ports") or []
        for p in ports:
            if (p.get("name") or "") == (sp.get("name") or "") or (not sp.get("name") and len(ports) == 1):
                if p.get("protocol", "TCP") == sp.get("protocol", "TCP"):
                    out |= {f"{a.get('ip')}:{p['port']}" for a in subset.get("addresses") or []}
    return sorted(out)


def nat_rules(cluster) -> tuple[list[str], list[Rule]]:
    """(user chains, rules) of the nat table, in kube-proxy's order (Services by namespace and name)."""
    chains = ["KUBE-MARK-MASQ", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-SERVICES"]
    rules = [Rule("PREROUTING", "KUBE-SERVICES", comment="kubernetes service portals"),
             Rule("OUTPUT", "KUBE-SERVICES", comment="kubernetes service portals"),
             Rule("POSTROUTING", "KUBE-POSTROUTING", comment="kubernetes postrouting rules"),
             Rule("KUBE-MARK-MASQ", "MARK", target_args=["--set-xmark", MASQ_MARK], listed=" MARK or 0x4000"),
             Rule("KUBE-POSTROUTING", "RETURN", extra=["-m", "mark", "!", "--mark", MASQ_MARK],
                  listed=" mark match ! 0x4000/0x4000"),
             Rule("KUBE-POSTROUTING", "MARK", target_args=["--set-xmark", "0x4000/0x0"], listed=" MARK xor 0x4000"),
             Rule("KUBE-POSTROUTING", "MASQUERADE", comment="kubernetes service traffic requiring SNAT",
                  target_args=["--random-fully"], listed=" random-fully")]
    services, nodeports, svc_chains = [], [], []
    for svc in sorted(cluster.list("services"), key=lambda s: (s["metadata"]["namespace"], s["metadata"]["name"])):
        spec = svc.get("spec") or {}
        ip = spec.get("clusterIP")
        if not ip or ip == "None" or spec.get("type") == "ExternalName":
            continue
        for sp in spec.get("ports") or []:
            proto = str(sp.get("protocol", "TCP")).lower()
            name = _port_name(svc, sp)
            endpoints = ready_endpoints(cluster, svc, sp)
            if not endpoints:
                continue
            svc_chain = "KUBE-SVC-" + port_proto_hash(name, proto)
            chains.append(svc_chain)
            services.append(Rule("KUBE-SERVICES", svc_chain, proto, dst=f"{ip}/32", comment=f"{name} cluster IP",
                                 dport=int(sp["port"])))
            chain_rules = [Rule(svc_chain, "KUBE-MARK-MASQ", proto, src=CLUSTER_CIDR, src_not=True, dst=f"{ip}/32",
                                comment=f"{name} cluster IP", dport=int(sp["port"]))]
            if sp.get("nodePort") and spec.get("type") in ("NodePort", "LoadBalancer"):
                ext = "KUBE-EXT-" + port_proto_hash(name, proto)
                chains.append(ext)
                nodeports.append(Rule("KUBE-NODEPORTS", ext, proto, comment=name, dport=int(sp["nodePort"])))
                svc_chains.append(Rule(ext, "KUBE-MARK-MASQ",
                                       comment=f"masquerade traffic for {name} external destinations"))
                svc_chains.append(Rule(ext, svc_chain))
            for i, ep in enumerate(endpoints):
                sep = "KUBE-SEP-" + endpoint_hash(name, proto, ep)
                chains.append(sep)
                left = len(endpoints) - i
                if left > 1:
                    prob = f"{1.0 / left:0.10f}"
                    chain_rules.append(Rule(svc_chain, sep, comment=f"{name} -> {ep}",
                                            extra=["-m", "statistic", "--mode", "random", "--probability", prob],
                                            listed=f" statistic mode random probability {prob}"))
                else:
                    chain_rules.append(Rule(svc_chain, sep, comment=f"{name} -> {ep}"))
                ep_ip = ep.rsplit(":", 1)[0]
                svc_chains.append(Rule(sep, "KUBE-MARK-MASQ", src=f"{ep_ip}/32", comment=name))
                svc_chains.append(Rule(sep, "DNAT", proto, comment=name, target_args=["--to-destination", ep],
                                       listed=f" to:{ep}"))
            svc_chains = chain_rules + svc_chains
    services.append(Rule("KUBE-SERVICES", "KUBE-NODEPORTS",
                         comment="kubernetes service nodeports; NOTE: this must be the last rule in this chain",
                         extra=["-m", "addrtype", "--dst-type", "LOCAL"], listed=" ADDRTYPE match dst-type LOCAL"))
    return chains, rules + nodeports + services + svc_chains


def save(cluster) -> str:
    """`iptables-save -t nat`: iptables-nft-save's layout (header, chains with counters, rules, COMMIT)."""
    chains, rules = nat_rules(cluster)
    stamp = time.strftime("%a %b %e %H:%M:%S %Y", time.gmtime(cluster.now))
    out = [f"# Generated by iptables-save {VERSION} on {stamp}", "*nat"]
    out += [f":{c} ACCEPT [0:0]" for c in BUILTIN["nat"]]
    out += [f":{c} - [0:0]" for c in sorted(chains)]
    by_chain = {c: [r for r in rules if r.chain == c] for c in BUILTIN["nat"] + sorted(chains)}
    for c in BUILTIN["nat"] + sorted(chains):
        out += [r.save() for r in by_chain[c]]
    out += ["COMMIT", f"# Completed on {stamp}"]
    return "\n".join(out) + "\n"


def listing(cluster, chain: str | None, numeric: bool) -> str | None:
    """`iptables -t nat -L [CHAIN]`; None when the chain does not exist."""
    chains, rules = nat_rules(cluster)
    order = BUILTIN["nat"] + sorted(chains)
    if chain is not None and chain not in order:
        return None
    blocks = []
    for c in ([chain] if chain else order):
        if c in BUILTIN["nat"]:
            head = f"Chain {c} (policy ACCEPT)"
        else:
            refs = sum(1 for r in rules if r.target == c)
            head = f"Chain {c} ({refs} reference{'' if refs == 1 else 's'})"
        lines = [head, "target     prot opt source               destination         "]
        lines += [r.listing(numeric) for r in rules if r.chain == c]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
