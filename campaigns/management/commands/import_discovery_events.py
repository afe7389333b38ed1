"""``manage.py import_discovery_events FILE [--attraction ID|NAME] [--name …] [--domain …] [--campaign ID]``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaigns.services.discovery_import import import_discovery_events
from monoql.audit import Actor
from monoql.errors import DomainError


class Command(BaseCommand):
    help = "Import a Discovery API v2 events response as a campaign (one market per venue). Re-runs update in place."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of a Discovery events response (JSON).")
        parser.add_argument("--attraction", help="Attraction id or name (default: the one heading most events).")
        parser.add_argument("--name", help="Campaign name (default: the events' name).")
        parser.add_argument("--domain", help="Site domain of the campaign, e.g. metallica.localhost.")
        parser.add_argument("--campaign", help="Update this campaign id instead of finding one.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: cannot read: {error}") from error
        try:
            result = import_discovery_events(
                text,
                attraction=options["attraction"],
                name=options["name"],
                domain=options["domain"],
                campaign_id=options["campaign"],
                actor=Actor.command("manage.py import_discovery_events"),
            )
        except DomainError as error:
            raise CommandError(f"{path}: {error.message}") from error
        verb = "created" if result.created else "updated"
        self.stdout.write(
            f"campaign {result.campaign.pk} {verb}: {result.campaign.name} "
            f"({result.markets_created} markets created, {result.markets_updated} updated)"
        )
