"""Lesson 1 in headless Chromium: log in, type the lesson's commands into the terminal, change the
Service to NodePort 32000 in the editor pane, and watch every step complete and the diagram follow.
Saves tests/artifacts/lesson1.png (docs/screenshot.png comes from `make screenshot`)."""
from __future__ import annotations

import re

from .conftest import ROOT
from .learner import diagram, lesson_steps, log_in, open_lesson, run, screen, wait_ready, wait_step_done

ARTIFACTS = ROOT / "tests" / "artifacts"
SERVICE = "service/default/nginx-app"


def nginx_pods(page) -> list[dict]:
    return [p for p in diagram(page)["pods"] if p["namespace"] == "default" and p["name"].startswith("nginx-app-")]


def test_lesson1_in_the_browser(server, page):
    base = server["base"]
    log_in(page, base)
    open_lesson(page, base)
    assert screen(page).endswith("student@ubuntu:~$ ")
    page.wait_for_selector("#lesson-pane [data-step]", timeout=10000)
    steps = [s["id"] for s in lesson_steps(page)]
    assert steps == ["create-deployment", "expose-deployment", "get-service", "docker-ps", "make-nodeport",
                     "get-service-nodeport", "curl-nodeport"]
    assert not any(s["done"] for s in lesson_steps(page))

    # three nginx pods, drawn inside the minikube node
    r = run(page, "kubectl create deploy nginx-app --image=nginx:latest --replicas=3")
    assert (r["output"], r["exit_code"]) == ("deployment.apps/nginx-app created\n", 0)
    wait_step_done(page, "create-deployment")
    page.wait_for_function("""() => window.podscape.diagram.pods.filter((p) =>
        p.namespace === 'default' && p.name.startsWith('nginx-app-')).length === 3""")

    # a ClusterIP Service in front of them
    r = run(page, "kubectl expose deploy nginx-app --port=80")
    assert (r["output"], r["exit_code"]) == ("service/nginx-app exposed\n", 0)
    wait_step_done(page, "expose-deployment")
    page.wait_for_function(f"""() => window.podscape.diagram.services.some((s) =>
        s.id === '{SERVICE}' && s.type === 'ClusterIP' && s.ports === '80/TCP')""")

    r = run(page, "kubectl get service nginx-app")
    assert re.fullmatch(r"NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE\n"
                        r"nginx-app +ClusterIP +10\.\d+\.\d+\.\d+ +<none> +80/TCP +\d+s\n", r["output"]), r["output"]
    wait_step_done(page, "get-service")

    r = run(page, "docker ps")
    assert "minikube" in r["output"] and r["exit_code"] == 0
    wait_step_done(page, "docker-ps")

    # kubectl edit: the editor pane slides over the terminal with the live Service as YAML
    r = run(page, "kubectl edit service nginx-app")
    assert r["editor"], "kubectl edit did not open the editor"
    editor = page.locator("#editor-pane")
    editor.wait_for(state="visible")
    yaml_text = page.evaluate("window.podscape.editor.content()")
    assert "  type: ClusterIP\n" in yaml_text and "  name: nginx-app\n" in yaml_text
    edited = yaml_text.replace("  type: ClusterIP\n", "  type: NodePort\n")
    edited, n = re.subn(r"^( *)- port: 80$", r"\1- nodePort: 32000\n\1  port: 80", edited, count=1, flags=re.M)
    assert n == 1, "no `- port: 80` entry in the edited YAML:\n" + yaml_text
    # the learner replaces the text (as a paste would), then saves with the keyboard
    page.locator("#editor-pane .cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(edited)
    assert page.evaluate("window.podscape.editor.content()") == edited
    before = page.evaluate("window.podscape.results.length")
    page.keyboard.press("Control+s")
    page.wait_for_function(f"window.podscape.results.length > {before}")
    r = page.evaluate(f"window.podscape.results[{before}]")
    assert (r["output"], r["exit_code"], r["editor"]) == ("service/nginx-app edited\n", 0, None)
    editor.wait_for(state="hidden")
    wait_ready(page)
    assert screen(page).endswith("service/nginx-app edited\nstudent@ubuntu:~$ ")
    wait_step_done(page, "make-nodeport")

    r = run(page, "kubectl get service nginx-app")
    assert re.search(r"^nginx-app +NodePort +10\.\d+\.\d+\.\d+ +<none> +80:32000/TCP +\d+s$", r["output"], re.M), \
        r["output"]
    wait_step_done(page, "get-service-nodeport")
    page.wait_for_function(f"""() => window.podscape.diagram.services.some((s) =>
        s.id === '{SERVICE}' && s.type === 'NodePort' && s.ports === '80:32000/TCP')""")

    # from the learner's machine through the node's IP
    r = run(page, "curl http://$(minikube ip):32000")
    assert "<title>Welcome to nginx!</title>" in r["output"] and r["exit_code"] == 0
    wait_step_done(page, "curl-nodeport")
    assert all(s["done"] for s in lesson_steps(page)), lesson_steps(page)

    # the diagram: 3 nginx pods in the node, the Service selecting exactly them, the host reaching 32000
    pods = nginx_pods(page)
    assert len(pods) == 3 and all(p["parent"] == "workload/default/Deployment/nginx-app" and p["status"] == "Running"
                                  for p in pods)
    edges = diagram(page)["edges"]
    assert {e["target"] for e in edges if e["source"] == SERVICE} == {p["id"] for p in pods}
    # your machine reaches the Service through the NodePort entry on the node
    assert any(e["source"] == "host" and e["target"] == "nodeport/minikube/32000" for e in edges)
    assert any(e["source"] == "nodeport/minikube/32000" and e["target"] == SERVICE for e in edges)
    # and they are on screen, not just in the model
    box = page.evaluate(f"window.cy.getElementById('{SERVICE}').renderedBoundingBox()")
    size = page.evaluate("[window.cy.width(), window.cy.height()]")
    assert box["w"] > 0 and 0 <= box["x1"] and box["x2"] <= size[0] and 0 <= box["y1"] and box["y2"] <= size[1]
    # curl's request was drawn as a trace that arrived
    page.wait_for_function("window.podscape.traces.some((t) => t.verdict === 'ok')")

    page.wait_for_timeout(800)       # let the relayout settle and the traffic dot finish
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "lesson1.png"))
    assert page.errors == [], page.errors
