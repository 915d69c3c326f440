"""Who opened a WebSocket: the Django session its cookie names, read on a page thread with the page's hello.

Channels' AuthMiddlewareStack read the session and the user on Channels' one shared sync thread, two hops
there and back before the socket's own hello took a third to the command threads: while a class of 500
opened its pages, every handshake queued on that one thread (its lookups were 6.5 % of the workers' CPU
samples). Here the consumer's one trip to a page thread (consumers._open_sync) resolves the user, then
reads the sandbox and its hello.

The checks are Django's own (django.contrib.auth.get_user): the session must exist and not have expired, its
backend must still be configured, the backend must still return the user (ModelBackend: an inactive user
is refused), and the session's hash must match the user's password hash now (a password change elsewhere
ends the session), or one made with a SECRET_KEY_FALLBACKS key. Unlike get_user, a socket never writes the
session (get_user flushes a session that fails, or cycles the key of one that matched a fallback): a cycled
key would never reach the browser over a socket, and the page's next HTTP request does either itself.
"""
from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model, load_backend
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http.cookie import parse_cookie
from django.utils import timezone
from django.utils.crypto import constant_time_compare


def session_key(scope: dict) -> str | None:
    """The session cookie of the handshake (the browser sends the page's cookies with it)."""
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            return parse_cookie(value.decode("latin-1")).get(settings.SESSION_COOKIE_NAME) or None
    return None


_DB_SESSIONS = "django.contrib.sessions.backends.db"
_SESSION_SQL = 'SELECT "session_data" FROM "django_session" WHERE "session_key" = %s AND "expire_date" > %s'


def _session(key: str):
    """The session's data. With the database backend, one raw query and the store's own decoding (which
    checks the signature): the ORM's get cost three times the CPU for the same row."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if settings.SESSION_ENGINE != _DB_SESSIONS:
        return store(key)
    with connection.cursor() as cursor:
        cursor.execute(_SESSION_SQL, [key, connection.ops.adapt_datetimefield_value(timezone.now())])
        row = cursor.fetchone()
    return store().decode(row[0]) if row else {}


def user_for(key: str | None):
    """The logged-in user of the session `key`, or AnonymousUser. Reads the database: call it off the loop."""
    if not key:
        return AnonymousUser()
    session = _session(key)
    try:
        user_id = get_user_model()._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:                # no such session, an expired one, or one nobody logged in to
        return AnonymousUser()
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    user = load_backend(backend_path).get_user(user_id)
    if user is None:
        return AnonymousUser()
    if hasattr(user, "get_session_auth_hash"):
        given = session.get(HASH_SESSION_KEY)
        if not given or not (constant_time_compare(given, user.get_session_auth_hash())
                             or any(constant_time_compare(given, h) for h in user.get_session_auth_fallback_hash())):
            return AnonymousUser()
    return user
