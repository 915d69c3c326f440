"""Prepare a fresh engine for a lesson: place its files in the learner's home and run its setup commands."""
from __future__ import annotations

from playground.sim.host import HOME

START_MANIFEST = "/tmp/.podscape-start.yaml"


def place_files(engine, lesson: dict) -> None:
    host = engine.host
    for rel, content in lesson.get("files", {}).items():
        path = f"{HOME}/{rel}"
        parts = path.strip("/").split("/")
        for i in range(1, len(parts)):
            host.dirs.add("/" + "/".join(parts[:i]))
        host.files[path] = content


def prepare(engine, lesson: dict, now: float | None = None, step: float = 0.0) -> list:
    """Run the lesson's setup as if it happened before the learner arrived (not in their history).

    Returns the engine results, so callers can report a setup command that failed."""
    place_files(engine, lesson)
    history = list(engine.host.history)
    results = []
    lines = list(lesson.get("setup", []))
    if lesson.get("manifest"):
        # The starting manifest is applied from a scratch file the learner never sees.
        engine.host.files[START_MANIFEST] = lesson["manifest"]
        lines.insert(0, f"kubectl apply -f {START_MANIFEST}")
    for i, line in enumerate(lines):
        results.append(engine.run(line, now=None if now is None else now + i * step))
    engine.host.files.pop(START_MANIFEST, None)
    engine.host.history = history
    engine.host.last_exit = 0
    return results
