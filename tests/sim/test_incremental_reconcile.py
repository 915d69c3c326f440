"""The controllers reconcile from the cluster's change log (only what a command touched); a from-scratch
reconcile of every object must arrive at exactly the same cluster, and every write must move resourceVersion.

Two sandboxes with the same seed run the same command lines at the same clock: one reconciles incrementally
(as the server does), the other with controllers.INCREMENTAL off, where every pass runs every controller on
every object. After each line the whole state (objects, resourceVersions, events, random draws), the
terminal output and the exit code must be identical, and every Service's Endpoints must list exactly the
pods it selects. The indexes the incremental side keeps as it writes must equal ones built from scratch:
the pod index (pending pods, pod IPs, pods by image), the Service index (ClusterIPs, node ports) and the
store's list of what changed (delta.changes from the cluster's written keys against a walk of every object).
"""
from __future__ import annotations

import copy

import pytest

from playground.sim import controllers, delta
from playground.sim.engine import Engine
from playground.sim.labels import selector_matches
from playground.sim.indexes import PodIndex, ServiceIndex

T0 = 1_800_000_000.0
APPS = 12


class Twins:
    """An incremental sandbox and its from-scratch reference, driven in lockstep."""

    def __init__(self, seed: int = 5):
        self.inc = Engine.new(seed=seed, now=T0)
        self.ref = Engine.new(seed=seed, now=T0)
        self.now = T0
        self.stamps = delta.stamps(self.inc.cluster)

    def _ref(self, fn):
        controllers.INCREMENTAL = False
        try:
            return fn()
        finally:
            controllers.INCREMENTAL = True

    def run(self, line: str, wait: float = 1.0, code: int | None = 0) -> str:
        """Run `line` on both; `code`: the exit code both must give (None: any, as long as they agree)."""
        self.now += wait
        inc = self.inc.run(line, now=self.now)
        ref = self._ref(lambda: self.ref.run(line, now=self.now))
        assert (inc.output, inc.exit_code) == (ref.output, ref.exit_code), line
        assert code is None or inc.exit_code == code, (line, inc.output)
        self.same(line)
        return inc.output

    def tick(self, wait: float) -> None:
        self.now += wait
        self.inc.tick(self.now)
        self._ref(lambda: self.ref.tick(self.now))
        self.same(f"tick +{wait}")

    def reload(self) -> None:
        """A worker's cold start: the incremental sandbox comes back from its stored state (no change log)."""
        self.inc = Engine.from_state(copy.deepcopy(self.inc.to_state()))
        self.stamps = delta.stamps(self.inc.cluster)

    def same(self, what: str) -> None:
        assert self.inc.to_state() == self.ref.to_state(), what
        assert_endpoints_follow_selectors(self.inc)
        assert_indexes_are_up_to_date(self.inc)
        self.stamps = assert_changes_match_a_full_walk(self.inc, self.stamps, what)

    def pods(self, app: str) -> list[str]:
        return [p["metadata"]["name"] for p in self.inc.cluster.list("pods", "default")
                if (p["metadata"].get("labels") or {}).get("app") == app]


def assert_indexes_are_up_to_date(engine: Engine) -> None:
    kept, built = engine.cluster.pod_index, PodIndex.build(engine.cluster.objects.get("pods", {}))
    assert (kept.ips, kept.pending, kept.by_repository) == (built.ips, built.pending, built.by_repository)
    kept, built = engine.cluster.service_index, ServiceIndex.build(engine.cluster.objects.get("services", {}))
    assert (kept.cluster_ips, kept.node_ports) == (built.cluster_ips, built.node_ports)


def assert_changes_match_a_full_walk(engine: Engine, before: delta.Stamps, what: str) -> delta.Stamps:
    """What the store would write (the cluster's written keys) is exactly what a walk of every object finds."""
    walked = {(plural, k): o["metadata"].get("resourceVersion", "")
              for plural, items in engine.cluster.objects.items() for k, o in items.items()}
    assert engine.cluster.written is not None, what            # still tracked: no fallback to a full walk
    changed, gone, after = delta.changes(engine.cluster, before)
    assert after == walked, what
    assert sorted(changed) == sorted(k for k, rv in walked.items() if before.get(k) != rv), what
    assert sorted(gone) == sorted(k for k in before if k not in walked), what
    return after


def assert_endpoints_follow_selectors(engine: Engine) -> None:
    """From scratch: each selector Service's Endpoints hold exactly the matching pods with an IP, ready or not."""
    cluster = engine.cluster
    for svc in cluster.list("services"):
        selector = svc["spec"].get("selector")
        if not selector or svc["spec"].get("type") == "ExternalName":
            continue
        ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
        want = {(p["metadata"]["name"], p["status"]["podIP"], controllers.is_ready(p))
                for p in cluster.list("pods", ns)
                if selector_matches({"matchLabels": selector}, p["metadata"].get("labels") or {})
                and (p.get("status") or {}).get("podIP")
                and p["status"].get("phase") not in ("Succeeded", "Failed")}
        ep = cluster.get("endpoints", ns, name)
        assert ep is not None, name
        have = set()
        for subset in ep.get("subsets") or []:
            for bucket, ready in (("addresses", True), ("notReadyAddresses", False)):
                for a in subset.get(bucket) or []:
                    have.add((a["targetRef"]["name"], a["ip"], ready))
        assert have == want, name
        slices = [s for s in cluster.list("endpointslices", ns)
                  if s["metadata"]["labels"].get("kubernetes.io/service-name") == name]
        assert len(slices) == 1, name
        in_slice = {(e["targetRef"]["name"], e["addresses"][0], e["conditions"]["ready"])
                    for e in slices[0].get("endpoints") or []}
        assert in_slice == want, name


@pytest.fixture
def twins() -> Twins:
    t = Twins()
    for i in range(APPS):
        t.run(f"kubectl create deploy app-{i} --image=nginx --replicas=2")
        t.run(f"kubectl expose deploy app-{i} --port=80")
    t.tick(30)
    return t


def test_scaling_and_relabelling_give_the_endpoints_a_full_reconcile_gives(twins):
    t = twins
    t.run("kubectl scale deploy app-3 --replicas=4")
    t.tick(20)
    t.run("kubectl scale deploy app-3 --replicas=1")
    t.run("kubectl scale deploy app-4 --replicas=0")
    t.run("kubectl scale deploy app-4 --replicas=-1", code=1)      # refused: nothing moves
    pod = t.pods("app-5")[0]
    t.run(f"kubectl label pod {pod} app=app-6 --overwrite")      # leaves app-5's Service, joins app-6's
    t.tick(20)                                                  # (its ReplicaSet still owns it)
    t.run(f"kubectl label pod {t.pods('app-7')[0]} app-")        # leaves every Service
    t.run(f"kubectl label pod {t.pods('app-8')[0]} tier=web")    # no Service selects tier: nothing moves
    t.run("kubectl expose deploy app-8 --name=web --port=80 --selector=tier=web")
    t.run(f"kubectl label pod {t.pods('app-9')[0]} tier=web")
    t.run("kubectl run lone --image=busybox --labels=app=app-1 -- sleep 3600")
    t.tick(20)
    t.run("kubectl label pod lone app=app-2 --overwrite")
    t.run("kubectl delete pod lone")
    t.run("kubectl get endpoints")
    t.run("kubectl get pods nosuchpod", code=1)


def test_the_ingress_addon_and_its_controller_pods(twins):
    """The ingress controller finds its own pods through the pod index; enabling, serving Ingresses and
    disabling give what a full reconcile gives, on or off."""
    t = twins
    t.run("kubectl create ingress web --rule=web.local/=app-1:80")      # no controller yet: no address
    t.run("minikube addons enable ingress")
    t.tick(5)
    t.run("kubectl create ingress api --rule=api.local/=app-2:80")
    t.tick(5)
    t.run("kubectl label pod testless=1 --all -n ingress-nginx", code=None)
    t.run("kubectl get ingress")
    t.run("kubectl set image deploy/app-3 nginx=registry.k8s.io/ingress-nginx/controller:v1.14.1")
    t.tick(20)                                                          # a second pod of the controller's image
    t.run("kubectl create ingress twice --rule=api.local/=app-2:80", code=1)   # the webhook's overlap check
    t.run("minikube addons disable ingress")
    t.tick(5)
    t.run("kubectl get ingress -A")


def test_many_pods_get_distinct_addresses_as_pods_come_and_go(twins):
    """The allocator checks a new pod's IP against the pod index, never against a rebuilt set."""
    t = twins
    t.run("kubectl scale deploy app-0 --replicas=40")
    t.tick(20)
    t.run("kubectl delete pod -l app=app-0")
    t.tick(20)
    t.run("kubectl run lone --image=nginx")
    t.tick(20)
    ips = [p["status"].get("podIP") for p in t.inc.cluster.list("pods", "default")]
    assert len(ips) == len(set(ips)) and None not in ips


def test_service_addresses_and_node_ports_are_allocated_from_the_index(twins):
    t = twins
    t.run("kubectl create service nodeport np1 --tcp=80:80")
    t.run("kubectl create service nodeport np2 --tcp=80:80 --node-port=30080")
    t.run("kubectl create service nodeport np3 --tcp=80:80 --node-port=30080", code=1)     # already allocated
    t.run('kubectl patch svc np1 -p \'{"spec":{"ports":[{"port":80,"nodePort":30081}]}}\'')
    t.run("kubectl create service nodeport np4 --tcp=80:80 --node-port=30081", code=1)
    ip = t.inc.cluster.get("services", "default", "app-1")["spec"]["clusterIP"]
    t.run(f"kubectl create service clusterip twin --tcp=80:80 --clusterip={ip}", code=1)
    t.run("kubectl delete svc app-1 np1")
    t.run(f"kubectl create service clusterip twin --tcp=80:80 --clusterip={ip}")     # free again
    t.run("kubectl create service nodeport np4 --tcp=80:80 --node-port=30081")
    t.run("kubectl patch svc np2 -p '{\"spec\":{\"type\":\"ClusterIP\"}}'", code=None)
    t.run("kubectl get svc")


def test_changes_to_services_endpoints_and_workloads(twins):
    t = twins
    t.run('kubectl patch svc app-1 -p \'{"spec":{"selector":{"app":"app-2"}}}\'')
    t.run("kubectl delete endpoints app-3")                     # the controller writes them again
    t.run("kubectl delete endpointslices -l kubernetes.io/service-name=app-4")
    t.run(f"kubectl delete pod {t.pods('app-5')[0]}")             # the ReplicaSet replaces it
    t.tick(20)
    t.run("kubectl set image deploy/app-6 nginx=nginx:1.27")      # a rollout: a new ReplicaSet
    t.tick(20)
    t.run("kubectl set image deploy/app-6 nginx=nginx")           # back: the old ReplicaSet revives
    t.tick(20)
    t.run("kubectl delete deploy app-7")                          # the garbage collector takes its pods
    t.run("kubectl delete svc app-8")
    t.run("kubectl create deploy broken --image=nosuchimage/really --replicas=1")
    t.run("kubectl expose deploy broken --port=80")
    t.tick(5)
    t.tick(30)                                                    # ErrImagePull, then back-off, on the clock
    t.run("kubectl get pods")


def test_namespaces_and_a_cold_start(twins):
    t = twins
    t.run("kubectl create ns team")
    t.run("kubectl create deploy api -n team --image=nginx --replicas=2")
    t.run("kubectl expose deploy api -n team --port=80")
    t.run("kubectl create deploy app-1 -n team --image=nginx --replicas=1")    # same labels, other namespace
    t.run("kubectl expose deploy app-1 -n team --port=80")
    t.tick(20)
    t.reload()
    t.run("kubectl scale deploy app-1 -n team --replicas=3")
    t.reload()
    t.tick(20)
    t.run("kubectl delete ns team")
    t.run("kubectl get all -A")


def test_a_write_that_changes_nothing_moves_no_resource_version(twins):
    t = twins
    t.tick(60)
    cluster = t.inc.cluster

    def versions():
        return cluster.resource_version, {(plural, k): o["metadata"]["resourceVersion"]
                                          for plural, items in cluster.objects.items() for k, o in items.items()}

    before = versions()
    assert t.run("kubectl scale deploy app-2 --replicas=2") == "deployment.apps/app-2 scaled\n"
    pod = t.pods("app-2")[0]
    assert t.run(f"kubectl label pod {pod} app=app-2 --overwrite") == f"pod/{pod} not labeled\n"
    t.run("kubectl get pods")
    t.tick(5)
    assert versions() == before


def test_every_change_to_a_stored_object_moves_its_resource_version(twins):
    """Storage writes only the objects whose resourceVersion moved: a change made in place without a touch
    would be lost on the next load."""
    t = twins
    lines = ["kubectl scale deploy app-3 --replicas=3", f"kubectl label pod {t.pods('app-4')[0]} x=y",
             "kubectl scale deploy app-5 --replicas=0",     # then a rollback revives a ReplicaSet at 0 replicas
             "kubectl set image deploy/app-5 nginx=nginx:1.27", "kubectl set image deploy/app-5 nginx=nginx",
             "kubectl delete svc app-6", "kubectl delete deploy app-7",
             "kubectl create deploy broken --image=nosuchimage/really"]
    for line in lines:
        for wait in (1, 15):
            before = copy.deepcopy(t.inc.cluster.objects)
            t.run(line) if wait == 1 else t.tick(wait)
            for plural, items in t.inc.cluster.objects.items():
                for k, obj in items.items():
                    old = before.get(plural, {}).get(k)
                    if old is not None and old != obj:
                        assert old["metadata"]["resourceVersion"] != obj["metadata"]["resourceVersion"], \
                            (line, plural, k)


def test_a_change_made_in_place_and_touched_is_seen(twins):
    """A controller-style write (mutate the stored object, then Cluster.touch) reaches the Endpoints too:
    the old Service learns from its own Endpoints that the pod was there."""
    t = twins
    name = t.pods("app-5")[0]
    for engine in (t.inc, t.ref):
        pod = engine.cluster.get("pods", "default", name)
        pod["metadata"]["labels"]["app"] = "app-0"
        engine.cluster.touch(pod)
    t.tick(1)
    assert name in t.run("kubectl get endpoints app-0 -o yaml")
