"""Fixtures the LTI tests share with the lessons' tests."""
from tests.lessons.conftest import sandbox_clock  # noqa: F401  (pods are ready by the next command)
