"""Scores and rosters through the LMS's services, with PyLTI1p3's service clients (token requests signed
with the tool's key, retries on 401 handled by the library):

- Assignment and Grade Services: when a learner hands in an exercise, their best score (points of the
  maximum: partial credit, not only "completed") goes to the line item their launch came from; when they
  complete a lesson, its steps done of its steps.
- Names and Role Provisioning Services: the context's roster becomes the course's memberships.
"""
from __future__ import annotations

import logging

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException
from pylti1p3.grade import Grade
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector
from requests import RequestException

from lessons import gradebook
from lessons.models import Attempt, Course, LessonProgress, Membership

from .models import GradeLink, ensure_tool_key

log = logging.getLogger(__name__)


def _score(link: GradeLink) -> tuple[float, float] | None:
    """(given, maximum) for the learner's work on the linked item, or None when there is nothing yet."""
    lesson = link.lesson
    if gradebook.is_exercise(lesson):
        best = gradebook.best_attempt(list(Attempt.objects.filter(user=link.user, exercise=lesson)
                                           .defer("snapshot", "commands")))
        return (best.score, max(best.max_score, 1)) if best else None
    rows = list(lesson.progress.filter(user=link.user))
    best = gradebook.best_progress(lesson, rows)
    return (gradebook.steps_done(lesson, best), max(gradebook.maximum(lesson), 1)) if best else None


def send_score(link: GradeLink) -> dict | None:
    """Post the learner's score to the platform's line item; returns what was sent (None: nothing to send)."""
    score = _score(link)
    if score is None or not link.ags.get("lineitem") and not link.ags.get("lineitems"):
        return None
    given, maximum = score
    ensure_tool_key()
    grade = (Grade().set_score_given(given).set_score_maximum(maximum).set_user_id(link.platform_user_id)
             .set_timestamp(timezone.now().isoformat())
             .set_activity_progress("Completed" if given >= maximum else "Submitted")
             .set_grading_progress("FullyGraded"))
    service = AssignmentsGradesService(ServiceConnector(link.registration.to_registration()), link.ags)
    try:
        service.put_grade(grade)
    except (LtiException, RequestException) as exc:
        link.last_status = f"not sent: {exc}"[:300]
        link.save(update_fields=["last_status", "updated"])
        log.warning("LTI score for %s not sent: %s", link, exc)
        return None
    link.last_score, link.last_status = given, f"sent {given:g}/{maximum:g}"
    link.save(update_fields=["last_score", "last_status", "updated"])
    return {"given": given, "maximum": maximum}


@receiver(post_save, sender=Attempt)
def attempt_submitted(sender, instance: Attempt, created: bool, **kwargs) -> None:
    if created:
        for link in GradeLink.objects.filter(user_id=instance.user_id, lesson_id=instance.exercise_id):
            send_score(link)


@receiver(post_save, sender=LessonProgress)
def lesson_completed(sender, instance: LessonProgress, **kwargs) -> None:
    """A lesson launched from an LMS reports its steps once completed (each command saves the row: only a
    completed lesson whose score the platform has not had yet is sent)."""
    if not (instance.state or {}).get("completed") or gradebook.is_exercise(instance.lesson):
        return
    done = gradebook.steps_done(instance.lesson, instance)
    for link in GradeLink.objects.filter(user_id=instance.user_id, lesson_id=instance.lesson_id):
        if link.last_score != done:
            send_score(link)


def sync_roster(course: Course, registration, memberships_url: str, make_user) -> int:
    """Every active member of the LMS context as a member of the course (instructor or learner); returns
    how many. `make_user(registration, member)` finds or creates the Podscape user of a platform member."""
    ensure_tool_key()
    service = NamesRolesProvisioningService(ServiceConnector(registration.to_registration()),
                                            {"context_memberships_url": memberships_url,
                                             "service_versions": ["2.0"]})
    count = 0
    for member in service.get_members():
        if member.get("status", "Active") != "Active":
            continue
        user = make_user(registration, member)
        role = Membership.INSTRUCTOR if is_teacher(member.get("roles") or []) else Membership.LEARNER
        if course.owner_id != user.pk:
            Membership.objects.update_or_create(course=course, user=user, defaults={"role": role})
        count += 1
    return count


TEACHER_ROLES = ("membership#Instructor", "membership#Administrator", "membership#ContentDeveloper",
                 "institution/person#Administrator", "system/person#Administrator")


def is_teacher(roles: list[str]) -> bool:
    return any(r.endswith(TEACHER_ROLES) or r in ("Instructor", "Administrator") for r in roles)
