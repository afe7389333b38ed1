"""Create or update a fan's entry (catalog §3.6.1 upsert flow, §3.6.2 validation)."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists
from django.utils import timezone

from campaigns.models import CampaignStatus
from campaigns.selectors import campaign_with_children
from entries.models import BlacklistEntry, Entry
from entries.selectors import INELIGIBLE_MESSAGE, registration_eligibility
from entries.services.receipts import mark_receipt_due, sweep_after_commit
from entries.validation import (
    FormContext,
    contact_values,
    market_ranks,
    opt_in_field_ids,
    validate_entry_fields,
)
from monoql.errors import DomainError, Forbidden, NotFound, ValidationFailed
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


def _is_blacklisted(email: str, phone: str) -> bool:
    values = [value for value in (email, phone) if value]
    return bool(values) and BlacklistEntry.objects.filter(value__in=values).exists()


def _apply_derived(campaign, entry, fan) -> None:
    """Copy contact values and ranked markets into their columns; clear opt-ins of ``doNotSell`` fans."""
    if fan.do_not_sell:
        for field_id in opt_in_field_ids(campaign.preferences):
            if field_id in entry.fields:
                entry.fields[field_id] = False
    entry.email, entry.phone = contact_values(campaign.preferences, entry.fields)
    entry.set_market_ids(market_ranks(campaign.preferences, entry.fields))


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
    campaign = campaign_with_children(campaign_id)
    if campaign is None:
        raise NotFound("Campaign not found.", reason="CAMPAIGN_NOT_FOUND", field="campaignId")
    if campaign.status != CampaignStatus.OPEN:
        raise Forbidden("This campaign is not accepting entries.", reason="invalidCampaignStatus")
    locales = [row.locale for row in campaign.locales.all()]
    default_locale = next((row.locale for row in campaign.locales.all() if row.is_default), None)
    resolved_locale = resolve_locale(locale, locales, default_locale)
    origin = _origin(metadata, submitted)

    # Most submissions are new registrations: try the insert first (BEGIN, INSERT, COMMIT). When the fan
    # already has an entry, the unique (campaign, fan) constraint refuses it and the update path runs.
    gate = registration_eligibility(campaign, fan, has_entry=False)
    refusal: DomainError | None = None if gate.is_eligible else Forbidden(INELIGIBLE_MESSAGE, reason=gate.reason)
    if refusal is None:
        try:
            fields = validate_entry_fields(campaign.preferences, submitted, _form_context(campaign), is_new=True)
        except ValidationFailed as error:
            refusal = error
        else:
            entry = _new_entry(campaign, fan, fields, resolved_locale, origin)
            try:
                with transaction.atomic():
                    entry.save(force_insert=True)
                    if entry.date_receipt_due:
                        sweep_after_commit()
            except IntegrityError:
                pass
            else:
                entry.__dict__.pop("verdict", None)  # computed in SQL; read again on access
                entry.is_new = True
                return entry
    return _update_entry(campaign, fan, submitted, resolved_locale, origin, refusal)


def _origin(metadata: RequestMetadata, submitted: dict) -> dict:
    origin = {
        "ip": metadata.ip,
        "user_agent": metadata.user_agent,
        "forwarded_for": metadata.forwarded_for,
        "ip_country": metadata.ip_country,
        "session_id": metadata.session_id,
        **{key: str(submitted[key]) for key in USER_METADATA_KEYS if submitted.get(key) not in (None, "")},
    }
    return {key: value for key, value in origin.items() if value not in (None, "")}


def _new_entry(campaign, fan, fields, locale, origin) -> Entry:
    entry = Entry(campaign=campaign, fan=fan, fields=fields, locale=locale, origin=origin)
    _apply_derived(campaign, entry, fan)
    values = [value for value in (entry.email, entry.phone) if value]
    # verdict = not blacklisted, decided inside the INSERT (no extra round trip)
    entry.verdict = ~Exists(BlacklistEntry.objects.filter(value__in=values)) if values else True
    if not (campaign.options or {}).get("promptConfirmPhone"):
        mark_receipt_due(entry)
    return entry


def _update_entry(campaign, fan, submitted, locale, origin, refusal) -> Entry:
    """Update the fan's existing entry (gates are not re-checked); raise ``refusal`` when there is none."""
    needs_confirmation = bool((campaign.options or {}).get("promptConfirmPhone"))
    with transaction.atomic():
        entry = Entry.objects.select_for_update().filter(campaign=campaign, fan=fan).first()
        if entry is None:
            if refusal is not None:
                raise refusal
            raise Forbidden("Your entry could not be saved; try again.", reason="ENTRY_CONFLICT")
        context = _form_context(campaign)
        context.existing = dict(entry.fields)
        fields = validate_entry_fields(campaign.preferences, submitted, context, is_new=False)
        previous_phone, previous_contacts = entry.phone, (entry.email, entry.phone)
        entry.fields = {**entry.fields, **fields}
        entry.locale = locale
        entry.origin = {**entry.origin, **origin}
        _apply_derived(campaign, entry, fan)
        if needs_confirmation and entry.phone != previous_phone:
            entry.date_phone_confirmed = None
            entry.confirmed_phone = None
        contacts_changed = (entry.email, entry.phone) != previous_contacts
        if entry.verdict and contacts_changed and _is_blacklisted(entry.email, entry.phone):
            entry.verdict = False
        entry.date_updated = timezone.now()
        entry.save()
    entry.is_new = False
    return entry
