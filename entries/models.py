"""Entries: one fan's registration in one campaign with its ranked markets, scoring, verdict and tags;
plus the registration-side records around it (invite lists, phone verifications, scored uploads, the
blacklist, fanlist uploads and stats)."""

import random

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce

#: The lottery's generator (``os.urandom`` underneath).
_LOTTERY = random.SystemRandom()


def new_random_score() -> float:
    """A uniform number in [0, 1) drawn once per entry: the lottery order when ``randomSelection``, from the
    operating system's generator (a lottery whose draws could be predicted from earlier ones would not be one)."""
    return _LOTTERY.random()


class Entry(models.Model):
    """A fan's registration (catalog §3.6.1 "Stored entry"); one per campaign and fan.

    ``market_0``..``market_3`` are the ranked market preferences (rank 0 = primary market, catalog §3.6.2
    "Markets"), kept as columns so that counting by market and rank over a campaign is one scan.
    ``email``/``phone`` copy the form's contact values (lower-cased, E.164 with Mexican ``+521`` folded
    into ``+52``) for matching scored files, invite lists and the blacklist. ``confirmed_phone`` is set
    when the phone is confirmed and is unique per campaign (catalog §3.6.3).
    """

    #: Set by ``upsert_entry`` on the instance it returns: True when this call created the entry (not stored).
    is_new: bool = False
    # No single-column indexes on campaign/fan: ``entry_one_per_fan`` (campaign, fan) serves "by campaign",
    # ``entry_fan_idx`` "by fan", and neither needs the ``_like`` pattern index Django adds to text keys.
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="entries", db_index=False)
    fan = models.ForeignKey("accounts.Fan", on_delete=models.CASCADE, related_name="entries", db_index=False)
    fields = models.JSONField(default=dict, blank=True, help_text="Validated form values keyed by field id.")
    locale = models.CharField(max_length=8, default="en_US")
    attributes = models.JSONField(default=dict, blank=True)
    origin = models.JSONField(default=dict, blank=True, help_text="Request metadata: ip, user_agent, ...")
    market_0 = models.ForeignKey(
        "campaigns.Market", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    market_1 = models.ForeignKey(
        "campaigns.Market", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    market_2 = models.ForeignKey(
        "campaigns.Market", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    market_3 = models.ForeignKey(
        "campaigns.Market", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    email = models.CharField(max_length=254, blank=True, default="")
    phone = models.CharField(max_length=20, blank=True, default="", help_text="E.164")
    confirmed_phone = models.CharField(max_length=20, null=True, blank=True, help_text="E.164, set on confirmation")  # noqa: DJ001 - unique per campaign where confirmed: the unconfirmed are many
    score = models.FloatField(
        null=True,
        blank=True,
        help_text="0–1 from an uploaded scored file (it wins over the bot score, kept in BotScore); null = none",
    )
    scored_by = models.CharField(
        max_length=8,
        blank=True,
        default="",
        db_default="",
        help_text="upload: the score comes from a scored file; empty: no file scored this entry",
    )
    random_score = models.FloatField(default=new_random_score)
    verdict = models.BooleanField(default=True, help_text="False = blocked or blacklisted: kept, never selected")
    tags = models.JSONField(default=dict, blank=True, help_text="{tagName: true}")
    date_created = models.DateTimeField(auto_now_add=True)
    date_updated = models.DateTimeField(auto_now=True)
    date_phone_confirmed = models.DateTimeField(null=True, blank=True)
    date_receipt_due = models.DateTimeField(
        null=True, blank=True, help_text="When the entry became complete and its receipt email due"
    )
    date_receipt = models.DateTimeField(null=True, blank=True, help_text="When the receipt email was sent")

    class Meta:
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "fan"], name="entry_one_per_fan"),
            models.UniqueConstraint(
                fields=["campaign", "confirmed_phone"],
                condition=Q(confirmed_phone__isnull=False),
                name="entry_confirmed_phone_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "date_created"], name="entry_campaign_created_idx"),
            models.Index(fields=["fan"], name="entry_fan_idx"),
            # equality and prefix (LIKE 'ana%': the admin's search) in one index, whatever the collation
            models.Index(fields=["email"], name="entry_email_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["phone"], name="entry_phone_idx"),
            models.Index(
                fields=["date_receipt_due"],
                condition=Q(date_receipt__isnull=True, date_receipt_due__isnull=False),
                name="entry_receipt_due_idx",
            ),
        ]

    def __str__(self):
        return f"entry {self.pk} ({self.campaign_id}/{self.fan_id})"

    @property
    def market_ids(self) -> list[str]:
        """Ranked market ids ``[rank0, rank1, ...]`` without gaps."""
        return [m for m in (getattr(self, f"{name}_id") for name in MARKET_RANK_FIELDS) if m]

    def set_market_ids(self, ranked: list[str]) -> None:
        """Store up to ``PREFERENCE_RANKS`` ranked market ids in ``market_0``..``market_3``."""
        kept = list(ranked[:PREFERENCE_RANKS])
        for name, market_id in zip(MARKET_RANK_FIELDS, kept + [None] * (PREFERENCE_RANKS - len(kept)), strict=True):
            setattr(self, f"{name}_id", market_id)


#: Preference ranks a fan may give, and the entry's column of each (rank 0: the primary market; catalog §3.6.2):
#: the one place they are declared.
PREFERENCE_RANKS = 4
MARKET_RANK_FIELDS = tuple(f"market_{rank}" for rank in range(PREFERENCE_RANKS))


class FanIdentifierType(models.TextChoices):
    """``FanIdentifier`` (catalog §3.5): which identifier a list uses."""

    MEMBER_ID = "memberId"
    GLOBAL_USER_ID = "globalUserId"
    EMAIL = "email"


class Invite(models.Model):
    """One row of a campaign's invite list (gate ``inviteOnly``, catalog §3.5)."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="invites")
    identifier_type = models.CharField(max_length=16, choices=FanIdentifierType.choices)
    value = models.CharField(max_length=254)
    date_created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "identifier_type", "value"], name="invite_unique"),
        ]

    def __str__(self):
        return f"{self.identifier_type}={self.value}"


class InviteUpload(models.Model):
    """One ``uploadInvites`` file (gate ``inviteOnly``, catalog §3.5): the stored copy and who loaded it."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="invite_uploads")
    name = models.CharField(max_length=255)
    path = models.CharField(max_length=512, help_text="Storage key of the stored file")
    identifier_type = models.CharField(max_length=16, choices=FanIdentifierType.choices)
    rows_in = models.PositiveIntegerField(default=0, help_text="Data lines in the file")
    added = models.PositiveIntegerField(default=0, help_text="Identifiers new to the invite list")
    uploaded_by = models.ForeignKey("accounts.Fan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    date_created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date_created"]

    def __str__(self):
        return self.name


class PhoneVerification(models.Model):
    """A 6-digit code sent to a phone for one campaign (the verification side of catalog §3.6.3)."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    fan = models.ForeignKey("accounts.Fan", on_delete=models.CASCADE, related_name="phone_verifications")
    phone = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=128)
    attempts = models.PositiveSmallIntegerField(default=0)
    date_created = models.DateTimeField(auto_now_add=True)
    date_expires = models.DateTimeField()
    date_verified = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["fan", "campaign", "phone"], name="phone_verification_idx")]

    def __str__(self):
        return f"phone verification {self.pk} of fan {self.fan_id}"


class UploadStatus(models.TextChoices):
    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    FINISHED = "FINISHED"
    FAILED = "FAILED"


class ScoredFile(models.Model):
    """An uploaded scored file (``uploadScored``, catalog §1.7, §3.7.5) and what matching it did."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="scored_files")
    name = models.CharField(max_length=255)
    path = models.CharField(max_length=512, help_text="Storage key of the stored file")
    status = models.CharField(max_length=12, choices=UploadStatus.choices, default=UploadStatus.PENDING)
    rows = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    verified = models.PositiveIntegerField(default=0, help_text="Matched rows whose verdict is true")
    error = models.TextField(blank=True, default="")
    uploaded_by = models.ForeignKey("accounts.Fan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    date_created = models.DateTimeField(auto_now_add=True)
    date_finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date_created"]

    def __str__(self):
        return f"scored file {self.name} ({self.status})"


class BlacklistKind(models.TextChoices):
    EMAIL = "email"
    PHONE = "phone"


class BlacklistEntry(models.Model):
    """A globally blacklisted email or phone (``uploadBlacklist``, additive, exact match)."""

    kind = models.CharField(max_length=8, choices=BlacklistKind.choices)
    value = models.CharField(max_length=254, unique=True)
    source = models.CharField(max_length=255, blank=True, default="", help_text="Uploaded file name")
    date_created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "blacklist entries"

    def __str__(self):
        return self.value


class FanlistUpload(models.Model):
    """One ``uploadFanlist`` file of a fanlist campaign (``FanlistCampaign.uploads``, catalog §3.7.5)."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="fanlist_uploads")
    name = models.CharField(max_length=255)
    path = models.CharField(max_length=512)
    scoring = models.CharField(max_length=8, help_text="raw | xnum, copied from the campaign")
    status = models.CharField(max_length=12, choices=UploadStatus.choices, default=UploadStatus.PENDING)
    rows_in = models.PositiveIntegerField(default=0, help_text="Data lines in the file")
    rows = models.PositiveIntegerField(default=0, help_text="Fans kept after validation and dedupe")
    error = models.TextField(blank=True, default="")
    date_created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date_created"]

    def __str__(self):
        return f"fanlist {self.name} ({self.status})"


class FanlistRecord(models.Model):
    """One fan of a fanlist campaign with the score translated from its rank."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    upload = models.ForeignKey(FanlistUpload, on_delete=models.CASCADE, related_name="records")
    identifier = models.CharField(max_length=254, help_text="memberId or email, as the campaign identifies fans")
    rank = models.FloatField()
    score = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "identifier"], name="fanlist_record_unique")]

    def __str__(self):
        return f"fanlist record {self.pk} (rank {self.rank})"


class StatStatus(models.TextChoices):
    """``StatsStatus`` enum (catalog §1.6): where the work a stats row tracks stands."""

    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    FINISHED = "FINISHED"
    FAILED = "FAILED"


class StatType(models.TextChoices):
    """``StatsType`` enum (catalog §1.6): what a stats row reports on."""

    FILTER_LIST = "filterList", "A fan-list filter run (tags, verdicts) and its counts."
    SELECTION = "selection", "One market's selection (triggerSelection) and its counts."


class VerdictFilter(models.TextChoices):
    """``FilterType`` enum: what flipVerdicts does to the tagged entries."""

    ALLOW = "allow", "Allow the tagged entries again (verdict true)."
    BLOCK = "block", "Block the tagged entries (verdict false: kept, never selected)."


class Stat(models.Model):
    """A stats document (catalog §3.10), keyed by campaign, market ("" = none), date id and type."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="stats")
    market_id = models.CharField(max_length=24, blank=True, default="")
    date_id = models.CharField(max_length=64)
    type = models.CharField(max_length=32)
    status = models.CharField(max_length=12, choices=StatStatus.choices, default=StatStatus.PENDING)
    count = models.JSONField(null=True, blank=True)
    meta = models.JSONField(null=True, blank=True)
    errors = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Attempts of a job Stat (selection); the fence")
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the running attempt (monoql.jobs); queued time before"
    )
    date_created = models.DateTimeField(auto_now_add=True)
    date_updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "market_id", "date_id", "type"], name="stat_key_unique")
        ]

    def __str__(self):
        return f"{self.type} stat of campaign {self.campaign_id} ({self.status})"


class DoNotSellChange(models.Model):
    """Audit of a fan's ``doNotSell`` flag (catalog §3.15): who set or cleared it, when, through which door.

    The fan is named by id only (no foreign key), so that the trail outlives the fan's erasure."""

    fan_ref = models.CharField(max_length=24, db_index=True, help_text="The fan's id")
    do_not_sell = models.BooleanField()
    actor_label = models.CharField(max_length=255, help_text="'fan' (the fan themselves), a staff user, or a command")
    channel = models.CharField(max_length=16, help_text="graphql | site | admin | command | rest")
    entries_cleared = models.PositiveIntegerField(default=0)
    date_created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date_created"]

    def __str__(self):
        return f"{self.fan_ref}: doNotSell={self.do_not_sell} by {self.actor_label} ({self.channel})"


class ScoreSignal(models.IntegerChoices):
    """The signals of the bot score (``entries.services.bot_signals``), stored by number in the narrow table."""

    PHONE_LINE = 1, "phone line type (outside North America): landline, VoIP or premium"
    DISPOSABLE_EMAIL = 2, "disposable mailbox domain"
    SHARED_PHONE = 3, "fans behind the same phone number"
    PHONE_RANGE = 4, "fans with numbers in the same block of 1,000"
    SHARED_MAILBOX = 5, "accounts behind one mailbox (dots and +tags the provider ignores)"
    BLOCK_BURST = 6, "a burst from one address block, beyond its usual share of the traffic"
    UNVERIFIED = 7, "phone not confirmed"
    ACCOUNT_AGE = 8, "account created shortly before registering"
    COMPLETION_TIME = 9, "form completed faster than a person types"
    PAST_BLOCKED = 10, "blocked in an earlier campaign on this installation"
    BLOCK_BROWSER = 11, "one browser from one address block, far beyond its share of the crowd"


class ScoreContribution(models.Model):
    """One signal's part in an entry's bot score: what it saw (``value``) and the points it took off.

    Written by the batch score (COPY on PostgreSQL), replaced at each run; erased with the entry."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="score_contributions")
    signal = models.PositiveSmallIntegerField(choices=ScoreSignal.choices)
    value = models.FloatField()
    points = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["entry"], name="score_contribution_entry_idx")]

    def __str__(self):
        return f"{self.get_signal_display()}: {self.points} points off entry {self.entry_id}"


class BotScore(models.Model):
    """An entry's bot score (``entries.services.bot_score``) in a narrow table of its own: closing a campaign of
    3.5 million entries writes 3.5 million rows of 16 bytes by COPY instead of rewriting every entry row and its
    indexes. Replaced at each run; erased with the entry. ``ENTRY_SCORE`` is the score an entry is ranked by."""

    entry = models.OneToOneField(Entry, primary_key=True, on_delete=models.CASCADE, related_name="bot_score")
    score = models.FloatField(help_text='0.22–1.0 (decisions.md "Bot score"): 1.0 minus the signals\' points')
    date_band_changed = models.DateTimeField(
        null=True, blank=True, help_text="When a run last moved the entry to another band (first scored: null)"
    )
    digest = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="A 64-bit digest of the entry's contributions (signal, value, points), kept by live runs: a live "
        "run writes again only the entries whose digest changed (null: written by a run that keeps none)",
    )

    def __str__(self):
        return f"bot score {self.score} of entry {self.entry_id}"


class ScoreInput(models.Model):
    """What the bot score read of an entry (``entries.services.bot_score``), kept while its campaign is open so that
    a live run reads only the entries registered since the last one (issue 41) and scores them against the whole
    crowd known so far from this narrow table: keys as 64-bit hashes (no phone or address in clear), times and
    flags. Written by live runs and by staff's re-score of an open campaign; erased with the entry."""

    entry = models.OneToOneField(Entry, primary_key=True, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    phone = models.BigIntegerField(help_text="Hash of the number (0: none)")
    phone_range = models.BigIntegerField(help_text="Hash of its block of 100 numbers (0: none)")
    mailbox = models.BigIntegerField(help_text="Hash of the mailbox the address delivers to (0: none)")
    block = models.BigIntegerField(help_text="Hash of the address block (0: unknown)")
    browser = models.BigIntegerField(help_text="Hash of the browser (0: unknown)")
    seconds = models.FloatField(help_text="When the entry registered (epoch seconds)")
    phone_line = models.SmallIntegerField(help_text="1: a suspect line type")
    disposable = models.SmallIntegerField(help_text="1: a disposable mailbox domain")
    confirmed = models.SmallIntegerField(help_text="1: phone confirmed when read")
    age_days = models.FloatField(null=True, help_text="Account age at registration (days; null: not given)")
    form_ms = models.FloatField(null=True, help_text="Form completion time (ms; null: not reported)")
    past_blocked = models.IntegerField(help_text="The fan's entries blocked in other campaigns when read")
    uploaded = models.SmallIntegerField(help_text="1: an uploaded scored file ranks the entry")

    def __str__(self):
        return f"bot score inputs of entry {self.entry_id}"


#: The score an entry is ranked and counted by (annotate or alias it; a LEFT JOIN on the bot score's key): an
#: uploaded scored file's (``Entry.score``) where one scored the entry, else the bot score; null: not scored.
ENTRY_SCORE = Coalesce(F("score"), F("bot_score__score"))


class MailDomainRule(models.TextChoices):
    """What a staff-listed mail domain means to the bot score."""

    DISPOSABLE = "disposable", "disposable: counts as a disposable mailbox"
    BLOCKED = "blocked", "blocked: its entries get verdict false"


class MailDomain(models.Model):
    """A mail domain staff list for the bot score, beside the ``disposable-email-domains`` package's list."""

    domain = models.CharField(max_length=253, unique=True)
    rule = models.CharField(max_length=12, choices=MailDomainRule.choices)
    note = models.CharField(max_length=255, blank=True, default="")
    date_created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.domain} ({self.rule})"


class FanFileKind(models.TextChoices):
    """What a fan-file upload holds (``entries.services.fan_files``)."""

    SCORED = "scored", "scored file"
    INVITES = "invites", "invite list"
    FANLIST = "fanlist", "fanlist"
    BLACKLIST = "blacklist", "blacklist"


class FanFileUpload(models.Model):
    """A fan file uploaded from the staff console (scored file, invite list, fanlist or blacklist), read by a queued
    job (``monoql.jobs``: attempts as the fence, a heartbeat, a beat sweeper) so that a large file never runs inside a
    web request; the job calls the same service as the GraphQL upload and keeps its counts or its error."""

    kind = models.CharField(max_length=10, choices=FanFileKind.choices)
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="fan_file_uploads"
    )
    file_key = models.CharField(max_length=512, help_text="Storage key of the file as uploaded (removed after)")
    file_name = models.CharField(max_length=255, blank=True, default="")
    size = models.PositiveBigIntegerField(default=0, help_text="Bytes")
    status = models.CharField(max_length=12, choices=UploadStatus.choices, default=UploadStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Attempts claimed so far; the current one's fence")
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last sign of life (monoql.jobs)")
    result = models.JSONField(null=True, blank=True, help_text="The service's counts once FINISHED")
    summary = models.CharField(max_length=500, blank=True, default="", help_text="The result or error in words")
    error = models.JSONField(null=True, blank=True, help_text="{message, reason, field, line} once FAILED")
    actor = models.ForeignKey("accounts.Fan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=255, blank=True, default="")
    channel = models.CharField(max_length=8, default="admin")
    date_created = models.DateTimeField(auto_now_add=True)
    date_finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date_created"]
        indexes = [models.Index(fields=["campaign", "-date_created"], name="fan_file_campaign_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name} ({self.status})"


class ScoreRunKind(models.TextChoices):
    """Why a bot score run ran: the live sweep while the campaign is open, staff asking again, or the close."""

    LIVE = "live", "live (while open)"
    RESCORE = "rescore", "asked by staff"
    CLOSE = "close", "at close (the last word)"


class ScoreRun(models.Model):
    """One run of a campaign's bot score (``entries.services.bot_score``) as a job (``monoql.jobs``: attempts as the
    fence, a heartbeat, a sweeper, retry): its stage while it runs, its summary (bands, seconds) or its error."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="score_runs")
    kind = models.CharField(max_length=8, choices=ScoreRunKind.choices)
    status = models.CharField(max_length=12, choices=UploadStatus.choices, default=UploadStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Attempts claimed so far; the current one's fence")
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last sign of life (monoql.jobs)")
    stage = models.CharField(max_length=64, blank=True, default="")
    summary = models.JSONField(null=True, blank=True, help_text="score_campaign's summary once FINISHED")
    error = models.TextField(blank=True, default="")
    actor = models.ForeignKey("accounts.Fan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=255, blank=True, default="")
    channel = models.CharField(max_length=8, default="worker")
    date_created = models.DateTimeField(auto_now_add=True)
    date_started = models.DateTimeField(null=True, blank=True)
    date_finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date_created"]
        indexes = [models.Index(fields=["campaign", "-date_created"], name="score_run_campaign_idx")]

    def __str__(self):
        return f"bot score run {self.pk} ({self.kind}, {self.status})"
