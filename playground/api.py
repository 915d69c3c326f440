"""The JSON API under /api/: sandboxes, commands, topology and objects.

Authentication: the browser's session (CSRF token required on POST/DELETE, as for forms) or
`Authorization: Token <key>` (no CSRF: the header cannot be sent cross-site without CORS).
Another user's sandbox answers 404, exactly like one that does not exist.
"""
from __future__ import annotations

import base64
import json
from functools import wraps
from typing import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from . import accounts, fastjson, ratelimit, services, topology
from .models import ApiToken, Sandbox, SandboxObject
from .sim import resources

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_BODY = 2_000_000


def error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _token_user(request: HttpRequest):
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "token" or not key.strip():
        return None
    return accounts.token_user(key.strip()) or False


def api_view(methods: tuple[str, ...]) -> Callable:
    """Authenticate (token or session + CSRF), check the method, answer errors as JSON."""
    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            user = _token_user(request)
            if user is False:
                return error("invalid token", 401)
            if user is not None:
                request.user = user
            elif request.user.is_authenticated:
                if request.method not in SAFE_METHODS:
                    reason = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
                    if reason is not None:
                        return error("CSRF check failed: send the csrftoken cookie's value as X-CSRFToken", 403)
            else:
                return error("authentication required: log in or send 'Authorization: Token <key>'", 401)
            # every API call costs a session or token lookup and a query: reads are limited too (a loop
            # fetching /objects kept a worker busy); commands also count against the command limit
            if not ratelimit.allow(request.user.pk, "api", settings.PODSCAPE_API_PER_WINDOW):
                return error("too many API requests; wait a few seconds and try again", 429)
            if request.method not in methods:
                response = error(f"method {request.method} not allowed", 405)
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, **kwargs)
            except Sandbox.DoesNotExist:
                return error("no such sandbox", 404)
            except services.RateLimited as exc:
                return error(str(exc), 429)
            except services.SandboxError as exc:
                return error(str(exc), 400)
        return wrapper
    return decorate


def _body(request: HttpRequest) -> dict:
    if len(request.body) > MAX_BODY:
        raise services.SandboxError("request body too large")
    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise services.SandboxError("the body must be JSON") from None
    except RecursionError:
        raise services.SandboxError("the body's JSON is nested too deeply") from None
    if not isinstance(data, dict):
        raise services.SandboxError("the body must be a JSON object")
    return data


def sandbox_json(sandbox: Sandbox) -> dict:
    return {"id": sandbox.pk, "name": sandbox.name, "lesson_slug": sandbox.lesson_slug,
            "version": sandbox.version, "created": sandbox.created.isoformat(),
            "updated": sandbox.updated.isoformat(), "url": f"/sandboxes/{sandbox.pk}/",
            "ws_path": f"/ws/sandboxes/{sandbox.pk}/"}


@api_view(("GET", "POST"))
def sandboxes(request: HttpRequest) -> JsonResponse:
    if request.method == "POST":
        data = _body(request)
        sandbox = services.create_sandbox(request.user, str(data.get("name", "")), str(data.get("lesson_slug") or ""))
        return JsonResponse(sandbox_json(sandbox), status=201)
    items = Sandbox.objects.filter(owner=request.user).defer("meta")
    return JsonResponse({"sandboxes": [sandbox_json(s) for s in items]})


@api_view(("GET", "DELETE"))
def sandbox_detail(request: HttpRequest, sandbox_id: int) -> JsonResponse:
    if request.method == "DELETE":
        services.delete_sandbox(sandbox_id, request.user)
        return JsonResponse({"deleted": sandbox_id})
    sandbox = services.get_for_user(sandbox_id, request.user)
    return JsonResponse(sandbox_json(sandbox) | {"prompt": services.prompt(sandbox),
                                                 "editor": services.pending_editor(sandbox)})


@api_view(("POST",))
def sandbox_reset(request: HttpRequest, sandbox_id: int) -> JsonResponse:
    sandbox = services.reset_sandbox(sandbox_id, request.user)
    return JsonResponse(sandbox_json(sandbox))


@api_view(("POST",))
def commands(request: HttpRequest, sandbox_id: int) -> JsonResponse:
    data = _body(request)
    line = data.get("line")
    if not isinstance(line, str):
        return error('send {"line": "<command>"}', 400)
    result = services.run_command(sandbox_id, request.user, line, counted=True)     # RateLimited: 429
    return JsonResponse(_result_json(result))


@api_view(("POST",))
def editor(request: HttpRequest, sandbox_id: int) -> JsonResponse:
    """Save ({"content": "..."}) or close ({"content": null}) the editor a command opened."""
    data = _body(request)
    content = data.get("content")
    if content is not None and not isinstance(content, str):
        return error('send {"content": "<text>"} or {"content": null}', 400)
    return JsonResponse(_result_json(services.save_editor(sandbox_id, request.user, content, counted=True)))


def _result_json(result: dict) -> dict:
    keys = ("output", "exit_code", "prompt", "editor", "clear", "assessment", "lesson", "version")
    return {k: result.get(k) for k in keys}


@api_view(("GET",))
def sandbox_topology(request: HttpRequest, sandbox_id: int) -> JsonResponse:
    sandbox = services.get_for_user(sandbox_id, request.user)
    return JsonResponse({"version": sandbox.version, "elements": topology.elements(sandbox.state)})


PAGE_LIMIT = 500              # objects one page may hold (?limit= asks for fewer)
PAGE_BYTES = 4 * 2**20       # and their JSON: a page stops early past this, with a continue token


def _continue_token(version: int, plural: str, key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([version, plural, key]).encode()).decode()


def _continue_position(token: str, version: int) -> tuple[str, str]:
    try:
        v, plural, key = json.loads(base64.urlsafe_b64decode(token.encode()))
        assert isinstance(plural, str) and isinstance(key, str) and isinstance(v, int)
    except Exception:
        raise services.SandboxError("the continue parameter is not valid") from None
    if v != version:
        raise Gone("The provided continue parameter is too old to display a consistent list result. You can "
                   "start a new list without the continue parameter.")
    return plural, key


class Gone(services.SandboxError):
    """A continue token from before the sandbox changed (410, as the Kubernetes API answers)."""


@api_view(("GET",))
def objects(request: HttpRequest, sandbox_id: int) -> JsonResponse:
    """The sandbox's objects in their API shape; ?kind=pods (any name kubectl accepts) &namespace=default,
    paginated as the Kubernetes API is: ?limit=N, then ?continue=<metadata.continue> for the next page.
    Read page by page from the object rows, so a sandbox full of big ConfigMaps is never one huge body."""
    sandbox = services.get_for_user(sandbox_id, request.user)
    kind, namespace = request.GET.get("kind", ""), request.GET.get("namespace") or None
    try:
        limit = min(int(request.GET.get("limit") or PAGE_LIMIT), PAGE_LIMIT)
    except ValueError:
        return error("limit must be a whole number", 400)
    if limit < 1:
        return error("limit must be at least 1", 400)
    rows = SandboxObject.objects.filter(sandbox_id=sandbox.pk).exclude(plural="events")
    if kind:
        r = resources.lookup(kind)
        if r is None:
            return error(f'the server doesn\'t have a resource type "{kind}"', 400)
        rows = SandboxObject.objects.filter(sandbox_id=sandbox.pk, plural=r.plural)
        if namespace and r.namespaced:
            rows = rows.filter(key__startswith=f"{namespace}/")
    elif namespace:
        rows = rows.filter(Q(key__startswith=f"{namespace}/") | Q(key__startswith="/"))
    if request.GET.get("continue"):
        try:
            plural, key = _continue_position(request.GET["continue"], sandbox.version)
        except Gone as exc:
            return error(str(exc), 410)
        rows = rows.filter(Q(plural__gt=plural) | Q(plural=plural, key__gt=key))
    items, size, token = [], 0, ""
    last = ("", "")                  # the (plural, key) of the last item taken: where the next page starts
    page = rows.order_by("plural", "key").values_list("plural", "key", "body")[:limit + 1]
    for plural, key, body in page.iterator(chunk_size=16):      # streamed: one big row at a time
        if len(items) == limit or (items and size > PAGE_BYTES):
            token = _continue_token(sandbox.version, *last)
            break
        items.append(body)
        size += len(fastjson.dumps(body))
        last = (plural, key)
    return JsonResponse({"version": sandbox.version, "items": items, "metadata": {"continue": token}})


@csrf_exempt
@login_required
def token(request: HttpRequest) -> JsonResponse:
    """The logged-in user's API token (session + CSRF only). POST issues a new one, shown this once (only
    its hash is stored) and replacing any earlier one; DELETE revokes it; GET says whether one exists.
    Logging out and changing the password revoke it too."""
    if request.method in ("POST", "DELETE"):
        reason = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if reason is not None:
            return error("CSRF check failed", 403)
        if request.method == "DELETE":
            return JsonResponse({"revoked": accounts.revoke_tokens(request.user) > 0})
        return JsonResponse({"token": accounts.issue_token(request.user)})
    existing = ApiToken.objects.filter(user=request.user).first()
    if existing is None:
        return JsonResponse({"token": None})
    return JsonResponse({"token": None, "created": existing.created.isoformat()})
