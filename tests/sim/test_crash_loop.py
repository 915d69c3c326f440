"""A command that exits ends the container, and the kubelet restarts it with its back-off
(pkg/kubelet/kubelet.go: backOffPeriod 10s doubling to MaxContainerBackOff 300s), on the simulated clock."""
from __future__ import annotations

import re

from playground.sim.controllers import crash_backoff

from .podhelpers import Sandbox


def test_the_backoff_doubles_from_ten_seconds_to_five_minutes():
    assert [crash_backoff(n) for n in range(1, 9)] == [10, 20, 40, 80, 160, 300, 300, 300]


def _status(sb: Sandbox, wait: float) -> str:
    return sb.out("kubectl get pod crash", wait=wait).splitlines()[1]


def test_restarts_follow_the_clock_and_logs_show_what_it_printed():
    sb = Sandbox()
    sb.setup("kubectl run crash --image=busybox -- sh -c 'echo dying; exit 3'")
    first = _status(sb, 0)
    assert re.fullmatch(r"crash   0/1     CrashLoopBackOff   1 \(\d+s ago\)   \d+s", first), first
    crashed_at = sb.now - int(re.search(r"\((\d+)s ago", first).group(1))
    # restart 2 at +10 s, restart 3 at +10+20 s: at +35 s there have been 3
    line = _status(sb, crashed_at + 35 - sb.now)
    assert re.search(r"CrashLoopBackOff   3 \(5s ago\)", line), line
    state = sb.out("kubectl get pod crash -o jsonpath='{.status.containerStatuses[0].state.waiting.message}'")
    assert state.startswith("back-off 40s restarting failed container=crash pod=crash_default(")
    last = sb.out("kubectl get pod crash -o jsonpath='{.status.containerStatuses[0].lastState.terminated}'")
    assert '"exitCode":3' in last and '"reason":"Error"' in last
    assert sb.out("kubectl logs crash") == "dying\n"
    assert sb.out("kubectl logs crash --previous") == "dying\n"
    events = sb.out("kubectl get events --field-selector involvedObject.name=crash")
    assert 'Container image "busybox" already present on machine' in events
    assert "Back-off restarting failed container crash in pod crash_default(" in events


def test_restart_policy_never_and_on_failure():
    sb = Sandbox()
    sb.setup("kubectl run done --image=busybox --restart=Never -- true",
             "kubectl run fail --image=busybox --restart=OnFailure -- false",
             "kubectl run ok --image=busybox --restart=OnFailure -- true")
    out = sb.out("kubectl get pods", wait=60)
    assert re.search(r"done   0/1     Completed          0 +\d+s", out), out
    assert re.search(r"ok     0/1     Completed          0 +\d+s", out), out
    assert re.search(r"fail   0/1     CrashLoopBackOff   \d \(\d+s ago\)", out), out
    assert sb.out("kubectl logs done --previous") == \
        'Error from server (BadRequest): previous terminated container "done" in pod "done" not found\n'
