"""Accounts beyond Django's defaults (issue 13): API tokens that are hashed, shown once and revoked on logout
and password change; password change and reset; a user's terminals closed when they log out or change
their password."""
from __future__ import annotations

import hashlib
import logging
import secrets

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.urls import reverse_lazy

from .models import ApiToken

log = logging.getLogger(__name__)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(user) -> str:
    """A new key for the user, replacing any earlier one; only its hash is kept, so this is the one time
    it can be shown."""
    raw = secrets.token_hex(20)
    ApiToken.objects.update_or_create(user=user, defaults={"key": _digest(raw),
                                                           "stamp": user.get_session_auth_hash()})
    return raw


def token_user(raw: str):
    """The active user a key belongs to, or None (unknown, revoked, or issued before a password change)."""
    token = ApiToken.objects.select_related("user").filter(key=_digest(raw)).first()
    if token is None or not token.user.is_active:
        return None
    if not secrets.compare_digest(token.stamp, token.user.get_session_auth_hash()):
        token.delete()              # the password changed since: the key is dead for good
        return None
    return token.user


def revoke_tokens(user) -> int:
    return ApiToken.objects.filter(user=user).delete()[0]


def close_sockets(user_id: int) -> None:
    """Close every terminal the user has open, in every worker (their consumers join `user-<id>`)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(f"user-{user_id}", {"type": "user.logout"})
    except Exception:        # the logout itself must not fail over a channel-layer hiccup
        log.exception("closing the sockets of user %s failed", user_id)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        revoke_tokens(user)
        close_sockets(user.pk)


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)      # keeps this session (update_session_auth_hash)
        revoke_tokens(form.user)
        close_sockets(form.user.pk)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        revoke_tokens(form.user)
        close_sockets(form.user.pk)
        return response
