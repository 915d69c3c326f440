"""The instructor's editor: drafts, the editor page with a live preview, Check, publish, versions and diff,
import and export. Logic in lessons/authoring.py; a draft answers 404 to anyone but its owner."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from playground import ratelimit

from . import authoring, roles
from .models import Draft, DraftVersion
from .preview_views import spec_context


CHECKS_PER_MINUTE = 20        # a Check replays every solution in a fresh engine: seconds of a worker for big ones


def _get_draft_for_user(request: HttpRequest, draft_id: int) -> Draft:
    roles.require_instructor(request.user)
    draft = Draft.objects.filter(pk=draft_id, owner=request.user).first()
    if draft is None:
        raise Http404("No such draft")
    return draft


def _version(draft: Draft, number) -> DraftVersion:
    try:
        version = draft.versions.filter(number=int(number)).first()
    except (TypeError, ValueError):
        version = None
    if version is None:
        raise Http404("No such version")
    return version


@login_required
@require_GET
def draft_list(request: HttpRequest) -> HttpResponse:
    roles.require_instructor(request.user)
    return render(request, "lessons/author_list.html", {"drafts": Draft.objects.filter(owner=request.user)})


@login_required
@require_POST
def draft_new(request: HttpRequest) -> HttpResponse:
    roles.require_instructor(request.user)
    template = authoring.NEW_EXERCISE if request.POST.get("kind") == "exercise" else authoring.NEW_LESSON
    draft = authoring.create_draft(request.user, template)
    return redirect("lessons:draft_edit", draft_id=draft.pk)


@login_required
@require_POST
def draft_import(request: HttpRequest) -> HttpResponse:
    """A lesson file (uploaded, or pasted) as a draft, in the format of lessons/content."""
    roles.require_instructor(request.user)
    upload = request.FILES.get("file")
    try:
        if upload is not None:
            if upload.size > authoring.MAX_SOURCE * 4:
                raise authoring.AuthoringError("That file is too large for a lesson.")
            text = upload.read().decode("utf-8")
        else:
            text = request.POST.get("source") or ""
        draft, created = authoring.import_source(request.user, text)
    except UnicodeDecodeError:
        messages.error(request, "A lesson file must be UTF-8 text.")
        return redirect("lessons:drafts")
    except authoring.AuthoringError as exc:
        messages.error(request, str(exc))
        return redirect("lessons:drafts")
    messages.success(request, "Imported as a new draft." if created else
                     f"Imported as a new version of your draft {draft.slug}.")
    return redirect("lessons:draft_edit", draft_id=draft.pk)


def _courses(request: HttpRequest):
    return roles.courses_taught(request.user).order_by("title")


@login_required
@require_http_methods(["GET", "POST"])
def draft_edit(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The editor page; POST saves the text as a new version."""
    draft = _get_draft_for_user(request, draft_id)
    if request.method == "POST":
        try:
            version = authoring.save_version(draft, request.POST.get("source") or "")
        except authoring.AuthoringError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Saved as version {version.number}." if version else "No changes to save.")
        return redirect("lessons:draft_edit", draft_id=draft.pk)
    draft.refresh_from_db()
    latest = draft.latest
    source = latest.source if latest else ""
    spec, error = authoring.parse(source)
    return render(request, "lessons/author_edit.html", {
        "draft": draft, "latest": latest, "source": source, "courses": _courses(request),
        "published_in": set(draft.lesson.course_items.values_list("course_id", flat=True)) if draft.lesson else set(),
        "error": error, **spec_context(spec)})


@login_required
@require_POST
def draft_preview(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The preview pane for the editor's current text (fetched as the instructor types)."""
    _get_draft_for_user(request, draft_id)
    source = (request.POST.get("source") or "")[:authoring.MAX_SOURCE]
    spec, error = authoring.parse(source)
    return render(request, "lessons/_spec_preview.html", {"error": error, "name": "this draft",
                                                          **spec_context(spec)})


@login_required
@require_POST
def draft_check(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Check the editor's current text: replayed in a fresh in-memory engine, the result per step or task."""
    _get_draft_for_user(request, draft_id)
    if not ratelimit.allow(request.user.pk, "check", CHECKS_PER_MINUTE, 60):
        return HttpResponse(f"At most {CHECKS_PER_MINUTE} checks a minute: wait a moment.", status=429,
                            content_type="text/plain")
    source = (request.POST.get("source") or "")[:authoring.MAX_SOURCE]
    return render(request, "lessons/_check_result.html", {"result": authoring.check(source)})


@login_required
@require_POST
def draft_publish(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _get_draft_for_user(request, draft_id)
    wanted = set(request.POST.getlist("courses"))
    courses = [c for c in _courses(request) if str(c.pk) in wanted]
    if not courses:
        messages.error(request, "Pick at least one of your courses to publish to.")
        return redirect("lessons:draft_edit", draft_id=draft.pk)
    try:
        lesson = authoring.publish(draft, courses)
    except authoring.AuthoringError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Published {lesson.title} (version {draft.latest.number}) to "
                                  f"{', '.join(c.title for c in courses)}.")
    return redirect("lessons:draft_edit", draft_id=draft.pk)


@login_required
@require_GET
def draft_history(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Every saved version; `?a=1&b=3` shows the diff between two of them (default: the last two)."""
    draft = _get_draft_for_user(request, draft_id)
    versions = list(draft.versions.all())
    lines, a, b = [], None, None
    if len(versions) >= 2 or request.GET.get("a"):
        b = _version(draft, request.GET.get("b") or versions[0].number)
        a = _version(draft, request.GET.get("a") or versions[1].number)
        lines = authoring.diff(a.source, b.source, f"version {a.number}", f"version {b.number}")
    return render(request, "lessons/author_history.html", {"draft": draft, "versions": versions, "a": a, "b": b,
                                                           "lines": lines})


@login_required
@require_GET
def draft_export(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The latest version (or `?version=N`) as a lesson file, ready for lessons/content/."""
    draft = _get_draft_for_user(request, draft_id)
    version = _version(draft, request.GET.get("version")) if request.GET.get("version") else draft.latest
    if version is None:
        raise Http404("No version to export")
    response = HttpResponse(version.source, content_type="text/markdown; charset=utf-8")
    name = draft.slug or f"draft-{draft.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.md"'
    return response
