"""manage.py issue_api_token USERNAME [--name NAME]: print a new bearer token, alone on the last line."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from clinic.accounts.models import StaffUser
from clinic.accounts.tokens import issue_token


class Command(BaseCommand):
    help = ("Issue a REST API bearer token for a staff member and print it. The token is shown once; "
            "only its hash is kept. It has the staff member's own role and sites.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="API token",
                            help="What the token is for, to recognise it later (e.g. 'lab interface').")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = StaffUser.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no staff member with the username {username!r}. Check the "
                               "spelling; usernames are case-sensitive.")
        if not user.is_active:
            raise CommandError(f"{username!r} is deactivated, and a deactivated staff member's tokens do "
                               "not work. Reactivate the account first if the token is still needed.")
        token, raw_token = issue_token(user=user, name=name, now=timezone.now())
        self.stdout.write(f"Token {token.prefix}… issued to {username} ({user.get_role_display()}) as "
                          f"{token.name!r}. Keep it secret; it is not shown again. Send it as "
                          "'Authorization: Bearer <token>'.")
        self.stdout.write(raw_token)
