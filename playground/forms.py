"""Forms for accounts and sandboxes."""
from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm

# the pages sit above the lessons app (playground's services do not: they call it through hooks.py)
from lessons.models import Lesson
from lessons.roles import visible_lessons

from .services import MAX_NAME


def lesson_choices(user=None) -> list[tuple[str, str]]:
    """(slug, title) for every lesson the lessons app knows, in its order. With a user: only the lessons they
    may see (an instructor's published drafts only in their courses)."""
    lessons = Lesson.objects.all() if user is None else visible_lessons(user)
    return [(lesson.slug, lesson.title) for lesson in lessons]


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username",)


class SandboxForm(forms.Form):
    name = forms.CharField(max_length=MAX_NAME, initial="my-cluster",
                           widget=forms.TextInput(attrs={"placeholder": "my-cluster", "autocomplete": "off"}))
    lesson_slug = forms.CharField(max_length=100, required=False, label="Lesson")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = lesson_choices(user)
        if choices:
            self.fields["lesson_slug"] = forms.ChoiceField(choices=[("", "(no lesson, free play)")] + choices,
                                                           required=False, label="Lesson")
