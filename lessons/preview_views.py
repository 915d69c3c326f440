"""A preview of a lesson file for its author, reloading itself when the file changes on disk.

The page polls `preview/<name>/mtime` (static/js/lesson-preview.js) and reloads when the file's
modification time moves, so an instructor sees each save of lessons/content/<name>.md, including
the parser's complaint when the file does not parse. Instructors only (roles.is_instructor).
"""
from __future__ import annotations

import re

import yaml
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import format, markdown, roles
from .models import Lesson

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _path(name: str):
    """The lesson file by its name without .md: only files in the content folder, never a path."""
    if not NAME_RE.match(name):
        raise Http404("No such lesson file")
    path = next((p for p in format.lesson_files() if p.stem == name), None)
    if path is None:
        raise Http404("No such lesson file")
    return path


@login_required
@require_GET
def preview_list(request: HttpRequest) -> HttpResponse:
    roles.require_instructor(request.user)
    return render(request, "lessons/preview_list.html", {"files": [p.stem for p in format.lesson_files()]})


def _checks_text(check: dict) -> str:
    shown = {k: v for k, v in check.items() if v not in ([], None) and not (k == "exit_code" and v == 0)}
    return yaml.safe_dump(shown, sort_keys=False, allow_unicode=True, width=100).strip()


def spec_context(spec: dict | None) -> dict:
    """What the page shows of a parsed lesson; multi-line text is joined here, not in the template."""
    parts = []
    for item in (spec or {}).get("tasks") or (spec or {}).get("steps") or []:
        parts.append({"item": item, "html": markdown.render(item["prose"]), "check": _checks_text(item["check"]),
                      "solution": "\n".join(item.get("solution") or [])})
    return {"spec": spec, "parts": parts, "setup": "\n".join((spec or {}).get("setup") or []),
            "intro_html": markdown.render(spec.get("intro", "")) if spec else ""}


@login_required
@require_GET
def preview(request: HttpRequest, name: str) -> HttpResponse:
    roles.require_instructor(request.user)
    path = _path(name)
    error, spec = "", None
    try:
        spec = format.load_file(path)
    except format.LessonFormatError as exc:
        error = str(exc)
    return render(request, "lessons/preview.html", {
        "name": name, "error": error, "mtime": path.stat().st_mtime_ns, **spec_context(spec)})


@login_required
@require_GET
def preview_item(request: HttpRequest, slug: str) -> HttpResponse:
    """A loaded lesson or exercise as stored (the gradebook's column headers link here), files or not."""
    roles.require_instructor(request.user)
    lesson = Lesson.objects.filter(slug=slug).first()
    if lesson is None:
        raise Http404("No such lesson")
    return render(request, "lessons/preview.html", {"name": lesson.slug, "stored": True,
                                                    **spec_context(lesson.spec)})


@login_required
@require_GET
def preview_mtime(request: HttpRequest, name: str) -> JsonResponse:
    roles.require_instructor(request.user)
    return JsonResponse({"mtime": _path(name).stat().st_mtime_ns})
