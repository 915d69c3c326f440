"""`nc` on the learner's machine: Ubuntu's netcat-openbsd (priority important, so installed), walking from
the host like curl: /etc/hosts for names, the minikube network for node addresses and NodePorts, no route
to ClusterIPs or pod IPs. The client itself is programs/container/netcat.py's, in its glibc wording."""
from __future__ import annotations

from . import program
from .container.netcat import run_nc


@program("nc", "netcat")
def nc(proc) -> int:
    return run_nc(proc, "openbsd-glibc")
