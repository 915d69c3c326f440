"""Replay a lesson's solution in a fresh sandbox and report every step it fails to complete.

Each step's `solution` (by default its first command) runs in order on a fake clock, exactly as
`manage.py sim --lesson` would, and each command is assessed. `manage.py checklessons` and the tests use it.
Before that, the starting state must not already pass: a lesson whose every state check holds right
after setup, or an exercise task that is met before the learner types anything, teaches nothing.
An exercise (kind: exercise) runs each task's solution and grades the sandbox (grade.py).
"""
from __future__ import annotations

from playground.sim.engine import CLOCK_STEP, Engine

from . import assess, checks, grade, setup

START = 1_767_603_600.0        # 2026-01-05T09:00:00Z, as manage.py sim


def replay(lesson: dict, seed: int = 0) -> tuple[list[dict], list[str]]:
    """(records, problems): one record per command run, and what went wrong (empty: the lesson works)."""
    if lesson.get("kind") == "exercise":
        return replay_exercise(lesson, seed)
    now = START
    engine, problems = _fresh(lesson, seed, now)
    problems += _lesson_start_passes(lesson, engine)
    if problems:
        return [], problems
    progress = assess.new_progress(lesson)
    records: list[dict] = []
    for step in lesson["steps"]:
        if step["id"] in progress["done"]:
            continue
        if progress["current"] != step["id"]:
            problems.append(f"step {step['id']!r}: the lesson is at {progress['current']!r} instead")
            break
        for line in step.get("solution") or step["commands"][:1]:
            now += CLOCK_STEP
            result, now = engine.run_to_end(line, now=now)
            verdict = assess.assess(lesson, progress, line, result, engine)
            records.append({"command": line, "output": result.output, "exit_code": result.exit_code,
                            "assessment": verdict})
            if result.editor:
                engine.save_editor(None, now=now)
        if step["id"] not in progress["done"]:
            last = records[-1]["assessment"] if records else {}
            problems.append(f"step {step['id']!r} was not completed by {step.get('solution') or step['commands'][:1]}: "
                            f"{last.get('message')} {last.get('hint') or ''}".strip())
            break
    if not problems and not progress["completed"]:
        problems.append("every step ran but the lesson is not complete")
    return records, problems


SETTLE = 60.0        # seconds the exercise's cluster gets after the solution (pods start, endpoints fill)


def _fresh(lesson: dict, seed: int, now: float, settle: float = 0.0) -> tuple[Engine, list[str]]:
    engine = Engine.new(seed, now=now)
    problems: list[str] = []
    lines = ([f"kubectl apply -f {setup.START_MANIFEST}"] if lesson.get("manifest") else []) + lesson["setup"]
    for line, result in zip(lines, setup.prepare(engine, lesson, now=now)):
        if result.exit_code != 0:
            what = "the starting manifest" if line.endswith(setup.START_MANIFEST) else f"setup command {line!r}"
            problems.append(f"{what} failed: {result.output.strip()}")
    if settle:
        engine.tick(now + settle)
    return engine, problems


def _lesson_start_passes(lesson: dict, engine: Engine) -> list[str]:
    """The starting state already satisfies every state check of the lesson (none to learn)."""
    preds = [p for s in lesson["steps"] for p in s["check"]["state"] if "output_contains" not in p]
    if preds and all(checks.evaluate(p, engine.cluster, host_files=engine.host.files) is None for p in preds):
        return ["the starting state already passes every state check: the setup does the lesson's work"]
    return []


def replay_exercise(exercise: dict, seed: int = 0) -> tuple[list[dict], list[str]]:
    """(records, problems) for an exercise: the start passes no task, each task's solution meets it, and
    the finished sandbox earns full marks."""
    now = START + SETTLE
    engine, problems = _fresh(exercise, seed, START, SETTLE)
    start = grade.grade(exercise, engine)
    for t in start["tasks"]:
        if t["passed"]:
            problems.append(f"task {t['id']!r} already passes in the starting state: the setup must leave it "
                            f"to the learner")
    if problems:
        return [], problems
    records: list[dict] = []
    for task in exercise["tasks"]:
        for line in task["solution"]:
            now += CLOCK_STEP
            result, now = engine.run_to_end(line, now=now)
            if result.editor:
                engine.save_editor(None, now=now)
            records.append({"command": line, "output": result.output, "exit_code": result.exit_code,
                            "task": task["id"]})
            if result.exit_code != 0:
                problems.append(f"task {task['id']!r}: solution command {line!r} failed: "
                                f"{result.output.strip()[:300]}")
        now += SETTLE
        engine.tick(now)
        mine = grade.task_result(task, engine.cluster, [checks.normalise(h) for h in engine.host.history],
                                 engine.host.files)
        if not mine["passed"]:
            problems.append(f"task {task['id']!r} is not met by its solution: {'; '.join(mine['reasons'])}")
    if problems:
        return records, problems
    final = grade.grade(exercise, engine)
    for t in final["tasks"]:
        if not t["passed"]:
            problems.append(f"task {t['id']!r} no longer passes after the later tasks' solutions: "
                            f"{'; '.join(t['reasons'])}")
    return records, problems
