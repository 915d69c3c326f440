"""Courses: instructors create one (lessons and exercises with due dates in the course's time zone, a join
code), learners join; the gradebook (learners x every item, computed in lessons/gradebook.py), drill-downs
into an attempt or a lesson's progress, CSV export. Roles: lessons/roles.py."""
from __future__ import annotations

import csv
from zoneinfo import available_timezones

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from playground import services
from playground.models import Sandbox
from playground.sim.engine import Engine

from . import gradebook as gradebook_data
from . import progress, roles
from .models import Attempt, Course, CourseItem, Lesson, LessonProgress, Membership

TIME_ZONES = sorted(available_timezones())
STATE_COMMANDS = ("kubectl get all,ingress,networkpolicy -o wide", "kubectl get namespaces")


@login_required
@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    owned = Course.objects.filter(owner=request.user)
    member = Course.objects.filter(memberships__user=request.user).exclude(owner=request.user)
    return render(request, "lessons/courses.html", {
        "courses": list(owned) + list(member), "instructor": roles.is_instructor(request.user),
        "roles": {c.pk: roles.role_in(c, request.user) for c in list(owned) + list(member)}})


def _titled(lesson: Lesson) -> str:
    """An exercise's title says so once: most titles already start with "Exercise:"."""
    if lesson.spec.get("kind") == "exercise" and not lesson.title.lower().startswith("exercise"):
        return f"Exercise: {lesson.title}"
    return lesson.title


def _time_zone(request: HttpRequest, default: str = "UTC") -> str | None:
    name = (request.POST.get("time_zone") or default).strip()
    return name if name in TIME_ZONES else None


def _save_items(request: HttpRequest, course: Course) -> str | None:
    """The lessons/exercises ticked in the form, with their due dates in the course's time zone (already
    set on `course`); a problem's text, or None."""
    chosen = []
    by_slug = {l.slug: l for l in progress.all_lessons(request.user)}
    for position, slug in enumerate(request.POST.getlist("items")):
        lesson = by_slug.get(slug)
        if lesson is None:
            return f"There is no lesson or exercise {slug!r}."
        raw = (request.POST.get(f"due-{slug}") or "").strip()
        due = None
        if raw:
            due = parse_datetime(raw)
            if due is None:
                return f"The due date of {lesson.title!r} is not a date and time."
            if timezone.is_naive(due):
                due = timezone.make_aware(due, course.zone)
        chosen.append((lesson, due, position))
    if not chosen:
        return "Pick at least one lesson or exercise."
    with transaction.atomic():
        CourseItem.objects.filter(course=course).exclude(lesson__in=[c[0] for c in chosen]).delete()
        for lesson, due, position in chosen:
            CourseItem.objects.update_or_create(course=course, lesson=lesson,
                                                defaults={"due": due, "position": position})
    return None


def _form_context(course: Course | None, title: str = "", error: str = "", request=None) -> dict:
    zone = course.time_zone if course else "UTC"
    if request is not None and request.method == "POST":
        zone = request.POST.get("time_zone") or zone
    items = {i.lesson_id: i for i in course.items.all()} if course else {}
    rows = []
    for lesson in progress.all_lessons(request.user if request is not None else None):
        item = items.get(lesson.pk)
        if request is not None and request.method == "POST":
            checked = lesson.slug in request.POST.getlist("items")
            due = request.POST.get(f"due-{lesson.slug}", "")
        else:
            checked = item is not None
            due = timezone.localtime(item.due, course.zone).strftime("%Y-%m-%dT%H:%M") if item and item.due else ""
        rows.append({"lesson": lesson, "kind": lesson.spec.get("kind", "lesson"), "checked": checked, "due": due})
    return {"course": course, "title": title or (course.title if course else ""), "rows": rows, "error": error,
            "time_zone": zone, "time_zones": TIME_ZONES}


@login_required
@require_http_methods(["GET", "POST"])
def course_new(request: HttpRequest) -> HttpResponse:
    roles.require_instructor(request.user)
    if request.method == "POST":
        title = (request.POST.get("title") or "").strip()[:200]
        if not title:
            return render(request, "lessons/course_form.html",
                          _form_context(None, title, "Give the course a title.", request), status=400)
        zone = _time_zone(request)
        if zone is None:
            return render(request, "lessons/course_form.html",
                          _form_context(None, title, "Pick a time zone from the list.", request), status=400)
        with transaction.atomic():
            course = Course.objects.create(title=title, owner=request.user, time_zone=zone)
            problem = _save_items(request, course)
            if problem:
                transaction.set_rollback(True)
        if problem:
            return render(request, "lessons/course_form.html", _form_context(None, title, problem, request),
                          status=400)
        messages.success(request, f"Course created. Learners join with the code {course.join_code}.")
        return redirect("lessons:course", course_id=course.pk)
    return render(request, "lessons/course_form.html", _form_context(None, request=request))


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, course_id: int) -> HttpResponse:
    course = roles.course_for_instructor(request.user, course_id)
    if request.method == "POST":
        title = (request.POST.get("title") or "").strip()[:200] or course.title
        zone = _time_zone(request, course.time_zone)
        if zone is None:
            return render(request, "lessons/course_form.html",
                          _form_context(course, title, "Pick a time zone from the list.", request), status=400)
        course.time_zone = zone
        problem = _save_items(request, course)
        if problem:
            return render(request, "lessons/course_form.html", _form_context(course, title, problem, request),
                          status=400)
        course.title = title
        course.save(update_fields=["title", "time_zone"])
        messages.success(request, "Course saved.")
        return redirect("lessons:course", course_id=course.pk)
    return render(request, "lessons/course_form.html", _form_context(course, request=request))


@login_required
@require_POST
def course_join(request: HttpRequest) -> HttpResponse:
    code = (request.POST.get("code") or "").strip().upper()
    course = Course.objects.filter(join_code=code).first() if code else None
    if course is None:
        messages.error(request, "No course has that join code.")
        return redirect("lessons:courses")
    if course.owner_id != request.user.pk:
        Membership.objects.get_or_create(course=course, user=request.user,
                                         defaults={"role": Membership.LEARNER})
    messages.success(request, f"You joined {course.title}.")
    return redirect("lessons:course", course_id=course.pk)


@login_required
@require_GET
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    course, role = roles.course_for(request.user, course_id)
    items = list(course.items.select_related("lesson"))
    mine, now = gradebook_data.work([request.user], items), timezone.now()
    rows = [dict(gradebook_data.cell(i, mine.get((request.user.pk, i.lesson_id), []), now), title=_titled(i.lesson))
            for i in items]
    learners = course.memberships.filter(role=Membership.LEARNER).count()
    return render(request, "lessons/course.html", {"course": course, "role": role, "rows": rows,
                                                   "is_instructor": role == Membership.INSTRUCTOR,
                                                   "learners": learners})


@login_required
@require_GET
def gradebook(request: HttpRequest, course_id: int) -> HttpResponse:
    course = roles.course_for_instructor(request.user, course_id)
    items, rows = gradebook_data.build(course)
    for c in (c for row in rows for c in row["cells"] if c["best"]):
        view = "lessons:course_attempt" if c["exercise"] else "lessons:course_progress"
        c["url"] = reverse(view, args=[course.pk, c["best"].pk])
    columns = [{"item": i, "max": gradebook_data.maximum(i.lesson), "exercise": gradebook_data.is_exercise(i.lesson)}
               for i in items]
    return render(request, "lessons/gradebook.html", {
        "course": course, "columns": columns, "rows": rows, **gradebook_data.totals(columns)})


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A spreadsheet runs a cell that starts like a formula (a username `=HYPERLINK(...)`, `+1+1`, `@SUM`):
    text cells that do are prefixed with an apostrophe, which the spreadsheet shows as plain text."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


@login_required
@require_GET
def gradebook_csv(request: HttpRequest, course_id: int) -> HttpResponse:
    course = roles.course_for_instructor(request.user, course_id)
    items, rows = gradebook_data.build(course)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gradebook-{course.join_code}.csv"'
    writer = csv.writer(response)
    for line in [gradebook_data.header(items)] + gradebook_data.csv_rows(course, items, rows):
        writer.writerow([csv_cell(cell) for cell in line])       # usernames are the learners' own text
    return response


def _final_state(snapshot: dict) -> list[dict]:
    """What `kubectl get` showed in the sandbox when the attempt was submitted (run on a copy)."""
    if not snapshot:
        return []
    engine = Engine.from_state(snapshot)
    return [{"line": line, "output": engine.run(line).output} for line in STATE_COMMANDS]


def _attempt_page(request: HttpRequest, attempt: Attempt, course: Course | None) -> HttpResponse:
    return render(request, "lessons/attempt.html", {
        "attempt": attempt, "course": course, "exercise": attempt.exercise, "state": _final_state(attempt.snapshot),
        "failing": [t for t in attempt.results if not t.get("passed")]})


@login_required
@require_GET
def course_attempt(request: HttpRequest, course_id: int, attempt_id: int) -> HttpResponse:
    """An instructor's drill-down into one learner's attempt at one of the course's exercises."""
    course = roles.course_for_instructor(request.user, course_id)
    attempt = roles.learners_work(Attempt.objects.filter(pk=attempt_id), [course], "exercise").first()
    if attempt is None:
        raise Http404("No such attempt in this course")
    return _attempt_page(request, attempt, course)


@login_required
@require_GET
def course_progress(request: HttpRequest, course_id: int, progress_id: int) -> HttpResponse:
    """An instructor's drill-down into one learner's progress in one of the course's lessons."""
    course = roles.course_for_instructor(request.user, course_id)
    row = roles.learners_work(LessonProgress.objects.filter(pk=progress_id), [course], "lesson").first()
    if row is None:
        raise Http404("No such progress in this course")
    done = set(row.state.get("done") or [])
    steps = [{"title": s["title"], "done": s["id"] in done} for s in row.lesson.spec.get("steps", [])]
    return render(request, "lessons/progress.html", {
        "course": course, "row": row, "steps": steps, "done": sum(s["done"] for s in steps),
        "completed_at": gradebook_data.completed_at(row)})


@login_required
@require_GET
def my_attempt(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = Attempt.objects.filter(pk=attempt_id, user=request.user).first()
    if attempt is None:
        raise Http404("No such attempt")
    return _attempt_page(request, attempt, None)


@login_required
@require_GET
def my_attempts(request: HttpRequest) -> HttpResponse:
    attempts = Attempt.objects.filter(user=request.user).select_related("exercise").defer("snapshot", "commands")
    return render(request, "lessons/attempts.html", {"attempts": attempts})


def sandbox_of(request: HttpRequest, sandbox_id: int) -> Sandbox:
    try:
        return services.get_for_user(sandbox_id, request.user)
    except Sandbox.DoesNotExist:
        raise Http404("No such sandbox") from None
