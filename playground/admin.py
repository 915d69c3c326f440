from django.contrib import admin
from django.db.models import Q

from lessons.admin import ScopedAdmin
from lessons.models import Membership
from lessons.roles import courses_taught

from .models import ApiToken, CommandRecord, Sandbox

# set here, not in Meta: a display name is not worth a migration ("Sandboxs" is Django's default plural)
Sandbox._meta.verbose_name_plural = "sandboxes"


def sandboxes_seen_by(user):
    """An instructor's own sandboxes and those of their courses' learners."""
    learners = Membership.objects.filter(course__in=courses_taught(user), role=Membership.LEARNER).values("user")
    return Sandbox.objects.filter(Q(owner=user) | Q(owner__in=learners))


@admin.register(Sandbox)
class SandboxAdmin(ScopedAdmin):
    list_display = ("name", "owner", "lesson_slug", "version", "updated")
    list_filter = ("lesson_slug",)
    search_fields = ("name", "owner__username")
    exclude = ("meta",)

    def scope(self, queryset, user):
        return queryset.filter(pk__in=sandboxes_seen_by(user))


@admin.register(CommandRecord)
class CommandRecordAdmin(ScopedAdmin):
    list_display = ("sandbox", "seq", "line", "exit_code", "created")
    search_fields = ("line",)
    raw_id_fields = ("sandbox",)

    def scope(self, queryset, user):
        return queryset.filter(sandbox__in=sandboxes_seen_by(user))


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin):
    list_display = ("user", "created")
    exclude = ("key",)

    def scope(self, queryset, user):
        return queryset.filter(user=user)
