"""Courses: instructors create one (lessons and exercises with due dates, a join code), learners join;
the gradebook (learners x exercises), one attempt's drill-down, CSV export. Roles: lessons/roles.py."""
from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from playground.models import Sandbox
from playground.sim.engine import Engine

from . import roles
from .models import Attempt, Course, CourseItem, Lesson, LessonProgress, Membership

STATE_COMMANDS = ("kubectl get all,ingress,networkpolicy -o wide", "kubectl get namespaces")


def _all_lessons() -> list[Lesson]:
    from .views import _lessons

    return _lessons()


@login_required
@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    owned = Course.objects.filter(owner=request.user)
    member = Course.objects.filter(memberships__user=request.user).exclude(owner=request.user)
    return render(request, "lessons/courses.html", {
        "courses": list(owned) + list(member), "instructor": roles.is_instructor(request.user),
        "roles": {c.pk: roles.role_in(c, request.user) for c in list(owned) + list(member)}})


def _save_items(request: HttpRequest, course: Course) -> str | None:
    """The lessons/exercises ticked in the form, with their due dates; a problem's text, or None."""
    chosen = []
    by_slug = {l.slug: l for l in _all_lessons()}
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
                due = timezone.make_aware(due)
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
    items = {i.lesson_id: i for i in course.items.all()} if course else {}
    rows = []
    for lesson in _all_lessons():
        item = items.get(lesson.pk)
        if request is not None and request.method == "POST":
            checked = lesson.slug in request.POST.getlist("items")
            due = request.POST.get(f"due-{lesson.slug}", "")
        else:
            checked = item is not None
            due = timezone.localtime(item.due).strftime("%Y-%m-%dT%H:%M") if item and item.due else ""
        rows.append({"lesson": lesson, "kind": lesson.spec.get("kind", "lesson"), "checked": checked, "due": due})
    return {"course": course, "title": title or (course.title if course else ""), "rows": rows, "error": error}


@login_required
@require_http_methods(["GET", "POST"])
def course_new(request: HttpRequest) -> HttpResponse:
    roles.require_instructor(request.user)
    if request.method == "POST":
        title = (request.POST.get("title") or "").strip()[:200]
        if not title:
            return render(request, "lessons/course_form.html",
                          _form_context(None, title, "Give the course a title.", request), status=400)
        with transaction.atomic():
            course = Course.objects.create(title=title, owner=request.user)
            problem = _save_items(request, course)
            if problem:
                transaction.set_rollback(True)
        if problem:
            return render(request, "lessons/course_form.html", _form_context(None, title, problem, request),
                          status=400)
        messages.success(request, f"Course created. Learners join with the code {course.join_code}.")
        return redirect("lessons:course", course_id=course.pk)
    return render(request, "lessons/course_form.html", _form_context(None))


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, course_id: int) -> HttpResponse:
    course = roles.course_for_instructor(request.user, course_id)
    if request.method == "POST":
        title = (request.POST.get("title") or "").strip()[:200] or course.title
        problem = _save_items(request, course)
        if problem:
            return render(request, "lessons/course_form.html", _form_context(course, title, problem, request),
                          status=400)
        course.title = title
        course.save(update_fields=["title"])
        messages.success(request, "Course saved.")
        return redirect("lessons:course", course_id=course.pk)
    return render(request, "lessons/course_form.html", _form_context(course))


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


def _best(attempts) -> Attempt | None:
    return max(attempts, key=lambda a: (a.score, a.created), default=None)


@login_required
@require_GET
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    course, role = roles.course_for(request.user, course_id)
    items = list(course.items.select_related("lesson"))
    mine = {}
    for a in Attempt.objects.filter(user=request.user, exercise__in=[i.lesson for i in items]):
        mine.setdefault(a.exercise_id, []).append(a)
    rows = [{"item": i, "kind": i.lesson.spec.get("kind", "lesson"), "attempts": len(mine.get(i.lesson_id, [])),
             "best": _best(mine.get(i.lesson_id, []))} for i in items]
    learners = course.memberships.filter(role=Membership.LEARNER).count()
    return render(request, "lessons/course.html", {"course": course, "role": role, "rows": rows,
                                                   "is_instructor": role == Membership.INSTRUCTOR,
                                                   "learners": learners})


def _gradebook(course: Course) -> tuple[list[Lesson], list[dict]]:
    items = [i for i in course.items.select_related("lesson") if i.lesson.spec.get("kind") == "exercise"]
    exercises = [i.lesson for i in items]
    due = {i.lesson_id: i.due for i in items}
    members = list(course.memberships.filter(role=Membership.LEARNER).select_related("user")
                   .order_by("user__username"))
    users = [m.user for m in members]
    attempts: dict[tuple[int, int], list[Attempt]] = {}
    for a in Attempt.objects.filter(user__in=users, exercise__in=exercises).defer("snapshot", "commands"):
        attempts.setdefault((a.user_id, a.exercise_id), []).append(a)
    activity = dict(LessonProgress.objects.filter(user__in=users, lesson__in=[i.lesson_id for i in course.items.all()])
                    .values("user").annotate(last=Max("updated")).values_list("user", "last"))
    rows = []
    for m in members:
        cells, last = [], activity.get(m.user_id)
        for ex in exercises:
            mine = attempts.get((m.user_id, ex.pk), [])
            best = _best(mine)
            latest = max(mine, key=lambda a: a.created, default=None)
            if latest and (last is None or latest.created > last):
                last = latest.created
            cells.append({"exercise": ex, "best": best, "attempts": len(mine), "latest": latest,
                          "max_score": ex.spec.get("max_score", 0),
                          "late": bool(best and due[ex.pk] and best.created > due[ex.pk])})
        rows.append({"user": m.user, "cells": cells, "last_activity": last,
                     "total": sum(c["best"].score for c in cells if c["best"])})
    return exercises, rows


@login_required
@require_GET
def gradebook(request: HttpRequest, course_id: int) -> HttpResponse:
    course = roles.course_for_instructor(request.user, course_id)
    exercises, rows = _gradebook(course)
    return render(request, "lessons/gradebook.html", {"course": course, "exercises": exercises, "rows": rows})


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A spreadsheet runs a cell that starts like a formula (a username `=HYPERLINK(...)`, `+1+1`, `@SUM`):
    text cells that do are prefixed with an apostrophe, which the spreadsheet shows as plain text."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


@login_required
@require_GET
def gradebook_csv(request: HttpRequest, course_id: int) -> HttpResponse:
    course = roles.course_for_instructor(request.user, course_id)
    exercises, rows = _gradebook(course)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gradebook-{course.join_code}.csv"'
    writer = csv.writer(response)
    header = ["learner"]
    for ex in exercises:
        header += [f"{ex.slug} score", f"{ex.slug} max", f"{ex.slug} attempts"]   # best score of the attempts
    writer.writerow([csv_cell(h) for h in header + ["last activity"]])     # slugs are safe; cheap to be sure
    for row in rows:
        line = [row["user"].username]
        for c in row["cells"]:
            line += [c["best"].score if c["best"] else "", c["max_score"], c["attempts"]]
        last = row["last_activity"]
        writer.writerow([csv_cell(cell) for cell in line + [last.isoformat(timespec="seconds") if last else ""]])
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
    attempt = Attempt.objects.filter(
        pk=attempt_id, exercise__course_items__course=course,
        user__course_memberships__course=course, user__course_memberships__role=Membership.LEARNER).first()
    if attempt is None:
        raise Http404("No such attempt in this course")
    return _attempt_page(request, attempt, course)


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
    from playground import services

    try:
        return services.get_for_user(sandbox_id, request.user)
    except Sandbox.DoesNotExist:
        raise Http404("No such sandbox") from None
