"""The Job, CronJob and TTL-after-finished controllers of kube-controller-manager, on the simulated clock.

Job (pkg/controller/job/job_controller.go): pods named `<job>-<5 chars>` carrying the Job's template labels
(batch.kubernetes.io/controller-uid, batch.kubernetes.io/job-name, controller-uid, job-name, which the API
server's strategy set, pkg/registry/batch/job/strategy.go generateSelector), up to `parallelism` at once until
`completions` have succeeded; a failed pod is replaced after the controller's back-off (10 s doubling, at most
10 minutes); more than `backoffLimit` failures (restarts, under OnFailure) or `activeDeadlineSeconds` fail the
Job: FailureTarget then Failed, its active pods deleted. Success is SuccessCriteriaMet then Complete, with
completionTime. `suspend` deletes the active pods and sets Suspended; resuming restarts the clock.
CronJob (pkg/controller/cronjob/cronjob_controllerv2.go, utils.go): at each scheduled time (cron.py) a Job
`<cronjob>-<scheduled time in minutes since the epoch>`, under concurrencyPolicy Allow/Forbid/Replace and
startingDeadlineSeconds; finished Jobs beyond the history limits are deleted, oldest first.
TTL (pkg/controller/ttlafterfinished): a finished Job goes `ttlSecondsAfterFinished` after it finished.

The controllers' helpers (events, pod creation, owner lookups) come in as `ctl`, the controllers module that
calls `sync`, so that this module imports nothing above it.
"""
from __future__ import annotations

import time
from types import ModuleType

from . import cron
from .cluster import Cluster, parse_rfc3339, rfc3339

JOB_BACKOFF, JOB_BACKOFF_MAX = 10, 600          # DefaultJobPodFailureBackOff, MaxJobPodFailureBackOff
CONTROLLER = "job-controller"
CRON_CONTROLLER = "cronjob-controller"
UID_LABEL, NAME_LABEL = "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name"
SCHEDULED = "batch.kubernetes.io/cronjob-scheduled-timestamp"
MAX_STEPS = 2000


# ---- the API server's side --------------------------------------------------------------------------
def prepare_job(cluster: Cluster, job: dict, old: dict | None = None) -> None:
    """The Job strategy's PrepareForCreate: without manualSelector the selector is the Job's uid, and the pod
    template (and a Job without labels) carries it and the Job's name. The uid is chosen here, as the API
    server does before it stores the object."""
    if old is not None:
        return
    meta = job.setdefault("metadata", {})
    spec = job.setdefault("spec", {})
    if spec.get("manualSelector"):
        return
    uid = meta.get("uid") or cluster.uid()
    meta["uid"] = uid
    tmeta = spec.setdefault("template", {}).setdefault("metadata", {})
    labels = tmeta.setdefault("labels", {})
    for key, value in ((UID_LABEL, uid), (NAME_LABEL, meta.get("name", "")), ("controller-uid", uid),
                       ("job-name", meta.get("name", ""))):
        labels.setdefault(key, value)
    spec.setdefault("selector", {}).setdefault("matchLabels", {}).setdefault(UID_LABEL, uid)
    if not meta.get("labels"):
        meta["labels"] = dict(sorted(labels.items()))


def allocate_job(cluster: Cluster, job: dict, old: dict | None) -> None:
    """capabilities' allocator for jobs."""
    prepare_job(cluster, job, old)


# ---- status helpers ---------------------------------------------------------------------------------
def condition(obj: dict, type_: str) -> dict | None:
    for c in (obj.get("status") or {}).get("conditions") or []:
        if c.get("type") == type_:
            return c
    return None


def finished(job: dict) -> str | None:
    """"Complete" or "Failed" when the Job is over (IsJobFinished), else None."""
    for t in ("Complete", "Failed"):
        c = condition(job, t)
        if c and c.get("status") == "True":
            return t
    return None


def _set_condition(job: dict, type_: str, status: str, reason: str, message: str, now: str) -> bool:
    conds = job.setdefault("status", {}).setdefault("conditions", [])
    for c in conds:
        if c["type"] == type_:
            if (c.get("status"), c.get("reason"), c.get("message")) == (status, reason, message):
                return False
            if c.get("status") != status:
                c["lastTransitionTime"] = now
            c.update(status=status, reason=reason, message=message, lastProbeTime=now)
            return True
    conds.append({"lastProbeTime": now, "lastTransitionTime": now, "message": message, "reason": reason,
                  "status": status, "type": type_})
    return True


def _counted(cluster: Cluster, job: dict) -> dict:
    """The finished pods the controller has counted (its finalizer's bookkeeping): uid -> "s" or "f"."""
    table = cluster.runtime.setdefault("job_pods", {})
    return table.setdefault(job["metadata"]["uid"], {})


def _phase(pod: dict) -> str:
    return (pod.get("status") or {}).get("phase") or "Pending"


def _restarts(pod: dict) -> int:
    return sum(int(cs.get("restartCount") or 0) for cs in (pod.get("status") or {}).get("containerStatuses") or [])


# ---- the Job controller -----------------------------------------------------------------------------
def _delete_pods(cluster: Cluster, job: dict, pods: list[dict], ctl: ModuleType) -> None:
    for p in pods:
        cluster.remove("pods", p["metadata"]["namespace"], p["metadata"]["name"])
        ctl.record_event(cluster, job, "Normal", "SuccessfulDelete", f"Deleted pod: {p['metadata']['name']}",
                         CONTROLLER)


def _finish_status(st: dict) -> None:
    st.pop("active", None)
    st["ready"] = 0
    st["terminating"] = 0
    st["uncountedTerminatedPods"] = {}


def _sync_job(cluster: Cluster, job: dict, ctl: ModuleType) -> bool:
    meta, spec = job["metadata"], job.get("spec") or {}
    if meta.get("deletionTimestamp"):
        return False
    before = repr(job.get("status"))
    st = job.setdefault("status", {})
    now = cluster.timestamp()
    if finished(job):
        return _ttl(cluster, job)
    pods = [p for p in ctl.owned(cluster, "pods", job) if not p["metadata"].get("deletionTimestamp")]
    counted = _counted(cluster, job)
    backoff = cluster.runtime.setdefault("job_backoff", {})
    last_failure = backoff.get(meta["uid"])
    for p in pods:
        uid = p["metadata"].get("uid")
        phase = _phase(p)
        if phase in ("Succeeded", "Failed") and uid not in counted:
            counted[uid] = "s" if phase == "Succeeded" else "f"
            if phase == "Failed":
                last_failure = cluster.now
    succeeded = sum(1 for v in counted.values() if v == "s")
    failed = sum(1 for v in counted.values() if v == "f")
    active = [p for p in pods if _phase(p) not in ("Succeeded", "Failed")]
    ready = sum(1 for p in active if ctl.is_ready(p))

    suspended = condition(job, "Suspended")
    if spec.get("suspend"):
        if active:
            _delete_pods(cluster, job, active, ctl)
        if not suspended or suspended.get("status") != "True":
            _set_condition(job, "Suspended", "True", "JobSuspended", "Job suspended", now)
            ctl.record_event(cluster, job, "Normal", "Suspended", "Job suspended", CONTROLLER)
        st.pop("active", None)
        st.update(ready=0, terminating=0, uncountedTerminatedPods={})
        _counts(st, succeeded, failed)
        return _stored(cluster, job, before)
    if suspended and suspended.get("status") == "True":
        _set_condition(job, "Suspended", "False", "JobResumed", "Job resumed", now)
        ctl.record_event(cluster, job, "Normal", "Resumed", "Job resumed", CONTROLLER)
        st["startTime"] = now
    st.setdefault("startTime", now)

    # failure: the back-off limit, then the deadline (syncJob's jobCtx.finishedCondition)
    limit = int(spec.get("backoffLimit", 6))
    restart = ((spec.get("template") or {}).get("spec") or {}).get("restartPolicy")
    restarts = sum(_restarts(p) for p in active) if restart == "OnFailure" else 0
    past_on_failure = restart == "OnFailure" and (restarts >= limit if limit > 0 else restarts > 0)
    why = None
    if failed > limit or past_on_failure:
        why = ("BackoffLimitExceeded", "Job has reached the specified backoff limit")
    deadline = spec.get("activeDeadlineSeconds")
    if why is None and deadline is not None:
        due = parse_rfc3339(st["startTime"]) + int(deadline)
        if cluster.now >= due:
            why = ("DeadlineExceeded", "Job was active longer than specified deadline")
        else:
            _wake(cluster, due)
    if why is not None:
        _delete_pods(cluster, job, active, ctl)
        for p in active:
            counted[p["metadata"].get("uid")] = "f"
        _set_condition(job, "FailureTarget", "True", why[0], why[1], now)
        _set_condition(job, "Failed", "True", why[0], why[1], now)
        ctl.record_event(cluster, job, "Warning", why[0], why[1], CONTROLLER)
        _finish_status(st)
        _counts(st, succeeded, failed + len(active))
        backoff.pop(meta["uid"], None)
        _ttl(cluster, job)
        return _stored(cluster, job, before)

    completions = spec.get("completions")
    done = succeeded >= completions if completions is not None else (succeeded > 0 and not active)
    if done:
        if active:
            _delete_pods(cluster, job, active, ctl)
        msg = "Reached expected number of succeeded pods"
        _set_condition(job, "SuccessCriteriaMet", "True", "CompletionsReached", msg, now)
        _set_condition(job, "Complete", "True", "CompletionsReached", msg, now)
        st["completionTime"] = now
        ctl.record_event(cluster, job, "Normal", "Completed", "Job completed", CONTROLLER)
        _finish_status(st)
        _counts(st, succeeded, failed)
        backoff.pop(meta["uid"], None)
        _ttl(cluster, job)
        return _stored(cluster, job, before)

    parallelism = int(spec.get("parallelism", 1))
    want = min(parallelism, completions - succeeded) if completions is not None else \
        (parallelism if succeeded == 0 else 0)
    missing = max(0, want - len(active))
    if missing and failed and last_failure is not None:
        due = float(last_failure) + min(JOB_BACKOFF_MAX, JOB_BACKOFF * 2 ** (failed - 1))
        if cluster.now < due:
            _wake(cluster, due)
            missing = 0
    for _ in range(missing):
        name = f"{meta['name']}-{cluster.rand_suffix(5)}"
        if cluster.get("pods", meta["namespace"], name):
            continue
        pod = ctl.create_pod(cluster, ctl._new_pod(cluster, job, spec.get("template") or {}, name))
        ctl.record_event(cluster, job, "Normal", "SuccessfulCreate", f"Created pod: {name}", CONTROLLER)
        active.append(pod)
    if active:
        st["active"] = len(active)
    else:
        st.pop("active", None)
    st["ready"] = ready
    st["terminating"] = 0
    st["uncountedTerminatedPods"] = {}
    if last_failure is not None:
        backoff[meta["uid"]] = last_failure
    _counts(st, succeeded, failed)
    return _stored(cluster, job, before)


def _counts(st: dict, succeeded: int, failed: int) -> None:
    for key, value in (("succeeded", succeeded), ("failed", failed)):
        if value:
            st[key] = value
        else:
            st.pop(key, None)


def _stored(cluster: Cluster, job: dict, before: str) -> bool:
    if repr(job.get("status")) == before:
        return False
    cluster.touch(job)
    return True


def _ttl(cluster: Cluster, job: dict) -> bool:
    """The TTL-after-finished controller: delete the Job (and, through the garbage collector, its pods)."""
    ttl = (job.get("spec") or {}).get("ttlSecondsAfterFinished")
    kind = finished(job)
    if ttl is None or kind is None:
        return False
    st = job.get("status") or {}
    at = st.get("completionTime") if kind == "Complete" else (condition(job, "Failed") or {}).get(
        "lastTransitionTime")
    if not at:
        return False
    due = parse_rfc3339(at) + int(ttl)
    if cluster.now < due:
        _wake(cluster, due)
        return False
    cluster.remove("jobs", job["metadata"]["namespace"], job["metadata"]["name"])
    return True


def _wake(cluster: Cluster, when: float) -> None:
    rt = cluster.runtime
    rt["wake"] = when if rt.get("wake") is None else min(rt["wake"], when)
    wake(cluster, when)


def wake(cluster: Cluster, when: float) -> None:
    """A moment the batch controllers must act at, in order with the others (controllers._catch_up): a
    schedule, a deadline, a back-off, a Job's pod starting or ending. Kept apart from the kubelet's other
    wake-ups (probes), which need no such stepping."""
    rt = cluster.runtime
    rt["batch_wake"] = when if rt.get("batch_wake") is None else min(rt["batch_wake"], when)


def due_before(cluster: Cluster, target: float) -> float | None:
    """The earliest batch moment before `target`, taken off the list (the pass at that moment adds the next)."""
    rt = cluster.runtime
    when = rt.get("batch_wake")
    if when is None or when >= target or not present(cluster):
        return None
    del rt["batch_wake"]
    return when


# ---- the CronJob controller -------------------------------------------------------------------------
def _job_ref(job: dict) -> dict:
    m = job["metadata"]
    return {"apiVersion": "batch/v1", "kind": "Job", "name": m["name"], "namespace": m["namespace"],
            "resourceVersion": m.get("resourceVersion"), "uid": m.get("uid")}


def _tz_offset(cj: dict) -> float:
    return 0.0      # minikube's controller manager runs in UTC; spec.timeZone other than UTC is not modelled


def _job_from_template(cluster: Cluster, cj: dict, scheduled: float, ctl: ModuleType) -> dict:
    """getJobFromTemplate2: the template's labels and annotations, the scheduled time as an annotation, the
    CronJob as controller."""
    tmpl = cj["spec"].get("jobTemplate") or {}
    tmeta = tmpl.get("metadata") or {}
    name = f"{cj['metadata']['name']}-{int(scheduled // 60)}"
    meta: dict = {"name": name, "namespace": cj["metadata"]["namespace"]}
    if tmeta.get("labels"):
        meta["labels"] = dict(tmeta["labels"])
    meta["annotations"] = dict(tmeta.get("annotations") or {}) | {SCHEDULED: rfc3339(scheduled)}
    meta["ownerReferences"] = [ctl.owner_ref(cj)]
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
           "spec": ctl.deep_copy(tmpl.get("spec") or {}), "status": {}}
    return job


def _sync_cronjob(cluster: Cluster, cj: dict, ctl: ModuleType) -> bool:
    meta, spec = cj["metadata"], cj.get("spec") or {}
    if meta.get("deletionTimestamp"):
        return False
    before = repr(cj.get("status"))
    st = cj.setdefault("status", {})
    ns = meta["namespace"]
    jobs = ctl.owned(cluster, "jobs", cj)
    by_uid = {j["metadata"].get("uid"): j for j in jobs}
    active = []
    for ref in st.get("active") or []:
        job = by_uid.get(ref.get("uid"))
        if job is None:
            ctl.record_event(cluster, cj, "Normal", "MissingJob", f"Active job went missing: {ref.get('name')}",
                             CRON_CONTROLLER)
            continue
        kind = finished(job)
        if kind:
            ctl.record_event(cluster, cj, "Normal", "SawCompletedJob",
                             f"Saw completed job: {job['metadata']['name']}, condition: {kind}", CRON_CONTROLLER)
            if kind == "Complete" and (job.get("status") or {}).get("completionTime"):
                last = st.get("lastSuccessfulTime")
                done = job["status"]["completionTime"]
                if not last or parse_rfc3339(done) > parse_rfc3339(last):
                    st["lastSuccessfulTime"] = done
            continue
        active.append(_job_ref(job))
    for job in jobs:                                   # an unfinished job of ours that the list lost
        if not finished(job) and job["metadata"].get("uid") not in {a["uid"] for a in active}:
            active.append(_job_ref(job))
    _set_active(st, active)
    _cleanup_history(cluster, cj, jobs, ctl)
    if spec.get("suspend"):
        return _stored(cluster, cj, before)
    try:
        schedule = cron.parse(spec.get("schedule", ""))
    except cron.CronError:
        return _stored(cluster, cj, before)
    start = parse_rfc3339(st.get("lastScheduleTime") or meta["creationTimestamp"])
    deadline = spec.get("startingDeadlineSeconds")
    if deadline is not None:
        start = max(start, cluster.now - int(deadline))
    latest, t, missed = None, schedule.next(start), 0
    while t and t <= cluster.now:
        latest, missed = t, missed + 1
        t = schedule.next(t)
        if missed > 100:
            break
    if t:
        _wake(cluster, t)
    if latest is None:
        return _stored(cluster, cj, before)
    if missed > 100:
        ctl.record_event(cluster, cj, "Warning", "TooManyMissedTimes",
                         "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check "
                         "clock skew", CRON_CONTROLLER)
    if deadline is not None and latest + int(deadline) < cluster.now:
        ctl.record_event(cluster, cj, "Warning", "MissSchedule", "Missed scheduled time to start a job: "
                         + time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(latest)), CRON_CONTROLLER)
        return _stored(cluster, cj, before)
    policy = spec.get("concurrencyPolicy", "Allow")
    if policy == "Forbid" and active:
        ctl.record_event(cluster, cj, "Normal", "JobAlreadyActive", "Not starting job because prior execution "
                         "is running and concurrency policy is Forbid", CRON_CONTROLLER)
        return _stored(cluster, cj, before)
    if policy == "Replace":
        for ref in active:
            cluster.remove("jobs", ns, ref["name"])
            ctl.record_event(cluster, cj, "Normal", "SuccessfulDelete", f"Deleted job {ref['name']}",
                             CRON_CONTROLLER)
        active = []
    job = _job_from_template(cluster, cj, latest, ctl)
    if cluster.get("jobs", ns, job["metadata"]["name"]) is None:
        ctl.defaults.apply_defaults("jobs", job)
        prepare_job(cluster, job)
        cluster.put(job, new=True)
        ctl.record_event(cluster, cj, "Normal", "SuccessfulCreate", f"Created job {job['metadata']['name']}",
                         CRON_CONTROLLER)
        active.append(_job_ref(job))
    st["lastScheduleTime"] = rfc3339(latest)
    _set_active(st, active)
    return _stored(cluster, cj, before)


def _set_active(st: dict, active: list[dict]) -> None:
    if active:
        st["active"] = active
    else:
        st.pop("active", None)


def _cleanup_history(cluster: Cluster, cj: dict, jobs: list[dict], ctl: ModuleType) -> None:
    """cleanupFinishedJobs: keep the newest successfulJobsHistoryLimit Complete and failedJobsHistoryLimit
    Failed jobs."""
    spec = cj.get("spec") or {}
    for kind, field in (("Complete", "successfulJobsHistoryLimit"), ("Failed", "failedJobsHistoryLimit")):
        limit = spec.get(field)
        if limit is None:
            continue
        done = [j for j in jobs if finished(j) == kind and cluster.get("jobs", j["metadata"]["namespace"],
                                                                       j["metadata"]["name"]) is not None]
        done.sort(key=lambda j: ((j.get("status") or {}).get("startTime") or j["metadata"]["creationTimestamp"],
                                 j["metadata"]["name"]))
        for j in done[:max(0, len(done) - int(limit))]:
            cluster.remove("jobs", j["metadata"]["namespace"], j["metadata"]["name"])
            ctl.record_event(cluster, cj, "Normal", "SuccessfulDelete", f"Deleted job {j['metadata']['name']}",
                             CRON_CONTROLLER)


# ---- the loop ----------------------------------------------------------------------------------------
def present(cluster: Cluster) -> bool:
    return bool(cluster.objects.get("jobs")) or bool(cluster.objects.get("cronjobs"))


def sync(cluster: Cluster, since: int | None, ctl: ModuleType) -> bool:
    """One pass of the CronJob and Job controllers: every CronJob (there are few, and they run on the clock),
    and the Jobs whose pods or selves changed since `since` or whose time has come."""
    if not present(cluster):
        return False
    changed = False
    for cj in cluster.list("cronjobs"):
        changed |= _sync_cronjob(cluster, cj, ctl)
    if since is None:
        jobs = cluster.list("jobs")
    else:
        picked = {id(j): j for j in ctl._pick(cluster, "jobs", since, "pods")}
        for j in cluster.list("jobs"):
            if not finished(j) or (j.get("spec") or {}).get("ttlSecondsAfterFinished") is not None:
                picked.setdefault(id(j), j)
        jobs = sorted(picked.values(), key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
    for job in jobs:
        if cluster.get("jobs", job["metadata"]["namespace"], job["metadata"]["name"]) is job:
            changed |= _sync_job(cluster, job, ctl)
    _forget_gone(cluster)
    return changed


def _forget_gone(cluster: Cluster) -> None:
    """Drop the bookkeeping of Jobs that are gone (deleted, TTL, history limits)."""
    for table in ("job_pods", "job_backoff"):
        kept = cluster.runtime.get(table)
        if kept and len(kept) > len(cluster.objects.get("jobs", {})):
            uids = {j["metadata"].get("uid") for j in cluster.objects.get("jobs", {}).values()}
            for uid in [u for u in kept if u not in uids]:
                del kept[uid]
