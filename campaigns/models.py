"""Campaigns, their markets and localized content; artists and venues from the Discovery API.

Field names follow the contract (catalog §1.4): ``date.open`` is ``date_open``, ``domain.site`` is
``domain_site`` and so on; free-form sub-documents of the contract (options, style, trackers, images,
faqs, preferences) are JSON columns.
"""

from django.db import models
from django.db.models import Q

from monoql.ids import new_object_id


class CampaignType(models.TextChoices):
    """``CampaignType`` enum (catalog §1.6)."""

    REGISTRATION = "registration"
    FANLIST = "fanlist"


class CampaignSubtype(models.TextChoices):
    """``CampaignSubtype`` enum (catalog §1.6): a narrower kind of campaign."""

    FANCLUB = "fanclub", "fanclub"


class CampaignStatus(models.TextChoices):
    """Campaign lifecycle (catalog §3.1, decisions.md #45)."""

    DRAFT = "DRAFT"
    PREVIEW = "PREVIEW"
    OPEN = "OPEN"
    CLOSED = "CLOSED"
    INACTIVE = "INACTIVE"


class FanIdentifier(models.TextChoices):
    """``FanIdentifier`` enum: how a fan is matched in lists and exports (catalog §3.5)."""

    MEMBER_ID = "memberId"
    GLOBAL_USER_ID = "globalUserId"
    EMAIL = "email"


class FanlistScoring(models.TextChoices):
    """``FanlistScoring`` enum: how a fanlist's uploaded values become scores (entries.services.fanlist)."""

    RAW = "raw", "The list's value is the score itself, 0 to 1."
    XNUM = "xnum", "The list's value is a position (1 = best); score = 1 - (rank - 1) / N."


class CardGate(models.TextChoices):
    """``CampaignCardGate`` enum (catalog §3.5): the card brand a card-gated campaign asks for."""

    VISA = "VISA", "Fans need a Visa payment card on their account."
    AMEX = "AMEX", "Fans need an American Express payment card on their account."
    DISCOVER = "DISCOVER", "Fans need a Discover payment card on their account."
    MASTERCARD = "MASTERCARD", "Fans need a Mastercard payment card on their account."
    CAPITALONE = "CAPITALONE", "Fans need a Capital One payment card on their account."
    CITI = "CITI", "Fans need a Citi payment card on their account."
    CHASE = "CHASE", "Fans need a Chase payment card on their account."
    BARCLAYS = "BARCLAYS", "Fans need a Barclays payment card on their account."
    BOFA = "BOFA", "Fans need a Bank of America payment card on their account."


class LinkedAccountGate(models.TextChoices):
    """``CampaignLinkedAccountGate`` enum (catalog §3.5): the account fans must have linked."""

    VERIZON = "VERIZON", "Fans need a linked Verizon account."
    CITI = "CITI", "Fans need a linked Citi account."


class IDVTier(models.TextChoices):
    """``IDVTier`` enum (catalog §3.5): the identity-verification tier an IDV-gated campaign asks for."""

    ASU = "asu", "The identity-verification tier named asu (an opaque tier, decisions #8)."


class LinkableAttribute(models.TextChoices):
    """``LinkableAttributeType`` enum: an attribute a fan may link to their entry (refreshEntryAttribute)."""

    CARD_CITI = "card_citi", "Whether the fan holds a Citi card."
    CARD_AMEX = "card_amex", "Whether the fan holds an American Express card."
    CARD_CAPITALONE = "card_capitalone", "Whether the fan holds a Capital One card."


class Artist(models.Model):
    """A performer (Discovery attraction)."""

    id = models.CharField(primary_key=True, max_length=24, default=new_object_id, editable=False)
    discovery_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    name = models.CharField(max_length=255)
    image_url = models.URLField(max_length=1000, blank=True, default="")
    needs_id = models.BooleanField(default=False)
    fanclub_name = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Venue(models.Model):
    """A venue (Discovery venue); coordinates as separate columns (decisions.md #5)."""

    id = models.CharField(primary_key=True, max_length=24, default=new_object_id, editable=False)
    discovery_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    name = models.CharField(max_length=255)
    city = models.CharField(max_length=120, blank=True, default="")
    state = models.CharField(max_length=120, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")
    postal_code = models.CharField(max_length=20, blank=True, default="")
    timezone = models.CharField(max_length=64, blank=True, default="")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.city})"


class DiscoveryEvent(models.Model):
    """An event of the local Discovery catalog (``campaigns.services.discovery_catalog``): what staff search
    and import as markets when no ``DISCOVERY_API_KEY`` is set. ``document`` is the Discovery v2 event."""

    discovery_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    attraction_ids = models.JSONField(default=list, help_text="Discovery ids of the event's attractions")
    venue_discovery_id = models.CharField(max_length=64, blank=True, default="")
    start = models.DateTimeField(null=True, blank=True, help_text="UTC start (dates.start.dateTime)")
    document = models.JSONField()

    class Meta:
        ordering = ["start", "discovery_id"]

    def __str__(self):
        return self.name


class Campaign(models.Model):
    """A registration or fanlist campaign (catalog §1.4 ``Campaign``)."""

    id = models.CharField(primary_key=True, max_length=24, default=new_object_id, editable=False)
    type = models.CharField(max_length=16, choices=CampaignType.choices, default=CampaignType.REGISTRATION)
    sub_type = models.CharField(max_length=16, blank=True, null=True, choices=CampaignSubtype.choices)  # noqa: DJ001 - the contract answers null for no sub-type
    name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    tour_name = models.CharField(max_length=255, blank=True, default="")
    artist = models.ForeignKey(Artist, null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns")
    category_id = models.CharField(max_length=64, blank=True, null=True)  # noqa: DJ001 - the contract answers null for no category
    reference_timezone = models.CharField(max_length=64, blank=True, default="")
    identifier = models.CharField(max_length=16, choices=FanIdentifier.choices, default=FanIdentifier.MEMBER_ID)
    schema_version = models.CharField(max_length=8, default="1")

    # date.* (UTC); opened/closed/inactivated are set by the lifecycle, created/updated automatically.
    date_open = models.DateTimeField(null=True, blank=True)
    date_close = models.DateTimeField(null=True, blank=True)
    date_finish = models.DateTimeField(null=True, blank=True)
    date_presale_window_start = models.DateTimeField(null=True, blank=True)
    date_presale_window_end = models.DateTimeField(null=True, blank=True)
    date_general_onsale = models.DateTimeField(null=True, blank=True)
    date_opened = models.DateTimeField(null=True, blank=True)
    date_closed = models.DateTimeField(null=True, blank=True)
    date_inactivated = models.DateTimeField(null=True, blank=True)
    date_send_email_reminders = models.DateTimeField(null=True, blank=True)
    send_reminder_emails = models.JSONField(default=list, blank=True)
    date_triggered_email_reminders = models.DateTimeField(null=True, blank=True)
    date_created = models.DateTimeField(auto_now_add=True)
    date_updated = models.DateTimeField(auto_now=True)

    # domain.*: site is unique among non-INACTIVE campaigns (decisions.md "Campaigns").
    domain_site = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001 - unique among active campaigns where set
    domain_share = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001 - the contract answers null for no domain
    domain_preview = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001 - the contract answers null for no domain

    options = models.JSONField(default=dict, blank=True)
    preferences = models.JSONField(default=list, blank=True, help_text="Registration form fields (Field list).")
    style = models.JSONField(default=dict, blank=True)
    trackers = models.JSONField(default=list, blank=True)
    image = models.JSONField(default=dict, blank=True)
    faqs = models.JSONField(default=dict, blank=True)
    slack = models.JSONField(default=dict, blank=True)
    login_types = models.JSONField(default=list, blank=True)
    contacts = models.JSONField(default=list, blank=True)
    event_ids = models.JSONField(default=list, blank=True, help_text="Fanlist campaigns: Discovery event ids.")

    class Meta:
        ordering = ["-date_created"]
        constraints = [
            models.UniqueConstraint(
                fields=["domain_site"],
                condition=Q(domain_site__isnull=False) & ~Q(status="INACTIVE"),
                name="campaign_domain_site_unique_active",
            ),
        ]
        indexes = [
            models.Index(fields=["domain_preview"], name="campaign_domain_preview_idx"),
            models.Index(fields=["status", "date_open"], name="campaign_status_open_idx"),
        ]

    def __str__(self):
        return self.name


class CampaignLocale(models.Model):
    """One locale of a campaign with its page copy (``content[locale]``); exactly one is the default."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="locales")
    locale = models.CharField(max_length=8, help_text="GraphQL spelling, e.g. en_US.")
    is_default = models.BooleanField(default=False)
    content = models.JSONField(default=dict, blank=True, help_text="Content object (catalog §1.4).")

    class Meta:
        ordering = ["-is_default", "locale"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "locale"], name="campaign_locale_unique"),
            models.UniqueConstraint(
                fields=["campaign"], condition=Q(is_default=True), name="campaign_one_default_locale"
            ),
        ]

    def __str__(self):
        return self.locale


class SplitAllocationType(models.TextChoices):
    """``SplitAllocationType`` enum (catalog §1.6)."""

    CONCURRENT = "concurrent"
    SEQUENTIAL = "sequential"


class Market(models.Model):
    """A market: a venue with its event(s) in a campaign (catalog §1.4 ``Market``, §3.2)."""

    id = models.CharField(primary_key=True, max_length=24, default=new_object_id, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="markets")
    name = models.CharField(max_length=255)
    city = models.CharField(max_length=120, blank=True, default="")
    state = models.CharField(max_length=120, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")
    timezone = models.CharField(max_length=64, blank=True, default="")
    population = models.PositiveIntegerField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    is_added_show = models.BooleanField(default=False)
    promoter_ids = models.JSONField(default=list, blank=True)
    venue = models.ForeignKey(Venue, null=True, blank=True, on_delete=models.SET_NULL, related_name="markets")
    notification_date = models.DateTimeField(null=True, blank=True, help_text="When the presale reminder is due.")
    notification_notified = models.DateTimeField(null=True, blank=True, help_text="When the reminder was sent.")

    # event.*
    event_ids = models.JSONField(default=list, blank=True, help_text="Discovery event ids, earliest first.")
    event_name = models.CharField(max_length=255, blank=True, default="")
    event_date = models.DateTimeField(null=True, blank=True)
    event_presale_date_time = models.DateTimeField(null=True, blank=True)
    event_ticketer = models.CharField(max_length=32, blank=True, default="")
    event_venue_name = models.CharField(max_length=255, blank=True, default="")
    event_link = models.URLField(max_length=1000, blank=True, default="")
    event_shared_code = models.CharField(max_length=64, blank=True, default="")
    split_allocation_type = models.CharField(max_length=16, choices=SplitAllocationType.choices, blank=True, null=True)  # noqa: DJ001 - the contract answers null for no split
    split_allocation_link = models.URLField(max_length=1000, blank=True, default="")
    split_allocation_is_active = models.BooleanField(default=False)

    date_created = models.DateTimeField(auto_now_add=True)
    date_updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="market_name_unique_per_campaign"),
        ]

    def __str__(self):
        return self.name


class CampaignStatusChange(models.Model):
    """Status history: one row per lifecycle transition (catalog §3.1 "Status history is kept")."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=CampaignStatus.choices)
    to_status = models.CharField(max_length=10, choices=CampaignStatus.choices)
    date = models.DateTimeField()
    source = models.CharField(max_length=64, blank=True, default="", help_text="refresh command, beat, API, admin")

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["campaign", "-date"], name="campaign_status_change_idx")]

    def __str__(self):
        return f"{self.campaign_id}: {self.from_status} → {self.to_status} at {self.date:%Y-%m-%dT%H:%M:%SZ}"


class OutboundEvent(models.Model):
    """Transactional outbox (catalog §3.12): one row per campaign/market change, drained to the sinks.

    Written in the same transaction as the change it describes, so an event exists exactly when the
    change committed. ``campaign_id``/``market_id`` are plain ids (not foreign keys) so that events of
    deleted markets survive.
    """

    event_type = models.CharField(max_length=64)
    campaign_id = models.CharField(max_length=24)
    market_id = models.CharField(max_length=24, blank=True, default="")
    payload = models.JSONField(default=dict)
    date_created = models.DateTimeField(auto_now_add=True)
    date_dispatched = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="Not retried before (backoff)")

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], condition=Q(date_dispatched__isnull=True), name="outbound_pending_idx"),
            models.Index(fields=["campaign_id", "-id"], name="outbound_campaign_idx"),
        ]

    def __str__(self):
        return f"{self.event_type} {self.campaign_id}"


class OutboundDelivery(models.Model):
    """One outbound event's delivery to one sink (``campaigns.sinks``: log, webhook, sqs, slack, cdn).

    A drain claims one row at a time with ``SELECT … FOR UPDATE SKIP LOCKED`` and holds it while the sink sends, so
    two drains never send the same event to the same sink, and a sink that is down or slow is retried on its own
    (with its backoff) without the others sending again. A drain that dies mid-send releases the row with its
    connection; the retry carries the same idempotency key (the event id) for the receiver to drop the repeat.
    """

    event = models.ForeignKey(OutboundEvent, on_delete=models.CASCADE, related_name="deliveries")
    sink = models.CharField(max_length=32, help_text="The sink's name: log, webhook, sqs, slack, cdn")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="Not retried before (backoff)")
    date_delivered = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event_id", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "sink"], name="outbound_delivery_once")]
        indexes = [
            models.Index(fields=["id"], condition=Q(date_delivered__isnull=True), name="outbound_delivery_pending_idx")
        ]

    def __str__(self):
        return f"event {self.event_id} → {self.sink}"


class Promoter(models.Model):
    """A promoter with its localized privacy-policy links (catalog §1.4 ``Promoter``, §2.1 promoter document)."""

    id = models.CharField(primary_key=True, max_length=24, default=new_object_id, editable=False)
    name = models.CharField(max_length=255)
    privacy_urls = models.JSONField(default=list, blank=True, help_text="[{locale, url, is_default}], one default.")
    date_created = models.DateTimeField(auto_now_add=True)
    date_updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """A campaign contact (catalog §2.1 ``GET /contacts`` → ``{_id, name, keyword[]}``)."""

    id = models.CharField(primary_key=True, max_length=24, default=new_object_id, editable=False)
    name = models.CharField(max_length=255)
    email = models.EmailField(blank=True, default="")
    keyword = models.JSONField(default=list, blank=True, help_text="Search keywords.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
