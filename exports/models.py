"""Exports: asynchronous campaign datasets written to private storage (catalog §2.4, §3.9)."""

from django.db import models
from django.db.models import Q

from monoql.ids import new_object_id


class ExportStatus(models.TextChoices):
    """Export statuses (decisions.md #46, #30): EXPIRED = stuck in TRIGGERED past its timeout."""

    PENDING = "PENDING"
    TRIGGERED = "TRIGGERED"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"


ACTIVE_STATUSES = (ExportStatus.PENDING, ExportStatus.TRIGGERED)


class Export(models.Model):
    """One export request and its result file.

    ``path`` is the storage key of the finished file (private); the API shows a freshly signed URL instead.
    ``rows_written`` is the progress of a running export; ``count`` the rows of a finished one.
    """

    id = models.CharField(primary_key=True, max_length=24, default=new_object_id, editable=False)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="exports")
    export_type = models.CharField(max_length=32)
    date_key = models.CharField(max_length=64, blank=True, default="")
    include_all_markets = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    requester = models.ForeignKey("accounts.Fan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requester_user_id = models.CharField(max_length=64, blank=True, default="", help_text="Fan id or staff user")
    count = models.PositiveIntegerField(null=True, blank=True)
    rows_written = models.PositiveIntegerField(default=0)
    path = models.CharField(max_length=512, blank=True, default="")
    size = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes")
    checksum = models.CharField(max_length=80, blank=True, default="", help_text="sha256 hex of the file")
    content_type = models.CharField(max_length=64, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Attempts claimed so far; the fence of the current one"
    )
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the running attempt (monoql.jobs); queued time before"
    )
    error_message = models.TextField(blank=True, default="")
    error_payload = models.JSONField(null=True, blank=True)
    date_created = models.DateTimeField(auto_now_add=True)
    date_triggered = models.DateTimeField(null=True, blank=True)
    date_finished = models.DateTimeField(null=True, blank=True)
    date_failed = models.DateTimeField(null=True, blank=True)
    date_expired = models.DateTimeField(null=True, blank=True)
    date_file_removed = models.DateTimeField(null=True, blank=True, help_text="File deleted after retention")

    class Meta:
        ordering = ["-date_created"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "export_type", "date_key"],
                condition=Q(status__in=["PENDING", "TRIGGERED"]),
                name="export_one_active_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "-date_created"], name="export_campaign_idx"),
            models.Index(fields=["status", "date_triggered"], name="export_status_idx"),
        ]

    def __str__(self):
        return f"{self.export_type} {self.campaign_id} {self.status}"


class ExportAccess(models.Model):
    """Who asked for what (exports carry fans' personal data): every schedule, read, list and download."""

    export = models.ForeignKey(Export, null=True, blank=True, on_delete=models.SET_NULL, related_name="accesses")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=16)
    requester_user_id = models.CharField(max_length=64)
    channel = models.CharField(max_length=16, help_text="graphql | rest | admin | download")
    date_created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["campaign", "-date_created"], name="export_access_idx")]

    def __str__(self):
        return f"{self.action} of export {self.export_id} by {self.requester_user_id} ({self.channel})"
