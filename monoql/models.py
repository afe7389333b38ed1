"""Models of the core: the staff console's dashboard snapshots (``monoql.console``), erasure jobs
(``monoql.workflows.privacy``) and the audit log (declared in ``monoql.audit``, the bottom layer every app writes it
from)."""

from django.db import models

from monoql.audit import AuditEntry

__all__ = ["AuditEntry", "DashboardSnapshot", "Erasure", "ErasureStatus"]


class DashboardSnapshot(models.Model):
    """A campaign dashboard's numbers computed by the beat (``console.refresh_dashboard_snapshots``), so that
    the dashboard of a campaign of millions of entries opens at once; the page shows the snapshot's age."""

    campaign = models.OneToOneField("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(help_text="{perHour, perDay, funnel, demand, inventory}: JSON of dashboard.numbers()")
    date_computed = models.DateTimeField()

    def __str__(self):
        return f"dashboard of {self.campaign_id} at {self.date_computed:%Y-%m-%d %H:%M}"


class ErasureStatus(models.TextChoices):
    """An erasure job's status: PENDING (queued, or waiting for its next attempt) → ERASING (the database part) →
    SCRUBBING (the database part committed; stored files being rewritten) → FINISHED | FAILED."""

    PENDING = "PENDING", "Queued"
    ERASING = "ERASING", "Erasing from the database"
    SCRUBBING = "SCRUBBING", "Scrubbing stored files"
    FINISHED = "FINISHED", "Finished"
    FAILED = "FAILED", "Failed"


class Erasure(models.Model):
    """One fan's erasure as a job (``monoql.workflows.privacy``; issue 36): queued by REST (which answers 202 with
    where to follow it) or the command (which runs it and waits), run by a worker with a heartbeat and a fence
    (``monoql.jobs``). Its database part commits in one transaction under the per-campaign locks of the fan's
    campaigns; the stored files are scrubbed after. What names the fan (their id and keyed digests of their own
    identifiers) is kept only until the job finishes."""

    status = models.CharField(max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.PENDING)
    fan_ref = models.CharField(
        max_length=24, blank=True, default="", help_text="The fan being erased; cleared when the job finishes"
    )
    digests = models.JSONField(
        null=True,
        blank=True,
        help_text="{texts, phones}: keyed digests (HMAC-SHA256) of what names the fan, for scrubbing files after the "
        "database part; cleared when the job finishes",
    )
    campaigns = models.JSONField(default=list, blank=True, help_text="Ids of the campaigns linked to the fan")
    stage = models.CharField(max_length=32, blank=True, default="", help_text="What the running attempt is doing")
    report = models.JSONField(null=True, blank=True, help_text="Counts removed (see erase_fan)")
    error = models.JSONField(null=True, blank=True, help_text="{message, reason, field} once FAILED")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Attempts claimed so far; the current one's fence")
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last sign of life (monoql.jobs)")
    actor = models.ForeignKey("accounts.Fan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=255, blank=True, default="")
    actor_kind = models.CharField(max_length=8, default="system")
    channel = models.CharField(max_length=8, default="command")
    date_created = models.DateTimeField(auto_now_add=True)
    date_started = models.DateTimeField(null=True, blank=True)
    date_erased = models.DateTimeField(null=True, blank=True, help_text="When the database part committed")
    date_finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date_created"]
        indexes = [
            models.Index(
                fields=["status"],
                condition=models.Q(status__in=["PENDING", "ERASING", "SCRUBBING"]),
                name="erasure_active_idx",
            )
        ]

    def __str__(self):
        return f"erasure {self.pk} ({self.status})"
