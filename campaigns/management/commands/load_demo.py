"""``manage.py load_demo``: the demo campaign and a supreme staff user (credentials printed once)."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from campaigns.services.demo import DEMO_DOMAIN, load_demo
from campaigns.services.discovery_catalog import load_discovery_files
from monoql.audit import Actor
from monoql.errors import DomainError


class Command(BaseCommand):
    help = "Load the demo campaign (Metallica WorldWired Tour 2017) from the Discovery data; idempotent."

    def handle(self, *args, **options):
        path = settings.DISCOVERY_DATA_DIR / "events-page.json"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{path}: cannot read the demo data: {error}") from error
        username = os.environ.get("DEMO_ADMIN_USERNAME", "admin")
        try:
            result = load_demo(
                text,
                admin_username=username,
                admin_email=os.environ.get("DEMO_ADMIN_EMAIL", f"{username}@monoql.localhost"),
                admin_password=os.environ.get("DEMO_ADMIN_PASSWORD") or None,
                actor=Actor.command("manage.py load_demo"),
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        catalog = load_discovery_files()
        self.stdout.write(
            f"Discovery catalog: {catalog['artists']} artists, {catalog['venues']} venues, {catalog['events']} events "
            f"from {catalog['files']} files in {settings.DISCOVERY_DATA_DIR}"
        )
        markets = result.campaign.markets.count()
        self.stdout.write(
            f"demo campaign {result.campaign.pk} '{result.campaign.name}' OPEN on {DEMO_DOMAIN} ({markets} markets)"
        )
        if result.admin_password:
            self.stdout.write(f"staff user created: username={result.admin_username} password={result.admin_password}")
            self.stdout.write("  (printed once; set DEMO_ADMIN_PASSWORD to choose it, or run changepassword)")
        else:
            self.stdout.write(f"staff user '{result.admin_username}' exists; its password is unchanged")
        self.stdout.write(
            f"fan site: http://{DEMO_DOMAIN}:8000/  (or http://127.0.0.1:8000/c/{DEMO_DOMAIN}/); "
            "admin: http://127.0.0.1:8000/admin/"
        )
        self.stdout.write(
            f"try: .venv/bin/python manage.py mint_identity_token --email fan@example.com   "
            f"(staff: --global-user-id staff-{result.admin_username})"
        )
