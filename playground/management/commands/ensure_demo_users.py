"""Create the demo learner and instructor (idempotent) and print how to log in as them.

The demo instructor is in the Instructor group (lessons.roles), not staff: its password is in the README,
and staff would read every course's join codes and attempts in the admin."""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from lessons.roles import INSTRUCTOR_GROUP

DEMO_USERS = (
    # username, password, instructor
    ("learner", "podscape-learner", False),
    ("instructor", "podscape-instructor", True),
)


class Command(BaseCommand):
    help = "Create the demo learner and instructor accounts if missing, and print their logins."

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        group, _ = Group.objects.get_or_create(name=INSTRUCTOR_GROUP)
        for username, password, instructor in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            if created or not user.check_password(password) or user.is_staff or user.is_superuser:
                user.set_password(password)
                user.is_staff = user.is_superuser = False     # an earlier version made the instructor staff
                user.save()
                user.user_permissions.clear()
            if instructor:
                user.groups.add(group)
            role = "instructor" if instructor else "learner"
            self.stdout.write(f"  demo {role:<10}  username: {username:<11} password: {password}")
