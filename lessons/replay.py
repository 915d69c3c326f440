"""Replay a lesson's solution in a fresh sandbox and report every step it fails to complete.

Each step's `solution` (by default its first command) runs in order on a fake clock, exactly as
`manage.py sim --lesson` would, and each command is assessed. `manage.py checklessons` and the tests use it.
"""
from __future__ import annotations

from playground.sim.engine import CLOCK_STEP, Engine

from . import assess, setup

START = 1_767_603_600.0        # 2026-01-05T09:00:00Z, as manage.py sim


def replay(lesson: dict, seed: int = 0) -> tuple[list[dict], list[str]]:
    """(records, problems): one record per command run, and what went wrong (empty: the lesson works)."""
    now = START
    engine = Engine.new(seed, now=now)
    problems: list[str] = []
    for i, result in enumerate(setup.prepare(engine, lesson, now=now)):
        if result.exit_code != 0:
            problems.append(f"setup command {lesson['setup'][i]!r} failed: {result.output.strip()}")
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
            result = engine.run(line, now=now)
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
