"""Jobs run their pods to completion, on the simulated clock.

Sources followed: kubernetes pkg/controller/job/job_controller.go (pods, completions, parallelism, the pod
failure back-off DefaultJobPodFailureBackOff 10s, backoffLimit -> BackoffLimitExceeded, activeDeadlineSeconds ->
DeadlineExceeded, suspend, the SuccessCriteriaMet/Complete and FailureTarget/Failed conditions and their
messages, the SuccessfulCreate/Completed events), pkg/registry/batch/job/strategy.go (generateSelector),
pkg/apis/batch/v1/defaults.go (SetDefaults_Job), pkg/controller/ttlafterfinished, pkg/apis/batch/validation,
kubectl's describe.go (describeJob) and pkg/printers/internalversion/printers.go (printJob).
"""
from __future__ import annotations

import re

from .podhelpers import Sandbox


def _apply(sb: Sandbox, yaml: str, wait: float = 1.0):
    return sb.run(f"kubectl apply -f - <<'EOF'\n{yaml.strip()}\nEOF", wait)


def _job_yaml(name: str, command: str, **spec) -> str:
    extra = "".join(f"  {k}: {str(v).lower() if isinstance(v, bool) else v}\n" for k, v in spec.items())
    restart = spec.pop("restart", None) or "Never"
    return (f"apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\nspec:\n{extra}"
            f"  template:\n    spec:\n      restartPolicy: {restart}\n      containers:\n      - name: c\n"
            f"        image: busybox\n        command: [\"sh\", \"-c\", \"{command}\"]\n")


def _rows(sb: Sandbox, what: str, wait: float = 0) -> list[list[str]]:
    return [re.split(r"\s{2,}", line) for line in sb.out(f"kubectl get {what}", wait=wait).splitlines()[1:]]


def _jsonpath(sb: Sandbox, what: str, path: str) -> str:
    return sb.out(f"kubectl get {what} -o jsonpath='{{{path}}}'", wait=0)


def test_a_job_runs_its_pod_to_completion_and_get_shows_it():
    """printJob: STATUS Running -> Complete, COMPLETIONS succeeded/completions, DURATION start to completion."""
    sb = Sandbox()
    sb.run("kubectl create job hello --image=busybox -- sh -c 'echo hello from the job; sleep 5'")
    out = sb.out("kubectl get jobs", wait=3)
    assert out == "NAME    STATUS    COMPLETIONS   DURATION   AGE\nhello   Running   0/1           3s         3s\n"
    out = sb.out("kubectl get jobs", wait=17)
    assert out == "NAME    STATUS     COMPLETIONS   DURATION   AGE\nhello   Complete   1/1           7s         20s\n"
    pod = _rows(sb, "pods")[0]
    assert re.fullmatch(r"hello-[a-z0-9]{5}", pod[0]) and pod[1:4] == ["0/1", "Completed", "0"]
    assert sb.out("kubectl logs job/hello", wait=0) == "hello from the job\n"


def test_job_pods_carry_the_generated_labels_and_owner():
    """strategy.go generateSelector: selector on the Job's uid; the template labels reach the pods, whose
    controller is the Job."""
    sb = Sandbox()
    sb.run("kubectl create job hello --image=busybox -- true")
    uid = _jsonpath(sb, "job hello", ".metadata.uid")
    assert _jsonpath(sb, "job hello", ".spec.selector.matchLabels") == \
        f'{{"batch.kubernetes.io/controller-uid":"{uid}"}}'
    pod = _rows(sb, "pods")[0][0]
    labels = _jsonpath(sb, f"pod {pod}", ".metadata.labels")
    assert labels == (f'{{"batch.kubernetes.io/controller-uid":"{uid}","batch.kubernetes.io/job-name":"hello",'
                      f'"controller-uid":"{uid}","job-name":"hello"}}')
    owner = _jsonpath(sb, f"pod {pod}", ".metadata.ownerReferences[0]")
    assert owner == ('{"apiVersion":"batch/v1","blockOwnerDeletion":true,"controller":true,"kind":"Job",'
                     f'"name":"hello","uid":"{uid}"}}')


def test_the_api_server_defaults_a_job_spec():
    """SetDefaults_Job: completions and parallelism 1, backoffLimit 6, NonIndexed, TerminatingOrFailed."""
    sb = Sandbox()
    sb.run("kubectl create job hello --image=busybox -- true")
    spec = _jsonpath(sb, "job hello", ".spec")
    for field in ('"backoffLimit":6', '"completionMode":"NonIndexed"', '"completions":1', '"manualSelector":false',
                  '"parallelism":1', '"podReplacementPolicy":"TerminatingOrFailed"', '"suspend":false'):
        assert field in spec, field


def test_completions_and_parallelism_run_pods_two_at_a_time():
    """syncJob's manageJob: at most `parallelism` active, until `completions` have succeeded."""
    sb = Sandbox()
    r = _apply(sb, _job_yaml("batch", "sleep 10", completions=4, parallelism=2))
    assert r.exit_code == 0, r.output
    assert _jsonpath(sb, "job batch", ".status.active") == "2"
    assert len(_rows(sb, "pods")) == 2
    row = _rows(sb, "jobs", wait=14)[0]
    assert row[1:3] == ["Running", "2/4"], row
    row = _rows(sb, "jobs", wait=20)[0]
    assert row[1:3] == ["Complete", "4/4"], row
    assert len(_rows(sb, "pods")) == 4
    events = sb.out("kubectl get events --field-selector involvedObject.kind=Job", wait=0)
    assert events.count("SuccessfulCreate") == 4 and "Job completed" in events


def test_a_failing_pod_is_replaced_with_backoff_until_the_limit():
    """Failed pods are replaced after 10s, then 20s; failed > backoffLimit fails the Job with
    BackoffLimitExceeded (FailureTarget, then Failed), no completionTime."""
    sb = Sandbox()
    _apply(sb, _job_yaml("bad", "echo oops; exit 1", backoffLimit=2))
    out = sb.out("kubectl get job bad", wait=120)
    assert re.search(r"bad    Failed   0/1", out), out
    status = _jsonpath(sb, "job bad", ".status")
    assert '"failed":3' in status and "completionTime" not in status
    conds = _jsonpath(sb, "job bad", ".status.conditions[*].type")
    assert conds == "FailureTarget Failed"
    assert _jsonpath(sb, "job bad", ".status.conditions[1].message") == \
        "Job has reached the specified backoff limit"
    created = sorted(_jsonpath(sb, "pods", ".items[*].metadata.creationTimestamp").split())
    secs = [int(t[17:19]) + 60 * int(t[14:16]) for t in created]
    # each pod runs ~2s (image start) before it fails; the controller waits 10s, then 20s
    assert [b - a for a, b in zip(secs, secs[1:])] == [12, 22], created
    events = sb.out("kubectl describe job bad", wait=0)
    assert re.search(r"Warning  BackoffLimitExceeded  \S+ +job-controller  Job has reached the specified "
                     r"backoff limit", events), events
    logs = sb.out("kubectl logs job/bad", wait=0)       # kubectl picks one of the Job's pods and says so
    assert re.fullmatch(r"Found 3 pods, using pod/bad-[a-z0-9]{5}\noops\n", logs), logs


def test_on_failure_restarts_count_towards_the_backoff_limit():
    """pastBackoffLimitOnFailure: under OnFailure the pod's restarts count; the Job fails and its pod goes."""
    sb = Sandbox()
    _apply(sb, _job_yaml("flaky", "exit 2", backoffLimit=2, restart="OnFailure"))
    assert _rows(sb, "pods", wait=5)[0][2] == "CrashLoopBackOff"
    out = sb.out("kubectl get job flaky", wait=60)
    assert "Failed" in out, out
    assert sb.out("kubectl get pods", wait=0) == "No resources found in default namespace.\n"
    assert "Deleted pod: flaky-" in sb.out("kubectl get events", wait=0)


def test_active_deadline_seconds_ends_a_job_that_runs_too_long():
    """DeadlineExceeded: "Job was active longer than specified deadline"; the running pod is deleted and
    counted as failed."""
    sb = Sandbox()
    _apply(sb, _job_yaml("slow", "sleep 100", activeDeadlineSeconds=10))
    assert _rows(sb, "jobs", wait=5)[0][1] == "Running"
    row = _rows(sb, "jobs", wait=10)[0]
    assert row[1] == "Failed", row
    assert _jsonpath(sb, "job slow", ".status.conditions[1].reason") == "DeadlineExceeded"
    assert _jsonpath(sb, "job slow", ".status.conditions[1].message") == \
        "Job was active longer than specified deadline"
    assert _jsonpath(sb, "job slow", ".status.failed") == "1"
    assert sb.out("kubectl get pods", wait=0) == "No resources found in default namespace.\n"


def test_ttl_seconds_after_finished_deletes_the_job_and_its_pods():
    """pkg/controller/ttlafterfinished: the Job goes ttlSecondsAfterFinished after completionTime."""
    sb = Sandbox()
    _apply(sb, _job_yaml("brief", "true", ttlSecondsAfterFinished=30))
    assert _rows(sb, "jobs", wait=10)[0][1] == "Complete"
    assert _rows(sb, "jobs", wait=15)[0][1] == "Complete"
    assert sb.out("kubectl get jobs,pods", wait=15) == "No resources found in default namespace.\n"


def test_a_suspended_job_makes_no_pods_until_it_is_resumed():
    """Suspended condition (JobSuspended, "Job suspended"), STATUS Suspended; resuming sets it False
    (JobResumed) and starts the pods."""
    sb = Sandbox()
    _apply(sb, _job_yaml("held", "true", suspend=True))
    out = sb.out("kubectl get jobs", wait=5)               # no startTime: DURATION is empty
    assert out == "NAME   STATUS      COMPLETIONS   DURATION   AGE\nheld   Suspended   0/1                      5s\n", out
    assert sb.out("kubectl get pods", wait=0) == "No resources found in default namespace.\n"
    assert _jsonpath(sb, "job held", ".status.conditions[0].message") == "Job suspended"
    sb.run("kubectl patch job held -p '{\"spec\":{\"suspend\":false}}'")
    assert _rows(sb, "jobs", wait=10)[0][1] == "Complete"
    assert _jsonpath(sb, "job held", ".status.conditions[0].reason") == "JobResumed"
    events = sb.out("kubectl get events --field-selector involvedObject.name=held", wait=0)
    assert "Job suspended" in events and "Job resumed" in events


def test_describe_job_prints_as_kubectl_does():
    """describe.go describeJob: counts, times, duration, the pod template and the controller's events."""
    sb = Sandbox()
    sb.run("kubectl create job hello --image=busybox -- sh -c 'sleep 3'")
    uid = _jsonpath(sb, "job hello", ".metadata.uid")
    pod = _rows(sb, "pods")[0][0]
    out = sb.out("kubectl describe job hello", wait=20)
    start = _jsonpath(sb, "job hello", ".status.startTime")
    done = _jsonpath(sb, "job hello", ".status.completionTime")
    assert start == "2027-01-15T08:00:01Z" and done == "2027-01-15T08:00:06Z"
    expected = f"""Name:             hello
Namespace:        default
Selector:         batch.kubernetes.io/controller-uid={uid}
Labels:           batch.kubernetes.io/controller-uid={uid}
                  batch.kubernetes.io/job-name=hello
                  controller-uid={uid}
                  job-name=hello
Annotations:      <none>
Parallelism:      1
Completions:      1
Completion Mode:  NonIndexed
Suspend:          false
Backoff Limit:    6
Start Time:       Fri, 15 Jan 2027 08:00:01 +0000
Completed At:     Fri, 15 Jan 2027 08:00:06 +0000
Duration:         5s
Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed
Pod Template:
  Labels:  batch.kubernetes.io/controller-uid={uid}
           batch.kubernetes.io/job-name=hello
           controller-uid={uid}
           job-name=hello
  Containers:
   hello:
    Image:      busybox
    Port:       <none>
    Host Port:  <none>
    Command:
      sh
      -c
      sleep 3
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:
  Type    Reason            Age   From            Message
  ----    ------            ----  ----            -------
  Normal  SuccessfulCreate  20s   job-controller  Created pod: {pod}
  Normal  Completed         15s   job-controller  Job completed
"""
    assert out == expected


def test_kubectl_wait_for_complete_returns_when_the_job_is_done():
    sb = Sandbox()
    sb.run("kubectl create job hello --image=busybox -- sleep 2")
    r = sb.run("kubectl wait --for=condition=complete job/hello --timeout=60s")
    assert (r.exit_code, r.output) == (0, "job.batch/hello condition met\n")


def test_a_job_with_restart_policy_always_is_refused():
    """validation.go validateJobSpec: a Job's pods run to completion."""
    sb = Sandbox()
    r = _apply(sb, _job_yaml("j", "true", restart="Always"))
    assert (r.exit_code, r.output) == (1, 'The Job "j" is invalid: spec.template.spec.restartPolicy: Unsupported '
                                          'value: "Always": supported values: "OnFailure", "Never"\n')
    r = _apply(sb, _job_yaml("j", "true", backoffLimit=-1))
    assert 'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0' in r.output


# ---- containers whose command ends -------------------------------------------------------------------
def test_sleep_runs_for_its_seconds_then_the_container_completes():
    """A container's command runs on the clock: `sleep 5` is Running for 5 s, then Terminated Completed, exit 0
    with its start and finish times."""
    sb = Sandbox()
    sb.run("kubectl run nap --image=busybox --restart=Never -- sleep 5")
    assert _rows(sb, "pods", wait=3)[0][1:3] == ["1/1", "Running"]
    assert _rows(sb, "pods", wait=5)[0][1:3] == ["0/1", "Completed"]
    state = _jsonpath(sb, "pod nap", ".status.containerStatuses[0].state.terminated")
    assert '"exitCode":0' in state and '"reason":"Completed"' in state
    assert '"startedAt":"2027-01-15T08:00:03Z"' in state and '"finishedAt":"2027-01-15T08:00:08Z"' in state


def test_a_non_zero_exit_is_an_error_with_its_code():
    sb = Sandbox()
    sb.run("kubectl run fail --image=busybox --restart=Never -- sh -c 'sleep 2; exit 3'")
    assert _rows(sb, "pods", wait=10)[0][1:3] == ["0/1", "Error"]
    state = _jsonpath(sb, "pod fail", ".status.containerStatuses[0].state.terminated")
    assert '"exitCode":3' in state and '"reason":"Error"' in state
    assert _jsonpath(sb, "pod fail", ".status.phase") == "Failed"


def test_a_command_that_sleeps_then_exits_crash_loops_with_doubling_back_off():
    """restartPolicy Always: each run lasts its sleep, then the kubelet waits 10s, 20s, 40s (kubelet.go
    backOffPeriod) before the next; RESTARTS shows the count and how long ago the last one ended."""
    sb = Sandbox()
    sb.run("kubectl run loop --image=busybox -- sh -c 'sleep 5; exit 1'")
    # runs 08:00:03-08:00:08, back-off 10s, runs 18-23, back-off 20s, runs 43-48, back-off 40s
    row = _rows(sb, "pod loop", wait=8)[0]              # 08:00:09
    assert row[1:4] == ["0/1", "CrashLoopBackOff", "1 (1s ago)"], row
    row = _rows(sb, "pod loop", wait=11)[0]             # 08:00:20
    assert row[1:4] == ["1/1", "Running", "1 (12s ago)"], row
    row = _rows(sb, "pod loop", wait=30)[0]             # 08:00:50
    assert row[1:4] == ["0/1", "CrashLoopBackOff", "3 (2s ago)"], row
    msg = _jsonpath(sb, "pod loop", ".status.containerStatuses[0].state.waiting.message")
    assert msg.startswith("back-off 40s restarting failed container=loop pod=loop_default(")


def test_a_program_the_image_lacks_never_starts():
    """Docker (minikube's runtime, through cri-dockerd) cannot exec a program missing from the image: the
    container is ContainerCannotRun with exit code 127 and the daemon's message; the kubelet reports
    RunContainerError, then crash-loops; with restartPolicy Never the pod stays ContainerCannotRun."""
    sb = Sandbox()
    sb.run("kubectl run nope --image=busybox -- foo")
    sb.run("kubectl run never --image=busybox --restart=Never --command -- /bin/foo", wait=0)
    rows = _rows(sb, "pods", wait=3)
    assert rows[0][:3] == ["never", "0/1", "ContainerCannotRun"], rows
    assert rows[1][:3] == ["nope", "0/1", "RunContainerError"], rows
    last = _jsonpath(sb, "pod nope", ".status.containerStatuses[0].lastState.terminated")
    assert '"exitCode":127' in last and '"reason":"ContainerCannotRun"' in last
    assert ('"message":"failed to create task for container: failed to create shim task: OCI runtime create '
            'failed: runc create failed: unable to start container process: exec: \\"foo\\": executable file not '
            'found in $PATH: unknown"') in last
    never = _jsonpath(sb, "pod never", ".status.containerStatuses[0].state.terminated.message")
    assert never.endswith('exec: "/bin/foo": stat /bin/foo: no such file or directory: unknown')
    events = sb.out("kubectl get events --field-selector involvedObject.name=nope", wait=0)
    assert 'Error: failed to start container "' in events and "Started container" not in events
    assert _rows(sb, "pod nope", wait=15)[0][2] == "CrashLoopBackOff"
