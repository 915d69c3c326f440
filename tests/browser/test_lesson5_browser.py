"""Lesson 5 (Network Policies) in headless Chromium, to its end: recreate the cluster with Calico, create
the policy and the pods from the lesson's file, see busybox's request to nginx drawn red (dropped), read
why by clicking it, label busybox, and see the same request drawn green. Saves tests/artifacts/lesson5.png."""
from __future__ import annotations

import itertools

from .conftest import ROOT
from .learner import lesson_steps, open_lesson, run, sign_up, wait_step_done

ARTIFACTS = ROOT / "tests" / "artifacts"
LEARNERS = itertools.count(1)
NGINX = "pod/default/nginx"
WGET = "kubectl exec -it busybox -- wget --spider --timeout=1 nginx"


def step(page, line: str, step_id: str, expect: str, exit_code: int = 0) -> dict:
    r = run(page, line, timeout=30000)
    assert (expect in r["output"], r["exit_code"]) == (True, exit_code), (line, r["output"])
    wait_step_done(page, step_id)
    return r


def traces_to_nginx(page) -> list[dict]:
    return page.evaluate(f"window.podscape.traces.filter((t) => t.hops.includes('{NGINX}'))")


def test_lesson5_in_the_browser(server, page):
    base = server["base"]
    sign_up(page, base, f"netpol{next(LEARNERS)}")
    open_lesson(page, base, "Network Policies")
    page.wait_for_selector("#lesson-pane [data-step]", timeout=10000)
    ids = [s["id"] for s in lesson_steps(page)]
    assert ids == ["minikube-stop", "minikube-delete", "minikube-start-calico", "calico-pods", "create-example",
                   "get-networkpolicy", "describe-networkpolicy", "expose-nginx", "wget-denied", "label-busybox",
                   "wget-allowed"]

    step(page, "minikube stop", "minikube-stop", "1 node stopped.")
    step(page, "minikube delete", "minikube-delete", "Removed all traces")
    step(page, "minikube start --cni=calico", "minikube-start-calico", "Configuring Calico")
    step(page, "kubectl get pods -n kube-system", "calico-pods", "calico-kube-controllers-")
    step(page, "kubectl create -f ckad/nwpolicy-complete-example.yaml", "create-example", "pod/busybox created")
    # the policy is drawn on the pod it selects
    page.wait_for_function(f"""() => {{ const e = window.podscape.cy.getElementById(
        'edge/networkpolicy/default/access-nginx->{NGINX}'); return e.nonempty() && e.hasClass('isolates'); }}""")
    step(page, "kubectl get networkpolicy", "get-networkpolicy", "access-nginx   app=nginx")
    step(page, "kubectl describe networkpolicy", "describe-networkpolicy", "PodSelector: access=true")
    step(page, "kubectl expose pod nginx --port=80", "expose-nginx", "service/nginx exposed")
    # The two pods take about two seconds to start, as on a real node; typed at machine speed the exec
    # could land before busybox runs (kubectl then says the container is not found, as it really does).
    page.wait_for_timeout(2500)

    # dropped: red, and the trace log row explains why when clicked
    step(page, WGET, "wget-denied", "wget: download timed out", exit_code=1)
    page.wait_for_function(f"window.podscape.traces.some((t) => t.hops.includes('{NGINX}'))")
    assert [t["verdict"] for t in traces_to_nginx(page)] == ["dropped"]
    row = page.locator("[data-trace-log] .trace-bad.has-why").first
    row.wait_for(state="visible")
    page.wait_for_function(f"window.podscape.cy.getElementById('{NGINX}').hasClass('policy-denied')")
    row.click()
    why = page.evaluate("window.podscape.lastWhyShown")
    assert why.splitlines()[0].endswith("port 80/TCP: DENIED")
    assert "default/access-nginx (podSelector app=nginx)" in why
    assert page.locator("[data-details] pre").inner_text().startswith("default/busybox")     # under the picture

    # the connectivity page, open in another tab, follows the label live
    sandbox_id = page.evaluate("document.getElementById('workspace').dataset.sandboxId")
    matrix = page.context.new_page()
    matrix.goto(f"{base}/sandboxes/{sandbox_id}/matrix/")
    cell = 'table[data-port="80/TCP"] tr:has(th[scope=row]:text-is("busybox")) td:nth-of-type(2)'
    assert matrix.locator(cell).get_attribute("class") == "denied"
    matrix.wait_for_function("window.podscapeMatrix && window.podscapeMatrix.connected")

    step(page, "kubectl label pod busybox access=true", "label-busybox", "pod/busybox labeled")
    matrix.wait_for_selector(cell + ".allowed", timeout=10000)
    matrix.close()
    step(page, WGET, "wget-allowed", "remote file exists")
    page.wait_for_function(f"window.podscape.traces.filter((t) => t.hops.includes('{NGINX}')).length === 2")
    assert [t["verdict"] for t in traces_to_nginx(page)] == ["dropped", "ok"]      # red, then green
    assert page.locator("[data-trace-log] .trace-ok").count() >= 1
    assert not page.evaluate(f"window.podscape.cy.getElementById('{NGINX}').hasClass('policy-denied')")
    assert all(s["done"] for s in lesson_steps(page))

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "lesson5.png"))
