"""Liveness and startup probes on the kubelet's period (pkg/kubelet/prober/worker.go: defaults period 10s,
failureThreshold 3): failures are Unhealthy events ("Liveness probe failed: ..."), the threshold kills the
container ("Container X failed liveness probe, will be restarted") and RESTARTS counts it. exec probes run
their command in the container (probe/exec: exit 0 passes, the output is the failure message)."""
from __future__ import annotations

import re

from .podhelpers import Sandbox

POD = """cat > l.yaml <<'X'
apiVersion: v1
kind: Pod
metadata: {name: live}
spec:
  containers:
  - name: box
    image: busybox
    command: [sleep, "3600"]
    livenessProbe:
      exec: {command: [cat, /tmp/healthy]}
X"""


def test_a_failing_exec_liveness_probe_restarts_the_container_every_thirty_seconds():
    sb = Sandbox()
    sb.setup(POD, "kubectl apply -f l.yaml")
    started = sb.now - 10                                   # setup's settle time; the container began ~2 s in
    line = sb.out("kubectl get pod live", wait=45 - (sb.now - started)).splitlines()[1]
    assert re.fullmatch(r"live   1/1     Running   1 \(\d+s ago\)   \d+s", line), line
    events = sb.out("kubectl get events --field-selector involvedObject.name=live")
    assert "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory" in events
    assert "Container box failed liveness probe, will be restarted" in events
    last = sb.out("kubectl get pod live -o jsonpath='{.status.containerStatuses[0].lastState.terminated.exitCode}'")
    assert last == "137"


def test_a_passing_probe_keeps_it_running():
    sb = Sandbox()
    sb.setup(POD.replace("exec: {command: [cat, /tmp/healthy]}",
                         "exec: {command: [cat, /tmp/healthy]}\n      initialDelaySeconds: 30"), "kubectl apply -f l.yaml")
    sb.run("kubectl exec live -- sh -c 'touch /tmp/healthy'")
    line = sb.out("kubectl get pod live", wait=120).splitlines()[1]
    assert re.fullmatch(r"live   1/1     Running   0          \d+m\d*s?", line), line


def test_a_startup_probe_gates_liveness_and_kills_on_its_own_threshold():
    sb = Sandbox()
    sb.setup("""cat > s.yaml <<'X'
apiVersion: v1
kind: Pod
metadata: {name: slow}
spec:
  containers:
  - name: web
    image: nginx
    startupProbe:
      httpGet: {path: /, port: 8080}
      failureThreshold: 2
      periodSeconds: 5
X""", "kubectl apply -f s.yaml")
    sb.run("true", wait=20)
    events = sb.out("kubectl get events --field-selector involvedObject.name=slow")
    assert 'Startup probe failed: Get "http://' in events and ":8080/\": dial tcp " in events
    assert "Container web failed startup probe, will be restarted" in events


READY = """cat > r.yaml <<'X'
apiVersion: v1
kind: Pod
metadata: {name: rp, labels: {app: rp}}
spec:
  containers:
  - name: box
    image: busybox
    command: [sleep, "3600"]
    readinessProbe:
      exec: {command: [cat, /tmp/ready]}
      periodSeconds: 5
X"""


def test_readiness_is_probed_every_period_and_moves_the_endpoint():
    """An unready pod is under notReadyAddresses (Endpoints) and ready: false (EndpointSlice); it turns
    ready at the first period after its probe passes, and unready again after failureThreshold failures."""
    sb = Sandbox()
    sb.setup(READY, "kubectl apply -f r.yaml", "kubectl expose pod rp --port=80")
    assert "0/1     Running" in sb.out("kubectl get pod rp")
    assert '"notReadyAddresses":[{"ip":"' in sb.out("kubectl get endpoints rp -o jsonpath='{.subsets}'")
    sb.run("kubectl exec rp -- sh -c 'touch /tmp/ready'")
    assert "1/1     Running" in sb.out("kubectl get pod rp", wait=6)
    conds = "kubectl get endpointslices -l kubernetes.io/service-name=rp -o jsonpath='{.items[0].endpoints[0].conditions}'"
    assert sb.out(conds) == '{"ready":true,"serving":true,"terminating":false}'
    sb.run("kubectl exec rp -- sh -c 'rm /tmp/ready'")
    assert "1/1     Running" in sb.out("kubectl get pod rp", wait=6)       # one failure is not yet three
    assert "0/1     Running" in sb.out("kubectl get pod rp", wait=12)
    assert "Readiness probe failed: cat: can't open '/tmp/ready': No such file or directory" in \
        sb.out("kubectl get events --field-selector involvedObject.name=rp")
