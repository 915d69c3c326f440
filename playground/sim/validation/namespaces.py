"""Namespace validation (finalizer names); deleting the system namespaces is refused in apiserver.delete."""
from __future__ import annotations



def validate_namespace(cluster, obj: dict, old: dict | None) -> list[str]:
    causes: list[str] = []   # metadata: apiserver checks it for every kind
    finalizers = (obj.get("spec") or {}).get("finalizers") or []
    for i, f in enumerate(finalizers):
        if not isinstance(f, str) or ("/" not in f and f != "kubernetes"):
            causes.append(f'spec.finalizers[{i}]: Invalid value: "{f}": name is neither a standard finalizer name '
                          "nor is it fully qualified")
    return causes
