from django.apps import AppConfig

from .sim import limits, meter


def configure_engine_limits(**kwargs) -> None:
    """The engine is Django-free: it takes the sandbox limits from a config object set from the settings."""
    if kwargs.get("setting") not in (None, "PODSCAPE_MAX_PODS", "PODSCAPE_MAX_OBJECTS", "PODSCAPE_HARD_STOP_SECONDS"):
        return
    from django.conf import settings

    limits.configure(limits.Limits(max_pods=settings.PODSCAPE_MAX_PODS, max_objects=settings.PODSCAPE_MAX_OBJECTS))
    meter.HARD_SECONDS = settings.PODSCAPE_HARD_STOP_SECONDS


class PlaygroundConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "playground"
    verbose_name = "Podscape playground"

    def ready(self) -> None:
        from django.core.signals import setting_changed

        configure_engine_limits()
        setting_changed.connect(configure_engine_limits)   # tests that override the settings
        # lazy: Django's app registry is not ready when apps.py loads (accounts imports the models)
        from . import accounts  # noqa: F401  (connects the logout signal)
