from typing import Callable

from django.apps import AppConfig

from playground import hooks


def _progress_hook(name: str) -> Callable:
    """A hook that calls lessons.progress's function `name` (looked up at each call, as the services did)."""
    def hook(*args, **kwargs):
        # lazy: progress brings the lesson parser, the assessment and their engine (~60 ms) into django.setup()
        from . import progress
        return getattr(progress, name)(*args, **kwargs)
    return hook


class LessonsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lessons"

    def ready(self) -> None:
        # lessons sit above playground's services: they hand the services their hooks, never the reverse
        hooks.register_lesson_hooks(**{name: _progress_hook(name) for name in hooks.LESSON_HOOKS})
