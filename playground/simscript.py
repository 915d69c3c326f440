"""`manage.py sim`: run a shell script in a fresh simulated sandbox and print what a terminal would show.

Django-free, so manage.py runs it without setting Django up (apps, the admin, daphne's server): that set-up
was most of the command's start-up. The management command (commands/sim.py) wraps the same code.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import datetime, timezone

from .sim import limits
from .sim.engine import CLOCK_STEP, Engine, Result
from .sim.shell import incomplete

# The fake clock's start: fixed so that ages, timestamps and generated names repeat exactly.
SIM_START = datetime(2026, 1, 5, 9, 0, 0, tzinfo=timezone.utc).timestamp()
EDITOR_SAVE = "#podscape:editor-save"
EDITOR_CANCEL = "#podscape:editor-cancel"
HEREDOC_RE = re.compile(r"<<(-?)\s*(?:'([^']*)'|\"([^\"]*)\"|([A-Za-z_][A-Za-z0-9_]*))")

HELP = """Run a shell script (read from stdin) in a fresh simulated minikube sandbox.

One command per line; a heredoc's body belongs to the line that opens it (<<WORD, <<'WORD', <<-WORD),
a line ending in a backslash continues on the next, and so does one bash would read on for (an open
quote, a trailing | or &&). Blank lines and # comments are skipped.
The clock starts at a fixed time and advances a few seconds per command, so output is repeatable.

`kubectl edit` opens an editor; in a script, say what happens to it with a directive line (a comment
to bash, so the script stays valid shell):
    #podscape:editor-save <<'EOF'
    ...the saved file...
    EOF
    #podscape:editor-cancel          (close the editor without saving)
"""


def _heredoc_delimiters(line: str) -> list[tuple[str, bool]]:
    """The heredocs a line opens, in order: (delimiter, strip leading tabs). Ignores quoted text and <<<."""
    out = []
    quote = None
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch == "\\":
            i += 2
            continue
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t;&|") and not line.startswith(EDITOR_SAVE):
            break
        elif line.startswith("<<<", i):
            i += 3
            continue
        elif line.startswith("<<", i) and line[:i].count("((") <= line[:i].count("))"):   # not $((a<<b))
            m = HEREDOC_RE.match(line, i)
            if m:
                word = next(g for g in (m.group(2), m.group(3), m.group(4)) if g is not None)
                out.append((word, m.group(1) == "-"))
                i = m.end()
                continue
        i += 1
    return out


def split_script(text: str) -> list[str]:
    """Split a script into the commands a shell would read, one string each (heredoc bodies included)."""
    lines = text.splitlines()
    commands: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        while re.search(r"(?<!\\)(\\\\)*\\$", line) and i < len(lines):
            line = line[:-1] + lines[i]
            i += 1
        stripped = line.strip()
        if not stripped or (stripped.startswith("#") and not stripped.startswith((EDITOR_SAVE, EDITOR_CANCEL))):
            continue
        parts = [line]
        for word, strip_tabs in _heredoc_delimiters(line):
            while i < len(lines):
                body = lines[i]
                i += 1
                parts.append(body)
                if (body.lstrip("\t") if strip_tabs else body) == word:
                    break
        command = "\n".join(parts)
        # Whatever else bash would read on for (an open quote, a trailing | or &&, an unfinished if/for).
        while i < len(lines) and not stripped.startswith("#") and incomplete(command):
            command += "\n" + lines[i]
            i += 1
        commands.append(command)
    return commands


def editor_body(command: str) -> str:
    """The saved file of an editor-save directive: the heredoc body, without the delimiter line."""
    lines = command.split("\n")
    return "\n".join(lines[1:-1]) + "\n" if len(lines) > 2 else ""


class ScriptError(Exception):
    """A problem with the invocation (an unknown lesson), not with the script."""


def run_script(text: str, write, *, seed: int = 0, lesson_slug: str | None = None, as_json: bool = False) -> None:
    """Run every command of `text` in a fresh sandbox; `write(str)` gets what the terminal would show."""
    lesson = progress = None
    if lesson_slug:
        # lazy: only --lesson runs need the lessons' assessment: ~65 ms on top of manage.py sim's ~50 ms of imports
        from lessons import assess, format, setup
        lesson = format.get_lesson(lesson_slug)
        if lesson is None:
            raise ScriptError(f"no lesson with slug {lesson_slug!r} in {format.CONTENT_DIR}")
        progress = assess.new_progress(lesson)
    now = SIM_START
    engine = Engine.new(seed, now=now)
    if lesson:
        setup.prepare(engine, lesson, now=now)
    editor_line = ""
    for command in split_script(text):
        now += CLOCK_STEP
        first = command.split("\n", 1)[0].strip()
        prompt = engine.host.prompt()
        try:
            if first.startswith(EDITOR_SAVE):
                result = engine.save_editor(editor_body(command), now=now)
                judged_line = editor_line
            elif first.startswith(EDITOR_CANCEL):
                result = engine.save_editor(None, now=now)
                judged_line = editor_line
            else:
                result, now = engine.run_to_end(command, now=now)
                judged_line = command
                if result.editor:
                    editor_line = command
        except Exception as exc:      # an engine bug must not hide the rest of the script's output
            result = Result(output=f"podscape: internal error ({type(exc).__name__}: {exc})\n", exit_code=1)
            judged_line = command
        record = {"command": command, "output": result.output, "exit_code": result.exit_code}
        if result.editor:
            record["editor"] = result.editor
        if lesson is not None:
            record["assessment"] = assess.assess(lesson, progress, judged_line, result, engine)
        if as_json:
            write(json.dumps(record, ensure_ascii=False) + "\n")
        elif first.startswith((EDITOR_SAVE, EDITOR_CANCEL)):
            write(result.output)
        else:
            write(f"{prompt}{command}\n{result.output}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object per command")
    parser.add_argument("--lesson", metavar="SLUG", help="set up this lesson and assess every command")
    parser.add_argument("--seed", type=int, default=0, help="the sandbox's random seed (default 0)")


def main(argv: list[str]) -> int | None:
    """`manage.py sim ARGS` without Django. None: ARGS hold something only Django's command knows (--settings,
    --verbosity...), so the caller runs the management command instead."""
    parser = argparse.ArgumentParser(prog="manage.py sim", description=HELP,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        return None
    # the server's sandbox caps, as settings.py reads them
    limits.configure(limits.Limits(max_pods=int(os.environ.get("PODSCAPE_MAX_PODS", limits.Limits.max_pods)),
                                   max_objects=int(os.environ.get("PODSCAPE_MAX_OBJECTS", limits.Limits.max_objects))))
    try:
        run_script(sys.stdin.read(), sys.stdout.write, seed=args.seed, lesson_slug=args.lesson, as_json=args.json)
    except ScriptError as exc:
        sys.stderr.write(f"CommandError: {exc}\n")
        return 1
    return 0
