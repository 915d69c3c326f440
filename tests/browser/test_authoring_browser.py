"""Issue 17's authoring in a real browser: the demo instructor writes a new exercise from scratch in the
CodeMirror editor, Check fails for a broken solution and names the task, the fix passes, it is published to
their course; a learner joins, completes it and submits; the gradebook and its CSV show the score, and the
versions page shows the diff of the fix. Saves tests/artifacts/authoring-editor-1600x900.png."""
from __future__ import annotations

import re
import uuid
from pathlib import Path

from .learner import log_in, run
from .test_course_browser import wait_task
from .test_gradebook_browser import join_and_open

TEACHER, TEACHER_PASSWORD = "instructor", "podscape-instructor"      # manage.py ensure_demo_users
ARTIFACTS = Path(__file__).resolve().parents[2] / "tests" / "artifacts"
GOOD = "kubectl expose deploy shop --port=80 --target-port=80"
BROKEN = "kubectl expose deploy shop --port=8080"


def exercise(slug: str, solution: str) -> str:
    return f'''---
kind: exercise
title: "Exercise: open the shop"
slug: {slug}
order: 900
summary: Give the shop Deployment a Service.
setup:
  - kubectl create deploy shop --image=nginx:latest --replicas=1
---
The sandbox runs a Deployment called `shop`. Make it reachable inside the cluster.

## A Service for the shop
```task
id: shop-service
points: 2
hints:
  - kubectl expose makes a Service from a Deployment.
solution:
  - {solution}
wrong:
  - kubectl expose deploy shop --port=8080
check:
  state:
    - {{service: shop, type: ClusterIP, port: 80, healthy: true}}
```
Create a ClusterIP Service named `shop` on port **80**.
'''


def check(page) -> dict:
    page.get_by_role("button", name="Check").click()
    page.wait_for_selector("#author-check-result .check-result", timeout=30000)
    return {"ok": page.locator("#author-check-result .check-result").get_attribute("data-ok"),
            "text": page.locator("#author-check-result").inner_text()}


def save(page) -> None:
    page.get_by_role("button", name="Save version").click()
    page.wait_for_load_state()
    page.wait_for_function("window.podscapeAuthor && window.podscapeAuthor.view")


def test_an_instructor_writes_checks_publishes_and_a_learner_is_graded(page, browser, server):
    base, slug = server["base"], f"shop-{uuid.uuid4().hex[:6]}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_in(page, base, TEACHER, TEACHER_PASSWORD)
    course_title = f"Authoring {uuid.uuid4().hex[:6]}"
    page.goto(base + "/lessons/courses/new/")
    page.fill("#course-title", course_title)
    page.check("#item-services-clusterip-nodeport")
    page.get_by_role("button", name="Create course").click()
    page.wait_for_url(re.compile(r".*/lessons/courses/\d+/$"))
    course_url, code = page.url, page.locator(".join-code").inner_text().strip()

    # a new exercise, written over the template from scratch
    page.goto(base + "/lessons/courses/")
    page.get_by_role("link", name="Write a lesson or exercise").click()
    page.get_by_role("button", name="New exercise").click()
    page.wait_for_url(re.compile(r".*/lessons/author/\d+/$"))
    editor_url = page.url
    page.wait_for_function("window.podscapeAuthor && window.podscapeAuthor.view")
    assert page.locator("#author-cm .cm-editor").is_visible()
    page.evaluate("(text) => window.podscapeAuthor.setContent(text)", exercise(slug, BROKEN))
    # the instructor types the last sentence; the live preview follows
    page.locator("#author-cm .cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("Any route counts.", delay=5)
    page.wait_for_function("document.querySelector('#author-preview').innerText.includes('Any route counts.')")
    assert "1. A Service for the shop (2 points)" in page.locator("#author-preview").inner_text()
    # the front matter, headings and the task block are highlighted (CodeMirror gives them styled spans)
    assert page.locator("#author-cm .cm-line span").count() > 20

    broken = check(page)
    assert broken["ok"] == "false"
    item = page.locator('[data-check-item="shop-service"]')
    assert item.get_attribute("data-ok") == "false"
    assert "task 'shop-service' is not met by its solution" in item.inner_text()
    save(page)
    assert "Saved as version 2." in page.locator(".messages").inner_text()

    source = page.evaluate("window.podscapeAuthor.content()")
    page.evaluate("(text) => window.podscapeAuthor.setContent(text)", source.replace(BROKEN, GOOD, 1))
    fixed = check(page)
    assert fixed["ok"] == "true" and "Check passes" in fixed["text"]
    assert "1 wrong answer checked" in fixed["text"]
    page.wait_for_function("(good) => document.querySelector('#author-preview').innerText.includes(good)", arg=GOOD)
    page.set_viewport_size({"width": 1600, "height": 900})
    page.screenshot(path=str(ARTIFACTS / "authoring-editor-1600x900.png"))
    save(page)
    assert "Saved as version 3." in page.locator(".messages").inner_text()

    page.get_by_label(course_title).check()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(editor_url)
    assert f"to {course_title}" in page.locator(".messages").inner_text()

    # the diff between the broken and the fixed version
    page.get_by_role("link", name="Versions and diff").click()
    page.select_option("#diff-a", "2")
    page.select_option("#diff-b", "3")
    page.get_by_role("button", name="Show diff").click()
    diff = page.locator("pre.diff")
    assert diff.locator(".diff-del").filter(has_text=f"-  - {BROKEN}").count() == 1
    assert diff.locator(".diff-add").filter(has_text=f"+  - {GOOD}").count() == 1
    assert "published to " + course_title in page.locator('tr[data-version="3"]').inner_text()

    # a learner completes it
    context, learner, name = join_and_open(browser, base, code, course_url, slug)
    run(learner, GOOD)
    wait_task(learner, "shop-service")
    learner.get_by_role("button", name="Submit for grading").click()
    learner.wait_for_selector("#lesson-pane .ex-submitted")
    context.close()

    page.goto(course_url)
    page.get_by_role("link", name="Gradebook").click()
    page.wait_for_url(re.compile(r".*/gradebook/$"))
    cell = page.locator(f'tr[data-learner="{name}"] td[data-item="{slug}"]')
    assert cell.get_attribute("data-score") == "2" and "2/2" in cell.inner_text()
    csv = page.request.get(page.url.replace("/gradebook/", "/gradebook.csv")).text()
    header, *rows = csv.splitlines()
    line = next(r for r in rows if r.startswith(name + ","))
    columns = dict(zip(header.split(","), line.split(",")))
    assert (columns[f"{slug} score"], columns[f"{slug} max"], columns[f"{slug} attempts"]) == ("2", "2", "1")
    assert page.errors == []
