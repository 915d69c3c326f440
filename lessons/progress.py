"""The Django glue the sandbox services call: assess a command, describe the lesson, prepare a sandbox.

    assess_command(sandbox, line, result, engine) -> dict | None   # after every command / editor save
    lesson_state(sandbox) -> dict | None                           # the page's first render, the hello
    assess_command_and_state(...) -> (verdict, lesson_state)       # both, from one read of the progress
    prepare_sandbox(sandbox, engine)                               # a new or reset sandbox for a lesson
    get_lesson(slug), lesson_exists(slug)                          # a sandbox's lesson; one to start

The lessons app registers these with the services as Django starts (apps.py, playground/hooks.py).

Progress is one LessonProgress row per (learner, lesson, sandbox), so it survives reloads and restarts.
"""
from __future__ import annotations

from django.utils import timezone

from . import assess, exercises, format, hints, lesson_cache, setup
from .roles import visible_lessons
from .models import Lesson, LessonProgress


def get_lesson(slug: str) -> Lesson | None:
    """The lesson row (this process's copy while the row is unchanged); a lesson file not loaded yet is
    loaded on first use."""
    lesson = lesson_cache.lookup(slug) if slug else None
    if lesson is not None or not slug:
        return lesson
    path = next((p for p in format.lesson_files() if format.load_file(p)["slug"] == slug), None)
    if path is None:
        return None
    return save_lesson(format.load_file(path), path.read_text(encoding="utf-8"))


def lesson_exists(slug: str) -> bool:
    return Lesson.objects.filter(slug=slug).exists()


def all_lessons(user=None) -> list[Lesson]:
    """Every lesson `user` may see (roles.visible_lessons; None: every lesson); when none are loaded yet,
    load the content folder (as `manage.py loadlessons` would)."""
    if not Lesson.objects.exists():
        for path in format.lesson_files():
            save_lesson(format.load_file(path), path.read_text(encoding="utf-8"))
    return list(Lesson.objects.all() if user is None else visible_lessons(user))


def save_lesson(spec: dict, source: str) -> Lesson:
    """Create or update a lesson by slug (learners' progress rows stay attached)."""
    lesson, _ = Lesson.objects.update_or_create(
        slug=spec["slug"], defaults={"title": spec["title"], "order": spec["order"], "summary": spec["summary"],
                                     "source": source, "spec": spec})
    return lesson


def fit_progress(spec: dict, state: dict | None) -> dict:
    """A stored progress dict made to fit the lesson as it is now (steps may have been edited since)."""
    if exercises.is_exercise(spec):
        return dict(state or {}, done=[], current=None, completed=bool(((state or {}).get("grade") or {})
                                                                        .get("passed")))
    ids = [s["id"] for s in spec["steps"]]
    if not state or "done" not in state:
        return assess.new_progress(spec)
    done = [d for d in state.get("done", []) if d in ids]
    fitted = dict(state, done=done)
    if fitted.get("current") not in ids:
        remaining = [i for i in ids if i not in done]
        fitted["current"] = remaining[0] if remaining else None
        fitted["completed"] = not remaining
    return fitted


def _progress_row(sandbox, lesson: Lesson, lock: bool = False) -> LessonProgress:
    qs = LessonProgress.objects.select_for_update() if lock else LessonProgress.objects
    row, _ = qs.get_or_create(user_id=sandbox.owner_id, lesson=lesson, sandbox=sandbox,
                              defaults={"state": assess.new_progress(lesson.spec)})
    return row


def assess_command(sandbox, line: str, result, engine) -> dict | None:
    """Judge a command the learner ran in a lesson's sandbox and store the progress it made."""
    return assess_command_and_state(sandbox, line, result, engine)[0]


def assess_command_and_state(sandbox, line: str, result, engine) -> tuple[dict | None, dict | None]:
    """(assess_command's verdict, lesson_state after it): the pane's state comes from the progress just
    stored, not from reading the lesson and the progress row again."""
    if not sandbox.lesson_slug:
        return None, None
    lesson = get_lesson(sandbox.lesson_slug)
    if lesson is None:
        return None, None
    if exercises.is_exercise(lesson.spec):        # graded on state after every command, live
        verdict, view = exercises.assess_and_view(sandbox, lesson, engine)
        return dict(verdict, hint=assess.explain(lesson.spec, engine, line, result)), view
    row = _progress_row(sandbox, lesson, lock=True)
    state = fit_progress(lesson.spec, row.state)
    verdict = assess.assess(lesson.spec, state, line, result, engine)
    hints.remember(state, verdict)
    if state.get("completed") and not state.get("completed_at"):     # the gradebook's late flag reads it
        state["completed_at"] = timezone.now().isoformat()
    row.state = state
    row.save(update_fields=["state", "updated"])
    return verdict, _view(sandbox, lesson, fit_progress(lesson.spec, state))


def progress_for(sandbox, lesson: Lesson) -> dict:
    row = LessonProgress.objects.filter(user_id=sandbox.owner_id, lesson=lesson, sandbox=sandbox).first()
    return fit_progress(lesson.spec, row.state if row else None)


def lesson_state(sandbox) -> dict | None:
    """Title and steps with done/current flags, plus the last assessment (None outside a lesson)."""
    if not sandbox.lesson_slug:
        return None
    lesson = get_lesson(sandbox.lesson_slug)
    if lesson is None:
        return None
    if exercises.is_exercise(lesson.spec):
        return exercises.view(sandbox, lesson)
    return _view(sandbox, lesson, progress_for(sandbox, lesson))


def _view(sandbox, lesson: Lesson, state: dict) -> dict:
    view = assess.lesson_view(lesson.spec, state)
    view["hint"], view["hints"] = state.get("hint"), state.get("hints") or []
    view["pane_url"] = f"/lessons/{lesson.slug}/pane/{sandbox.pk}/"
    return view


def prepare_sandbox(sandbox, engine) -> None:
    """Place the lesson's files and run its setup in a fresh engine; a reset starts the lesson over."""
    lesson = get_lesson(sandbox.lesson_slug)
    if lesson is None:
        return
    setup.prepare(engine, lesson.spec)
    if sandbox.pk:
        LessonProgress.objects.filter(sandbox=sandbox, lesson=lesson).delete()
