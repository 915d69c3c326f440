"""Replay a lesson's solution in a fresh sandbox and report every step it fails to complete.

Each step's `solution` (by default its first command) runs in order on a fake clock, exactly as
`manage.py sim --lesson` would, and each command is assessed. `manage.py checklessons`, the authoring
page's Check button (lessons/authoring.py) and the tests use it.
Before that, the starting state must not already pass: a lesson whose every state check holds right
after setup, or an exercise task that is met before the learner types anything, teaches nothing.
An exercise (kind: exercise) runs each task's solution and grades the sandbox (grade.py).
Each step's or task's `wrong` answers run in their own fresh sandbox after the earlier solutions and
must not complete it: a check that a wrong answer passes is too loose.

Every problem is a `Problem`: a string (what checklessons prints) that knows the step or task it is about
(None: the lesson as a whole), so `report()` can show the result per step or task.
"""
from __future__ import annotations

from playground.sim.engine import CLOCK_STEP, Engine

from . import assess, checks, grade, setup

START = 1_767_603_600.0        # 2026-01-05T09:00:00Z, as manage.py sim


class Problem(str):
    """A problem's text, tagged with the id of the step or task it concerns (None: the whole item)."""
    item: str | None

    def __new__(cls, text: str, item: str | None = None):
        self = super().__new__(cls, text)
        self.item = item
        return self


def replay(lesson: dict, seed: int = 0) -> tuple[list[dict], list[str]]:
    """(records, problems): one record per command run, and what went wrong (empty: the lesson works)."""
    if lesson.get("kind") == "exercise":
        records, problems = replay_exercise(lesson, seed)
    else:
        records, problems = replay_lesson(lesson, seed)
    if not problems:
        problems = wrong_answers_pass(lesson, seed)
    return records, problems


def report(lesson: dict, seed: int = 0) -> dict:
    """What the authoring page shows: {"ok", "general": [problems], "items": [{id, title, ok, problems}]}."""
    _, problems = replay(lesson, seed)
    items = lesson.get("tasks") or lesson.get("steps") or []
    ids = {i["id"] for i in items}
    return {"ok": not problems,
            "general": [str(p) for p in problems if getattr(p, "item", None) not in ids],
            "items": [{"id": i["id"], "title": i["title"], "wrong": len(i.get("wrong") or []),
                       "problems": [str(p) for p in problems if getattr(p, "item", None) == i["id"]],
                       "ok": not any(getattr(p, "item", None) == i["id"] for p in problems)} for i in items]}


def _run_steps(lesson: dict, engine: Engine, progress: dict, steps: list[dict], now: float,
               records: list[dict]) -> tuple[float, list[str]]:
    """Run each step's solution in order, assessing every command; stop at the first step left undone."""
    for step in steps:
        if step["id"] in progress["done"]:
            continue
        if progress["current"] != step["id"]:
            return now, [Problem(f"step {step['id']!r}: the lesson is at {progress['current']!r} instead", step["id"])]
        now = _run_lines(lesson, engine, progress, step.get("solution") or step["commands"][:1], now, records)
        if step["id"] not in progress["done"]:
            last = records[-1]["assessment"] if records else {}
            return now, [Problem(f"step {step['id']!r} was not completed by "
                                 f"{step.get('solution') or step['commands'][:1]}: "
                                 f"{last.get('message')} {last.get('hint') or ''}".strip(), step["id"])]
    return now, []


def _run_lines(lesson: dict, engine: Engine, progress: dict, lines: list[str], now: float,
               records: list[dict]) -> float:
    for line in lines:
        now += CLOCK_STEP
        result, now = engine.run_to_end(line, now=now)
        verdict = assess.assess(lesson, progress, line, result, engine)
        records.append({"command": line, "output": result.output, "exit_code": result.exit_code,
                        "assessment": verdict})
        if result.editor:
            engine.save_editor(None, now=now)
    return now


def replay_lesson(lesson: dict, seed: int = 0) -> tuple[list[dict], list[str]]:
    now = START
    engine, problems = _fresh(lesson, seed, now)
    problems += _lesson_start_passes(lesson, engine)
    if problems:
        return [], problems
    progress = assess.new_progress(lesson)
    records: list[dict] = []
    now, problems = _run_steps(lesson, engine, progress, lesson["steps"], now, records)
    if not problems and not progress["completed"]:
        problems.append(Problem("every step ran but the lesson is not complete"))
    return records, problems


SETTLE = 60.0        # seconds the exercise's cluster gets after the solution (pods start, endpoints fill)


def _fresh(lesson: dict, seed: int, now: float, settle: float = 0.0) -> tuple[Engine, list[str]]:
    engine = Engine.new(seed, now=now)
    problems: list[str] = []
    lines = ([f"kubectl apply -f {setup.START_MANIFEST}"] if lesson.get("manifest") else []) + lesson["setup"]
    for line, result in zip(lines, setup.prepare(engine, lesson, now=now)):
        if result.exit_code != 0:
            what = "the starting manifest" if line.endswith(setup.START_MANIFEST) else f"setup command {line!r}"
            problems.append(Problem(f"{what} failed: {result.output.strip()}"))
    if settle:
        engine.tick(now + settle)
    return engine, problems


def _lesson_start_passes(lesson: dict, engine: Engine) -> list[str]:
    """The starting state already satisfies every state check of the lesson (none to learn)."""
    preds = [p for s in lesson["steps"] for p in s["check"]["state"] if "output_contains" not in p]
    if preds and all(checks.evaluate(p, engine.cluster, host_files=engine.host.files) is None for p in preds):
        return [Problem("the starting state already passes every state check: the setup does the lesson's work")]
    return []


def _run_task(task: dict, lines: list[str], engine: Engine, now: float, records: list[dict]) -> tuple[float, list]:
    """Run commands for a task, then let the cluster settle; (now, the failed commands' problems)."""
    problems = []
    for line in lines:
        now += CLOCK_STEP
        result, now = engine.run_to_end(line, now=now)
        if result.editor:
            engine.save_editor(None, now=now)
        records.append({"command": line, "output": result.output, "exit_code": result.exit_code,
                        "task": task["id"]})
        if result.exit_code != 0:
            problems.append(Problem(f"task {task['id']!r}: solution command {line!r} failed: "
                                    f"{result.output.strip()[:300]}", task["id"]))
    now += SETTLE
    engine.tick(now)
    return now, problems


def _task_result(task: dict, engine: Engine) -> dict:
    return grade.task_result(task, engine.cluster, [checks.normalise(h) for h in engine.host.history],
                             engine.host.files)


def replay_exercise(exercise: dict, seed: int = 0) -> tuple[list[dict], list[str]]:
    """(records, problems) for an exercise: the start passes no task, each task's solution meets it, and
    the finished sandbox earns full marks."""
    now = START + SETTLE
    engine, problems = _fresh(exercise, seed, START, SETTLE)
    start = grade.grade(exercise, engine)
    for t in start["tasks"]:
        if t["passed"]:
            problems.append(Problem(f"task {t['id']!r} already passes in the starting state: the setup must "
                                    f"leave it to the learner", t["id"]))
    if problems:
        return [], problems
    records: list[dict] = []
    for task in exercise["tasks"]:
        now, failed = _run_task(task, task["solution"], engine, now, records)
        problems += failed
        mine = _task_result(task, engine)
        if not mine["passed"]:
            problems.append(Problem(f"task {task['id']!r} is not met by its solution: {'; '.join(mine['reasons'])}",
                                    task["id"]))
    if problems:
        return records, problems
    final = grade.grade(exercise, engine)
    for t in final["tasks"]:
        if not t["passed"]:
            problems.append(Problem(f"task {t['id']!r} no longer passes after the later tasks' solutions: "
                                    f"{'; '.join(t['reasons'])}", t["id"]))
    return records, problems


def wrong_answers_pass(lesson: dict, seed: int = 0) -> list[str]:
    """Each listed wrong answer, run in a fresh sandbox after the earlier steps' or tasks' solutions, must
    leave its step or task undone; one that completes it is a problem (the check is too loose)."""
    problems: list[str] = []
    if lesson.get("kind") == "exercise":
        for index, task in enumerate(lesson["tasks"]):
            for answer in task.get("wrong") or []:
                engine, _ = _fresh(lesson, seed, START, SETTLE)
                now, records = START + SETTLE, []
                for earlier in lesson["tasks"][:index]:
                    now, _ = _run_task(earlier, earlier["solution"], engine, now, records)
                _run_task(task, answer, engine, now, records)
                if _task_result(task, engine)["passed"]:
                    problems.append(Problem(f"task {task['id']!r}: the wrong answer {answer} earns it: its check "
                                            f"is too loose", task["id"]))
        return problems
    for index, step in enumerate(lesson["steps"]):
        for answer in step.get("wrong") or []:
            engine, _ = _fresh(lesson, seed, START)
            progress, records = assess.new_progress(lesson), []
            now, _ = _run_steps(lesson, engine, progress, lesson["steps"][:index], START, records)
            if step["id"] in progress["done"]:
                continue          # met by the earlier steps already: nothing left for a wrong answer to do
            _run_lines(lesson, engine, progress, answer, now, records)
            if step["id"] in progress["done"]:
                problems.append(Problem(f"step {step['id']!r}: the wrong answer {answer} completes it: its check "
                                        f"is too loose", step["id"]))
    return problems
