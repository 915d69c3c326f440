"""`/agnhost connect HOST:PORT [--timeout=D] [--protocol=tcp|udp|sctp]` inside an agnhost container: the
probe of Kubernetes' NetworkPolicy e2e tests (test/e2e/network/netpol/kubemanager.go probeConnectivity),
as test/images/agnhost/connect/connect.go behaves:

- exit 0 and no output when the connection works (UDP and SCTP: the server answered the payload);
- on stderr, prefixed so tests can tell them apart: `UNKNOWN: ...` (bad arguments), `DNS: ...` (lookup),
  `TIMEOUT` (TCP; UDP adds the read error), `REFUSED` (TCP; UDP adds the read error), `OTHER: ...`
  (SCTP reports a refusal as `OTHER: connection refused`); exit 1.
- SCTP waits on `time.After(timeout)`, so without --timeout it says TIMEOUT at once.

Servers (netexec, serve-hostname, porter) are the container's command (agnhost_servers.py), not an exec.
"""
from __future__ import annotations

import re

from ... import sockets
from . import container_program

CONNECT_USAGE = """Usage:
  agnhost connect [host:port] [flags]

Flags:
  -h, --help               help for connect
      --protocol string    The protocol to use to perform the connection, can be tcp, udp or sctp (default "tcp")
      --sctp-data string   The SCTP payload send to the server (default "hostname")
      --timeout duration   Maximum time before returning an error
      --udp-data string    The UDP payload send to the server (default "hostname")

"""
CONNECT_FLAGS = {"timeout", "protocol", "udp-data", "sctp-data"}
_UNITS = {"ns": 1e-6, "us": 1e-3, "µs": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}
_DURATION = re.compile(r"([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)")
WAIT_FOREVER_MS = 60_000        # what the playground waits for a UDP read with no deadline


def parse_duration(text: str) -> float | None:
    """Go's time.ParseDuration, in milliseconds; None when Go would reject it."""
    if text in ("0", "+0", "-0"):
        return 0.0
    body = text.lstrip("+-")
    pos, total = 0, 0.0
    while pos < len(body):
        m = _DURATION.match(body, pos)
        if not m:
            return None
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if not body:
        return None
    return -total if text.startswith("-") else total


def _cobra_error(proc, message: str) -> int:
    proc.err(f"Error: {message}\n{CONNECT_USAGE}")
    return 1


@container_program("agnhost")
def agnhost(proc) -> int:
    args = proc.argv[1:]
    if not args or args[0] != "connect":
        proc.err(f"podscape: `agnhost {args[0] if args else ''}` from an exec is not simulated; agnhost's servers "
                 "run as the container's command (command: [/agnhost, serve-hostname, ...])\n")
        return 1
    opts = {"timeout": "0s", "protocol": "tcp", "udp-data": "hostname", "sctp-data": "hostname"}
    dests: list[str] = []
    rest = args[1:]
    k = 0
    while k < len(rest):
        a = rest[k]
        k += 1
        if a == "--":
            dests += rest[k:]
            break
        if a in ("-h", "--help"):
            proc.out("Tries to open a TCP, UDP or SCTP connection to the given host and port. On error it prints "
                     "an error message prefixed with a specific fixed string that test cases can check for:\n\n"
                     "* UNKNOWN - Generic/unknown (non-network) error (eg, bad arguments)\n"
                     "* TIMEOUT - The connection attempt timed out\n* DNS - An error in DNS resolution\n"
                     "* REFUSED - Connection refused\n* OTHER - Other networking error (eg, \"no route to host\")\n\n"
                     + CONNECT_USAGE[:-1])
            return 0
        if a.startswith("--") and len(a) > 2:
            name, eq, value = a[2:].partition("=")
            if name not in CONNECT_FLAGS:
                return _cobra_error(proc, f"unknown flag: --{name}")
            if not eq:
                if k >= len(rest):
                    return _cobra_error(proc, f"flag needs an argument: --{name}")
                value, k = rest[k], k + 1
            opts[name] = value
            continue
        if a.startswith("-") and len(a) > 1:
            return _cobra_error(proc, f"unknown shorthand flag: '{a[1]}' in {a}")
        dests.append(a)
    timeout_ms = parse_duration(opts["timeout"])
    if timeout_ms is None:
        return _cobra_error(proc, f'invalid argument "{opts["timeout"]}" for "--timeout" flag: '
                                  f'time: invalid duration "{opts["timeout"]}"')
    if len(dests) != 1:
        return _cobra_error(proc, f"accepts 1 arg(s), received {len(dests)}")
    protocol = opts["protocol"]
    if protocol not in ("", "tcp", "udp", "sctp"):
        proc.err(f"Unsupported protocol\n{protocol}")         # fmt.Fprint(os.Stderr, "Unsupported protocol\n", protocol)
        return 1
    dest = dests[0]
    host, port = _split_host_port(dest)
    if port is None:
        proc.err(f"UNKNOWN: {host}\n" if protocol in ("", "tcp") else f"DNS: {host}\n")
        return 1
    if not port.isdigit() or int(port) > 65535:
        why = f"lookup {protocol or 'tcp'}/{port}: unknown port" if not port.isdigit() else \
            f"address {port}: invalid port"
        proc.err(f"DNS: {why}\n")
        return 1
    payload = opts["udp-data" if protocol == "udp" else "sctp-data"] + "\n"
    conn = sockets.connect(proc.engine, proc.net_source, host, int(port), protocol or "tcp", payload)
    if conn.dns_error:
        proc.err("DNS: " + sockets.go_dns_error(host, conn.dns_error, proc.net_source.ip, conn.local_port) + "\n")
        return 1
    if protocol == "udp":
        return _udp(proc, conn, timeout_ms)
    if protocol == "sctp":
        return _sctp(proc, conn, timeout_ms)
    return _tcp(proc, conn, timeout_ms)


def _split_host_port(dest: str) -> tuple[str, str | None]:
    """net.SplitHostPort: (host, port), or (error text, None)."""
    if dest.startswith("["):
        end = dest.find("]")
        if end < 0:
            return f"address {dest}: missing ']' in address", None
        if not dest[end + 1:].startswith(":"):
            return f"address {dest}: missing port in address", None
        return dest[1:end], dest[end + 2:]
    if ":" not in dest:
        return f"address {dest}: missing port in address", None
    host, _, port = dest.rpartition(":")
    if ":" in host:
        return f"address {dest}: too many colons in address", None
    return host, port


def _times_out(conn, timeout_ms: float) -> bool:
    """Whether the client's deadline passes before the network answers (a drop never answers)."""
    w = conn.walk
    if w.verdict == "timeout":
        return True
    return w.verdict == "unreachable" and 0 < timeout_ms < (w.elapsed_ms or 0)


def _tcp(proc, conn, timeout_ms: float) -> int:
    w = conn.walk
    if w.ok:
        return 0
    if _times_out(conn, timeout_ms):
        proc.err("TIMEOUT\n")
    elif w.verdict == "refused":
        proc.err("REFUSED\n")
    else:
        proc.err(f"OTHER: dial tcp {conn.ip}:{conn.port}: connect: {(w.errno or 'no route to host').lower()}\n")
    return 1


def _udp(proc, conn, timeout_ms: float) -> int:
    w = conn.walk
    where = f"read udp {proc.net_source.ip}:{conn.local_port}->{conn.ip}:{conn.port}"
    if w.ok and conn.reply is not None:
        if conn.reply == "":
            proc.err("OTHER: No data received from the server. Cannot guarantee the server received the request.\n")
            return 1
        return 0
    if w.verdict == "refused":
        proc.err(f"REFUSED: {where}: read: connection refused\n")
        return 1
    if timeout_ms <= 0:
        proc.err(f"podscape: nothing answers and agnhost connect has no --timeout, so its read waits forever; "
                 f"the playground stopped it after {WAIT_FOREVER_MS // 1000} seconds\n")
        return 130
    proc.err(f"TIMEOUT: {where}: i/o timeout\n")
    return 1


def _sctp(proc, conn, timeout_ms: float) -> int:
    w = conn.walk
    if timeout_ms <= 0:
        proc.err("TIMEOUT\n")             # time.After(0) fires before the association is up
        return 1
    if w.ok and conn.reply is not None:
        return 0
    if w.verdict == "refused":
        proc.err("OTHER: connection refused\n")
    elif w.ok or _times_out(conn, timeout_ms):
        proc.err("TIMEOUT\n")           # the server accepted but never wrote: the read outlives the deadline
    else:
        proc.err(f"OTHER: {(w.errno or 'no route to host').lower()}\n")
    return 1
