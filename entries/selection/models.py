"""Wave prep, selection and waves (catalog §3.7; decisions.md "Selection").

The ``selection`` app (``entries.selection``) keeps the tables it had inside ``entries`` (``entries_waveprep``…):
each model names its table, so moving the package copied no data (migration ``selection.0001``).

- ``WavePrepFile``: the inputs of a wave prep run, one per campaign, ``dateKey`` and file type.
- ``WavePrep``: one run per campaign and ``dateKey`` (status ``TRIGGERED|FINISHED|FAILED``), with the seed,
  algorithm version, parameters and input hash that make it reproducible and explainable.
- ``Allocation``: the outcome of one fan in one market of a run (selected with its reserved code, or
  waitlisted), with the fan's priority position and the rank they gave the market.
- ``Wave``: an SMS/email notification wave (``WaveStatus``), sent by the beat when its notify date is due.
"""

from django.db import models
from django.db.models import Q


class WavePrepFileType(models.TextChoices):
    """``WavePrepFileType`` (catalog §1.6)."""

    MARKETS = "markets"
    TM_CODES = "tmCodes"
    NON_TM_CODES = "nonTmCodes"


class WavePrepFile(models.Model):
    """A validated wave prep input stored under ``wavePrep/{campaignId}/data/…``; a re-upload replaces it."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="wave_prep_files")
    date_key = models.CharField(max_length=64)
    type = models.CharField(max_length=12, choices=WavePrepFileType.choices)
    name = models.CharField(max_length=255)
    path = models.CharField(max_length=512, help_text="Storage key")
    rows = models.PositiveIntegerField(default=0)
    content = models.JSONField(default=dict, blank=True, help_text="Parsed markets file: {marketId: {limit, …}}")
    uploaded_by = models.ForeignKey("accounts.Fan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    date_updated = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "entries_waveprepfile"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "date_key", "type"], name="wave_prep_file_unique"),
        ]

    def __str__(self):
        return f"{self.date_key} {self.type}"


class WavePrepStatus(models.TextChoices):
    """Wave prep status values (decisions.md "Contract")."""

    TRIGGERED = "TRIGGERED"
    FINISHED = "FINISHED"
    FAILED = "FAILED"


class WavePrep(models.Model):
    """One wave prep run of a campaign (catalog §3.7.2). At most one TRIGGERED per campaign."""

    #: Set by ``trigger_wave_prep`` (not stored): the earlier run this one replays under other rules, or None.
    replay_of: dict | None = None

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="wave_preps")
    date_key = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=WavePrepStatus.choices, default=WavePrepStatus.TRIGGERED)
    params = models.JSONField(default=dict, help_text="reassign, orderByPreference, singleMarket, …")
    seed = models.BigIntegerField(help_text="Seed of the lottery order; recorded so a run can be reproduced")
    algorithm_version = models.CharField(max_length=32, blank=True, default="")
    input_hash = models.CharField(max_length=64, blank=True, default="", help_text="sha256 of candidates + limits")
    reserve_id = models.UUIDField(help_text="reserveId of the codes this run reserved")
    count = models.JSONField(null=True, blank=True, help_text="WavePrepCount: campaign totals + markets[]")
    error = models.TextField(blank=True, default="")
    path = models.CharField(max_length=512, blank=True, default="", help_text="Storage key of prepped.{dateKey}.zip")
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Attempts claimed so far; the fence of the current one"
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        default=2, help_text="The attempt number after which the run fails: raised by a retry, never reset (the fence)"
    )
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the running attempt (monoql.jobs); queued time before"
    )
    progress = models.JSONField(
        default=dict, blank=True, help_text="{stage, step, steps, at}: written from outside the run's transaction"
    )
    requested_by = models.ForeignKey("accounts.Fan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    date_created = models.DateTimeField(auto_now_add=True)
    date_started = models.DateTimeField(null=True, blank=True)
    date_finished = models.DateTimeField(null=True, blank=True)
    date_selected = models.DateTimeField(null=True, blank=True, help_text="First selection applied from this run")
    date_read = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the run read its candidates (under the campaign's selection lock): a selection of another run "
        "applied after it makes this run stale",
    )

    class Meta:
        db_table = "entries_waveprep"
        ordering = ["-date_created"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "date_key"], name="wave_prep_unique_date_key"),
            models.UniqueConstraint(
                fields=["campaign"], condition=Q(status="TRIGGERED"), name="wave_prep_one_running_per_campaign"
            ),
        ]

    def __str__(self):
        return f"{self.date_key} ({self.status})"


class AllocationOutcome(models.TextChoices):
    SELECTED = "selected"
    WAITLISTED = "waitlisted"


class Allocation(models.Model):
    """One fan's outcome in a wave prep: selected in a market (with its reserved code), or — one row per fan
    selected nowhere — waitlisted (``market`` = their best-ranked market of the run).

    A million-entry run writes millions of these in one COPY: the foreign keys are kept by Django
    (``on_delete`` cascades through the ORM) but not as database constraints, whose deferred checks would
    cost more than the run itself.
    """

    id = models.BigAutoField(primary_key=True)
    wave_prep = models.ForeignKey(
        WavePrep, on_delete=models.CASCADE, related_name="allocations", db_index=False, db_constraint=False
    )
    entry = models.ForeignKey(
        "entries.Entry", on_delete=models.CASCADE, related_name="allocations", db_index=False, db_constraint=False
    )
    market = models.ForeignKey(
        "campaigns.Market", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    outcome = models.CharField(max_length=10, choices=AllocationOutcome.choices)
    preference_rank = models.PositiveSmallIntegerField(help_text="0 = the fan's first choice")
    position = models.PositiveIntegerField(help_text="The fan's place in the run's priority order (0 = first)")
    code = models.CharField(max_length=64, blank=True, default="")
    code_type = models.CharField(max_length=8, blank=True, default="")
    date_notified = models.DateTimeField(null=True, blank=True, help_text="When the selected fan was told")

    class Meta:
        db_table = "entries_allocation"
        indexes = [
            # Only the selected rows are read by market (selection, the prepped zip, the notices): the waitlisted
            # ones (two thirds of a markets-mode run's rows) stay out of this index, whose random insertion order
            # cost more of the wave prep than any other write (decisions.md "Selection").
            models.Index(
                fields=["wave_prep", "market", "position"],
                condition=Q(outcome=AllocationOutcome.SELECTED),
                name="allocation_selected_idx",
            ),
            # A run's rows (a retry clears its attempt's, a re-trigger the earlier run's): one key per run,
            # deduplicated by PostgreSQL into a few bytes per row, appended at its end.
            models.Index(fields=["wave_prep"], name="allocation_prep_idx"),
            models.Index(fields=["entry"], name="allocation_entry_idx"),
        ]

    def __str__(self):
        return f"{self.outcome} entry {self.entry_id} in market {self.market_id}"


class AppliedMarket(models.Model):
    """A market of a wave prep that selection has applied (its outcomes are final for the fans)."""

    wave_prep = models.ForeignKey(WavePrep, on_delete=models.CASCADE, related_name="applied_markets")
    market = models.ForeignKey("campaigns.Market", on_delete=models.CASCADE, related_name="+")
    date_applied = models.DateTimeField()

    class Meta:
        db_table = "entries_appliedmarket"
        constraints = [models.UniqueConstraint(fields=["wave_prep", "market"], name="applied_market_unique")]

    def __str__(self):
        return f"market {self.market_id} applied from wave prep {self.wave_prep_id}"


class WaveStatus(models.TextChoices):
    """``WaveStatus`` (catalog §1.6, decisions.md #47): scheduled → processing → triggered → completed|failed."""

    SCHEDULED = "scheduled"
    PROCESSING = "processing"
    TRIGGERED = "triggered"
    COMPLETED = "completed"
    FAILED = "failed"


class Wave(models.Model):
    """An SMS/email wave: a recipient CSV (``smsWaves/csv/{name}.csv``) and its config (catalog §3.7.3)."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="waves")
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=WaveStatus.choices, default=WaveStatus.SCHEDULED)
    category_id = models.BigIntegerField(null=True, blank=True)
    total_limit = models.PositiveIntegerField(null=True, blank=True)
    generate_offer_code = models.BooleanField(default=False)
    tied_to_account = models.BooleanField(default=False)
    single_use = models.BooleanField(default=False)
    csv_path = models.CharField(max_length=512)
    rows = models.PositiveIntegerField(default=0)
    count = models.JSONField(null=True, blank=True, help_text="{total, ok, failed, detail:{sms:{…}, email:{…}}}")
    error = models.TextField(blank=True, default="")
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Attempts claimed so far; the fence of the current one"
    )
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the running attempt (monoql.jobs); queued time before"
    )
    created_by = models.ForeignKey("accounts.Fan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    date_created = models.DateTimeField(auto_now_add=True)
    date_notify = models.DateTimeField()
    date_begin = models.DateTimeField()
    date_end = models.DateTimeField()
    date_started = models.DateTimeField(null=True, blank=True)
    date_finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "entries_wave"
        ordering = ["date_notify", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="wave_unique_name")]
        indexes = [
            models.Index(fields=["date_notify"], condition=Q(status="scheduled"), name="wave_due_idx"),
        ]

    def __str__(self):
        return self.name


class ReminderDelivery(models.Model):
    """One presale reminder to one fan for one market (decisions.md "Outbound messages and privacy"): the row is
    claimed before the email goes (``INSERT … ON CONFLICT DO NOTHING``), so no fan is reminded twice, even by
    two senders at once."""

    market = models.ForeignKey("campaigns.Market", on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey("entries.Entry", on_delete=models.CASCADE, related_name="reminder_deliveries")
    date_created = models.DateTimeField(help_text="When the delivery was claimed (UTC)")
    date_sent = models.DateTimeField(null=True, blank=True, help_text="When the email was handed to the backend")
    error = models.TextField(blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["market", "entry"], name="reminder_once_per_fan_and_market")]

    def __str__(self):
        return f"reminder {self.market_id} → {self.entry_id}"
