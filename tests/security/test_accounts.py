"""Issue 13, item 6: accounts. API tokens are hashed, shown once, revocable, and die with logout and a password
change; a logout closes the learner's terminals; password change and reset work; login throttling also
counts per address across usernames; production refuses the committed secret key."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from channels.db import database_sync_to_async
from django.core import mail
from django.test import Client

from playground.models import ApiToken
from tests.security.test_isolation import socket

pytestmark = pytest.mark.django_db

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def logged_in(user) -> Client:
    c = Client(enforce_csrf_checks=True)
    c.force_login(user)
    c.get("/sandboxes/")                       # the csrftoken cookie
    return c


def csrf(c: Client) -> dict:
    return {"HTTP_X_CSRFTOKEN": c.cookies["csrftoken"].value}


def works(key: str) -> int:
    return Client().get("/api/sandboxes", HTTP_AUTHORIZATION=f"Token {key}").status_code


def test_a_token_is_stored_hashed_shown_once_and_revocable(alice):
    c = logged_in(alice)
    key = c.post("/api/token", **csrf(c)).json()["token"]
    assert works(key) == 200
    stored = ApiToken.objects.get(user=alice)
    assert key not in stored.key and len(stored.key) == 64            # a SHA-256, not the key
    shown = c.get("/api/token").json()
    assert shown["token"] is None and "created" in shown                # never shown again
    assert c.delete("/api/token").status_code == 403                    # CSRF, as for a POST
    assert c.delete("/api/token", **csrf(c)).json() == {"revoked": True}
    assert works(key) == 401
    newer = c.post("/api/token", **csrf(c)).json()["token"]
    again = c.post("/api/token", **csrf(c)).json()["token"]             # a new one replaces the old
    assert works(newer) == 401 and works(again) == 200


def test_logout_and_password_change_kill_tokens(alice):
    c = logged_in(alice)
    key = c.post("/api/token", **csrf(c)).json()["token"]
    c.post("/accounts/logout/", **csrf(c))
    assert works(key) == 401
    c = logged_in(alice)
    key = c.post("/api/token", **csrf(c)).json()["token"]
    r = c.post("/accounts/password/", {"old_password": "alice-password", "new_password1": "a-New-passphrase-7",
                                       "new_password2": "a-New-passphrase-7"}, **csrf(c))
    assert r.status_code == 302 and r["Location"] == "/accounts/password/done/"
    assert works(key) == 401
    assert c.get("/sandboxes/").status_code == 200                      # this session stays logged in
    # a password set any other way (the admin, a reset) ends the token too
    key = c.post("/api/token", **csrf(c)).json()["token"]
    alice.set_password("yet-Another-pass-8")
    alice.save()
    assert works(key) == 401


def test_password_reset_by_email(alice):
    r = Client().post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert r.status_code == 302 and len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    c = Client()
    form = c.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = c.post(form.redirect_chain[-1][0], {"new_password1": "a-Reset-passphrase-3",
                                               "new_password2": "a-Reset-passphrase-3"})
    assert done.status_code == 302
    assert Client().login(username="alice", password="a-Reset-passphrase-3")
    assert "has been used" in Client().get(link, follow=True).content.decode()


def test_login_throttling_counts_per_address_across_usernames(settings, django_user_model):
    settings.PODSCAPE_LOGIN_FAILURES_PER_ADDRESS = 5
    django_user_model.objects.create_user("victim", password="the-Right-pass-1")
    spray = Client(REMOTE_ADDR="10.1.1.1")
    codes = [spray.post("/accounts/login/", {"username": f"user{n}", "password": "Summer2026"}).status_code
             for n in range(6)]
    assert codes == [200] * 5 + [429]
    refused = spray.post("/accounts/login/", {"username": "victim", "password": "the-Right-pass-1"})
    assert refused.status_code == 429 and "Too many failed logins from your address" in refused.content.decode()
    ok = Client(REMOTE_ADDR="10.1.1.2").post("/accounts/login/", {"username": "victim",
                                                                  "password": "the-Right-pass-1"})
    assert ok.status_code == 302


@pytest.mark.django_db(transaction=True)
async def test_logout_closes_the_learners_open_terminals():
    from tests.security.test_isolation import learner

    user, box, session = await learner("alice")
    comm = await socket(box, session)
    c = Client()
    c.cookies["sessionid"] = session
    await database_sync_to_async(c.post)("/accounts/logout/")
    assert await comm.receive_json_from(timeout=10) == {
        "type": "error", "message": "you logged out (or changed your password); log in again"}
    assert (await comm.receive_output(timeout=10)) == {"type": "websocket.close", "code": 4401}


def test_production_refuses_the_committed_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | {"DJANGO_DEBUG": "0",
                                                                       "DJANGO_SETTINGS_MODULE": "playground.settings"}
    out = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "DJANGO_DEBUG=0 needs SECRET_KEY" in out.stderr
    env["SECRET_KEY"] = "a-real-secret-" + "x" * 40
    ok = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env,
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
