"""Pages: the landing page, sign up, the sandbox list (create, reset, delete) and the sandbox page."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

# the pages sit above the lessons app (playground's services do not: they call it through hooks.py)
from lessons.models import Lesson

from . import ratelimit, services
from .login_throttle import client_ip
from .forms import SandboxForm, SignupForm, lesson_choices
from .models import Sandbox


def _get_sandbox_for_user(request: HttpRequest, sandbox_id: int) -> Sandbox:
    """The request user's sandbox, or 404: nobody learns that someone else's sandbox exists."""
    try:
        return services.get_for_user(sandbox_id, request.user)
    except Sandbox.DoesNotExist:
        raise Http404("No such sandbox") from None


def ws_url(request: HttpRequest, sandbox: Sandbox) -> str:
    scheme = "wss" if request.is_secure() else "ws"
    return f"{scheme}://{request.get_host()}/ws/sandboxes/{sandbox.pk}/"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "playground/home.html", {"lessons": lesson_choices(request.user)})


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("sandbox_list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow_signup(client_ip(request)):
            form.add_error(None, ratelimit.SIGNUP_MESSAGE)
            return render(request, "registration/signup.html", {"form": form}, status=429)
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}! Create a sandbox to get a cluster of your own.")
        return redirect("sandbox_list")
    return render(request, "registration/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def sandbox_list(request: HttpRequest) -> HttpResponse:
    form = SandboxForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            sandbox = services.create_sandbox(request.user, form.cleaned_data["name"],
                                              form.cleaned_data.get("lesson_slug") or "")
        except services.SandboxError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("sandbox_page", sandbox_id=sandbox.pk)
    lessons = lesson_choices(request.user)
    titles = dict(lessons)
    sandboxes = list(Sandbox.objects.filter(owner=request.user).defer("meta"))
    for sandbox in sandboxes:
        sandbox.lesson_title = titles.get(sandbox.lesson_slug, sandbox.lesson_slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "playground/sandbox_list.html", {"form": form, "sandboxes": sandboxes,
                                                            "lessons": lessons}, status=status)


@login_required
@require_GET
def sandbox_page(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    sandbox = _get_sandbox_for_user(request, sandbox_id)
    sandbox.lesson_title = dict(lesson_choices(request.user)).get(sandbox.lesson_slug, sandbox.lesson_slug)
    return render(request, "playground/sandbox.html", {"sandbox": sandbox, "ws_url": ws_url(request, sandbox),
                                                       "lesson_slug": sandbox.lesson_slug})


@login_required
@require_POST
def sandbox_reset(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    sandbox = _get_sandbox_for_user(request, sandbox_id)
    services.reset_sandbox(sandbox.pk, request.user)
    progress = " and the lesson starts over" if sandbox.lesson_slug else ""
    messages.success(request, f"Sandbox {sandbox.name} is a fresh minikube cluster again{progress}.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("sandbox_page", args=[sandbox.pk])
    return redirect(target)


@login_required
@require_POST
def sandbox_delete(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    sandbox = _get_sandbox_for_user(request, sandbox_id)
    services.delete_sandbox(sandbox.pk, request.user)
    messages.success(request, f"Sandbox {sandbox.name} deleted.")
    return redirect("sandbox_list")


def _oldest_sandbox(user) -> Sandbox | None:
    """The sandbox that starting a lesson at the limit offers to replace: the one used least recently."""
    return Sandbox.objects.filter(owner=user).defer("meta").order_by("updated", "pk").first()


def _lesson_summary(slug: str) -> str:
    return Lesson.objects.filter(slug=slug).values_list("summary", flat=True).first() or ""


def _free_name(user, slug: str) -> str:
    """The lesson's slug as a sandbox name, numbered when the learner already has one by that name."""
    taken = set(Sandbox.objects.filter(owner=user).values_list("name", flat=True))
    name = slug[: services.MAX_NAME]
    n = 2
    while name in taken:
        name = f"{slug[: services.MAX_NAME - 4]}-{n}"
        n += 1
    return name


@login_required
@require_http_methods(["GET", "POST"])
def start_lesson(request: HttpRequest, slug: str) -> HttpResponse:
    """Open the learner's sandbox for a lesson, creating one (named after the lesson) the first time.

    A lesson's name is a link here (GET): it reopens the lesson's sandbox, or shows a page to start it (a
    GET never creates). At the sandbox limit, starting shows which sandbox would be replaced (the least
    recently used, named) and replaces it only when the learner confirms (POST replace=<its id>)."""
    existing = Sandbox.objects.filter(owner=request.user, lesson_slug=slug).defer("meta").first()
    if existing:
        return redirect("sandbox_page", sandbox_id=existing.pk)
    titles = dict(lesson_choices(request.user))
    title = titles.get(slug)
    if title is None and request.method == "GET":
        raise Http404("No such lesson")
    limit = settings.PODSCAPE_MAX_SANDBOXES
    at_limit = Sandbox.objects.filter(owner=request.user).count() >= limit
    try:
        replace = int(request.POST.get("replace", ""))
    except ValueError:
        replace = None
    victim = Sandbox.objects.filter(owner=request.user, pk=replace).defer("meta").first() if at_limit else None
    if title is not None and (request.method == "GET" or (at_limit and victim is None)):
        oldest = _oldest_sandbox(request.user) if at_limit else None
        if oldest is not None:
            oldest.lesson_title = titles.get(oldest.lesson_slug, oldest.lesson_slug)
        return render(request, "playground/start_lesson.html",
                      {"slug": slug, "title": title, "summary": _lesson_summary(slug), "at_limit": at_limit,
                       "limit": limit, "oldest": oldest})
    try:
        with transaction.atomic():     # the replaced sandbox comes back if the new one cannot be made
            if victim is not None:
                services.delete_sandbox(victim.pk, request.user)
            sandbox = services.create_sandbox(request.user, _free_name(request.user, slug), slug)
    except services.SandboxError as exc:
        messages.error(request, str(exc))
        return redirect("lessons:list")
    if victim is not None:
        messages.success(request, f"Sandbox {victim.name} was deleted to make room for this lesson.")
    return redirect("sandbox_page", sandbox_id=sandbox.pk)
