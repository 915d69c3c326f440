"""ConfigMap and Secret validation: key names and the 1 MiB size limit (pkg/apis/core/validation)."""
from __future__ import annotations

import re

from .meta import invalid

CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
CONFIG_KEY_MSG = ("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  "
                  "or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
MAX_BYTES = 1024 * 1024


def _key_errors(key: str) -> list[str]:
    errs = []
    if len(key) > 253:
        errs.append("must be no more than 253 characters")
    if not CONFIG_KEY.match(key):
        errs.append(CONFIG_KEY_MSG)
    if key in (".", ".."):
        errs.append(f"must not be '{key}'")
    elif key.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def validate_configmap(cluster, obj: dict, old: dict | None) -> list[str]:
    causes, total = [], 0
    data, binary = obj.get("data") or {}, obj.get("binaryData") or {}
    for field, values in (("data", data), ("binaryData", binary)):
        for k in sorted(values):
            causes += [invalid(f"{field}[{k}]", k, m) for m in _key_errors(k)]
            total += len(str(values[k] or ""))
    for k in sorted(set(data) & set(binary)):
        causes.append(invalid(f"data[{k}]", k, "duplicate of key present in binaryData"))
    if total > MAX_BYTES:
        causes.append(f"[]: Too long: may not be more than {MAX_BYTES} bytes")
    return causes


def validate_secret(cluster, obj: dict, old: dict | None) -> list[str]:
    causes, total = [], 0
    for k in sorted(obj.get("data") or {}):
        causes += [invalid(f"data[{k}]", k, m) for m in _key_errors(k)]
        total += len(str(obj["data"][k] or "")) * 3 // 4
    if total > MAX_BYTES:
        causes.append(f"data: Too long: may not be more than {MAX_BYTES} bytes")
    return causes


