"""Job and CronJob validation (pkg/apis/batch/validation/validation.go: ValidateJob, ValidateCronJobCreate,
validateScheduleFormat), in the API server's words."""
from __future__ import annotations

from .. import cron
from .meta import invalid, required, unsupported, validate_annotations, validate_labels
from .pods import validate_pod_spec

NONNEGATIVE = "must be greater than or equal to 0"
RESTART = ["OnFailure", "Never"]
CONCURRENCY = ["Allow", "Forbid", "Replace"]


def _nonnegative(spec: dict, path: str, *fields: str) -> list[str]:
    return [invalid(f"{path}.{f}", spec[f], NONNEGATIVE) for f in fields
            if isinstance(spec.get(f), int) and not isinstance(spec.get(f), bool) and spec[f] < 0]


def _job_spec(spec: dict, path: str) -> list[str]:
    """validateJobSpec: counts are non-negative, the pod template runs to completion (OnFailure or Never)."""
    causes = _nonnegative(spec, path, "parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
                          "ttlSecondsAfterFinished")
    mode = spec.get("completionMode")
    if mode is not None and mode not in ("NonIndexed", "Indexed"):
        causes.append(unsupported(f"{path}.completionMode", mode, ["NonIndexed", "Indexed"]))
    elif mode == "Indexed" and spec.get("completions") is None:
        causes.append(required(f"{path}.completions") + ": when completion mode is Indexed")
    template = spec.get("template") or {}
    tmeta = template.get("metadata") or {}
    causes += validate_labels(tmeta.get("labels"), f"{path}.template.metadata.labels")
    causes += validate_annotations(tmeta.get("annotations"), f"{path}.template.metadata.annotations")
    tspec = template.get("spec") or {}
    causes += validate_pod_spec(tspec, f"{path}.template.spec")
    policy = tspec.get("restartPolicy")
    if policy not in RESTART:
        causes.append(unsupported(f"{path}.template.spec.restartPolicy", policy or "", RESTART))
    return causes


def validate_job(cluster, obj: dict, old: dict | None) -> list[str]:
    """ValidateJob (the update rules on immutable fields are not modelled)."""
    return _job_spec(obj.get("spec") or {}, "spec")


def schedule_causes(spec: dict, path: str) -> list[str]:
    """validateScheduleFormat: the schedule parses (cron.ParseStandard) and names no time zone."""
    schedule = spec.get("schedule")
    if not schedule:
        return [required(f"{path}.schedule")]
    causes = []
    why = cron.error(schedule)
    if why:
        causes.append(invalid(f"{path}.schedule", schedule, why))
    if "TZ" in schedule:
        causes.append(invalid(f"{path}.schedule", schedule,
                              "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
    return causes


def validate_cronjob(cluster, obj: dict, old: dict | None) -> list[str]:
    """ValidateCronJobCreate/Update: the name leaves room for the job's `-<minutes>` suffix (52 characters)."""
    causes = []
    name = (obj.get("metadata") or {}).get("name", "")
    if old is None and len(name) > 52:
        causes.append(invalid("metadata.name", name, "must be no more than 52 characters"))
    spec = obj.get("spec") or {}
    causes += schedule_causes(spec, "spec")
    zone = spec.get("timeZone")
    if zone is not None and (not zone or zone.startswith(("/", ".")) or zone == "Local"):
        causes.append(invalid("spec.timeZone", zone, "unknown time zone " + zone))
    policy = spec.get("concurrencyPolicy")
    if policy not in CONCURRENCY:
        causes.append(required("spec.concurrencyPolicy") if not policy
                      else unsupported("spec.concurrencyPolicy", policy, CONCURRENCY))
    causes += _nonnegative(spec, "spec", "startingDeadlineSeconds", "successfulJobsHistoryLimit",
                           "failedJobsHistoryLimit")
    job_template = spec.get("jobTemplate") or {}
    causes += _job_spec(job_template.get("spec") or {}, "spec.jobTemplate.spec")
    return causes
