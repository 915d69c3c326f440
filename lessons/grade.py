"""Grade an exercise on a sandbox: every task on its own (partial credit), on the state and the history.

    result = grade(exercise, engine)
    # {"score": 3, "max_score": 5, "passed": False,
    #  "tasks": [{"id", "title", "points", "earned", "passed", "reasons": [...]}, ...]}

Pure (no Django). Checks run on a copy of the engine, so a request predicate's walk leaves nothing behind.
"""
from __future__ import annotations

from playground.sim.engine import Engine

from . import checks


def _needs_copy(exercise: dict) -> bool:
    return any(checks.predicate_kind(p) == "request" for t in exercise["tasks"] for p in t["check"]["state"])


def task_result(task: dict, cluster, history: list[str], host_files: dict) -> dict:
    reasons: list[str] = []
    if task["check"]["command"] and not any(checks.command_matches(task["check"]["command"], h) for h in history):
        reasons.append("none of your commands does what this task asks you to run")
    for pred in task["check"]["state"]:
        why = checks.evaluate(pred, cluster, host_files=host_files)
        if why and why not in reasons:
            reasons.append(why)
    passed = not reasons
    return {"id": task["id"], "title": task["title"], "points": task["points"],
            "earned": task["points"] if passed else 0, "passed": passed, "reasons": reasons}


def grade(exercise: dict, engine: Engine) -> dict:
    probe = Engine.from_state(engine.to_state()) if _needs_copy(exercise) else engine
    history = [checks.normalise(line) for line in probe.host.history]
    tasks = [task_result(t, probe.cluster, history, probe.host.files) for t in exercise["tasks"]]
    score = sum(t["earned"] for t in tasks)
    total = sum(t["points"] for t in tasks)
    return {"score": score, "max_score": total, "passed": score == total, "tasks": tasks}


def grade_state(exercise: dict, state: dict) -> dict:
    """Grade a stored sandbox state (Sandbox.state, an Attempt's snapshot)."""
    return grade(exercise, Engine.from_state(state))


def summary(result: dict) -> str:
    done = sum(1 for t in result["tasks"] if t["passed"])
    failing = [t["title"] for t in result["tasks"] if not t["passed"]]
    text = f"{result['score']}/{result['max_score']} points: {done} of {len(result['tasks'])} tasks pass."
    if failing:
        text += " Not yet: " + "; ".join(failing) + "."
    return text
