"""BIND 9.9's nslookup and dig, as Debian jessie's dnsutils package ships them in the e2e dnsutils image
(registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3, the pod of the "Debugging DNS Resolution" page).

nslookup (bin/dig/nslookup.c) walks /etc/resolv.conf's search list (ndots) and prints `Server:`/`Address:
ip#53`, then `Name:`/`Address:` for each A record, "** server can't find NAME: NXDOMAIN" otherwise. dig
(bin/dig/dig.c) asks exactly the name given (no search list unless +search), with EDNS (udp 4096), and prints
the message section by section; answers' fields are aligned on BIND's tab columns (24, 32, 40, 48)."""
from __future__ import annotations

import time

from ... import coredns, dns, network
from . import container_program

DIG_VERSION = "9.9.5-9+deb8u19-Debian"
TTL = 30                       # the kubernetes plugin's `ttl 30` in minikube's Corefile


def _resolv(proc) -> tuple[str, list[str], int]:
    text = proc.fs.read("/etc/resolv.conf") or ""
    server, ndots = "127.0.0.1", 1
    search: list[str] = []
    for line in text.splitlines():
        key, _, rest = line.partition(" ")
        if key == "nameserver" and server == "127.0.0.1":
            server = rest.strip()
        elif key == "search":
            search = rest.split()
        elif key == "options":
            for opt in rest.split():
                if opt.startswith("ndots:") and opt[6:].isdigit():
                    ndots = int(opt[6:])
    return server, search, ndots


def _reachable(proc, server: str) -> bool:
    return server == dns.KUBE_DNS_IP and not dns.dns_blocked(proc.cluster, proc.pod) and dns.server_up(proc.cluster)


def _trace(proc, name: str, ok: bool, why: str = "") -> None:
    walk = network.Walk(source=proc.net_source, dest=name, port=53, protocol="UDP")
    walk.hop(proc.net_source.id, "pod", proc.net_source.label, proc.net_source.ip)
    walk.hop(network.KUBE_DNS_ID, "service", "kube-dns", f"{dns.KUBE_DNS_IP}:53")
    if ok:
        walk.reason = f"CoreDNS answered for {name}"
    else:
        walk.fail("timeout", why or "nothing answers DNS")
    proc.engine.trace(walk.as_trace())


@container_program("nslookup-bind")
def nslookup(proc) -> int:
    args = [a for a in proc.argv[1:] if not a.startswith("-")]
    if not args:
        proc.err("nslookup: interactive mode is not simulated; give the name to look up\n")
        return 1
    name = args[0]
    server, search, ndots = _resolv(proc)
    if len(args) > 1:
        server = args[1]
    if not _reachable(proc, server):
        _trace(proc, name, False, dns.dns_failure(proc.cluster, proc.net_source))
        proc.out(";; connection timed out; no servers could be reached\n\n")
        return 1
    names = [name.rstrip(".")] if name.endswith(".") else \
        ([name] if name.count(".") >= ndots else []) + [f"{name}.{d}" for d in search] + \
        ([] if name.count(".") >= ndots else [name])
    out = [f"Server:\t\t{server}\n", f"Address:\t{server}#53\n\n"]
    for cand in names:
        ans = dns.query(proc.cluster, cand, "A", proc.net_source.ip)
        if ans.rcode == "NOERROR" and ans.records:
            if not ans.authoritative:
                out.append("Non-authoritative answer:\n")
            for rname, rtype, value in ans.records:
                if rtype == "CNAME":
                    out.append(f"{rname}\tcanonical name = {value}.\n")
                elif rtype == "A":
                    out.append(f"Name:\t{rname}\nAddress: {value}\n")
            out.append("\n")
            _trace(proc, name, True)
            proc.out("".join(out))
            return 0
        if ans.rcode == "SERVFAIL":
            proc.out("".join(out) + f"** server can't find {name}: SERVFAIL\n\n")
            _trace(proc, name, True)
            return 1
    _trace(proc, name, True)
    proc.out("".join(out) + f"** server can't find {name}: NXDOMAIN\n\n")
    return 1


def _column(line: str, field: str, target: int) -> str:
    """BIND's masterfile-style alignment: tab to `target`, or one space when the text is already past it."""
    col = len(line.expandtabs(8))
    if col >= target:
        return line + " " + field
    while col < target:
        line += "\t"
        col = (col // 8 + 1) * 8
    return line + field


def _rr(name: str, rtype: str, value: str, ttl: int = TTL) -> str:
    fq = name.rstrip(".") + "."
    if rtype in ("CNAME", "PTR", "SRV"):
        value = value.rstrip(".") + "."
    line = _column(fq, str(ttl), 24)
    line = _column(line, "IN", 32)
    line = _column(line, rtype, 40)
    return _column(line, value, 48)


@container_program("dig")
def dig(proc) -> int:
    args = proc.argv[1:]
    short = "+short" in args
    qtype, name, server = "A", None, None
    types = {"A", "AAAA", "CNAME", "SRV", "PTR", "NS", "SOA", "MX", "TXT", "ANY"}
    for a in args:
        if a.startswith("@"):
            server = a[1:]
        elif a.startswith("+"):
            continue
        elif a.upper() in types and name is not None:
            qtype = a.upper()
        elif name is None:
            name = a
    name = name or "."
    rserver, _, _ = _resolv(proc)
    server = server or rserver
    cluster = proc.cluster
    now = time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(cluster.now))
    head = f"\n; <<>> DiG {DIG_VERSION} <<>> {' '.join(args)}\n;; global options: +cmd\n"
    if not _reachable(proc, server):
        _trace(proc, name, False, dns.dns_failure(cluster, proc.net_source))
        proc.out((head if not short else "") + ";; connection timed out; no servers could be reached\n")
        return 9
    ans = dns.query(cluster, name, qtype, proc.net_source.ip, edns=True)
    _trace(proc, name, True)
    records = [r for r in ans.records if qtype in ("ANY", r[1]) or r[1] == "CNAME"]
    if short:
        proc.out("".join((v.rstrip(".") + "." if t in ("CNAME", "PTR") else v) + "\n" for _, t, v in records))
        return 0
    fq = name.rstrip(".") + "."
    qsize = 12 + len(fq) + 1 + 4 + 11
    rsize = qsize + sum(len(n.rstrip(".")) + 2 + 10 + (4 if t == "A" else 16 if t == "AAAA" else
                                                      len(v.rstrip(".")) + 2 + (6 if t == "SRV" else 0))
                        for n, t, v in records)
    authority = ans.rcode == "NXDOMAIN" or not records
    if authority and ans.authoritative:
        rsize += coredns.SOA_SIZE
    flags = "qr aa rd" if ans.authoritative else "qr rd"
    qid = cluster.randint(1, 65535)
    lines = [head, ";; Got answer:\n",
             f";; ->>HEADER<<- opcode: QUERY, status: {ans.rcode}, id: {qid}\n",
             f";; flags: {flags}; QUERY: 1, ANSWER: {len(records)}, AUTHORITY: "
             f"{1 if authority and ans.authoritative else 0}, ADDITIONAL: 1\n",
             ";; WARNING: recursion requested but not available\n\n",
             ";; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 4096\n",
             ";; QUESTION SECTION:\n" + _column(_column(";" + fq, "IN", 32), qtype, 40) + "\n\n"]
    if records:
        lines.append(";; ANSWER SECTION:\n" + "".join(_rr(n, t, v) + "\n" for n, t, v in records) + "\n")
    elif ans.authoritative:
        soa = f"ns.dns.{dns.CLUSTER_DOMAIN}. hostmaster.{dns.CLUSTER_DOMAIN}. {int(cluster.now)} 7200 1800 86400 30"
        lines.append(";; AUTHORITY SECTION:\n" + _rr(dns.CLUSTER_DOMAIN, "SOA", soa) + "\n\n")
    lines.append(f";; Query time: 0 msec\n;; SERVER: {server}#53({server})\n;; WHEN: {now}\n"
                 f";; MSG SIZE  rcvd: {rsize}\n\n")
    proc.out("".join(lines))
    return 0

