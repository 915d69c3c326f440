"""CronJobs make Jobs on their schedule, on the simulated clock.

Sources followed: github.com/robfig/cron/v3 parser.go and spec.go (ParseStandard: fields, ranges, steps, names,
descriptors, the error messages, dayMatches); kubernetes pkg/apis/batch/validation/validation.go
(validateScheduleFormat, the 52-character name), pkg/apis/batch/v1/defaults.go (SetDefaults_CronJob),
pkg/controller/cronjob/cronjob_controllerv2.go and utils.go (job names `<cronjob>-<minutes since epoch>`,
mostRecentScheduleTime, startingDeadlineSeconds, concurrencyPolicy, cleanupFinishedJobs, the events),
kubectl's describe.go (describeCronJob) and printers.go (printCronJob).
"""
from __future__ import annotations

import calendar
import re

import pytest

from playground.sim import cron

from .podhelpers import Sandbox


def _at(text: str) -> float:
    return float(calendar.timegm(tuple(int(x) for x in re.split(r"[-: ]", text)) + (0, 0, 0)))


def _next(spec: str, after: str, n: int = 1) -> list[str]:
    import time
    sched, t, out = cron.parse(spec), _at(after), []
    for _ in range(n):
        t = sched.next(t)
        out.append(time.strftime("%Y-%m-%d %H:%M %a", time.gmtime(t)))
    return out


# ---- the schedule parser ----------------------------------------------------------------------------
def test_steps_ranges_and_lists():
    assert _next("*/15 * * * *", "2027-01-15 08:01:00", 3) == \
        ["2027-01-15 08:15 Fri", "2027-01-15 08:30 Fri", "2027-01-15 08:45 Fri"]
    assert _next("5,35 9-10 * * *", "2027-01-15 09:40:00", 3) == \
        ["2027-01-15 10:05 Fri", "2027-01-15 10:35 Fri", "2027-01-16 09:05 Sat"]
    assert _next("10/20 * * * *", "2027-01-15 08:00:00", 3) == \
        ["2027-01-15 08:10 Fri", "2027-01-15 08:30 Fri", "2027-01-15 08:50 Fri"]   # N/step: N to the max


def test_month_and_weekday_names_in_any_case():
    assert _next("0 9 * * MON-fri", "2027-01-15 10:00:00", 2) == ["2027-01-18 09:00 Mon", "2027-01-19 09:00 Tue"]
    assert _next("0 0 1 Feb *", "2027-01-15 10:00:00") == ["2027-02-01 00:00 Mon"]


def test_day_of_month_and_weekday_either_matches_unless_one_is_a_star():
    """spec.go dayMatches: both restricted -> OR; one `*` -> AND."""
    assert _next("0 0 13 * 5", "2027-01-15 10:00:00", 2) == ["2027-01-22 00:00 Fri", "2027-01-29 00:00 Fri"]
    assert _next("0 0 13 * *", "2027-01-15 10:00:00") == ["2027-02-13 00:00 Sat"]


def test_descriptors():
    assert _next("@hourly", "2027-01-15 08:20:00") == ["2027-01-15 09:00 Fri"]
    assert _next("@daily", "2027-01-15 08:20:00") == ["2027-01-16 00:00 Sat"]
    assert _next("@weekly", "2027-01-15 08:20:00") == ["2027-01-17 00:00 Sun"]
    assert _next("@monthly", "2027-01-15 08:20:00") == ["2027-02-01 00:00 Mon"]
    assert _next("@yearly", "2027-01-15 08:20:00") == ["2028-01-01 00:00 Sat"]
    assert cron.parse("@every 90s").next(1000.5) == 1090.0


@pytest.mark.parametrize("spec, message", [
    ("", "empty spec string"),
    ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
    ("0 0 * * * *", "expected exactly 5 fields, found 6: [0 0 * * * *]"),
    ("60 * * * *", "end of range (60) above maximum (59): 60"),
    ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
    ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
    ("*/0 * * * *", "step of range should be a positive number: */0"),
    ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
    ("*/2/3 * * * *", "too many slashes: */2/3"),
    ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
    ("* * * * 7", "end of range (7) above maximum (6): 7"),
    ("@fortnightly", "unrecognized descriptor: @fortnightly"),
])
def test_parse_errors_are_robfig_crons_words(spec, message):
    assert cron.error(spec) == message


# ---- validation ---------------------------------------------------------------------------------------
def test_the_api_server_refuses_a_bad_schedule_and_a_time_zone_in_it():
    sb = Sandbox()
    r = sb.run("kubectl create cronjob c --image=busybox --schedule='61 * * * *'")
    assert (r.exit_code, r.output) == (1, 'error: failed to create cronjob: CronJob.batch "c" is invalid: '
                                          'spec.schedule: Invalid value: "61 * * * *": end of range (61) above '
                                          'maximum (59): 61\n')
    r = sb.run("kubectl create cronjob c --image=busybox --schedule='CRON_TZ=UTC 0 * * * *'")
    assert r.output == ('error: failed to create cronjob: CronJob.batch "c" is invalid: spec.schedule: Invalid '
                        'value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field '
                        'instead\n')


def test_a_cronjob_name_leaves_room_for_the_job_suffix():
    sb = Sandbox()
    name = "c" * 53
    r = sb.run(f"kubectl create cronjob {name} --image=busybox --schedule='@hourly'")
    assert r.output == (f'error: failed to create cronjob: CronJob.batch "{name}" is invalid: metadata.name: '
                        f'Invalid value: "{name}": must be no more than 52 characters\n')


# ---- the controller -------------------------------------------------------------------------------------
def _jobs(sb: Sandbox, wait: float = 0) -> list[list[str]]:
    out = sb.out("kubectl get jobs", wait=wait)
    return [re.split(r"\s{2,}", line) for line in out.splitlines()[1:]]


def _jsonpath(sb: Sandbox, what: str, path: str) -> str:
    return sb.out(f"kubectl get {what} -o jsonpath='{{{path}}}'", wait=0)


def test_jobs_are_named_after_the_scheduled_minute_and_remember_it():
    """utils.go getJobFromTemplate2: `<name>-<minutes since epoch>`, the scheduled-timestamp annotation, the
    CronJob as controller; status.lastScheduleTime and lastSuccessfulTime follow."""
    sb = Sandbox()         # the clock starts at 2027-01-15 08:00:00 UTC = minute 30000000
    sb.run("kubectl create cronjob tick --image=busybox --schedule='*/1 * * * *' -- date")
    assert _jobs(sb) == []
    names = [row[0] for row in _jobs(sb, wait=70)]
    assert names == ["tick-30000001"]
    assert _jsonpath(sb, "job tick-30000001", ".metadata.annotations") == \
        '{"batch.kubernetes.io/cronjob-scheduled-timestamp":"2027-01-15T08:01:00Z"}'
    assert _jsonpath(sb, "job tick-30000001", ".metadata.ownerReferences[0].kind") == "CronJob"
    assert _jsonpath(sb, "cj tick", ".status.lastScheduleTime") == "2027-01-15T08:01:00Z"
    assert _jsonpath(sb, "cj tick", ".status.lastSuccessfulTime") == "2027-01-15T08:01:02Z"
    events = sb.out("kubectl get events --field-selector involvedObject.kind=CronJob", wait=0)
    assert "Created job tick-30000001" in events
    assert "Saw completed job: tick-30000001, condition: Complete" in events


def test_history_limits_keep_the_newest_finished_jobs():
    """cleanupFinishedJobs: successfulJobsHistoryLimit (3 by default) Complete jobs stay, the oldest go."""
    sb = Sandbox()
    sb.run("kubectl create cronjob tick --image=busybox --schedule='*/1 * * * *' -- true")
    names = [row[0] for row in _jobs(sb, wait=330)]
    assert names == ["tick-30000003", "tick-30000004", "tick-30000005"]
    events = sb.out("kubectl get events --field-selector involvedObject.kind=CronJob", wait=0)
    assert "Deleted job tick-30000001" in events and "Deleted job tick-30000002" in events


def test_failed_jobs_history_limit_keeps_one_failed_job():
    sb = Sandbox()
    sb.run("kubectl create cronjob bad --image=busybox --schedule='*/1 * * * *' -- false")
    sb.run("kubectl patch cj bad -p '{\"spec\":{\"jobTemplate\":{\"spec\":{\"backoffLimit\":0}}}}'", wait=0)
    rows = _jobs(sb, wait=200)
    assert [(r[0], r[1]) for r in rows] == [("bad-30000003", "Failed")], rows


def test_allow_lets_runs_overlap():
    sb = Sandbox()
    sb.run("kubectl create cronjob long --image=busybox --schedule='*/1 * * * *' -- sleep 600")
    rows = _jobs(sb, wait=190)
    assert [r[1] for r in rows] == ["Running"] * 3
    out = sb.out("kubectl get cronjobs", wait=0)
    assert out == ("NAME   SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE\n"
                   "long   */1 * * * *   <none>     False     3        11s             3m10s\n")


def _long_runs(policy: str) -> tuple[Sandbox, list[str], str]:
    """A CronJob every minute whose runs last 10 minutes, under `policy`: its jobs and events at 08:03:11."""
    sb = Sandbox()
    sb.run("kubectl create cronjob long --image=busybox --schedule='*/1 * * * *' -- sleep 600")
    sb.run(f"kubectl patch cj long -p '{{\"spec\":{{\"concurrencyPolicy\":\"{policy}\"}}}}'", wait=0)
    names = [r[0] for r in _jobs(sb, wait=190)]
    return sb, names, sb.out("kubectl get events --field-selector involvedObject.kind=CronJob", wait=0)


def test_forbid_skips_a_run_while_the_last_is_active():
    sb, names, events = _long_runs("Forbid")
    assert names == ["long-30000001"]
    assert "Not starting job because prior execution is running and concurrency policy is Forbid" in events


def test_replace_deletes_the_running_job_for_the_new_one():
    sb, names, events = _long_runs("Replace")
    assert names == ["long-30000003"]
    assert "Deleted job long-30000001" in events and "Deleted job long-30000002" in events
    assert _jsonpath(sb, "cj long", ".status.active[*].name") == "long-30000003"


def test_suspend_stops_new_runs_and_resuming_runs_the_missed_one():
    """mostRecentScheduleTime: on resume the latest missed time runs at once (no startingDeadlineSeconds)."""
    sb = Sandbox()
    sb.run("kubectl create cronjob tick --image=busybox --schedule='*/1 * * * *' -- true")
    sb.run("kubectl patch cj tick -p '{\"spec\":{\"suspend\":true}}'", wait=0)
    assert _jobs(sb, wait=200) == []
    assert "True" in sb.out("kubectl get cj tick", wait=0).splitlines()[1]
    sb.run("kubectl patch cj tick -p '{\"spec\":{\"suspend\":false}}'", wait=0)
    assert [r[0] for r in _jobs(sb, wait=1)] == ["tick-30000003"]


def test_starting_deadline_seconds_drops_runs_missed_by_more_than_it():
    sb = Sandbox()
    sb.run("kubectl create cronjob tick --image=busybox --schedule='*/1 * * * *' -- true")
    sb.run("kubectl patch cj tick -p '{\"spec\":{\"suspend\":true,\"startingDeadlineSeconds\":10}}'", wait=0)
    sb.run("kubectl patch cj tick -p '{\"spec\":{\"suspend\":false}}'", wait=200)       # at 08:03:21
    assert _jobs(sb, wait=1) == []
    assert [r[0] for r in _jobs(sb, wait=40)] == ["tick-30000004"]


def test_create_job_from_a_cronjob_runs_its_template():
    sb = Sandbox()
    sb.run("kubectl create cronjob tick --image=busybox --schedule='@daily' -- sh -c 'echo tock'")
    assert sb.out("kubectl create job now --from=cronjob/tick") == "job.batch/now created\n"
    assert _jobs(sb, wait=10)[0][:3] == ["now", "Complete", "1/1"]
    assert _jsonpath(sb, "job now", ".metadata.annotations") == '{"cronjob.kubernetes.io/instantiate":"manual"}'
    assert sb.out("kubectl logs job/now", wait=0) == "tock\n"


def test_describe_cronjob_prints_as_kubectl_does():
    sb = Sandbox()
    sb.run("kubectl create cronjob tick --image=busybox --schedule='*/1 * * * *' -- sleep 90")
    out = sb.out("kubectl describe cronjob tick", wait=100)
    assert out == """Name:                          tick
Namespace:                     default
Labels:                        <none>
Annotations:                   <none>
Schedule:                      */1 * * * *
Concurrency Policy:            Allow
Suspend:                       False
Successful Job History Limit:  3
Failed Job History Limit:      1
Starting Deadline Seconds:     <unset>
Selector:                      <unset>
Parallelism:                   <unset>
Completions:                   <unset>
Pod Template:
  Labels:  <none>
  Containers:
   tick:
    Image:      busybox
    Port:       <none>
    Host Port:  <none>
    Command:
      sleep
      90
    Environment:     <none>
    Mounts:          <none>
  Volumes:           <none>
  Node-Selectors:    <none>
  Tolerations:       <none>
Last Schedule Time:  Fri, 15 Jan 2027 08:01:00 +0000
Active Jobs:         tick-30000001
Events:
  Type    Reason            Age   From                Message
  ----    ------            ----  ----                -------
  Normal  SuccessfulCreate  41s   cronjob-controller  Created job tick-30000001
"""
