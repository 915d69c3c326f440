from django.apps import AppConfig


class PlaygroundConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "playground"
    verbose_name = "Podscape playground"

    def ready(self) -> None:
        from . import accounts  # noqa: F401  (connects the logout signal)
