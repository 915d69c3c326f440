"""The connectivity matrix page: what the current NetworkPolicies allow from every pod to every pod, per port
(rows are sources, columns destinations). The page refreshes its table (an htmx fragment) whenever the
sandbox's topology changes: static/js/matrix.js listens on the sandbox's socket."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .sim import policy
from .sim.engine import Engine
from .views import _get_sandbox_for_user, ws_url

MAX_PODS = 120          # beyond this a grid is unreadable; the page says how many it left out
SYSTEM_NAMESPACES = {"kube-system", "kube-public", "kube-node-lease", "ingress-nginx", "kube-flannel"}


def _ports(text: str) -> list[tuple[int, str]]:
    out = []
    for part in (text or "").replace(" ", ",").split(","):
        num, _, proto = part.strip().partition("/")
        if num.isdigit() and 0 < int(num) < 65536 and (proto or "TCP").upper() in ("TCP", "UDP", "SCTP"):
            out.append((int(num), (proto or "TCP").upper()))
    return out


def matrix_context(engine: Engine, namespace: str = "", ports_text: str = "", system: bool = False) -> dict:
    cluster = engine.cluster
    pods = [p for p in cluster.list("pods")
            if (not namespace or p["metadata"]["namespace"] == namespace)
            and (system or namespace or p["metadata"]["namespace"] not in SYSTEM_NAMESPACES)
            and policy.on_pod_network(p)]
    pods.sort(key=lambda p: (p["metadata"]["namespace"], p["metadata"]["name"]))
    left_out = max(0, len(pods) - MAX_PODS)
    pods = pods[:MAX_PODS]
    m = policy.matrix(cluster, _ports(ports_text) or None, pods)
    one_ns = len({n.split("/")[0] for n in m.pods}) <= 1
    names = [n.split("/", 1)[1] if one_ns else n for n in m.pods]
    tables = []
    for port, proto in m.ports:
        rows = []
        for s, src in enumerate(names):
            cells = [{"allowed": m.allowed((port, proto), s, d),
                      "title": f"{src} → {dst} {port}/{proto}: "
                               f"{'allowed' if m.allowed((port, proto), s, d) else 'denied'}"}
                     for d, dst in enumerate(names)]
            rows.append({"name": src, "cells": cells})
        denied = sum(not c["allowed"] for r in rows for c in r["cells"])
        tables.append({"port": port, "protocol": proto, "rows": rows, "denied": denied})
    return {"names": names, "tables": tables, "enforced": policy.enforced(cluster), "cni": policy.cni_label(cluster),
            "policies": len(cluster.list("networkpolicies")), "left_out": left_out, "namespace": namespace,
            "ports_text": ports_text, "running": cluster.running}


@login_required
@require_GET
def sandbox_matrix(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    sandbox = _get_sandbox_for_user(request, sandbox_id)
    engine = Engine.from_state(sandbox.state)
    ctx = matrix_context(engine, request.GET.get("namespace", "").strip(), request.GET.get("ports", ""),
                         request.GET.get("system") == "1")
    ctx.update({"sandbox": sandbox, "ws_url": ws_url(request, sandbox), "version": sandbox.version,
                "query": request.GET.urlencode()})
    template = "playground/_matrix.html" if request.htmx else "playground/matrix.html"
    return render(request, template, ctx)
