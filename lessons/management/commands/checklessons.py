"""`manage.py checklessons`: replay every lesson's solution in a fresh sandbox; fail if a step cannot be met."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lessons import format, replay


class Command(BaseCommand):
    help = ("Replay each lesson's solution (per step: `solution`, else the first of `commands`) in a fresh "
            "simulated sandbox and check that every step completes; check that the starting state does not "
            "already pass; for exercises, that each task's solution earns its points. Needs no database.")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="only these lessons")
        parser.add_argument("--dir", default=str(format.CONTENT_DIR), help="folder of lesson files")

    def handle(self, *args, **options):
        try:
            lessons = format.load_all(Path(options["dir"]))
        except format.LessonFormatError as exc:
            raise CommandError(f"malformed lesson: {exc}") from None
        if options["slugs"]:
            unknown = set(options["slugs"]) - {l["slug"] for l in lessons}
            if unknown:
                raise CommandError(f"no lesson with slug {', '.join(sorted(unknown))}")
            lessons = [l for l in lessons if l["slug"] in options["slugs"]]
        failed = []
        for lesson in lessons:
            records, problems = replay.replay(lesson)
            if problems:
                failed.append(lesson["slug"])
                for p in problems:
                    self.stderr.write(f"{lesson['slug']}: {p}")
            elif lesson.get("kind") == "exercise":
                self.stdout.write(f"ok {lesson['slug']}: {len(lesson['tasks'])} tasks, {len(records)} commands, "
                                  f"{lesson['max_score']} points")
            else:
                self.stdout.write(f"ok {lesson['slug']}: {len(lesson['steps'])} steps, {len(records)} commands")
        if failed:
            raise CommandError(f"{len(failed)} lesson(s) cannot be completed: {', '.join(failed)}")
