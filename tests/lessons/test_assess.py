"""Assessment of single commands against lesson 1 and 2 (pure: lesson dict + progress dict + engine)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessons import assess, format

from . import helpers as h

L1 = "services-clusterip-nodeport"
L2 = "services-microservices"


@pytest.fixture
def lesson1():
    return format.get_lesson(L1)


@pytest.fixture
def lesson2():
    return format.get_lesson(L2)


def at_step(lesson: dict, step_id: str) -> dict:
    progress = assess.new_progress(lesson)
    ids = [s["id"] for s in lesson["steps"]]
    progress["done"] = ids[: ids.index(step_id)]
    progress["current"] = step_id
    return progress


def test_it_completes_the_first_step_and_names_the_next(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    progress = assess.new_progress(lesson1)
    v = assess.assess(lesson1, progress, "kubectl create deploy nginx-app --image=nginx:latest --replicas=3",
                      h.ok("deployment.apps/nginx-app created\n"), eng)
    assert v == {"verdict": "complete", "step": "create-deployment",
                 "message": "Done: Run nginx as a Deployment. Next: Put a Service in front of the pods.",
                 "hint": None, "next_step": "expose-deployment", "lesson_complete": False}
    assert progress["done"] == ["create-deployment"] and progress["current"] == "expose-deployment"
    assert progress["last"] == v


def test_the_steps_command_completes_nothing_when_it_fails(lesson1):
    """A command check counts the exit code: kubectl prints the nginx-app row, then fails on a second name."""
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    h.service(eng, "nginx-app")
    progress = at_step(lesson1, "get-service")
    result = eng.run("kubectl get svc nginx-app nginx-ap")
    assert result.exit_code == 1 and "nginx-app" in result.output
    v = assess.assess(lesson1, progress, "kubectl get svc nginx-app nginx-ap",
                      h.failed(result.output, result.exit_code), eng)
    assert v["verdict"] != "complete" and "get-service" not in progress["done"]


def test_a_read_only_command_is_a_detour(lesson1):
    eng = h.engine()
    progress = assess.new_progress(lesson1)
    v = assess.assess(lesson1, progress, "kubectl get pods -A", h.ok("NAME ...\n"), eng)
    assert v["verdict"] == "detour" and v["hint"] is None
    assert v["step"] == v["next_step"] == "create-deployment"
    assert progress["done"] == []


def test_a_failing_unrelated_command_is_a_detour(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    progress = at_step(lesson1, "expose-deployment")
    v = assess.assess(lesson1, progress, "kubectl get ingress", h.ok("No resources found in default namespace.\n"),
                      eng)
    assert v["verdict"] == "detour"


def test_wrong_service_port_gets_the_nginx_port_hint(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    h.service(eng, "nginx-app", port=8080)
    progress = at_step(lesson1, "expose-deployment")
    v = assess.assess(lesson1, progress, "kubectl expose deploy nginx-app --port 8080",
                      h.ok("service/nginx-app exposed\n"), eng)
    assert v["verdict"] == "mistake"
    assert "nginx listens on port 80" in v["hint"] and "--port=80" in v["hint"]
    assert progress["current"] == "expose-deployment"


def test_wrong_service_type_gets_a_type_hint(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    h.service(eng, "nginx-app", type_="NodePort")
    progress = at_step(lesson1, "expose-deployment")
    v = assess.assess(lesson1, progress, "kubectl expose deploy nginx-app --port=80 --type=NodePort",
                      h.ok("service/nginx-app exposed\n"), eng)
    assert v["verdict"] == "mistake" and "default type, ClusterIP" in v["hint"]


def test_wrong_deployment_name_gets_a_name_hint(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx")
    v = assess.assess(lesson1, assess.new_progress(lesson1), "kubectl create deployment nginx --image=nginx:latest"
                      " --replicas=3", h.ok("deployment.apps/nginx created\n"), eng)
    assert v["verdict"] == "mistake" and "Call the Deployment nginx-app" in v["hint"]


def test_a_typo_in_the_resource_name_points_at_the_right_name(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    h.service(eng, "nginx-app")
    progress = at_step(lesson1, "get-service")
    v = assess.assess(lesson1, progress, "kubectl get service ngnix-app",
                      h.failed('Error from server (NotFound): services "ngnix-app" not found\n'), eng)
    assert v["verdict"] == "mistake"
    assert "did you mean nginx-app" in v["hint"] and "kubectl get service nginx-app" in v["hint"]
    assert "There is no service ngnix-app" in v["hint"]


def test_a_failing_command_of_the_steps_kind_gets_a_hint_built_from_its_error(lesson2):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    h.service(eng, "nginx-app")          # a ClusterIP Service of that name is already there
    progress = at_step(lesson2, "create-nodeport-service")
    v = assess.assess(lesson2, progress, "kubectl create service nodeport nginx-app --tcp=80:80",
                      h.failed('error: failed to create NodePort service: services "nginx-app" already exists\n'),
                      eng)
    assert v["verdict"] == "mistake"
    assert v["hint"].startswith('The command failed with: error: failed to create NodePort service: '
                                'services "nginx-app" already exists')
    assert "kubectl delete service nginx-app" in v["hint"]


def test_missing_port_on_expose_is_explained(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    progress = at_step(lesson1, "expose-deployment")
    v = assess.assess(lesson1, progress, "kubectl expose deployment nginx-app",
                      h.failed("error: couldn't find port via --port flag or introspection\n"), eng)
    assert v["verdict"] == "mistake" and "--port=80" in v["hint"]


def test_a_mistyped_program_name_is_a_mistake_with_a_suggestion(lesson1):
    eng = h.engine()
    v = assess.assess(lesson1, assess.new_progress(lesson1), "kubeclt get pods",
                      h.failed("kubeclt: command not found\n", 127), eng)
    assert v["verdict"] == "mistake" and "did you mean kubectl?" in v["hint"]


def test_the_nodeport_step_is_judged_on_state_so_patch_passes_too(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    h.service(eng, "nginx-app", type_="NodePort", node_port=32000)
    progress = at_step(lesson1, "make-nodeport")
    v = assess.assess(lesson1, progress, "kubectl patch svc nginx-app -p '{...}'",
                      h.ok("service/nginx-app patched\n"), eng)
    assert v["verdict"] == "complete" and v["next_step"] == "get-service-nodeport"


def test_saving_a_wrong_node_port_says_what_the_service_has(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    h.service(eng, "nginx-app", type_="NodePort", node_port=32001)
    progress = at_step(lesson1, "make-nodeport")
    v = assess.assess(lesson1, progress, "kubectl edit service nginx-app", h.ok("service/nginx-app edited\n"), eng)
    assert v["verdict"] == "mistake"
    assert "Service nginx-app has port 80 (nodePort 32001); the step wants port 80, nodePort 32000" in v["hint"]


def test_opening_the_editor_is_a_detour_that_says_to_save(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    h.service(eng, "nginx-app")
    progress = at_step(lesson1, "make-nodeport")
    v = assess.assess(lesson1, progress, "kubectl edit service nginx-app",
                      h.ok("", editor={"title": "service/nginx-app", "content": "...", "language": "yaml"}), eng)
    assert v["verdict"] == "detour" and "save" in v["message"]


def test_a_state_step_already_satisfied_is_skipped(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    h.service(eng, "nginx-app", type_="NodePort", node_port=32000)   # patched early
    progress = at_step(lesson1, "docker-ps")
    v = assess.assess(lesson1, progress, "docker ps", h.ok("CONTAINER ID ... minikube\n"), eng)
    assert v["verdict"] == "complete"
    assert progress["done"][-2:] == ["docker-ps", "make-nodeport"]
    assert v["next_step"] == "get-service-nodeport"
    assert "Run" not in v["message"] and "Turn the Service into a NodePort" in v["message"]


def test_deleting_what_an_earlier_step_made_is_a_mistake(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    progress = at_step(lesson1, "expose-deployment")
    h.remove(eng, "deployments", "nginx-app")
    v = assess.assess(lesson1, progress, "kubectl delete deploy nginx-app",
                      h.ok('deployment.apps "nginx-app" deleted\n'), eng)
    assert v["verdict"] == "mistake"
    assert "kubectl create deploy nginx-app --image=nginx:latest --replicas=3" in v["hint"]


def test_curl_on_the_wrong_port_and_on_the_cluster_ip(lesson1):
    eng = h.engine()
    progress = at_step(lesson1, "curl-nodeport")
    v = assess.assess(lesson1, progress, "curl http://$(minikube ip):30080",
                      h.failed("curl: (7) Failed to connect to 192.168.49.2 port 30080 after 0 ms: "
                               "Couldn't connect to server\n", 7), eng)
    assert v["verdict"] == "mistake" and "32000" in v["hint"]
    v = assess.assess(lesson1, progress, "curl http://10.104.18.101:80",
                      h.failed("curl: (28) Failed to connect to 10.104.18.101 port 80 after 134012 ms: "
                               "Couldn't connect to server\n", 28), eng)
    assert v["verdict"] == "mistake" and "ClusterIP" in v["hint"]


def test_the_last_step_completes_the_lesson_and_later_commands_are_detours(lesson1):
    eng = h.engine()
    progress = at_step(lesson1, "curl-nodeport")
    page = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n"
    v = assess.assess(lesson1, progress, "curl http://$(minikube ip):32000", h.ok(page), eng)
    assert v["verdict"] == "complete" and v["lesson_complete"] is True and v["next_step"] is None
    v = assess.assess(lesson1, progress, "kubectl get pods", h.ok(""), eng)
    assert v["verdict"] == "detour" and v["lesson_complete"] is True


def test_wrong_name_in_create_service_explains_the_selector(lesson2):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    h.service(eng, "web", type_="NodePort")
    progress = at_step(lesson2, "create-nodeport-service")
    v = assess.assess(lesson2, progress, "kubectl create service nodeport web --tcp=80:80",
                      h.ok("service/web created\n"), eng)
    assert v["verdict"] == "mistake" and "app=<that name>" in v["hint"]


def test_exposing_the_backend_as_nodeport_is_a_mistake(lesson2):
    eng = h.engine()
    h.deployment(eng, "backend", image="redis", replicas=1)
    h.service(eng, "backend", port=6379, type_="NodePort")
    progress = at_step(lesson2, "backend-clusterip")
    v = assess.assess(lesson2, progress, "kubectl expose deploy backend --port=6379 --type=NodePort",
                      h.ok("service/backend exposed\n"), eng)
    assert v["verdict"] == "mistake" and "should not be reachable from outside" in v["hint"]


def test_lesson_view_flags_done_and_current_steps(lesson1):
    progress = at_step(lesson1, "get-service")
    view = assess.lesson_view(lesson1, progress)
    flags = [(s["id"], s["done"], s["current"]) for s in view["steps"]][:4]
    assert flags == [("create-deployment", True, False), ("expose-deployment", True, False),
                     ("get-service", False, True), ("docker-ps", False, False)]
    assert view["title"] == "Services: ClusterIP and NodePort" and view["completed"] is False


def test_an_invalid_save_reopens_the_editor_and_is_a_mistake_with_kubectls_reason(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    h.service(eng, "nginx-app")
    progress = at_step(lesson1, "make-nodeport")
    reopened = ("# Please edit the object below. Lines beginning with a '#' will be ignored,\n"
                "# and an empty file will abort the edit. If an error occurs while saving this file will be\n"
                "# reopened with the relevant failures.\n#\n"
                '# services "nginx-app" was not valid:\n'
                "# * spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. "
                "The range of valid ports is 30000-32767\n#\napiVersion: v1\n")
    v = assess.assess(lesson1, progress, "kubectl edit service nginx-app",
                      h.failed("", 1) | {"editor": {"title": "x", "content": reopened, "language": "yaml"}}, eng)
    assert v["verdict"] == "mistake"
    assert "spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range." in v["hint"]


def test_changing_the_steps_object_another_way_into_the_wrong_state_is_a_mistake(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    h.service(eng, "nginx-app", type_="NodePort")
    progress = at_step(lesson1, "expose-deployment")
    v = assess.assess(lesson1, progress, "kubectl create service nodeport nginx-app --tcp=80:80",
                      h.ok("service/nginx-app created\n"), eng)
    assert v["verdict"] == "mistake"
    assert "Service nginx-app is of type NodePort, not ClusterIP" in v["hint"]


def test_creating_an_unrelated_object_is_a_detour(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    h.service(eng, "web", type_="NodePort")
    progress = at_step(lesson1, "expose-deployment")
    v = assess.assess(lesson1, progress, "kubectl create service nodeport web --tcp=80:80",
                      h.ok("service/web created\n"), eng)
    assert v["verdict"] == "detour"


def test_looking_around_after_a_deletion_is_a_detour_with_a_reminder(lesson1):
    eng = h.engine()
    progress = at_step(lesson1, "expose-deployment")          # the Deployment was made, then deleted
    v = assess.assess(lesson1, progress, "kubectl get deploy", h.ok("No resources found in default namespace.\n"),
                      eng)
    assert v["verdict"] == "detour" and "deployment nginx-app is gone" in v["message"]


def test_the_hint_quotes_kubectls_error_line_not_the_preamble(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    h.service(eng, "nginx-app")
    progress = at_step(lesson1, "make-nodeport")
    out = ('A copy of your changes has been stored to "/tmp/kubectl-edit-2510795109.yaml"\n'
           "error: no original object found for the edited object: its metadata.uid was changed\n")
    v = assess.assess(lesson1, progress, "kubectl edit svc nginx-app", h.failed(out), eng)
    assert v["verdict"] == "mistake"
    assert v["hint"].startswith("The command failed with: error: no original object found for the edited object")


def test_nginx_and_nginx_latest_are_the_same_image(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app", image="nginx")
    v = assess.assess(lesson1, assess.new_progress(lesson1), "kubectl create deploy nginx-app --image=nginx --replicas=3",
                      h.ok("deployment.apps/nginx-app created\n"), eng)
    assert v["verdict"] == "complete"


def test_another_image_gets_the_image_hint(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app", image="httpd")
    v = assess.assess(lesson1, assess.new_progress(lesson1), "kubectl create deploy nginx-app --image=httpd --replicas=3",
                      h.ok("deployment.apps/nginx-app created\n"), eng)
    assert v["verdict"] == "mistake" and "Use the image nginx:latest" in v["hint"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(line=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
       code=st.sampled_from([0, 1, 2, 127]), output=st.text(max_size=60))
def test_any_line_gets_a_well_formed_verdict(lesson1, line, code, output):
    eng = h.engine()
    progress = at_step(lesson1, "expose-deployment")
    v = assess.assess(lesson1, progress, line, {"output": output, "exit_code": code, "editor": None}, eng)
    assert set(v) == {"verdict", "step", "message", "hint", "next_step", "lesson_complete"}
    assert v["verdict"] in ("complete", "detour", "mistake") and v["message"]
    assert (v["hint"] is not None) == (v["verdict"] == "mistake")


def test_doing_a_later_state_step_early_is_credited_there_and_the_current_step_stays(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    h.service(eng, "nginx-app", type_="NodePort", node_port=32000)
    progress = at_step(lesson1, "get-service")
    v = assess.assess(lesson1, progress, "kubectl patch svc nginx-app -p '{...}'", h.ok("service/nginx-app patched\n"),
                      eng)
    assert v["verdict"] == "complete" and v["step"] == "make-nodeport" and "ahead of time" in v["message"]
    assert "make-nodeport" in progress["done"] and progress["current"] == "get-service"
    assess.assess(lesson1, progress, "kubectl get service", h.ok("nginx-app\n"), eng)
    assert progress["current"] == "docker-ps"
    assess.assess(lesson1, progress, "docker ps", h.ok("minikube\n"), eng)
    assert progress["current"] == "get-service-nodeport"       # the NodePort step, done ahead, is passed


def test_closing_the_editor_without_a_change_is_a_detour(lesson1):
    eng = h.engine()
    h.deployment(eng, "nginx-app")
    h.service(eng, "nginx-app")
    progress = at_step(lesson1, "make-nodeport")
    v = assess.assess(lesson1, progress, "kubectl edit service nginx-app",
                      h.ok("Edit cancelled, no changes made.\n"), eng)
    assert v["verdict"] == "detour" and "without a change" in v["message"]
