"""A course's gradebook: every learner x every item assigned, lessons and exercises alike.

    columns, rows = gradebook.build(course)

A lesson's cell is the steps done of its steps (the learner's furthest sandbox), an exercise's the best
attempt's points of its maximum. "late" means finished (lesson completed, best attempt handed in) after
the due date; "overdue" means the due date has passed with nothing finished. The HTML page and the CSV
read the same columns, so they cannot disagree.
"""
from __future__ import annotations

from datetime import datetime

from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import Attempt, Course, LessonProgress, Membership


def is_exercise(lesson) -> bool:
    return lesson.spec.get("kind") == "exercise"


def maximum(lesson) -> int:
    """An exercise's points, a lesson's number of steps."""
    if is_exercise(lesson):
        return lesson.spec.get("max_score") or sum(t.get("points", 0) for t in lesson.spec.get("tasks", []))
    return len(lesson.spec.get("steps", []))


def best_attempt(attempts) -> Attempt | None:
    return max(attempts, key=lambda a: (a.score, a.created), default=None)


def steps_done(lesson, row: LessonProgress) -> int:
    ids = {s["id"] for s in lesson.spec.get("steps", [])}
    return len(ids.intersection(row.state.get("done") or []))


def completed_at(row: LessonProgress) -> datetime | None:
    """When the lesson was completed; rows completed before the stamp existed fall back to their last save."""
    if not row.state.get("completed"):
        return None
    stamp = row.state.get("completed_at")
    return (parse_datetime(stamp) if stamp else None) or row.updated


def best_progress(lesson, rows) -> LessonProgress | None:
    """The learner's furthest sandbox in a lesson: most steps done, completed first, then the latest."""
    return max(rows, key=lambda r: (steps_done(lesson, r), bool(completed_at(r)), r.updated), default=None)


def cell(item, mine: list, now: datetime) -> dict:
    """`mine`: the learner's attempts at an exercise, or their progress rows in a lesson (see `work`)."""
    """One learner's work on one item; `finished` is when the best attempt was handed in or the lesson completed."""
    lesson = item.lesson
    if is_exercise(lesson):
        best = best_attempt(mine)
        score, finished = (best.score, best.created) if best else (None, None)
    else:
        best = best_progress(lesson, mine)
        score, finished = (steps_done(lesson, best), completed_at(best)) if best else (None, None)
    due = item.due
    return {"item": item, "exercise": is_exercise(lesson), "best": best, "score": score, "max": maximum(lesson), "attempts": len(mine),
            "late": bool(due and finished and finished > due), "overdue": bool(due and not finished and now > due)}


def work(users, items) -> dict[tuple[int, int], list]:
    """{(user id, lesson id): attempts at an exercise or progress rows in a lesson}. An exercise's sandbox
    keeps a progress row too (live grading), but its work is the attempts."""
    exercises = [i.lesson for i in items if is_exercise(i.lesson)]
    lessons = [i.lesson for i in items if not is_exercise(i.lesson)]
    found: dict[tuple[int, int], list] = {}
    for a in Attempt.objects.filter(user__in=users, exercise__in=exercises).defer("snapshot", "commands"):
        found.setdefault((a.user_id, a.exercise_id), []).append(a)
    for p in LessonProgress.objects.filter(user__in=users, lesson__in=lessons):
        found.setdefault((p.user_id, p.lesson_id), []).append(p)
    return found


def build(course: Course) -> tuple[list, list[dict]]:
    """(items, rows): the course's items in order; one row per learner with a cell per item and totals."""
    items = list(course.items.select_related("lesson"))
    lessons = [i.lesson for i in items]
    members = list(course.memberships.filter(role=Membership.LEARNER).select_related("user")
                   .order_by("user__username"))
    users = [m.user for m in members]
    mine = work(users, items)
    activity = dict(LessonProgress.objects.filter(user__in=users, lesson__in=lessons)
                    .values("user").annotate(last=Max("updated")).values_list("user", "last"))
    now, rows = timezone.now(), []
    for m in members:
        cells = [cell(i, mine.get((m.user_id, i.lesson_id), []), now) for i in items]
        times = [activity.get(m.user_id)] + [a.created for c in cells if c["exercise"]
                                             for a in mine.get((m.user_id, c["item"].lesson_id), [])]
        last = max((t for t in times if t), default=None)
        rows.append({"user": m.user, "cells": cells, "last_activity": last, **totals(cells)})
    return items, rows


def totals(cells: list[dict]) -> dict:
    """Points of exercises and steps of lessons, each with its maximum (cells or columns: exercise, max)."""
    ex = [c for c in cells if c["exercise"]]
    ls = [c for c in cells if not c["exercise"]]
    return {"points": sum(c.get("score") or 0 for c in ex), "points_max": sum(c["max"] for c in ex),
            "steps": sum(c.get("score") or 0 for c in ls), "steps_max": sum(c["max"] for c in ls)}


def header(items) -> list[str]:
    """The CSV's header: per item its score, maximum, (exercises) attempts, due date and late flag; totals."""
    cols = ["learner"]
    for i in items:
        slug = i.lesson.slug
        cols += [f"{slug} score", f"{slug} max"] + ([f"{slug} attempts"] if is_exercise(i.lesson) else [])
        cols += [f"{slug} due", f"{slug} late"]
    return cols + ["exercise points", "exercise points max", "lesson steps", "lesson steps max", "last activity"]


def csv_rows(course: Course, items, rows) -> list[list]:
    def when(t):
        return timezone.localtime(t, course.zone).isoformat(timespec="minutes") if t else ""

    lines = []
    for row in rows:
        line = [row["user"].username]
        for c in row["cells"]:
            flag = "late" if c["late"] else "overdue" if c["overdue"] else ""
            line += ["" if c["score"] is None else c["score"], c["max"]] + ([c["attempts"]] if c["exercise"] else [])
            line += [when(c["item"].due), flag]
        line += [row["points"], row["points_max"], row["steps"], row["steps_max"], when(row["last_activity"])]
        lines.append(line)
    return lines
