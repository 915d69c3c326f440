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
    # who published it from the browser (lessons/authoring.py); None: a file of lessons/content, for everyone
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="lessons_authored")

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
        verbose_name_plural = "lesson progress"
        constraints = [models.UniqueConstraint(fields=["user", "lesson", "sandbox"],
                                               name="unique_progress_per_sandbox")]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson.slug} · sandbox {self.sandbox_id}"


# ---- courses, exercises' attempts (issue 6) ----------------------------------------------------------
def valid_time_zone(name: str) -> None:
    from zoneinfo import available_timezones

    from django.core.exceptions import ValidationError

    if name not in available_timezones():
        raise ValidationError(f"{name!r} is not a time zone name such as Europe/Berlin or UTC.")


def new_join_code() -> str:
    import secrets

    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"      # no 0/O, 1/I: read aloud in a classroom
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Course(models.Model):
    """A class an instructor runs: lessons and exercises with due dates, joined with a code."""
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="courses_owned")
    join_code = models.CharField(max_length=16, unique=True, default=new_join_code)
    # due dates are entered and shown in the course's zone (a zoneinfo name), whatever the server's is
    time_zone = models.CharField(max_length=64, default="UTC", validators=[valid_time_zone])
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.title

    @property
    def zone(self):
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.time_zone)


class CourseItem(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="items")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="course_items")
    due = models.DateTimeField(null=True, blank=True)
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["position", "lesson__order"]
        constraints = [models.UniqueConstraint(fields=["course", "lesson"], name="unique_lesson_per_course")]


class Membership(models.Model):
    LEARNER, INSTRUCTOR = "learner", "instructor"
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_memberships")
    role = models.CharField(max_length=20, choices=[(LEARNER, "learner"), (INSTRUCTOR, "instructor")],
                            default=LEARNER)
    joined = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="unique_membership")]


class Attempt(models.Model):
    """One submitted exercise: the grade, the sandbox's state then and the commands that led there."""
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    exercise = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attempts")
    sandbox = models.ForeignKey("playground.Sandbox", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="attempts")
    score = models.IntegerField(default=0)
    max_score = models.IntegerField(default=0)
    results = models.JSONField(default=list)        # grade.grade(...)["tasks"]
    snapshot = models.JSONField(default=dict)       # the cluster when submitted (exercises.bounded_snapshot)
    commands = models.JSONField(default=list)       # [{line, output, exit_code, assessment}] up to the submit
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} · {self.exercise.slug} · {self.score}/{self.max_score}"


# ---- authoring in the browser (issue 17) --------------------------------------------------------------
class Draft(models.Model):
    """A lesson or exercise an instructor writes in the browser: every save is a DraftVersion; publishing
    makes (or updates) the Lesson of its slug and puts it in the instructor's courses."""
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    title = models.CharField(max_length=200, blank=True)      # from the last version that parsed
    slug = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=20, default="lesson")
    lesson = models.ForeignKey(Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="drafts")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated"]

    def __str__(self) -> str:
        return self.title or f"draft {self.pk}"

    @property
    def latest(self) -> "DraftVersion | None":
        return self.versions.order_by("-number").first()


class DraftVersion(models.Model):
    """One saved text of a draft, kept for ever (numbered from 1), so any two can be compared."""
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    source = models.TextField()
    note = models.CharField(max_length=200, blank=True)       # "created", "saved", "imported", "published to ..."
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="unique_version_number")]

    def __str__(self) -> str:
        return f"{self.draft} v{self.number}"
