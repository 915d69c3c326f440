"""Who may do what: instructors (staff or the Instructor group) author and run courses; a course's
instructors (its owner and members with the instructor role) read its gradebook; learners see their own work.

Denials: someone outside a course gets 404 (they do not learn it exists); a learner of the course asking
for an instructor's page gets 403.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from .models import Course, Lesson, Membership

INSTRUCTOR_GROUP = "Instructor"


def is_instructor(user) -> bool:
    """May author lessons (preview) and create courses."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.groups.filter(name=INSTRUCTOR_GROUP).exists())


def role_in(course: Course, user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if course.owner_id == user.pk:
        return Membership.INSTRUCTOR
    return Membership.objects.filter(course=course, user=user).values_list("role", flat=True).first()


def course_for(user, course_id: int) -> tuple[Course, str]:
    """(course, role) for a member; 404 for anyone else."""
    course = Course.objects.filter(pk=course_id).first()
    role = role_in(course, user) if course else None
    if role is None:
        raise Http404("No such course")
    return course, role


def course_for_instructor(user, course_id: int) -> Course:
    course, role = course_for(user, course_id)
    if role != Membership.INSTRUCTOR:
        raise PermissionDenied("Only the course's instructors can see this.")
    return course


def require_instructor(user) -> None:
    if not is_instructor(user):
        raise PermissionDenied("Only instructors can do this.")


def courses_taught(user):
    """The courses a user runs: owned, or joined with the instructor role."""
    return Course.objects.filter(Q(owner=user) | Q(memberships__user=user, memberships__role=Membership.INSTRUCTOR)
                                 ).distinct()


def learners_work(queryset, courses, lesson_field: str):
    """Attempts or progress rows (`lesson_field` names their lesson) of the learners of `courses` at those
    courses' items: what the courses' instructors may read, and nothing else."""
    return queryset.filter(**{f"{lesson_field}__course_items__course__in": courses,
                              "user__course_memberships__course__in": courses,
                              "user__course_memberships__role": Membership.LEARNER}).distinct()


def visible_lessons(user):
    """The lessons a user may see and start: every file of lessons/content (no author), and a lesson an
    instructor published from the browser only for its author and the members of courses it is in."""
    if not getattr(user, "is_authenticated", False):
        return Lesson.objects.filter(author__isnull=True)
    if user.is_superuser:
        return Lesson.objects.all()
    courses = Course.objects.filter(Q(owner=user) | Q(memberships__user=user))
    return Lesson.objects.filter(Q(author__isnull=True) | Q(author=user) |
                                 Q(pk__in=Lesson.objects.filter(course_items__course__in=courses).values("pk")))
