"""Graded exercises: the same kind of file as a lesson (format.py), with `kind: exercise` in the front matter
and one `## ` section per task holding a fenced ```task block instead of ```step:

    ---
    kind: exercise
    title: "Exercise: publish a web server"
    slug: exercise-publish-web
    order: 101
    lesson: services-clusterip-nodeport   # optional: the lesson this exercise practises
    summary: One sentence.
    files: {}                             # as for lessons
    manifest: |                           # optional starting state, applied with kubectl apply before setup
      apiVersion: apps/v1
      ...
    setup: []                             # commands run before the learner starts (after the manifest)
    ---
    The goal, in Markdown. Say what to build, not which commands to type.

    ## Publish web on port 30080
    ```task
    id: nodeport                          # unique in the exercise
    points: 2                             # default 1; every task is graded on its own (partial credit)
    hints:                                # revealed one at a time, on request
      - A Service of type NodePort opens a port on the node.
      - kubectl expose can set the type; kubectl patch or edit can set spec.ports[0].nodePort.
    solution:                             # the reference solution: `manage.py checklessons` runs it
      - kubectl expose deploy web --port=80 --type=NodePort
      - "kubectl patch svc web -p '{\"spec\":{\"ports\":[{\"port\":80,\"nodePort\":30080}]}}'"
    check:
      state:                              # predicates on the final state (checks.py, predicates.py)
        - {service: web, type: NodePort, nodePort: 30080}
        - {reaches: web, pods: "app=web"}
      command: '^kubectl (get|describe) '   # optional: a command (regex) the learner must have run
    wrong:                                # optional: answers that must NOT earn the task, each a command or
      - kubectl expose deploy web --port=80   # a list of commands run after the earlier tasks' solutions
    ```
    Prose for the task (what it asks, in Markdown).

Graded on the state (and the history for `command`), so any correct route earns the points.
"""
from __future__ import annotations

import yaml

from . import checks, sections
from .sections import SLUG_RE, LessonFormatError


def _str_list(value, source: str, task: str, what: str) -> list[str]:
    try:
        return sections._str_list(value, source, task, what)
    except LessonFormatError as exc:
        raise _err(source, exc.reason, task) from None


def _regex(pattern: str, source: str, task: str, what: str) -> str:
    try:
        return sections._regex(pattern, source, task, what)
    except LessonFormatError as exc:
        raise _err(source, exc.reason, task) from None

EXERCISE_KEYS = {"kind", "title", "slug", "order", "summary", "files", "setup", "manifest", "lesson"}
TASK_KEYS = {"id", "points", "hints", "solution", "check", "wrong"}
TASK_CHECK_KEYS = {"command", "state"}


def _err(source: str, reason: str, task: str | None = None) -> LessonFormatError:
    return LessonFormatError(source, reason, task, "task")


def _parse_check(raw, source: str, tid: str) -> dict:
    if not isinstance(raw, dict) or not raw:
        raise _err(source, "check must be a mapping with state and/or command", tid)
    unknown = set(raw) - TASK_CHECK_KEYS
    if unknown:
        raise _err(source, f"unknown check key(s) for a task: {', '.join(sorted(unknown))} "
                                        f"(a task is graded on state and command)", tid)
    command = [_regex(p, source, tid, "check.command")
               for p in _str_list(raw.get("command"), source, tid, "check.command")]
    state = raw.get("state") or []
    if not isinstance(state, list):
        raise _err(source, "check.state must be a list of predicates", tid)
    for pred in state:
        problem = checks.validate_predicate(pred)
        if problem:
            raise _err(source, f"check.state: {problem}", tid)
        if "output_contains" in pred:
            raise _err(source, "check.state: a task is graded on the sandbox, not on one "
                                            "command's output (drop output_contains)", tid)
    if not state and not command:
        raise _err(source, "check needs state predicates or a command", tid)
    return {"command": command, "state": state}


def _parse_task(title: str, lines: list[str], source: str, index: int) -> dict:
    raw, tid, prose = sections.section_block(lines, source, title, index, "task", TASK_KEYS)
    points = raw.get("points", 1)
    if not isinstance(points, int) or isinstance(points, bool) or points < 1:
        raise _err(source, "points must be a whole number of at least 1", tid)
    solution = _str_list(raw.get("solution"), source, tid, "solution")
    if not solution:
        raise _err(source, "solution must list the reference commands", tid)
    if "check" not in raw:
        raise _err(source, "missing check", tid)
    if not title:
        raise _err(source, "the task heading has no title", tid)
    return {"id": tid, "title": title, "prose": prose, "points": points,
            "hints": [h.strip() for h in _str_list(raw.get("hints"), source, tid, "hints")],
            "solution": solution, "check": _parse_check(raw["check"], source, tid),
            "wrong": sections.wrong_answers(raw.get("wrong"), source, tid, "task")}


def parse_exercise(meta: dict, body: str, source: str) -> dict:
    unknown = set(meta) - EXERCISE_KEYS
    if unknown:
        raise _err(source, f"unknown front matter key(s): {', '.join(sorted(unknown))}")
    manifest = meta.get("manifest") or ""
    if not isinstance(manifest, str):
        raise _err(source, "manifest must be YAML text (use a block: `manifest: |`)")
    if manifest:
        try:
            docs = [d for d in yaml.safe_load_all(manifest) if d is not None]
        except yaml.YAMLError as exc:
            raise _err(source, f"manifest is not valid YAML: {exc}") from None
        if not docs or not all(isinstance(d, dict) and d.get("kind") for d in docs):
            raise _err(source, "manifest must hold Kubernetes objects (each with a kind)")
    lesson = meta.get("lesson")
    if lesson is not None and (not isinstance(lesson, str) or not SLUG_RE.match(lesson)):
        raise _err(source, "lesson must be the slug of a lesson")
    intro, tasks = sections.parse_sections(body, source, "an exercise", "task", _parse_task)
    return {"kind": "exercise", "lesson": lesson or "", "manifest": manifest, "intro": intro, "tasks": tasks,
            "steps": [], "max_score": sum(t["points"] for t in tasks)}
