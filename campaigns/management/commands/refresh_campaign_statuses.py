"""``manage.py refresh_campaign_statuses``: apply due status transitions (for cron); prints what changed."""

from django.core.management.base import BaseCommand

from campaigns.services.lifecycle import refresh_campaign_statuses
from monoql.audit import Actor


class Command(BaseCommand):
    help = "Open, close and deactivate campaigns whose dates have come (catalog §3.1)."

    def handle(self, *args, **options):
        result = refresh_campaign_statuses(actor=Actor.command("manage.py refresh_campaign_statuses"))
        counts = result.counts()
        self.stdout.write(f"opened {counts['opened']}, closed {counts['closed']}, deactivated {counts['deactivated']}")
        for label, ids in (("opened", result.opened), ("closed", result.closed), ("deactivated", result.deactivated)):
            for campaign_id in ids:
                self.stdout.write(f"  {label} {campaign_id}")
