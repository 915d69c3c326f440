"""Ingress validation (pkg/apis/networking/validation), as v1.35's API server words it; NetworkPolicy's is in
networkpolicy.py."""
from __future__ import annotations

import ipaddress
import re

from .meta import DNS1123_SUBDOMAIN, SUBDOMAIN_MSG, invalid, required, unsupported
from .pods import PORT_RANGE, _port_name_errors

PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"]
INVALID_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"]
INVALID_SUFFIXES = ["/..", "/."]
DNS1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
DNS1035_MSG = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
               "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex "
               "used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
WILDCARD = re.compile(r"^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
WILDCARD_MSG = ("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must "
                "consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character "
                "(e.g. '*.example.com', regex used for validation is "
                "'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")


def _subdomain_errors(value: str) -> list[str]:
    errs = []
    if len(value) > 253:
        errs.append("must be no more than 253 characters")
    if not DNS1123_SUBDOMAIN.match(value):
        errs.append(SUBDOMAIN_MSG)
    return errs


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


def _backend(b: dict, path: str) -> list[str]:
    b = b or {}
    svc, resource = b.get("service"), b.get("resource")
    if svc is not None and resource is not None:
        return [invalid(path, "", "cannot set both resource and service backends")]
    if resource is not None:
        causes = []
        if not resource.get("kind"):
            causes.append(f"{path}.resource.kind: Required value: kind is required")
        if not resource.get("name"):
            causes.append(f"{path}.resource.name: Required value: name is required")
        return causes
    if svc is None:
        return [invalid(path, "", "resource or service backend is required")]
    causes = []
    name = svc.get("name") or ""
    if not name:
        causes.append(required(f"{path}.service.name"))
    elif len(name) > 63 or not DNS1035.match(name):
        causes.append(invalid(f"{path}.service.name", name, DNS1035_MSG))
    port = svc.get("port") or {}
    pname, pnum = port.get("name") or "", port.get("number") or 0
    if pname and pnum:
        causes.append(invalid(path, "", "cannot set both port name & port number"))
    elif pname:
        causes += [invalid(f"{path}.service.port.name", pname, m) for m in _port_name_errors(pname)]
    elif pnum:
        if isinstance(pnum, int) and not 1 <= pnum <= 65535:
            causes.append(invalid(f"{path}.service.port.number", pnum, PORT_RANGE))
    else:
        causes.append(f"{path}: Required value: port name or number is required")
    return causes


def _http_path(p: dict, path: str) -> list[str]:
    ptype = p.get("pathType")
    if ptype is None:
        return [f"{path}.pathType: Required value: pathType must be specified"]
    value = p.get("path", "") or ""
    causes = []
    if ptype in ("Exact", "Prefix"):
        if not value.startswith("/"):
            causes.append(invalid(f"{path}.path", value, "must be an absolute path"))
        if value:
            causes += [invalid(f"{path}.path", value, f"must not contain '{s}'") for s in INVALID_SEQUENCES if s in value]
            causes += [invalid(f"{path}.path", value, f"cannot end with '{s}'") for s in INVALID_SUFFIXES
                       if value.endswith(s)]
    elif ptype == "ImplementationSpecific":
        if value and not value.startswith("/"):
            causes.append(invalid(f"{path}.path", value, "must be an absolute path"))
    else:
        causes.append(unsupported(f"{path}.pathType", ptype, PATH_TYPES))
    return causes + _backend(p.get("backend"), f"{path}.backend")


def validate_ingress(cluster, obj: dict, old: dict | None) -> list[str]:
    spec = obj.get("spec") or {}
    rules = spec.get("rules") or []
    causes = []
    if not rules and spec.get("defaultBackend") is None:
        causes.append(invalid("spec", spec.get("rules"), "either `defaultBackend` or `rules` must be specified"))
    if spec.get("defaultBackend") is not None:
        causes += _backend(spec["defaultBackend"], "spec.defaultBackend")
    for i, rule in enumerate(rules):
        rp = f"spec.rules[{i}]"
        host = rule.get("host") or ""
        if host:
            if _is_ip(host):
                causes.append(invalid(f"{rp}.host", host, "must be a DNS name, not an IP address"))
            if "*" in host:
                if not WILDCARD.match(host):
                    causes.append(invalid(f"{rp}.host", host, WILDCARD_MSG))
            else:
                causes += [invalid(f"{rp}.host", host, m) for m in _subdomain_errors(host)]
        http = rule.get("http")
        if http is not None:
            paths = http.get("paths") or []
            if not paths:
                causes.append(required(f"{rp}.http.paths"))
            for j, p in enumerate(paths):
                causes += _http_path(p or {}, f"{rp}.http.paths[{j}]")
    for i, tls in enumerate(spec.get("tls") or []):
        for j, host in enumerate(tls.get("hosts") or []):
            hp = f"spec.tls[{i}].hosts[{j}]"
            if "*" in host:
                if not WILDCARD.match(host):
                    causes.append(invalid(hp, host, WILDCARD_MSG))
            else:
                causes += [invalid(hp, host, m) for m in _subdomain_errors(host)]
    cls = spec.get("ingressClassName")
    if cls is not None:
        causes += [invalid("spec.ingressClassName", cls, m) for m in _subdomain_errors(cls)]
    return causes
