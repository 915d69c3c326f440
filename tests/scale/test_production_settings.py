"""DJANGO_DEBUG=0 as the README's production layout runs it: collectstatic into STATIC_ROOT, pages refer to
hashed static files WhiteNoise serves, cookies secure behind HTTPS, the deploy checks quiet."""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

from .stack import ROOT

PROBE = r"""
import json, re, django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playground import services
user = get_user_model().objects.create_user("prod")
box = services.create_sandbox(user, "prod")
c = Client()
c.force_login(user)
page = c.get(f"/sandboxes/{box.pk}/", secure=True, HTTP_X_FORWARDED_PROTO="https")
refs = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.content.decode())
static = c.get(refs[0], secure=True, HTTP_X_FORWARDED_PROTO="https") if refs else None
plain = c.get("/accounts/login/")
print("PROBE" + json.dumps({"status": page.status_code, "refs": refs, "static": static.status_code if static else None,
    "cookie_secure": settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE, "debug": settings.DEBUG,
    "redirect": [plain.status_code, plain.get("Location")]}))
"""


def test_production_settings_serve_collected_static_over_https(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"DJANGO_SETTINGS_MODULE": "playground.settings", "DJANGO_DEBUG": "0", "DJANGO_HTTPS": "1",
                "STATIC_ROOT": str(tmp_path / "static"), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                "ALLOWED_HOSTS": "testserver", "SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_HSTS_SECONDS": "3600",
                "DJANGO_HSTS_PRELOAD": "1"})
    for args in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        out = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=300)
        assert out.returncode == 0, out.stderr
    assert any(p.name.endswith(".css.gz") for p in (tmp_path / "static").rglob("*"))   # compressed copies
    check = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    probe = json.loads(out.stdout.split("PROBE", 1)[1])
    assert probe["status"] == 200 and probe["debug"] is False and probe["cookie_secure"] is True
    assert probe["refs"] and all(len(p.rsplit(".", 2)[-2]) == 12 for p in probe["refs"])   # name.<hash>.js
    assert probe["static"] == 200
    assert probe["redirect"] == [301, "https://testserver/accounts/login/"]
