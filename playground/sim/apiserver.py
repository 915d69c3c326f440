"""The API server's write path: validation, defaulting, allocation and storage, with its error wording.

Programs never write `cluster.objects` directly; they call create/update/delete here so that every
route (create, apply, edit, patch) validates and allocates the same way.
"""
from __future__ import annotations

import re

from . import defaults, resources as res
from .cluster import Cluster

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
MAX_OBJECTS = 1000


class ApiError(Exception):
    """An API error: `Error from server (<reason>): <message>` as kubectl prints it."""

    def __init__(self, reason: str, message: str, code: int = 422):
        super().__init__(message)
        self.reason = reason        # NotFound, AlreadyExists, Invalid, BadRequest, Forbidden, Conflict
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return f"Error from server ({self.reason}): {self.message}"


def not_found(r: res.Resource, name: str) -> ApiError:
    return ApiError("NotFound", f'{r.qualified} "{name}" not found', 404)


def already_exists(r: res.Resource, name: str) -> ApiError:
    return ApiError("AlreadyExists", f'{r.qualified} "{name}" already exists', 409)


def invalid(r: res.Resource, name: str, causes: list[str]) -> ApiError:
    """`The Service "x" is invalid: spec.ports[0].nodePort: Invalid value: ...` (one cause or a list)."""
    if len(causes) == 1:
        detail = causes[0]
    else:
        detail = "[" + ", ".join(causes) + "]"
    return ApiError("Invalid", f'{r.kind} "{name}" is invalid: {detail}', 422)


def name_causes(r: res.Resource, name: str) -> list[str]:
    """metadata.name validation (most kinds: DNS-1123 subdomain; Service/Namespace: DNS-1123 label)."""
    if not name:
        return ["metadata.name: Required value: name or generateName is required"]
    label_kinds = {"Service", "Namespace"}
    if r.kind in label_kinds:
        if len(name) > 63 or not DNS1123_LABEL.match(name):
            if r.kind == "Service":
                return [f'metadata.name: Invalid value: "{name}": a DNS-1035 label must consist of lower case '
                        "alphanumeric characters or '-', start with an alphabetic character, and end with an "
                        "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
                        "'[a-z]([-a-z0-9]*[a-z0-9])?')"]
            return [f'metadata.name: Invalid value: "{name}": a lowercase RFC 1123 label must consist of lower '
                    "case alphanumeric characters or '-', and must start and end with an alphanumeric character "
                    "(e.g. 'my-name',  or '123-abc', regex used for validation is "
                    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]
        if r.kind == "Service" and not name[0].isalpha():
            return [f'metadata.name: Invalid value: "{name}": a DNS-1035 label must consist of lower case '
                    "alphanumeric characters or '-', start with an alphabetic character, and end with an "
                    "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
                    "'[a-z]([-a-z0-9]*[a-z0-9])?')"]
        return []
    if len(name) > 253 or not DNS1123_SUBDOMAIN.match(name):
        return [f'metadata.name: Invalid value: "{name}": a lowercase RFC 1123 subdomain must consist of lower '
                "case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
                "character (e.g. 'example.com', regex used for validation is "
                "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]
    return []


def _check_namespace(cluster: Cluster, r: res.Resource, obj: dict) -> None:
    if not r.namespaced:
        return
    ns = obj["metadata"].get("namespace", "default")
    if cluster.get("namespaces", None, ns) is None:
        raise ApiError("NotFound", f'namespaces "{ns}" not found', 404)


def _check_quota(cluster: Cluster) -> None:
    used = cluster.count() - len(cluster.objects.get("events", {}))
    if used >= MAX_OBJECTS:
        raise ApiError("Forbidden", f"exceeded quota: podscape-sandbox, requested: count/objects=1, "
                                    f"used: count/objects={used}, limited: count/objects={MAX_OBJECTS}", 403)


# Per-kind validation and allocation hooks: fn(cluster, obj, old_or_None) -> list of causes.
VALIDATORS: dict[str, callable] = {}
ALLOCATORS: dict[str, callable] = {}


def create(cluster: Cluster, obj: dict) -> dict:
    r = res.for_object(obj)
    if r is None:
        raise ApiError("BadRequest", f'no kind "{obj.get("kind")}" is registered for version '
                                     f'"{obj.get("apiVersion")}"', 400)
    meta = obj.setdefault("metadata", {})
    name = meta.get("name", "")
    if r.namespaced:
        meta.setdefault("namespace", "default")
    causes = name_causes(r, name)
    if causes:
        raise invalid(r, name, causes)
    _check_namespace(cluster, r, obj)
    if cluster.get(r.plural, meta.get("namespace"), name) is not None:
        raise already_exists(r, name)
    _check_quota(cluster)
    defaults.apply_defaults(r.plural, obj)
    causes = VALIDATORS.get(r.plural, lambda c, o, old: [])(cluster, obj, None)
    if causes:
        raise invalid(r, name, causes)
    ALLOCATORS.get(r.plural, lambda c, o, old: None)(cluster, obj, None)
    if r.plural == "pods":
        from .controllers import create_pod
        return create_pod(cluster, obj)
    return cluster.put(obj, new=True)


def update(cluster: Cluster, obj: dict) -> dict:
    r = res.for_object(obj)
    if r is None:
        raise ApiError("BadRequest", f'no kind "{obj.get("kind")}" is registered', 400)
    meta = obj.setdefault("metadata", {})
    name = meta.get("name", "")
    old = cluster.get(r.plural, meta.get("namespace") if r.namespaced else None, name)
    if old is None:
        raise not_found(r, name)
    defaults.apply_defaults(r.plural, obj)
    causes = VALIDATORS.get(r.plural, lambda c, o, old: [])(cluster, obj, old)
    if causes:
        raise invalid(r, name, causes)
    ALLOCATORS.get(r.plural, lambda c, o, old: None)(cluster, obj, old)
    return cluster.put(obj, new=False)


def delete(cluster: Cluster, r: res.Resource, namespace: str | None, name: str) -> dict:
    obj = cluster.remove(r.plural, namespace if r.namespaced else None, name)
    if obj is None:
        raise not_found(r, name)
    return obj
