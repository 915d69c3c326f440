"""What the lessons app hands the sandbox services (issue 18: imports run one way).

The lessons app sits above playground's services (its views create sandboxes and read them), so the services
never import it: LessonsConfig.ready registers its hooks here as Django starts, and services.py calls them by
name. A hook nobody registered is a configuration error (the lessons app is not installed), raised where a
sandbox with a lesson needs it: never a silent "no lesson".

    assess_command_and_state(sandbox, line, result, engine) -> (verdict, lesson_state)
    lesson_state(sandbox) -> dict | None
    prepare_sandbox(sandbox, engine)
    get_lesson(slug) -> Lesson | None
    lesson_exists(slug) -> bool

Django-free and dependency-free, so the lessons app's ready() imports it without loading the services.
"""
from __future__ import annotations

from typing import Callable

LESSON_HOOKS = ("assess_command_and_state", "lesson_state", "prepare_sandbox", "get_lesson", "lesson_exists")

_lesson_hooks: dict[str, Callable] = {}


def register_lesson_hooks(**hooks: Callable) -> None:
    unknown = set(hooks) - set(LESSON_HOOKS)
    if unknown:
        raise TypeError(f"no such lesson hook: {', '.join(sorted(unknown))}")
    _lesson_hooks.update(hooks)


def lesson_hook(name: str) -> Callable:
    try:
        return _lesson_hooks[name]
    except KeyError:
        raise LookupError(f"no lesson hook {name!r} is registered: is 'lessons' in INSTALLED_APPS?") from None
