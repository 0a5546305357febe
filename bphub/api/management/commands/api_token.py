"""Personal access tokens from the command line.

    manage.py api_token create EMAIL [--name NAME] [--days N]   (prints the token once)
    manage.py api_token list EMAIL
    manage.py api_token revoke TOKEN_ID
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bphub.api.models import ApiToken
from bphub.api.selectors import token_list_for
from bphub.api.services import token_create, token_revoke


class Command(BaseCommand):
    help = "Create, list or revoke personal access tokens for the JSON API."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser("create", help="Create a token and print it (once).")
        create.add_argument("email")
        create.add_argument("--name", default="command line")
        create.add_argument("--days", type=int, default=None)
        listing = commands.add_parser("list", help="List a person's tokens.")
        listing.add_argument("email")
        revoke = commands.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def _user(self, email: str):
        try:
            return get_user_model().objects.get(email__iexact=email.strip())
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user with the email address {email}.") from None

    def do_create(self, *, email, name, days, **_options):
        user = self._user(email)
        try:
            token, raw_token = token_create(user=user, name=name, days=days)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        expires = f"{token.expires_at:%Y-%m-%d %H:%M} UTC"
        self.stdout.write(f"Token {token.pk} ({token.name}) for {user.email}, expires {expires}.")
        self.stdout.write(raw_token)
        self.stdout.write("It is shown only this once: store it now.")

    def do_list(self, *, email, **_options):
        tokens = token_list_for(user=self._user(email))
        if not tokens:
            self.stdout.write("No tokens.")
        for token in tokens:
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(
                f"{token.pk}\t{token.name}\tbph_{token.prefix}_…\t{token.status}\t"
                f"expires {token.expires_at:%Y-%m-%d}\tlast used {used}"
            )

    def do_revoke(self, *, token_id, **_options):
        try:
            token = ApiToken.objects.select_related("user").get(pk=token_id)
        except ApiToken.DoesNotExist:
            raise CommandError(f"No token with id {token_id}.") from None
        token_revoke(token=token)
        self.stdout.write(f"Token {token.pk} ({token.name}) of {token.user.email} is revoked.")
