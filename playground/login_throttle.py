"""Login throttling: after PODSCAPE_LOGIN_FAILURES failed logins for one username from one address within
five minutes, or PODSCAPE_LOGIN_FAILURES_PER_ADDRESS from one address whatever the usernames (spraying one
password over many accounts), the login form refuses further tries (HTTP 429) with a message saying so,
until the window passes. Counted in Django's cache (Redis with REDIS_URL, so all workers count together)."""
from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

WINDOW = 300
MESSAGE = ("Too many failed logins for this username from your address. "
           "Wait 5 minutes and try again.")
ADDRESS_MESSAGE = "Too many failed logins from your address. Wait 5 minutes and try again."


def _key(username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}\0{ip}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"login-fail:{digest}:{int(time.time() // WINDOW)}"


def _address_key(ip: str) -> str:
    return f"login-fail-ip:{hashlib.sha256(ip.encode()).hexdigest()[:32]}:{int(time.time() // WINDOW)}"


def _count(key: str) -> None:
    if cache.add(key, 1, timeout=WINDOW * 2) is False:
        try:
            cache.incr(key)
        except ValueError:
            cache.add(key, 1, timeout=WINDOW * 2)


def client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is the client's to forge unless a proxy we trust rewrites it,
    # and behind nginx every learner would share one address otherwise (see README for uvicorn's
    # --proxy-headers / daphne's --proxy-headers, which set REMOTE_ADDR from the proxy's header).
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def limit() -> int:
    return getattr(settings, "PODSCAPE_LOGIN_FAILURES", 10)


class ThrottledAuthenticationForm(AuthenticationForm):
    throttled = False

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        key, address = _key(username, ip), _address_key(ip)
        per_address = getattr(settings, "PODSCAPE_LOGIN_FAILURES_PER_ADDRESS", 50)
        for k, most, message in ((key, limit(), MESSAGE), (address, per_address, ADDRESS_MESSAGE)):
            if (cache.get(k) or 0) >= most:
                self.throttled = True
                raise ValidationError(message, code="throttled")
        try:
            return super().clean()
        except ValidationError:
            _count(key)
            _count(address)
            raise


class ThrottledLoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if getattr(form, "throttled", False):
            response.status_code = 429
        return response
