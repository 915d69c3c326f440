"""The diagram's pod status is kubectl's STATUS and READY columns, from one rule (printers/tables.pod_columns).

A Succeeded pod that is being deleted: kubectl v1.35 keeps `Completed` (printers.go printPod only says
Terminating for pods not yet Succeeded or Failed) and READY counts its containers; the diagram used to show
`Terminating 0/1` from a copy of the rule."""
from __future__ import annotations

from playground import topology
from playground.sim.engine import Engine

T0 = 1_800_000_000.0


def test_a_completed_pod_being_deleted_reads_the_same_on_the_diagram_as_in_kubectl():
    eng = Engine.new(seed=3, now=T0)
    assert eng.run("kubectl run once --image=busybox --restart=Never -- true", now=T0 + 1).exit_code == 0
    eng.tick(T0 + 60)
    pod = eng.cluster.get("pods", "default", "once")
    pod["metadata"]["deletionTimestamp"] = "2027-01-15T08:00:00Z"     # as a graceful delete leaves it
    row = eng.run("kubectl get pod once --no-headers", now=T0 + 61).output.split()
    element = next(e for e in topology.elements(eng.to_state()) if e["data"]["id"] == "pod/default/once")
    assert row[1:3] == ["0/1", "Completed"]
    assert (element["data"]["ready"], element["data"]["status"]) == (row[1], row[2])
