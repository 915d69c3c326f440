"""Where agnhost's server subcommands listen (kubernetes/kubernetes test/images/agnhost), from their command
line and environment. processes.py asks this for a container whose command is `/agnhost SUB ...`.

- netexec (netexec/netexec.go): HTTP on --http-port (8080) and UDP on --udp-port (8081; -1 turns it
  off); --sctp-port (-1, off) serves SCTP.
- serve-hostname (serve-hostname/serve_hostname.go): --http (default true) serves HTTP; --tcp and --udp
  serve the hostname raw; all on --port (9376). HTTP together with --tcp/--udp is log.Fatalf ("Can't
  server TCP/UDP mode and HTTP mode at the same time"): the process exits and listens on nothing.
  There is no --sctp flag (an unknown flag stops it before it listens): the NetworkPolicy e2e model
  (test/e2e/network/netpol/model.go) serves SCTP with porter instead.
- porter (porter/porter.go): one server per environment variable SERVE_PORT_N / SERVE_TCP_PORT_N (HTTP),
  SERVE_UDP_PORT_N, SERVE_TLS_PORT_N (HTTPS), SERVE_SCTP_PORT_N, each answering the variable's value.
"""
from __future__ import annotations

import re

from .images import Listener

# Go's flag/pflag parsing of the bool flags: `--tcp`, `--tcp=true`, `--tcp=false` (one or two dashes).
_TRUE = {"1", "t", "T", "TRUE", "true", "True"}


def _bool_flag(argv: list[str], name: str, default: bool) -> bool:
    value = default
    for a in argv:
        for dashes in ("--", "-"):
            if a == dashes + name:
                value = True
            elif a.startswith(f"{dashes}{name}="):
                value = a.split("=", 1)[1] in _TRUE
    return value


def _int_flag(argv: list[str], name: str, default: int) -> int:
    """`--name=N`, `--name N`, `-name N`; a value that is not a number keeps the default (the real binary
    would refuse to start: cobra's `invalid argument`)."""
    for k, a in enumerate(argv):
        for dashes in ("--", "-"):
            flag = dashes + name
            value = None
            if a.startswith(flag + "="):
                value = a.split("=", 1)[1]
            elif a == flag and k + 1 < len(argv):
                value = argv[k + 1]
            if value is not None:
                m = re.fullmatch(r"-?\d+", value.strip())
                return int(value) if m else default
    return default


def _unknown_flags(argv: list[str], known: set[str]) -> list[str]:
    return [a for a in argv if a.startswith("-") and a.lstrip("-").split("=", 1)[0] not in known | {"h", "help"}]


def listeners(argv: list[str], env: dict[str, str]):
    """The sockets `/agnhost <argv>` opens, as Listener values."""
    sub, rest = (argv[0], argv[1:]) if argv else ("pause", [])
    if sub == "netexec":
        out = [Listener(_int_flag(rest, "http-port", 8080), server="netexec")]
        udp = _int_flag(rest, "udp-port", 8081)
        if udp > 0:
            out.append(Listener(udp, "udp", "netexec", "UDP"))
        sctp = _int_flag(rest, "sctp-port", -1)
        if sctp > 0:
            out.append(Listener(sctp, "sctp", "netexec", "SCTP"))
        return out
    if sub == "serve-hostname":
        if _unknown_flags(rest, {"tcp", "udp", "http", "close", "port"}):
            return []                   # cobra: "Error: unknown flag: --sctp", the process exits
        port = _int_flag(rest, "port", 9376)
        tcp, udp, http = (_bool_flag(rest, "tcp", False), _bool_flag(rest, "udp", False),
                          _bool_flag(rest, "http", True))
        if http and (tcp or udp):
            return []                   # log.Fatalf before listening
        out = [Listener(port, server="serve-hostname")] if http else []
        if tcp:
            out.append(Listener(port, "tcp", "serve-hostname"))
        if udp:
            out.append(Listener(port, "udp", "serve-hostname", "UDP"))
        return out
    if sub == "porter":
        return porter_listeners(env)
    return []


PORTER_PREFIXES = (("SERVE_PORT_", "http", "TCP"), ("SERVE_TCP_PORT_", "http", "TCP"),
                   ("SERVE_UDP_PORT_", "udp", "UDP"), ("SERVE_TLS_PORT_", "https", "TCP"),
                   ("SERVE_SCTP_PORT_", "sctp", "SCTP"))


def porter_listeners(env: dict[str, str]):
    out = []
    for key, value in env.items():
        for prefix, kind, proto in PORTER_PREFIXES:
            if key.startswith(prefix) and key[len(prefix):].isdigit():
                out.append(Listener(int(key[len(prefix):]), kind, "porter", proto, text=value))
                break
    return out
