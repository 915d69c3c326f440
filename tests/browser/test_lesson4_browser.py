"""Lesson 4 (Ingress) in headless Chromium, to its end: enable the addon, create the Ingresses, add the
names to /etc/hosts in the editor pane (sudo nano), fix the pathType with kubectl edit, and see
foo.example.com and bar.example.com answer from different Services. Saves tests/artifacts/lesson4.png."""
from __future__ import annotations

import itertools
import re

from .conftest import ROOT
from .learner import diagram, lesson_steps, open_lesson, run, sign_up, wait_ready, wait_step_done

ARTIFACTS = ROOT / "tests" / "artifacts"
LEARNERS = itertools.count(1)


def save_editor(page, transform) -> dict:
    """Edit the open editor pane's text as a paste would, save with Ctrl+S, return the save's result."""
    page.locator("#editor-pane").wait_for(state="visible")
    text = page.evaluate("window.podscape.editor.content()")
    page.locator("#editor-pane .cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(transform(text))
    before = page.evaluate("window.podscape.results.length")
    page.keyboard.press("Control+s")
    page.wait_for_function(f"window.podscape.results.length > {before}")
    page.locator("#editor-pane").wait_for(state="hidden")
    wait_ready(page)
    return page.evaluate(f"window.podscape.results[{before}]")


def step(page, line: str, step_id: str, expect: str | None = None) -> dict:
    r = run(page, line, timeout=30000)
    assert r["exit_code"] == 0, (line, r["output"])
    if expect is not None:
        assert expect in r["output"], (line, r["output"])
    wait_step_done(page, step_id)
    return r


def test_lesson4_in_the_browser(server, page):
    base = server["base"]
    sign_up(page, base, f"ingress{next(LEARNERS)}")
    open_lesson(page, base, "Ingress")
    page.wait_for_selector("#lesson-pane [data-step]", timeout=10000)
    ids = [s["id"] for s in lesson_steps(page)]
    assert ids[0] == "addons-list" and ids[-1] == "curl-bar-404" and len(ids) == 25

    step(page, "minikube addons list", "addons-list", "ingress")
    step(page, "minikube addons enable ingress", "addons-enable-ingress", "🌟  The 'ingress' addon is enabled")
    step(page, "kubectl get ns", "get-namespaces", "ingress-nginx")
    step(page, "kubectl get all -n ingress-nginx", "get-all-ingress-nginx", "deployment.apps/ingress-nginx-controller")
    step(page, 'kubectl create ingress nginx-app-ingress --rule="/=nginx-app:80" --rule="/hello=newdeploy:8080"',
         "create-ingress", "ingress.networking.k8s.io/nginx-app-ingress created")
    step(page, "kubectl describe ingress nginx-app-ingress", "describe-ingress",
         '(<error: services "newdeploy" not found>)')

    # /etc/hosts through the editor pane: without sudo the file cannot be written
    r = run(page, "sudo nano /etc/hosts")
    assert r["editor"] and r["exit_code"] == 0
    saved = save_editor(page, lambda t: t + "192.168.49.2 nginx-app.demo\n")
    assert (saved["output"], saved["exit_code"]) == ("", 0)
    wait_step_done(page, "hosts-nginx-app-demo")          # the save completes the step
    assert "192.168.49.2 nginx-app.demo" in run(page, "cat /etc/hosts")["output"]

    step(page, "kubectl get ingress", "get-ingress", "nginx-app-ingress")
    step(page, "curl nginx-app.demo", "curl-nginx-app-demo", "<title>Welcome to nginx!</title>")
    step(page, "curl nginx-app.demo/hello", "curl-hello-503", "<title>503 Service Temporarily Unavailable</title>")
    step(page, "kubectl create deployment newdeploy --image=gcr.io/google-samples/hello-app:2.0", "create-newdeploy")
    step(page, "kubectl expose deployment newdeploy --port=8080", "expose-newdeploy")
    # hello-app takes about two seconds to start, as on a real node; until then the Service has no
    # ready endpoint and the controller answers 503, so give it the time a learner's typing would.
    page.wait_for_timeout(2500)
    r = step(page, "curl nginx-app.demo/hello", "curl-hello", "Hello, world!\nVersion: 2.0.0\n")
    assert re.search(r"Hostname: newdeploy-[a-z0-9]+-[a-z0-9]{5}\n", r["output"])

    step(page, "kubectl create deploy foo --image=nginx", "create-foo")
    step(page, "kubectl create deploy bar --image=httpd", "create-bar")
    step(page, "kubectl expose deploy foo --port=80", "expose-foo")
    step(page, "kubectl expose deploy bar --port=80", "expose-bar")
    step(page, 'kubectl create ingress multihost --rule="foo.example.com/=foo:80" --rule="bar.example.com/=bar:80"',
         "create-multihost")

    # `>>` without sudo is refused by the learner's own shell; the editor adds both names
    refused = run(page, 'echo "192.168.49.2 foo.example.com" >> /etc/hosts')
    assert (refused["output"], refused["exit_code"]) == ("bash: /etc/hosts: Permission denied\n", 1)
    assert run(page, "sudo vi /etc/hosts")["editor"]
    save_editor(page, lambda t: t + "192.168.49.2 foo.example.com bar.example.com\n")
    wait_step_done(page, "hosts-foo-bar")

    # kubectl edit: both paths become Prefix
    r = run(page, "kubectl edit ingress multihost")
    assert r["editor"]
    saved = save_editor(page, lambda t: t.replace("pathType: Exact", "pathType: Prefix"))
    assert (saved["output"], saved["exit_code"]) == ("ingress.networking.k8s.io/multihost edited\n", 0)
    wait_step_done(page, "edit-multihost")

    step(page, "kubectl get ingress multihost", "get-multihost", "foo.example.com,bar.example.com")
    foo = step(page, "curl foo.example.com", "curl-foo", "<title>Welcome to nginx!</title>")
    step(page, "curl foo.example.com/lololol", "curl-foo-404", "<head><title>404 Not Found</title></head>")
    bar = step(page, "curl bar.example.com", "curl-bar", "<h1>It works!</h1>")
    step(page, "curl bar.example.com/lololol", "curl-bar-404", "The requested URL was not found on this server.")
    assert foo["output"] != bar["output"]
    assert all(s["done"] for s in lesson_steps(page)), lesson_steps(page)

    # the answers came from different Services: the diagram drew controller -> Ingress -> Service -> pod for each
    page.wait_for_function("""() => ['foo', 'bar'].every((svc) => window.podscape.traces.some((t) => {
        const i = t.hops.indexOf('service/default/' + svc);
        return t.verdict === 'ok' && i > 0 && t.hops[i + 1].startsWith('pod/default/' + svc + '-')
          && t.hops.slice(0, i).some((h) => h.startsWith('pod/ingress-nginx/ingress-nginx-controller-')); }))""",
                           timeout=10000)

    # the diagram: the multihost Ingress routes to foo and bar, labelled with the hosts
    page.wait_for_function("""() => window.podscape.diagram.edges.some((e) =>
        e.source === 'ingress/default/multihost' && e.target === 'service/default/bar')""")
    routes = {e["target"]: e["label"] for e in diagram(page)["edges"] if e["source"] == "ingress/default/multihost"}
    assert routes == {"service/default/foo": "foo.example.com/*", "service/default/bar": "bar.example.com/*"}

    page.wait_for_timeout(600)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "lesson4.png"))
    assert page.errors == [], page.errors
