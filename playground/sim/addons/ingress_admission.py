"""Admission the API server runs for Ingresses (capabilities.build() registers `admission` as their
allocator): the DefaultIngressClass plugin, then ingress-nginx's validating webhook while its controller
runs (the addon itself, which the API server does not import, is addons/ingress.py).
"""
from __future__ import annotations

import re

from .. import ingress as routing
from ..apierrors import ApiError
from ..cluster import Cluster


def default_class_admission(cluster: Cluster, obj: dict, old: dict | None) -> None:
    """The DefaultIngressClass admission plugin: a new Ingress without a class gets the default one."""
    if old is not None:
        return
    spec = obj.setdefault("spec", {})
    if spec.get("ingressClassName") or (obj["metadata"].get("annotations") or {}).get(routing.CLASS_ANNOTATION):
        return
    name = routing.default_class(cluster)
    if name:
        spec["ingressClassName"] = name


WEBHOOK = "validate.nginx.ingress.kubernetes.io"
# strict-validate-path-type (on by default since ingress-nginx v1.12): Exact and Prefix paths may hold only
# letters, digits, `_`, `-` and `/` (internal/ingress/inspector: `(?i)^/[[:alnum:]\_\-\/]*$`).
STRICT_PATH = re.compile(r"^/[A-Za-z0-9._\-/]*$")   # ingress-nginx inspector/rules.go validPathType


def _webhook_denial(cluster: Cluster, obj: dict) -> str | None:
    """What ingress-nginx's validating webhook (CheckIngress) refuses, or None."""
    bad = []
    for rule in (obj.get("spec") or {}).get("rules") or []:
        for p in ((rule.get("http") or {}).get("paths") or []):
            if p.get("pathType") in ("Exact", "Prefix") and not STRICT_PATH.match(p.get("path") or ""):
                bad.append(f"path {p.get('path', '')} cannot be used with pathType {p['pathType']}")
    if bad:
        return "ingress contains invalid paths: " + "\n".join(bad)
    # checkOverlap: a host/path another Ingress already defines (whatever its pathType)
    meta = obj["metadata"]
    defined: dict[tuple[str, str], dict] = {}
    for other in routing.served_ingresses(cluster):
        if (other["metadata"]["namespace"], other["metadata"]["name"]) == (meta.get("namespace"), meta.get("name")):
            continue
        for rule in (other.get("spec") or {}).get("rules") or []:
            for p in ((rule.get("http") or {}).get("paths") or []):
                defined.setdefault(((rule.get("host") or "_"), p.get("path") or "/"), other)
    for rule in (obj.get("spec") or {}).get("rules") or []:
        host = rule.get("host") or "_"
        for p in ((rule.get("http") or {}).get("paths") or []):
            if not (p.get("backend") or {}).get("service"):
                continue
            taken = defined.get((host, p.get("path") or "/"))
            if taken is not None:
                return (f'host "{host}" and path "{p.get("path") or "/"}" is already defined in ingress '
                        f'{taken["metadata"]["namespace"]}/{taken["metadata"]["name"]}')
    return None


def admission(cluster: Cluster, obj: dict, old: dict | None) -> None:
    """Admission for Ingresses: the default class, then ingress-nginx's webhook while its controller runs
    (the webhook ignores Ingresses of other classes)."""
    default_class_admission(cluster, obj, old)
    if not routing.controller_pods(cluster) or not routing.served(cluster, obj):
        return
    denial = _webhook_denial(cluster, obj)
    if denial:
        raise ApiError("BadRequest", f'admission webhook "{WEBHOOK}" denied the request: {denial}', 400)
