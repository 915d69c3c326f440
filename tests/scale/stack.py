"""A real Podscape deployment on this machine for the scale tests and the load generator: a fresh database
(a SQLite file, or a new PostgreSQL database created for the run and dropped after), N daphne worker
processes on free ports sharing it (and Redis, for the channel layer and the cache), learners with logged-in
sessions and a sandbox each. Localhost only.

`kind` is "embedded" (SQLite + in-memory channel layer, one worker) or "pgredis" (PostgreSQL + Redis,
any number of workers).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("SCALE_PG_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("SCALE_REDIS_URL", "redis://127.0.0.1:6379/0")


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def pgredis_reachable() -> tuple[bool, str]:
    pg, redis = urlsplit(PG_URL), urlsplit(REDIS_URL)
    missing = [f"{what} at {u.hostname}:{u.port}" for what, u in (("PostgreSQL", pg), ("Redis", redis))
               if not reachable(u.hostname, u.port)]
    return (not missing, "not reachable: " + ", ".join(missing))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SEED = r"""
import json, os, sys
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from playground import services
User = get_user_model()
out = []
for i in range(int(os.environ["SEED_FROM"]), int(os.environ["SEED_TO"])):
    user = User.objects.create_user(f"learner{i}", None, None, is_staff=os.environ.get("SEED_STAFF") == "1")
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    box = services.create_sandbox(user, "load", os.environ.get("SEED_LESSON", ""))
    out.append({"user": user.username, "session": s.session_key, "sandbox": box.pk})
sys.stdout.write("SEED" + json.dumps(out) + "\n")
"""


class Worker:
    def __init__(self, stack: "Stack", index: int):
        self.stack, self.index = stack, index
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log_path = stack.tmp / f"worker{index}.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_base(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> None:
        daphne = shutil.which("daphne", path=str(Path(sys.executable).parent)) or "daphne"
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen([daphne, "-b", "127.0.0.1", "-p", str(self.port),
                                      "playground.asgi:application"],
                                     cwd=ROOT, env=self.stack.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.time() + timeout
        while True:
            try:
                urllib.request.urlopen(self.base + "/accounts/login/", timeout=2).read()
                return
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    self.stop()
                    raise RuntimeError(f"worker {self.index} did not start:\n{self.log_path.read_text()}")
                time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing, as when a machine or the OOM killer takes it."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


class Stack:
    def __init__(self, kind: str, workers: int = 1, extra_env: dict | None = None):
        assert kind in ("embedded", "pgredis")
        if kind == "embedded" and workers != 1:
            raise ValueError("the in-memory channel layer cannot join two processes: use pgredis")
        self.kind = kind
        self.tmp = Path(tempfile.mkdtemp(prefix=f"podscape-{kind}-"))
        tag = uuid.uuid4().hex[:10]
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update({"DJANGO_SETTINGS_MODULE": "playground.settings", "PYTHONUNBUFFERED": "1",
                    "DJANGO_DEBUG": "0", "WHITENOISE_USE_FINDERS": "1", "LOG_LEVEL": "ERROR",
                    "PODSCAPE_LOGIN_FAILURES": "1000000", "SECRET_KEY": f"scale-{uuid.uuid4().hex}"})
        self.db_name = None
        if kind == "pgredis":
            self.db_name = f"podscape_scale_{tag}"
            u = urlsplit(PG_URL)
            self._admin_url = PG_URL
            env["DATABASE_URL"] = urlunsplit((u.scheme, u.netloc, "/" + self.db_name, u.query, u.fragment))
            env["REDIS_URL"] = REDIS_URL
            env["CHANNEL_PREFIX"] = f"scale{tag}"
            env["CACHE_KEY_PREFIX"] = f"scale{tag}"
        else:
            env["DATABASE_URL"] = f"sqlite:///{self.tmp / 'db.sqlite3'}"
        env.update(extra_env or {})
        self.env = env
        self.workers = [Worker(self, i) for i in range(workers)]
        self.learners: list[dict] = []

    # ---- lifecycle ---------------------------------------------------------------------------------------
    def _pg(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self._admin_url.replace("postgres://", "postgresql://", 1), autocommit=True) as c:
            c.execute(sql)

    def manage(self, *args: str, env: dict | None = None, timeout: float = 600) -> str:
        out = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**self.env, **(env or {})},
                             capture_output=True, text=True, timeout=timeout)
        if out.returncode != 0:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{out.stdout}\n{out.stderr}")
        return out.stdout

    def start(self) -> "Stack":
        if self.db_name:
            self._pg(f'CREATE DATABASE "{self.db_name}"')
        self.manage("migrate", "--noinput")
        for w in self.workers:
            w.start()
        return self

    def seed(self, n: int, lesson: str = "", staff: bool = False) -> list[dict]:
        """n more learners, each logged in (a session cookie) with one sandbox."""
        start = len(self.learners)
        out = self.manage("shell", "-c", SEED, env={"SEED_FROM": str(start), "SEED_TO": str(start + n),
                                                     "SEED_LESSON": lesson, "SEED_STAFF": "1" if staff else "0",
                                                     "PODSCAPE_CREATES_PER_MINUTE": "1000000"})
        rows = json.loads(out.split("SEED", 1)[1])
        self.learners.extend(rows)
        return rows

    def close(self) -> None:
        for w in self.workers:
            w.stop()
        if self.db_name:
            try:
                self._pg(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            except Exception:
                pass
        if os.environ.get("PODSCAPE_STACK_KEEP"):      # the workers' logs, for a run worth reading after
            sys.stderr.write(f"stack kept in {self.tmp}\n")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc) -> None:
        if exc[0] is not None:          # show what the workers said (pytest prints stderr on failure)
            for w in self.workers:
                if w.log_path.exists():
                    sys.stderr.write(f"---- worker {w.index} log (tail) ----\n{w.log_path.read_text()[-4000:]}\n")
        self.close()


# ---- clients ---------------------------------------------------------------------------------------------
def ws_connect(worker: Worker, learner: dict, origin: str | None = None):
    """A terminal socket as the browser opens it: session cookie, same-origin Origin header."""
    from websockets.asyncio.client import connect

    return connect(f"{worker.ws_base}/ws/sandboxes/{learner['sandbox']}/",
                   origin=origin or worker.base, additional_headers={"Cookie": f"sessionid={learner['session']}"},
                   max_size=2**24, open_timeout=20, ping_interval=None)


def http_client(worker: Worker, learner: dict | None = None, timeout: float = 20):
    import httpx

    cookies = {"sessionid": learner["session"]} if learner else None
    return httpx.Client(base_url=worker.base, cookies=cookies, timeout=timeout, follow_redirects=False)


async def recv_until(ws, predicate, timeout: float = 20) -> tuple[dict, list[dict]]:
    """Read messages until one satisfies predicate; (that message, everything read before it)."""
    import asyncio

    seen = []
    async with asyncio.timeout(timeout):
        while True:
            msg = json.loads(await ws.recv())
            if predicate(msg):
                return msg, seen
            seen.append(msg)
