"""curl 8.5.0 as Ubuntu 24.04 ships it, on the learner's machine.

Every request takes network.walk() from the host; the walk's backend pod answers with what its image
serves (webcontent). Messages, verbose lines, the progress meter and exit codes follow curl 8.5.0's
source (lib/connect.c, lib/cf-socket.c, lib/progress.c, src/tool_msgs.c).
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from .. import apiserver_http, images, ingress, network, pki, tlscerts, webcontent
from ..proc import Proc
from . import program, vfs
from .kubectl.portforward import connection
from .kubectl.proxy import answer

VERSION = "8.5.0"
USER_AGENT = f"curl/{VERSION}"
TRY_HELP = "curl: try 'curl --help' or 'curl --manual' for more information\n"
VERSION_TEXT = (
    "curl 8.5.0 (x86_64-pc-linux-gnu) libcurl/8.5.0 OpenSSL/3.0.13 zlib/1.3 brotli/1.1.0 zstd/1.5.5 "
    "libidn2/2.3.7 libpsl/0.21.2 (+libidn2/2.3.7) libssh/0.10.6/openssl/zlib nghttp2/1.59.0 librtmp/2.3 "
    "OpenLDAP/2.6.7\n"
    "Release-Date: 2023-12-06, security patched: 8.5.0-2ubuntu10.6\n"
    "Protocols: dict file ftp ftps gopher gophers http https imap imaps ldap ldaps mqtt pop3 pop3s rtmp "
    "rtsp scp sftp smb smbs smtp smtps telnet tftp\n"
    "Features: alt-svc AsynchDNS brotli GSS-API HSTS HTTP2 HTTPS-proxy IDN IPv6 Kerberos Largefile libz "
    "NTLM PSL SPNEGO SSL threadsafe TLS-SRP UnixSockets zstd\n")
HELP_TEXT = """Usage: curl [options...] <url>
 -d, --data <data>          HTTP POST data
 -f, --fail                 Fail fast with no output on HTTP errors
 -h, --help <category>      Get help for commands
 -i, --include              Include protocol response headers in the output
 -o, --output <file>        Write to file instead of stdout
 -O, --remote-name          Write output to a file named as the remote file
 -s, --silent               Silent mode
 -T, --upload-file <file>   Transfer local FILE to destination
 -u, --user <user:password> Server user and password
 -A, --user-agent <name>    Send User-Agent <name> to server
 -v, --verbose              Make the operation more talkative
 -V, --version              Show version number and quit

This is not the full help, this menu is stripped into categories.
Use "--help category" to get an overview of all categories.
For all options use the manual or "--help all".
"""
PROTOCOLS = {"dict", "file", "ftp", "ftps", "gopher", "gophers", "http", "https", "imap", "imaps", "ldap",
             "ldaps", "mqtt", "pop3", "pop3s", "rtmp", "rtsp", "scp", "sftp", "smb", "smbs", "smtp", "smtps",
             "telnet", "tftp", "ws", "wss"}
# TLS in the node's own daemons (apiserver, dockerd, kubelet): plain HTTP gets Go's canned 400.
TLS_DAEMONS = {"kube-apiserver", "dockerd", "kubelet"}
SSH_BANNER = "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.13\r\n"
CA_CERT_ERRORMSG = ("More details here: https://curl.se/docs/sslcerts.html\n\n"
                    "curl failed to verify the legitimacy of the server and therefore could not\n"
                    "establish a secure connection to it. To learn more about this situation and\n"
                    "how to fix it, please visit the web page mentioned above.\n")

# ---- options -------------------------------------------------------------------------------------
# long name -> takes an argument. Only these are simulated; KNOWN_UNSIMULATED are real curl options that
# the playground declines clearly; anything else is "is unknown", as curl says.
LONG = {
    "silent": False, "show-error": False, "verbose": False, "head": False, "include": False, "location": False,
    "fail": False, "insecure": False, "remote-name": False, "help": False, "version": False, "ipv4": False,
    "ipv6": False, "no-progress-meter": False, "progress-bar": False, "compressed": False, "http1.1": False,
    "no-buffer": False, "get": False, "fail-with-body": False, "globoff": False, "no-keepalive": False,
    "disable": False, "manual": False,
    "output": True, "header": True, "max-time": True, "connect-timeout": True, "write-out": True,
    "request": True, "user-agent": True, "data": True, "data-raw": True, "data-binary": True,
    "data-urlencode": True, "resolve": True, "referer": True, "max-redirs": True, "url": True,
    "output-dir": True, "retry": True, "user": True, "connect-to": True, "cacert": True,
}
SHORT = {"s": "silent", "S": "show-error", "v": "verbose", "I": "head", "i": "include", "L": "location",
         "f": "fail", "k": "insecure", "O": "remote-name", "h": "help", "V": "version", "4": "ipv4",
         "6": "ipv6", "N": "no-buffer", "G": "get", "g": "globoff", "q": "disable", "M": "manual", "#": "progress-bar",
         "o": "output", "H": "header", "m": "max-time", "w": "write-out", "X": "request", "A": "user-agent",
         "d": "data", "e": "referer", "u": "user"}
KNOWN_UNSIMULATED = {
    "proxy": True, "x": True, "cookie": True, "b": True, "cookie-jar": True, "c": True, "form": True, "F": True,
    "upload-file": True, "T": True, "range": True, "r": True, "continue-at": True, "C": True, "config": True,
    "K": True, "cert": True, "E": True, "key": True, "dump-header": True, "D": True,
    "trace": True, "trace-ascii": True, "http2": False, "http3": False, "unix-socket": True, "interface": True,
    "limit-rate": True, "parallel": False, "Z": False, "json": True, "oauth2-bearer": True, "noproxy": True,
    "proxy-user": True, "U": True, "socks5": True, "retry-delay": True, "speed-limit": True, "Y": True,
    "speed-time": True, "y": True, "netrc": False, "n": False, "remote-header-name": False, "J": False,
    "create-dirs": False, "tlsv1.2": False, "tlsv1.3": False, "sslv3": False, "3": False, "list-only": False,
    "l": False, "append": False, "a": False, "ftp-pasv": False, "time-cond": True, "z": True, "quote": True,
    "Q": True, "telnet-option": True, "t": True, "ftp-port": True, "P": True, "remote-time": False, "R": False,
    "crlf": False, "B": False, "use-ascii": False, "j": False, "junk-session-cookies": False, "p": False,
    "proxytunnel": False, "W": False, "0": False, "http1.0": False, "2": False, "tlsv1": False, "1": False,
    "pinnedpubkey": True, "ciphers": True, "digest": False, "basic": False, "ntlm": False, "negotiate": False,
    "anyauth": False, "location-trusted": False, "post301": False, "post302": False, "post303": False,
    "styled-output": False, "tcp-nodelay": False, "path-as-is": False, "raw": False, "ssl": False,
    "xattr": False, "dns-servers": True, "doh-url": True, "local-port": True, "keepalive-time": True,
    "expect100-timeout": True, "happy-eyeballs-timeout-ms": True, "haproxy-protocol": False,
    "variable": True, "expand-url": True, "skip-existing": False, "ca-native": False, "ipfs-gateway": True,
    "etag-save": True, "etag-compare": True, "alt-svc": True, "hsts": True, "stderr": True,
    "libcurl": True, "rate": True, "max-filesize": True, "ignore-content-length": False, "tr-encoding": False,
    "no-sessionid": False, "no-alpn": False, "no-npn": False, "sasl-ir": False, "suppress-connect-headers": False,
}


class UsageError(Exception):
    pass


@dataclass
class Opts:
    urls: list[str] = field(default_factory=list)
    silent: bool = False
    show_error: bool = False
    verbose: bool = False
    head: bool = False
    include: bool = False
    location: bool = False
    fail: bool = False
    fail_with_body: bool = False
    insecure: bool = False
    remote_name: bool = False
    no_progress: bool = False
    output: str | None = None
    output_dir: str | None = None
    headers: list[str] = field(default_factory=list)
    max_time: float | None = None
    connect_timeout: float | None = None
    write_out: str | None = None
    method: str | None = None
    user_agent: str | None = USER_AGENT
    data: list[str] = field(default_factory=list)
    resolve: dict[tuple[str, int], str] = field(default_factory=dict)
    referer: str | None = None
    max_redirs: int = 50
    get: bool = False
    user: str | None = None
    cacert: str | None = None


def _number(opt: str, value: str) -> float:
    try:
        n = float(value)
    except ValueError:
        raise UsageError(f"option {opt}: expected a proper numerical parameter")
    if n < 0:
        raise UsageError(f"option {opt}: expected a positive numerical parameter")
    return n


def _apply(o: Opts, name: str, value: str | None, shown: str) -> None:
    if name in ("silent", "show-error", "verbose", "head", "include", "location", "fail", "insecure",
                "remote-name", "get"):
        setattr(o, name.replace("-", "_"), True)
    elif name == "fail-with-body":
        o.fail_with_body = True
    elif name == "no-progress-meter":
        o.no_progress = True
    elif name == "output":
        o.output = value
    elif name == "output-dir":
        o.output_dir = value
    elif name == "header":
        o.headers.append(value or "")
    elif name == "max-time":
        o.max_time = _number(shown, value or "")
    elif name == "connect-timeout":
        o.connect_timeout = _number(shown, value or "")
    elif name == "write-out":
        o.write_out = value
    elif name == "request":
        o.method = value
    elif name == "user-agent":
        o.user_agent = value
    elif name in ("data", "data-raw", "data-binary", "data-urlencode"):
        o.data.append(value or "")
    elif name == "referer":
        o.referer = value
    elif name == "max-redirs":
        o.max_redirs = int(_number(shown, value or ""))
    elif name == "url":
        o.urls.append(value or "")
    elif name == "user":
        o.user = value
    elif name == "cacert":
        o.cacert = value
    elif name == "resolve":
        m = re.fullmatch(r"\+?([^:]+):(\d+):(.+)", value or "")
        if m:
            o.resolve[(m.group(1).lower(), int(m.group(2)))] = m.group(3).strip("[]").split(",")[0]


def parse(argv: list[str]) -> tuple[Opts, str | None]:
    """Returns the options and, for --help/--version/--manual, which of them to answer."""
    o = Opts()
    special = None
    i = 0
    while i < len(argv):
        a = argv[i]
        i += 1
        if a.startswith("--") and len(a) > 2:
            name, eq, inline = a[2:].partition("=")
            if name in LONG:
                if LONG[name]:
                    if eq:
                        value = inline
                    elif i < len(argv):
                        value = argv[i]
                        i += 1
                    else:
                        raise UsageError(f"option {a}: requires parameter")
                    _apply(o, name, value, a)
                else:
                    if name in ("help", "version", "manual"):
                        special = special or name
                    _apply(o, name, None, a)
                continue
            if name.startswith("no-") and name[3:] in LONG and not LONG[name[3:]]:
                if name[3:] in ("silent", "verbose", "include", "location", "fail", "insecure"):
                    setattr(o, name[3:].replace("-", "_"), False)
                continue
            if name in KNOWN_UNSIMULATED:
                raise UsageError(f"@curl's option {a} is not simulated in the playground")
            raise UsageError(f"option {a}: is unknown")
        if a.startswith("-") and len(a) > 1:
            j = 1
            while j < len(a):
                ch = a[j]
                j += 1
                name = SHORT.get(ch)
                if name is None:
                    if ch in KNOWN_UNSIMULATED:
                        raise UsageError(f"@curl's option -{ch} is not simulated in the playground")
                    raise UsageError(f"option -{a[1:]}: is unknown")
                if LONG[name]:
                    if j < len(a):
                        value = a[j:]
                    elif i < len(argv):
                        value = argv[i]
                        i += 1
                    else:
                        raise UsageError(f"option -{ch}: requires parameter")
                    _apply(o, name, value, f"-{ch}")
                    break
                if name in ("help", "version", "manual"):
                    special = special or name
                _apply(o, name, None, f"-{ch}")
            continue
        o.urls.append(a)
    return o, special


# ---- URLs ------------------------------------------------------------------------------------------
class UrlError(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Url:
    scheme: str
    host: str
    port: int
    path: str             # path and query, as sent on the request line
    explicit_port: bool

    @property
    def default_port(self) -> bool:
        return not self.explicit_port or self.port == (443 if self.scheme == "https" else 80)

    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.default_port else f"{host}:{self.port}"

    def text(self) -> str:
        return f"{self.scheme}://{self.host_header()}{self.path}"


def dedot(path: str) -> str:
    """RFC 3986 remove_dot_segments, which curl applies to the URL path (unless --path-as-is)."""
    p, q, query = path.partition("?")
    out: list[str] = []
    segs = p.split("/")
    for i, seg in enumerate(segs[1:], 1):
        last = i == len(segs) - 1
        if seg == ".":
            if last:
                out.append("")
        elif seg == "..":
            if len(out) > 0:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(seg)
    return "/" + "/".join(out) + (q + query)


def parse_url(raw: str) -> Url:
    if any(c in raw for c in " \t\r\n") or not raw:
        raise UrlError(3, "URL rejected: Malformed input to a URL function")
    if "://" in raw:
        scheme, rest = raw.split("://", 1)
        scheme = scheme.lower()
        if not re.fullmatch(r"[a-z][a-z0-9+.-]*", scheme):
            raise UrlError(3, "URL rejected: Bad scheme")
    else:
        scheme, rest = "http", raw
        if raw.startswith("/"):
            raise UrlError(3, "URL rejected: Bad file:// URL" if False else "URL rejected: No host part in the URL")
    if scheme == "file":
        return Url("file", "", 0, "/" + rest.split("/", 1)[1] if "/" in rest else "/", False)
    split = re.search(r"[/?#]", rest)
    authority, path = (rest[: split.start()], rest[split.start():]) if split else (rest, "")
    path = path.split("#", 1)[0]
    if path.startswith("?"):
        path = "/" + path
    if not path:
        path = "/"
    path = dedot(path)
    if "@" in authority:
        authority = authority.rsplit("@", 1)[1]
    explicit = False
    if authority.startswith("["):
        end = authority.find("]")
        if end < 0:
            raise UrlError(3, "URL rejected: Bad IPv6 address")
        host, tail = authority[1:end], authority[end + 1:]
        port_text = tail[1:] if tail.startswith(":") else None
    else:
        host, _, port_text = authority.partition(":")
        port_text = port_text if ":" in authority else None
    if not host:
        raise UrlError(3, "URL rejected: No host part in the URL")
    if not re.fullmatch(r"[A-Za-z0-9._~%!$&'()*+,;=:-]+", host):
        raise UrlError(3, "URL rejected: Bad hostname")
    port = 443 if scheme == "https" else 80
    if port_text is not None and port_text != "":
        if not port_text.isdigit() or int(port_text) > 65535:
            raise UrlError(3, "URL rejected: Port number was not a decimal number between 0 and 65535")
        port = int(port_text)
        explicit = True
    host = host.lower()
    if re.fullmatch(r"\d+", host):          # curl reads a bare number as an IPv4 address
        n = int(host)
        if n < 2**32:
            host = str(ipaddress.ip_address(n))
    return Url(scheme, host, port, path, explicit)


# ---- formatting helpers ----------------------------------------------------------------------------
def max5(n: float) -> str:
    n = int(n)
    k, m, g = 1024, 1024 ** 2, 1024 ** 3
    if n < 100000:
        return f"{n:5d}"
    if n < 10000 * k:
        return f"{n // k:4d}k"
    if n < 100 * m:
        return f"{n // m:2d}.{(n % m) // (m // 10)}M"
    if n < 10000 * m:
        return f"{n // m:4d}M"
    return f"{n // g:4d}G"


def time2str(seconds: int) -> str:
    if seconds <= 0:
        return "--:--:--"
    h = seconds // 3600
    return f"{h:2d}:{(seconds % 3600) // 60:02d}:{seconds % 60:02d}"


METER_HEAD = ("  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
              "                                 Dload  Upload   Total   Spent    Left  Speed\n")


def meter_line(total: int, got: int, speed: int, spent_s: int) -> str:
    pct = 100 if total and got >= total else (got * 100 // total if total else 0)
    return (f"\r{pct:3d} {max5(total)}  {pct:3d} {max5(got)}  {0:3d} {max5(0)}  {max5(speed)}  {max5(0)} "
            f"{time2str(0)} {time2str(spent_s)} {time2str(0)} {max5(speed)}")


# ---- one transfer ----------------------------------------------------------------------------------
@dataclass
class Transfer:
    code: int = 0
    error: str = ""
    status: int = 0
    url: Url | None = None
    response: webcontent.Response | None = None
    walk: network.Walk | None = None
    body: str = ""
    header_size: int = 0
    redirects: int = 0
    elapsed_ms: int = 0
    local_port: int = 0
    method: str = "GET"
    http2: bool = False


class Curl:
    def __init__(self, proc: Proc, opts: Opts):
        self.proc = proc
        self.o = opts
        self.tty = bool(getattr(proc, "stdout_is_tty", True))
        self.meter = not (opts.silent or opts.no_progress)

    def info(self, text: str) -> None:
        if self.o.verbose:
            self.proc.err(f"* {text}\n")

    # -- one URL, following redirects when asked --
    def run_url(self, raw: str, to_stdout: bool) -> Transfer:
        t = Transfer()
        try:
            url = parse_url(raw)
        except UrlError as exc:
            t.code, t.error = exc.code, exc.message
            return t
        t.url = url
        if url.scheme == "file":
            return self._file(t, url)
        if url.scheme not in ("http", "https"):
            if url.scheme in PROTOCOLS:
                t.code, t.error = 1, f"podscape: the playground simulates http:// and https:// only, not {url.scheme}://"
            else:
                t.code, t.error = 1, f'Protocol "{url.scheme}" not supported or disabled in libcurl'
            return t
        self._exchange(t, url, to_stdout)
        hops = 0
        while (self.o.location and t.code == 0 and t.response and 300 <= t.status < 400
               and dict((k.lower(), v) for k, v in t.response.headers).get("location")):
            if hops >= self.o.max_redirs:
                t.code, t.error = 47, f"Maximum ({self.o.max_redirs}) redirects followed"
                return t
            hops += 1
            loc = dict((k.lower(), v) for k, v in t.response.headers)["location"]
            nxt = loc if "://" in loc else f"{url.scheme}://{url.host_header()}{loc if loc.startswith('/') else '/' + loc}"
            self.info(f"Issue another request to this URL: '{nxt}'")
            try:
                url = parse_url(nxt)
            except UrlError as exc:
                t.code, t.error = exc.code, exc.message
                return t
            t = Transfer(redirects=hops, url=url)
            self._exchange(t, url, to_stdout)
        t.redirects = hops
        return t

    def _file(self, t: Transfer, url: Url) -> Transfer:
        content = self.proc.host.files.get(url.path)
        if content is None:
            t.code, t.error = 37, f"Couldn't open file {url.path}"
        else:
            t.body = content
        return t

    def _request_headers(self, url: Url) -> tuple[str, list[tuple[str, str]]]:
        method = self.o.method or ("HEAD" if self.o.head else ("POST" if self.o.data and not self.o.get else "GET"))
        hdrs: list[tuple[str, str]] = [("Host", url.host_header())]
        if self.o.user:
            import base64
            cred = self.o.user if ":" in self.o.user else self.o.user + ":"
            hdrs.append(("Authorization", "Basic " + base64.b64encode(cred.encode()).decode()))
        if self.o.user_agent:
            hdrs.append(("User-Agent", self.o.user_agent))
        hdrs.append(("Accept", "*/*"))
        if self.o.referer:
            hdrs.append(("Referer", self.o.referer))
        body = "&".join(self.o.data) if self.o.data and not self.o.get else ""
        if body:
            hdrs.append(("Content-Length", str(len(body))))
            hdrs.append(("Content-Type", "application/x-www-form-urlencoded"))
        for h in self.o.headers:
            name, colon, value = h.partition(":")
            if not colon:
                if h.endswith(";"):
                    hdrs.append((h[:-1], ""))
                continue
            value = value.strip()
            idx = next((k for k, (n, _) in enumerate(hdrs) if n.lower() == name.strip().lower()), None)
            if idx is not None:
                if value:
                    hdrs[idx] = (hdrs[idx][0] if name.strip().lower() != "host" else "Host", value)
                else:
                    hdrs.pop(idx)
            elif value:
                hdrs.append((name.strip(), value))
        return method, hdrs

    def _exchange(self, t: Transfer, url: Url, to_stdout: bool) -> None:
        engine, cluster = self.proc.engine, self.proc.cluster
        pinned = self.o.resolve.get((url.host, url.port))
        if pinned:
            self.info(f"Added {url.host}:{url.port}:{pinned} to DNS cache")
            self.info(f"Hostname {url.host} was found in DNS cache")
        dest = pinned or url.host
        source = getattr(self.proc, "net_source", None) or network.HOST   # a pod when run by kubectl exec
        w = network.walk(cluster, self.proc.host.files, source, dest, url.port)
        if w.forwarded:
            connection(engine, w.forwarded)
        engine.trace(w.as_trace())
        t.walk = w
        t.local_port = cluster.randint(32768, 60999)
        name_given = not network.is_ip(url.host)
        if w.verdict == "unresolved":
            t.code, t.error = 6, f"Could not resolve host: {url.host}"
            return
        ip = w.ip or dest
        shown_ip = f"[{ip}]" if ":" in ip else ip
        if name_given and not pinned:
            self.info(f"Host {url.host}:{url.port} was resolved.")
            self.info("IPv6: ::1" if url.host == "localhost" else "IPv6: (none)")
            self.info(f"IPv4: {'127.0.0.1' if url.host == 'localhost' else ip}")
        self.info(f"  Trying {shown_ip}:{url.port}...")
        budget = self._connect_budget_ms()
        if w.verdict != "ok" and w.forwarded:
            # kubectl port-forward accepted the connection, then closed it: the pod side failed
            self.info(f"Connected to {url.host} ({ip}) port {url.port}")
            t.code, t.error = 52, "Empty reply from server"
            return
        if w.verdict != "ok":
            local = network.HOST_BRIDGE_IP if ip.startswith("192.168.49.") else (
                "127.0.0.1" if ip.startswith("127.") else network.HOST_LAN_IP)
            waited = w.elapsed_ms
            if w.verdict == "timeout" and budget is not None and budget[0] < waited:
                t.elapsed_ms = budget[0]
                if budget[1] == "max-time":
                    t.code, t.error = 28, f"Connection timed out after {budget[0]} milliseconds"
                else:
                    t.code, t.error = 28, (f"Failed to connect to {url.host} port {url.port} after {budget[0]} ms: "
                                           "Timeout was reached")
                return
            self.info(f"connect to {ip} port {url.port} from {local} port {t.local_port} failed: {w.errno}")
            t.elapsed_ms = waited
            t.code = 28 if w.verdict == "timeout" else 7
            t.error = f"Failed to connect to {url.host} port {url.port} after {waited} ms: Couldn't connect to server"
            return
        self.info(f"Connected to {url.host} ({ip}) port {url.port}")
        backend = w.backend
        assert backend is not None
        method, hdrs = self._request_headers(url)
        t.method = method
        req = webcontent.Request(method=method, path=url.path, host=dict((k.lower(), v) for k, v in hdrs).get("host", ""),
                                 headers=hdrs, client_ip=w.client_ip or source.ip,
                                 body="&".join(self.o.data))
        now = cluster.now
        daemon = backend.namespace == "" and backend.container == ""
        if url.scheme == "https":
            if daemon and backend.pod in TLS_DAEMONS:
                self._tls_trace()
                if not self.o.insecure:
                    problem = self._verify(url.host, backend.pod)
                    if problem:
                        t.code, t.error = problem
                        return
                t.response = self._apiserver(req, now) if backend.pod == "kube-apiserver" else \
                    webcontent.Response(404, "Not Found", [("Content-Type", "text/plain; charset=utf-8"),
                                                           ("X-Content-Type-Options", "nosniff"),
                                                           ("Date", webcontent.http_date(now)),
                                                           ("Content-Length", "19")], "404 page not found\n")
            elif not daemon and images.repository(backend.image) == ingress.CONTROLLER_IMAGE_REPO and \
                    webcontent.listens(backend.image).get(backend.port) == "https":
                if not self._ingress_handshake(t, url, backend):
                    return
                t.http2 = True
                t.response = _as_h2(webcontent.serve(backend.image, backend.port, req, now, backend.pod, backend.ip,
                                                     self._context(backend)))
                network.record_access(cluster, backend.namespace, backend.pod, t.response.log_line)
            elif not daemon and webcontent.listens(backend.image).get(backend.port) == "https":
                self._tls_trace()
                if not self.o.insecure:     # ingress-nginx's default "Fake Certificate" is self-signed
                    t.code, t.error = 60, "SSL certificate problem: self-signed certificate"
                    return
                t.response = webcontent.serve(backend.image, backend.port, req, now, backend.pod, backend.ip,
                                              self._context(backend))
                network.record_access(cluster, backend.namespace, backend.pod, t.response.log_line)
            else:
                self._tls_trace(plain=True)
                t.code, t.error = 35, "OpenSSL/3.0.13: error:0A00010B:SSL routines::wrong version number"
                return
        elif daemon and backend.pod == "kubectl-proxy":
            t.response = answer(engine, req, backend.port)
        elif daemon:
            t.response = self._daemon_plain(backend.pod, req, now)
        else:
            t.response = webcontent.serve(backend.image, backend.port, req, now, backend.pod, backend.ip,
                                          self._context(backend))
            network.record_access(cluster, backend.namespace, backend.pod, t.response.log_line)
        resp = t.response
        self._send_trace(method, url, hdrs, req.body, t.http2)
        if resp.raw is not None:
            t.code, t.error = 1, "Received HTTP/0.9 when not allowed"
            return
        if resp.empty_reply:
            t.code, t.error = 52, "Empty reply from server"
            return
        t.status = resp.status
        t.body = resp.body
        t.header_size = len(resp.head().encode())
        t.elapsed_ms = 1 + cluster.randint(0, 3)

    def _context(self, backend: network.Backend) -> webcontent.ServeContext:
        return webcontent.ServeContext(self.proc.cluster, self.proc.host.files,
                                       self.proc.cluster.get("pods", backend.namespace, backend.pod),
                                       self.proc.engine.trace)

    def _tls_trace(self, plain: bool = False) -> None:
        self.info("ALPN: curl offers h2,http/1.1")
        if self.o.verbose:
            self.proc.err("} [5 bytes data]\n" if not self.tty else "")
        self.info("TLSv1.3 (OUT), TLS handshake, Client hello (1):")
        self.info(" CAfile: /etc/ssl/certs/ca-certificates.crt")
        self.info(" CApath: /etc/ssl/certs")

    def _send_trace(self, method: str, url: Url, hdrs: list[tuple[str, str]], body: str, h2: bool = False) -> None:
        if not self.o.verbose:
            return
        if h2:      # lib/http2.c: the request as HTTP/2 pseudo-headers, then the HTTP/1-style dump
            self.info("using HTTP/2")
            self.info(f"[HTTP/2] [1] OPENED stream for {url.text()}")
            pseudo = [(":method", method), (":scheme", "https"), (":authority", url.host_header()),
                      (":path", url.path)] + [(k.lower(), v) for k, v in hdrs if k.lower() != "host"]
            for k, v in pseudo:
                self.info(f"[HTTP/2] [1] [{k}: {v}]")
        lines = [f"{method} {url.path} HTTP/{'2' if h2 else '1.1'}"] + [f"{k}: {v}" for k, v in hdrs] + [""]
        self.proc.err("".join(f"> {line}\r\n" for line in lines))
        if body:
            self.proc.err("} " + f"[{len(body)} bytes data]\n")

    def _ingress_handshake(self, t: Transfer, url: Url, backend: network.Backend) -> bool:
        """TLS 1.3 with ingress-nginx: it presents the certificate its Ingresses give the SNI host (or its
        Fake Certificate); curl checks it against --cacert (or the system store, which has none of the
        playground's CAs) and then the host name (lib/vtls/openssl.c: ossl_verifyhost)."""
        cluster = self.proc.cluster
        pod = cluster.get("pods", backend.namespace, backend.pod)
        sni = "" if network.is_ip(url.host) else url.host
        cert = ingress.serving_certificate(cluster, pod, sni)
        trusted: list = []
        if self.o.cacert:
            pem = self.proc.host.files.get(self.proc.host.abspath(self.o.cacert))
            trusted = tlscerts.load_certs(pem) if pem else []
            if not trusted:
                t.code, t.error = 77, f"error setting certificate file: {self.o.cacert}"
                return False
        verdict = tlscerts.verify_chain(cert, trusted, cluster.now)
        self.info("ALPN: curl offers h2,http/1.1")
        self.info("TLSv1.3 (OUT), TLS handshake, Client hello (1):")
        self.info(f" CAfile: {self.o.cacert or '/etc/ssl/certs/ca-certificates.crt'}")
        self.info(" CApath: /etc/ssl/certs")
        self.info("TLSv1.3 (IN), TLS handshake, Server hello (2):")
        self.info("TLSv1.3 (IN), TLS handshake, Encrypted Extensions (8):")
        self.info("TLSv1.3 (IN), TLS handshake, Certificate (11):")
        if not verdict.ok and not self.o.insecure:
            alert = "certificate expired (557)" if verdict.code == 10 else "unknown CA (560)"
            self.info(f"TLSv1.3 (OUT), TLS alert, {alert}:")
            t.code, t.error = 60, f"SSL certificate problem: {verdict.reason}"
            return False
        self.info("TLSv1.3 (IN), TLS handshake, CERT verify (15):")
        self.info("TLSv1.3 (IN), TLS handshake, Finished (20):")
        self.info("TLSv1.3 (OUT), TLS change cipher, Change cipher spec (1):")
        self.info("TLSv1.3 (OUT), TLS handshake, Finished (20):")
        self.info("SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384 / X25519 / RSASSA-PSS")
        self.info("ALPN: server accepted h2")
        self.info("Server certificate:")
        self.info(f" subject: {tlscerts.oneline(cert.subject, '; ', '=')}")
        self.info(f" start date: {tlscerts.asn1_time(cert.not_valid_before_utc)}")
        self.info(f" expire date: {tlscerts.asn1_time(cert.not_valid_after_utc)}")
        problem = self._hostname_problem(cert, url.host)
        if problem and not self.o.insecure:
            t.code, t.error = 60, problem
            return False
        self.info(f" issuer: {tlscerts.oneline(cert.issuer, '; ', '=')}")
        if verdict.ok:
            self.info(" SSL certificate verify ok.")
        else:
            self.info(f" SSL certificate verify result: {verdict.reason} ({verdict.code}), continuing anyway.")
        key_bits = cert.public_key().key_size       # type: ignore[union-attr]
        # infof_certstack: EVP_PKEY_get_security_bits (ossl_ifc_ffc_compute_security_bits for RSA)
        sec = next((b for size, b in ((15360, 256), (8192, 200), (7680, 192), (6144, 176), (4096, 152),
                                      (3072, 128), (2048, 112), (1024, 80)) if key_bits >= size), 0)
        self.info(f"  Certificate level 0: Public key type RSA ({key_bits}/{sec} Bits/secBits), signed using "
                  "sha256WithRSAEncryption")
        return True

    def _hostname_problem(self, cert, host: str) -> str | None:
        """ossl_verifyhost: the subjectAltName names when there are any, else the last Common Name."""
        dns, ips = tlscerts.san_names(cert)
        is_ip = network.is_ip(host)
        if dns or ips:
            names = ips if is_ip else dns
            hit = next((n for n in names if (n == host if is_ip else tlscerts.host_matches(n, host))), None)
            if hit is not None:
                self.info(f' subjectAltName: host "{host}" matched cert\'s "{hit}"')
                return None
            self.info(f" subjectAltName does not match {host}")
            return f"SSL: no alternative certificate subject name matches target host name '{host}'"
        cn = tlscerts.common_name(cert.subject) or ""
        if tlscerts.host_matches(cn, host):
            self.info(f" common name: {cn} (matched)")
            return None
        return f"SSL: certificate subject name '{cn}' does not match target host name '{host}'"

    def _apiserver(self, req: webcontent.Request, now: float) -> webcontent.Response:
        status, ctype, body = apiserver_http.answer(self.proc.cluster, req.method, req.path, req.headers)
        headers = [("Audit-Id", self.proc.cluster.uid()), ("Cache-Control", "no-cache, private"),
                   ("Content-Type", ctype), ("X-Content-Type-Options", "nosniff"),
                   ("Date", webcontent.http_date(now)), ("Content-Length", str(len(body)))]
        return webcontent.Response(status, webcontent.REASONS.get(status, ""), headers, body)

    def _verify(self, host: str, daemon: str) -> tuple[int, str] | None:
        """curl's certificate check against --cacert (or the system store, which lacks minikubeCA): the API
        server's certificate is signed by minikubeCA and valid for the names in pki.APISERVER_SANS."""
        if not self.o.cacert:
            return 60, "SSL certificate problem: unable to get local issuer certificate"
        path = self.proc.host.abspath(self.o.cacert) if hasattr(self.proc.host, "abspath") else self.o.cacert
        pem = self.proc.host.files.get(path)
        if pem is None or "-----BEGIN CERTIFICATE-----" not in pem:
            return 77, f"error setting certificate file: {self.o.cacert}"
        if daemon != "kube-apiserver" or pki.CA_CRT.strip() not in pem:
            return 60, "SSL certificate problem: unable to get local issuer certificate"
        if host.lower() not in pki.APISERVER_SANS:
            return 60, f"SSL: no alternative certificate subject name matches target host name '{host}'"
        return None

    def _daemon_plain(self, daemon: str, req: webcontent.Request, now: float) -> webcontent.Response:
        if daemon == "ssh":
            return webcontent.Response(0, "", [], raw=SSH_BANNER)
        if daemon in TLS_DAEMONS:     # Go's TLS server answers plain HTTP with a canned 400
            body = "Client sent an HTTP request to an HTTPS server.\n"
            return webcontent.Response(400, "Bad Request", [], body)
        body = "404 page not found\n"
        return webcontent.Response(404, "Not Found", [("Content-Type", "text/plain; charset=utf-8"),
                                                     ("X-Content-Type-Options", "nosniff"),
                                                     ("Date", webcontent.http_date(now)),
                                                     ("Content-Length", str(len(body)))], body)

    def _connect_budget_ms(self) -> tuple[int, str] | None:
        """The earliest of --connect-timeout and --max-time, in ms, with which one fired."""
        picks = []
        if self.o.connect_timeout:
            picks.append((int(self.o.connect_timeout * 1000) + 1 + self.proc.cluster.randint(0, 5), "connect"))
        if self.o.max_time:
            picks.append((int(self.o.max_time * 1000) + 1 + self.proc.cluster.randint(0, 5), "max-time"))
        return min(picks) if picks else None


def _as_h2(resp: webcontent.Response) -> webcontent.Response:
    """A response as curl shows one that came over HTTP/2 (lib/http2.c): the status line `HTTP/2 200 `,
    header names in lower case as HPACK carries them, no hop-by-hop Connection header."""
    headers = [(k.lower(), v) for k, v in resp.headers if k.lower() not in ("connection", "keep-alive")]
    return webcontent.Response(resp.status, "", headers, resp.body, resp.log_line, http_version="2")


# ---- -w ---------------------------------------------------------------------------------------------
def write_out(fmt: str, t: Transfer, proc: Proc) -> str:
    resp = t.response
    url = t.url
    w = t.walk
    values = {
        "http_code": f"{t.status:03d}", "response_code": f"{t.status:03d}",
        "size_download": str(len(t.body.encode())), "size_header": str(t.header_size),
        "size_request": "0", "size_upload": "0",
        "content_type": next((v for k, v in (resp.headers if resp else []) if k.lower() == "content-type"), ""),
        "remote_ip": (w.ip or "") if w and t.status else "", "remote_port": str(url.port) if url and t.status else "",
        "local_ip": network.HOST_BRIDGE_IP if t.status else "", "local_port": str(t.local_port) if t.status else "",
        "url_effective": url.text() if url else "", "url": url.text() if url else "",
        "num_redirects": str(t.redirects), "exitcode": str(t.code), "errormsg": t.error,
        "method": t.method, "scheme": (url.scheme.upper() if url else ""),
        "http_version": ("2" if t.http2 else "1.1") if t.status else "0", "num_connects": "1" if t.status else "0",
        "time_total": f"{t.elapsed_ms / 1000:.6f}", "time_connect": f"{t.elapsed_ms / 2000:.6f}",
        "time_namelookup": "0.000010", "time_starttransfer": f"{t.elapsed_ms / 1000:.6f}",
        "time_appconnect": "0.000000", "time_pretransfer": f"{t.elapsed_ms / 2000:.6f}",
        "time_redirect": "0.000000", "speed_download": str(int(len(t.body) / max(t.elapsed_ms, 1) * 1000)),
        "speed_upload": "0", "redirect_url": "", "ssl_verify_result": "0", "proxy_ssl_verify_result": "0",
        "filename_effective": "", "onerror": "",
    }
    out = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "%" and fmt.startswith("%%", i):
            out.append("%")
            i += 2
        elif ch == "%" and fmt.startswith("%{", i):
            end = fmt.find("}", i)
            if end < 0:
                out.append(fmt[i:])
                break
            var = fmt[i + 2:end]
            if var in values:
                out.append(values[var])
            elif var == "stdout" or var == "stderr":
                pass
            else:
                proc.err(f"curl: unknown --write-out variable: '{var}'\n")
            i = end + 1
        elif ch == "%" and fmt.startswith("%header{", i):
            end = fmt.find("}", i)
            name = fmt[i + 8:end].lower()
            out.append(next((v for k, v in (resp.headers if resp else []) if k.lower() == name), ""))
            i = end + 1
        elif ch == "\\" and i + 1 < len(fmt) and fmt[i + 1] in "nrt\\":
            out.append({"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}[fmt[i + 1]])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


# ---- the program ------------------------------------------------------------------------------------
@program("curl")
def curl(proc: Proc) -> int:
    args = proc.argv[1:]
    if not args:
        proc.err(TRY_HELP)
        return 2
    try:
        opts, special = parse(args)
    except UsageError as exc:
        text = str(exc)
        if text.startswith("@"):
            proc.err(f"podscape: {text[1:]}\n")
        else:
            proc.err(f"curl: {text}\n{TRY_HELP}")
        return 2
    if special == "version":
        proc.out(VERSION_TEXT)
        return 0
    if special in ("help", "manual"):
        proc.out(HELP_TEXT)
        return 0
    if not opts.urls:
        proc.err(f"curl: (2) no URL specified\n{TRY_HELP}")
        return 2
    c = Curl(proc, opts)
    code = 0
    for raw in opts.urls:
        code = _one(c, raw) or code
    return code


def _output_target(c: Curl, t_url: str) -> tuple[str | None, str | None]:
    """(path or None for stdout, error)."""
    o = c.o
    if o.output:
        name = o.output
    elif o.remote_name:
        try:
            path = parse_url(t_url).path.split("?", 1)[0]
        except UrlError:
            path = ""
        name = path.rsplit("/", 1)[-1]
        if not name:
            return None, "Remote file name has no length"
    else:
        return None, None
    if o.output_dir and not name.startswith("/"):
        name = f"{o.output_dir.rstrip('/')}/{name}"
    return name, None


def _one(c: Curl, raw: str) -> int:
    proc, o = c.proc, c.o
    target, target_err = _output_target(c, raw)
    if target_err:
        if not o.silent or o.show_error:
            proc.err(f"curl: {target_err}\n")
        return 23
    to_file = target is not None and target not in ("-", "/dev/stdout")
    stdout_tty = c.tty and not to_file
    meter = c.meter and not stdout_tty      # curl hides the meter only when the body goes to a terminal
    if meter:
        proc.err(METER_HEAD)
    t = c.run_url(raw, not to_file)
    resp = t.response
    if t.code:
        if meter:
            proc.err(meter_line(0, 0, 0, t.elapsed_ms // 1000) + "\n")
        if o.verbose:
            c.info(t.error)
            if t.walk is not None:
                proc.err("* Closing connection\n")
        if not o.silent or o.show_error:
            proc.err(f"curl: ({t.code}) {t.error}\n")
            if t.code == 60:
                proc.err(CA_CERT_ERRORMSG)
        if o.write_out:
            proc.out(write_out(o.write_out, t, proc))
        return t.code
    head_text = resp.head() if resp else ""
    # Response headers: the verbose trace and, with -i/-I, the output, line by line as curl writes them.
    if resp is not None:
        lines = head_text.split("\r\n")[:-1]
        for line in lines:
            if o.verbose:
                proc.err(f"< {line}\r\n")
            if (o.head or o.include) and not to_file:
                proc.out(f"{line}\r\n")
    failed = o.fail and resp is not None and t.status >= 400 and not o.fail_with_body
    body = t.body
    if failed:
        if meter:
            proc.err(meter_line(0, 0, 0, 0) + "\n")
        if o.verbose:
            proc.err(f"* The requested URL returned error: {t.status}\n* Closing connection\n")
        if not o.silent or o.show_error:
            proc.err(f"curl: (22) The requested URL returned error: {t.status}\n")
        if o.write_out:
            proc.out(write_out(o.write_out, t, proc))
        return 22
    if o.verbose and body and not stdout_tty:
        proc.err(f"{{ [{len(body.encode())} bytes data]\n")
    code = 0
    if to_file:
        payload = (head_text if o.include or o.head else "") + body
        err = _write_file(proc, target or "", payload)
        if err:
            if meter:
                proc.err(meter_line(len(body), 0, 0, 0) + "\n")
            proc.err(f"Warning: Failed to open the file {target}: {err}\n")
            if not o.silent or o.show_error:
                proc.err("curl: (23) Failure writing output to destination\n")
            return 23
    else:
        proc.out(body)
    if meter:
        size = len(body.encode())
        speed = size * 1000 // max(t.elapsed_ms, 1)
        proc.err(meter_line(0, 0, 0, 0) + meter_line(size, size, speed, 0) + "\n")
    if o.verbose:
        proc.err(f"* Connection #0 to host {t.url.host if t.url else ''} left intact\n")
    if o.write_out:
        proc.out(write_out(o.write_out, t, proc))
    if o.fail_with_body and t.status >= 400:
        if not o.silent or o.show_error:
            proc.err(f"curl: (22) The requested URL returned error: {t.status}\n")
        return 22
    return code


def _write_file(proc: Proc, name: str, content: str) -> str | None:
    path = proc.host.abspath(name)
    if path == "/dev/null":
        return None
    return vfs.write(proc.host, path, content, append=False, root=False)
