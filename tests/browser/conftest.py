"""The real stack for browser tests: daphne (HTTP + WebSocket) in a subprocess on a free port, against a
throw-away SQLite database with the lessons and demo users loaded, and headless Chromium from
/usr/bin/chromium. pytest-django's live_server is WSGI only, so it cannot serve the terminal's socket.

Outside CI the browser tests skip when Chromium is missing; in CI (CI set) they must run.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PODSCAPE_CHROMIUM", "/usr/bin/chromium")     # PODSCAPE_CHROMIUM: another build
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM) or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"headless Chromium is not installed at {CHROMIUM} (`make chromium` "
                                   "installs it); in CI these tests must run")
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env: dict, *args: str) -> str:
    out = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}"
    return out.stdout


@contextlib.contextmanager
def serving(tmp: Path, extra_env: dict | None = None):
    """daphne serving the app, with a migrated database in `tmp`, the lessons and the demo users; yields
    {"base": url, "log": path}. Also used by tests/bench/bench_diagram_browser.py and `make screenshot`."""
    env = dict(os.environ)
    env.update({"DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}", "DJANGO_DEBUG": "1",
                "DJANGO_SETTINGS_MODULE": "playground.settings", "PYTHONUNBUFFERED": "1",
                # every test signs up its own learner from 127.0.0.1, a classroom behind one address: the
                # per-address sign-up throttle (20 an hour, tested in tests/security) would refuse most
                "PODSCAPE_SIGNUPS_PER_HOUR": "100000"})
    env.update(extra_env or {})
    env.pop("REDIS_URL", None)             # one process: the in-memory channel layer is enough
    _manage(env, "migrate", "--noinput")
    _manage(env, "loadlessons")
    _manage(env, "ensure_demo_users")
    port = _free_port()
    daphne = shutil.which("daphne", path=str(Path(sys.executable).parent)) or "daphne"
    log_path = tmp / "daphne.log"
    log = open(log_path, "w")
    proc = subprocess.Popen([daphne, "-b", "127.0.0.1", "-p", str(port), "playground.asgi:application"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    try:
        while True:
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("daphne did not start:\n" + log_path.read_text()) from None
                time.sleep(0.2)
        yield {"base": base, "log": log_path}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """daphne serving the app, with a migrated temporary database, the lessons and the demo users."""
    with serving(tmp_path_factory.mktemp("browser")) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser():
    # Module scope, not session: Playwright's sync API keeps an event loop running in this thread while it
    # is open, and tests collected after the browser tests call asyncio.run(), which refuses to nest.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1600, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()
