"""The parts of the lesson file format that lessons (format.py) and exercises (exercise_format.py) share:
front matter, `## ` sections with their fenced ```step / ```task block, and the errors naming the file."""
from __future__ import annotations

import re

import yaml

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FENCE_RE = re.compile(r"^(```|~~~)")


class LessonFormatError(ValueError):
    def __init__(self, source: str, reason: str, step: str | None = None, label: str = "step"):
        self.source, self.step, self.reason = source, step, reason
        where = f"{source}: {label} {step!r}" if step else source
        super().__init__(f"{where}: {reason}")


def _front_matter(text: str, source: str) -> tuple[dict, str]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise LessonFormatError(source, "the file must start with YAML front matter between '---' lines")
    for i in range(1, len(lines)):
        if lines[i].rstrip() == "---":          # an indented --- belongs to a block scalar (a file)
            try:
                meta = yaml.safe_load("\n".join(lines[1:i])) or {}
            except yaml.YAMLError as exc:
                raise LessonFormatError(source, f"front matter is not valid YAML: {exc}") from None
            if not isinstance(meta, dict):
                raise LessonFormatError(source, "front matter must be a mapping")
            return meta, "\n".join(lines[i + 1:])
    raise LessonFormatError(source, "front matter is not closed with '---'")


def _sections(body: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """Split the body at `## ` headings outside code fences: (intro, [(title, lines)])."""
    intro: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    fence = None
    for line in body.splitlines():
        m = FENCE_RE.match(line.strip())
        if m:
            fence = None if fence == m.group(1) else (fence or m.group(1))
        if fence is None and line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif sections:
            sections[-1][1].append(line)
        else:
            intro.append(line)
    return "\n".join(intro).strip(), sections


def section_block(lines: list[str], source: str, title: str, index: int, label: str,
                  allowed: set[str]) -> tuple[dict, str, str]:
    """A `## ` section's fenced ```step (or ```task) block, parsed: (mapping, its id, the prose around it).

    Lessons and exercises share this, so both formats report a bad block with the same words."""
    err = lambda reason, ident=None: LessonFormatError(source, reason, ident, label)  # noqa: E731
    fence = f"```{label}"
    start = next((i for i, l in enumerate(lines) if l.strip() == fence), None)
    if start is None:
        raise err(f"section '## {title}' has no {fence} block")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() == "```"), None)
    if end is None:
        raise err(f"the {fence} block of '## {title}' is not closed")
    prose = "\n".join(lines[:start] + lines[end + 1:]).strip()
    try:
        raw = yaml.safe_load("\n".join(lines[start + 1:end])) or {}
    except yaml.YAMLError as exc:
        raise err(f"the {fence} block of '## {title}' is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise err(f"the {fence} block of '## {title}' must be a mapping")
    ident = raw.get("id")
    if not isinstance(ident, str) or not SLUG_RE.match(ident):
        raise err(f"{label} {index + 1} ('## {title}') needs an id made of a-z, 0-9 and '-'")
    unknown = set(raw) - allowed
    if unknown:
        raise err(f"unknown {label} key(s): {', '.join(sorted(unknown))}", ident)
    return raw, ident, prose


def _str_list(value, source: str, step: str, what: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise LessonFormatError(source, f"{what} must be a string or a list of strings", step)


def _regex(pattern: str, source: str, step: str, what: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise LessonFormatError(source, f"{what} {pattern!r} is not a valid regex: {exc}", step) from None
    return pattern


def parse_sections(body: str, source: str, kind: str, label: str, parse) -> tuple[str, list[dict]]:
    """The intro and every '## ' section of a lesson (steps) or an exercise (tasks), each through
    parse(title, lines, source, index); ids must be unique."""
    intro, sections = _sections(body)
    if not sections:
        raise LessonFormatError(source, f"{kind} needs at least one '## ' {label} section")
    items = [parse(title, lines, source, i) for i, (title, lines) in enumerate(sections)]
    seen: set[str] = set()
    for item in items:
        if item["id"] in seen:
            raise LessonFormatError(source, f"duplicate {label} id", item["id"], label)
        seen.add(item["id"])
    return intro, items


def wrong_answers(raw, source: str, ident: str, label: str = "step") -> list[list[str]]:
    """`wrong:` of a step or task: each entry one command or a list of commands (an answer)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise LessonFormatError(source, "wrong must be a list of answers (a command or a list of commands)",
                                ident, label)
    answers = []
    for entry in raw:
        if isinstance(entry, str) and entry.strip():
            answers.append([entry])
        elif isinstance(entry, list) and entry and all(isinstance(c, str) and c.strip() for c in entry):
            answers.append(list(entry))
        else:
            raise LessonFormatError(source, "each wrong answer is a command or a non-empty list of commands",
                                    ident, label)
    return answers
