"""An exercise beside the terminal: tasks with live pass/fail, hints one at a time, submit (an Attempt)."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from playground import ratelimit

from . import exercises, markdown, progress
from .course_views import sandbox_of
from .models import Attempt

SUBMIT_MESSAGE = "You are submitting too often; wait a minute and try again."


def _exercise(request: HttpRequest, slug: str, sandbox_id: int):
    sandbox = sandbox_of(request, sandbox_id)
    lesson = progress.get_lesson(slug)
    if lesson is None or sandbox.lesson_slug != slug or not exercises.is_exercise(lesson.spec):
        raise Http404("No such exercise in this sandbox")
    return sandbox, lesson


def render_pane(request: HttpRequest, sandbox, lesson, submitted: Attempt | None = None) -> HttpResponse:
    result, hints = exercises.current(sandbox, lesson)
    by_id = {t["id"]: t for t in result["tasks"]}
    tasks = []
    for number, spec in enumerate(lesson.spec["tasks"], 1):
        shown = min(int(hints.get(spec["id"], 0)), len(spec["hints"]))
        tasks.append({"number": number, "spec": spec, "result": by_id[spec["id"]],
                      "html": markdown.render(spec["prose"]), "hints": spec["hints"][:shown],
                      "more_hints": shown < len(spec["hints"])})
    attempts = Attempt.objects.filter(user_id=sandbox.owner_id, exercise=lesson).defer("snapshot", "commands")
    return render(request, "lessons/exercise_pane.html", {
        "lesson": lesson, "sandbox": sandbox, "result": result, "tasks": tasks, "submitted": submitted,
        "attempts": attempts[:5], "intro_html": markdown.render(lesson.spec.get("intro", ""))})


@login_required
@require_POST
def hint(request: HttpRequest, slug: str, sandbox_id: int, task_id: str) -> HttpResponse:
    sandbox, lesson = _exercise(request, slug, sandbox_id)
    try:
        exercises.reveal_hint(sandbox, lesson, task_id)
    except KeyError:
        raise Http404("No such task") from None
    if request.htmx:
        return render_pane(request, sandbox, lesson)
    return redirect("sandbox_page", sandbox_id=sandbox.pk)


@login_required
@require_POST
def submit(request: HttpRequest, slug: str, sandbox_id: int) -> HttpResponse:
    sandbox, lesson = _exercise(request, slug, sandbox_id)
    # an attempt copies the sandbox's whole state: a few a minute is plenty for a learner
    if not ratelimit.allow(request.user.pk, "submit", settings.PODSCAPE_SUBMITS_PER_MINUTE, 60):
        return HttpResponse(SUBMIT_MESSAGE, status=429, content_type="text/plain; charset=utf-8")
    attempt = exercises.submit(sandbox, lesson)
    if request.htmx:
        return render_pane(request, sandbox, lesson, submitted=attempt)
    return redirect("lessons:my_attempt", attempt_id=attempt.pk)
