"""Create the demo learner and instructor (idempotent) and print how to log in as them."""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand

DEMO_USERS = (
    # username, password, is_staff
    ("learner", "podscape-learner", False),
    ("instructor", "podscape-instructor", True),
)


class Command(BaseCommand):
    help = "Create the demo learner and instructor accounts if missing, and print their logins."

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        for username, password, staff in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            if created or not user.check_password(password) or user.is_staff != staff:
                user.set_password(password)
                user.is_staff = staff
                user.save()
            if staff:   # instructors may read sandboxes, commands and progress in the admin
                user.user_permissions.add(*Permission.objects.filter(
                    content_type__app_label__in=("playground", "lessons"), codename__startswith="view_"))
            role = "instructor" if staff else "learner"
            self.stdout.write(f"  demo {role:<10}  username: {username:<11} password: {password}")
