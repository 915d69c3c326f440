"""The Django side of exercises: live grading after each command, hints one at a time, submitting an attempt.

An exercise's sandbox is a Sandbox whose lesson_slug names the exercise; its LessonProgress.state holds
{"kind": "exercise", "grade": <grade.grade()>, "hints": {task_id: revealed}}.
"""
from __future__ import annotations

from django.db import transaction

from playground.sim.engine import Engine

from . import grade
from .models import Attempt, LessonProgress

MAX_COMMANDS_KEPT = 500          # the commands an attempt keeps for the instructor's drill-down
MAX_OUTPUT_KEPT = 20_000         # characters of output per command
MAX_STRING_KEPT = 1_024          # characters of one string in an attempt's snapshot (longer ones are cut)
CUT = "...[{} characters not kept]"


def _cut_strings(value):
    if isinstance(value, str):
        return value if len(value) <= MAX_STRING_KEPT else value[:MAX_STRING_KEPT] + CUT.format(len(value) - MAX_STRING_KEPT)
    if isinstance(value, dict):
        return {k: _cut_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cut_strings(v) for v in value]
    return value


def bounded_snapshot(state: dict) -> dict:
    """What an attempt keeps of the sandbox: its cluster, for the instructor's drill-down (`kubectl get` on
    it, course_views._final_state), without events (the apiserver expires them), the learner's files and
    the bulk of long strings (a ConfigMap's 1 MB value, last-applied annotations). The grade is computed
    on the whole state first. So an attempt weighs what the objects' shapes weigh (tens of kB for an
    exercise), not up to the sandbox's byte quotas (15 MiB), submit after submit."""
    whole = state.get("cluster") or {}
    cluster = _cut_strings({k: v for k, v in whole.items() if k != "objects"})
    cluster["objects"] = {plural: _cut_strings(items) for plural, items in (whole.get("objects") or {}).items()
                          if plural != "events"}
    return {"cluster": cluster}


def is_exercise(spec: dict) -> bool:
    return spec.get("kind") == "exercise"


def _row(sandbox, lesson, lock: bool = False) -> LessonProgress:
    qs = LessonProgress.objects.select_for_update() if lock else LessonProgress.objects
    row, _ = qs.get_or_create(user_id=sandbox.owner_id, lesson=lesson, sandbox=sandbox,
                              defaults={"state": {"kind": "exercise", "hints": {}}})
    return row


def assess(sandbox, lesson, engine: Engine) -> dict:
    """Grade the sandbox as it is now (after a command): what the terminal's result carries."""
    return assess_and_view(sandbox, lesson, engine)[0]


def assess_and_view(sandbox, lesson, engine: Engine) -> tuple[dict, dict]:
    """(assess's verdict, view's state) from one grading: the engine is the sandbox as stored after the
    command, so the pane needs no second grading of the stored state."""
    result = grade.grade(lesson.spec, engine)
    row = _row(sandbox, lesson, lock=True)
    row.state = dict(row.state or {}, kind="exercise", grade=result)
    row.save(update_fields=["state", "updated"])
    verdict = {"verdict": "graded", "score": result["score"], "max_score": result["max_score"],
               "passed": result["passed"], "message": grade.summary(result),
               "tasks": [{"id": t["id"], "passed": t["passed"]} for t in result["tasks"]]}
    return verdict, _view(sandbox, lesson, result, dict(row.state.get("hints") or {}))


def current(sandbox, lesson) -> tuple[dict, dict]:
    """(grade, revealed hints per task) for the pane: graded afresh from the stored state."""
    row = LessonProgress.objects.filter(user_id=sandbox.owner_id, lesson=lesson, sandbox=sandbox).first()
    hints = dict((row.state or {}).get("hints") or {}) if row else {}
    return grade.grade_state(lesson.spec, sandbox.state), hints


def view(sandbox, lesson) -> dict:
    """The exercise's state for the WebSocket hello / result ("lesson")."""
    return _view(sandbox, lesson, *current(sandbox, lesson))


def _view(sandbox, lesson, result: dict, hints: dict) -> dict:
    return {"slug": lesson.slug, "kind": "exercise", "title": lesson.title, "summary": lesson.summary,
            "score": result["score"], "max_score": result["max_score"], "completed": result["passed"],
            "tasks": [{"id": t["id"], "title": t["title"], "points": t["points"], "passed": t["passed"],
                       "hints_shown": int(hints.get(t["id"], 0))} for t in result["tasks"]],
            "pane_url": f"/lessons/{lesson.slug}/pane/{sandbox.pk}/"}


def reveal_hint(sandbox, lesson, task_id: str) -> int:
    """Show one more hint of a task; returns how many are shown now."""
    task = next((t for t in lesson.spec["tasks"] if t["id"] == task_id), None)
    if task is None:
        raise KeyError(task_id)
    with transaction.atomic():
        row = _row(sandbox, lesson, lock=True)
        state = dict(row.state or {}, kind="exercise")
        hints = dict(state.get("hints") or {})
        hints[task_id] = min(int(hints.get(task_id, 0)) + 1, len(task["hints"]))
        state["hints"] = hints
        row.state = state
        row.save(update_fields=["state", "updated"])
    return hints[task_id]


def submit(sandbox, lesson) -> Attempt:
    """Grade the sandbox now and record the attempt with its state and the commands run so far."""
    result = grade.grade_state(lesson.spec, sandbox.state)
    commands = [{"seq": c.seq, "line": c.line, "output": c.output[:MAX_OUTPUT_KEPT], "exit_code": c.exit_code,
                 "assessment": c.assessment}
                for c in sandbox.commands.order_by("-seq")[:MAX_COMMANDS_KEPT]]
    commands.reverse()
    return Attempt.objects.create(user_id=sandbox.owner_id, exercise=lesson, sandbox=sandbox,
                                  score=result["score"], max_score=result["max_score"], results=result["tasks"],
                                  snapshot=bounded_snapshot(sandbox.state), commands=commands)
