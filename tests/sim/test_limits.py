"""A sandbox's pod and object caps come from the limits the engine is built with (settings on the server)."""
from __future__ import annotations

from playground.sim import limits
from playground.sim.engine import Engine
from playground.sim.limits import Limits

T0 = 1_800_000_000.0


def test_the_default_caps_are_100_pods_and_1000_objects():
    assert limits.configured() == Limits(max_pods=100, max_objects=1000)
    e = Engine.new(seed=1, now=T0)
    r = e.run("kubectl create deploy big --image=nginx --replicas=101", now=T0 + 1)
    assert r.exit_code == 1
    assert r.output == ('error: failed to create deployment: deployments.apps "big" is forbidden: exceeded quota: '
                        "podscape-sandbox, requested: pods=101, used: pods=7, limited: pods=100\n")


def test_an_engine_built_with_more_room_runs_more_pods_and_stops_at_its_own_cap():
    e = Engine.new(seed=1, now=T0, limits=Limits(max_pods=300, max_objects=1000))
    assert e.run("kubectl create deploy big --image=nginx --replicas=250", now=T0 + 1).exit_code == 0
    e.run("true", now=T0 + 60)
    assert sum(1 for p in e.cluster.list("pods", "default") if p["status"]["phase"] == "Running") == 250
    r = e.run("kubectl run one-more --image=nginx", now=T0 + 61)
    assert r.exit_code == 0, r.output
    r = e.run("kubectl scale deploy big --replicas=300", now=T0 + 62)
    assert r.exit_code == 1 and "limited: pods=300" in r.output, r.output


def test_the_object_cap_is_worded_as_the_servers_quota_and_survives_a_reload():
    # a fresh minikube holds 32 objects (its ConfigMaps among them): the cap leaves room for a few more
    e = Engine.new(seed=1, now=T0, limits=Limits(max_pods=100, max_objects=40))
    used = sum(len(v) for p, v in e.cluster.objects.items() if p != "events")
    out = e.run(f"for i in $(seq 1 {50 - used}); do kubectl create configmap c$i; done", now=T0 + 1).output
    assert ('error: failed to create configmap: configmaps "c' in out
            or 'Error from server (Forbidden): configmaps "c' in out), out
    assert ("is forbidden: exceeded quota: podscape-sandbox, requested: count/objects=1, "
            "used: count/objects=40, limited: count/objects=40\n") in out
    again = Engine.from_state(e.to_state(), limits=e.cluster.limits)
    assert again.run("kubectl create configmap later", now=T0 + 2).exit_code == 1
    assert Engine.from_state(e.to_state()).cluster.limits == limits.configured()


def test_a_new_cluster_from_minikube_delete_keeps_the_limits():
    e = Engine.new(seed=1, now=T0, limits=Limits(max_pods=7, max_objects=500))
    e.run("minikube delete", now=T0 + 1)
    e.run("minikube start", now=T0 + 2)
    assert e.cluster.limits == Limits(max_pods=7, max_objects=500)
