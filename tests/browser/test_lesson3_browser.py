"""Lesson 3 (Services and DNS) in headless Chromium, to its end: find kube-dns, run testpod, read its
resolv.conf and look nginx-app up from inside the pod; then fetch the page from the pod with wget and see
that request animate on the diagram from the pod through the Service to an nginx pod (green), and a
request to a name that does not exist stop red with its reason. Saves tests/artifacts/lesson3.png."""
from __future__ import annotations

import itertools
import re

from .conftest import ROOT
from .learner import diagram, lesson_steps, open_lesson, run, screen, sign_up, wait_step_done

ARTIFACTS = ROOT / "tests" / "artifacts"
LEARNERS = itertools.count(1)
SERVICE = "service/default/nginx-app"
TESTPOD = "pod/default/testpod"


def test_lesson3_in_the_browser(server, page):
    base = server["base"]
    sign_up(page, base, f"dns{next(LEARNERS)}")
    open_lesson(page, base, "Services and DNS")
    page.wait_for_selector("#lesson-pane [data-step]", timeout=10000)
    assert [s["id"] for s in lesson_steps(page)] == ["kube-dns", "run-testpod", "resolv-conf", "nslookup",
                                                      "get-service"]

    r = run(page, "kubectl get service,pods -n kube-system")
    assert re.search(r"^service/kube-dns +ClusterIP +10\.96\.0\.10 +<none> +53/UDP,53/TCP,9153/TCP", r["output"],
                     re.M), r["output"]
    wait_step_done(page, "kube-dns")

    r = run(page, "kubectl run testpod --image=busybox -- sleep 3600")
    assert (r["output"], r["exit_code"]) == ("pod/testpod created\n", 0)
    wait_step_done(page, "run-testpod")
    # the pod sits in the default namespace's box inside the node; wait until it runs
    page.wait_for_function(f"""() => window.podscape.diagram.pods.some((p) => p.id === '{TESTPOD}'
        && p.parent === 'namespace/default')""")
    for _ in range(20):
        r = run(page, "kubectl exec -it testpod -- cat /etc/resolv.conf")
        if r["exit_code"] == 0:
            break
        assert "container not found" in r["output"], r["output"]
        page.wait_for_timeout(500)
    assert r["output"] == ("search default.svc.cluster.local svc.cluster.local cluster.local\n"
                           "nameserver 10.96.0.10\noptions ndots:5\n")
    wait_step_done(page, "resolv-conf")

    r = run(page, "kubectl exec -it testpod -- nslookup nginx-app")
    assert r["output"].startswith("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
                                  "Name:\tnginx-app.default.svc.cluster.local\nAddress: 10."), r["output"]
    assert r["exit_code"] == 1
    wait_step_done(page, "nslookup")

    r = run(page, "kubectl get service nginx-app")
    assert re.search(r"^nginx-app +NodePort +10\.\d+\.\d+\.\d+ +<none> +80:32000/TCP", r["output"], re.M)
    wait_step_done(page, "get-service")
    assert all(s["done"] for s in lesson_steps(page)), lesson_steps(page)

    # a request from inside the pod animates along pod -> Service -> an nginx pod, and arrives
    before = page.evaluate("window.podscape.traces.length")
    r = run(page, "kubectl exec -it testpod -- wget -qO- nginx-app")
    assert "<title>Welcome to nginx!</title>" in r["output"] and r["exit_code"] == 0
    page.wait_for_function(f"window.podscape.traces.length > {before}")
    trace = page.evaluate(f"window.podscape.traces[{before}]")
    nginx = {p["id"] for p in diagram(page)["pods"] if p["name"].startswith("nginx-app-")}
    assert trace["verdict"] == "ok"
    # the pod asks the cluster DNS for the name, then goes through the Service to a pod
    assert trace["hops"][:3] == [TESTPOD, "service/kube-system/kube-dns", SERVICE] and trace["hops"][3] in nginx, trace

    # the in-pod shell: its prompt replaces the learner's until exit
    r = run(page, "kubectl exec -it testpod -- sh")
    assert screen(page).endswith("/ # ")
    before = page.evaluate("window.podscape.traces.length")
    r = run(page, "wget -q --spider nosuch")
    assert r["output"] == "wget: bad address 'nosuch'\n"
    page.wait_for_function(f"window.podscape.traces.length > {before}")
    bad = page.evaluate(f"window.podscape.traces[{before}]")
    assert bad["verdict"] == "unresolved" and "nosuch" in bad["reason"]
    r = run(page, "exit")
    assert r["output"] == "command terminated with exit code 1\n"
    assert screen(page).endswith("student@ubuntu:~$ ")

    page.wait_for_timeout(800)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "lesson3.png"))
    assert page.errors == [], page.errors
