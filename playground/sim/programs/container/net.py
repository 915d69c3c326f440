"""busybox's network applets inside a pod: nslookup (networking/nslookup.c), wget (networking/wget.c,
libbb/progress.c) and ping, all through dns.py and network.walk from the pod."""
from __future__ import annotations

import ipaddress

from ... import dns, images, network, webcontent
from ...images import flavor, has_program
from . import bind, container_program

BUSYBOX_BANNER = "BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\n"
NSLOOKUP_USAGE = (BUSYBOX_BANNER + "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\n"
                  "Query DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any\n")
QTYPES = {"a": "A", "aaaa": "AAAA", "cname": "CNAME", "mx": "MX", "txt": "TXT", "ptr": "PTR", "srv": "SRV",
          "ns": "NS", "soa": "SOA", "any": "ANY"}


def _ptr_name(text: str) -> str | None:
    try:
        addr = ipaddress.IPv4Address(text)
    except ValueError:
        return None
    return ".".join(reversed(str(addr).split("."))) + ".in-addr.arpa"


@container_program("nslookup")
def nslookup(proc) -> int:
    image = proc.container.get("image", "")
    if flavor(image) == "debian" or has_program(image, "dig"):
        return bind.nslookup(proc)             # BIND's nslookup (dnsutils), not busybox's
    if _libc_nslookup(proc.container.get("image", "")):
        return nslookup_128(proc)
    args = proc.argv[1:]
    types: list[str] = []
    while args and args[0].startswith("-"):
        opt, _, val = args.pop(0)[1:].partition("=")
        if opt in ("type", "querytype", "query", "q", "ty"):
            if val.lower() not in QTYPES:
                proc.err(f'nslookup: invalid query type "{val}"\n')
                return 1
            if QTYPES[val.lower()] not in types:
                types.append(QTYPES[val.lower()])
        elif opt in ("debug", "port", "retry", "t", "timeout"):
            continue
        else:
            proc.err(NSLOOKUP_USAGE)
            return 1
    if not args or len(args) > 2:
        proc.err(NSLOOKUP_USAGE)
        return 1
    name = args[0]
    server = args[1] if len(args) == 2 else None
    resolv = proc.fs.read("/etc/resolv.conf") or ""
    servers = [ln.split(None, 1)[1].strip() for ln in resolv.splitlines() if ln.startswith("nameserver ")]
    search = ""
    for ln in resolv.splitlines():
        key, _, rest = ln.partition(" ")
        if key == "search" and rest.strip():
            search = rest.strip()
    server = server or (servers[0] if servers else "127.0.0.1")
    # the questions, in the order busybox sends them
    queries: list[tuple[str, str]] = []

    def add(qtype: str) -> None:
        if qtype == "PTR" or not search or "." in name:
            queries.append((name, qtype))
        else:
            queries.extend((f"{name}.{d}", qtype) for d in search.split())
    if not types:
        ptr = _ptr_name(name)
        if ptr:
            queries.append((ptr, "PTR"))
        else:
            add("A")
            add("AAAA")
    else:
        for t in ("A", "NS", "CNAME", "SOA", "PTR", "MX", "TXT", "AAAA", "SRV", "ANY"):
            if t in types:
                add(t)
    cluster = proc.cluster
    trace = network.Walk(source=proc.net_source, dest=name, port=53, protocol="UDP")
    trace.hop(proc.net_source.id, "pod", proc.net_source.label, proc.net_source.ip)
    if server == dns.KUBE_DNS_IP:
        trace.hop(network.KUBE_DNS_ID, "service", "kube-dns", f"{dns.KUBE_DNS_IP}:53")
    if server != dns.KUBE_DNS_IP or not _dns_reachable(proc):
        proc.out(";; connection timed out; no servers could be reached\n\n")
        trace.fail("timeout", f"nothing answers DNS at {server}: " + (
            dns.dns_failure(cluster, proc.net_source) if server == dns.KUBE_DNS_IP else "it is not a DNS server"))
        if dns.dns_blocked(cluster, proc.pod):
            trace.dropped, trace.stop_at = True, proc.net_source.id
        proc.engine.trace(trace.as_trace())
        return 1
    out = [f"Server:\t\t{server}\n", f"Address:\t{server}:53\n\n"]
    code = 0
    for qname, qtype in queries:
        ans = dns.query(cluster, qname, qtype, proc.net_source.ip)
        if ans.rcode != "NOERROR":
            out.append(f"** server can't find {qname}: {ans.rcode}\n\n")
            code = 1
            continue
        if not ans.authoritative:
            out.append("Non-authoritative answer:\n")
        for rname, rtype, value in ans.records:
            if rtype == "A" and qtype in ("A", "ANY"):
                out.append(f"Name:\t{rname}\nAddress: {value}\n")
            elif rtype == "CNAME":
                out.append(f"{rname}\tcanonical name = {value}\n")
            elif rtype == "SRV":
                out.append(f"{rname}\tservice = {value}\n")
            elif rtype == "PTR":
                out.append(f"{rname}\tname = {value}\n")
            elif rtype == "A" and qtype == "AAAA":
                continue                       # an A chased behind a CNAME is not part of an AAAA answer
        out.append("\n")
    found = any(dns.query(cluster, q, t).rcode == "NOERROR" and dns.query(cluster, q, t).records
                for q, t in queries)
    if not found:
        trace.fail("unresolved", f"{name} does not resolve: the cluster DNS has no record for it (NXDOMAIN)")
    else:
        trace.reason = f"CoreDNS answered for {name}"
    proc.engine.trace(trace.as_trace())
    proc.out("".join(out))
    return code


def _dns_reachable(proc) -> bool:
    """kube-dns answers when CoreDNS has a ready endpoint (and no policy drops the packets)."""
    return not dns.dns_blocked(proc.cluster, proc.pod) and dns.server_up(proc.cluster)


# ---- wget ------------------------------------------------------------------------------------------
WGET_USAGE = (BUSYBOX_BANNER + "Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n"
              "\t[--post-data STR | --post-file FILE] [-Y on/off]\n"
              "\t[-P DIR] [-U AGENT] [-T SEC] URL...\n\n"
              "Retrieve files via HTTP or FTP\n\n"
              "\t--spider\tOnly check URL existence: $? is 0 if exists\n"
              "\t--header STR\tAdd STR (of form 'header: value') to headers\n"
              "\t--post-data STR\tSend STR using POST method\n"
              "\t--post-file FILE\tSend FILE using POST method\n"
              "\t-c\t\tContinue retrieval of aborted transfer\n"
              "\t-q\t\tQuiet\n"
              "\t-P DIR\t\tSave to DIR (default .)\n"
              "\t-S    \t\tShow server response\n"
              "\t-T SEC\t\tNetwork read timeout is SEC seconds\n"
              "\t-O FILE\t\tSave to FILE ('-' for stdout)\n"
              "\t-o LOGFILE\tLog messages to FILE\n"
              "\t-U STR\t\tUse STR for User-Agent header\n"
              "\t-Y on/off\tUse proxy\n")


def _smart5(n: int) -> str:
    """libbb's smart_ulltoa5: five columns, k/M suffix past 99999."""
    if n <= 99999:
        return f"{n:>5}"
    for suffix in "kMGT":
        n10 = n * 10 // 1024
        n //= 1024
        if n <= 999:
            return f"{n}.{n10 % 10}{suffix}" if n <= 9 else f"{n:>4}{suffix}"
    return f"{n:>4}T"


@container_program("wget")
def wget(proc) -> int:
    args = proc.argv[1:]
    quiet = spider = False
    out_name: str | None = None
    timeout: int | None = None
    agent = "Wget"
    urls: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a == "--":
            urls += args[i:]
            break
        if a.startswith("--"):
            name, eq, val = a[2:].partition("=")
            if name in ("timeout", "output-document", "user-agent", "header", "post-data") and not eq:
                if i >= len(args):
                    proc.err(f"wget: option '--{name}' requires an argument\n{WGET_USAGE}")
                    return 1
                val, i = args[i], i + 1
            if name == "spider":
                spider = True
            elif name == "quiet":
                quiet = True
            elif name == "timeout":
                if not val.isdigit():
                    proc.err(f"wget: invalid number '{val}'\n")
                    return 1
                timeout = int(val)
            elif name == "output-document":
                out_name = val
            elif name == "user-agent":
                agent = val
            elif name in ("header", "post-data", "no-check-certificate", "no-verbose", "no-clobber",
                          "continue", "server-response"):
                continue
            else:
                proc.err(f"wget: unrecognized option '--{name}'\n{WGET_USAGE}")
                return 1
            continue
        if a.startswith("-") and len(a) > 1:
            j = 1
            while j < len(a):
                c = a[j]
                j += 1
                if c in "qcS":
                    quiet = quiet or c == "q"
                    continue
                if c in "OTUPoY":
                    val = a[j:]
                    if not val:
                        if i >= len(args):
                            proc.err(f"wget: option requires an argument -- '{c}'\n{WGET_USAGE}")
                            return 1
                        val, i = args[i], i + 1
                    if c == "O":
                        out_name = val
                    elif c == "T":
                        if not val.isdigit():
                            proc.err(f"wget: invalid number '{val}'\n")
                            return 1
                        timeout = int(val)
                    elif c == "U":
                        agent = val
                    break
                proc.err(f"wget: invalid option -- '{c}'\n{WGET_USAGE}")
                return 1
            continue
        urls.append(a)
    if not urls:
        proc.err(WGET_USAGE)
        return 1
    code = 0
    for url in urls:
        code = _wget_one(proc, url, quiet, spider, out_name, timeout, agent)
        if code:
            return code
    return code


def _parse_url(url: str) -> tuple[str, str, int, str] | None:
    scheme = "http"
    rest = url
    if "://" in url:
        scheme, rest = url.split("://", 1)
        scheme = scheme.lower()
    if scheme not in ("http", "https"):
        return None
    hostport, slash, path = rest.partition("/")
    for sep in ("?", "#"):
        if sep in hostport and not slash:
            hostport, _, tail = hostport.partition(sep)
            path = sep + tail if sep == "?" else ""
    hostport = hostport.rsplit("@", 1)[-1]
    host, port = hostport, 443 if scheme == "https" else 80
    if ":" in hostport and not hostport.startswith("["):
        host, p = hostport.rsplit(":", 1)
        if p.isdigit():
            port = int(p)
    return scheme, host, port, path


def _wget_one(proc, url, quiet, spider, out_name, timeout, agent) -> int:
    parsed = _parse_url(url)
    if parsed is None:
        proc.err(f"wget: not an http or ftp url: {url}\n")
        return 1
    scheme, host, port, path = parsed
    w = network.walk(proc.cluster, {}, proc.net_source, host, port)
    proc.engine.trace(w.as_trace())
    if w.verdict == "unresolved":
        proc.err(f"wget: bad address '{host}'\n")
        return 1
    if not quiet:
        proc.err(f"Connecting to {host} ({w.ip}:{port})\n")
    if w.verdict != "ok":
        if w.verdict == "timeout" and timeout is not None and timeout * 1000 < (w.elapsed_ms or 10**9):
            proc.err("wget: download timed out\n")
            return 1
        errno = w.errno or "Connection refused"
        proc.err(f"wget: can't connect to remote host ({w.ip}): {errno}\n")
        return 1
    backend = w.backend
    if scheme == "https":
        proc.err("wget: note: TLS certificate validation not implemented\n")
    if backend.container == "" and backend.namespace == "":
        proc.err("wget: server returned error: HTTP/1.1 400 Bad Request\n")
        return 1
    req_path = "/" + path if not path.startswith(("/", "?")) else ("/" + path if path.startswith("?") else path)
    hdrs = [("Host", host if port == 80 else f"{host}:{port}"), ("User-Agent", agent), ("Connection", "close")]
    req = webcontent.Request(method="GET", path=req_path, host=hdrs[0][1], headers=hdrs,
                             client_ip=w.client_ip or proc.net_source.ip)
    pod = proc.cluster.get("pods", backend.namespace, backend.pod)
    resp = webcontent.serve(backend.image, backend.port, req, proc.cluster.now, backend.pod, backend.ip,
                            webcontent.ServeContext(proc.cluster, {}, pod, proc.engine.trace))
    network.record_access(proc.cluster, backend.namespace, backend.pod, resp.log_line)
    if resp.empty_reply or resp.raw is not None:
        proc.err("wget: error getting response: Connection reset by peer\n" if resp.empty_reply
                 else f"wget: server returned error: {(resp.raw or '').splitlines()[0] if resp.raw else ''}\n")
        return 1
    if not (200 <= resp.status < 300 or resp.status in (300, 301, 302, 303, 307, 308)):
        proc.err(f"wget: server returned error: HTTP/1.1 {resp.status} {resp.reason}\n")
        return 1
    if spider:
        if not quiet:
            proc.err("remote file exists\n")
        return 0
    body = resp.body
    to_stdout = out_name == "-"
    fname = out_name or (path.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1] or "index.html")
    target = proc.abspath(fname) if not to_stdout else None
    if target is not None and out_name is None and proc.fs.read(target) is not None:
        proc.err(f"wget: can't open '{fname}': File exists\n")
        return 1
    if not quiet:
        proc.err("writing to stdout\n" if to_stdout else f"saving to '{fname}'\n")
    if to_stdout:
        proc.out(body)
    else:
        proc.fs.write(target, body)
    if not quiet:
        size = len(body.encode())
        shown = fname.rsplit("/", 1)[-1] if not to_stdout else "-"
        bar = "|" + "*" * 32 + "| " if size else ""
        pct = "100% " if size else ""
        proc.err(f"{shown[:20]:<20} {pct}{bar}{_smart5(size)}  0:00:00 ETA\n")
        proc.err("written to stdout\n" if to_stdout else f"'{fname}' saved\n")
    return 0


# ---- ping ------------------------------------------------------------------------------------------
@container_program("ping")
def ping(proc) -> int:
    args = proc.argv[1:]
    count: int | None = None
    hosts = []
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a == "-c" or a == "-W" or a == "-w" or a == "-i" or a == "-s":
            if i >= len(args):
                proc.err(f"ping: option requires an argument -- '{a[1]}'\n")
                return 1
            if a == "-c":
                count = int(args[i]) if args[i].isdigit() else 0
            i += 1
        elif a.startswith("-c") and a[2:].isdigit():
            count = int(a[2:])
        elif a.startswith("-"):
            continue
        else:
            hosts.append(a)
    if len(hosts) != 1:
        proc.err(BUSYBOX_BANNER + "Usage: ping [OPTIONS] HOST\n\nSend ICMP ECHO_REQUESTs to HOST\n")
        return 1
    host = hosts[0]
    ip = host if network.is_ip(host) else dns.resolve_in_pod(proc.cluster, {}, proc.net_source, host)
    if ip is None:
        proc.err(f"ping: bad address '{host}'\n")
        return 1
    n = count if count else 4
    answers = _icmp_answers(proc, ip)
    proc.out(f"PING {host} ({ip}): 56 data bytes\n")
    times = []
    for seq in range(n):
        if answers:
            t = 0.04 + proc.cluster.randint(0, 90) / 1000
            times.append(t)
            proc.out(f"64 bytes from {ip}: seq={seq} ttl=64 time={t:.3f} ms\n")
    if count is None:
        proc.out("^C\n")
        proc.err("podscape: ping runs until Ctrl-C; the playground pressed it after 4 seconds\n")
    got = len(times)
    proc.out(f"\n--- {host} ping statistics ---\n"
             f"{n} packets transmitted, {got} packets received, {100 - got * 100 // n}% packet loss\n")
    if times:
        proc.out(f"round-trip min/avg/max = {min(times):.3f}/{sum(times) / got:.3f}/{max(times):.3f} ms\n")
    walk = network.Walk(source=proc.net_source, dest=host, port=0, protocol="ICMP", ip=ip)
    walk.hop(proc.net_source.id, "pod", proc.net_source.label, proc.net_source.ip)
    target = network.element_at(proc.cluster, ip)
    if target is not None and target[0] != proc.net_source.id:
        walk.hop(*target, ip)
    if not answers:
        walk.fail("timeout", f"nothing answers ICMP at {ip}" + (
            ": a Service's ClusterIP is a kube-proxy rule for its ports, not an interface" if
            ipaddress.IPv4Address(ip) in network.SERVICE_CIDR else ""))
    proc.engine.trace(walk.as_trace())
    return 0 if got else 1


def _icmp_answers(proc, ip: str) -> bool:
    """Who answers an echo request: pods, the node, the host, loopback. A ClusterIP does not (kube-proxy's
    iptables rules match TCP/UDP ports only), nor does anything outside the simulated network."""
    try:
        addr = ipaddress.IPv4Address(ip)
    except ValueError:
        return False
    if addr.is_loopback or ip in (network.NODE_IP, network.HOST_BRIDGE_IP, network.CNI_GATEWAY_IP):
        return True
    if addr in network.SERVICE_CIDR:
        return False
    if addr in network.POD_CIDR:
        return network._pod_by_ip(proc.cluster, ip) is not None
    return False
def _libc_nslookup(image: str) -> bool:
    """busybox 1.29 rewrote nslookup.c to send its own queries; up to 1.28 it asked getaddrinfo (so the
    search list and /etc/hosts apply, and the answer is printed with reverse names)."""
    if images.repository(image) not in ("busybox", "registry.k8s.io/busybox", "k8s.gcr.io/busybox",
                                        "gcr.io/google-containers/busybox"):
        return False
    tag = images.tag(image)
    parts = tuple(int(p) for p in tag.split("-")[0].split(".") if p.isdigit())
    if images.repository(image) != "busybox":
        return True                            # registry.k8s.io/busybox is busybox 1.24 (latest, 1.24)
    return bool(parts) and parts[:2] <= (1, 28)


def _ptr(proc, ip: str) -> str | None:
    name = _ptr_name(ip)
    ans = dns.query(proc.cluster, name, "PTR", proc.net_source.ip) if name else None
    return next((v.rstrip(".") for _, t, v in ans.records if t == "PTR"), None) if ans else None


def _getaddrinfo(proc, name: str) -> list[str]:
    """All IPv4 addresses getaddrinfo returns in the pod: /etc/hosts, then the search list (ndots:5)."""
    found = dns.hosts_lookup(proc.pod, name)
    if found:
        return [found]
    if network.is_ip(name):
        return [name]
    for cand in dns.candidates(name, proc.pod["metadata"].get("namespace", "default")):
        ans = dns.query(proc.cluster, cand, "A", proc.net_source.ip)
        dns.query(proc.cluster, cand, "AAAA", proc.net_source.ip)
        if ans.rcode == "SERVFAIL":
            return []
        if ans.addresses():
            return ans.addresses()
    return []


def _print_host(proc, hostname: str, header: str, addrs: list[str]) -> str:
    """print_host() of busybox 1.28's networking/nslookup.c: `%-10s %s`, then `Address N: ip [reverse name]`."""
    out = [f"{header:<10} {hostname}\n"]
    for k, ip in enumerate(addrs, 1):
        rev = _ptr(proc, ip)
        out.append(f"Address {k}: {ip}{' ' + rev if rev else ''}\n")
    return "".join(out)


def nslookup_128(proc) -> int:
    args = [a for a in proc.argv[1:] if not a.startswith("-")]
    if not args or len(args) > 2:
        proc.err("BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: nslookup [HOST] [SERVER]\n\n"
                 "Query the nameserver for the IP address of the given HOST\noptionally using a specified DNS server\n")
        return 1
    name = args[0]
    resolv = proc.fs.read("/etc/resolv.conf") or ""
    server = args[1] if len(args) > 1 else next(
        (ln.split()[1] for ln in resolv.splitlines() if ln.startswith("nameserver ") and len(ln.split()) > 1),
        "127.0.0.1")
    trace = network.Walk(source=proc.net_source, dest=name, port=53, protocol="UDP")
    trace.hop(proc.net_source.id, "pod", proc.net_source.label, proc.net_source.ip)
    trace.hop(network.KUBE_DNS_ID, "service", "kube-dns", f"{dns.KUBE_DNS_IP}:53")
    if server != dns.KUBE_DNS_IP or not _dns_reachable(proc):
        # the resolver times out: the server line cannot be reverse-resolved either, then the name fails
        trace.fail("timeout", dns.dns_failure(proc.cluster, proc.net_source))
        proc.engine.trace(trace.as_trace())
        proc.out(f"Server:    {server}\nAddress 1: {server}\n\n")
        proc.err(f"nslookup: can't resolve '{name}'\n")
        return 1
    out = _print_host(proc, server, "Server:", [server]) + "\n"
    addrs = _getaddrinfo(proc, name)
    if not addrs:
        trace.fail("unresolved", f"{name} does not resolve: the cluster DNS has no record for it (NXDOMAIN)")
        proc.engine.trace(trace.as_trace())
        proc.out(out)
        proc.err(f"nslookup: can't resolve '{name}'\n")
        return 1
    trace.reason = f"CoreDNS answered for {name}"
    proc.engine.trace(trace.as_trace())
    proc.out(out + _print_host(proc, name, "Name:", addrs))
    return 0
