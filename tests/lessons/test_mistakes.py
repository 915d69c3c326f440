"""The learner-mistake corpus (tests/lessons/mistakes/*.yaml): each case replays a lesson to a step, types
what a learner typed, and checks what the lesson pane would show, through the same assessment the server
runs (lessons.assess; for exercises, the grade and lessons.assess.explain, as lessons.progress does).

A case:
    - name: busybox without a command crash-loops
      lesson: services-dns           # slug
      at: run-testpod                # optional: the solution of every earlier step runs first
      commands: [kubectl run testpod --image=busybox]
      expect:                        # about the last command's assessment
        verdict: mistake             # optional
        not_done: [run-testpod]      # steps (or exercise tasks) that must not be complete
        done: [...]                  # steps that must be complete
        current: resolv-conf         # the step the lesson is at
        says: 'CrashLoopBackOff|exits at once'     # regex over message + hint
        not_says: 'This step uses: kubectl exec'   # regex that must not match
Nothing any command of the case gets may say "later step" (the order of steps is not a trap).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from lessons import assess, format, grade, replay
from playground.sim.engine import CLOCK_STEP

CASES_DIR = Path(__file__).parent / "mistakes"


def _cases() -> list[dict]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text()):
            out.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return out


def _lesson(slug: str) -> dict:
    path = next(p for p in format.lesson_files() if format.load_file(p)["slug"] == slug)
    return format.load_file(path)


def _run(case: dict) -> tuple[dict, list[dict], dict, object]:
    lesson = _lesson(case["lesson"])
    now = replay.START
    engine, problems = replay._fresh(lesson, 0, now, replay.SETTLE if lesson.get("kind") == "exercise" else 0)
    assert not problems, problems
    if lesson.get("kind") == "exercise":
        now += replay.SETTLE
    progress = assess.new_progress(lesson) if lesson.get("kind") != "exercise" else {}
    for step in lesson.get("steps", []) if case.get("at") else []:
        if step["id"] == case.get("at") or progress.get("current") != step["id"]:
            break
        for line in step.get("solution") or step["commands"][:1]:
            now += CLOCK_STEP
            result = engine.run(line, now=now)
            assess.assess(lesson, progress, line, result, engine)
            if result.editor:
                engine.save_editor(None, now=now)
    if case.get("at"):
        assert progress.get("current") == case["at"], f"the solution did not bring the lesson to {case['at']}"
    verdicts = []
    for line in case["commands"]:
        now += CLOCK_STEP
        result = engine.run(line, now=now)
        if lesson.get("kind") == "exercise":
            g = grade.grade(lesson, engine)
            verdicts.append({"verdict": "graded", "message": grade.summary(g),
                             "hint": assess.explain(engine, line, result), "grade": g})
        else:
            verdicts.append(assess.assess(lesson, progress, line, result, engine))
        if result.editor:
            engine.save_editor(None, now=now)
    return lesson, verdicts, progress, engine


@pytest.mark.parametrize("case", _cases())
def test_a_learner_mistake_gets_the_real_cause(case):
    lesson, verdicts, progress, _ = _run(case)
    for v in verdicts:
        assert "later step" not in f"{v.get('message')} {v.get('hint') or ''}", v
    last, expect = verdicts[-1], case["expect"]
    text = f"{last.get('message')} {last.get('hint') or ''}"
    if "verdict" in expect:
        assert last["verdict"] == expect["verdict"], text
    if "says" in expect:
        assert re.search(expect["says"], text, re.S), text
    if "not_says" in expect:
        assert not re.search(expect["not_says"], text, re.S), text
    if lesson.get("kind") == "exercise":
        passed = {t["id"] for t in last["grade"]["tasks"] if t["passed"]}
    else:
        passed = set(progress["done"])
    for sid in expect.get("not_done", []):
        assert sid not in passed, f"{sid} should not be complete: {text}"
    for sid in expect.get("done", []):
        assert sid in passed, f"{sid} should be complete: {text}"
    if "current" in expect:
        assert progress["current"] == expect["current"], text


def test_the_corpus_covers_every_lesson_and_exercise_with_forty_cases():
    cases = [c.values[0] for c in _cases()]
    assert len(cases) >= 40
    slugs = {format.load_file(p)["slug"] for p in format.lesson_files()
             if format.load_file(p)["order"] < 110}       # lessons 1-5 and the exercises, not the capstone
    assert slugs <= {c["lesson"] for c in cases}
