from django import forms
from django.contrib import admin

from . import roles
from .models import Attempt, Course, CourseItem, Lesson, LessonProgress, Membership


class ScopedAdmin(admin.ModelAdmin):
    """Staff who are not superusers (instructors) see only their own courses and those courses' learners'
    work; `scope(queryset, user)` says which rows. Change pages of other rows answer "does not exist"."""

    def scope(self, queryset, user):
        raise NotImplementedError

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else self.scope(queryset, request.user)


class LessonForm(forms.ModelForm):
    """Edit a lesson or exercise as its file: the source is parsed with the same rules as loadlessons,
    and title, slug, order, summary and spec are taken from it."""

    class Meta:
        model = Lesson
        fields = ("source",)

    def clean_source(self):
        source = self.cleaned_data["source"]
        # lazy: django.setup() loads the admin; the parser brings yaml, the checks and their engine (~55 ms)
        from . import format
        try:
            self.spec = format.parse_lesson(source, "the lesson source")
        except format.LessonFormatError as exc:
            raise forms.ValidationError(str(exc)) from None
        other = Lesson.objects.filter(slug=self.spec["slug"]).exclude(pk=self.instance.pk or None)
        if other.exists():
            raise forms.ValidationError(f"slug {self.spec['slug']!r} is already used by another lesson")
        return source

    def save(self, commit=True):
        lesson = super().save(commit=False)
        spec = self.spec
        lesson.slug, lesson.title, lesson.order = spec["slug"], spec["title"], spec["order"]
        lesson.summary, lesson.spec = spec["summary"], spec
        if commit:
            lesson.save()
        return lesson


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    form = LessonForm
    list_display = ("order", "slug", "title", "updated")
    readonly_fields = ("slug", "title", "order", "summary", "spec")
    fields = ("source", "slug", "title", "order", "summary", "spec")


@admin.register(LessonProgress)
class LessonProgressAdmin(ScopedAdmin):
    list_display = ("user", "lesson", "sandbox", "updated")
    list_filter = ("lesson",)

    def scope(self, queryset, user):
        return roles.learners_work(queryset, roles.courses_taught(user), "lesson")


class CourseItemInline(admin.TabularInline):
    model = CourseItem
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Course)
class CourseAdmin(ScopedAdmin):
    list_display = ("title", "owner", "time_zone", "join_code", "created")
    inlines = [CourseItemInline, MembershipInline]

    def scope(self, queryset, user):
        return queryset.filter(pk__in=roles.courses_taught(user))

    def get_readonly_fields(self, request, obj=None):
        return () if request.user.is_superuser else ("owner",)     # an instructor's course stays theirs

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            obj.owner = request.user
        super().save_model(request, obj, form, change)


@admin.register(Attempt)
class AttemptAdmin(ScopedAdmin):
    list_display = ("user", "exercise", "score", "max_score", "created")
    list_filter = ("exercise",)
    readonly_fields = ("results", "snapshot", "commands")

    def scope(self, queryset, user):
        return roles.learners_work(queryset, roles.courses_taught(user), "exercise")
