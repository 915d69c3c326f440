"""Lesson pages: the list of lessons and the lesson pane (an htmx fragment beside the terminal).

Starting a lesson is `POST /lessons/<slug>/start/` (playground.views.start_lesson: it creates the
sandbox through services.create_sandbox, which calls progress.prepare_sandbox to run the setup).
"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from playground import services
from playground.models import Sandbox

from . import assess, exercise_views, markdown, progress
from .models import Lesson, LessonProgress


def _get_sandbox_for_user(request: HttpRequest, sandbox_id: int) -> Sandbox:
    try:
        return services.get_for_user(sandbox_id, request.user)
    except Sandbox.DoesNotExist:
        raise Http404("No such sandbox") from None


def _titled(hint: dict | None, steps: dict[str, dict]) -> dict | None:
    """A stored hint with the title of the step it was given for (the step may have been renamed since)."""
    if not hint:
        return None
    return dict(hint, step_title=steps.get(hint.get("step"), {}).get("title", ""))


def _news(last: dict | None, standing: dict | None) -> str | None:
    """The last answer's own hint, unless the standing hint already says it (a detour's "Try: <fix>")."""
    said = (last or {}).get("hint")
    if not said or (standing and said.removeprefix("Try: ") in standing.get("text", "")):
        return None
    return said


@require_GET
def lesson_list(request: HttpRequest) -> HttpResponse:
    lessons = progress.all_lessons(request.user)
    mine: dict[int, list[dict]] = {}
    if request.user.is_authenticated:
        for row in LessonProgress.objects.filter(user=request.user).select_related("sandbox", "lesson"):
            state = progress.fit_progress(row.lesson.spec, row.state) if row.lesson_id else {}
            total = len(row.lesson.spec.get("steps", []))
            mine.setdefault(row.lesson_id, []).append(
                {"sandbox": row.sandbox, "done": len(state.get("done", [])), "total": total,
                 "completed": state.get("completed", False)})
    items = [{"lesson": l, "steps": len(l.spec.get("steps", [])), "progress": mine.get(l.pk, []),
              "kind": l.spec.get("kind", "lesson"), "tasks": len(l.spec.get("tasks", [])),
              "points": l.spec.get("max_score", 0)} for l in lessons]
    return render(request, "lessons/list.html", {"items": items})


@login_required
@require_GET
def pane(request: HttpRequest, slug: str, sandbox_id: int) -> HttpResponse:
    sandbox = _get_sandbox_for_user(request, sandbox_id)
    lesson = progress.get_lesson(slug)
    if lesson is None or sandbox.lesson_slug != slug:
        raise Http404("No such lesson in this sandbox")
    if lesson.spec.get("kind") == "exercise":
        return exercise_views.render_pane(request, sandbox, lesson)
    state = progress.progress_for(sandbox, lesson)
    view = assess.lesson_view(lesson.spec, state)
    by_id = {s["id"]: s for s in lesson.spec["steps"]}
    steps = []
    for number, s in enumerate(view["steps"], 1):
        spec = by_id[s["id"]]
        html = markdown.render(spec["prose"], runnable=set(spec["commands"]))
        steps.append(s | {"number": number, "html": html, "button": 'data-run="' not in html,
                          "note_html": markdown.render(spec["note"]) if spec["note"] else ""})
    next_lesson = Lesson.objects.filter(order__gt=lesson.order).order_by("order", "slug").first()
    done_count = sum(1 for s in steps if s["done"])
    context = {"lesson": lesson, "view": view, "steps": steps, "sandbox": sandbox, "next_lesson": next_lesson,
               "intro_html": markdown.render(lesson.spec.get("intro", "")), "intro_open": done_count == 0,
               "done_count": done_count, "hint": _titled(state.get("hint"), by_id),
               "last_hint": _news(view.get("last"), state.get("hint")),
               "earlier_hints": [_titled(h, by_id) for h in state.get("hints") or []]}
    return render(request, "lessons/pane.html", context)
