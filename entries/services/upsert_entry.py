"""Create or update a fan's entry (catalog §3.6.1 upsert flow, §3.6.2 validation)."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns.models import Campaign, CampaignStatus
from entries.models import Entry, EntryMarketPreference
from entries.selectors import INELIGIBLE_MESSAGE, registration_eligibility
from entries.validation import FormContext, market_ranks, validate_entry_fields
from monoql.errors import Forbidden, NotFound, ValidationFailed
from monoql.locales import resolve_locale

USER_METADATA_KEYS = ("ref_code", "ref_url", "ref_tag")


@dataclass(frozen=True)
class RequestMetadata:
    """Where a submission came from (stored as ``entry.origin``); taken from the HTTP request."""

    ip: str | None = None
    user_agent: str | None = None
    forwarded_for: str | None = None
    ip_country: str | None = None
    session_id: str | None = None


def _form_context(campaign) -> FormContext:
    markets = list(campaign.markets.all())
    regions = {market.country for market in markets if market.country} or {"US"}
    return FormContext(
        market_ids={market.pk for market in markets},
        phone_regions=regions,
        allow_intl_phones=bool((campaign.options or {}).get("allowIntlPhones")),
    )


def _write_preferences(entry, ranked_market_ids):
    EntryMarketPreference.objects.filter(entry=entry).delete()
    EntryMarketPreference.objects.bulk_create(
        EntryMarketPreference(entry=entry, campaign_id=entry.campaign_id, market_id=market_id, rank=rank)
        for rank, market_id in enumerate(ranked_market_ids)
    )


def upsert_entry(*, campaign_id: str, fan, submitted: dict, locale: str, metadata: RequestMetadata) -> Entry:
    """Register ``fan`` in the campaign, or update their entry in place (one entry per fan per campaign).

    Args:
        campaign_id: the campaign id.
        fan: the signed-in Fan.
        submitted: ``{fieldId: value}`` of the registration form, plus optional ``ref_code``/``ref_url``/``ref_tag``.
        locale: the fan's locale in any accepted spelling; stored resolved against the campaign's locales.
        metadata: request metadata (ip, user agent, forwarded-for, ...), stored as ``origin``.
    Returns: the saved Entry (``is_new`` attribute True when created).
    Raises:
        NotFound: no such campaign (``CAMPAIGN_NOT_FOUND``).
        Forbidden: campaign not OPEN (``invalidCampaignStatus``) or a gate refuses (its reason).
        ValidationFailed: bad ``entry`` values (field and reason per ``entries.validation``) or ``locale``.
    Safe under concurrent submissions of the same fan: the unique (campaign, fan) constraint decides,
    and the loser updates the winner's row.
    """
    if not isinstance(submitted, dict):
        raise ValidationFailed("entry must be an object of field values.", reason="INVALID_ENTRY", field="entry")
    with transaction.atomic():
        campaign = Campaign.objects.prefetch_related("markets", "locales").filter(pk=str(campaign_id)).first()
        if campaign is None:
            raise NotFound("Campaign not found.", reason="CAMPAIGN_NOT_FOUND", field="campaignId")
        if campaign.status != CampaignStatus.OPEN:
            raise Forbidden("This campaign is not accepting entries.", reason="invalidCampaignStatus")
        locales = [row.locale for row in campaign.locales.all()]
        default_locale = next((row.locale for row in campaign.locales.all() if row.is_default), None)
        resolved_locale = resolve_locale(locale, locales, default_locale)

        entry = Entry.objects.select_for_update().filter(campaign=campaign, fan=fan).first()
        if entry is None:
            verdict = registration_eligibility(campaign, fan, has_entry=False)
            if not verdict.is_eligible:
                raise Forbidden(INELIGIBLE_MESSAGE, reason=verdict.reason)
        fields = validate_entry_fields(campaign.preferences, submitted, _form_context(campaign), is_new=entry is None)
        origin = {
            "ip": metadata.ip,
            "user_agent": metadata.user_agent,
            "forwarded_for": metadata.forwarded_for,
            "ip_country": metadata.ip_country,
            "session_id": metadata.session_id,
            **{key: str(submitted[key]) for key in USER_METADATA_KEYS if submitted.get(key) not in (None, "")},
        }
        origin = {key: value for key, value in origin.items() if value not in (None, "")}
        is_new = False
        if entry is None:
            try:
                with transaction.atomic():
                    entry = Entry.objects.create(
                        campaign=campaign, fan=fan, fields=fields, locale=resolved_locale, origin=origin
                    )
                    is_new = True
            except IntegrityError:
                entry = Entry.objects.select_for_update().get(campaign=campaign, fan=fan)
        if not is_new:
            previous_phone = _phone_of(campaign, entry.fields)
            entry.fields = {**entry.fields, **fields}
            entry.locale = resolved_locale
            entry.origin = {**entry.origin, **origin}
            if (campaign.options or {}).get("promptConfirmPhone") and _phone_of(
                campaign, entry.fields
            ) != previous_phone:
                entry.date_phone_confirmed = None
            entry.date_updated = timezone.now()
            entry.save()
        _write_preferences(entry, market_ranks(campaign.preferences, entry.fields))
        entry.is_new = is_new
        return entry


def _phone_of(campaign, fields):
    phone_field = next((spec["id"] for spec in campaign.preferences if spec.get("type") == "phone"), None)
    return fields.get(phone_field) if phone_field else None
