"""Lessons (loaded from lessons/content/ by `manage.py loadlessons`) and each learner's progress."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class Lesson(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    order = models.IntegerField(default=0)
    summary = models.TextField(blank=True)
    source = models.TextField(blank=True)          # the lesson file as written, for review
    spec = models.JSONField(default=dict)          # format.parse_lesson(source): what assessment reads
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.title


class LessonProgress(models.Model):
    """How far one learner got in one lesson in one sandbox (assess.new_progress's dict in `state`)."""
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    sandbox = models.ForeignKey("playground.Sandbox", on_delete=models.CASCADE, related_name="lesson_progress")
    state = models.JSONField(default=dict)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson", "sandbox"],
                                               name="unique_progress_per_sandbox")]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson.slug} · sandbox {self.sandbox_id}"
