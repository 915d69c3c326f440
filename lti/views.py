"""Podscape as an LTI 1.3 tool: OIDC login initiation, launches into a lesson or exercise, Deep Linking.

django-lti (lti_tool) and PyLTI1p3 check the id_token: its signature against the platform's JWKS, issuer,
audience (client id), expiry, nonce, state and deployment. What is Podscape's own: a launch signs the
platform user in as their Podscape user, makes the LMS course a Podscape course with them as learner or
instructor, and opens the item named by the custom claim `podscape_item` (set by Deep Linking).
"""
from __future__ import annotations

import hashlib
import logging

from django.contrib.auth import get_user_model, login
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from lti_tool.constants import SESSION_KEY
from lti_tool.models import LtiUser
from lti_tool.utils import get_launch_from_request
from lti_tool.views import LtiLaunchBaseView
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException
from pylti1p3.lineitem import LineItem
from requests import RequestException

from lessons import gradebook, roles
from lessons.models import Course, CourseItem, Lesson, Membership

from . import grades
from .models import GradeLink, LtiCourse, ensure_tool_key

log = logging.getLogger(__name__)
ITEM_CLAIM = "podscape_item"
NONCE_SECONDS = 24 * 3600


def _username(registration, sub: str) -> str:
    return f"lti-{registration.pk}-{hashlib.sha256(sub.encode()).hexdigest()[:16]}"


def podscape_user(registration, sub: str, claims: dict):
    """The Podscape account of a platform user (made on first sight; they sign in only through the LMS)."""
    lti_user, _ = LtiUser.objects.get_or_create(registration=registration, sub=sub)
    if lti_user.auth_user is None:
        user, created = get_user_model().objects.get_or_create(username=_username(registration, sub))
        if created:
            user.set_unusable_password()
        user.first_name = str(claims.get("given_name") or "")[:150]
        user.last_name = str(claims.get("family_name") or "")[:150]
        user.email = str(claims.get("email") or "")[:254]
        user.save()
        lti_user.auth_user = user
        lti_user.save(update_fields=["auth_user"])
    return lti_user.auth_user


def _member_user(registration, member: dict):
    return podscape_user(registration, member["user_id"], member)


def _course(lti_launch, registration) -> Course:
    """The Podscape course of the launch's LMS context, owned by the platform (an account nobody signs in as)."""
    context = lti_launch.context
    link = LtiCourse.objects.filter(context=context).select_related("course").first()
    if link:
        return link.course
    owner, _ = get_user_model().objects.get_or_create(username=f"lti-platform-{registration.pk}",
                                                      defaults={"is_active": False})
    title = (lti_launch.context_claim or {}).get("title") or context.title or f"LMS course {context.id_on_platform}"
    course = Course.objects.create(title=title[:200], owner=owner)
    LtiCourse.objects.create(context=context, course=course)
    return course


def _may_link(course: Course, lesson: Lesson) -> bool:
    """Any lesson file; a lesson written in Podscape only when it is in the course already or its author
    teaches the course (an LMS custom parameter must not open someone's unpublished work)."""
    return (lesson.author_id is None or course.items.filter(lesson=lesson).exists()
            or course.owner_id == lesson.author_id
            or course.memberships.filter(user_id=lesson.author_id, role=Membership.INSTRUCTOR).exists())


def _refuse(reason: str) -> HttpResponse:
    return HttpResponseForbidden(f"This LTI launch was refused: {reason}", content_type="text/plain")


@method_decorator(xframe_options_exempt, name="dispatch")
class LaunchView(LtiLaunchBaseView):
    """POST /lti/launch/: the platform's signed id_token. A refused token answers 403 with the reason."""

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except LtiException as exc:
            return _refuse(str(exc))

    def launch_setup(self, request, lti_launch) -> None:
        """A nonce is good once: PyLTI1p3 checks it was issued for this login, this refuses a replay."""
        data = lti_launch.get_launch_data()
        key = f"lti-nonce:{data.get('iss')}:{data.get('nonce')}"
        if not cache.add(key, 1, NONCE_SECONDS):
            raise LtiException("the nonce was used before (a replayed id_token)")

    def _sign_in(self, request, lti_launch):
        registration = lti_launch.registration
        data = lti_launch.get_launch_data()
        user = podscape_user(registration, data["sub"], data)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session[SESSION_KEY] = lti_launch.get_launch_id()     # login() cycled the session
        teacher = grades.is_teacher(lti_launch.roles_claim or [])
        return registration, data, user, teacher

    def handle_resource_launch(self, request, lti_launch) -> HttpResponse:
        registration, data, user, teacher = self._sign_in(request, lti_launch)
        slug = lti_launch.get_custom_claim(ITEM_CLAIM) or ""
        lesson = Lesson.objects.filter(slug=slug).first()
        with transaction.atomic():
            course = _course(lti_launch, registration)
            if lesson is None or not _may_link(course, lesson):
                transaction.set_rollback(True)
                return render(request, "lti/no_item.html", {"slug": slug}, status=404)
            if course.owner_id != user.pk:
                Membership.objects.update_or_create(
                    course=course, user=user,
                    defaults={"role": Membership.INSTRUCTOR if teacher else Membership.LEARNER})
            if not course.items.filter(lesson=lesson).exists():
                last = course.items.aggregate(p=Max("position"))["p"]
                CourseItem.objects.create(course=course, lesson=lesson, position=0 if last is None else last + 1)
            ags = lti_launch.ags_claim
            if ags and not teacher:
                GradeLink.objects.update_or_create(user=user, lesson=lesson, registration=registration,
                                                   defaults={"platform_user_id": data["sub"], "ags": ags})
        if teacher:       # the LMS vouches for them: they may write lessons and publish to this course
            user.groups.add(Group.objects.get_or_create(name=roles.INSTRUCTOR_GROUP)[0])
        if teacher and (lti_launch.nrps_claim or {}).get("context_memberships_url"):
            try:
                grades.sync_roster(course, registration, lti_launch.nrps_claim["context_memberships_url"],
                                   _member_user)
            except (LtiException, RequestException) as exc:
                log.warning("LTI roster of %s not read: %s", course, exc)
        if teacher:
            return redirect("lessons:course", course_id=course.pk)
        return redirect("start_lesson", slug=lesson.slug)

    def handle_deep_linking_launch(self, request, lti_launch) -> HttpResponse:
        registration, data, user, teacher = self._sign_in(request, lti_launch)
        if not teacher:
            return _refuse("only instructors choose content for the LMS")
        items = [{"lesson": l, "exercise": gradebook.is_exercise(l), "max": gradebook.maximum(l)}
                 for l in roles.visible_lessons(user)]
        return render(request, "lti/deep_link.html", {"items": items, "launch_id": lti_launch.get_launch_id()})


class NewWindowLink(DeepLinkResource):
    """A content item the LMS opens in a new window (the Deep Linking spec's `window` property; PyLTI1p3's
    own to_dict leaves the target out): Podscape's pages refuse to be framed, its session cookie is Lax."""

    def to_dict(self) -> dict:
        return dict(super().to_dict(), window={"targetName": "_blank"})


@csrf_exempt          # the platform posts cross-site; the launch id in the session is the proof
@xframe_options_exempt
@require_POST
def deep_link_response(request: HttpRequest) -> HttpResponse:
    """The instructor's choice, as content items signed with the tool's key and posted back to the LMS."""
    launch_id = request.session.get(SESSION_KEY)
    if not launch_id or request.POST.get("launch_id") != launch_id:
        return _refuse("no deep linking launch in this session")
    try:
        lti_launch = get_launch_from_request(request, launch_id)
    except LtiException as exc:
        return _refuse(str(exc))
    if not lti_launch.is_deep_link_launch or not grades.is_teacher(lti_launch.roles_claim or []):
        return _refuse("no deep linking launch in this session")
    lessons = {l.slug: l for l in roles.visible_lessons(request.user)}
    chosen = [lessons[s] for s in request.POST.getlist("items") if s in lessons]
    if not chosen:
        return _refuse("choose at least one lesson or exercise")
    ensure_tool_key()
    url = request.build_absolute_uri(reverse("lti:launch"))
    resources = []
    for lesson in chosen:
        maximum = gradebook.maximum(lesson)
        resources.append(NewWindowLink().set_url(url).set_title(lesson.title)
                         .set_custom_params({ITEM_CLAIM: lesson.slug})
                         .set_lineitem(LineItem().set_score_maximum(maximum).set_label(lesson.title)
                                       .set_resource_id(lesson.slug)))
    return lti_launch.deep_link_response(resources)
