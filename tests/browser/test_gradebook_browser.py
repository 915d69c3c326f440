"""Issue 17's gradebook in a real browser: an instructor creates a course with a lesson and an exercise in
Europe/Berlin, one learner does part of the lesson in the terminal, another submits the exercise; the
gradebook shows both kinds side by side, due dates in the course's zone, an overdue flag, totals with maxima.
Saves tests/artifacts/gradebook-1280x720.png, gradebook-1600x900.png and course-form-1280x720.png."""
from __future__ import annotations

import re
import uuid
from pathlib import Path

from .learner import join_course, log_in, run, sign_up, wait_ready, wait_step_done
from .test_course_browser import wait_task

LESSON, EX = "services-clusterip-nodeport", "exercise-publish-web"
TEACHER, TEACHER_PASSWORD = "instructor", "podscape-instructor"      # manage.py ensure_demo_users
ARTIFACTS = Path(__file__).resolve().parents[2] / "tests" / "artifacts"


def join_and_open(browser, base: str, code: str, course_url: str, slug: str):
    context = browser.new_context(viewport={"width": 1600, "height": 900})
    learner = context.new_page()
    name = f"learner-{uuid.uuid4().hex[:8]}"
    sign_up(learner, base, name)
    join_course(learner, base, code, course_url)
    learner.locator(f'tr[data-item="{slug}"] button').click()
    learner.wait_for_url(re.compile(r".*/sandboxes/\d+/$"))
    wait_ready(learner, 15000)
    return context, learner, name


def test_gradebook_of_lessons_and_exercises(page, browser, server):
    base = server["base"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_in(page, base, TEACHER, TEACHER_PASSWORD)
    page.goto(base + "/lessons/courses/new/")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.fill("#course-title", f"Services {uuid.uuid4().hex[:6]}")
    page.select_option("#course-time-zone", "Europe/Berlin")
    page.check(f"#item-{LESSON}")
    page.check(f"#item-{EX}")
    page.fill(f'input[name="due-{LESSON}"]', "2020-01-01T09:00")        # past: the lesson will be overdue
    page.fill(f'input[name="due-{EX}"]', "2099-07-01T18:00")
    page.locator(f'input[name="due-{EX}"]').scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "course-form-1280x720.png"))
    page.get_by_role("button", name="Create course").click()
    page.wait_for_url(re.compile(r".*/lessons/courses/\d+/$"))
    course_url = page.url
    code = page.locator(".join-code").inner_text().strip()
    assert "2099-07-01 18:00 CEST" in page.locator(f'tr[data-item="{EX}"]').inner_text()
    assert "Exercise: Exercise:" not in page.locator("main").inner_text()

    # one learner does the lesson's first step, another hands in part of the exercise
    ctx_a, learner_a, name_a = join_and_open(browser, base, code, course_url, LESSON)
    run(learner_a, "kubectl create deploy nginx-app --image=nginx:latest --replicas=3")
    wait_step_done(learner_a, "create-deployment", 30000)
    learner_a.goto(course_url)
    assert re.search(r"1/\d+ steps", learner_a.locator(f'tr[data-item="{LESSON}"]').inner_text())
    ctx_a.close()
    ctx_b, learner_b, name_b = join_and_open(browser, base, code, course_url, EX)
    run(learner_b, "kubectl expose deploy web --name=web-internal --port=8080 --target-port=80")
    wait_task(learner_b, "internal")
    learner_b.get_by_role("button", name="Submit for grading").click()
    learner_b.wait_for_selector("#lesson-pane .ex-submitted")
    ctx_b.close()

    page.goto(course_url)
    page.get_by_role("link", name="Gradebook").click()
    page.wait_for_url(re.compile(r".*/gradebook/$"))
    a_lesson = page.locator(f'tr[data-learner="{name_a}"] td[data-item="{LESSON}"]')
    assert a_lesson.get_attribute("data-score") == "1" and "overdue" in a_lesson.inner_text()   # not finished
    b_exercise = page.locator(f'tr[data-learner="{name_b}"] td[data-item="{EX}"]')
    assert "2/5" in b_exercise.inner_text()
    assert "due 2020-01-01 09:00 CET" in page.locator(f'th[data-item="{LESSON}"]').inner_text()
    assert page.locator(f'tr[data-learner="{name_b}"] td[data-total="points"]').inner_text() == "2/5"
    for width, height in ((1280, 720), (1600, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTIFACTS / f"gradebook-{width}x{height}.png"))
    # the lesson cell opens the learner's progress, the header the lesson itself
    a_lesson.get_by_role("link").click()
    page.wait_for_url(re.compile(r".*/progress/\d+/$"))
    assert re.search(r"1 of \d+ steps done", page.locator("main").inner_text())
    page.go_back()
    page.locator(f'th[data-item="{EX}"] a').click()
    page.wait_for_url(re.compile(rf".*/preview/item/{EX}/$"))
    assert "{{" not in page.content()
    assert page.errors == []
