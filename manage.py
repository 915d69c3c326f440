#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["sim"]:
        # The simulator needs no Django: setting Django up (every app, the admin, daphne's server) was most
        # of `manage.py sim`'s start-up. Options only Django knows (--settings...) take the long way.
        from playground.simscript import main as sim

        code = sim(sys.argv[2:])
        if code is not None:
            sys.exit(code)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
