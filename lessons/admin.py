from django import forms
from django.contrib import admin

from . import format
from .models import Attempt, Course, CourseItem, Lesson, LessonProgress, Membership


class LessonForm(forms.ModelForm):
    """Edit a lesson or exercise as its file: the source is parsed with the same rules as loadlessons,
    and title, slug, order, summary and spec are taken from it."""

    class Meta:
        model = Lesson
        fields = ("source",)

    def clean_source(self):
        source = self.cleaned_data["source"]
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
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ("user", "lesson", "sandbox", "updated")
    list_filter = ("lesson",)


class CourseItemInline(admin.TabularInline):
    model = CourseItem
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "join_code", "created")
    inlines = [CourseItemInline, MembershipInline]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("user", "exercise", "score", "max_score", "created")
    list_filter = ("exercise",)
    readonly_fields = ("results", "snapshot", "commands")
