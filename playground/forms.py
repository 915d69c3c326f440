"""Forms for accounts and sandboxes."""
from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm

from .services import MAX_NAME


def lesson_choices() -> list[tuple[str, str]]:
    """(slug, title) for every lesson the lessons app knows, in its order."""
    from lessons.models import Lesson   # lessons sits above playground: imported when first used

    return [(lesson.slug, lesson.title) for lesson in Lesson.objects.all()]


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username",)


class SandboxForm(forms.Form):
    name = forms.CharField(max_length=MAX_NAME, initial="my-cluster",
                           widget=forms.TextInput(attrs={"placeholder": "my-cluster", "autocomplete": "off"}))
    lesson_slug = forms.CharField(max_length=100, required=False, label="Lesson")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = lesson_choices()
        if choices:
            self.fields["lesson_slug"] = forms.ChoiceField(choices=[("", "(no lesson, free play)")] + choices,
                                                           required=False, label="Lesson")
