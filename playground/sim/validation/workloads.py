"""Deployment, ReplicaSet and DaemonSet validation (pkg/apis/apps/validation)."""
from __future__ import annotations

from ..labels import selector_matches
from .meta import (invalid, label_selector_value, required, unsupported, validate_annotations, validate_labels,
                   validate_selector)
from .pods import validate_pod_spec

STRATEGIES = ["Recreate", "RollingUpdate"]
NONNEGATIVE = "must be greater than or equal to 0"


def _int_or_percent(value, path: str) -> tuple[list[str], int | None]:
    """IntOrString fields such as maxSurge: an int >= 0 or "N%"; returns (causes, value for a 0 check)."""
    if isinstance(value, int):
        return ([invalid(path, value, NONNEGATIVE)] if value < 0 else []), value
    if isinstance(value, str):
        if value.endswith("%") and value[:-1].isdigit():
            pct = int(value[:-1])
            return [], pct
        return [invalid(path, value, "a valid percent string must be a numeric string followed by an ending "
                        "'%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")], None
    return [], None


def _template(spec: dict, path: str, restart: list[str] | None) -> list[str]:
    """ValidatePodTemplateSpecForReplicaSet: selector must match labels, then the template itself."""
    causes = []
    selector = spec.get("selector")
    template = spec.get("template") or {}
    tmeta = template.get("metadata") or {}
    labels = tmeta.get("labels") or {}
    if not template:
        return [required(f"{path}.template")]
    if selector and (selector.get("matchLabels") or selector.get("matchExpressions")) \
            and not selector_matches(selector, labels):
        causes.append(invalid(f"{path}.template.metadata.labels", tmeta.get("labels"),
                              "`selector` does not match template `labels`"))
    causes += validate_labels(tmeta.get("labels"), f"{path}.template.metadata.labels")
    causes += validate_annotations(tmeta.get("annotations"), f"{path}.template.metadata.annotations")
    causes += validate_pod_spec(template.get("spec") or {}, f"{path}.template.spec", restart)
    return causes


def _replicas_and_selector(spec: dict, kind: str) -> list[str]:
    causes = []
    replicas = spec.get("replicas")
    if isinstance(replicas, int) and replicas < 0:
        causes.append(invalid("spec.replicas", replicas, NONNEGATIVE))
    selector = spec.get("selector")
    if selector is None:
        causes.append(required("spec.selector"))
    else:
        causes += validate_selector(selector, "spec.selector")
        if not selector.get("matchLabels") and not selector.get("matchExpressions"):
            causes.append(f"spec.selector: Invalid value: {label_selector_value(selector)}: "
                          f"empty selector is invalid for {kind}")
    return causes


def _selector_immutable(obj: dict, old: dict | None) -> list[str]:
    if old is None:
        return []
    new_sel = (obj.get("spec") or {}).get("selector")
    old_sel = (old.get("spec") or {}).get("selector")
    if _norm(new_sel) != _norm(old_sel):
        return [f"spec.selector: Invalid value: {label_selector_value(new_sel)}: field is immutable"]
    return []


def _norm(sel):
    sel = sel or {}
    return (sel.get("matchLabels") or {}, sel.get("matchExpressions") or [])


def validate_deployment(cluster, obj: dict, old: dict | None) -> list[str]:
    spec = obj.get("spec") or {}
    causes = _replicas_and_selector(spec, "deployment")
    causes += _template(spec, "spec", ["Always"])
    strategy = spec.get("strategy") or {}
    stype = strategy.get("type", "RollingUpdate")
    if stype not in STRATEGIES:
        causes.append(unsupported("spec.strategy.type", stype, STRATEGIES))
    elif stype == "Recreate" and strategy.get("rollingUpdate") is not None:
        causes.append("spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is "
                      "'Recreate'")
    elif stype == "RollingUpdate":
        ru = strategy.get("rollingUpdate") or {}
        c1, surge = _int_or_percent(ru.get("maxSurge", "25%"), "spec.strategy.rollingUpdate.maxSurge")
        c2, unavail = _int_or_percent(ru.get("maxUnavailable", "25%"), "spec.strategy.rollingUpdate.maxUnavailable")
        causes += c1 + c2
        if isinstance(ru.get("maxUnavailable"), str) and unavail is not None and unavail > 100:
            causes.append(invalid("spec.strategy.rollingUpdate.maxUnavailable", ru["maxUnavailable"],
                                  "must not be greater than 100%"))
        if surge == 0 and unavail == 0:
            causes.append(invalid("spec.strategy.rollingUpdate.maxUnavailable", ru.get("maxUnavailable", 0),
                                  "may not be 0 when `maxSurge` is 0"))
    for field in ("minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds"):
        v = spec.get(field)
        if isinstance(v, int) and v < 0:
            causes.append(invalid(f"spec.{field}", v, NONNEGATIVE))
    pds, mrs = spec.get("progressDeadlineSeconds"), spec.get("minReadySeconds", 0)
    if isinstance(pds, int) and isinstance(mrs, int) and pds <= mrs and pds >= 0:
        causes.append(invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds"))
    return causes + _selector_immutable(obj, old)


def validate_replicaset(cluster, obj: dict, old: dict | None) -> list[str]:
    spec = obj.get("spec") or {}
    causes = _replicas_and_selector(spec, "replicaset")
    causes += _template(spec, "spec", ["Always"])
    return causes + _selector_immutable(obj, old)


def validate_daemonset(cluster, obj: dict, old: dict | None) -> list[str]:
    spec = obj.get("spec") or {}
    causes: list[str] = []   # metadata: apiserver checks it for every kind
    selector = spec.get("selector")
    if selector is None:
        causes.append(required("spec.selector"))
    causes += _template(spec, "spec", ["Always"])
    return causes + _selector_immutable(obj, old)
