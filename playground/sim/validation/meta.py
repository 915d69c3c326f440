"""Generic metadata validation (labels, annotations, label selectors) and Go value formatting.

Wording from k8s.io/apimachinery/pkg/util/validation and .../api/validation (ValidateLabels,
ValidateAnnotations), as v1.35's API server returns it.
"""
from __future__ import annotations

import re
from ..manifests import go_json
from ..labels import selector_matches

QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
TOTAL_ANNOTATION_BYTES = 256 * 1024

QUALIFIED_NAME_MSG = ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                      "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                      "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
QUALIFIED_FULL_MSG = ("a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start "
                      "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
                      "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
                      "subdomain prefix and '/' (e.g. 'example.com/MyName')")
SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                 "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                 "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
             "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
             "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
LABEL_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                   "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
                   "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


# ---- how field errors print values -----------------------------------------------------------------
# Since v1.34 (apimachinery field.ErrorBody) numbers and bools print bare, strings quoted, and anything
# else as its JSON: `Invalid value: {"app":"y"}`, `Invalid value: {"matchLabels":{"app":"b"}}`.
def go_quote(s: str) -> str:
    """strconv.Quote for the common cases."""
    out = []
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7f:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def go_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return go_quote(v)
    return go_json(v)          # None -> null, maps and lists -> JSON


def label_selector_value(sel: dict | None) -> str:
    """A LabelSelector as JSON, its empty fields omitted (omitempty)."""
    sel = sel or {}
    out: dict = {}
    if sel.get("matchLabels"):
        out["matchLabels"] = sel["matchLabels"]
    if sel.get("matchExpressions"):
        out["matchExpressions"] = [{k: e[k] for k in ("key", "operator", "values") if e.get(k)}
                                   for e in sel["matchExpressions"]]
    return go_json(out)


def invalid(path: str, value, detail: str) -> str:
    return f"{path}: Invalid value: {go_value(value)}: {detail}"


def required(path: str) -> str:
    return f"{path}: Required value"


def unsupported(path: str, value, supported: list[str]) -> str:
    return f"{path}: Unsupported value: {go_value(value)}: supported values: " + \
        ", ".join(f'"{s}"' for s in supported)


# ---- names and labels ---------------------------------------------------------------------------------
def qualified_name_errors(key: str) -> list[str]:
    """content.IsLabelKey (validation.IsQualifiedName) as apimachinery v0.35 words it."""
    parts = key.split("/")
    errs: list[str] = []
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            if len(prefix) > 253:
                errs.append("prefix part must be no more than 253 characters")
            if not DNS1123_SUBDOMAIN.match(prefix):
                errs.append("prefix part " + SUBDOMAIN_MSG)
    else:
        return [QUALIFIED_FULL_MSG]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part must be no more than 63 characters")
    if not QUALIFIED_NAME.match(name):
        errs.append(QUALIFIED_NAME_MSG)
    return errs


def label_value_errors(value: str) -> list[str]:
    errs = []
    if len(value) > 63:
        errs.append("must be no more than 63 characters")
    if not LABEL_VALUE.match(value):
        errs.append(LABEL_VALUE_MSG)
    return errs


def validate_labels(labels, path: str) -> list[str]:
    if labels is None:
        return []
    causes = []
    for k in sorted(labels):
        for msg in qualified_name_errors(k):
            causes.append(invalid(path, k, msg))
        v = labels[k]
        if not isinstance(v, str):
            continue
        for msg in label_value_errors(v):
            causes.append(invalid(path, v, msg))
    return causes


def validate_annotations(annotations, path: str) -> list[str]:
    if annotations is None:
        return []
    causes = []
    total = 0
    for k in sorted(annotations):
        for msg in qualified_name_errors(k.lower()):
            causes.append(invalid(path, k, msg))
        total += len(k) + len(str(annotations[k] or ""))
    if total > TOTAL_ANNOTATION_BYTES:
        causes.append(f"{path}: Too long: may not be more than {TOTAL_ANNOTATION_BYTES} bytes")
    return causes


def validate_object_meta(obj: dict, path: str = "metadata") -> list[str]:
    meta = obj.get("metadata") or {}
    return validate_labels(meta.get("labels"), f"{path}.labels") + \
        validate_annotations(meta.get("annotations"), f"{path}.annotations")


def validate_selector(sel: dict | None, path: str) -> list[str]:
    """ValidateLabelSelector: matchLabels as labels, matchExpressions operators and values."""
    if not sel:
        return []
    causes = validate_labels(sel.get("matchLabels"), f"{path}.matchLabels")
    for i, e in enumerate(sel.get("matchExpressions") or []):
        p = f"{path}.matchExpressions[{i}]"
        op = e.get("operator")
        values = e.get("values") or []
        if op in ("In", "NotIn"):
            if not values:
                causes.append(required(f"{p}.values") + ": must be specified when `operator` is 'In' or 'NotIn'")
        elif op in ("Exists", "DoesNotExist"):
            if values:
                causes.append(f"{p}.values: Forbidden: may not be specified when `operator` is 'Exists' or "
                              "'DoesNotExist'")
        else:
            causes.append(invalid(f"{p}.operator", op or "", "not a valid selector operator"))
        for msg in qualified_name_errors(str(e.get("key", ""))):
            causes.append(invalid(f"{p}.key", e.get("key", ""), msg))
    return causes


def selector_matches_labels(sel: dict | None, labels: dict | None) -> bool:
    return selector_matches(sel, labels or {})
