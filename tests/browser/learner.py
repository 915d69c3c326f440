"""What a learner does in the browser (log in, open a lesson, type into the terminal) and what they see.

The page exposes window.podscape (static/js/app.js): the socket's results and errors, the terminal's
screen text and current line, the editor pane, and the diagram's pods, Services and edges.
"""
from __future__ import annotations

import re
import time

USER, PASSWORD = "learner", "podscape-learner"     # manage.py ensure_demo_users
LESSON1_TITLE = "ClusterIP and NodePort"
DONE = '.done, .complete, .completed, [data-done="true"]'


def log_in(page, base: str, username: str = USER, password: str = PASSWORD) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, "login failed"


def sign_up(page, base: str, username: str, password: str = "orbit-lantern-kettle-42") -> None:
    """A new account through the sign-up form (each test its own learner, so sandboxes never run out)."""
    page.goto(base + "/accounts/signup/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r".*/sandboxes/$"))


def join_course(page, base: str, code: str, course_url: str) -> None:
    """Join a course with its code from the Courses page; lands on the course's page."""
    page.goto(base + "/lessons/courses/")
    page.fill("#join-code", code)
    page.get_by_role("button", name="Join").click()
    page.wait_for_url(course_url)


def open_lesson(page, base: str, title_part: str = LESSON1_TITLE) -> None:
    """Start (or reopen) the lesson's sandbox from the home page's lesson list."""
    page.goto(base + "/")
    exact = page.get_by_role("button", name=title_part, exact=True)   # "Ingress", not "From Ingress to ..."
    (exact if exact.count() == 1 else page.get_by_role("button", name=re.compile(re.escape(title_part)))).click()
    page.wait_for_url(re.compile(r".*/sandboxes/\d+/$"))
    wait_ready(page, 15000)


def open_free_sandbox(page, base: str, name: str) -> None:
    page.goto(base + "/sandboxes/")
    page.fill("input[name=name]", name)
    page.locator("form:has(input[name=name]) [type=submit]").click()
    page.wait_for_url(re.compile(r".*/sandboxes/\d+/$"))
    wait_ready(page, 15000)


def wait_ready(page, timeout: float = 5000) -> None:
    """The socket said hello and the terminal shows a prompt, ready for input."""
    page.wait_for_function("window.podscape && window.podscape.helloCount >= 1 && "
                           "window.podscape.currentLine().ready", timeout=timeout)


def type_line(page, text: str) -> None:
    page.locator("#terminal .xterm").click()
    page.keyboard.type(text, delay=2)


def run(page, line: str, timeout: float = 15000) -> dict:
    """Type a command key by key, press Enter, and return the server's result for it."""
    before, errors = page.evaluate("[window.podscape.results.length, window.podscape.errors.length]")
    type_line(page, line)
    page.keyboard.press("Enter")
    page.wait_for_function(f"window.podscape.results.length > {before} || window.podscape.errors.length > {errors}",
                           timeout=timeout)
    error = page.evaluate(f"window.podscape.errors[{errors}]")
    assert error is None, f"the server answered {line!r} with an error: {error}"
    return page.evaluate(f"window.podscape.results[{before}]")


def screen(page) -> str:
    """The terminal's text as the learner sees it (wrapped rows joined)."""
    return page.evaluate("window.podscape.screenText()")


def wait_screen(page, text: str, timeout: float = 5.0) -> str:
    """Waits until the terminal shows `text`; returns the screen."""
    deadline = time.monotonic() + timeout
    while True:
        shown = screen(page)
        if text in shown:
            return shown
        assert time.monotonic() < deadline, f"the terminal never showed {text!r}:\n{shown}"
        page.wait_for_timeout(50)


def current_line(page) -> dict:
    return page.evaluate("window.podscape.currentLine()")


def sent_commands(page) -> list[str]:
    return page.evaluate("window.podscape.commands")


def lesson_steps(page) -> list[dict]:
    return page.evaluate("""(done) => [...document.querySelectorAll('#lesson-pane [data-step]')].map((el) => ({
        id: el.dataset.step, done: el.matches(done), title: (el.querySelector('h3') || el).textContent.trim()}))""",
                         DONE)


def wait_step_done(page, step_id: str, timeout: float = 10000) -> None:
    page.wait_for_function("""([id, done]) => {
        const el = document.querySelector(`#lesson-pane [data-step="${id}"]`);
        return !!el && el.matches(done); }""", arg=[step_id, DONE], timeout=timeout)


def diagram(page) -> dict:
    return page.evaluate("window.podscape.diagram")
