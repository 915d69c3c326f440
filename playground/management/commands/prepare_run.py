"""`manage.py prepare_run`: what `make run` does before serving, in one process: migrate, load the lessons,
ensure the demo users (and print their logins).

Each `manage.py` process sets Django up again (about 1.6 s here, most of it imports); `make run` used to
start four of them before the server, the largest part of a fresh clone's first start after pip."""
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load lessons/content and ensure the demo users: make run's set-up in one process."

    def handle(self, *args, **options) -> None:
        call_command("migrate", interactive=False, verbosity=options["verbosity"], stdout=self.stdout)
        call_command("loadlessons", stdout=self.stdout)
        self.stdout.write("Demo logins:")
        call_command("ensure_demo_users", stdout=self.stdout)
