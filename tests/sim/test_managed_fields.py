"""managedFields recorded by every write path, as the API server's field manager records them
(structured-merge-diff: fieldpath sets, Update ownership; cli-runtime's OmitManagedFieldsPrinter hides
them from -o yaml/json unless --show-managed-fields)."""
from __future__ import annotations

from playground.sim.engine import Engine

T0 = 1_800_000_000.0


def fields(engine: Engine, plural: str, name: str) -> dict:
    """manager (and subresource) -> fieldsV1."""
    obj = engine.cluster.get(plural, "default", name)
    return {(e["manager"], e.get("subresource", "")): e["fieldsV1"] for e in obj["metadata"]["managedFields"]}


def run(engine: Engine, line: str, after: float = 1) -> str:
    return engine.run(line, now=engine.cluster.now + after).output


def test_create_deployment_records_kubectl_create_with_defaulted_fields():
    """The set kubectl-create gets on v1.35 (defaults included; `.` only where the zero object has nothing)."""
    e = Engine.new(seed=1, now=T0)
    run(e, "kubectl create deployment web --image=nginx")
    mine = fields(e, "deployments", "web")[("kubectl-create", "")]
    assert mine == {
        "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
        "f:spec": {
            "f:progressDeadlineSeconds": {}, "f:replicas": {}, "f:revisionHistoryLimit": {}, "f:selector": {},
            "f:strategy": {"f:rollingUpdate": {".": {}, "f:maxSurge": {}, "f:maxUnavailable": {}}, "f:type": {}},
            "f:template": {
                "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                "f:spec": {"f:containers": {'k:{"name":"nginx"}': {
                    ".": {}, "f:image": {}, "f:imagePullPolicy": {}, "f:name": {}, "f:resources": {},
                    "f:terminationMessagePath": {}, "f:terminationMessagePolicy": {}}},
                    "f:dnsPolicy": {}, "f:restartPolicy": {}, "f:schedulerName": {}, "f:securityContext": {},
                    "f:terminationGracePeriodSeconds": {}}}}}
    # the controller's writes: the revision annotation on the object, the rest through the status subresource
    assert ("kube-controller-manager", "") in fields(e, "deployments", "web")
    assert "f:status" in fields(e, "deployments", "web")[("kube-controller-manager", "status")]


def test_updates_take_ownership_of_what_they_change():
    e = Engine.new(seed=1, now=T0)
    run(e, "kubectl create deployment web --image=nginx")
    run(e, "kubectl label deploy web tier=fe")
    run(e, "kubectl scale deploy web --replicas=3")
    run(e, "kubectl set image deploy/web nginx=nginx:1.25")
    f = fields(e, "deployments", "web")
    assert f[("kubectl-label", "")] == {"f:metadata": {"f:labels": {"f:tier": {}}}}
    assert f[("kubectl", "scale")] == {"f:spec": {"f:replicas": {}}}
    assert "f:replicas" not in f[("kubectl-create", "")]["f:spec"]
    image = {"f:spec": {"f:template": {"f:spec": {"f:containers": {'k:{"name":"nginx"}': {"f:image": {}}}}}}}
    assert f[("kubectl-set", "")] == image
    created = f[("kubectl-create", "")]["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"nginx"}']
    assert "f:image" not in created


def test_pods_are_owned_by_their_creator_and_the_kubelet():
    """Admission's additions (the token volume, tolerations, priority) are in no one's set."""
    e = Engine.new(seed=1, now=T0)
    run(e, "kubectl run p --image=nginx --port=80")
    run(e, "true", after=30)
    f = fields(e, "pods", "p")
    assert set(f) == {("kubectl-run", ""), ("kubelet", "status")}
    spec = f[("kubectl-run", "")]["f:spec"]
    assert "f:volumes" not in spec and "f:tolerations" not in spec and "f:priority" not in spec
    assert 'k:{"containerPort":80,"protocol":"TCP"}' in spec["f:containers"]['k:{"name":"p"}']["f:ports"]
    assert "f:phase" in f[("kubelet", "status")]["f:status"]


def test_apply_and_field_manager_flag():
    e = Engine.new(seed=1, now=T0)
    e.host.files[e.host.abspath("cm.yaml")] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n"
    run(e, "kubectl apply -f cm.yaml")
    f = fields(e, "configmaps", "c")
    assert f == {("kubectl-client-side-apply", ""): {
        "f:data": {".": {}, "f:a": {}},
        "f:metadata": {"f:annotations": {".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}}}}}
    run(e, "kubectl create configmap d --from-literal=x=y --field-manager=me")
    assert list(fields(e, "configmaps", "d")) == [("me", "")]


def test_managed_fields_are_hidden_from_yaml_and_json_unless_asked():
    e = Engine.new(seed=1, now=T0)
    run(e, "kubectl create configmap c --from-literal=a=b")
    assert "managedFields" not in run(e, "kubectl get cm c -o yaml")
    assert "managedFields" not in run(e, "kubectl get cm c -o json")
    shown = run(e, "kubectl get cm c -o yaml --show-managed-fields")
    assert "  managedFields:\n  - apiVersion: v1\n    fieldsType: FieldsV1\n" in shown
    assert "    manager: kubectl-create\n    operation: Update\n" in shown
    # only the JSON and YAML printers omit them
    assert run(e, "kubectl get cm c -o jsonpath={.metadata.managedFields[0].manager}") == "kubectl-create"


def test_state_round_trip_gives_the_same_records():
    """Records depend on the stored state only: an engine rebuilt from it records the same."""
    a = Engine.new(seed=3, now=T0)
    run(a, "kubectl create deployment web --image=nginx --replicas=2")
    b = Engine.from_state(a.to_state())
    for e in (a, b):
        run(e, "kubectl scale deploy web --replicas=3")
        run(e, "true", after=40)
    assert a.to_state()["cluster"]["objects"] == b.to_state()["cluster"]["objects"]


SESSION = [
    "kubectl create deployment web --image=nginx --replicas=3",
    "kubectl create configmap c1 --from-literal=k=v",
    "kubectl create configmap c2 --from-literal=k=v",      # made alike, seconds later
    "kubectl expose deployment web --port=80 --type=NodePort",
    "kubectl run p --image=nginx --port=80 --labels=app=p",
    "kubectl label pod p tier=debug",
    "kubectl scale deploy web --replicas=5",
    "kubectl scale deploy web --replicas=6",            # a replica like the last one made, at another time
    "kubectl set image deploy/web nginx=nginx:1.25",
    "kubectl annotate svc web note=x",
    "kubectl patch deploy web -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"ports\":[{\"containerPort\":80}]}]}}}}'",
    "kubectl patch svc web --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/ports/0/port\",\"value\":8080}]'",
    "kubectl rollout restart deploy web",
    "kubectl create job j --image=busybox -- true",
    "kubectl scale deploy web --replicas=2",
    "kubectl delete pod p",
    "kubectl run p --image=nginx --labels=app=p",
]


def test_the_field_managers_shortcuts_record_what_a_full_computation_does(monkeypatch):
    """The field manager reuses a create's entries for a replica made alike and compares an in-place write
    with the part it last saw of the object; a session with both turned off records exactly the same."""
    from playground.sim import managedfields

    def session() -> list[dict]:
        e = Engine.new(seed=5, now=T0)
        seen = []
        for line in [*SESSION, "true"]:
            run(e, line, after=4)
            seen.append({(plural, key): o["metadata"].get("managedFields")
                         for plural, objs in e.cluster.objects.items() for key, o in objs.items()})
        return seen

    managedfields._CREATED.clear()
    managedfields._CURRENT.clear()
    fast = session()
    with monkeypatch.context() as m:
        m.setattr(managedfields, "_CREATED", type("Never", (dict,), {"get": lambda self, k, d=None: None})())
        m.setattr(managedfields, "_remember", lambda key, tracked, paths: None)
        slow = session()
    assert sum(1 for v in fast[-1].values() if v) >= 10
    for line, a, b in zip([*SESSION, "true"], fast, slow):
        assert a == b, line


def test_a_json_patch_never_edits_the_stored_objects_field_sets():
    """Copies share fieldsV1 trees (they are replaced, never changed); a JSON patch, which edits wherever its
    path points, works on a copy that shares nothing."""
    from playground.sim import merge

    e = Engine.new(seed=2, now=T0)
    run(e, "kubectl run p --image=nginx")
    pod = e.cluster.get("pods", "default", "p")
    before = repr(pod["metadata"]["managedFields"])
    copied = len(pod["metadata"]["managedFields"])
    patched = merge.json_patch(pod, [{"op": "add", "path": "/metadata/managedFields/0/fieldsV1/f:spec/f:x",
                                      "value": {}},
                                     {"op": "copy", "from": "/metadata/managedFields/0",
                                      "path": "/metadata/managedFields/-"},
                                     {"op": "add", "path": f"/metadata/managedFields/{copied}/fieldsV1/f:y", "value": {}}])
    entries = patched["metadata"]["managedFields"]
    assert "f:x" in entries[0]["fieldsV1"]["f:spec"]
    assert "f:y" in entries[copied]["fieldsV1"] and "f:y" not in entries[0]["fieldsV1"]
    assert repr(pod["metadata"]["managedFields"]) == before
