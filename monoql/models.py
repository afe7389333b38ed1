"""Models of the core: the staff console's dashboard snapshots (``monoql.console``) and the audit log (declared in
``monoql.audit``, the bottom layer every app writes it from)."""

from django.db import models

from monoql.audit import AuditEntry

__all__ = ["AuditEntry", "DashboardSnapshot"]


class DashboardSnapshot(models.Model):
    """A campaign dashboard's numbers computed by the beat (``console.refresh_dashboard_snapshots``), so that
    the dashboard of a campaign of millions of entries opens at once; the page shows the snapshot's age."""

    campaign = models.OneToOneField("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(help_text="{perHour, perDay, funnel, demand, inventory}: JSON of dashboard.numbers()")
    date_computed = models.DateTimeField()

    def __str__(self):
        return f"dashboard of {self.campaign_id} at {self.date_computed:%Y-%m-%d %H:%M}"
