"""The services reach the lessons through hooks the lessons app registers as Django starts (playground/hooks.py):
registered in this deployment, and a missing one is a loud configuration error, never a silent "no lesson"."""
from __future__ import annotations

import pytest

from playground import hooks, services

pytestmark = pytest.mark.django_db


def test_the_lessons_app_registers_every_hook():
    for name in hooks.LESSON_HOOKS:
        assert callable(hooks.lesson_hook(name))
    assert services.lesson_exists("services-clusterip-nodeport") is False      # no lessons loaded in this test
    with pytest.raises(TypeError, match="no such lesson hook: typo"):
        hooks.register_lesson_hooks(typo=print)


def test_a_missing_hook_is_an_error_where_a_lesson_needs_it(monkeypatch, alice_sandbox):
    monkeypatch.setattr(hooks, "_lesson_hooks", {})
    assert services.lesson_state(alice_sandbox) is None          # a sandbox without a lesson needs no hook
    alice_sandbox.lesson_slug = "services-clusterip-nodeport"
    with pytest.raises(LookupError, match="is 'lessons' in INSTALLED_APPS"):
        services.lesson_state(alice_sandbox)
    with pytest.raises(LookupError):
        services.lesson_exists("services-clusterip-nodeport")
