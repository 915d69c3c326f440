"""manage.py checklessons replays every lesson's solution and fails, naming the step, when one cannot be met."""
from __future__ import annotations

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from lessons import format


def test_the_services_lessons_can_be_completed():
    out = io.StringIO()
    call_command("checklessons", "services-clusterip-nodeport", "services-microservices", stdout=out)
    assert out.getvalue() == ("ok services-clusterip-nodeport: 7 steps, 7 commands\n"
                              "ok services-microservices: 8 steps, 8 commands\n")


def test_a_step_its_solution_cannot_complete_fails_the_check(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(format.CONTENT_DIR, folder)
    path = folder / "01-services-clusterip-nodeport.md"
    # an instructor's slip: the check asks for a NodePort the solution does not set
    path.write_text(path.read_text().replace("{service: nginx-app, type: NodePort, port: 80, nodePort: 32000, healthy: true}",
                                             "{service: nginx-app, type: NodePort, port: 80, nodePort: 32001}"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 lesson\\(s\\) cannot be completed: services-clusterip-nodeport"):
        call_command("checklessons", "services-clusterip-nodeport", dir=str(folder), stderr=err, stdout=io.StringIO())
    assert err.getvalue().startswith("services-clusterip-nodeport: step 'make-nodeport' was not completed by")
    assert "the step wants port 80, nodePort 32001" in err.getvalue()


# ---- issue 6: every shipped lesson and exercise, and the two ways an author's file can be wrong -----------
FIXTURES = format.CONTENT_DIR.parents[1] / "tests" / "lessons" / "fixtures"


def test_every_shipped_lesson_and_exercise_passes():
    out = io.StringIO()
    call_command("checklessons", stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    shipped = format.load_all()
    assert len(lines) == len(shipped) and all(l.startswith("ok ") for l in lines)
    kinds = [s.get("kind", "lesson") for s in shipped]
    assert kinds.count("lesson") >= 5 and kinds.count("exercise") >= 6
    # one exercise per tutorial lesson, and the capstone
    practised = {s["lesson"] for s in shipped if s.get("kind") == "exercise"}
    assert {s["slug"] for s in shipped if s.get("kind", "lesson") == "lesson"} <= practised
    assert "ok capstone-wordpress: 4 tasks, 6 commands, 9 points" in lines


def _check_one(tmp_path, fixture: str, slug: str) -> str:
    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copy(FIXTURES / fixture, folder / fixture)
    err = io.StringIO()
    with pytest.raises(CommandError, match=f"1 lesson\\(s\\) cannot be completed: {slug}"):
        call_command("checklessons", dir=str(folder), stderr=err, stdout=io.StringIO())
    return err.getvalue()


def test_an_exercise_whose_solution_misses_its_check_fails_naming_the_task(tmp_path):
    err = _check_one(tmp_path, "bad-solution.md", "fixture-bad-solution")
    assert err == ("fixture-bad-solution: task 'expose' is not met by its solution: Service web has port 80; "
                   "the step wants port 8080\n")


def test_an_exercise_whose_start_already_passes_fails(tmp_path):
    err = _check_one(tmp_path, "start-passes.md", "fixture-start-passes")
    assert err == ("fixture-start-passes: task 'expose' already passes in the starting state: the setup must "
                   "leave it to the learner\n")


def test_a_lesson_whose_start_already_passes_fails(tmp_path):
    err = _check_one(tmp_path, "lesson-start-passes.md", "fixture-lesson-start-passes")
    assert err == ("fixture-lesson-start-passes: the starting state already passes every state check: "
                   "the setup does the lesson's work\n")
