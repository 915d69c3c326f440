"""What the container images serve, byte for byte: the pages, the status lines, the response headers
(which ports each image's main process listens on is images.LISTENS).

`serve(pod, image, request, now)` answers one HTTP request the way the image's server would.
Sources: nginx's docs/html/index.html and src/http/ngx_http_special_response.c (release tags), Apache
httpd's htdocs/index.html and canned 404, google-samples hello-app main.go, Go net/http header order.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import formatdate
from typing import Callable
from urllib.parse import unquote_plus

from . import images
from .images import LISTENS
from .processes import listener

# nginx:latest follows nginx's mainline branch: 1.31.4 was the newest mainline release in autumn 2026
# (release-1.31.4, 2026-08-11). Change it here and every page, header and error page follows.
NGINX_LATEST = "1.31.4"
NGINX_STABLE = "1.30.4"
# The newest patch release of each minor line, with its release time (the index.html mtime in the
# official image, which nginx prints as Last-Modified and encodes in the ETag).
NGINX_RELEASES = {
    "1.14.2": "2018-12-04T14:52:24", "1.15.12": "2019-04-16T14:54:58", "1.16.1": "2019-08-13T12:51:42",
    "1.17.10": "2020-04-14T14:19:26", "1.18.0": "2020-04-21T14:09:01", "1.19.10": "2021-04-13T15:13:58",
    "1.20.2": "2021-11-16T14:44:02", "1.21.6": "2022-01-25T15:03:51", "1.22.1": "2022-10-19T08:02:20",
    "1.23.4": "2023-03-28T15:01:53", "1.24.0": "2023-04-11T01:45:34", "1.25.5": "2024-04-16T14:27:50",
    "1.26.3": "2025-02-05T16:40:47", "1.27.5": "2025-04-16T12:01:11", "1.28.3": "2026-03-24T18:33:23",
    "1.29.8": "2026-04-07T11:37:12", "1.30.4": "2026-07-15T17:20:38", "1.31.4": "2026-08-11T20:07:37",
}
HTTPD_VERSION = "2.4.66"
# htdocs/index.html in the httpd image: unchanged since 2007, hence its well-known ETag.
HTTPD_INDEX_MTIME = 1181587994      # Mon, 11 Jun 2007 18:53:14 GMT

# ---- nginx -----------------------------------------------------------------------------------------
# docs/html/index.html up to 1.21.1
NGINX_INDEX_2013 = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
    body {
        width: 35em;
        margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif;
    }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""
# 1.21.2 .. 1.29.5 (dark mode support)
NGINX_INDEX_2021 = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""
# 1.29.6 and later ("Updating welcome page with links and more details."); note the trailing spaces.
NGINX_INDEX_2026 = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, nginx is successfully installed and working.
Further configuration is required for the web server, reverse proxy, 
API gateway, load balancer, content cache, or other features.</p>

<p>For online documentation and support please refer to
<a href="https://nginx.org/">nginx.org</a>.<br/>
To engage with the community please visit
<a href="https://community.nginx.org/">community.nginx.org</a>.<br/>
For enterprise grade support, professional services, additional 
security features and capabilities please refer to
<a href="https://f5.com/nginx">f5.com/nginx</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""
NGINX_50X = """<!DOCTYPE html>
<html>
<head>
<title>Error</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p>If you are the system administrator of this resource then you should check
the error log for details.</p>
<p><em>Faithfully yours, nginx.</em></p>
</body>
</html>
"""


def _vkey(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.split(".") if x.isdigit())


def nginx_version(image: str) -> str:
    """The nginx release an image tag runs: `nginx` -> latest mainline, `nginx:1.17` -> 1.17.10."""
    tag = images.tag(image)
    for suffix in ("-alpine-slim", "-alpine-perl", "-alpine-otel", "-alpine", "-perl", "-otel", "-bookworm",
                   "-trixie", "-bullseye"):
        if tag.endswith(suffix):
            tag = tag[: -len(suffix)]
    if tag in ("", "latest", "mainline", "alpine", "perl", "otel", "bookworm", "trixie", "alpine-slim"):
        return NGINX_LATEST
    if tag == "stable" or tag.startswith("stable"):
        return NGINX_STABLE
    parts = tag.split(".")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return tag
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        for v in NGINX_RELEASES:
            if v.startswith(tag + "."):
                return v
        return f"{tag}.0"
    if len(parts) == 1 and parts[0] == "1":
        return NGINX_LATEST
    return NGINX_LATEST


def nginx_index(version: str) -> str:
    v = _vkey(version)
    if v >= (1, 29, 6):
        return NGINX_INDEX_2026
    if v >= (1, 21, 2):
        return NGINX_INDEX_2021
    return NGINX_INDEX_2013


def nginx_error_page(code: int, reason: str, version: str) -> str:
    """ngx_http_error_<code>_page + ngx_http_error_full_tail (server_tokens on), CRLF as nginx sends."""
    return (f"<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n"
            f"<center><h1>{code} {reason}</h1></center>\r\n"
            f"<hr><center>nginx/{version}</center>\r\n</body>\r\n</html>\r\n")


def _release_time(version: str) -> float:
    stamp = NGINX_RELEASES.get(version)
    if stamp is None:   # a patch we have no date for: its line's newest known release
        line = ".".join(version.split(".")[:2]) + "."
        stamp = next((d for v, d in NGINX_RELEASES.items() if v.startswith(line)), NGINX_RELEASES[NGINX_LATEST])
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()


# ---- requests and responses ------------------------------------------------------------------------
REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 400: "Bad Request",
           403: "Forbidden", 404: "Not Found", 405: "Not Allowed", 500: "Internal Server Error",
           502: "Bad Gateway", 503: "Service Temporarily Unavailable", 504: "Gateway Time-out"}


@dataclass
class Request:
    method: str = "GET"
    path: str = "/"
    host: str = ""                      # the Host header
    headers: list[tuple[str, str]] = field(default_factory=list)
    client_ip: str = ""                 # the peer address the server sees
    body: str = ""

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


@dataclass
class Response:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: str = ""
    log_line: str = ""                  # what the server writes to its access log (stdout)
    empty_reply: bool = False           # the peer closed without an HTTP answer
    raw: str | None = None              # a non-HTTP greeting (HTTP/0.9 to curl)
    http_version: str = "1.1"           # "2": as curl prints an HTTP/2 answer (`HTTP/2 200 `, no reason)

    def head(self) -> str:
        """Status line and headers, CRLF-terminated, with the blank line."""
        status = f"HTTP/2 {self.status} " if self.http_version == "2" else f"HTTP/1.1 {self.status} {self.reason}"
        lines = [status] + [f"{k}: {v}" for k, v in self.headers]
        return "\r\n".join(lines) + "\r\n\r\n"


def http_date(ts: float) -> str:
    return formatdate(ts, usegmt=True)


def _clf_time(ts: float) -> str:
    return datetime.fromtimestamp(int(ts), tz=timezone.utc).strftime("%d/%b/%Y:%H:%M:%S +0000")


def _path_only(path: str) -> str:
    """The request path as servers match it: no query, slashes merged, `.`/`..` resolved (nginx's
    merge_slashes and URI normalisation; httpd does the same for these cases)."""
    raw = path.split("?", 1)[0].split("#", 1)[0] or "/"
    parts: list[str] = []
    for seg in raw.split("/")[1:]:
        if seg in ("", "."):
            continue
        if seg == "..":
            if parts:
                parts.pop()
            continue
        parts.append(seg)
    out = "/" + "/".join(parts)
    if raw.endswith("/") and out != "/":
        out += "/"
    return out


def serve_nginx(image: str, req: Request, now: float, hostname: str) -> Response:
    version = nginx_version(image)
    path = _path_only(req.path)
    head = req.method == "HEAD"
    ua = req.header("User-Agent") or "-"
    if req.method not in ("GET", "HEAD"):
        status, body = 405, nginx_error_page(405, "Not Allowed", version)
        headers = [("Server", f"nginx/{version}"), ("Date", http_date(now)), ("Content-Type", "text/html"),
                   ("Content-Length", str(len(body.encode()))), ("Connection", "keep-alive")]
    elif path in ("/", "/index.html", "/50x.html"):
        status = 200
        body = NGINX_50X if path == "/50x.html" else nginx_index(version)
        mtime = int(_release_time(version))
        size = len(body.encode())
        headers = [("Server", f"nginx/{version}"), ("Date", http_date(now)), ("Content-Type", "text/html"),
                   ("Content-Length", str(size)), ("Last-Modified", http_date(mtime)),
                   ("Connection", "keep-alive"), ("ETag", f'"{mtime:x}-{size:x}"'), ("Accept-Ranges", "bytes")]
    else:
        status, body = 404, nginx_error_page(404, "Not Found", version)
        headers = [("Server", f"nginx/{version}"), ("Date", http_date(now)), ("Content-Type", "text/html"),
                   ("Content-Length", str(len(body.encode()))), ("Connection", "keep-alive")]
    sent = 0 if head else len(body.encode())
    log = (f'{req.client_ip} - - [{_clf_time(now)}] "{req.method} {req.path} HTTP/1.1" {status} {sent} "-" '
           f'"{ua}" "-"')
    return Response(status, REASONS[status], headers, "" if head else body, log)


HTTPD_INDEX = "<html><body><h1>It works!</h1></body></html>\n"
HTTPD_404 = ('<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n'
             '</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n'
             '</body></html>\n')


def serve_httpd(image: str, req: Request, now: float, hostname: str) -> Response:
    path = _path_only(req.path)
    head = req.method == "HEAD"
    server = f"Apache/{HTTPD_VERSION} (Unix)"
    if path in ("/", "/index.html"):
        size = len(HTTPD_INDEX)
        headers = [("Date", http_date(now)), ("Server", server), ("Last-Modified", http_date(HTTPD_INDEX_MTIME)),
                   ("ETag", '"2d-432a5e4a73a80"'), ("Accept-Ranges", "bytes"), ("Content-Length", str(size)),
                   ("Content-Type", "text/html")]
        status, body = 200, HTTPD_INDEX
    else:
        headers = [("Date", http_date(now)), ("Server", server), ("Content-Length", str(len(HTTPD_404))),
                   ("Content-Type", "text/html; charset=iso-8859-1")]
        status, body = 404, HTTPD_404
    sent = "-" if head and status == 200 else str(len(body))
    log = f'{req.client_ip} - - [{_clf_time(now)}] "{req.method} {req.path} HTTP/1.1" {status} {sent}'
    return Response(status, REASONS[status], headers, "" if head else body, log)


def hello_app_body(image: str, hostname: str) -> str:
    version = "2.0.0" if images.tag(image).startswith("2") else "1.0.0"
    return f"Hello, world!\nVersion: {version}\nHostname: {hostname}\n"


def serve_hello_app(image: str, req: Request, now: float, hostname: str) -> Response:
    body = hello_app_body(image, hostname)
    headers = [("Date", http_date(now)), ("Content-Length", str(len(body))),
               ("Content-Type", "text/plain; charset=utf-8")]
    return Response(200, "OK", headers, "" if req.method == "HEAD" else body,
                    f"{datetime.fromtimestamp(int(now), tz=timezone.utc):%Y/%m/%d %H:%M:%S} "
                    f"Serving request: {_path_only(req.path)}")


def serve_whoami(image: str, req: Request, now: float, hostname: str, pod_ip: str = "") -> Response:
    lines = [f"Hostname: {hostname}", "IP: 127.0.0.1", "IP: ::1"]
    if pod_ip:
        lines.append(f"IP: {pod_ip}")
    lines.append(f"RemoteAddr: {req.client_ip}:{40000 + (sum(map(ord, req.client_ip)) % 20000)}")
    lines.append(f"{req.method} {req.path} HTTP/1.1")
    lines += [f"{k}: {v}" for k, v in req.headers]
    body = "\r\n".join(lines) + "\r\n\r\n"
    headers = [("Date", http_date(now)), ("Content-Length", str(len(body))),
               ("Content-Type", "text/plain; charset=utf-8")]
    return Response(200, "OK", headers, "" if req.method == "HEAD" else body, "")


@dataclass
class ServeContext:
    """The world a server that talks to others needs (the ingress controller proxies to Services): the
    cluster, the learner's files (for the walk's resolver), the serving pod, and the trace callback
    (engine.trace) so the onward hop shows in the diagram."""
    cluster: object
    host_files: dict
    pod: dict | None
    trace: Callable[[dict], None] | None = None


Server = Callable[[str, Request, float, str], Response]
# Image repository -> fn(ctx, image, port, request, now) for servers that need the world (proxies).
CONTEXT_SERVERS: dict[str, Callable[[ServeContext, str, int, Request, float], Response]] = {}
# Image repository -> its HTTP server. Other parts (the ingress controller) add theirs here.
SERVERS: dict[str, Server] = {
    "nginx": serve_nginx,
    "httpd": serve_httpd,
    "gcr.io/google-samples/hello-app": serve_hello_app,
    "us-docker.pkg.dev/google-samples/containers/gke/hello-app": serve_hello_app,
    "traefik/whoami": serve_whoami,
}

# ---- servers a container's command starts (processes.py decides which runs where) -------------------
def _plain(status: int, body: str, now: float, req: Request, ctype: str = "text/plain; charset=utf-8",
           log: str = "") -> Response:
    """A Go net/http answer: Date, Content-Length, Content-Type (sniffed as text for these bodies)."""
    headers = [("Date", http_date(now)), ("Content-Length", str(len(body.encode()))), ("Content-Type", ctype)]
    return Response(status, REASONS.get(status, ""), headers, "" if req.method == "HEAD" else body, log)


def _go_log(now: float, text: str) -> str:
    return f"{datetime.fromtimestamp(int(now), tz=timezone.utc):%Y/%m/%d %H:%M:%S} {text}"


def serve_netexec(li, req: Request, now: float, hostname: str) -> Response:
    """agnhost netexec (test/images/agnhost/netexec/netexec.go): `/` prints "NOW: <time.Now()>",
    /hostname the pod's hostname, /echo?msg= the message, /clientip the peer's ip:port; others 404."""
    path, _, query = req.path.partition("?")
    params = dict(p.partition("=")[::2] for p in query.split("&") if p)
    t = datetime.fromtimestamp(now, tz=timezone.utc)
    if path == "/":
        body, log = f"NOW: {t:%Y-%m-%d %H:%M:%S}.{int(now * 1e9) % 10**9:09d} +0000 UTC m=+{now % 86400:.9f}", "GET /"
    elif path in ("/hostname", "/hostName"):
        body, log = hostname, f"GET {path}"
    elif path == "/echo":
        msg = _unquote(params.get("msg", ""))
        body, log = msg, f"GET /echo?msg={msg}&code={params.get('code', '')}"
    elif path == "/clientip":
        body, log = f"{req.client_ip}:{40000 + sum(map(ord, req.client_ip)) % 20000}", "GET /clientip"
    elif path in ("/healthz", "/readyz"):
        body, log = ("" if path == "/healthz" else "ok"), f"GET {path}"
    else:
        return _plain(404, "404 page not found\n", now, req)
    return _plain(200, body, now, req, log=_go_log(now, log))


def serve_serve_hostname(li, req: Request, now: float, hostname: str) -> Response:
    """agnhost serve-hostname --http: every request answers the hostname (no newline)."""
    return _plain(200, hostname, now, req)


def serve_porter(li, req: Request, now: float, hostname: str) -> Response:
    """agnhost porter (porter/porter.go): every request answers the SERVE_*_PORT_N variable's value."""
    return _plain(200, li.text, now, req)


def serve_http_echo(li, req: Request, now: float, hostname: str) -> Response:
    """hashicorp/http-echo: the -text argument and a newline, on every path."""
    return _plain(200, li.text + "\n", now, req,
                  log=_go_log(now, f'{req.host} {req.client_ip}:{40000} "{req.method} {req.path} HTTP/1.1" 200 '
                                   f'{len(li.text) + 1} "curl/8.5.0" 0.000012'))


def serve_directory(li, req: Request, now: float, hostname: str) -> Response:
    """busybox httpd -p / python3 -m http.server over an empty working directory: its listing or 404."""
    if li.server == "python-http":
        body = ('<!DOCTYPE HTML>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Directory listing '
                'for /</title>\n</head>\n<body>\n<h1>Directory listing for /</h1>\n<hr>\n<ul>\n</ul>\n<hr>\n'
                '</body>\n</html>\n')
        if req.path.split("?")[0] != "/":
            return _plain(404, "", now, req, "text/html;charset=utf-8")
        return _plain(200, body, now, req, "text/html; charset=utf-8",
                      f'{req.client_ip} - - [{_clf_time(now)}] "{req.method} {req.path} HTTP/1.1" 200 -')
    return _plain(404, "<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>\n<BODY><H1>404 Not Found</H1>\n"
                       "The requested URL was not found\n</BODY></HTML>\n", now, req, "text/html")


def _unquote(text: str) -> str:
    return unquote_plus(text)


PROCESS_SERVERS: dict[str, Callable] = {"netexec": serve_netexec, "serve-hostname": serve_serve_hostname,
                                        "http-echo": serve_http_echo, "busybox-httpd": serve_directory,
                                        "python-http": serve_directory, "porter": serve_porter}


def listens(image: str) -> dict[int, str]:
    """Ports the image's server listens on: {port: kind}. Unknown images listen on nothing."""
    return LISTENS.get(images.repository(image), {})


def container_listening(pod: dict, port: int) -> dict | None:
    """The container of a pod whose process listens on `port` (TCP), or None (connection refused)."""
    found = listener(pod, port)
    return found[0] if found else None


def serve(image: str, port: int, req: Request, now: float, hostname: str, pod_ip: str = "",
          ctx: ServeContext | None = None) -> Response:
    """One HTTP exchange with the server the serving pod's process runs on `port` (ctx.pod), else the image's."""
    found = None
    if ctx is not None and ctx.pod is not None:
        found = listener(ctx.pod, port)
    kind = found[1].kind if found else listens(image).get(port, "")
    repo = images.repository(image)
    if ctx is not None and repo in CONTEXT_SERVERS and kind in ("http", "https"):
        return CONTEXT_SERVERS[repo](ctx, image, port, req, now)
    if found and found[1].server in PROCESS_SERVERS:
        return PROCESS_SERVERS[found[1].server](found[1], req, now, hostname)
    if kind in ("http", "https") and repo in SERVERS:
        if repo == "traefik/whoami":
            return serve_whoami(image, req, now, hostname, pod_ip)
        return SERVERS[repo](image, req, now, hostname)
    if kind == "http" or kind.startswith("http"):
        body = (f"podscape: the playground does not simulate what {image} serves; the connection to "
                f"port {port} works.\n")
        return Response(200, "OK", [("Date", http_date(now)), ("Content-Type", "text/plain"),
                                    ("Content-Length", str(len(body)))], "" if req.method == "HEAD" else body)
    if kind == "mysql":     # the server speaks first: a binary greeting curl reads as HTTP/0.9
        return Response(0, "", [], raw="J\x00\x00\x00\n11.8.3-MariaDB")
    if kind == "redis":     # an inline command `GET / HTTP/1.1`, then it drops the "Host:" line's client
        return Response(0, "", [], raw="-ERR wrong number of arguments for 'get' command\r\n")
    return Response(0, "", [], empty_reply=True)
