"""Authoring in the browser: an instructor's drafts, every saved version, Check, diff, publish.

    draft = create_draft(user, source, "created")      # or import_source(user, text)
    save_version(draft, source)                        # a new DraftVersion when the text changed
    check(source)  -> {"error"} or replay.report(...)  # as `manage.py checklessons`, in a fresh engine
    diff(old, new) -> [{"kind": "hunk"|"add"|"del"|"same", "text"}]
    publish(draft, courses) -> Lesson                  # the Lesson of its slug, in those courses

A draft's text is a lesson file exactly as in lessons/content/ (format.py), so a file imports unchanged
and an export is a file `loadlessons` reads. The published Lesson keeps its author: only that instructor
may publish to its slug again, and only learners of the courses it is in see it (roles.visible_lessons).
"""
from __future__ import annotations

import difflib

from django.db import transaction
from django.db.models import Max

from . import format, progress, replay
from .models import CourseItem, Draft, DraftVersion, Lesson

MAX_SOURCE = 200_000          # characters of one lesson file

NEW_LESSON = '''---
title: "A new lesson"
slug: my-new-lesson
order: 500
summary: One sentence for the lesson list.
setup: []
---
What this lesson teaches, in Markdown.

## Create the Deployment
```step
id: create-deployment
commands:
  - kubectl create deploy web --image=nginx:latest --replicas=2
check:
  state:
    - {deployment: web, replicas: 2, healthy: true}
```
Create a Deployment called `web` with two nginx pods.
'''

NEW_EXERCISE = '''---
kind: exercise
title: "Exercise: a new exercise"
slug: my-new-exercise
order: 600
summary: One sentence for the course page.
setup:
  - kubectl create deploy web --image=nginx:latest --replicas=2
---
The goal, in Markdown: say what to build, not which commands to type.

## Reach web inside the cluster
```task
id: internal
points: 1
hints:
  - A Service of the default type (ClusterIP) is reachable from inside the cluster.
solution:
  - kubectl expose deploy web --port=80
check:
  state:
    - {service: web, type: ClusterIP, port: 80, healthy: true}
```
Create a Service named `web` on port 80.
'''


class AuthoringError(ValueError):
    """Why a draft cannot be saved or published, in words for the instructor."""


def parse(source: str) -> tuple[dict | None, str]:
    """(spec, "") or (None, the parser's complaint)."""
    try:
        return format.parse_lesson(source, "this draft"), ""
    except format.LessonFormatError as exc:
        return None, str(exc)


def _clean(source: str) -> str:
    source = source.replace("\r\n", "\n")
    if len(source) > MAX_SOURCE:
        raise AuthoringError(f"A lesson file may hold at most {MAX_SOURCE:,} characters.")
    if not source.strip():
        raise AuthoringError("The draft is empty.")
    return source if source.endswith("\n") else source + "\n"


def save_version(draft: Draft, source: str, note: str = "saved") -> DraftVersion | None:
    """Keep `source` as the draft's next version (None when it equals the latest: nothing to keep). A text
    that does not parse is kept too (work is never lost); the draft's title and slug follow the last that did."""
    source = _clean(source)
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        latest = draft.latest
        if latest is not None and latest.source == source:
            return None
        number = (draft.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = DraftVersion.objects.create(draft=draft, number=number, source=source, note=note[:200])
        spec, _ = parse(source)
        if spec:
            draft.title, draft.slug, draft.kind = spec["title"][:200], spec["slug"], spec.get("kind", "lesson")
        draft.save()
    return version


def create_draft(owner, source: str, note: str = "created") -> Draft:
    with transaction.atomic():
        draft = Draft.objects.create(owner=owner)
        save_version(draft, source, note)
    return draft


def import_source(owner, text: str) -> tuple[Draft, bool]:
    """A lesson file as a draft: a new version of the owner's draft of the same slug, else a new draft.
    (draft, created)."""
    spec, _ = parse(_clean(text))
    existing = Draft.objects.filter(owner=owner, slug=spec["slug"]).first() if spec else None
    if existing is not None:
        save_version(existing, text, "imported")
        return existing, False
    return create_draft(owner, text, "imported"), True


def check(source: str) -> dict:
    """Replay the text as `manage.py checklessons` does (reference solutions pass, the start fails, wrong
    answers fail) in a fresh in-memory engine: the parse error, or the result per step or task."""
    spec, error = parse(source)
    if spec is None:
        return {"ok": False, "error": error, "items": [], "general": []}
    return dict(replay.report(spec), error="", kind=spec.get("kind", "lesson"))


def diff(old: str, new: str, old_label: str = "old", new_label: str = "new") -> list[dict]:
    """A unified diff as lines to render (the template escapes them): hunks, additions, deletions, context."""
    lines = []
    for index, line in enumerate(difflib.unified_diff(old.splitlines(), new.splitlines(), old_label, new_label,
                                                      lineterm="", n=3)):
        if index < 2:                         # the "--- old" / "+++ new" header
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        else:
            kind = {"+": "add", "-": "del"}.get(line[:1], "same")
        lines.append({"kind": kind, "text": line})
    return lines


def publish(draft: Draft, courses) -> Lesson:
    """The draft's latest version becomes the Lesson of its slug (created or updated) and an item of each
    of `courses` (the caller checks they are the owner's). Refused when the text does not parse, Check
    fails, or the slug belongs to a lesson someone else published (or a file of lessons/content)."""
    version = draft.latest
    if version is None:
        raise AuthoringError("Save the draft before publishing it.")
    spec, error = parse(version.source)
    if spec is None:
        raise AuthoringError(f"Version {version.number} does not load: {error}")
    result = replay.report(spec)
    if not result["ok"]:
        failing = [p for p in result["general"]] + [p for i in result["items"] for p in i["problems"]]
        raise AuthoringError("Check fails, so learners could not complete it: " + "; ".join(failing))
    with transaction.atomic():
        taken = Lesson.objects.select_for_update().filter(slug=spec["slug"]).first()
        if taken is not None and (taken.author_id is None or taken.author_id != draft.owner_id):
            raise AuthoringError(f"The slug {spec['slug']!r} is taken by {taken.title!r}; choose another slug.")
        lesson = progress.save_lesson(spec, version.source)
        if lesson.author_id != draft.owner_id:
            lesson.author = draft.owner
            lesson.save(update_fields=["author"])
        for course in courses:
            last = course.items.aggregate(p=Max("position"))["p"]
            CourseItem.objects.get_or_create(course=course, lesson=lesson,
                                             defaults={"position": 0 if last is None else last + 1})
        draft.lesson = lesson
        draft.save(update_fields=["lesson", "updated"])
        titles = ", ".join(c.title for c in courses)
        version.note = (f"published to {titles}" if titles else "published")[:200]
        version.save(update_fields=["note"])
    return lesson
