"""The JSON API under /api/: sandboxes, commands, topology and objects.

Authentication: the browser's session (CSRF token required on POST/DELETE, as for forms) or
`Authorization: Token <key>` (no CSRF: the header cannot be sent cross-site without CORS).
Another user's sandbox answers 404, exactly like one that does not exist.
"""
from __future__ import annotations

import json
from functools import wraps
from typing import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from . import ratelimit, services, topology
from .models import ApiToken, Sandbox
from .sim import resources
from .sim.cluster import Cluster

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_BODY = 2_000_000


def error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _token_user(request: HttpRequest):
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "token" or not key.strip():
        return None
    token = ApiToken.objects.select_related("user").filter(key=key.strip()).first()
    if token is None or not token.user.is_active:
        return False
    return token.user


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


def _rate_limited() -> JsonResponse:
    return error(ratelimit.MESSAGE.strip(), 429)


@api_view(("POST",))
def commands(request: HttpRequest, sandbox_id: int) -> JsonResponse:
    data = _body(request)
    line = data.get("line")
    if not isinstance(line, str):
        return error('send {"line": "<command>"}', 400)
    if not ratelimit.allow(request.user.pk):
        return _rate_limited()
    result = services.run_command(sandbox_id, request.user, line)
    return JsonResponse(_result_json(result))


@api_view(("POST",))
def editor(request: HttpRequest, sandbox_id: int) -> JsonResponse:
    """Save ({"content": "..."}) or close ({"content": null}) the editor a command opened."""
    data = _body(request)
    content = data.get("content")
    if content is not None and not isinstance(content, str):
        return error('send {"content": "<text>"} or {"content": null}', 400)
    if not ratelimit.allow(request.user.pk):
        return _rate_limited()
    return JsonResponse(_result_json(services.save_editor(sandbox_id, request.user, content)))


def _result_json(result: dict) -> dict:
    keys = ("output", "exit_code", "prompt", "editor", "clear", "assessment", "lesson", "version")
    return {k: result.get(k) for k in keys}


@api_view(("GET",))
def sandbox_topology(request: HttpRequest, sandbox_id: int) -> JsonResponse:
    sandbox = services.get_for_user(sandbox_id, request.user)
    return JsonResponse({"version": sandbox.version, "elements": topology.elements(sandbox.state)})


@api_view(("GET",))
def objects(request: HttpRequest, sandbox_id: int) -> JsonResponse:
    """The sandbox's objects in their API shape; ?kind=pods (any name kubectl accepts) &namespace=default."""
    sandbox = services.get_for_user(sandbox_id, request.user)
    cluster = Cluster.from_dict(sandbox.state.get("cluster", {}))
    kind, namespace = request.GET.get("kind", ""), request.GET.get("namespace") or None
    if kind:
        r = resources.lookup(kind)
        if r is None:
            return error(f'the server doesn\'t have a resource type "{kind}"', 400)
        plurals = [r.plural]
    else:
        plurals = sorted(p for p in cluster.objects if p != "events")
    items = []
    for plural in plurals:
        r = resources.BY_PLURAL.get(plural)
        items.extend(cluster.list(plural, namespace if (r is None or r.namespaced) else None))
    return JsonResponse({"version": sandbox.version, "items": items})


@csrf_exempt
@login_required
def token(request: HttpRequest) -> JsonResponse:
    """The logged-in user's API token (POST creates it; session + CSRF only)."""
    if request.method == "POST":
        reason = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if reason is not None:
            return error("CSRF check failed", 403)
        return JsonResponse({"token": ApiToken.for_user(request.user).key})
    existing = ApiToken.objects.filter(user=request.user).first()
    return JsonResponse({"token": existing.key if existing else None})
