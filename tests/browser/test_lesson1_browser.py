"""Lesson 1 in a real browser: log in, type the lesson's commands into the terminal, edit the Service in
the editor pane, and watch the lesson pane and the diagram follow.

Runs the real stack (daphne: HTTP + WebSocket) in a subprocess against a throw-away SQLite database,
because pytest-django's live_server is WSGI only. Headless Chromium from /usr/bin/chromium.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LESSON = "services-clusterip-nodeport"
USER, PASSWORD = "learner", "podscape-learner"     # manage.py ensure_demo_users
ARTIFACTS = ROOT / "tests" / "artifacts"

if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
    pytest.skip("headless Chromium is not installed at /usr/bin/chromium (`make chromium` installs it); "
                "in CI this test must run", allow_module_level=True)



def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    out = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}"
    return out.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """daphne serving the app on a free port, with a migrated temporary database, lessons and demo users."""
    tmp = tmp_path_factory.mktemp("browser")
    env = dict(os.environ)
    env.update({"DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}", "DJANGO_DEBUG": "1",
                "DJANGO_SETTINGS_MODULE": "playground.settings", "PYTHONUNBUFFERED": "1"})
    env.pop("REDIS_URL", None)             # one process: the in-memory channel layer is enough
    manage(env, "migrate", "--noinput")
    manage(env, "loadlessons")
    manage(env, "ensure_demo_users")
    port = free_port()
    daphne = shutil.which("daphne", path=str(Path(sys.executable).parent)) or "daphne"
    log = open(tmp / "daphne.log", "w")
    proc = subprocess.Popen([daphne, "-b", "127.0.0.1", "-p", str(port), "playground.asgi:application"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                log.close()
                pytest.fail("daphne did not start:\n" + (tmp / "daphne.log").read_text())
            time.sleep(0.2)
    yield {"base": base, "log": tmp / "daphne.log"}
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture
def page(server):
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1600, "height": 900}, device_scale_factor=1)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.errors = errors
        yield page
        context.close()
        browser.close()


# ---- helpers: what a learner does and sees ---------------------------------------------------------------
def log_in(page, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", USER)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r".*/sandboxes/$|.*/$"))


def open_lesson_sandbox(page, base: str, title_part: str) -> None:
    page.goto(base + "/")
    page.get_by_role("button", name=re.compile(title_part)).click()
    page.wait_for_url(re.compile(r".*/sandboxes/\d+/$"))
    page.wait_for_function("window.podscape && window.podscape.helloCount >= 1", timeout=15000)
    page.wait_for_function("window.podscape.currentLine().ready", timeout=5000)


def run(page, line: str, timeout: float = 15000) -> dict:
    """Type a command into the terminal like a learner (key by key), press Enter, return the result."""
    before, errors = page.evaluate("[window.podscape.results.length, window.podscape.errors.length]")
    page.locator("#terminal .xterm").click()
    page.keyboard.type(line, delay=2)
    page.keyboard.press("Enter")
    page.wait_for_function(f"window.podscape.results.length > {before} || window.podscape.errors.length > {errors}",
                           timeout=timeout)
    error = page.evaluate(f"window.podscape.errors[{errors}]")
    assert error is None, f"the server answered {line!r} with an error: {error}"
    return page.evaluate(f"window.podscape.results[{before}]")


def screen(page) -> str:
    return page.evaluate("window.podscape.screenText()")


def wait_for_prompt(page) -> None:
    page.wait_for_function("window.podscape.currentLine().ready", timeout=5000)


def lesson_steps(page) -> list[dict]:
    """Each step the lesson pane lists, with whether it shows as complete."""
    return page.evaluate("""() => [...document.querySelectorAll('#lesson-pane [data-step]')].map((el) => ({
        id: el.dataset.step,
        done: el.matches('.done, .complete, .completed, [data-done="true"], [data-state="done"]'),
        text: el.textContent.trim().slice(0, 80),
    }))""")


def wait_step_done(page, step_id: str) -> None:
    page.wait_for_function(
        """(id) => { const el = document.querySelector(`#lesson-pane [data-step="${id}"]`);
            return el && el.matches('.done, .complete, .completed, [data-done="true"], [data-state="done"]'); }""",
        arg=step_id, timeout=10000)


def diagram(page) -> dict:
    return page.evaluate("window.podscape.diagram")


# ---- the test ----------------------------------------------------------------------------------------------
def test_lesson1_in_the_browser(server, page):
    base = server["base"]
    log_in(page, base)
    open_lesson_sandbox(page, base, "ClusterIP and NodePort")
    assert "student@ubuntu:~$" in screen(page)
    page.wait_for_selector("#lesson-pane [data-step]", timeout=10000)
    steps = [s["id"] for s in lesson_steps(page)]
    assert steps, "the lesson pane lists no steps"

    # 1. three nginx pods
    r = run(page, "kubectl create deploy nginx-app --image=nginx:latest --replicas=3")
    assert r["output"] == "deployment.apps/nginx-app created\n"
    assert r["exit_code"] == 0
    wait_step_done(page, steps[0])
    page.wait_for_function("""() => (window.podscape.diagram.pods || [])
        .filter((p) => p.namespace === 'default' && p.name.startsWith('nginx-app-')).length === 3""")

    # 2. a ClusterIP Service in front of them
    r = run(page, "kubectl expose deploy nginx-app --port=80")
    assert r["output"] == "service/nginx-app exposed\n"
    page.wait_for_function("""() => (window.podscape.diagram.services || [])
        .some((s) => s.id === 'service/default/nginx-app' && s.type === 'ClusterIP')""")

    r = run(page, "kubectl get service nginx-app")
    assert re.match(r"NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE\n"
                    r"nginx-app +ClusterIP +10\.\d+\.\d+\.\d+ +<none> +80/TCP +\d+s\n$", r["output"]), r["output"]

    # 3. kubectl edit: the editor pane slides over the terminal with the live Service as YAML
    r = run(page, "kubectl edit service nginx-app")
    assert r["editor"], "kubectl edit did not open the editor"
    editor = page.locator("#editor-pane")
    editor.wait_for(state="visible")
    page.wait_for_function("window.podscape.editor.isOpen")
    yaml_text = page.evaluate("window.podscape.editor.content()")
    assert "type: ClusterIP" in yaml_text and "name: nginx-app" in yaml_text
    edited = yaml_text.replace("type: ClusterIP", "type: NodePort")
    edited, n = re.subn(r"^( *)- port: 80$", r"\1- nodePort: 32000\n\1  port: 80", edited, count=1, flags=re.M)
    assert n == 1, "could not find the port entry in:\n" + yaml_text
    # replace the text as a paste would, then save with the keyboard
    page.locator("#editor-pane .cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(edited)
    assert page.evaluate("window.podscape.editor.content()") == edited
    before = page.evaluate("window.podscape.results.length")
    page.keyboard.press("Control+s")
    page.wait_for_function(f"window.podscape.results.length > {before}")
    r = page.evaluate(f"window.podscape.results[{before}]")
    assert r["output"] == "service/nginx-app edited\n", r["output"]
    editor.wait_for(state="hidden")
    wait_for_prompt(page)
    assert "service/nginx-app edited" in screen(page)

    r = run(page, "kubectl get service nginx-app")
    assert re.search(r"^nginx-app +NodePort +10\.\d+\.\d+\.\d+ +<none> +80:32000/TCP +\d+s$", r["output"], re.M), r["output"]
    page.wait_for_function("""() => (window.podscape.diagram.services || [])
        .some((s) => s.id === 'service/default/nginx-app' && s.type === 'NodePort' && s.ports === '80:32000/TCP')""")

    # 4. from the learner's machine through the node's IP
    r = run(page, "curl http://$(minikube ip):32000")
    assert "<title>Welcome to nginx!</title>" in r["output"]
    assert r["exit_code"] == 0

    # every step of the lesson shows as complete in the lesson pane
    page.wait_for_function("""() => { const s = [...document.querySelectorAll('#lesson-pane [data-step]')];
        return s.length && s.every((el) => el.matches('.done, .complete, .completed, [data-done="true"], [data-state="done"]')); }""",
                           timeout=10000)

    # the diagram: 3 nginx pods inside the minikube node, the Service selecting them, the host reaching 32000
    d = diagram(page)
    nginx = [p for p in d["pods"] if p["namespace"] == "default" and p["name"].startswith("nginx-app-")]
    assert len(nginx) == 3 and all(p["parent"] == "node/minikube" for p in nginx)
    selects = {e["target"] for e in d["edges"] if e["source"] == "service/default/nginx-app"}
    assert selects == {p["id"] for p in nginx}
    assert any(e["source"] == "host" and e["target"] == "service/default/nginx-app" and e["label"] == "32000"
               for e in d["edges"])
    assert page.evaluate("window.cy.$('#' + CSS.escape('service/default/nginx-app')).renderedBoundingBox().w") > 0

    page.wait_for_timeout(1200)       # let the relayout and the traffic dot finish
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "lesson1.png"))
    (ROOT / "docs").mkdir(exist_ok=True)
    shutil.copyfile(ARTIFACTS / "lesson1.png", ROOT / "docs" / "screenshot.png")
    assert page.errors == [], page.errors
