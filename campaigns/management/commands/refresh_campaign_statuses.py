"""``manage.py refresh_campaign_statuses``: apply due status transitions (for cron); prints what changed."""

from django.core.management.base import BaseCommand

from campaigns.services.lifecycle import refresh_campaign_statuses


class Command(BaseCommand):
    help = "Open, close and deactivate campaigns whose dates have come (catalog §3.1)."

    def handle(self, *args, **options):
        result = refresh_campaign_statuses(source="command")
        counts = result.counts()
        self.stdout.write(f"opened {counts['opened']}, closed {counts['closed']}, deactivated {counts['deactivated']}")
        for label, ids in (("opened", result.opened), ("closed", result.closed), ("deactivated", result.deactivated)):
            for campaign_id in ids:
                self.stdout.write(f"  {label} {campaign_id}")
