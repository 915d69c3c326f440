"""`manage.py sim`: run a shell script in a fresh simulated sandbox (playground/simscript.py does the work;
manage.py runs that without Django when it can, for a quick start)."""
from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from playground.simscript import HELP, ScriptError, add_arguments, editor_body, run_script, split_script  # noqa: F401


class Command(BaseCommand):
    help = HELP
    stealth_options = ("stdin",)

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser):
        add_arguments(parser)

    def handle(self, *args, **options):
        stdin = options.get("stdin") or sys.stdin
        try:
            run_script(stdin.read(), lambda text: self.stdout.write(text, ending=""), seed=options["seed"],
                       lesson_slug=options["lesson"], as_json=options["json"])
        except ScriptError as exc:
            raise CommandError(str(exc)) from None
