"""`manage.py api_token <username>`: print the API token of a machine client (creating it)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Print the REST API token of USERNAME, creating one if needed (--reset: a new one)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Replace the existing token (the old one stops working).",
        )

    def handle(self, *args, username, reset=False, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"There is no user named {username!r}.") from exc
        if not user.is_active:
            raise CommandError(f"{username!r} is not active; activate the account first.")
        if reset:
            Token.objects.filter(user=user).delete()
        token, _created = Token.objects.get_or_create(user=user)
        if not user.is_superuser and not user.memberships.exists():
            # The token works but scoping gives it nothing to see; say so where it is read.
            self.stderr.write(
                f"Note: {username!r} holds no membership, so the API shows it nothing."
            )
        self.stdout.write(token.key)
