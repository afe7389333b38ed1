"""``upsertCampaign``: create a campaign or apply a partial update (catalog §1.5 ``CampaignInput``, §2.1, §3.1).

The input is the plain-dict form of ``CampaignInput`` (see ``campaigns.graphql.inputs.to_plain``): a key
that is absent is left as stored, an explicit null clears. Sub-documents follow the contract's
conversions (catalog §1.7): ``localized`` lists become locale-keyed objects, GeoPoints become columns,
``currentLocale`` and ``entry`` are computed by the server and ignored.
"""

import copy

from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns.models import Artist, Campaign, CampaignLocale, CampaignStatus, CampaignStatusChange
from campaigns.reasons import CampaignsReason
from campaigns.services.campaign_rules import (
    ALLOWED_STATUS_CHANGES,
    LocaleRow,
    check_publishable,
    normalize_domain,
    valid_campaign_locale,
    validate_campaign,
)
from campaigns.services.lifecycle import SCORE_AT_CLOSE_TASK, history_source, status_event_payload
from campaigns.services.markets import save_market_input
from campaigns.services.outbox import record_event
from monoql.audit import Actor, model_diff, record
from monoql.core_reasons import CoreReason
from monoql.dates import parse_input_datetime
from monoql.errors import NotFound, ValidationFailed
from monoql.locales import DEFAULT_LOCALE
from monoql.queue import enqueue_on_commit
from monoql.transactions import inside_transaction

_SCALARS = {
    "type": "type",
    "name": "name",
    "categoryId": "category_id",
    "referenceTimezone": "reference_timezone",
    "identifier": "identifier",
    "subType": "sub_type",
}
_REPLACED_JSON = {"trackers": "trackers", "style": "style", "login_types": "login_types", "eventIds": "event_ids"}
_MERGED_JSON = {"image": "image", "faqs": "faqs"}
_DATES = {
    "open": "date_open",
    "close": "date_close",
    "finish": "date_finish",
    "presaleWindowStart": "date_presale_window_start",
    "presaleWindowEnd": "date_presale_window_end",
    "generalOnsale": "date_general_onsale",
    "sendEmailReminders": "date_send_email_reminders",
    "triggeredEmailReminders": "date_triggered_email_reminders",
}
#: What a status change by hand stamps. Closing by hand keeps the scheduled close date (issue 40: it was emptied,
#: losing when the campaign was meant to close); the status refresh's own close nulls it as the catalog says.
_STATUS_DATES: dict[str, dict[str, object]] = {
    CampaignStatus.OPEN: {"date_opened": "now", "date_open": None, "domain_preview": None},
    CampaignStatus.CLOSED: {"date_closed": "now", "domain_preview": None},
    CampaignStatus.INACTIVE: {"date_inactivated": "now", "domain_site": None},
}


def compact(value):
    """Return ``value`` with null members of objects removed, recursively (an explicit null = unset)."""
    if isinstance(value, dict):
        return {key: compact(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [compact(item) for item in value]
    return value


def localized_to_keyed(value: dict | None, *, field: str) -> dict:
    """``{localized: [{locale, value}], en_US: v, ...}`` → ``{en_US: v}``; ``localized`` wins (catalog §1.7).

    Raises: ValidationFailed ``INVALID_LOCALE`` for a locale that is not one.
    """
    keyed = {}
    for key, item in (value or {}).items():
        if key != "localized" and item is not None:
            keyed[valid_campaign_locale(key, field=f"{field}.{key}")] = item
    for index, entry in enumerate((value or {}).get("localized") or []):
        locale = valid_campaign_locale(entry.get("locale") or "", field=f"{field}.localized[{index}].locale")
        keyed[locale] = entry.get("value")
    return keyed


def _preferences(fields: list[dict]) -> list[dict]:
    result = []
    for index, field in enumerate(fields or []):
        field = compact(dict(field))
        if "label" in field:
            field["label"] = localized_to_keyed(field["label"], field=f"preferences[{index}].label")
        additional = field.get("additional")
        if isinstance(additional, dict) and isinstance(additional.get("defaultLabel"), dict):
            additional["defaultLabel"] = localized_to_keyed(
                additional["defaultLabel"], field=f"preferences[{index}].additional.defaultLabel"
            )
        result.append(field)
    return result


def _date(value, field: str):
    try:
        return parse_input_datetime(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            f"{field} must be an ISO-8601 date with its time zone, such as 2026-03-01T17:00:00Z.",
            reason=CampaignsReason.INVALID_DATE,
            field=field,
        ) from None


def _artist(data: dict) -> Artist:
    artist = None
    if data.get("id"):
        artist = Artist.objects.filter(pk=data["id"]).first() or Artist.objects.filter(discovery_id=data["id"]).first()
    if artist is None and data.get("discovery_id"):
        artist = Artist.objects.filter(discovery_id=data["discovery_id"]).first()
    if artist is None:
        if not (data.get("name") or "").strip():
            raise ValidationFailed(
                "Unknown artist: give the name of a new artist or the id of a known one.",
                reason=CampaignsReason.INVALID_CAMPAIGN_SCHEMA,
                field="artist.name",
            )
        artist = Artist(discovery_id=data.get("discovery_id") or None)
    for key, attr in (("name", "name"), ("image_url", "image_url"), ("fanclubName", "fanclub_name")):
        if data.get(key) is not None:
            setattr(artist, attr, data[key])
    if data.get("needs_id") is not None:
        artist.needs_id = data["needs_id"]
    artist.full_clean(exclude=["discovery_id"])
    artist.save()
    return artist


def _apply(campaign: Campaign, data: dict) -> None:
    """Apply the scalar and JSON members of ``data`` to ``campaign`` (no save)."""
    for key, attr in _SCALARS.items():
        if key in data:
            value = data[key]
            if attr in ("category_id", "sub_type"):
                setattr(campaign, attr, value or None)
            else:
                setattr(campaign, attr, value if value is not None else "")
    if "tour" in data:
        campaign.tour_name = ((data["tour"] or {}).get("name") or "").strip()
    if data.get("schema") is not None:
        campaign.schema_version = str(data["schema"].get("version") or "1")
    for key, attr in _REPLACED_JSON.items():
        if key in data:
            setattr(campaign, attr, compact(data[key]) if data[key] is not None else type(getattr(campaign, attr))())
    for key, attr in _MERGED_JSON.items():
        if key in data:
            merged = dict(getattr(campaign, attr)) if data[key] is not None else {}
            for part, value in (data[key] or {}).items():
                if value is None:
                    merged.pop(part, None)
                else:
                    merged[part] = compact(value)
            setattr(campaign, attr, merged)
    if "options" in data:
        options = dict(campaign.options) if data["options"] is not None else {}
        for key, value in (data["options"] or {}).items():
            if value is None:
                options.pop(key, None)
            else:
                options[key] = compact(value)
        campaign.options = options
    if "scoring" in data:
        options = dict(campaign.options)
        options.pop("scoring", None)
        if data["scoring"]:
            options["scoring"] = data["scoring"]
        campaign.options = options
    if "slack" in data:
        slack = compact(data["slack"] or {})
        stats = (slack.get("channels") or {}).get("stats")
        if stats is not None:
            slack["channels"]["stats"] = [f"#{name.strip().lstrip('#')}" for name in stats if name and name.strip()]
        campaign.slack = slack
    if "preferences" in data:
        campaign.preferences = _preferences(data["preferences"])
    if "domain" in data:
        domain = data["domain"] or {"site": None, "share": None, "preview": None}
        for key in ("site", "share", "preview"):
            if key in domain:
                setattr(campaign, f"domain_{key}", normalize_domain(domain[key], field=f"domain.{key}"))
    if "date" in data:
        dates = data["date"] or {}
        for key, attr in _DATES.items():
            if key in dates:
                setattr(campaign, attr, _date(dates[key], f"date.{key}"))
        if "sendReminderEmails" in dates:
            campaign.send_reminder_emails = [email for email in dates["sendReminderEmails"] or [] if email]


def _locales(campaign: Campaign, data: dict, *, is_new: bool) -> list[LocaleRow]:
    """Return the locales the campaign will have, with their content, after applying ``data``."""
    rows = (
        {}
        if is_new
        else {row.locale: LocaleRow(row.locale, row.is_default, row.content) for row in campaign.locales.all()}
    )
    if data.get("locales") is not None:
        wanted = {}
        for index, item in enumerate(data["locales"]):
            locale = valid_campaign_locale(item.get("id") or "", field=f"locales[{index}].id")
            if locale in wanted:
                raise ValidationFailed(
                    f"The locale {locale} is listed twice.", reason=CampaignsReason.INVALID_CAMPAIGN, field="locales"
                )
            previous = rows.get(locale)
            wanted[locale] = LocaleRow(locale, bool(item.get("is_default")), previous.content if previous else {})
        rows = wanted
    elif is_new and campaign.type == "registration":
        rows = {DEFAULT_LOCALE: LocaleRow(DEFAULT_LOCALE, True, {})}
    if data.get("content") is not None:
        for locale, content in localized_to_keyed(data["content"], field="content").items():
            if locale not in rows:
                raise ValidationFailed(
                    f"Content for {locale}, which is not one of the campaign's locales ({', '.join(rows) or 'none'}).",
                    reason=CoreReason.INVALID_LOCALE,
                    field=f"content.localized[{locale}]",
                )
            rows[locale].content = compact(content or {})
    return list(rows.values())


def _status_change(campaign: Campaign, wanted: str, *, is_new: bool, now) -> str | None:
    """Validate a manual status change; apply its date bookkeeping. Returns the previous status or None."""
    if wanted not in CampaignStatus.values:
        raise ValidationFailed(
            f"'{wanted}' is not a campaign status ({', '.join(CampaignStatus.values)}).",
            reason=CampaignsReason.INVALID_CAMPAIGN_STATUS_CHANGE,
            field="status",
        )
    if wanted == campaign.status:
        return None
    if is_new:
        if wanted not in (CampaignStatus.DRAFT, CampaignStatus.PREVIEW):
            raise ValidationFailed(
                "A new campaign starts as DRAFT or PREVIEW.",
                reason=CampaignsReason.INVALID_CAMPAIGN_STATUS_CHANGE,
                field="status",
            )
        campaign.status = wanted
        return None
    if wanted not in ALLOWED_STATUS_CHANGES[CampaignStatus(campaign.status)]:
        raise ValidationFailed(
            f"A {campaign.status} campaign cannot become {wanted}.",
            reason=CampaignsReason.INVALID_CAMPAIGN_STATUS_CHANGE,
            field="status",
        )
    previous = campaign.status
    campaign.status = wanted
    for attr, value in _STATUS_DATES.get(wanted, {}).items():
        setattr(campaign, attr, now if value == "now" else value)
    return previous


def _save_locales(campaign: Campaign, locales: list[LocaleRow]) -> None:
    keep = [row.locale for row in locales]
    CampaignLocale.objects.filter(campaign=campaign).exclude(locale__in=keep).delete()
    # Clear the default first so the one-default constraint holds while rows change.
    CampaignLocale.objects.filter(campaign=campaign, is_default=True).update(is_default=False)
    for row in sorted(locales, key=lambda r: r.is_default):
        CampaignLocale.objects.update_or_create(
            campaign=campaign, locale=row.locale, defaults={"is_default": row.is_default, "content": row.content}
        )


@inside_transaction
def record_campaign_change(campaign: Campaign, *, is_new: bool, previous_status, fields, source: str, now=None):
    """Record what a saved change did: outbound ``campaign.created|updated`` and, when the status changed,
    a status-history row and ``campaign.statusChanged`` (and, closing it, the bot score's job). Runs inside the
    saving transaction (GraphQL, admin; TransactionRequired outside one)."""
    now = now or timezone.now()
    record_event(
        "campaign.created" if is_new else "campaign.updated",
        campaign_id=campaign.pk,
        payload={"name": campaign.name, "status": campaign.status, "fields": list(fields)},
    )
    if previous_status is not None and previous_status != campaign.status:
        CampaignStatusChange.objects.create(
            campaign=campaign, from_status=previous_status, to_status=campaign.status, date=now, source=source
        )
        record_event(
            "campaign.statusChanged", campaign_id=campaign.pk, payload=status_event_payload(campaign, previous_status)
        )
        if campaign.status == CampaignStatus.CLOSED:
            enqueue_on_commit(SCORE_AT_CLOSE_TASK, campaign.pk)


def apply_status_change(campaign: Campaign, wanted: str, *, is_new: bool, now=None) -> str | None:
    """Validate a manual status change (``ALLOWED_STATUS_CHANGES``) and apply its date bookkeeping.

    Returns: the previous status, or None when nothing changed or the campaign is new.
    Raises: ValidationFailed ``INVALID_CAMPAIGN_STATUS_CHANGE`` (field ``status``).
    """
    return _status_change(campaign, wanted, is_new=is_new, now=now or timezone.now())


def upsert_campaign(data: dict, *, actor: Actor) -> Campaign:
    """Create (no ``id``) or partially update (``id``) a campaign, with its locales, content and markets.

    Args:
        data: plain ``CampaignInput`` (absent keys untouched, nulls clear).
        actor: who asked: one audit-log row (``campaign.create``/``campaign.update``, the fields' before and after,
            the markets saved with it) and the status history's source.
    Returns: the saved Campaign.
    Raises:
        NotFound: ``id`` names no campaign (``CAMPAIGN_NOT_FOUND``, field ``id``).
        ValidationFailed: any rule of ``campaign_rules.validate_campaign``, a bad date, locale, domain or
            status change (``INVALID_CAMPAIGN_STATUS_CHANGE``), or ``CAMPAIGN_NOT_PUBLISHABLE`` when it would
            open a campaign without a domain, close date, market, default-locale content or contact field
            (``campaign_rules.check_publishable``); nothing is written.
    """
    now = timezone.now()
    try:
        with transaction.atomic():
            is_new = not data.get("id")
            if is_new:
                campaign, previous = Campaign(), None
            else:
                found = Campaign.objects.select_for_update().filter(pk=str(data["id"])).first()
                if found is None:
                    raise NotFound(
                        f"No campaign with id '{data['id']}'.", reason=CampaignsReason.CAMPAIGN_NOT_FOUND, field="id"
                    )
                campaign, previous = found, copy.copy(found)
            _apply(campaign, data)
            if "artist" in data:
                campaign.artist = _artist(data["artist"]) if data["artist"] else None
            previous_status = (
                _status_change(campaign, data["status"], is_new=is_new, now=now) if data.get("status") else None
            )
            locales = _locales(campaign, data, is_new=is_new)
            validate_campaign(campaign, locales, previous=previous)
            campaign.save()
            if is_new or data.get("locales") is not None or data.get("content") is not None:
                _save_locales(campaign, locales)
            markets = [
                save_market_input({**market, "campaignId": campaign.pk}, field_prefix=f"markets[{index}].").pk
                for index, market in enumerate(data.get("markets") or [])
            ]
            if _opens(campaign, is_new=is_new, previous_status=previous_status):
                check_publishable(campaign)
            changed = sorted(key for key in data if key not in ("id", "currentLocale", "entry"))
            record_campaign_change(
                campaign,
                is_new=is_new,
                previous_status=previous_status,
                fields=changed,
                source=history_source(actor),
                now=now,
            )
            changes = model_diff(previous, campaign)
            if data.get("locales") is not None or data.get("content") is not None:
                changes["locales"] = sorted(row.locale for row in locales)
            if markets:
                changes["markets"] = markets
            record(
                actor,
                "campaign.create" if is_new else "campaign.update",
                campaign_id=campaign.pk,
                target=f"campaign:{campaign.pk}",
                changes=changes,
            )
            record_weight_changes(actor, previous, campaign)
    except IntegrityError as error:
        _raise_domain_conflict(error)
    return campaign


def _opens(campaign: Campaign, *, is_new: bool, previous_status) -> bool:
    """True when this save makes the campaign OPEN (created OPEN, or moved to OPEN by hand)."""
    if campaign.status != CampaignStatus.OPEN:
        return False
    return is_new or (previous_status is not None and previous_status != CampaignStatus.OPEN)


def _raise_domain_conflict(error: IntegrityError):
    if "campaign_domain_site_unique_active" in str(error):
        raise ValidationFailed(
            "The domain is already used by another active campaign.",
            reason=CampaignsReason.DOMAIN_NAME_CONFLICT,
            field="domain.site",
        ) from None
    raise error


def save_campaign(campaign: Campaign, *, is_new: bool, previous_status, fields, actor: Actor) -> Campaign:
    """Save a campaign edited field by field (the admin's form), with the same history and events as
    ``upsert_campaign``: outbound ``campaign.created|updated``, and a status-history row plus
    ``campaign.statusChanged`` when the status changed.

    The caller has already applied the rules to ``campaign`` (``validate_campaign_fields``,
    ``apply_status_change``), as the admin form does in its ``clean``.
    Args: ``previous_status``: the status before a manual change, or None; ``fields``: names changed;
        ``actor``: who asked (the admin user): one audit-log row with the fields' before and after.
    Raises: ValidationFailed ``DOMAIN_NAME_CONFLICT`` (field ``domain.site``), ``CAMPAIGN_NOT_PUBLISHABLE``
        when the save opens a campaign that misses what it needs (``check_publishable``); nothing is written.
    """
    before = None if is_new else Campaign.objects.filter(pk=campaign.pk).first()
    try:
        with transaction.atomic():
            campaign.save()
            if _opens(campaign, is_new=is_new, previous_status=previous_status):
                check_publishable(campaign)
            record_campaign_change(
                campaign,
                is_new=is_new,
                previous_status=previous_status,
                fields=sorted(fields),
                source=history_source(actor),
            )
            record(
                actor,
                "campaign.create" if is_new else "campaign.update",
                campaign_id=campaign.pk,
                target=f"campaign:{campaign.pk}",
                changes=model_diff(before, campaign),
            )
            record_weight_changes(actor, before, campaign)
    except IntegrityError as error:
        _raise_domain_conflict(error)
    return campaign


def record_weight_changes(actor: Actor, before: Campaign | None, after: Campaign) -> None:
    """One audit-log row ``campaign.botScoreWeights`` with the bot score weights a save changed
    (``options.botScore.weights``: ``{name: [before, after]}``, None = the default), so that a weight raised during
    a launch reads as such in the campaign's history (issue 41); none when no weight changed."""
    weights = _weight_changes(before, after)
    if weights:
        record(actor, "campaign.botScoreWeights", campaign_id=after.pk, target=f"campaign:{after.pk}", changes=weights)


def _weight_changes(before: Campaign | None, after: Campaign) -> dict:

    def weights(campaign) -> dict:
        return dict(((getattr(campaign, "options", None) or {}).get("botScore") or {}).get("weights") or {})

    old, new = weights(before), weights(after)
    return {
        name: [old.get(name), new.get(name)] for name in sorted(set(old) | set(new)) if old.get(name) != new.get(name)
    }


def save_campaign_locale(locale: CampaignLocale, *, actor: Actor) -> CampaignLocale:
    """Save one locale's page copy of a campaign (already checked with the others by ``validate_locales``); one
    audit-log row (``campaign.locale``, the texts changed)."""
    before = CampaignLocale.objects.filter(pk=locale.pk).first() if locale.pk else None
    with transaction.atomic():
        if locale.is_default:
            CampaignLocale.objects.filter(campaign_id=locale.campaign_id, is_default=True).exclude(pk=locale.pk).update(
                is_default=False
            )
        locale.save()
        record(
            actor,
            "campaign.locale",
            campaign_id=locale.campaign_id,
            target=f"locale:{locale.locale}",
            changes=model_diff(before, locale),
        )
    return locale


def delete_campaign_locale(locale: CampaignLocale, *, actor: Actor) -> None:
    """Remove one locale of a campaign (the admin checks that one default remains, ``validate_locales``); one
    audit-log row (``campaign.locale.delete``).

    Raises: ValidationFailed ``INVALID_LOCALE`` (field ``locales``) for the campaign's last locale.
    """
    with transaction.atomic():
        if not CampaignLocale.objects.filter(campaign_id=locale.campaign_id).exclude(pk=locale.pk).exists():
            raise ValidationFailed(
                "A campaign keeps at least one locale.",
                reason=CoreReason.INVALID_LOCALE,
                field="locales",
            )
        record(actor, "campaign.locale.delete", campaign_id=locale.campaign_id, target=f"locale:{locale.locale}")
        locale.delete()
