from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = "LTI 1.3 (Podscape as a tool)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # lazy: Django's app registry is not ready when apps.py loads (grades imports the models)
        from . import grades  # noqa: F401  (connects the score passback to submitted attempts)
