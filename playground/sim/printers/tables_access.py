"""`kubectl get` rows for RBAC, PodDisruptionBudget, PriorityClass and HorizontalPodAutoscaler.

From pkg/printers/internalversion/printers.go (v1.35): printRoleBinding / printClusterRoleBinding
(SubjectsStrings), printPodDisruptionBudget, printPriorityClass, printHorizontalPodAutoscaler
(formatHPAMetrics). Role and ClusterRole have no table handler: the API server's default table
convertor prints NAME and CREATED AT (the RFC 3339 creation time).
"""
from __future__ import annotations

from .age import translate_timestamp_since

_BINDING = [("Name", 0), ("Role", 0), ("Age", 0), ("Users", 1), ("Groups", 1), ("ServiceAccounts", 1)]
COLUMNS: dict[str, list[tuple[str, int]]] = {
    "roles": [("Name", 0), ("Created At", 0)],
    "clusterroles": [("Name", 0), ("Created At", 0)],
    "rolebindings": _BINDING,
    "clusterrolebindings": _BINDING,
    "poddisruptionbudgets": [("Name", 0), ("Min Available", 0), ("Max Unavailable", 0),
                             ("Allowed Disruptions", 0), ("Age", 0)],
    "priorityclasses": [("Name", 0), ("Value", 0), ("Global-Default", 0), ("Age", 0), ("PreemptionPolicy", 0)],
    "horizontalpodautoscalers": [("Name", 0), ("Reference", 0), ("Targets", 0), ("MinPods", 0), ("MaxPods", 0),
                                 ("Replicas", 0), ("Age", 0)],
}


def _age(obj: dict, now: float) -> str:
    return translate_timestamp_since(obj.get("metadata", {}).get("creationTimestamp"), now)


def _created_at(obj: dict, now: float, wide: bool) -> list[str]:
    return [obj["metadata"]["name"], obj["metadata"].get("creationTimestamp", "")]


def subjects_strings(subjects: list | None) -> tuple[list[str], list[str], list[str]]:
    """SubjectsStrings: users, groups, and service accounts as namespace/name."""
    users, groups, sas = [], [], []
    for s in subjects or []:
        kind = s.get("kind")
        if kind == "User":
            users.append(s.get("name", ""))
        elif kind == "Group":
            groups.append(s.get("name", ""))
        elif kind == "ServiceAccount":
            sas.append(f"{s.get('namespace', '')}/{s.get('name', '')}")
    return users, groups, sas


def _binding(b: dict, now: float, wide: bool) -> list[str]:
    ref = b.get("roleRef") or {}
    users, groups, sas = subjects_strings(b.get("subjects"))
    cells = [b["metadata"]["name"], f"{ref.get('kind', '')}/{ref.get('name', '')}", _age(b, now)]
    if wide:
        cells += [", ".join(users), ", ".join(groups), ", ".join(sas)]
    return cells


def _pdb(pdb: dict, now: float, wide: bool) -> list[str]:
    spec = pdb.get("spec") or {}
    lo, hi = spec.get("minAvailable"), spec.get("maxUnavailable")
    return [pdb["metadata"]["name"], "N/A" if lo is None else str(lo), "N/A" if hi is None else str(hi),
            str((pdb.get("status") or {}).get("disruptionsAllowed", 0)), _age(pdb, now)]


def _priorityclass(pc: dict, now: float, wide: bool) -> list[str]:
    return [pc["metadata"]["name"], str(pc.get("value", 0)), "true" if pc.get("globalDefault") else "false",
            _age(pc, now), pc.get("preemptionPolicy") or ""]


def hpa_metrics(specs: list | None, statuses: list | None) -> str:
    """formatHPAMetrics: at most two metrics, `cpu: <unknown>/50%`, then `+ N more...`."""
    if not specs:
        return "<none>"
    statuses = statuses or []
    out = []
    for i, spec in enumerate(specs):
        kind = spec.get("type")
        status = statuses[i] if i < len(statuses) else {}
        if kind in ("Resource", "ContainerResource"):
            src = spec.get("resource" if kind == "Resource" else "containerResource") or {}
            cur = (status.get("resource" if kind == "Resource" else "containerResource") or {}).get("current")
            target = src.get("target") or {}
            if target.get("averageValue") is not None:
                current = "<unknown>" if cur is None else str(cur.get("averageValue", "0"))
                out.append(f"{src.get('name', '')}: {current}/{target['averageValue']}")
            else:
                current = "<unknown>" if cur is None or cur.get("averageUtilization") is None \
                    else f"{cur['averageUtilization']}%"
                want = "<auto>" if target.get("averageUtilization") is None else f"{target['averageUtilization']}%"
                out.append(f"{src.get('name', '')}: {current}/{want}")
        elif kind in ("Pods", "Object", "External"):
            src = spec.get(kind.lower()) or {}
            target = src.get("target") or {}
            cur = (status.get(kind.lower()) or {}).get("current")
            if kind != "Pods" and target.get("averageValue") is None:
                current = "<unknown>" if cur is None else str(cur.get("value", "0"))
                out.append(f"{current}/{target.get('value', '0')}")
            else:
                current = "<unknown>" if cur is None else str(cur.get("averageValue", "0"))
                out.append(f"{current}/{target.get('averageValue', '0')}" + ("" if kind == "Pods" else " (avg)"))
        else:
            out.append("<unknown type>")
    more = len(out) - 2
    text = ", ".join(out[:2])
    return f"{text} + {more} more..." if more > 0 else text


def _hpa(hpa: dict, now: float, wide: bool) -> list[str]:
    spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    low = spec.get("minReplicas")
    return [hpa["metadata"]["name"], f"{ref.get('kind', '')}/{ref.get('name', '')}",
            hpa_metrics(spec.get("metrics"), status.get("currentMetrics")), "<unset>" if low is None else str(low),
            str(spec.get("maxReplicas", 0)), str(status.get("currentReplicas", 0)), _age(hpa, now)]


ROWS = {"roles": _created_at, "clusterroles": _created_at, "rolebindings": _binding,
        "clusterrolebindings": _binding, "poddisruptionbudgets": _pdb, "priorityclasses": _priorityclass,
        "horizontalpodautoscalers": _hpa}
