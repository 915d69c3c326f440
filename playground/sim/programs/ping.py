"""`ping` on the learner's machine: Ubuntu's iputils-ping (ping/ping.c, ping_common.c's output), an echo request
a second until -c COUNT or Ctrl-C; without -c it is a job that prints a reply per second of the cluster's clock.

Who answers (network reachability from the host): loopback, the host's own minikube-network address and the
node (192.168.49.2). Pod IPs and Service ClusterIPs have no route from the host (and a ClusterIP never
answers ICMP: kube-proxy's rules match ports), so the requests go unanswered, as on a real machine.
"""
from __future__ import annotations

import ipaddress
import math

from .. import jobs, network
from ..proc import Proc
from . import program

USAGE = ("\nUsage\n  ping [options] <destination>\n\nOptions:\n  <destination>      DNS name or IP address\n"
         "  -c <count>         stop after <count> replies\n  -i <interval>      seconds between sending each packet\n")


def _answers(ip: str) -> bool:
    try:
        addr = ipaddress.IPv4Address(ip)
    except ValueError:
        return ip == "::1"
    return addr.is_loopback or ip in (network.NODE_IP, network.HOST_BRIDGE_IP, network.HOST_LAN_IP)


def reply_line(state: dict, seq: int, ms: float) -> str:
    who = state["ip"] if state["name"] == state["ip"] else f"{state['name']} ({state['ip']})"
    return f"64 bytes from {who}: icmp_seq={seq} ttl=64 time={ms:.3f} ms\n"


def statistics(state: dict) -> str:
    """ping_common.c finish(): the summary after the last packet (or SIGINT)."""
    sent, times = state["sent"], state["times"]
    got = len(times)
    loss = 0 if not sent else round((sent - got) * 100 / sent)
    text = (f"--- {state['name']} ping statistics ---\n"
            f"{sent} packets transmitted, {got} received, {loss}% packet loss, time {max(0, sent - 1) * 1000 + 1}ms\n")
    if times:
        avg = sum(times) / got
        mdev = math.sqrt(max(0.0, sum(t * t for t in times) / got - avg * avg))
        text += f"rtt min/avg/max/mdev = {min(times):.3f}/{avg:.3f}/{max(times):.3f}/{mdev:.3f} ms\n"
    return text


def send(cluster, state: dict) -> str:
    """One echo request: the reply line when something answers."""
    state["sent"] += 1
    if not state["answers"]:
        return ""
    ms = 0.03 + cluster.randint(0, 60) / 1000
    state["times"].append(ms)
    return reply_line(state, state["sent"], ms)


@jobs.process("ping")
class Ping(jobs.Process):
    def wake(self) -> float | None:
        return self.state["next"]

    def resume(self, engine, events, out) -> int | None:
        s = self.state
        while engine.cluster.now >= s["next"] and s["sent"] < 100_000:
            out.write(send(engine.cluster, s))
            s["next"] += s["interval"]
        return None

    def interrupt(self, engine, out) -> int:
        out.write(statistics(self.state))
        return 0 if self.state["times"] else 1


@program("ping")
def ping(proc: Proc) -> int:
    args = proc.argv[1:]
    count, interval, dest = None, 1.0, []
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a in ("-c", "-i", "-W", "-w", "-s", "-t"):
            if i >= len(args):
                proc.err(f"ping: option requires an argument -- '{a[1]}'\n{USAGE}")
                return 2
            value = args[i]
            i += 1
            try:
                if a == "-c":
                    count = int(value)
                    if count <= 0:
                        raise ValueError
                elif a == "-i":
                    interval = max(0.2, float(value))
            except ValueError:
                proc.err(f"ping: invalid argument: '{value}'\n")
                return 1
        elif a.startswith("-") and len(a) > 1:
            continue                       # -4, -n, -q...: accepted, nothing to change here
        else:
            dest.append(a)
    if not dest:
        proc.err("ping: usage error: Destination address required\n")
        return 1
    name = dest[-1]
    w = network.Walk(source=network.HOST, dest=name, port=0)
    w.hop(network.HOST.id, network.HOST.kind, network.HOST.label, network.HOST.ip)
    ip = name if network.is_ip(name) else network.resolve(proc.cluster, proc.host.files, w)
    if ip is None:
        proc.err(f"ping: {name}: Temporary failure in name resolution\n")
        return 2
    state = {"name": name, "ip": ip, "answers": _answers(ip), "sent": 0, "times": [], "interval": interval}
    proc.out(f"PING {name} ({ip}) 56(84) bytes of data.\n")
    if count is not None:
        for _ in range(count):
            proc.out(send(proc.cluster, state))
        proc.out("\n" + statistics(state))
        return 0 if state["times"] else 1
    proc.out(send(proc.cluster, state))
    state["next"] = proc.cluster.now + interval
    if not jobs.spawn(proc, Ping(state)):
        proc.out("\n" + statistics(state))
        proc.err("podscape: ping without -c runs on only as a command of its own; it stopped after one packet\n")
    return 0 if state["times"] else 1
