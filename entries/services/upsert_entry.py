"""Create or update a fan's entry (catalog §3.6.1 upsert flow, §3.6.2 validation)."""

import json
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists
from django.utils import timezone

from campaigns.models import CampaignStatus
from campaigns.reasons import CampaignsReason
from campaigns.selectors import campaign_with_children
from entries.models import MARKET_RANK_FIELDS, BlacklistEntry, Entry
from entries.reasons import EntriesReason
from entries.selectors import INELIGIBLE_MESSAGE, registration_eligibility
from entries.services.receipts import mark_receipt_due, sweep_after_commit
from entries.validation import (
    FormContext,
    contact_values,
    market_ranks,
    opt_in_field_ids,
    validate_entry_fields,
)
from monoql import prepared
from monoql.errors import DomainError, Forbidden, NotFound, ValidationFailed
from monoql.locales import resolve_locale
from monoql.reasons import named

#: What a fan site may send beside the form, kept in ``origin``: referral keys, and ``form_ms`` (milliseconds from the
#: form's first paint to its submit, which the bot score reads; sites that send none score neutral).
USER_METADATA_KEYS = ("ref_code", "ref_url", "ref_tag", "form_ms")

_TABLE = Entry._meta.db_table
_COLUMNS = [field for field in Entry._meta.concrete_fields]
_INSERT_FIELDS = [field for field in _COLUMNS if not field.primary_key]
_BLACKLISTED = f"EXISTS (SELECT 1 FROM {BlacklistEntry._meta.db_table} WHERE value = ANY(%s::text[]))"  # noqa: S608 - table and column names from the model; values are parameters
_NOT_BLACKLISTED = f"NOT {_BLACKLISTED}"
#: The entry's answers as the statement stores them: cleared of opt-ins when the fan's ``doNotSell`` is set, read
#: ``FOR SHARE`` so that a concurrent ``set_do_not_sell`` (which updates the fan row, then clears the opt-ins of the
#: entries it sees) either commits first — the statement waits and reads the flag set — or waits for this statement
#: and then sees its entry (issue 36: 3 of 160 racing fans kept an opt-in). Params: fan id, cleared, as submitted.
_FIELDS_SQL = (
    "CASE WHEN (SELECT do_not_sell FROM accounts_fan WHERE id = %s FOR SHARE) THEN %s::jsonb ELSE %s::jsonb END"
)
#: One statement registers a new entry, its verdict (not blacklisted) decided inside it. When the fan already
#: has an entry in the campaign (the unique (campaign, fan) constraint), the no-op DO UPDATE inserts nothing
#: and returns the stored row instead, so the update path needs no read of its own. The first column says
#: which happened (``xmax = 0``: inserted); an inserted row sends back only its id and verdict, a stored
#: one its whole row as one JSON value (every extra result column costs the client a loader: ~0.2 ms a
#: registration for the whole row as columns). Prepared, in autocommit: no BEGIN/COMMIT around it.
_INSERT_SQL = (
    f"INSERT INTO {_TABLE} ({', '.join(connection.ops.quote_name(str(field.column)) for field in _INSERT_FIELDS)}) "  # noqa: S608 - table and column names from the model; values are parameters
    "VALUES ("
    + ", ".join(
        _NOT_BLACKLISTED if field.name == "verdict" else _FIELDS_SQL if field.name == "fields" else "%s"
        for field in _INSERT_FIELDS
    )
    + f") ON CONFLICT (campaign_id, fan_id) DO UPDATE SET date_updated = {_TABLE}.date_updated "
    # an inserted row: NULL, or its answers when the doNotSell flag cleared opt-ins the fan ticked (last param)
    f"RETURNING (xmax = 0), id, verdict, CASE WHEN xmax = 0 THEN CASE WHEN {_TABLE}.fields <> %s::jsonb"
    f" THEN jsonb_build_object('fields', {_TABLE}.fields) END ELSE to_jsonb({_TABLE}.*) END"
)
#: What an update writes; one statement, conditioned on the row being the one read (``date_updated``), so a
#: concurrent update of the same entry is never lost: the loser reads again and re-applies.
_UPDATED_FIELDS = [
    "fields",
    "locale",
    "origin",
    "email",
    "phone",
    *MARKET_RANK_FIELDS,
    "confirmed_phone",
    "date_phone_confirmed",
    "date_updated",
]
_UPDATE_COLUMNS = [next(field for field in _COLUMNS if field.name == name) for name in _UPDATED_FIELDS]
_UPDATE_SQL = (
    f"UPDATE {_TABLE} SET "  # noqa: S608 - table and column names from the model; values are parameters
    + ", ".join(
        f"{connection.ops.quote_name(str(field.column))} = {_FIELDS_SQL if field.name == 'fields' else '%s'}"
        for field in _UPDATE_COLUMNS
    )
    + f", verdict = verdict AND NOT (%s AND {_BLACKLISTED}) WHERE id = %s AND date_updated = %s"
    + f" RETURNING verdict, {_TABLE}.fields"
)


@dataclass(frozen=True)
class RequestMetadata:
    """Where a submission came from (stored as ``entry.origin``); taken from the HTTP request."""

    ip: str | None = None
    user_agent: str | None = None
    forwarded_for: str | None = None
    ip_country: str | None = None
    session_id: str | None = None


#: Countries whose phone numbers count as domestic to each other: a campaign with a market in either accepts both
#: without ``allowIntlPhones`` (decisions.md "Phones"); every other country, other +1 countries included, needs it.
NORTH_AMERICA = {"US", "CA"}


def _form_context(campaign) -> FormContext:
    markets = list(campaign.markets.all())
    regions = {market.country for market in markets if market.country} or {"US"}
    if regions & NORTH_AMERICA:
        regions |= NORTH_AMERICA  # US and CA numbers are domestic to each other (issue 39: +1 514 on a US campaign)
    return FormContext(
        market_ids={market.pk for market in markets},
        phone_regions=regions,
        allow_intl_phones=bool((campaign.options or {}).get("allowIntlPhones")),
    )


def _is_blacklisted(email: str, phone: str) -> bool:
    values = [value for value in (email, phone) if value]
    return bool(values) and BlacklistEntry.objects.filter(value__in=values).exists()


def _apply_derived(campaign, entry, fan) -> None:
    """Copy contact values and ranked markets into their columns; clear opt-ins of ``doNotSell`` fans (as this
    ``fan`` says; on PostgreSQL the statement decides again from the fan row, ``_FIELDS_SQL``)."""
    if fan.do_not_sell:
        entry.fields = _without_opt_ins(campaign, entry.fields)
    entry.email, entry.phone = contact_values(campaign.preferences, entry.fields)
    entry.set_market_ids(market_ranks(campaign.preferences, entry.fields))


def _without_opt_ins(campaign, fields: dict) -> dict:
    """``fields`` with every opt-in answer the fan gave set to False (a new dict)."""
    cleared = dict(fields)
    for field_id in opt_in_field_ids(campaign.preferences):
        if field_id in cleared:
            cleared[field_id] = False
    return cleared


def _fields_params(campaign, entry: Entry) -> list:
    """The params of ``_FIELDS_SQL``: the fan's id, the answers cleared of opt-ins, the answers."""
    field = Entry._meta.get_field("fields")
    cleared = _without_opt_ins(campaign, entry.fields)
    return [entry.fan_id, field.get_db_prep_save(cleared, connection), field.get_db_prep_save(entry.fields, connection)]


def _market_gone(error: IntegrityError) -> bool:
    """Whether ``error`` is a ranked market's foreign key: the market was deleted while the entry was written."""
    name = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) or ""
    return name.startswith("entries_entry_market_") and "_fk_" in name


def upsert_entry(*, campaign_id: str, fan, submitted: dict, locale: str, metadata: RequestMetadata) -> Entry:
    """Register ``fan`` in the campaign, or update their entry in place (one entry per fan per campaign).

    Args:
        campaign_id: the campaign id.
        fan: the signed-in Fan.
        submitted: ``{fieldId: value}`` of the registration form, plus optional ``ref_code``/``ref_url``/``ref_tag``
            and ``form_ms`` (whole milliseconds the form took to fill in).
        locale: the fan's locale in any accepted spelling; stored resolved against the campaign's locales.
        metadata: request metadata (ip, user agent, forwarded-for, ...), stored as ``origin``.
    Returns: the saved Entry (``is_new`` attribute True when created).
    Raises:
        NotFound: no such campaign (``CAMPAIGN_NOT_FOUND``).
        Forbidden: campaign not OPEN (``invalidCampaignStatus``) or a gate refuses (its reason).
        ValidationFailed: bad ``entry`` values (field and reason per ``entries.validation``) or ``locale``.
        ValidationFailed ``UNKNOWN_MARKET`` (field ``market``): a chosen market was deleted while the entry was
            written (``deleteMarket`` racing the registration; issue 36), never an internal error.
    Safe under concurrent submissions of the same fan: the unique (campaign, fan) constraint decides,
    and the loser updates the winner's row.
    """
    try:
        return _upsert_entry(campaign_id=campaign_id, fan=fan, submitted=submitted, locale=locale, metadata=metadata)
    except IntegrityError as error:
        if not _market_gone(error):
            raise
        raise ValidationFailed(
            "A market you chose was just removed from this campaign; choose again.",
            reason=EntriesReason.UNKNOWN_MARKET,
            field="market",
        ) from error


def _upsert_entry(*, campaign_id: str, fan, submitted: dict, locale: str, metadata: RequestMetadata) -> Entry:
    """The registration itself (``upsert_entry`` says what it does and raises)."""
    if not isinstance(submitted, dict):
        raise ValidationFailed(
            "entry must be an object of field values.", reason=EntriesReason.INVALID_ENTRY, field="entry"
        )
    campaign = campaign_with_children(campaign_id)
    if campaign is None:
        raise NotFound("Campaign not found.", reason=CampaignsReason.CAMPAIGN_NOT_FOUND, field="campaignId")
    if campaign.status != CampaignStatus.OPEN:
        raise Forbidden("This campaign is not accepting entries.", reason=EntriesReason.invalidCampaignStatus)
    locales = [row.locale for row in campaign.locales.all()]
    default_locale = next((row.locale for row in campaign.locales.all() if row.is_default), None)
    resolved_locale = resolve_locale(locale, locales, default_locale)
    origin = _origin(metadata, submitted)

    # Most submissions are new registrations: one statement inserts the entry, or hands back the fan's stored
    # entry (the unique (campaign, fan) constraint decides), which the update path then updates.
    gate = registration_eligibility(campaign, fan, has_entry=False)
    refusal: DomainError | None = (
        None if gate.is_eligible else Forbidden(INELIGIBLE_MESSAGE, reason=named(gate.reason or ""))
    )
    existing = None
    if refusal is None:
        try:
            fields = validate_entry_fields(campaign.preferences, submitted, _form_context(campaign), is_new=True)
        except ValidationFailed as error:
            refusal = error
        else:
            entry = _new_entry(campaign, fan, fields, resolved_locale, origin)
            existing = _insert(entry)
            if existing is None:
                if entry.date_receipt_due:
                    sweep_after_commit()
                entry.is_new = True
                return entry
    if existing is None:
        existing = Entry.objects.filter(campaign=campaign, fan=fan).first()
        if existing is None:
            raise refusal or Forbidden("Your entry could not be saved; try again.", reason=EntriesReason.ENTRY_CONFLICT)
    return _update_entry(campaign, fan, submitted, resolved_locale, origin, existing)


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


def _insert(entry: Entry) -> Entry | None:
    """Insert a new entry and return None; when the fan already has one in the campaign, write nothing and
    return the stored entry."""
    contacts = [value for value in (entry.email, entry.phone) if value]
    if not prepared.is_available():
        # verdict = not blacklisted, decided inside the INSERT (no extra round trip)
        entry.verdict = ~Exists(BlacklistEntry.objects.filter(value__in=contacts)) if contacts else True
        try:
            with transaction.atomic():
                entry.save(force_insert=True)
        except IntegrityError:
            return Entry.objects.filter(campaign_id=entry.campaign_id, fan_id=entry.fan_id).first()
        entry.__dict__.pop("verdict", None)  # computed in SQL; read again on access
        return None
    params: list = []
    for field in _INSERT_FIELDS:
        if field.name == "verdict":
            params.append(contacts)
        elif field.name == "fields":
            params += _fields_params(entry.campaign, entry)
        else:
            params.append(field.get_db_prep_save(field.pre_save(entry, True), connection))
    params.append(Entry._meta.get_field("fields").get_db_prep_save(entry.fields, connection))
    inserted, pk, verdict, stored = prepared.execute_prepared(_INSERT_SQL, params)[0]
    if inserted:
        entry.pk, entry.verdict = pk, verdict
        entry._state.adding, entry._state.db = False, "default"
        if stored is not None:  # the fan's doNotSell, set meanwhile, cleared their opt-ins
            entry.fields = (json.loads(stored) if isinstance(stored, (str, bytes)) else stored)["fields"]
        return None
    if isinstance(stored, (str, bytes)):
        stored = json.loads(stored)
    values = [field.to_python(stored[field.column]) for field in _COLUMNS]
    return Entry.from_db("default", [field.attname for field in _COLUMNS], values)


def _new_entry(campaign, fan, fields, locale, origin) -> Entry:
    entry = Entry(campaign=campaign, fan=fan, fields=fields, locale=locale, origin=origin)
    _apply_derived(campaign, entry, fan)
    if not (campaign.options or {}).get("promptConfirmPhone"):
        mark_receipt_due(entry)
    return entry


def _update_entry(campaign, fan, submitted, locale, origin, entry: Entry) -> Entry:
    """Update the fan's stored ``entry`` (gates are not re-checked) with one statement conditioned on the entry
    being as read. When a concurrent update got there first, lock the entry (``SELECT … FOR UPDATE``) and
    apply the submission on top of what it wrote: no update is ever lost.

    Raises: ValidationFailed (bad values), Forbidden ``ENTRY_CONFLICT`` (the entry was deleted meanwhile).
    """
    if _apply_update(campaign, fan, submitted, locale, origin, entry):
        return entry
    with transaction.atomic():
        locked = Entry.objects.select_for_update().filter(pk=entry.pk).first()
        if locked is None or not _apply_update(campaign, fan, submitted, locale, origin, locked):
            raise Forbidden("Your entry could not be saved; try again.", reason=EntriesReason.ENTRY_CONFLICT)
    return locked


def _apply_update(campaign, fan, submitted, locale, origin, entry: Entry) -> bool:
    """Validate the submission against ``entry`` as read, merge it in and write it; False when the stored
    entry changed since it was read (nothing written)."""
    context = _form_context(campaign)
    context.existing = dict(entry.fields)
    fields = validate_entry_fields(campaign.preferences, submitted, context, is_new=False)
    read_at, previous_phone, previous_contacts = entry.date_updated, entry.phone, (entry.email, entry.phone)
    entry.fields = {**entry.fields, **fields}
    entry.locale = locale
    entry.origin = {**entry.origin, **origin}
    _apply_derived(campaign, entry, fan)
    if bool((campaign.options or {}).get("promptConfirmPhone")) and entry.phone != previous_phone:
        entry.date_phone_confirmed = None
        entry.confirmed_phone = None
    contacts_changed = (entry.email, entry.phone) != previous_contacts
    entry.date_updated = timezone.now()
    entry.is_new = False
    return _write_update(campaign, entry, read_at, contacts_changed)


def _write_update(campaign, entry: Entry, read_at, contacts_changed: bool) -> bool:
    """Write ``entry``'s updated columns if it is still as read at ``read_at``; False when it changed since.
    A verdict only ever turns False here: when the contacts changed to a blacklisted value."""
    contacts = [value for value in (entry.email, entry.phone) if value]
    if not prepared.is_available():
        if entry.verdict and contacts_changed and _is_blacklisted(entry.email, entry.phone):
            entry.verdict = False
        changes = {field.attname: getattr(entry, field.attname) for field in _UPDATE_COLUMNS}
        return bool(Entry.objects.filter(pk=entry.pk, date_updated=read_at).update(verdict=entry.verdict, **changes))
    params: list = []
    for field in _UPDATE_COLUMNS:
        if field.name == "fields":
            params += _fields_params(campaign, entry)
        else:
            params.append(field.get_db_prep_save(getattr(entry, field.attname), connection))
    rows = prepared.execute_prepared(_UPDATE_SQL, [*params, contacts_changed, contacts, entry.pk, read_at])
    if not rows:
        return False
    entry.verdict, stored = rows[0]
    entry.fields = json.loads(stored) if isinstance(stored, (str, bytes)) else stored
    return True
