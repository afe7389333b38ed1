"""Markets: upsert, delete with transfer, clone, presale reminders (catalog §1.5 ``MarketInput``, §2.1, §3.2).

Rules: ``name``, ``campaignId``, ``city``, ``state`` and ``timezone`` (an IANA zone) are required, the
event has at least one id, the name is unique in its campaign (``marketNameExists``). Every change is
recorded as an outbound event (``market.created|updated|deleted``, ``market.presaleTimeChanged``).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.models import Campaign, Market, Promoter
from campaigns.reasons import CampaignsReason
from campaigns.services.campaign_rules import valid_timezone
from campaigns.services.outbox import record_event
from monoql.audit import Actor, model_diff, record
from monoql.dates import iso, parse_input_datetime
from monoql.errors import NotFound, ValidationFailed

REMINDER_WINDOW = (timedelta(hours=2), timedelta(hours=27))
_TEXT = {"name": "name", "city": "city", "state": "state", "timezone": "timezone"}
_EVENT_TEXT = {
    "name": "event_name",
    "ticketer": "event_ticketer",
    "link": "event_link",
    "sharedCode": "event_shared_code",
}


def market_event_document(market: Market) -> dict:
    """Return the market's ``MarketEvent`` object (catalog §1.4): ``{id, ids, name, date, presaleDateTime, ...}``."""
    split = None
    if market.split_allocation_type:
        split = {
            "type": market.split_allocation_type,
            "link": market.split_allocation_link or None,
            "isActive": market.split_allocation_is_active,
        }
    return {
        "id": market.event_ids[0] if market.event_ids else None,
        "ids": list(market.event_ids),
        "name": market.event_name or None,
        "date": iso(market.event_date),
        "presaleDateTime": iso(market.event_presale_date_time),
        "ticketer": market.event_ticketer or None,
        "venue": {"name": market.event_venue_name} if market.event_venue_name else None,
        "link": market.event_link or None,
        "sharedCode": market.event_shared_code or None,
        "splitAllocation": split,
    }


def market_document(market: Market) -> dict:
    """Return the market as the contract's ``Market`` JSON object (for outbound events and ``deleteMarket``)."""
    point = None
    if market.latitude is not None and market.longitude is not None:
        point = {"latitude": market.latitude, "longitude": market.longitude}
    return {
        "id": market.pk,
        "campaignId": market.campaign_id,
        "name": market.name,
        "city": market.city,
        "state": market.state,
        "timezone": market.timezone,
        "population": market.population,
        "point": point,
        "isAddedShow": market.is_added_show,
        "promoterIds": list(market.promoter_ids),
        "event": market_event_document(market),
    }


def fail_market(message, field, reason=CampaignsReason.INVALID_MARKET_SCHEMA):
    """Raise ValidationFailed ``reason`` (default ``INVALID_MARKET_SCHEMA``) naming ``field``."""
    raise ValidationFailed(message, reason=reason, field=field)


def _date(value, field):
    try:
        return parse_input_datetime(value)
    except (TypeError, ValueError):
        fail_market(
            f"{field} must be an ISO-8601 date with its time zone, such as 2026-03-01T17:00:00Z.",
            field,
            CampaignsReason.INVALID_DATE,
        )


def _apply_event(market: Market, event: dict, prefix: str) -> None:
    for key, attr in _EVENT_TEXT.items():
        if key in event:
            setattr(market, attr, (event[key] or "").strip())
    if "date" in event:
        market.event_date = _date(event["date"], f"{prefix}event.date")
    if "presaleDateTime" in event:
        market.event_presale_date_time = _date(event["presaleDateTime"], f"{prefix}event.presaleDateTime")
    if "venue" in event:
        venue = event["venue"] or {}
        if event["venue"] is not None and not (venue.get("name") or "").strip():
            fail_market("event.venue.name is required when a venue is given.", f"{prefix}event.venue.name")
        market.event_venue_name = (venue.get("name") or "").strip()
    ids = list(market.event_ids)
    if "ids" in event:
        ids = [str(i).strip() for i in event["ids"] or [] if str(i or "").strip()]
    if event.get("id"):
        ids = [str(event["id"]).strip()] + [i for i in ids if i != str(event["id"]).strip()]
    if len(set(ids)) != len(ids):
        fail_market("event.ids lists an event twice.", f"{prefix}event.ids")
    market.event_ids = ids
    if "splitAllocation" in event:
        split = event["splitAllocation"]
        market.split_allocation_type = split.get("type") if split else None
        market.split_allocation_link = (split or {}).get("link") or ""
        market.split_allocation_is_active = bool((split or {}).get("isActive"))


def _apply(market: Market, data: dict, prefix: str) -> None:
    for key, attr in _TEXT.items():
        if key in data:
            setattr(market, attr, (data[key] or "").strip())
    if "population" in data:
        if data["population"] is not None and data["population"] < 0:
            fail_market("population cannot be negative.", f"{prefix}population")
        market.population = data["population"]
    if "point" in data:
        point = data["point"] or {}
        lat, lng = point.get("latitude"), point.get("longitude")
        if (lat is None) != (lng is None):
            fail_market("point needs both latitude and longitude.", f"{prefix}point")
        if lat is not None and lng is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
            fail_market("point is out of range (latitude −90…90, longitude −180…180).", f"{prefix}point")
        market.latitude, market.longitude = lat, lng
    if "isAddedShow" in data:
        market.is_added_show = bool(data["isAddedShow"])
    if "promoterIds" in data:
        ids = [i for i in data["promoterIds"] or [] if i]
        known = set(Promoter.objects.filter(pk__in=ids).values_list("pk", flat=True))
        unknown = [i for i in ids if i not in known]
        if unknown:
            fail_market(
                f"Unknown promoter id(s): {', '.join(unknown)}.",
                f"{prefix}promoterIds",
                CampaignsReason.PROMOTER_NOT_FOUND,
            )
        market.promoter_ids = ids
    if data.get("event") is not None:
        _apply_event(market, data["event"], prefix)


def validate_market(market: Market, prefix: str = "") -> None:
    """Check a market before a save (required fields, IANA zone, ≥ 1 event id, unique name). Raises ValidationFailed."""
    for key, attr in _TEXT.items():
        if not getattr(market, attr):
            fail_market(f"A market needs a {key}.", f"{prefix}{key}")
    valid_timezone(market.timezone, field=f"{prefix}timezone")
    if not market.event_ids:
        fail_market("A market needs at least one event id (event.id or event.ids).", f"{prefix}event.ids")
    try:
        market.full_clean(exclude=["campaign", "venue", "id"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        fail_market(f"{name}: {messages[0]}", f"{prefix}{name}")
    if Market.objects.filter(campaign_id=market.campaign_id, name=market.name).exclude(pk=market.pk).exists():
        fail_market(
            f"The campaign already has a market named '{market.name}'.",
            f"{prefix}name",
            CampaignsReason.marketNameExists,
        )


def upsert_market(data: dict, *, actor: Actor) -> Market:
    """Create (no ``id``) or update a market of ``data["campaignId"]`` (``upsertMarket``); one audit-log row
    (``market.create``/``market.update`` with the fields' before and after).

    Args:
        data: plain ``MarketInput`` (absent keys untouched, null clears).
        actor: who asked.
    Returns: the saved Market.
    Raises: as ``save_market_input``.
    """
    with transaction.atomic():
        before = Market.objects.filter(pk=str(data["id"])).first() if data.get("id") else None
        market = save_market_input(data)
        record(
            actor,
            "market.update" if before is not None else "market.create",
            campaign_id=market.campaign_id,
            target=f"market:{market.pk}",
            changes=model_diff(before, market),
        )
    return market


def save_market_input(data: dict, *, field_prefix: str = "") -> Market:
    """Create or update a market from a ``MarketInput``, with its outbound events, writing no audit row: the part
    of ``upsert_market`` that ``upsert_campaign`` runs for each of its markets under its own row.

    Args: ``data``: plain ``MarketInput``; ``field_prefix``: prepended to error fields (``markets[2].``).
    Returns: the saved Market.
    Raises:
        NotFound: unknown campaign (``CAMPAIGN_NOT_FOUND``) or market (``MARKET_NOT_FOUND``).
        ValidationFailed: ``INVALID_MARKET_SCHEMA``, ``INVALID_TIMEZONE``, ``marketNameExists``,
            ``PROMOTER_NOT_FOUND``, ``INVALID_DATE`` — nothing written.
    """
    campaign_id = str(data.get("campaignId") or "")
    try:
        with transaction.atomic():
            if not Campaign.objects.filter(pk=campaign_id).exists():
                raise NotFound(
                    f"No campaign with id '{campaign_id}'.",
                    reason=CampaignsReason.CAMPAIGN_NOT_FOUND,
                    field=f"{field_prefix}campaignId",
                )
            is_new = not data.get("id")
            if is_new:
                market = Market(campaign_id=campaign_id)
                before = None
            else:
                found = Market.objects.select_for_update().filter(pk=str(data["id"]), campaign_id=campaign_id).first()
                if found is None:
                    raise NotFound(
                        f"No market with id '{data['id']}' in campaign '{campaign_id}'.",
                        reason=CampaignsReason.MARKET_NOT_FOUND,
                        field=f"{field_prefix}id",
                    )
                market = found
                before = market.event_presale_date_time
            _apply(market, data, field_prefix)
            validate_market(market, field_prefix)
            market.save()
            document = market_document(market)
            record_event(
                "market.created" if is_new else "market.updated",
                campaign_id=campaign_id,
                market_id=market.pk,
                payload=document,
            )
            if not is_new and before != market.event_presale_date_time:
                record_event(
                    "market.presaleTimeChanged",
                    campaign_id=campaign_id,
                    market_id=market.pk,
                    payload={"from": iso(before), "to": iso(market.event_presale_date_time)},
                )
    except IntegrityError as error:
        if "market_name_unique_per_campaign" in str(error):
            fail_market(
                f"The campaign already has a market named '{data.get('name')}'.",
                f"{field_prefix}name",
                CampaignsReason.marketNameExists,
            )
        raise
    return market


def clone_markets(from_campaign_id: str, to_campaign_id: str, *, actor: Actor) -> list[Market]:
    """Copy every market of one campaign into another, with new ids (catalog §3.2 "Clone"); all or nothing; one
    audit-log row on the target campaign (``market.clone``: the source campaign and the new markets).

    Raises: NotFound for either campaign; ValidationFailed ``marketNameExists`` when the target already
    has a market of the same name.
    """
    with transaction.atomic():
        campaigns = {c.pk: c for c in Campaign.objects.filter(pk__in=[str(from_campaign_id), str(to_campaign_id)])}
        for field, cid in (("fromCampaignId", from_campaign_id), ("toCampaignId", to_campaign_id)):
            if str(cid) not in campaigns:
                raise NotFound(f"No campaign with id '{cid}'.", reason=CampaignsReason.CAMPAIGN_NOT_FOUND, field=field)
        if str(from_campaign_id) == str(to_campaign_id):
            fail_market(
                "A campaign cannot clone its own markets.", "toCampaignId", CampaignsReason.INVALID_MARKET_CLONE
            )
        sources = list(Market.objects.filter(campaign_id=str(from_campaign_id)).order_by("event_date", "name"))
        taken = set(Market.objects.filter(campaign_id=str(to_campaign_id)).values_list("name", flat=True))
        clash = sorted(taken & {m.name for m in sources})
        if clash:
            fail_market(
                f"The target campaign already has markets named {', '.join(clash)}.",
                "toCampaignId",
                CampaignsReason.marketNameExists,
            )
        clones = []
        for source in sources:
            clone = Market(
                **{f.attname: getattr(source, f.attname) for f in Market._meta.concrete_fields if not f.primary_key}
            )
            clone.campaign_id = str(to_campaign_id)
            clone.notification_date = clone.notification_notified = None
            clone.save()
            record_event(
                "market.created", campaign_id=clone.campaign_id, market_id=clone.pk, payload=market_document(clone)
            )
            clones.append(clone)
        record(
            actor,
            "market.clone",
            campaign_id=str(to_campaign_id),
            target=f"campaign:{from_campaign_id}",
            changes={"fromCampaignId": str(from_campaign_id), "markets": [clone.pk for clone in clones]},
        )
    return clones


def record_market_event(market: Market, event_type: str) -> None:
    """Record ``market.created|updated|deleted`` for a market saved outside ``upsert_market`` (the admin)."""
    record_event(event_type, campaign_id=market.campaign_id, market_id=market.pk, payload=market_document(market))


def save_market(market: Market, *, is_new: bool, actor: Actor) -> Market:
    """Save a market edited field by field (the admin), checked by ``validate_market``, with the same outbound
    event and audit-log row as ``upsertMarket`` (``market.created`` or ``market.updated``).

    Raises: ValidationFailed as ``validate_market`` (``INVALID_MARKET_SCHEMA``, ``marketNameExists``…).
    """
    before = None if is_new else Market.objects.filter(pk=market.pk).first()
    with transaction.atomic():
        validate_market(market)
        market.save()
        record_market_event(market, "market.created" if is_new else "market.updated")
        record(
            actor,
            "market.create" if is_new else "market.update",
            campaign_id=market.campaign_id,
            target=f"market:{market.pk}",
            changes=model_diff(before, market),
        )
    return market


def upcoming_markets(now=None):
    """Markets whose presale starts in [now+2 h, now+27 h] in campaigns with ``options.automatedReminders``
    (catalog §2.1 ``GET /markets/upcoming``), soonest first. Returns a queryset."""
    now = now or timezone.now()
    return (
        Market.objects.filter(
            event_presale_date_time__gte=now + REMINDER_WINDOW[0],
            event_presale_date_time__lte=now + REMINDER_WINDOW[1],
        )
        .filter(Q(campaign__options__automatedReminders=True))
        .select_related("campaign")
        .order_by("event_presale_date_time", "pk")
    )


def markets_due_for_reminder(now=None):
    """Markets whose reminder is due and not sent: ``notification_date`` (``POST /markets/notifyDate``) has come,
    or none was set and the presale starts in [now+2 h, now+27 h]; campaigns with ``options.automatedReminders``
    only (catalog §2.1 ``GET /markets/notifiable``). Returns a queryset."""
    now = now or timezone.now()
    window = Q(
        notification_date__isnull=True,
        event_presale_date_time__gte=now + REMINDER_WINDOW[0],
        event_presale_date_time__lte=now + REMINDER_WINDOW[1],
    )
    return (
        Market.objects.filter(window | Q(notification_date__lte=now), notification_notified__isnull=True)
        .filter(Q(campaign__options__automatedReminders=True))
        .select_related("campaign")
    )


def set_notification_date(market_ids, notification_date, *, actor: Actor, now=None) -> int:
    """Set the reminder time of ``market_ids`` (``POST /markets/notifyDate``, catalog §2.1).

    Args: market_ids: list of market ids; notification_date: ISO-8601 with a time zone, between now and each
        market's presale start (``isWithinDateRange``); actor: who asked (one audit-log row).
    Returns: the number of markets updated (markets without a presale date, already notified, or for which the
        date falls outside their range are left alone).
    Raises: ValidationFailed ``MISSING_MARKET_IDS`` (field ``marketIds``), ``INVALID_DATE`` (field
        ``notificationDate``: not a date-time with its time zone, or in the past).
    """
    now = now or timezone.now()
    if not isinstance(market_ids, list) or not market_ids or not all(isinstance(m, str) for m in market_ids):
        raise ValidationFailed(
            "marketIds must list market ids.", reason=CampaignsReason.MISSING_MARKET_IDS, field="marketIds"
        )
    when = _date(notification_date, "notificationDate") if notification_date else None
    if when is None:
        fail_market("notificationDate is required.", "notificationDate", CampaignsReason.INVALID_DATE)
    if when < now:
        raise ValidationFailed(
            "notificationDate is in the past.", reason=CampaignsReason.INVALID_DATE, field="notificationDate"
        )
    with transaction.atomic():
        markets = Market.objects.filter(
            pk__in=market_ids, notification_notified__isnull=True, event_presale_date_time__gte=when
        )
        campaign_ids = sorted(set(markets.values_list("campaign_id", flat=True)))
        updated = markets.update(notification_date=when)
        record(
            actor,
            "market.notifyDate",
            campaign_id=campaign_ids[0] if len(campaign_ids) == 1 else None,
            changes={"notificationDate": iso(when), "markets": sorted(market_ids), "updated": updated},
        )
    return updated


def notify_upcoming_presales(*, actor: Actor, now=None) -> list[str]:
    """Send the presale reminder of every due market exactly once.

    Each due market is stamped ``notification_notified`` by a conditional update (two concurrent runs
    cannot both win) and a ``market.presaleReminder`` outbound event carries the reminder.
    Args: ``actor``: the job sending them (each reminder sent writes one audit-log row, ``market.presaleReminder``).
    Returns: ids of the markets notified by this call.
    """
    now = now or timezone.now()
    notified = []
    for market in markets_due_for_reminder(now):
        with transaction.atomic():
            won = Market.objects.filter(pk=market.pk, notification_notified__isnull=True).update(
                notification_date=now, notification_notified=now
            )
            if won:
                record_event(
                    "market.presaleReminder",
                    campaign_id=market.campaign_id,
                    market_id=market.pk,
                    payload={**market_document(market), "campaignName": market.campaign.name},
                )
                record(actor, "market.presaleReminder", campaign_id=market.campaign_id, target=f"market:{market.pk}")
                notified.append(market.pk)
    return notified
