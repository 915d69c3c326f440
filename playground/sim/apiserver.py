"""The API server's write path: decoding, validation, defaulting, allocation and storage, with its wording.

Programs never write `cluster.objects` directly; they call create/update/patch/delete here so that every
route (create, apply, edit, patch, scale, label) decodes, validates and allocates the same way.
Per-kind rules live in playground/sim/validation/ (one module per kind); capabilities.build() registers
them, explicitly and once, as the engine's validators and allocators.
"""
from __future__ import annotations

import re

from . import controllers, crds, defaults, merge, resources as res
from .apierrors import ApiError
from .capabilities import build
from .validation import quantity, schema
from .validation.meta import validate_object_meta
from .cluster import Cluster
from .jsondata import deep_copy, drop_nulls

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
QUOTA_NAME = "podscape-sandbox"
PROTECTED_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
# Types whose status is a subresource: a write to the object itself keeps the stored status.
NO_STATUS = {"customresourcedefinitions", "configmaps", "secrets", "serviceaccounts", "endpoints", "endpointslices", "events", "limitranges",
             "podtemplates", "controllerrevisions", "ingressclasses"}


def not_found(r: res.Resource, name: str) -> ApiError:
    return ApiError("NotFound", f'{r.qualified} "{name}" not found', 404)


def already_exists(r: res.Resource, name: str) -> ApiError:
    return ApiError("AlreadyExists", f'{r.qualified} "{name}" already exists', 409)


def invalid(r: res.Resource, name: str, causes: list[str]) -> ApiError:
    """422 Invalid: `The Service "x" is invalid: spec.ports[0].nodePort: Invalid value: ...`."""
    detail = causes[0] if len(causes) == 1 else "[" + ", ".join(causes) + "]"
    qualified_kind = f"{r.kind}.{r.group}" if r.group else r.kind
    return ApiError("Invalid", f'{qualified_kind} "{name}" is invalid: {detail}', 422, kind=r.kind, name=name,
                    causes=list(causes))


def bad_request(r: res.Resource, problem: str) -> ApiError:
    return ApiError("BadRequest", f'{r.kind} in version "{r.version}" cannot be handled as a {r.kind}: {problem}',
                    400)


def exceeded_quota(what: str, resource: str, requested, used, limit) -> str:
    """The ResourceQuota admission's refusal, the one wording of every sandbox quota (objects, pods, bytes):
    `deployments.apps "web" is forbidden: exceeded quota: podscape-sandbox, requested: pods=3, ...`."""
    return (f"{what} is forbidden: exceeded quota: {QUOTA_NAME}, requested: {resource}={requested}, "
            f"used: {resource}={used}, limited: {resource}={limit}")


def forbidden_quota(r: res.Resource, name: str, resource: str, requested: int, used: int, limit: int) -> ApiError:
    return ApiError("Forbidden", exceeded_quota(f'{r.qualified} "{name}"', resource, requested, used, limit), 403)


def name_causes(r: res.Resource, name: str) -> list[str]:
    """metadata.name validation (most kinds: DNS-1123 subdomain; Service: DNS-1035; Namespace: DNS-1123 label)."""
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


def _check_quota(cluster: Cluster, r: res.Resource, name: str) -> None:
    """The sandbox's object quota (cluster.limits.max_objects), worded as the server's check after a command."""
    used = cluster.count() - len(cluster.objects.get("events", {}))
    if used >= cluster.limits.max_objects:
        raise forbidden_quota(r, name, "count/objects", 1, used, cluster.limits.max_objects)


def _owned_pod_count(cluster: Cluster, obj: dict) -> int:
    """Pods that belong to a workload (directly, or through its ReplicaSets)."""
    uid = obj.get("metadata", {}).get("uid")
    if not uid:
        return 0
    owners = {uid} | {rs["metadata"].get("uid") for rs in controllers.owner_index(cluster, "replicasets").get(uid, [])}
    pods = controllers.owner_index(cluster, "pods")
    return len({id(p) for owner in owners for p in pods.get(owner, [])})


def check_pod_quota(cluster: Cluster, r: res.Resource, obj: dict, old: dict | None) -> None:
    """The sandbox's pod quota, checked when a pod or a workload's replicas ask for more pods."""
    pods = len(cluster.objects.get("pods", {}))
    limit = cluster.limits.max_pods
    name = obj["metadata"].get("name", "")
    if r.plural == "pods" and old is None:
        if pods + 1 > limit:
            raise forbidden_quota(r, name, "pods", 1, pods, limit)
        return
    if r.plural not in ("deployments", "replicasets", "statefulsets"):
        return
    replicas = (obj.get("spec") or {}).get("replicas", 1)
    if not isinstance(replicas, int) or replicas <= 0:
        return
    old_replicas = (old or {}).get("spec", {}).get("replicas", 0) if old else 0
    if old is not None and isinstance(old_replicas, int) and replicas <= old_replicas:
        return
    used = pods - (_owned_pod_count(cluster, old) if old is not None else 0)
    if used + replicas > limit:
        raise forbidden_quota(r, name, "pods", replicas, used, limit)


def _capabilities():
    """The engine's validators and allocators (capabilities.build(), explicit and built once)."""
    return build()


def _resource(obj: dict) -> res.Resource:
    r = res.for_object(obj)
    if r is None:
        raise ApiError("BadRequest", f'no kind "{obj.get("kind")}" is registered for version '
                                     f'"{obj.get("apiVersion")}" in scheme "pkg/api/legacyscheme/scheme.go:30"', 400)
    return r


def decode(obj: dict) -> res.Resource:
    """What the server does before anything else: find the type and decode the body strictly."""
    r = _resource(obj)
    problem = schema.decode_errors(obj)
    if r.custom is not None:
        unknown = crds.unknown_fields(r, obj)
        problem = "strict decoding error: " + ", ".join(f'unknown field "{u}"' for u in unknown) if unknown else None
    if problem:
        raise bad_request(r, problem)
    if r.custom is None:
        drop_nulls(obj)          # Go's decoder; custom kinds keep theirs for the CRD schema's nullable
    quantity.canonicalize_resources(obj)
    return r


def _validate(cluster: Cluster, r: res.Resource, obj: dict, old: dict | None) -> None:
    for field in ("labels", "annotations"):          # ObjectMeta's maps are omitempty
        if obj["metadata"].get(field) == {}:
            del obj["metadata"][field]
    name = obj["metadata"].get("name", "")
    try:
        causes = validate_object_meta(obj)
        causes += _capabilities().validators.get(r.plural, lambda c, o, old: [])(cluster, obj, old)
        if r.custom is not None:
            causes += crds.validate_object(r, obj)
        elif r.plural == res.CRD_PLURAL:
            causes += crds.validate_crd(cluster, obj, old)
    except (AttributeError, TypeError, KeyError, ValueError, IndexError):
        # A value of the wrong shape somewhere our decoding tables leave open: the real decoder refuses it.
        raise bad_request(r, "json: cannot unmarshal a value of the wrong type in the request body")
    if causes:
        raise invalid(r, name, causes)


def _status_is_subresource(r: res.Resource, obj: dict) -> bool:
    if r.custom is None:
        return r.plural not in NO_STATUS
    return "status" in (crds.version_of(r, obj.get("apiVersion", "")).get("subresources") or {})


def _defaults(r: res.Resource, obj: dict) -> None:
    if r.custom is not None:
        crds.prepare(r, obj)
    elif r.plural == res.CRD_PLURAL:
        crds.default_crd(obj)
    else:
        defaults.apply_defaults(r.plural, obj)


def _controllers_at_once(cluster: Cluster, r: res.Resource, obj: dict, old: dict | None) -> None:
    """A CRD is named and established within milliseconds of its create, before kubectl's next request
    (apply of a file whose next document is one of its objects): the playground does it in the write."""
    if r.plural == res.CRD_PLURAL:
        crds.establish(cluster, obj, old)


def create(cluster: Cluster, obj: dict) -> dict:
    r = decode(obj)
    meta = obj.setdefault("metadata", {})
    name = meta.get("name", "")
    if r.namespaced:
        meta.setdefault("namespace", "default")
    else:
        meta.pop("namespace", None)
    for field in ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "generation"):
        meta.pop(field, None)
    if not name and meta.get("generateName"):
        name = meta["name"] = meta["generateName"] + cluster.rand_suffix(5)
    if _status_is_subresource(r, obj):
        obj.pop("status", None)       # status is the controllers' to write
    causes = name_causes(r, name)
    if causes:
        raise invalid(r, name, causes)
    _check_namespace(cluster, r, obj)
    if cluster.get(r.plural, meta.get("namespace"), name) is not None:
        raise already_exists(r, name)
    _check_quota(cluster, r, name)
    _defaults(r, obj)
    _validate(cluster, r, obj, None)
    check_pod_quota(cluster, r, obj, None)
    _capabilities().allocators.get(r.plural, lambda c, o, old: None)(cluster, obj, None)
    _controllers_at_once(cluster, r, obj, None)
    if r.plural == "pods":
        return controllers.create_pod(cluster, obj)
    return cluster.put(obj, new=True)


def update(cluster: Cluster, obj: dict) -> dict:
    """PUT: replace the stored object (status kept, identity fields checked), validated as an update."""
    r = decode(obj)
    meta = obj.setdefault("metadata", {})
    name = meta.get("name", "")
    ns = meta.get("namespace", "default") if r.namespaced else None
    if r.namespaced:
        meta["namespace"] = ns
    old = cluster.get(r.plural, ns, name)
    if old is None:
        raise not_found(r, name)
    rv = meta.get("resourceVersion")
    if rv and rv != old["metadata"].get("resourceVersion"):
        raise ApiError("Conflict", f'Operation cannot be fulfilled on {r.qualified} "{name}": the object has been '
                                   "modified; please apply your changes to the latest version and try again", 409)
    uid = meta.get("uid")
    if uid and uid != old["metadata"].get("uid"):
        raise invalid(r, name, [f'metadata.uid: Invalid value: "{uid}": field is immutable'])
    for field in ("uid", "creationTimestamp", "ownerReferences"):
        if field in old["metadata"] and field not in meta:
            meta[field] = deep_copy(old["metadata"][field])
    meta["creationTimestamp"] = old["metadata"].get("creationTimestamp")
    if _status_is_subresource(r, obj):
        if "status" in old:
            obj["status"] = deep_copy(old["status"])
        else:
            obj.pop("status", None)
    _defaults(r, obj)
    _validate(cluster, r, obj, old)
    check_pod_quota(cluster, r, obj, old)
    _capabilities().allocators.get(r.plural, lambda c, o, old: None)(cluster, obj, old)
    _controllers_at_once(cluster, r, obj, old)
    if obj == old:
        return old
    return cluster.put(obj, new=False)


def patch(cluster: Cluster, r: res.Resource, namespace: str | None, name: str, patch_type: str, body) -> tuple[dict, bool]:
    """PATCH: apply a json / merge / strategic patch to the stored object; returns (object, changed)."""
    current = cluster.get(r.plural, namespace if r.namespaced else None, name)
    if current is None:
        raise not_found(r, name)
    wanted_rv = body.get("metadata", {}).get("resourceVersion") if isinstance(body, dict) and \
        isinstance(body.get("metadata"), dict) else None
    if wanted_rv and wanted_rv != current["metadata"].get("resourceVersion"):
        raise ApiError("Conflict", f'Operation cannot be fulfilled on {r.qualified} "{name}": the object has been '
                                   "modified; please apply your changes to the latest version and try again", 409)
    try:
        if patch_type == "json":
            patched = merge.json_patch(current, body)
        elif patch_type == "merge":
            patched = merge.json_merge_patch(current, body)
        else:
            patched = merge.strategic_merge_patch(current, body)
    except merge.PatchError as exc:
        raise ApiError("UnprocessableEntity" if patch_type == "json" else "BadRequest", exc.message,
                       422 if patch_type == "json" else 400)
    if not isinstance(patched, dict):
        raise bad_request(r, "json: cannot unmarshal array into Go value of type map[string]interface {}")
    patched.setdefault("metadata", {})
    problem = schema.decode_errors(dict(patched, apiVersion=current["apiVersion"], kind=current["kind"]))
    if problem:
        raise bad_request(r, problem)
    meta = patched["metadata"]
    if meta.get("name") != name:
        raise bad_request(r, f'the name of the object ({meta.get("name")}) does not match the name on the URL '
                             f"({name})") if meta.get("name") else invalid(r, name, ["metadata.name: Required value"])
    patched["apiVersion"], patched["kind"] = current["apiVersion"], current["kind"]
    meta["resourceVersion"] = current["metadata"].get("resourceVersion")
    if r.namespaced:
        meta["namespace"] = namespace
    # update() stores a new object or returns the stored one untouched: `current` is the state before
    stored = update(cluster, patched)
    return stored, _comparable(stored) != _comparable(current)


def _comparable(obj: dict) -> dict:
    """The object without what every write moves (resourceVersion, generation); shares the rest."""
    meta = {k: v for k, v in (obj.get("metadata") or {}).items() if k not in ("resourceVersion", "generation")}
    return {**obj, "metadata": meta}


def delete(cluster: Cluster, r: res.Resource, namespace: str | None, name: str) -> dict:
    if r.plural == "namespaces" and name in PROTECTED_NAMESPACES and cluster.get(r.plural, None, name) is not None:
        raise ApiError("Forbidden", f'namespaces "{name}" is forbidden: this namespace may not be deleted', 403)
    obj = cluster.remove(r.plural, namespace if r.namespaced else None, name)
    if obj is None:
        raise not_found(r, name)
    cluster.bump()
    if r.plural == "customresourcedefinitions":
        # the CRD finalizer deletes every object of the kind before the CRD goes
        plural = ((obj.get("spec") or {}).get("names") or {}).get("plural", "")
        if plural and plural not in res.BY_PLURAL:
            for key in list(cluster.objects.get(plural, {})):
                cluster.remove_key(plural, key)
    if r.plural == "pods" and (obj["metadata"].get("annotations") or {}).get("kubernetes.io/config.source") == "file":
        # A mirror pod: the kubelet still runs the static pod and posts its mirror again at once.
        again = deep_copy(obj)
        for field in ("uid", "creationTimestamp", "resourceVersion"):
            again["metadata"].pop(field, None)
        cluster.put(again, new=True)
    if r.plural == "services" and namespace == "default" and name == "kubernetes":
        # The API server recreates its own Service at once (same ClusterIP, new identity).
        again = deep_copy(obj)
        for field in ("uid", "creationTimestamp", "resourceVersion"):
            again["metadata"].pop(field, None)
        cluster.put(again, new=True)
    return obj


def orphan_dependents(cluster: Cluster, owner: dict) -> None:
    """--cascade=orphan: the owner's dependents lose their ownerReference and outlive it."""
    uid = owner.get("metadata", {}).get("uid")
    for plural in ("replicasets", "pods", "jobs"):
        for obj in cluster.objects.get(plural, {}).values():
            refs = obj["metadata"].get("ownerReferences") or []
            kept = [ref for ref in refs if ref.get("uid") != uid]
            if len(kept) != len(refs):
                if kept:
                    obj["metadata"]["ownerReferences"] = kept
                else:
                    obj["metadata"].pop("ownerReferences", None)
                cluster.touch(obj)
