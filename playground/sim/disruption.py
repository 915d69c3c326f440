"""The disruption controller's status for PodDisruptionBudgets (pkg/controller/disruption/disruption.go).

expectedPods counts the pods the selector matches; currentHealthy those that are Ready; desiredHealthy comes
from minAvailable, or expectedPods minus maxUnavailable (a percentage rounds up, as GetScaledValueFromIntOrPercent
with roundUp does); disruptionsAllowed is what is left above desiredHealthy.
"""
from __future__ import annotations

import math

from .cluster import Cluster
from .labels import selector_matches


def _scaled(value, total: int) -> int:
    if isinstance(value, str) and value.endswith("%"):
        return math.ceil(int(value[:-1]) * total / 100)
    return int(value)


def _ready(pod: dict) -> bool:
    if pod["metadata"].get("deletionTimestamp"):
        return False
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


def _sync(cluster: Cluster, pdb: dict) -> bool:
    spec = pdb.get("spec") or {}
    selector = spec.get("selector")
    pods = [p for p in cluster.list("pods", pdb["metadata"].get("namespace"))
            if selector and selector_matches(selector, p["metadata"].get("labels") or {})]
    expected = len(pods)
    healthy = sum(1 for p in pods if _ready(p))
    if spec.get("maxUnavailable") is not None:
        desired = max(0, expected - _scaled(spec["maxUnavailable"], expected))
    else:
        desired = _scaled(spec.get("minAvailable", 0), expected)
    now = cluster.timestamp()
    allowed = max(0, healthy - desired)
    old = pdb.get("status") or {}
    ok = allowed > 0
    reason, message = ("SufficientPods", "") if ok else ("InsufficientPods", "")
    prev = next((c for c in old.get("conditions") or [] if c.get("type") == "DisruptionAllowed"), None)
    cond = {"type": "DisruptionAllowed", "status": "True" if ok else "False",
            "observedGeneration": pdb["metadata"].get("generation", 1),
            "lastTransitionTime": prev["lastTransitionTime"] if prev and prev.get("status") == ("True" if ok else
                                                                                                  "False") else now,
            "reason": reason, "message": message}
    status = {"observedGeneration": pdb["metadata"].get("generation", 1), "disruptionsAllowed": allowed,
              "currentHealthy": healthy, "desiredHealthy": desired, "expectedPods": expected, "conditions": [cond]}
    if status == old:
        return False
    pdb["status"] = status
    cluster.touch(pdb)
    return True


def sync(cluster: Cluster) -> bool:
    changed = False
    for pdb in cluster.list("poddisruptionbudgets"):
        changed |= _sync(cluster, pdb)
    return changed
