"""`manage.py api_token <username> [--name NAME] [--days N] [--reset]`: print a new read-only
API token for a machine client (the same tokens staff create in the portal under API tokens).
Only its digest is stored: the token is printed once."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from renovation.api_tokens import api_token_create, api_token_revoke, api_tokens_of

DEFAULT_NAME = "manage.py api_token"


class Command(BaseCommand):
    help = (
        "Print a new read-only REST API token of USERNAME, named --name (default "
        f"{DEFAULT_NAME!r}), valid for --days days (--reset: replace the token of that name)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default=DEFAULT_NAME, help="Who or what uses the token.")
        parser.add_argument(
            "--days",
            type=int,
            default=90,
            help=f"Days until it expires (1–{settings.API_TOKEN_MAX_DAYS}; default 90).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Revoke the user's token of this name first (the old one stops working).",
        )

    def handle(self, *args, username, name, days, reset=False, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"There is no user named {username!r}.") from exc
        if not user.is_active:
            raise CommandError(f"{username!r} is not active; activate the account first.")
        if reset:
            for token in api_tokens_of(user=user).filter(name=name):
                api_token_revoke(user=user, digest=token.digest)
        try:
            token, key = api_token_create(user=user, name=name, days=days)
        except ValidationError as exc:
            taken = "name" in getattr(exc, "error_dict", {})
            hint = " (--reset replaces it, --name gives another)" if taken else ""
            raise CommandError("; ".join(exc.messages) + hint) from exc
        if not user.is_superuser and not user.memberships.exists():
            # The token works but scoping gives it nothing to see; say so where it is read.
            self.stderr.write(
                f"Note: {username!r} holds no membership, so the API shows it nothing."
            )
        self.stderr.write(
            f"Token {token.name!r} of {username}, read-only, expires {token.expiry:%Y-%m-%d}."
        )
        self.stdout.write(key)
