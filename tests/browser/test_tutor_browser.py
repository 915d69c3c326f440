"""Issue 12 in headless Chromium: what a learner sees of the tutor.

(a) a reload shows the terminal's recent commands and their output again, and the terminal still works;
(b) a hint stays through a detour, a new mistake files it under "Earlier hints", which open and survive a
    reload; Reset asks first and says it clears the lesson's progress;
(c) the issue's acceptance: the lesson-3 mistake (busybox run without `sleep`, then exec into it) shows the
    diagnosis in the lesson pane and the same cause on the diagram's pod (needs the tutor-engine and the
    diagram branches: the engine's diagnosis and topology.CAUSE wired by the integrator).
Saves tests/artifacts/tutor-hints-1280x720.png, tutor-hints-1600x900.png and tutor-diagnosis.png."""
from __future__ import annotations

import itertools
import re

import pytest

from .conftest import ROOT
from .learner import open_lesson, run, screen, sign_up, wait_ready, wait_screen, wait_step_done

ARTIFACTS = ROOT / "tests" / "artifacts"
LEARNERS = itertools.count(1)
PROMPT = "student@ubuntu:~$ "
HINT = "#lesson-pane .lesson-hint .hint-text"


def reload(page) -> None:
    page.reload()
    wait_ready(page, 15000)


def pane_text(page, selector: str) -> str:
    el = page.query_selector(selector)
    return el.inner_text() if el else ""


def test_a_reload_shows_the_terminals_recent_output(server, page):
    base = server["base"]
    sign_up(page, base, f"scrollback{next(LEARNERS)}")
    open_lesson(page, base)
    nodes = run(page, "kubectl get nodes")["output"]
    run(page, "echo marker-one")
    run(page, "kubectl get pods")
    before = screen(page)

    reload(page)
    after = wait_screen(page, "marker-one", timeout=5)
    assert page.evaluate("window.podscape.scrollbackShown") == 3
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "tutor-reload.png"))
    # the same lines, each command behind the prompt it was typed at, then a fresh prompt
    assert f"{PROMPT}kubectl get nodes\n{nodes.rstrip()}\n{PROMPT}echo marker-one\nmarker-one\n" in after
    assert after.endswith(f"{PROMPT}kubectl get pods\nNo resources found in default namespace.\n{PROMPT}")
    assert after.strip().splitlines()[-4:] == before.strip().splitlines()[-4:]
    # and the terminal works on as before, its history too
    assert run(page, "echo marker-two")["output"] == "marker-two\n"
    assert wait_screen(page, f"{PROMPT}echo marker-two\nmarker-two\n{PROMPT}")
    assert page.errors == [], page.errors


def test_a_hint_stays_after_a_detour_and_earlier_hints_reopen(server, page):
    base = server["base"]
    sign_up(page, base, f"hints{next(LEARNERS)}")
    open_lesson(page, base)
    page.wait_for_selector("#lesson-pane [data-step]", timeout=10000)

    run(page, "kubectl create deployment nginx --image=nginx:latest --replicas=3")
    page.wait_for_function(f"(document.querySelector('{HINT}') || {{}}).textContent?.includes('Call the Deployment nginx-app')")
    first_hint = pane_text(page, HINT)

    updates = page.evaluate("window.podscape.lessonUpdates")
    run(page, "kubectl get pods")                               # a detour: its message, and the hint stays
    page.wait_for_function(f"window.podscape.lessonUpdates > {updates} && "
                           "document.querySelector('#lesson-pane .lesson-feedback')?.dataset.verdict !== 'mistake'")
    page.wait_for_timeout(300)                                  # the pane's swap
    assert pane_text(page, HINT) == first_hint
    assert "still open" in pane_text(page, "#lesson-pane .lesson-hint")
    assert pane_text(page, "#lesson-pane .lesson-feedback .message")
    assert not page.query_selector("#earlier-hints")

    run(page, "kubectl scale deploy nginx --replicas=2")        # a new mistake replaces it
    page.wait_for_function(f"document.querySelector('{HINT}')?.textContent.includes('three copies')")
    summary = page.locator("#earlier-hints > summary")
    assert summary.inner_text() == "Earlier hints (1)"
    assert not page.locator("#earlier-hints li").first.is_visible()
    summary.click()                                             # reopen the earlier hint
    assert first_hint in page.locator("#earlier-hints li").first.inner_text()

    run(page, "kubectl get deployments")                        # the pane re-renders: the list stays open
    page.wait_for_timeout(500)
    assert page.locator("#earlier-hints li").first.is_visible()
    for width, height in ((1280, 720), (1600, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(400)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"tutor-hints-{width}x{height}.png"))
        box = page.locator("#lesson-pane .lesson-hint").bounding_box()
        assert box and box["width"] > 200 and box["x"] >= 0 and box["y"] + 20 < height, box

    reload(page)                                                # kept in the lesson's progress
    page.wait_for_selector("#earlier-hints", timeout=10000)
    assert "three copies" in pane_text(page, HINT)
    assert "Earlier hints (1)" in pane_text(page, "#earlier-hints > summary")

    run(page, "kubectl create deploy nginx-app --image=nginx:latest --replicas=3")
    wait_step_done(page, "create-deployment")
    page.wait_for_function("!document.querySelector('#lesson-pane .lesson-hint')")
    assert pane_text(page, "#earlier-hints > summary") == "Earlier hints (2)"

    # Reset asks first, saying it clears the lesson's progress; dismissing it keeps everything
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.get_by_role("button", name="Reset cluster").click()
    page.wait_for_timeout(300)
    assert asked and re.search(r"your progress in the lesson .*ClusterIP and NodePort.* is cleared", asked[0]), asked
    assert "1 of 7 steps done" in pane_text(page, "#lesson-pane .progress-count")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Reset cluster").click()
    page.wait_for_load_state()
    wait_ready(page, 15000)
    page.wait_for_selector("#lesson-pane .progress-count", timeout=10000)
    assert "0 of 7 steps done" in pane_text(page, "#lesson-pane .progress-count")
    assert not page.query_selector("#earlier-hints") and not page.query_selector("#lesson-pane .lesson-hint")
    assert page.errors == [], page.errors


# ---- (c) needs the integration: the tutor-engine's diagnosis and the diagram's cause (topology.CAUSE) -----
CRASHLOOP = re.compile(r"CrashLoopBackOff|nothing to run", re.I)


def test_integration_lesson3_mistake_diagnosis_in_the_pane_and_on_the_diagram(server, page):
    base = server["base"]
    sign_up(page, base, f"diagnosis{next(LEARNERS)}")
    open_lesson(page, base, "Services and DNS")
    page.wait_for_selector("#lesson-pane [data-step]", timeout=10000)
    run(page, "kubectl get service,pods -n kube-system")
    wait_step_done(page, "kube-dns")

    run(page, "kubectl run testpod --image=busybox")            # the mistake: busybox has nothing to run
    r = run(page, "kubectl exec -it testpod -- cat /etc/resolv.conf")
    assert r["exit_code"] != 0, r
    feedback = "#lesson-pane .lesson-feedback, #lesson-pane .lesson-hint"
    page.wait_for_function("""(sel) => [...document.querySelectorAll(sel)].some((e) =>
        /CrashLoopBackOff|nothing to run/i.test(e.textContent))""", arg=feedback, timeout=10000)
    told = "\n".join(page.locator(feedback).all_inner_texts())
    assert CRASHLOOP.search(told), told
    assert "This step uses: kubectl exec -it testpod -- cat /etc/resolv.conf" not in told
    steps = page.evaluate("[...document.querySelectorAll('#lesson-pane [data-step]')].map(e => [e.dataset.step, e.dataset.done])")
    assert ["run-testpod", "false"] in steps, "a crash-looping pod does not complete 'start a pod to work from'"

    # the diagram's pod carries the same cause, shown in its details panel
    pod = "pod/default/testpod"
    try:
        page.wait_for_function(f"!!(window.podscape.cy.getElementById('{pod}').data('cause'))", timeout=10000)
    except Exception:
        pytest.fail("the diagram's testpod has no `cause`: topology.CAUSE is not wired to the engine's diagnosis "
                    "(playground.sim.diagnose.diagnose_object); the integrator wires it")
    cause = page.evaluate(f"window.podscape.cy.getElementById('{pod}').data('cause')")
    assert CRASHLOOP.search(cause), cause
    assert cause in told, f"the diagram and the lesson use the same words:\n{cause}\n{told}"
    page.evaluate(f"window.podscape.cy.getElementById('{pod}').emit('tap')")
    page.wait_for_function("([cause]) => document.querySelector('#diagram').innerText.includes(cause)",
                           arg=[cause], timeout=5000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "tutor-diagnosis.png"))
    assert page.errors == [], page.errors
