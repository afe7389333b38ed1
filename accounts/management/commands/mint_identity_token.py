"""``manage.py mint_identity_token --email … [--global-user-id …]``: print a development identity token."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.identity import mint_development_identity_token


class Command(BaseCommand):
    help = "Print an HS256 identity token signed with IDENTITY_DEV_SECRET, to try authenticate(credentials: {token})."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--global-user-id", help="Default: derived from the email.")
        parser.add_argument("--member-id")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--lifetime", type=int, default=3600, help="Seconds (default 3600).")

    def handle(self, *args, **options):
        if settings.IDENTITY_PROVIDER != "development":
            raise CommandError("IDENTITY_PROVIDER is not 'development': tokens come from the real identity provider")
        claims = {}
        if options["member_id"]:
            claims["memberId"] = options["member_id"]
        if options["first_name"]:
            claims["given_name"] = options["first_name"]
        if options["last_name"]:
            claims["family_name"] = options["last_name"]
        token = mint_development_identity_token(
            options["email"],
            global_user_id=options["global_user_id"],
            extra_claims=claims,
            lifetime_seconds=options["lifetime"],
        )
        self.stdout.write(token)
