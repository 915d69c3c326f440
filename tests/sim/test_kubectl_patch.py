"""`kubectl patch` end to end, and the patch algorithms themselves."""
from __future__ import annotations

import pytest

from playground.sim import merge

from .writehelpers import sandbox


def test_strategic_merge_patches_containers_by_name():
    engine = sandbox()
    r = engine.run("""kubectl patch deploy nginx-app -p '{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox"}]}}}}'""")
    assert (r.output, r.exit_code) == ("deployment.apps/nginx-app patched\n", 0)
    names = [c["name"] for c in engine.cluster.get("deployments", "default", "nginx-app")["spec"]["template"]["spec"]["containers"]]
    assert names == ["nginx", "side"]


def test_merge_patch_replaces_lists_and_no_change_is_reported():
    engine = sandbox()
    r = engine.run("""kubectl patch svc nginx-app --type merge -p '{"spec":{"type":"NodePort","ports":[{"port":80,"nodePort":32000}]}}'""")
    assert r.output == "service/nginx-app patched\n"
    assert engine.cluster.get("services", "default", "nginx-app")["spec"]["ports"][0]["nodePort"] == 32000
    r = engine.run("""kubectl patch svc nginx-app --type merge -p '{"spec":{"type":"NodePort"}}'""")
    assert r.output == "service/nginx-app patched (no change)\n"


def test_json_patch_and_errors():
    engine = sandbox()
    r = engine.run("""kubectl patch deploy nginx-app --type json -p '[{"op":"replace","path":"/spec/replicas","value":1}]'""")
    assert r.output == "deployment.apps/nginx-app patched\n"
    assert engine.cluster.get("deployments", "default", "nginx-app")["spec"]["replicas"] == 1
    assert engine.run("kubectl patch deploy nginx-app").output == \
        "error: must specify --patch or --patch-file containing the contents of the patch\n"
    assert engine.run("kubectl patch deploy nginx-app -p '{}' --type foo").output == \
        'error: --type must be one of [json merge strategic], not "foo"\n'
    r = engine.run("""kubectl patch deploy nginx-app -p '{"spec":{"replicas":"many"}}'""")
    assert r.output == ('Error from server (BadRequest): Deployment in version "v1" cannot be handled as a Deployment: '
                        "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32\n")


def test_rfc7386_examples():
    assert merge.json_merge_patch({"a": "b", "c": {"d": "e", "f": "g"}}, {"a": "z", "c": {"f": None}}) == \
        {"a": "z", "c": {"d": "e"}}
    assert merge.json_merge_patch({"a": [1, 2]}, {"a": [3]}) == {"a": [3]}


def test_rfc6902_operations():
    doc = {"a": {"b": [1, 2]}}
    assert merge.json_patch(doc, [{"op": "add", "path": "/a/b/-", "value": 3}]) == {"a": {"b": [1, 2, 3]}}
    assert merge.json_patch(doc, [{"op": "move", "from": "/a/b", "path": "/c"}]) == {"a": {}, "c": [1, 2]}
    with pytest.raises(merge.PatchError):
        merge.json_patch(doc, [{"op": "remove", "path": "/x"}])
    with pytest.raises(merge.PatchError):
        merge.json_patch(doc, [{"op": "test", "path": "/a/b/0", "value": 9}])


def test_strategic_delete_directive_and_two_way_diff():
    current = {"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}}
    assert merge.strategic_merge_patch(current, {"spec": {"containers": [{"name": "a", "$patch": "delete"}]}}) == \
        {"spec": {"containers": [{"name": "b", "image": "y"}]}}
    edited = {"spec": {"containers": [{"name": "a", "image": "z"}, {"name": "b", "image": "y"}]}}
    patch = merge.create_two_way_patch(current, edited)
    assert merge.strategic_merge_patch(current, patch) == edited


HOSTILE_PATCHES = ['5', '[]', '[5]', '[{"op":"add"}]', '[{"op":"add","path":5,"value":1}]', '{"metadata":5}',
                   '{"metadata":{"name":"zz"}}', '{"spec":{"template":{"spec":{"containers":[5]}}}}',
                   '{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}', '{"spec":null}', 'null', '"x"',
                   '{"$patch":"delete"}', '[{"op":"remove","path":"/spec/template/spec/containers/0"}]',
                   '[{"op":"move","from":"/spec","path":"/spec/x"}]', '{"spec":{"ports":[{"port":"eighty"}]}}']


@pytest.mark.parametrize("body", HOSTILE_PATCHES)
@pytest.mark.parametrize("ptype", ["json", "merge", "strategic"])
def test_hostile_patches_are_refused_cleanly_and_change_nothing(body, ptype):
    import copy
    engine = sandbox()
    for target, plural in (("deploy nginx-app", "deployments"), ("svc nginx-app", "services")):
        before = copy.deepcopy(engine.cluster.get(plural, "default", "nginx-app")["spec"])
        r = engine.run(f"kubectl patch {target} --type {ptype} -p '{body}'")
        assert "unexpectedly" not in r.output
        if r.exit_code == 0:
            assert r.output.endswith((" patched\n", " patched (no change)\n"))
        else:
            assert r.output.startswith(("Error from server", "The ", "error: "))
            assert engine.cluster.get(plural, "default", "nginx-app")["spec"] == before


def test_set_element_order_directive_orders_keyed_lists():
    current = {"spec": {"containers": [{"name": "web", "image": "a"}, {"name": "extra", "image": "c"}]}}
    patch = {"spec": {"$setElementOrder/containers": [{"name": "side"}, {"name": "web"}],
                      "containers": [{"name": "side", "image": "b"}]}}
    merged = merge.strategic_merge_patch(current, patch)
    assert [c["name"] for c in merged["spec"]["containers"]] == ["side", "web", "extra"]
