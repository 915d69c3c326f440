"""The lesson file format: one Markdown file per lesson under lessons/content/, parsed to a plain dict.

A lesson file is YAML front matter, an optional introduction, then one `## ` section per step:

    ---
    title: "Services: ClusterIP and NodePort"
    slug: services-clusterip-nodeport
    order: 1
    summary: One sentence for the lesson list.
    files:                          # placed in the learner's home before they start (path -> content)
      notes/readme.txt: "hello"
    setup:                          # commands run in the fresh sandbox before the learner starts
      - kubectl create deploy nginx-app --image=nginx:latest --replicas=3
    diagram:                        # optional: namespaces the live diagram shows unfolded (system
      expand: [kube-system]         #   namespaces are folded into a summary by default)
    ---
    Introduction in Markdown (optional).

    ## Create the Deployment          <- the step's title
    ```step
    id: create-deployment             # unique in the lesson: [a-z0-9-]+
    commands:                         # what the step teaches; the first is the reference solution
      - kubectl create deploy nginx-app --image=nginx:latest --replicas=3
    check:                            # all given parts must hold for the step to complete
      command: '^kubectl create (deploy|deployment) nginx-app( |$)'   # regex (or list: any) over the
                                      #   normalised line (see checks.normalise)
      state:                          # predicates on the cluster after the command (see checks.py)
        - {deployment: nginx-app, replicas: 3, image: "nginx:latest"}
      output_contains: "created"      # text (or list of texts) the command must print
      exit_code: 0                    # default 0
      goal:                           # optional: state that means the step's purpose is met whatever
        - {cluster: stopped}          #   command got there (the step then counts as done, see assess.py)
    mistakes:                         # specific hints, tried in order when the check fails
      - match: '--image=(?!nginx:latest)'   # regex over the normalised line
        hint: The tutorial uses the image nginx:latest.
        failed: false                 # optional: only when the command failed (true) / succeeded (false)
        when: [{pods: "access=true", count: 0}]   # optional: only when these state predicates hold
    note: Where kubectl v1.35 prints something different from the tutorial's older output.
    solution:                         # optional: what `manage.py checklessons` runs for this step when
      - kubectl patch ...             #   the first command cannot be replayed (it opens the editor)
    wrong:                            # optional: answers that must NOT complete the step, each a command
      - kubectl create deploy nginx-app --image=nginx:1.0   # or a list of commands; checklessons runs
                                      #   each after the earlier steps and fails if the step completes
    ```
    Prose in Markdown: everything in the section except the ```step block.

A step without `check.command` is judged on the state alone, so any route to that state passes (and a
step already satisfied when the learner reaches it is skipped). `parse_lesson(text, source)` returns
the lesson dict or raises LessonFormatError naming the file, the step and the reason.
"""
from __future__ import annotations

import re
from pathlib import Path

from . import checks
from .exercise_format import parse_exercise
from .sections import (SLUG_RE, LessonFormatError, _front_matter, _regex, _str_list, parse_sections, section_block,
                       wrong_answers)

CONTENT_DIR = Path(__file__).resolve().parent / "content"
FRONT_KEYS = {"title", "slug", "order", "summary", "files", "setup", "kind", "manifest", "diagram"}
DIAGRAM_KEYS = {"expand"}            # `diagram: {expand: [kube-system]}`: namespaces the diagram shows unfolded
NAMESPACE_RE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
KINDS = ("lesson", "exercise")      # kind: exercise is a graded exercise (exercise_format.py)
STEP_KEYS = {"id", "commands", "check", "mistakes", "note", "solution", "wrong"}
CHECK_KEYS = {"command", "state", "output_contains", "exit_code", "goal"}
MISTAKE_KEYS = {"match", "hint", "failed", "when"}
def _predicates(raw: dict, key: str, source: str, step: str) -> list[dict]:
    preds = raw.get(key) or []
    if not isinstance(preds, list):
        raise LessonFormatError(source, f"check.{key} must be a list of predicates", step)
    for pred in preds:
        problem = checks.validate_predicate(pred)
        if problem:
            raise LessonFormatError(source, f"check.{key}: {problem}", step)
    return list(preds)


def _parse_check(raw, source: str, step: str) -> dict:
    if not isinstance(raw, dict) or not raw:
        raise LessonFormatError(source, "check must be a mapping with command, state, output_contains or exit_code",
                                step)
    unknown = set(raw) - CHECK_KEYS
    if unknown:
        raise LessonFormatError(source, f"unknown check key(s): {', '.join(sorted(unknown))}", step)
    check = {
        "command": [_regex(p, source, step, "check.command") for p in _str_list(raw.get("command"), source, step,
                                                                                  "check.command")],
        "state": [],
        "output_contains": _str_list(raw.get("output_contains"), source, step, "check.output_contains"),
        "exit_code": raw.get("exit_code", 0),
    }
    if not isinstance(check["exit_code"], int) or isinstance(check["exit_code"], bool):
        raise LessonFormatError(source, "check.exit_code must be an integer", step)
    check["state"] = _predicates(raw, "state", source, step)
    check["goal"] = _predicates(raw, "goal", source, step)     # the step's purpose, met by any route
    if not (check["command"] or check["state"] or check["output_contains"]):
        raise LessonFormatError(source, "check needs at least one of command, state, output_contains", step)
    return check


def _parse_mistakes(raw, source: str, step: str) -> list[dict]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise LessonFormatError(source, "mistakes must be a list", step)
    out = []
    for m in raw:
        if not isinstance(m, dict) or not isinstance(m.get("match"), str) or not isinstance(m.get("hint"), str):
            raise LessonFormatError(source, "each mistake needs a 'match' regex and a 'hint' text", step)
        unknown = set(m) - MISTAKE_KEYS
        if unknown:
            raise LessonFormatError(source, f"unknown mistake key(s): {', '.join(sorted(unknown))}", step)
        failed = m.get("failed")
        if failed is not None and not isinstance(failed, bool):
            raise LessonFormatError(source, "mistake 'failed' must be true or false", step)
        out.append({"match": _regex(m["match"], source, step, "mistake"), "hint": m["hint"].strip(),
                    "failed": failed, "when": _predicates(m, "when", source, step)})
    return out


def _parse_step(title: str, lines: list[str], source: str, index: int) -> dict:
    raw, sid, prose = section_block(lines, source, title, index, "step", STEP_KEYS)
    commands = _str_list(raw.get("commands"), source, sid, "commands")
    if not commands:
        raise LessonFormatError(source, "commands must list at least the reference command", sid)
    if "check" not in raw:
        raise LessonFormatError(source, "missing check", sid)
    note = raw.get("note")
    if note is not None and not isinstance(note, str):
        raise LessonFormatError(source, "note must be text", sid)
    if not title:
        raise LessonFormatError(source, "the step heading has no title", sid)
    solution = _str_list(raw.get("solution"), source, sid, "solution") or commands[:1]
    return {"id": sid, "title": title, "prose": prose, "commands": commands, "solution": solution,
            "check": _parse_check(raw["check"], source, sid),
            "mistakes": _parse_mistakes(raw.get("mistakes"), source, sid),
            "wrong": wrong_answers(raw.get("wrong"), source, sid), "note": (note or "").strip()}


def _parse_diagram(raw, source: str) -> dict:
    """What the live diagram shows unfolded for this lesson (system namespaces are folded by default)."""
    if raw is None:
        return {"expand": []}
    if not isinstance(raw, dict) or set(raw) - DIAGRAM_KEYS:
        raise LessonFormatError(source, "diagram must be a mapping with the key 'expand'")
    expand = raw.get("expand") or []
    if not isinstance(expand, list) or not all(isinstance(n, str) and NAMESPACE_RE.match(n) for n in expand):
        raise LessonFormatError(source, "diagram.expand must be a list of namespace names")
    return {"expand": expand}


def parse_lesson(text: str, source: str = "<lesson>") -> dict:
    meta, body = _front_matter(text, source)
    kind = meta.get("kind", "lesson")
    if kind not in KINDS:
        raise LessonFormatError(source, "kind must be lesson or exercise")
    unknown = set(meta) - FRONT_KEYS
    if unknown and kind == "lesson":
        raise LessonFormatError(source, f"unknown front matter key(s): {', '.join(sorted(unknown))}")
    for key in ("title", "slug", "order"):
        if key not in meta:
            raise LessonFormatError(source, f"front matter needs '{key}'")
    if not isinstance(meta["title"], str) or not meta["title"].strip():
        raise LessonFormatError(source, "title must be text")
    if not isinstance(meta["slug"], str) or not SLUG_RE.match(meta["slug"]):
        raise LessonFormatError(source, "slug must be made of a-z, 0-9 and '-'")
    if not isinstance(meta["order"], int) or isinstance(meta["order"], bool):
        raise LessonFormatError(source, "order must be an integer")
    files = meta.get("files") or {}
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        raise LessonFormatError(source, "files must map paths to text content")
    if any(k.startswith("/") or ".." in k.split("/") for k in files):
        raise LessonFormatError(source, "file paths must be relative to the learner's home, without '..'")
    setup = meta.get("setup") or []
    if not isinstance(setup, list) or not all(isinstance(c, str) for c in setup):
        raise LessonFormatError(source, "setup must be a list of commands")
    common = {"title": meta["title"].strip(), "slug": meta["slug"], "order": meta["order"],
              "summary": str(meta.get("summary") or "").strip(), "files": files, "setup": setup,
              "diagram": _parse_diagram(meta.get("diagram"), source)}
    if kind == "exercise":
        return common | parse_exercise(meta, body, source)
    manifest = meta.get("manifest")
    if manifest is not None and not isinstance(manifest, str):
        raise LessonFormatError(source, "manifest must be YAML text (use a block: `manifest: |`)")
    if manifest:
        common["manifest"] = manifest
    intro, steps = parse_sections(body, source, "a lesson", "step", _parse_step)
    return common | {"intro": intro, "steps": steps}


def load_file(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LessonFormatError(str(path), f"cannot read: {exc}") from None
    return parse_lesson(text, path.name)


def lesson_files(directory: Path = CONTENT_DIR) -> list[Path]:
    return sorted(directory.glob("*.md"))


def load_all(directory: Path = CONTENT_DIR) -> list[dict]:
    """Every lesson in the content folder, by order; duplicate slugs are an error."""
    lessons = [load_file(p) for p in lesson_files(directory)]
    seen: dict[str, str] = {}
    for path, lesson in zip(lesson_files(directory), lessons):
        if lesson["slug"] in seen:
            raise LessonFormatError(path.name, f"slug {lesson['slug']!r} is already used by {seen[lesson['slug']]}")
        seen[lesson["slug"]] = path.name
    return sorted(lessons, key=lambda l: (l["order"], l["slug"]))


def get_lesson(slug: str, directory: Path = CONTENT_DIR) -> dict | None:
    for lesson in load_all(directory):
        if lesson["slug"] == slug:
            return lesson
    return None
