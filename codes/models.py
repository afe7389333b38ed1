"""Code inventory (catalog §2.3, §3.8; decisions.md "Codes").

Status is derived, never stored: ``assigned`` when ``date_assigned`` is set; ``reserved`` when reserved less
than ``RESERVATION_SECONDS`` ago; ``available`` otherwise (expired reservations come back by themselves).
"""

from django.db import models
from django.db.models import Q

RESERVATION_SECONDS = 24 * 60 * 60


class CodeType(models.TextChoices):
    """Separate pools per campaign (catalog §3.8)."""

    TM = "tm"
    EXTERNAL = "external"


class CodeStatus(models.TextChoices):
    """Derived status values accepted by the count endpoints."""

    AVAILABLE = "available"
    RESERVED = "reserved"
    ASSIGNED = "assigned"


def _holder(model: str) -> models.ForeignKey:
    """A code's holder column: nullable, nulled when the holder is deleted, no database constraint (see ``Code``)."""
    return models.ForeignKey(
        model,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="codes",
        db_index=False,
        db_constraint=False,
    )


class Code(models.Model):
    """One access code of a campaign's pool."""

    # Foreign keys are indexed by the unique (campaign, code) constraint or by partial indexes below:
    # every index costs time on a million-code upload, and entry/fan/market are null until assignment.
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="codes", db_index=False)
    code = models.CharField(max_length=64)
    type = models.CharField(max_length=8, choices=CodeType.choices)
    market = models.ForeignKey(
        "campaigns.Market", null=True, blank=True, on_delete=models.SET_NULL, related_name="codes", db_index=False
    )
    date_saved = models.DateTimeField()
    date_reserved = models.DateTimeField(null=True, blank=True)
    date_assigned = models.DateTimeField(null=True, blank=True)
    reserve_id = models.UUIDField(null=True, blank=True)
    # The holder's entry and fan are foreign keys for Django (``on_delete`` nulls them through the ORM) but not
    # database constraints: checking one locks the referenced entry and fan rows at commit, and at Eras scale
    # selection's 1.5 million assignments then rewrote every entry and fan page into the WAL (450 MB for one
    # market of 30,000). Assignment and erasure are serialized instead
    # (``codes.services.inventory.lock_code_holders``; decisions.md "Eras scale, third part").
    entry = _holder("entries.Entry")
    fan = _holder("accounts.Fan")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="code_unique_per_campaign")]
        indexes = [
            # Reserve and the available/reserved counts only ever look at unassigned codes: a partial index
            # keeps a sold-out pool of a million assigned codes answering in well under a millisecond.
            models.Index(
                fields=["campaign", "type", "date_reserved", "id"],
                condition=Q(date_assigned__isnull=True),
                name="code_unassigned_idx",
            ),
            # Fresh codes (never reserved) in upload order: reserve walks this index, never past taken rows.
            # Its order (date_saved, id) is one the primary key cannot give, so the planner always uses it.
            models.Index(
                fields=["campaign", "type", "date_saved", "id"],
                condition=Q(date_assigned__isnull=True, date_reserved__isnull=True),
                name="code_fresh_idx",
            ),
            # Assigned codes only: a fresh upload of a million codes writes nothing here.
            models.Index(
                fields=["campaign", "type", "date_assigned"],
                condition=Q(date_assigned__isnull=False),
                name="code_assigned_idx",
            ),
            models.Index(fields=["reserve_id"], condition=Q(reserve_id__isnull=False), name="code_reserve_id_idx"),
            models.Index(fields=["entry"], condition=Q(entry__isnull=False), name="code_entry_idx"),
            models.Index(fields=["fan"], condition=Q(fan__isnull=False), name="code_fan_idx"),
            models.Index(fields=["market"], condition=Q(market__isnull=False), name="code_market_idx"),
        ]

    def __str__(self):
        return self.code


class CodeAuditAction(models.TextChoices):
    """What happened to a set of codes."""

    UPLOAD = "upload"
    RESERVE = "reserve"
    ASSIGN = "assign"
    RELEASE = "release"


class CodeAudit(models.Model):
    """Audit trail: who did what to how many codes of a campaign, and when."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="code_audits")
    action = models.CharField(max_length=8, choices=CodeAuditAction.choices)
    type = models.CharField(max_length=8, blank=True, default="")
    actor = models.ForeignKey("accounts.Fan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=255, blank=True, default="", help_text="Staff user or worker name.")
    requested = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    reserve_id = models.UUIDField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    date_created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date_created"]
        indexes = [models.Index(fields=["campaign", "-date_created"], name="code_audit_campaign_idx")]

    def __str__(self):
        return f"code {self.action} in campaign {self.campaign_id}: {self.changed} of {self.requested}"


class IdempotentResponse(models.Model):
    """First answer to a request sent with an ``Idempotency-Key`` header; a retry gets the same answer."""

    key = models.CharField(max_length=128)
    scope = models.CharField(max_length=64, help_text="action:campaignId")
    actor = models.CharField(max_length=64)
    response = models.JSONField(null=True, blank=True)
    date_created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "scope", "key"], name="idempotent_response_unique")]

    def __str__(self):
        return f"idempotent response {self.scope} ({self.actor})"


class CodeUploadStatus(models.TextChoices):
    """A code upload job's status: PENDING (queued) → TRIGGERED (a worker stores it) → FINISHED | FAILED."""

    PENDING = "PENDING"
    TRIGGERED = "TRIGGERED"
    FINISHED = "FINISHED"
    FAILED = "FAILED"


class CodeUpload(models.Model):
    """A code file being stored into a pool: a queued job (``monoql.jobs``), so that a file of a million codes
    never runs inside a web request (docs/operations.md "Code uploads")."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="code_uploads")
    type = models.CharField(max_length=8, choices=CodeType.choices)
    file_key = models.CharField(max_length=512, help_text="Storage key of the uploaded file")
    file_name = models.CharField(max_length=255, blank=True, default="")
    owns_file = models.BooleanField(default=True, help_text="The file was stored for this job and is removed after it")
    size = models.PositiveBigIntegerField(default=0, help_text="Bytes")
    status = models.CharField(max_length=10, choices=CodeUploadStatus.choices, default=CodeUploadStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Attempts claimed so far; the fence of the current one"
    )
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the running attempt (monoql.jobs); queued time before"
    )
    rows_read = models.PositiveIntegerField(default=0, help_text="Progress: codes read so far by the running attempt")
    count = models.JSONField(null=True, blank=True, help_text="{in, inserted, updated} once FINISHED")
    error = models.JSONField(null=True, blank=True, help_text="{message, reason, field, extra} once FAILED")
    actor = models.ForeignKey("accounts.Fan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=255, blank=True, default="")
    date_created = models.DateTimeField(auto_now_add=True)
    date_started = models.DateTimeField(null=True, blank=True)
    date_finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date_created"]
        indexes = [
            models.Index(fields=["campaign", "-date_created"], name="code_upload_campaign_idx"),
            models.Index(
                fields=["status"], condition=Q(status__in=["PENDING", "TRIGGERED"]), name="code_upload_active_idx"
            ),
        ]

    def __str__(self):
        return f"{self.file_name or self.file_key} ({self.status})"
