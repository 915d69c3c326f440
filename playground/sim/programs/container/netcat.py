"""`nc` as a client inside a pod, in the flavour the image ships, over TCP or UDP (-u) through the one
network walk (sockets.connect).

busybox (networking/nc_bloaty.c, the applet docker's busybox builds with NC_110_COMPAT):
- `-v` reports `HOST (IP:PORT) open` on stderr; a failed connect exits 1 and says why only with -v
  (`nc: HOST (IP:PORT): Connection timed out`), and a refusal only with -vv ("scanning at one -v,
  don't print refusals");
- `-w SEC` bounds the connect (connect_w_timeout fakes ETIMEDOUT) and the final reads;
- `-z` only connects; with -u it is udptest(): write, wait, write again, and only an ICMP port
  unreachable in between (connection refused) says closed: a datagram a NetworkPolicy drops is "open";
- without -z what stdin holds is sent and what the server sends back is printed: serve-hostname --tcp
  answers its hostname and closes; an HTTP server answers a request written on stdin.
netcat-openbsd (netshoot): `Connection to HOST (IP) PORT port [tcp/http] succeeded!` with -v or -z,
and connect failures always reported: `nc: connect to HOST port PORT (tcp) failed: Connection refused`.
The learner's machine (Ubuntu) has netcat-openbsd too: `nc` there walks from the host (programs/netcat_host.py).
Listening (-l) belongs to the container's command (processes.py), where it lasts as long as the pod.
"""
from __future__ import annotations

from ... import images, network, sockets, webcontent
from . import container_program
from .net import BUSYBOX_BANNER

NC_USAGE = (BUSYBOX_BANNER + "Usage: nc [OPTIONS] HOST PORT  - connect\nnc [OPTIONS] -l -p PORT [HOST] [PORT]  - "
            "listen\n\n\t-e PROG\tRun PROG after connect (must be last)\n\t-l\tListen mode, for inbound connects\n"
            "\t-lk\tWith -e, provide persistent server\n\t-p PORT\tLocal port\n\t-s ADDR\tLocal address\n"
            "\t-w SEC\tTimeout for connects and final net reads\n\t-i SEC\tDelay interval for lines sent\n"
            "\t-n\tDon't do DNS resolution\n\t-u\tUDP mode\n\t-b\tAllow broadcasts\n\t-v\tVerbose\n"
            "\t-o FILE\tHex dump traffic\n\t-z\tZero-I/O mode (scanning)\n")
# Alpine images that install netcat-openbsd over busybox's applet: netshoot, and agnhost
# (test/images/agnhost/Dockerfile: `apk add bind-tools curl netcat-openbsd iproute2 iperf bash`).
OPENBSD_IMAGES = {"nicolaka/netshoot", "registry.k8s.io/e2e-test-images/agnhost", "k8s.gcr.io/e2e-test-images/agnhost",
                  "gcr.io/kubernetes-e2e-test-images/agnhost"}
SERVICES = {"http": 80, "https": 443, "ssh": 22, "domain": 53, "ftp": 21, "smtp": 25, "telnet": 23,
            "http-alt": 8080}          # /etc/services
PORT_NAMES = {v: k for k, v in SERVICES.items()}
WAIT_FOREVER_S = 60           # what the playground waits for when nc itself would wait forever


class Usage(Exception):
    pass


def _options(argv: list[str]) -> tuple[dict, list[str]]:
    """getopt32(argv, "np:s:uvw:lki:o:zb"): flags may be grouped (-zv, -w1); -v counts."""
    opts: dict = {"v": 0, "u": False, "z": False, "l": False, "n": False, "w": None, "e": None}
    rest: list[str] = []
    k = 0
    while k < len(argv):
        a = argv[k]
        k += 1
        if a == "--":
            rest += argv[k:]
            break
        if not a.startswith("-") or a == "-":
            rest.append(a)
            continue
        j = 1
        while j < len(a):
            c = a[j]
            j += 1
            if c in "psiwoe":
                val = a[j:] or (argv[k] if k < len(argv) else None)
                if val is None:
                    raise Usage(f"nc: option requires an argument -- '{c}'\n")
                if not a[j:]:
                    k += 1
                if c == "w":
                    if not val.isdigit():
                        raise Usage(f"nc: invalid number '{val}'\n")
                    opts["w"] = int(val)
                elif c == "e":
                    opts["e"] = val
                break
            if c == "v":
                opts["v"] += 1
            elif c in "uzln":
                opts[c] = True
            elif c in "kb":
                continue
            else:
                raise Usage(f"nc: invalid option -- '{c}'\n")
    return opts, rest


def _port(text: str) -> int | None:
    if text.isdigit():
        return int(text) if int(text) <= 65535 else None
    return SERVICES.get(text)


@container_program("nc")
def nc(proc) -> int:
    image = images.repository(proc.container.get("image", ""))
    return run_nc(proc, "openbsd-musl" if image in OPENBSD_IMAGES else "busybox")


def run_nc(proc, flavor: str) -> int:
    """nc in one flavour: "busybox", "openbsd-musl" (netshoot, Alpine) or "openbsd-glibc" (Ubuntu's
    netcat-openbsd on the learner's machine; glibc words its lookup errors differently)."""
    openbsd = flavor.startswith("openbsd")
    glibc = flavor == "openbsd-glibc"
    source = getattr(proc, "net_source", None) or network.HOST
    try:
        opts, args = _options(proc.argv[1:])
    except Usage as exc:
        proc.err(str(exc) + ("" if openbsd else NC_USAGE))
        return 1
    if opts["l"]:
        proc.err("podscape: a listening `nc -l` on your machine is not simulated\n" if source.kind == "host" else
                 "podscape: `nc -l` typed in an exec is not simulated; make it the container's command "
                 "(args: [nc, -lk, -p, PORT]) so it listens while the pod runs\n")
        return 1
    if opts["e"]:
        proc.err("podscape: `nc -e PROG` is not simulated\n")
        return 1
    if len(args) != 2:
        proc.err("usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n" if openbsd else NC_USAGE)
        return 1
    host, port = args[0], _port(args[1])
    if port is None:
        proc.err(f"nc: port number invalid: {args[1]}\n" if openbsd else f"nc: bad port '{args[1]}'\n")
        return 1
    protocol = "UDP" if opts["u"] else "TCP"
    not_found = "Name or service not known" if glibc else "Name does not resolve"
    if opts["n"] and not network.is_ip(host):
        proc.err(f"nc: getaddrinfo for host \"{host}\" port {port}: {not_found}\n" if openbsd
                 else f"nc: bad address '{host}'\n")
        return 1
    conn = sockets.connect(proc.engine, source, host, port, protocol, proc.stdin,
                           host_files=proc.host.files if source.kind == "host" else None)
    if conn.dns_error:
        if openbsd:
            again = "Temporary failure in name resolution" if glibc else "Try again"
            why = again if conn.dns_error in ("timeout", "refused") else not_found
            proc.err(f"nc: getaddrinfo for host \"{host}\" port {port}: {why}\n")
        else:
            proc.err(f"nc: bad address '{host}'\n")
        return 1
    return _openbsd(proc, conn, opts) if openbsd else _busybox(proc, conn, opts)


def _connect_error(conn, wait: int | None) -> str | None:
    """The errno text of a failed connect, or None when it connects (UDP always does)."""
    w = conn.walk
    if conn.protocol == "UDP" or w.ok:
        return None
    if w.verdict == "refused":
        return "Connection refused"
    if w.verdict == "unreachable" and not (wait and wait * 1000 < (w.elapsed_ms or 0)):
        return w.errno or "No route to host"
    return "Connection timed out"


def _busybox(proc, conn, opts) -> int:
    dotted = f"{conn.ip}:{conn.port}"
    err = _connect_error(conn, opts["w"])
    if err is None and opts["z"] and conn.protocol == "UDP" and conn.walk.verdict == "refused":
        err = "Connection refused"                       # udptest: the second write gets the ICMP error
    if err is not None:
        if opts["v"] > 1 or (opts["v"] and err != "Connection refused"):
            proc.err(f"nc: {conn.host} ({dotted}): {err}\n")
        return 1
    if opts["v"]:
        proc.err(f"{conn.host} ({dotted}) open\n")
    if opts["z"]:
        return 0
    return _exchange(proc, conn, opts)


def _openbsd(proc, conn, opts) -> int:
    proto = conn.protocol.lower()
    shown = conn.host if conn.host == conn.ip else f"{conn.host} ({conn.ip})"
    err = _connect_error(conn, opts["w"])
    if err is None and opts["z"] and conn.protocol == "UDP" and conn.walk.verdict == "refused":
        return 1                                           # udptest failed: reported by nothing but $?
    if err is not None:
        if err == "Connection timed out" and opts["w"]:
            proc.err(f"nc: connect to {conn.host} port {conn.port} ({proto}) timed out: Operation now in progress\n")
        else:
            proc.err(f"nc: connect to {conn.host} port {conn.port} ({proto}) failed: {err}\n")
        return 1
    if opts["v"] or opts["z"]:
        name = PORT_NAMES.get(conn.port, "*") if proto == "tcp" or conn.port == 53 else "*"
        proc.err(f"Connection to {shown} {conn.port} port [{proto}/{name}] succeeded!\n")
    if opts["z"]:
        return 0
    return _exchange(proc, conn, opts)


def _exchange(proc, conn, opts) -> int:
    """readwrite(): stdin to the server, what it sends back to stdout."""
    w = conn.walk
    if conn.reply is not None:
        proc.out(conn.reply)
    elif w.ok and conn.protocol == "TCP" and proc.stdin.strip():
        proc.out(_http_answer(proc, conn))
    if conn.protocol == "UDP" and not opts["w"]:
        proc.err(f"podscape: nc -u keeps waiting for datagrams until it is interrupted; the playground stopped it "
                 f"after {WAIT_FOREVER_S} seconds (give -w SEC to stop on its own)\n")
        return 130
    return 0


def _http_answer(proc, conn) -> str:
    """An HTTP server's answer to a request written on nc's stdin; "" when stdin is not HTTP."""
    lines = proc.stdin.replace("\r\n", "\n").split("\n")
    parts = lines[0].split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        return ""
    headers = []
    for ln in lines[1:]:
        if not ln:
            break
        k, sep, v = ln.partition(":")
        if sep:
            headers.append((k.strip(), v.strip()))
    host = next((v for k, v in headers if k.lower() == "host"), "")
    b = conn.walk.backend
    pod = proc.cluster.get("pods", b.namespace, b.pod)
    req = webcontent.Request(method=parts[0], path=parts[1], host=host, headers=headers,
                             client_ip=conn.walk.client_ip or conn.walk.source.ip)
    resp = webcontent.serve(b.image, b.port, req, proc.cluster.now, b.pod, b.ip,
                            webcontent.ServeContext(proc.cluster, {}, pod, proc.engine.trace))
    network.record_access(proc.cluster, b.namespace, b.pod, resp.log_line)
    if resp.raw is not None:
        return resp.raw
    if resp.empty_reply:
        return ""
    return resp.head() + resp.body
