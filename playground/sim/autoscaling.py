"""The HorizontalPodAutoscaler controller, as far as the playground can honestly take it.

pkg/controller/podautoscaler/horizontal.go reconcileAutoscaler: read the target's scale (spec.replicas);
when it is outside [minReplicas, maxReplicas] rescale to the bound ("Current number of replicas below
Spec.MinReplicas"); otherwise compute replicas from metrics. The playground has no resource metrics API
(no pods.metrics.k8s.io), so that last step fails exactly as on a cluster without metrics-server: the
ScalingActive condition is False with FailedGetResourceMetric and the replica count is left alone.
"""
from __future__ import annotations

from . import resources as res
from .cluster import Cluster

NO_METRICS = ("the HPA was unable to compute the replica count: failed to get {name} utilization: unable to get "
              "metrics for resource {name}: unable to fetch metrics from resource metrics API: the server could not "
              "find the requested resource (get pods.metrics.k8s.io)")


def _condition(old: list, type_: str, status: str, reason: str, message: str, now: str) -> dict:
    prev = next((c for c in old if c.get("type") == type_), None)
    since = prev["lastTransitionTime"] if prev and prev.get("status") == status else now
    return {"type": type_, "status": status, "lastTransitionTime": since, "reason": reason, "message": message}


def _target(cluster: Cluster, hpa: dict) -> tuple[res.Resource | None, dict | None]:
    ref = hpa["spec"].get("scaleTargetRef") or {}
    r = res.BY_KIND.get(ref.get("kind", ""))
    if r is None:
        return None, None
    return r, cluster.get(r.plural, hpa["metadata"].get("namespace"), ref.get("name", ""))


def _sync(cluster: Cluster, hpa: dict) -> bool:
    spec = hpa.get("spec") or {}
    old = hpa.get("status") or {}
    now = cluster.timestamp()
    r, target = _target(cluster, hpa)
    conds_old = old.get("conditions") or []
    status = {k: v for k, v in old.items() if k in ("lastScaleTime", "desiredReplicas")}
    status.setdefault("desiredReplicas", 0)
    changed_target = False
    if target is None:
        ref = spec.get("scaleTargetRef") or {}
        what = f"{(r.plural + '.' + r.group) if r and r.group else (r.plural if r else ref.get('kind', ''))}"
        status["conditions"] = [_condition(conds_old, "AbleToScale", "False", "FailedGetScale",
                                           f'the HPA controller was unable to get the target\'s current scale: '
                                           f'{what} "{ref.get("name", "")}" not found', now)]
    else:
        current = int((target.get("spec") or {}).get("replicas", 1))
        low, high = int(spec.get("minReplicas", 1)), int(spec.get("maxReplicas", 1))
        status["currentReplicas"] = current
        able = _condition(conds_old, "AbleToScale", "True", "SucceededGetScale",
                          "the HPA controller was able to get the target's current scale", now)
        if current > high or current < low:
            desired = high if current > high else low
            target.setdefault("spec", {})["replicas"] = desired
            cluster.touch(target)
            changed_target = True
            status["desiredReplicas"] = desired
            status["lastScaleTime"] = now
            able = _condition(conds_old, "AbleToScale", "True", "SucceededRescale",
                              f"the HPA controller was able to update the target scale to {desired}", now)
        metric = next(((m.get("resource") or {}).get("name", "cpu") for m in spec.get("metrics") or []
                       if m.get("type") == "Resource"), "cpu")
        status["conditions"] = [able, _condition(conds_old, "ScalingActive", "False", "FailedGetResourceMetric",
                                                 NO_METRICS.format(name=metric), now)]
    status = {k: status[k] for k in ("lastScaleTime", "currentReplicas", "desiredReplicas", "conditions")
              if k in status}
    if status == old and not changed_target:
        return False
    hpa["status"] = status
    cluster.touch(hpa)
    return True


def sync(cluster: Cluster) -> bool:
    changed = False
    for hpa in cluster.list("horizontalpodautoscalers"):
        changed |= _sync(cluster, hpa)
    return changed
