"""CoreDNS as minikube runs it: the Corefile it reads from the kube-system/coredns ConfigMap, its log, and
its reloads.

The ConfigMap holds kubeadm's Corefile (cmd/kubeadm/app/phases/addons/dns/manifests.go) as minikube edits
it at start (pkg/minikube/node/start.go addCoreDNSEntry: `log` before `errors`, a `hosts` block with
host.minikube.internal -> the host's address on the docker network before `forward`). A coredns pod reads
the Corefile when it starts; an edit reaches the mounted file with the kubelet's next sync of the pod
(up to a minute, its --sync-frequency) and the `reload` plugin picks it up at its next check (every 30 s):
a Corefile that parses is applied ("[INFO] Reloading" ... "Reloading complete"), one that does not is
refused ("[ERROR] Restart failed: ...") and the old one keeps serving; a coredns pod started on a broken
Corefile exits at once (CrashLoopBackOff) and DNS goes with it.

What the Corefile changes in answers: `log` writes one line per query (plugin/log's default format), `hosts`
answers its names before the kubernetes plugin, no `kubernetes` block leaves cluster.local to the upstream.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Callable

from . import images
from .cluster import Cluster, parse_rfc3339

COREDNS_VERSION = "1.13.1"
BUILD = "linux/amd64, go1.25.2, 1db4568"          # what `coredns -version` prints in the v1.13.1 image
HOST_IP = "192.168.49.1"                          # the host on minikube's docker network (docker driver)
PATH = "/etc/coredns/Corefile"
RELOAD_EVERY = 30.0                               # plugin/reload's default interval
KUBELET_SYNC = 60.0                               # the kubelet's --sync-frequency: when a ConfigMap edit lands
MAX_LOG = 400                                     # lines kept per pod

COREFILE = """.:53 {
    log
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    hosts {
       %s host.minikube.internal
       fallthrough
    }
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
""".replace("%s", HOST_IP)

# The directives CoreDNS v1.13 is built with (core/dnsserver/zdirectives.go, from plugin.cfg).
DIRECTIVES = {
    "root", "metadata", "geoip", "cancel", "tls", "quic", "grpc_server", "https", "https3", "timeouts",
    "multisocket", "reload", "nsid", "bufsize", "bind", "debug", "trace", "ready", "health", "pprof",
    "prometheus", "errors", "log", "dnstap", "local", "dns64", "acl", "any", "chaos", "loadbalance", "tsig",
    "cache", "rewrite", "header", "dnssec", "autopath", "minimal", "template", "transfer", "hosts", "route53",
    "azure", "clouddns", "k8s_external", "kubernetes", "file", "auto", "secondary", "etcd", "loop", "forward",
    "grpc", "erratic", "whoami", "on", "sign", "view", "nomad",
}


@dataclass(frozen=True)
class Config:
    """What the playground's DNS answers need from a Corefile that parsed."""
    log: bool = False
    kubernetes: bool = False
    forward: bool = False
    hosts: dict = field(default_factory=dict)     # lower-case name -> IPv4


class CorefileError(Exception):
    pass


def _tokens(text: str) -> list[tuple[str, int]]:
    """Caddyfile lexing (coredns/caddy caddyfile/lexer.go): words, `{` and `}`, # comments, quotes."""
    out = []
    for lineno, line in enumerate(text.splitlines(), 1):
        for m in re.finditer(r'"(?:[^"\\]|\\.)*"|#.*|[{}]|[^\s{}#"]+', line):
            word = m.group(0)
            if not word.startswith("#"):
                out.append((word, lineno))
    return out


def parse(text: str) -> Config:
    """The Corefile's server blocks as CoreDNS's parser reads them; CorefileError carries its message."""
    toks = _tokens(text)
    i, n = 0, len(toks)
    log = kubernetes = forward = False
    hosts: dict[str, str] = {}

    def err(msg: str, line: int) -> CorefileError:
        return CorefileError(f"{PATH}:{line} - Error during parsing: {msg}")

    last_line = toks[-1][1] if toks else 1
    while i < n:
        keys = []
        while i < n and toks[i][0] != "{":
            keys.append(toks[i][0])
            i += 1
        if i >= n:
            # a server block needs a body: keys alone are read as a block of one (no directives)
            break
        i += 1                                               # past "{"
        while True:
            if i >= n:
                raise err("Unexpected EOF", last_line)
            word, line = toks[i]
            if word == "}":
                i += 1
                break
            if word not in DIRECTIVES:
                raise err(f"Unknown directive '{word}'", line)
            args, block = [], []
            i += 1
            while i < n and toks[i][1] == line and toks[i][0] not in ("{", "}"):
                args.append(toks[i][0])
                i += 1
            if i < n and toks[i][0] == "{" and toks[i][1] == line:
                depth, i = 1, i + 1
                while i < n and depth:
                    w = toks[i][0]
                    depth += (w == "{") - (w == "}")
                    if depth:
                        block.append(toks[i])
                    i += 1
                if depth:
                    raise err("Unexpected EOF", last_line)
            if word == "log":
                log = True
            elif word == "kubernetes":
                kubernetes = True
            elif word == "forward":
                forward = True
            elif word == "hosts":
                _hosts(block, hosts)
    return Config(log=log, kubernetes=kubernetes, forward=forward, hosts=hosts)


def _hosts(block: list[tuple[str, int]], into: dict[str, str]) -> None:
    """plugin/hosts inline entries: `IP name...` lines (option lines like fallthrough or ttl skipped)."""
    lines: dict[int, list[str]] = {}
    for word, line in block:
        lines.setdefault(line, []).append(word)
    for words in lines.values():
        if len(words) >= 2 and re.fullmatch(r"\d+\.\d+\.\d+\.\d+", words[0]):
            for name in words[1:]:
                into.setdefault(name.lower().rstrip("."), words[0])


def sha512(text: str) -> str:
    return hashlib.sha512(text.encode()).hexdigest()


def startup_lines(corefile: str) -> list[str]:
    """What coredns prints as it starts on `corefile` (core/dnsserver: the zones, the reload plugin's SHA512,
    then the version banner)."""
    return [".:53", f"[INFO] plugin/reload: Running configuration SHA512 = {sha512(corefile)}",
            f"CoreDNS-{COREDNS_VERSION}", BUILD]


def configmap_corefile(cluster) -> str | None:
    cm = cluster.get("configmaps", "kube-system", "coredns")
    data = (cm or {}).get("data") or {}
    value = data.get("Corefile")
    return value if isinstance(value, str) else None


def start_error(cluster) -> str | None:
    """Why a coredns container starting now exits at once, or None (it reads the ConfigMap's Corefile)."""
    text = configmap_corefile(cluster)
    if text is None:
        return f"open {PATH}: no such file or directory"
    try:
        parse(text)
    except CorefileError as exc:
        return str(exc)
    return None


def is_coredns(container: dict) -> bool:
    return images.repository(container.get("image", "")) == "registry.k8s.io/coredns/coredns"


# ---- the running servers ---------------------------------------------------------------------------------
def _state(cluster) -> dict:
    return cluster.runtime.setdefault("coredns", {"pods": {}})


def _pods(cluster) -> list[dict]:
    return [p for p in cluster.list("pods", "kube-system")
            if (p["metadata"].get("labels") or {}).get("k8s-app") == "kube-dns"
            and p.get("status", {}).get("phase") == "Running"
            and any(is_coredns(c) for c in p["spec"].get("containers") or [])
            and all("running" in (cs.get("state") or {}) for cs in p["status"].get("containerStatuses") or [])]


def _started(pod: dict) -> float:
    for cs in pod.get("status", {}).get("containerStatuses") or []:
        st = (cs.get("state") or {}).get("running") or {}
        if st.get("startedAt"):
            return parse_rfc3339(st["startedAt"])
    return parse_rfc3339(pod["metadata"]["creationTimestamp"])


def _append(server: dict, when: float, lines: list[str]) -> None:
    log = server.setdefault("log", [])
    log.extend([when, line] for line in lines)
    del log[:-MAX_LOG]


def reconcile(cluster, wake_at: Callable[[Cluster, float], None]) -> bool:
    """Run among the controllers (which pass their wake_at, to be called again at a reload tick): each running
    coredns pod loads the Corefile it started on, then reloads edits as the kubelet and the reload plugin
    deliver them. Changes only runtime state (returns False)."""
    state = _state(cluster)
    text = configmap_corefile(cluster)
    seen = state.get("seen")
    if seen is None or seen.get("text") != text:
        state["seen"] = seen = {"text": text, "at": cluster.now}
    servers = state["pods"]
    live = set()
    for pod in _pods(cluster):
        uid = pod["metadata"].get("uid", "")
        live.add(uid)
        server = servers.get(uid)
        started = _started(pod)
        if server is None:
            if text is None:
                continue
            servers[uid] = server = {"corefile": text, "tried": text, "started": started}
            _append(server, started, startup_lines(text))
            continue
        if text is None or text == server["tried"]:
            continue
        # the file changes at the kubelet's sync, then the next reload tick reads it
        lands = max(seen["at"] + KUBELET_SYNC, started)
        tick = started + RELOAD_EVERY * -(-(lands - started) // RELOAD_EVERY)
        if cluster.now < tick:
            wake_at(cluster, tick)
            continue
        server["tried"] = text
        try:
            parse(text)
        except CorefileError as exc:
            _append(server, tick, [f"[ERROR] Restart failed: {exc}"])
            continue
        server["corefile"] = text
        _append(server, tick, ["[INFO] Reloading", "[INFO] plugin/health: Going into lameduck mode for 5s",
                               f"[INFO] plugin/reload: Running configuration SHA512 = {sha512(text)}",
                               "[INFO] Reloading complete"])
    for uid in [u for u in servers if u not in live]:
        del servers[uid]
    return False


def active(cluster) -> Config:
    """The configuration the kube-dns Service's CoreDNS serves with (the first running pod's; minikube has
    one). A cluster whose coredns pods are not up yet answers as the ConfigMap says."""
    servers = _state(cluster)["pods"]
    for server in servers.values():
        return _parsed(server["corefile"])
    text = configmap_corefile(cluster)
    return _parsed(text if text is not None else COREFILE)


_cache: dict[str, Config] = {}


def _parsed(text: str) -> Config:
    cfg = _cache.get(text)
    if cfg is None:
        try:
            cfg = parse(text)
        except CorefileError:
            cfg = parse(COREFILE)
        if len(_cache) > 64:
            _cache.clear()
        _cache[text] = cfg
    return cfg


# ---- plugin/log -------------------------------------------------------------------------------------------
def _wire(name: str) -> int:
    name = name.rstrip(".")
    return len(name) + 2 if name else 1


SOA_SIZE = _wire("cluster.local") + 10 + _wire("ns.dns.cluster.local") + _wire("hostmaster.cluster.local") + 20


def _rr_size(name: str, rtype: str, value: str) -> int:
    rdata = {"A": 4, "AAAA": 16}.get(rtype)
    if rdata is None:
        target = value.split()[-1]
        rdata = _wire(target) + (6 if rtype == "SRV" else 0)
    return _wire(name) + 10 + rdata


def log_query(cluster, client_ip: str, qname: str, qtype: str, answer, edns: bool = False) -> None:
    """One line of plugin/log's default format for a query the playground's CoreDNS answered:
    `{remote}:{port} - {id} "{type} IN {name} udp {size} false 512" {rcode} {flags} {rsize} {duration}`.
    Sizes are the DNS messages' (uncompressed, as CoreDNS sends them; an empty answer carries the SOA; an EDNS
    query (dig's) carries an OPT record of 11 bytes and its buffer size, which the answer echoes)."""
    servers = _state(cluster)["pods"]
    if not servers or not client_ip:
        return
    uid, server = next(iter(servers.items()))
    if not _parsed(server["corefile"]).log:
        return
    fq = qname.rstrip(".") + "."
    size = 12 + _wire(fq) + 4 + (11 if edns else 0)
    if answer.records:
        rsize = size + sum(_rr_size(n, t, v) for n, t, v in answer.records)
    else:
        rsize = size + (SOA_SIZE if answer.rcode in ("NOERROR", "NXDOMAIN") and answer.authoritative else 0)
    flags = "qr,aa,rd" if answer.authoritative else "qr,rd"
    port, qid = cluster.randint(32768, 60999), cluster.randint(1, 65535)
    duration = f"0.000{cluster.randint(50_000, 999_999):06d}s"
    bufsize = 4096 if edns else 512
    _append(server, cluster.now, [f'[INFO] {client_ip}:{port} - {qid} "{qtype} IN {fq} udp {size} false {bufsize}" '
                                  f"{answer.rcode} {flags} {rsize} {duration}"])


def pod_log(cluster, pod: dict) -> list[str] | None:
    """The lines `kubectl logs` shows for a coredns pod, or None when the playground has none for it."""
    server = _state(cluster)["pods"].get(pod["metadata"].get("uid", ""))
    if server is None:
        return None
    return [line for when, line in server.get("log", []) if when <= cluster.now]
