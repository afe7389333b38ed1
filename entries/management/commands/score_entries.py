"""``manage.py score_entries CAMPAIGN_ID``: the bot score of every entry of a campaign, now; prints the summary."""

import json

from django.core.management.base import BaseCommand, CommandError

from entries.services.bot_score import score_campaign
from monoql.audit import Actor
from monoql.errors import DomainError


class Command(BaseCommand):
    help = "Score every entry of a campaign with the bot score (docs/decisions.md 'Bot score')."

    def add_arguments(self, parser):
        parser.add_argument("campaign_id")

    def handle(self, *args, campaign_id, **options):
        try:
            summary = score_campaign(campaign_id, actor=Actor.command("manage.py score_entries"))
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(json.dumps(summary, sort_keys=True))
