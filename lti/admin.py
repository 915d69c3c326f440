"""Platform registration in the admin: django-lti's LtiRegistration form, plus the URLs the LMS asks for
when the tool is registered there (login initiation, launch, JWKS). Superusers only (instructors are not
staff). The tool's signing key is made on the first save when there is none (`manage.py rotate_keys`
replaces it)."""
from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html_join
from lti_tool.admin import LtiDeploymentInline, LtiRegistrationAdmin
from lti_tool.models import LtiRegistration

from .models import GradeLink, LtiCourse, ensure_tool_key


admin.site.unregister(LtiRegistration)
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}    # Django 6's default; silences 5.2's warning


class DeploymentInline(LtiDeploymentInline):
    formfield_overrides = HTTPS_URLS


@admin.register(LtiRegistration)
class PodscapeRegistrationAdmin(LtiRegistrationAdmin):
    readonly_fields = ("tool_urls",)
    formfield_overrides = HTTPS_URLS            # an LMS's URLs typed without a scheme are https
    inlines = [DeploymentInline]
    fieldsets = [(None, {"fields": ["tool_urls"]})] + LtiRegistrationAdmin.fieldsets

    @admin.display(description="Give the LMS these URLs")
    def tool_urls(self, obj):
        if obj is None or obj.pk is None:
            return "Save the registration to see its login initiation URL."
        rows = [("OIDC login initiation", reverse("lti:init", args=[obj.uuid])),
                ("Target link / redirect URI", reverse("lti:launch")),
                ("Deep Linking URL", reverse("lti:launch")),
                ("Public keyset (JWKS)", reverse("lti:jwks"))]
        return format_html_join("", "<div>{}: <code>{}</code></div>", rows)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        ensure_tool_key()


@admin.register(LtiCourse)
class LtiCourseAdmin(admin.ModelAdmin):
    list_display = ("context", "course")
    readonly_fields = ("context", "course")


@admin.register(GradeLink)
class GradeLinkAdmin(admin.ModelAdmin):
    list_display = ("user", "lesson", "registration", "last_score", "last_status", "updated")
    readonly_fields = ("user", "lesson", "registration", "platform_user_id", "ags", "last_score", "last_status")
