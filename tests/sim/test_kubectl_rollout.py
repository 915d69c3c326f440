"""kubectl rollout history|undo|restart|status|pause|resume: revisions are the deployment's ReplicaSets.

Differential: the oracle reads the simulated cluster's Deployment and ReplicaSets from the fake API server
(history, --revision, -o name, the dry-run forms and their errors); the rest checks the cluster's state.
"""
from __future__ import annotations

import copy

import pytest

from playground.sim.engine import Engine
from tests.sim.test_oracle_diff import NOW, oracle, simulate
from tests.tools.fake_apiserver import FakeApiServer


def rolled(engine: Engine, lines: list[str]) -> Engine:
    t = NOW
    for line in lines:
        t += 5
        r = engine.run(line, now=t)
        assert r.exit_code == 0, (line, r.output)
    return engine


@pytest.fixture(scope="module")
def history_engine():
    return rolled(Engine.new(seed=11, now=NOW), [
        "kubectl create deploy web --image=nginx:1.25 --replicas=2", "kubectl set image deploy/web nginx=nginx:1.26",
        'kubectl annotate deploy web kubernetes.io/change-cause="image 1.26"',
        "kubectl set image deploy/web nginx=nginx:1.27"])


CASES = [["rollout", "history", "deploy/web"], ["rollout", "history", "deploy", "web", "--revision=2"],
         ["rollout", "history", "deploy/web", "--revision=9"], ["rollout", "history", "deploy/nope"],
         ["rollout", "history", "deploy/web", "-o", "name"],
         ["rollout", "undo", "deploy/web", "--dry-run=client"],
         ["rollout", "undo", "deploy/web", "--to-revision=9", "--dry-run=client"],
         ["rollout", "undo", "deploy/web", "--to-revision=3", "--dry-run=client"],
         ["rollout", "restart", "deploy/web", "--dry-run=client"], ["rollout", "pause", "deploy/web", "--dry-run=client"],
         ["rollout", "resume", "deploy/web", "--dry-run=client"], ["rollout", "history"], ["rollout", "status"],
         ["rollout", "undo"], ["rollout", "pause", "-o", "yaml", "deploy/web", "--dry-run=client"]]


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a[1:]))
def test_rollout_matches_kubectl(kubectl_oracle, history_engine, args):
    objs = [o for p in ("deployments", "replicasets") for o in history_engine.cluster.list(p)]
    with FakeApiServer(copy.deepcopy(objs)) as server:
        want = oracle(kubectl_oracle, args, server.kubeconfig)
    assert simulate(args, history_engine) == want


def test_change_cause_follows_the_deployment_onto_its_replicaset(history_engine):
    """The third `set image` had no --record, but the deployment already carried a change-cause, so
    cli-runtime's ChangeCauseUpdateRecorder (record_flags.go) rewrote it with that command."""
    out = history_engine.run("kubectl rollout history deploy/web").output
    assert out == ("deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         image 1.26\n"
                   "3         kubectl set image deploy/web nginx=nginx:1.27\n\n")


def test_undo_rolls_back_to_the_previous_revision_and_renumbers_it():
    e = rolled(Engine.new(seed=3, now=NOW), ["kubectl create deploy web --image=nginx:1.25",
                                             "kubectl set image deploy/web nginx=nginx:1.26"])
    r = e.run("kubectl rollout undo deploy/web", now=NOW + 20)
    assert (r.output, r.exit_code) == ("deployment.apps/web rolled back\n", 0)
    image = e.cluster.get("deployments", "default", "web")["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == "nginx:1.25"
    assert e.run("kubectl rollout history deploy/web", now=NOW + 25).output.splitlines()[2:4] == [
        "2         <none>", "3         <none>"]
    r = e.run("kubectl rollout undo deploy/web --to-revision=3", now=NOW + 30)
    assert r.output == "deployment.apps/web skipped rollback (current template already matches revision 3)\n"
    r = e.run("kubectl rollout undo deploy/web --to-revision=1", now=NOW + 35)
    assert (r.output, r.exit_code) == ("error: unable to find specified revision 1 in history\n", 1)


def test_restart_rolls_new_pods_and_pause_holds_a_rollout():
    e = rolled(Engine.new(seed=4, now=NOW), ["kubectl create deploy web --image=nginx --replicas=2"])
    before = {p["metadata"]["name"] for p in e.cluster.list("pods", "default")}
    assert e.run("kubectl rollout restart deploy/web", now=NOW + 10).output == "deployment.apps/web restarted\n"
    e.run("kubectl get pods", now=NOW + 60)
    after = {p["metadata"]["name"] for p in e.cluster.list("pods", "default")
             if not p["metadata"].get("deletionTimestamp")}
    assert after and not after & before
    assert e.run("kubectl rollout pause deploy/web", now=NOW + 70).output == "deployment.apps/web paused\n"
    r = e.run("kubectl rollout pause deploy/web", now=NOW + 71)
    assert (r.output, r.exit_code) == ('error: deployments.apps "web" is already paused\n', 1)
    e.run("kubectl set image deploy/web nginx=nginx:1.27", now=NOW + 72)
    assert len(e.cluster.list("replicasets", "default")) == 2          # no new revision while paused
    e.run("kubectl rollout resume deploy/web", now=NOW + 80)
    e.run("kubectl get rs", now=NOW + 85)
    assert len(e.cluster.list("replicasets", "default")) == 3


def test_status_waits_on_simulated_time_until_the_rollout_is_done():
    e = Engine.new(seed=5, now=NOW)
    r = e.run("kubectl create deploy web --image=nginx --replicas=3 && kubectl rollout status deploy/web", now=NOW)
    lines = r.output.splitlines()
    assert lines[0] == "deployment.apps/web created"
    assert lines[-1] == 'deployment "web" successfully rolled out' and r.exit_code == 0
    assert any(line.startswith('Waiting for deployment "web" rollout to finish') for line in lines[1:-1])
