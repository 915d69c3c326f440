"""Issue 13, item 7: the gradebook's CSV never hands a spreadsheet a formula (usernames are the learners')."""
from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from tests.lessons.test_courses import as_user, join, make_course

pytestmark = pytest.mark.django_db

NAMES = ["=HYPERLINK(x)", "+1+1", "-2", "@SUM", "\tTAB", "plain"]


def test_cells_that_start_like_a_formula_are_neutralised(client, django_user_model):
    call_command("loadlessons", stdout=io.StringIO())
    teacher = django_user_model.objects.create_user("teacher", password="pw", is_staff=True)
    course = make_course(client, teacher)
    for name in NAMES:
        join(client, django_user_model.objects.create_user(name, password="pw"), course)
    resp = as_user(client, teacher).get(f"/lessons/courses/{course.pk}/gradebook.csv")
    learners = {row[0] for row in list(csv.reader(io.StringIO(resp.content.decode())))[1:]}
    assert learners == {"'=HYPERLINK(x)", "'+1+1", "'-2", "'@SUM", "'\tTAB", "plain"}
