"""What Podscape keeps about an LMS, beside django-lti's own rows (lti_tool: registrations, deployments,
keys, platform users and contexts): which course an LMS context is, and where a learner's score goes back."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class LtiCourse(models.Model):
    """An LMS course (an LTI context) is a Podscape course; its launches make the memberships."""
    context = models.OneToOneField("lti_tool.LtiContext", on_delete=models.CASCADE, related_name="podscape_course")
    course = models.OneToOneField("lessons.Course", on_delete=models.CASCADE, related_name="lti")

    class Meta:
        verbose_name = "LMS course"

    def __str__(self) -> str:
        return f"{self.context} → {self.course}"


class GradeLink(models.Model):
    """Where a learner's score for one item goes back to: the launch's Assignment and Grade Services claim
    (line item URL, scopes) and the learner's id on the platform. Updated at every launch."""
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_grade_links")
    lesson = models.ForeignKey("lessons.Lesson", on_delete=models.CASCADE, related_name="lti_grade_links")
    registration = models.ForeignKey("lti_tool.LtiRegistration", on_delete=models.CASCADE, related_name="grade_links")
    platform_user_id = models.CharField(max_length=255)
    ags = models.JSONField(default=dict)
    last_score = models.FloatField(null=True, blank=True)
    last_status = models.CharField(max_length=300, blank=True)     # "sent 3/5" or why it failed
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson", "registration"], name="unique_grade_link")]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson.slug} → {self.registration}"


def ensure_tool_key() -> None:
    """The tool signs Deep Linking responses and its service token requests with django-lti's active Key;
    the first use makes one (`manage.py rotate_keys` replaces it)."""
    from lti_tool.models import Key

    if not Key.objects.active().exists():
        Key.objects.generate()
