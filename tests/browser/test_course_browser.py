"""Issue 6 in a real browser: an instructor creates a course with an exercise, a learner joins with the code,
works the exercise in the terminal (each task turning green as the sandbox changes), submits, and the
instructor finds the score in the gradebook and downloads it as CSV."""
from __future__ import annotations

import csv
import io
import re
import time
import uuid

from .learner import join_course, log_in, run, sign_up, wait_ready

EX = "exercise-publish-web"
TEACHER, TEACHER_PASSWORD = "instructor", "podscape-instructor"      # manage.py ensure_demo_users


def task_passed(page, task: str) -> bool:
    return page.locator(f'#lesson-pane [data-task="{task}"]').get_attribute("data-passed") == "true"


def wait_task(page, task: str, timeout: float = 40.0) -> None:
    """Pods take a few (real) seconds to start: look again after each harmless command until it passes."""
    deadline = time.time() + timeout
    while not task_passed(page, task):
        assert time.time() < deadline, f"task {task} never passed:\n" + page.locator("#lesson-pane").inner_text()
        time.sleep(2)
        run(page, "kubectl get pods")
        page.wait_for_timeout(500)


def test_course_join_exercise_gradebook_and_csv(page, browser, server):
    base = server["base"]
    # the instructor creates a course with the exercise and a due date
    log_in(page, base, TEACHER, TEACHER_PASSWORD)
    page.goto(base + "/lessons/courses/")
    page.get_by_role("link", name="New course").click()
    title = f"Networking {uuid.uuid4().hex[:6]}"
    page.fill("#course-title", title)
    page.check(f"#item-{EX}")
    page.fill(f'input[name="due-{EX}"]', "2027-03-01T09:00")
    page.get_by_role("button", name="Create course").click()
    page.wait_for_url(re.compile(r".*/lessons/courses/\d+/$"))
    course_url = page.url
    code = page.locator(".join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    assert "2027-03-01 09:00" in page.locator(f'tr[data-item="{EX}"]').inner_text()

    # a learner joins with the code and opens the exercise from the course page
    learner_ctx = browser.new_context(viewport={"width": 1600, "height": 900})
    learner = learner_ctx.new_page()
    name = f"learner-{uuid.uuid4().hex[:8]}"
    sign_up(learner, base, name)
    join_course(learner, base, code, course_url)
    assert learner.get_by_role("link", name="Gradebook").count() == 0
    learner.locator(f'tr[data-item="{EX}"] button').click()
    learner.wait_for_url(re.compile(r".*/sandboxes/\d+/$"))
    wait_ready(learner, 15000)
    learner.wait_for_selector('#lesson-pane [data-task="nodeport"]')
    assert not task_passed(learner, "internal") and not task_passed(learner, "nodeport")
    assert "0 / 5 points" in learner.locator("#lesson-pane .ex-score").inner_text()

    # a hint, then the work; each task shows live whether it passes
    learner.get_by_role("button", name="Show a hint").first.click()
    learner.wait_for_selector("#lesson-pane .hint")
    result = run(learner, "kubectl expose deploy web --name=web-internal --port=8080 --target-port=80")
    assert result["assessment"]["verdict"] == "graded"
    wait_task(learner, "internal")
    assert not task_passed(learner, "nodeport")
    run(learner, "kubectl expose deploy web --port=80 --type=NodePort")
    run(learner, "kubectl patch svc web -p '{\"spec\":{\"ports\":[{\"port\":80,\"nodePort\":30080}]}}'")
    wait_task(learner, "nodeport")
    learner.wait_for_function("document.querySelector('#lesson-pane .exercise-content')"
                              ".getAttribute('data-score') === '5'")
    learner.get_by_role("button", name="Submit for grading").click()
    learner.wait_for_selector("#lesson-pane .ex-submitted")
    assert "Submitted: 5 / 5 points recorded." in learner.locator("#lesson-pane .ex-submitted").inner_text()
    # the learner is not allowed into the gradebook
    course_id = course_url.rstrip("/").rsplit("/", 1)[1]
    assert learner.goto(f"{base}/lessons/courses/{course_id}/gradebook/").status == 403
    learner_ctx.close()

    # the instructor sees the score and downloads the CSV
    page.goto(course_url)
    page.get_by_role("link", name="Gradebook").click()
    cell = page.locator(f'tr[data-learner="{name}"] td[data-item="{EX}"]')
    assert cell.get_attribute("data-score") == "5" and "5/5" in cell.inner_text()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(open(info.value.path()).read())))
    assert rows[0][:4] == ["learner", f"{EX} score", f"{EX} max", f"{EX} attempts"]
    assert [name, "5", "5", "1"] == next(r for r in rows if r[0] == name)[:4]
    # drill into the attempt: the commands the learner ran, with their output
    cell.get_by_role("link").click()
    page.wait_for_url(re.compile(r".*/attempts/\d+/$"))
    body = page.locator("main").inner_text()
    assert "$ kubectl patch svc web" in body and "service/web patched" in body
    assert "5 / 5 points" in body
    assert page.errors == []


def test_the_preview_reloads_when_the_file_is_saved(page, server):
    import os

    from lessons import format

    log_in(page, server["base"], TEACHER, TEACHER_PASSWORD)
    page.goto(server["base"] + "/lessons/preview/")
    page.get_by_role("link", name="20-capstone-wordpress.md").click()
    assert page.locator("h1").inner_text() == "Capstone: WordPress and MariaDB"
    page.wait_for_function("window.podscapePreview && window.podscapePreview.polls >= 1", timeout=5000)
    path = format.CONTENT_DIR / "20-capstone-wordpress.md"
    stat = path.stat()
    with page.expect_event("load", timeout=10000):
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))    # the author saves the file
    assert page.locator("h1").inner_text() == "Capstone: WordPress and MariaDB"
    assert page.errors == []
