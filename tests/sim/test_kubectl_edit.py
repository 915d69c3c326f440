"""`kubectl edit` end to end: the editor pane opens with kubectl's header and the live object; saves go
through the API server; invalid saves reopen with kubectl's error block (editoptions.go)."""
from __future__ import annotations

import pytest

from .recording_apiserver import object_path, recording_server, write_kubeconfig
from .writehelpers import sandbox

# kubectl's header (staging/src/k8s.io/kubectl/pkg/cmd/util/editor/editoptions.go, editHeader.writeTo)
HEADER = ("# Please edit the object below. Lines beginning with a '#' will be ignored,\n"
          "# and an empty file will abort the edit. If an error occurs while saving this file will be\n"
          "# reopened with the relevant failures.\n#\n")


def test_edit_opens_the_editor_with_the_header_and_live_object():
    engine = sandbox()
    result = engine.run("kubectl edit service nginx-app")
    assert (result.output, result.exit_code) == ("", 0)
    content = result.editor["content"]
    assert content.startswith(HEADER + "apiVersion: v1\nkind: Service\nmetadata:\n")
    assert "  type: ClusterIP\n" in content and "  uid: " in content
    assert result.editor["title"].startswith("/tmp/kubectl-edit-") and result.editor["title"].endswith(".yaml")


def test_changing_the_service_to_nodeport_32000_applies_it():
    engine = sandbox()
    content = engine.run("kubectl edit svc/nginx-app").editor["content"]
    edited = content.replace("type: ClusterIP", "type: NodePort").replace("  - port: 80\n",
                                                                           "  - nodePort: 32000\n    port: 80\n")
    result = engine.save_editor(edited)
    assert (result.output, result.exit_code, result.editor) == ("service/nginx-app edited\n", 0, None)
    svc = engine.cluster.get("services", "default", "nginx-app")
    assert svc["spec"]["type"] == "NodePort" and svc["spec"]["ports"][0]["nodePort"] == 32000
    assert "80:32000/TCP" in engine.run("kubectl get svc nginx-app").output


def test_an_invalid_save_reopens_with_kubectls_error_block():
    engine = sandbox()
    content = engine.run("kubectl edit service nginx-app").editor["content"]
    edited = content.replace("type: ClusterIP", "type: NodePort").replace("  - port: 80\n",
                                                                           "  - nodePort: 32768\n    port: 80\n")
    result = engine.save_editor(edited)
    assert result.output == 'error: services "nginx-app" is invalid\n'
    assert result.editor["content"] == (
        HEADER + '# services "nginx-app" was not valid:\n'
        "# * spec.ports[0].nodePort: Invalid value: 32768: provided port is not in the valid range. "
        "The range of valid ports is 30000-32767\n#\n" + edited[len(HEADER):])
    assert engine.cluster.get("services", "default", "nginx-app")["spec"]["type"] == "ClusterIP"
    # Saving the same buffer again gives up, keeping a copy, as kubectl does.
    again = engine.save_editor(result.editor["content"])
    path = result.editor["title"]
    assert again.output == (f'A copy of your changes has been stored to "{path}"\n'
                            "error: Edit cancelled, no valid changes were saved.\n")
    assert again.exit_code == 1 and path in engine.host.files


def test_a_syntax_error_fails_validation_and_reopens():
    # kubectl v1.35 validates the saved bytes first (schema.ValidateBytes on the comment-stripped text), so a
    # YAML error is reported as a validation failure, its line counted without the comment lines.
    engine = sandbox()
    content = engine.run("kubectl edit service nginx-app").editor["content"]
    edited = content.replace("  sessionAffinity: None\n", "  sessionAffinity: None\n  oops\n")
    result = engine.save_editor(edited)
    assert result.output == 'error: services "nginx-app" is invalid\n'
    stripped = [line for line in edited.split("\n") if not line.startswith("#")]
    line = stripped.index("  oops") + 2
    assert result.editor["content"] == (
        HEADER + '# services "nginx-app" was not valid:\n'
        f'# * <nil>: Invalid value: "The edited file failed validation": yaml: line {line}: could not find '
        "expected ':'\n#\n" + edited[len(HEADER):])


def test_cancel_unchanged_and_empty_saves():
    engine = sandbox()
    r = engine.run("kubectl edit deploy nginx-app")
    assert engine.save_editor(None).output == "Edit cancelled, no changes made.\n"
    engine.run("kubectl edit deploy nginx-app")
    assert engine.save_editor(r.editor["content"] + "\n# a comment\n").output == "Edit cancelled, no changes made.\n"
    engine.run("kubectl edit deploy nginx-app")
    emptied = engine.save_editor("# nothing\n")          # v1.35 validates before its emptiness check
    assert emptied.output == 'error: deployments.apps "nginx-app" is invalid\n'
    assert '# * <nil>: Invalid value: "The edited file failed validation": invalid object to validate\n' in \
        emptied.editor["content"]
    assert engine.save_editor(emptied.editor["content"]).output.endswith(
        "error: Edit cancelled, no valid changes were saved.\n")


def test_renaming_in_the_editor_is_refused():
    engine = sandbox()
    content = engine.run("kubectl edit svc nginx-app").editor["content"]
    result = engine.save_editor(content.replace("  name: nginx-app\n", "  name: renamed\n"))
    assert result.exit_code == 1
    assert result.output.endswith("error: At least one of apiVersion, kind and name was changed\n")
    assert engine.cluster.get("services", "default", "renamed") is None


def test_editing_the_template_rolls_out_a_new_replicaset():
    engine = sandbox()
    before = {rs["metadata"]["name"] for rs in engine.cluster.list("replicasets", "default")}
    content = engine.run("kubectl edit deployment nginx-app").editor["content"]
    result = engine.save_editor(content.replace("image: nginx:1.25", "image: nginx:1.26"))
    assert result.output == "deployment.apps/nginx-app edited\n"
    after = {rs["metadata"]["name"] for rs in engine.cluster.list("replicasets", "default")}
    assert len(after - before) == 1


def test_unknown_field_cannot_be_patched():
    engine = sandbox()
    content = engine.run("kubectl edit deploy nginx-app").editor["content"]
    result = engine.save_editor(content.replace("  replicas: 3\n", "  replicas: 3\n  foo: 1\n"))
    path = engine.host.pending_editor is None and [p for p in engine.host.files if "kubectl-edit" in p][0]
    assert result.output == ('error: deployments.apps "nginx-app" could not be patched: Deployment in version "v1" '
                             'cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"\n'
                             f"You can run `kubectl replace -f {path}` to try this update again.\n")
    assert result.exit_code == 1


def test_edit_json_has_no_header_and_missing_objects_fail():
    engine = sandbox()
    assert engine.run("kubectl edit svc nginx-app -o json").editor["content"].startswith('{\n    "apiVersion": "v1",')
    result = engine.run("kubectl edit svc nope")
    assert (result.output, result.exit_code) == ('Error from server (NotFound): services "nope" not found\n', 1)


def test_a_stale_resource_version_conflicts():
    engine = sandbox()
    content = engine.run("kubectl edit svc nginx-app").editor["content"]
    rv = engine.cluster.get("services", "default", "nginx-app")["metadata"]["resourceVersion"]
    edited = content.replace(f'resourceVersion: "{rv}"', 'resourceVersion: "1"').replace("ClusterIP\n", "NodePort\n")
    result = engine.save_editor(edited)
    assert result.exit_code == 1
    assert result.output.startswith('error: services "nginx-app" could not be patched: Operation cannot be fulfilled '
                                    'on services "nginx-app": the object has been modified; please apply your '
                                    "changes to the latest version and try again\nYou can run `kubectl replace -f ")


# ---- differential: real kubectl edit against a fake API server that serves the simulated object ----------
def test_edit_buffer_and_invalid_save_match_real_kubectl(kubectl_oracle, tmp_path):
    import subprocess
    import sys

    engine = sandbox()
    opened = engine.run("kubectl edit service nginx-app").editor["content"]
    edited = opened.replace("type: ClusterIP", "type: NodePort").replace("  - port: 80\n",
                                                                         "  - nodePort: 32768\n    port: 80\n")
    reopened = engine.save_editor(edited)
    svc = engine.cluster.get("services", "default", "nginx-app")
    cause = "spec.ports[0].nodePort"
    status = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Invalid", "code": 422,
              "message": "invalid", "details": {"name": "nginx-app", "kind": "Service", "causes": [
                  {"reason": "FieldValueInvalid", "field": cause,
                   "message": "Invalid value: 32768: provided port is not in the valid range. The range of valid "
                              "ports is 30000-32767"}]}}
    patches: list = []
    srv = recording_server({object_path(svc): svc}, patches, status)
    seen = tmp_path / "seen"
    seen.mkdir()
    editor = tmp_path / "editor.py"
    editor.write_text(f"""import os, sys
path = sys.argv[-1]
n = len(os.listdir({str(seen)!r}))
text = open(path).read()
open(os.path.join({str(seen)!r}, f"{{n}}.txt"), "w").write(text)
if n == 0:
    open(path, "w").write({edited!r})
""")
    kubeconfig = write_kubeconfig(tmp_path, srv)
    try:
        proc = subprocess.run([kubectl_oracle, "edit", "service", "nginx-app", "--validate=false"],
                              capture_output=True, text=True, timeout=60,
                              env={"KUBECONFIG": str(kubeconfig), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
                                   "EDITOR": f"{sys.executable} {editor}"})
    finally:
        srv.shutdown()
    first, second = (seen / "0.txt").read_text(), (seen / "1.txt").read_text()
    assert opened == first                                   # header + the object as kubectl prints it
    from playground.sim import merge
    from playground.sim.manifests import yaml_to_json
    bodies = [body for _content_type, body in patches]
    assert bodies == [merge.create_two_way_patch(yaml_to_json(opened), yaml_to_json(edited))]   # the same patch
    assert reopened.editor["content"] == second              # the error block on top of the learner's text
    assert reopened.output == proc.stderr.splitlines(keepends=True)[0]
    final = engine.save_editor(reopened.editor["content"])
    path = reopened.editor["title"]
    real_tail = "".join(proc.stderr.splitlines(keepends=True)[1:])
    assert final.output == real_tail.replace(real_tail.split('"')[1], path)
    assert (final.exit_code, proc.returncode) == (1, 1)


def test_output_patch_shows_the_strategic_patch_sent():
    engine = sandbox()
    content = engine.run("kubectl edit svc nginx-app --output-patch").editor["content"]
    result = engine.save_editor(content.replace("  sessionAffinity: None\n", "  sessionAffinity: ClientIP\n"))
    assert result.output == 'Patch: {"spec":{"sessionAffinity":"ClientIP"}}\nservice/nginx-app edited\n'


@pytest.mark.parametrize("what,plural", [("deployment nginx-app", "deployments"), ("pod", "pods")])
def test_edit_buffers_of_other_kinds_match_real_kubectl(kubectl_oracle, tmp_path, what, plural):
    import subprocess
    import sys

    engine = sandbox()
    engine.tick(1_700_000_100)
    name = what.split()[1] if " " in what else engine.cluster.list("pods", "default")[0]["metadata"]["name"]
    obj = engine.cluster.get(plural, "default", name)
    opened = engine.run(f"kubectl edit {plural} {name}").editor["content"]
    srv = recording_server({object_path(obj): obj}, [], {"code": 500})
    seen = tmp_path / "seen.txt"
    editor = tmp_path / "editor.py"
    editor.write_text(f"import sys\nopen({str(seen)!r}, 'w').write(open(sys.argv[-1]).read())\n")
    kubeconfig = write_kubeconfig(tmp_path, srv)
    try:
        proc = subprocess.run([kubectl_oracle, "edit", plural, name, "--validate=false"], capture_output=True,
                              text=True, timeout=60,
                              env={"KUBECONFIG": str(kubeconfig), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
                                   "EDITOR": f"{sys.executable} {editor}"})
    finally:
        srv.shutdown()
    assert opened == seen.read_text()
    assert proc.stderr == "Edit cancelled, no changes made.\n"
    assert engine.save_editor(opened).output == proc.stderr
