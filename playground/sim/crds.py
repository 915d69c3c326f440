"""CustomResourceDefinitions: the kinds they serve, and their structural schemas at work.

As apiextensions-apiserver serves a CRD (k8s.io/apiextensions-apiserver, v1.35):
- the kinds they serve are resources.py's (`served_resources`: a Resource per established CRD, in the
  preferred (storage) version, its `custom` holding the CRD's versions); here, a version's schema;
- `validate_crd`: the CRD's own validation (apis/apiextensions/validation/validation.go), a subset
  that covers what people get wrong by hand: names, group, scope, versions, storage, schemas;
- `establish`: the status the naming and establishing controllers write (NamesAccepted, Established);
- `prepare` prunes unknown fields and applies schema defaults (pkg/apiserver/schema/pruning and
  defaulting), `unknown_fields` names what strict field validation refuses, and `validate_object` checks
  an object against its version's openAPIV3Schema with the errors kube-openapi's validator gives
  (pkg/apiserver/validation/validation.go kubeOpenAPIResultToFieldErrors).
CEL rules (x-kubernetes-validations) run through cel.py; transition rules (oldSelf) do not (docs/gateway-api.md).
"""
from __future__ import annotations

import re2

from . import resources as res
from .jsondata import deep_copy
from .validation.meta import go_value, invalid, required, unsupported
from .cel import CelError, evaluate


# ---- a custom kind's versions --------------------------------------------------------------------------
def version_of(r: res.Resource, api_version: str) -> dict:
    versions = res.custom_spec(r)["versions"]
    name = api_version.rpartition("/")[2] if api_version else r.version
    return versions.get(name) or versions[res.custom_spec(r)["storage"]]


def schema_of(r: res.Resource, api_version: str = "") -> dict | None:
    return ((version_of(r, api_version).get("schema") or {}).get("openAPIV3Schema")) or None


# ---- the CRD itself ------------------------------------------------------------------------------------
def default_crd(crd: dict) -> None:
    """SetDefaults_CustomResourceDefinition: singular, listKind, conversion strategy."""
    spec = crd.setdefault("spec", {})
    names = spec.setdefault("names", {})
    if isinstance(names, dict) and names.get("kind"):
        names.setdefault("singular", str(names["kind"]).lower())
        names.setdefault("listKind", f"{names['kind']}List")
    spec.setdefault("conversion", {"strategy": "None"})


def validate_crd(cluster, crd: dict, old: dict | None) -> list[str]:
    """ValidateCustomResourceDefinition, the parts a learner writing one by hand meets."""
    causes: list[str] = []
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    group, plural = spec.get("group", ""), names.get("plural", "")
    name = crd["metadata"].get("name", "")
    if name != f"{plural}.{group}":
        causes.append(invalid("metadata.name", name, 'must be spec.names.plural+"."+spec.group'))
    if not group:
        causes.append(required("spec.group"))
    elif "." not in group:
        causes.append(invalid("spec.group", group, "should be a domain with at least one dot"))
    if spec.get("scope") not in ("Cluster", "Namespaced"):
        causes.append(unsupported("spec.scope", spec.get("scope", ""), ["Cluster", "Namespaced"]) if spec.get("scope")
                      else required("spec.scope"))
    for field in ("plural", "singular", "kind", "listKind"):
        value = names.get(field, "")
        if not value:
            causes.append(required(f"spec.names.{field}"))
        elif field in ("plural", "singular") and not _dns_label(value):
            causes.append(invalid(f"spec.names.{field}", value,
                                  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
                                  "'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
                                  "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"))
    versions = spec.get("versions") or []
    if not versions:
        causes.append(invalid("spec.versions", versions, "must have exactly one version marked as storage version"))
    else:
        storage = sum(1 for v in versions if v.get("storage"))
        if storage != 1:
            causes.append(invalid("spec.versions", versions, "must have exactly one version marked as storage version"))
        for i, v in enumerate(versions):
            if not v.get("name"):
                causes.append(required(f"spec.versions[{i}].name"))
            if not ((v.get("schema") or {}).get("openAPIV3Schema")):
                causes.append(f"spec.versions[{i}].schema.openAPIV3Schema: Required value: schemas are required")
            elif (v["schema"]["openAPIV3Schema"].get("type") or "") != "object":
                causes.append(f"spec.versions[{i}].schema.openAPIV3Schema.type: Invalid value: "
                              f"{go_value(v['schema']['openAPIV3Schema'].get('type', ''))}: must be object at the root")
    if plural in res.BY_PLURAL:
        # the playground stores objects by plural: a CRD cannot share one with a built-in kind
        causes.append(invalid("spec.names.plural", plural, "the playground cannot serve a custom kind whose plural "
                                                           "is also a built-in resource's (not simulated)"))
    if old is not None:
        if (old.get("spec") or {}).get("scope") != spec.get("scope"):
            causes.append(invalid("spec.scope", spec.get("scope", ""), "field is immutable"))
        if (old.get("spec") or {}).get("group") != group:
            causes.append(invalid("spec.group", group, "field is immutable"))
    return causes


def _dns_label(value: str) -> bool:
    return bool(re2.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", value)) and len(value) <= 63


def establish(cluster, crd: dict, old: dict | None) -> None:
    """The naming and establishing controllers' status: names accepted, then Established."""
    spec = crd.get("spec") or {}
    names = deep_copy(spec.get("names") or {})
    now = cluster.timestamp()
    before = {c.get("type"): c for c in ((old or {}).get("status") or {}).get("conditions") or []}

    def cond(kind: str, reason: str, message: str) -> dict:
        prior = before.get(kind)
        return {"lastTransitionTime": prior["lastTransitionTime"] if prior and prior.get("status") == "True" else now,
                "message": message, "reason": reason, "status": "True", "type": kind}

    stored = sorted({*(((old or {}).get("status") or {}).get("storedVersions") or []),
                     (res.storage_version(crd) or {}).get("name", "")} - {""})
    crd["status"] = {"acceptedNames": names,
                     "conditions": [cond("NamesAccepted", "NoConflicts", "no conflicts found"),
                                    cond("Established", "InitialNamesAccepted", "the initial names have been accepted")],
                     "storedVersions": stored}


# ---- custom objects: pruning, defaulting, validation -------------------------------------------------
def _props(schema: dict) -> dict:
    return schema.get("properties") or {}


def _preserves(schema: dict) -> bool:
    return bool(schema.get("x-kubernetes-preserve-unknown-fields"))


def unknown_fields(r: res.Resource, obj: dict) -> list[str]:
    """The fields strict field validation refuses (kubectl's default --validate=strict): not in the schema."""
    schema = schema_of(r, obj.get("apiVersion", ""))
    if schema is None:
        return []
    out: list[str] = []
    _unknown(obj, schema, "", out, root=True)
    return out


def _unknown(value, schema: dict, path: str, out: list[str], root: bool = False) -> None:
    if isinstance(value, dict):
        if _preserves(schema) and not _props(schema) and not schema.get("additionalProperties"):
            return
        props, extra = _props(schema), schema.get("additionalProperties")
        for key, child in value.items():
            where = f"{path}.{key}" if path else key
            if root and key in ("apiVersion", "kind", "metadata"):
                continue
            if key in props:
                _unknown(child, props[key], where, out)
            elif isinstance(extra, dict):
                _unknown(child, extra, where, out)
            elif extra is True or _preserves(schema):
                continue
            else:
                out.append(where)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, child in enumerate(value):
            _unknown(child, schema["items"], f"{path}[{i}]", out)


def prepare(r: res.Resource, obj: dict) -> None:
    """Stored in the storage version (conversion strategy None: only apiVersion changes), unknown fields
    pruned, nulls of non-nullable fields dropped, schema defaults filled in."""
    obj["apiVersion"] = r.api_version
    schema = schema_of(r)
    if schema is None:
        return
    for key in list(obj):
        if key not in ("apiVersion", "kind", "metadata"):
            obj[key] = _prune_default(obj[key], _props(schema).get(key), key in _props(schema) or _preserves(schema))
            if obj[key] is _DROP:
                del obj[key]
    _fill_defaults(obj, schema, root=True)


_DROP = object()


def _prune_default(value, schema: dict | None, known: bool):
    if not known:
        return _DROP
    if schema is None:
        return value
    if value is None and not schema.get("nullable"):
        return _DROP
    if isinstance(value, dict):
        props, extra = _props(schema), schema.get("additionalProperties")
        for key in list(value):
            if key in props:
                child = _prune_default(value[key], props[key], True)
            elif isinstance(extra, dict):
                child = _prune_default(value[key], extra, True)
            else:
                child = value[key] if (extra is True or _preserves(schema)) else _DROP
            if child is _DROP:
                del value[key]
            else:
                value[key] = child
        _fill_defaults(value, schema)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        kept = [_prune_default(v, schema["items"], True) for v in value]
        value[:] = [v for v in kept if v is not _DROP]
    return value


def _fill_defaults(value: dict, schema: dict, root: bool = False) -> None:
    for key, sub in _props(schema).items():
        if root and key in ("apiVersion", "kind", "metadata"):
            continue
        if key not in value and "default" in sub:
            value[key] = deep_copy(sub["default"])
            if isinstance(value[key], dict):
                _fill_defaults(value[key], sub)


def validate_object(r: res.Resource, obj: dict) -> list[str]:
    """The openAPIV3Schema's verdict on obj, as field errors."""
    schema = schema_of(r)
    if schema is None:
        return []
    causes: list[str] = []
    for key, sub in _props(schema).items():
        if key in ("apiVersion", "kind", "metadata"):
            continue
        if key in obj:
            _check(obj[key], sub, key, causes)
        elif key in (schema.get("required") or []):
            causes.append(required(key))
    return causes


_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def _kind_of(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _type_ok(value, schema: dict) -> bool:
    if schema.get("x-kubernetes-int-or-string"):
        return isinstance(value, (int, str)) and not isinstance(value, bool)
    want = schema.get("type")
    if not want:
        return True
    if want == "integer":
        return isinstance(value, int) and not isinstance(value, bool) or \
            (isinstance(value, float) and value.is_integer())
    if want == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES.get(want, object))


def _number(v) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def _check(value, schema: dict, path: str, causes: list[str]) -> None:
    """One value against its schema node: go-openapi/validate's checks in its order (type first; a value of
    the wrong type is not looked into further)."""
    if value is None:
        if not schema.get("nullable"):
            return            # pruned before validation
        return
    if not _type_ok(value, schema):
        want = "integer,string" if schema.get("x-kubernetes-int-or-string") else schema.get("type")
        causes.append(invalid(path, _kind_of(value), f'{path} in body must be of type {want}: "{_kind_of(value)}"'))
        return
    _cel(value, schema, path, causes)
    enum = schema.get("enum")
    if enum is not None and value not in enum:
        causes.append(unsupported(path, value, [e if isinstance(e, str) else go_value(e) for e in enum]))
    if isinstance(value, str):
        n = len(value)
        if "maxLength" in schema and n > schema["maxLength"]:
            causes.append(f"{path}: Too long: may not be more than {schema['maxLength']} bytes")
        if "minLength" in schema and n < schema["minLength"]:
            causes.append(invalid(path, value, f"{path} in body should be at least {schema['minLength']} chars long"))
        pattern = schema.get("pattern")
        if pattern and not _matches(pattern, value):
            causes.append(invalid(path, value, f"{path} in body should match '{pattern}'"))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema:
            low = schema["minimum"]
            if value < low or (schema.get("exclusiveMinimum") and value == low):
                word = "greater than" if schema.get("exclusiveMinimum") else "greater than or equal to"
                causes.append(invalid(path, value, f"{path} in body should be {word} {_number(low)}"))
        if "maximum" in schema:
            high = schema["maximum"]
            if value > high or (schema.get("exclusiveMaximum") and value == high):
                word = "less than" if schema.get("exclusiveMaximum") else "less than or equal to"
                causes.append(invalid(path, value, f"{path} in body should be {word} {_number(high)}"))
    elif isinstance(value, list):
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            n = schema["maxItems"]
            causes.append(f"{path}: Too many: {len(value)}: must have at most {n} item{'s' if n != 1 else ''}")
        if "minItems" in schema and len(value) < schema["minItems"]:
            causes.append(invalid(path, value, f"{path} in body should have at least {schema['minItems']} items"))
        items = schema.get("items")
        if isinstance(items, dict):
            for i, child in enumerate(value):
                _check(child, items, f"{path}[{i}]", causes)
    elif isinstance(value, dict):
        for key in schema.get("required") or []:
            if key not in value:
                causes.append(required(f"{path}.{key}"))
        props, extra = _props(schema), schema.get("additionalProperties")
        for key, child in value.items():
            if key in props:
                _check(child, props[key], f"{path}.{key}", causes)
            elif isinstance(extra, dict):
                _check(child, extra, f"{path}[{key}]", causes)
        if "maxProperties" in schema and len(value) > schema["maxProperties"]:
            causes.append(f"{path}: Too many: {len(value)}: must have at most {schema['maxProperties']} items")


def _cel(value, schema: dict, path: str, causes: list[str]) -> None:
    """x-kubernetes-validations: each rule with `self` bound to the value (apiserver/pkg/apiextensions/
    validation/cel_validation.go); a false rule is `Invalid value: "<type>": <message>`, a rule that cannot
    be evaluated says so with the rule."""
    rules = schema.get("x-kubernetes-validations")
    if not rules:
        return
    kind = schema.get("type") or ("object" if isinstance(value, dict) else _kind_of(value))
    for rule in rules:
        text = rule.get("rule", "")
        if "oldSelf" in text:
            continue          # transition rules need the stored object; create and full updates skip them here
        try:
            ok = evaluate(text, value) is True
        except CelError as exc:
            causes.append(invalid(path, kind, f"{exc} evaluating rule: {text}"))
            continue
        if not ok:
            message = rule.get("message") or f"failed rule: {text}"
            causes.append(invalid(path, kind, message))


_PATTERNS: dict = {}


def _matches(pattern: str, value: str) -> bool:
    """Go's regexp (RE2 syntax, unanchored unless the pattern anchors itself)."""
    compiled = _PATTERNS.get(pattern)
    if compiled is None:
        opts = re2.Options()
        opts.log_errors = False
        try:
            compiled = re2.compile(pattern, opts)
        except re2.error:
            compiled = False
        if len(_PATTERNS) < 512:
            _PATTERNS[pattern] = compiled
    return True if compiled is False or compiled is True else compiled.search(value) is not None
