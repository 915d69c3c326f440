"""`manage.py loadlessons`: load lessons/content/*.md into the database, by slug, keeping learners' progress."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lessons import format, progress
from lessons.models import Lesson


class Command(BaseCommand):
    help = ("Validate every lesson file in lessons/content/ and create or update its lesson (matched by slug). "
            "Learners' progress is kept. A malformed file stops the load with the file, step and reason.")

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(format.CONTENT_DIR), help="folder of lesson files")

    def handle(self, *args, **options):
        directory = Path(options["dir"])
        paths = format.lesson_files(directory)
        if not paths:
            raise CommandError(f"no lesson files (*.md) in {directory}")
        try:
            specs = format.load_all(directory)     # validates every file (and unique slugs) before writing
        except format.LessonFormatError as exc:
            raise CommandError(f"malformed lesson: {exc}") from None
        sources = {format.load_file(p)["slug"]: p.read_text(encoding="utf-8") for p in paths}
        with transaction.atomic():
            for spec in specs:
                existed = Lesson.objects.filter(slug=spec["slug"]).exists()
                progress.save_lesson(spec, sources[spec["slug"]])
                verb = "updated" if existed else "created"
                if spec.get("kind") == "exercise":
                    self.stdout.write(f"{verb} exercise {spec['slug']} ({len(spec['tasks'])} tasks, "
                                      f"{spec['max_score']} points)")
                else:
                    self.stdout.write(f"{verb} lesson {spec['slug']} ({len(spec['steps'])} steps)")
        stale = Lesson.objects.exclude(slug__in=[s["slug"] for s in specs])
        for lesson in stale:
            self.stdout.write(f"kept lesson {lesson.slug}: its file is gone (delete it in the admin if unwanted)")
