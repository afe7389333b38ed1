"""Registration form validation (catalog §3.6.2 ``validatePreferences``; decisions.md #11).

The campaign's ``preferences`` (form fields ``{id, type, is_optional, additional}``) drive validation of
the submitted ``{fieldId: value}`` map. Errors are ``ValidationFailed`` naming the field and the catalog
reason (``EntryInvalidField``, ``EntryEmptyField``, ``EntryInvalidDestinationCity``, ...).
"""

from dataclasses import dataclass, field

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from campaigns.reasons import CampaignsReason
from entries.reasons import EntriesReason
from monoql.errors import ValidationFailed

CONTACT_TYPES = ("email", "phone")
MAX_ADDITIONAL_MARKETS = 3
# Request metadata a fan site may send inside ``entry`` (catalog §3.6.1 "metadata params").
METADATA_KEYS = (
    "ref_code",
    "form_ms",
    "ref_url",
    "ref_tag",
    "ip",
    "ip_country",
    "forwarded_for",
    "user_agent",
    "session_id",
    "locale",
)
_TRUE = (True, "true", 1, "1")
_FALSE = (False, "false", 0, "0")


@dataclass
class FormContext:
    """What validators need to know about the campaign."""

    market_ids: set
    phone_regions: set
    allow_intl_phones: bool
    primary_market_field: str | None = None
    validated: dict = field(default_factory=dict)
    existing: dict = field(default_factory=dict)


def is_present(value) -> bool:
    """A value counts as present when defined and not empty (catalog §3.6.2)."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, dict)):
        return len(value) > 0
    return True


#: Every reason a registration's answers can be refused with (``validate_entry_fields``): the operations that
#: validate answers declare them all (``errors=[*FIELD_REASONS]``).
FIELD_REASONS = (
    EntriesReason.EntryInvalidField,
    EntriesReason.EntryEmptyField,
    EntriesReason.EntryInvalidBoolean,
    EntriesReason.EntryInvalidChecklistVals,
    EntriesReason.EntryInvalidDestinationCity,
    EntriesReason.EntryInvalidFreeFormTextInRange,
    EntriesReason.EntryInvalidTicketCount,
    EntriesReason.EntryInvalidTicketCountInRange,
    EntriesReason.ENTRY_INVALID_INTL_PHONE,
    EntriesReason.ENTRY_MISSING_CONTACT,
    EntriesReason.ENTRY_UNKNOWN_FIELD,
    EntriesReason.MISSING_REQUIRED_FIELDS,
    EntriesReason.CampaignMissingChecklistItems,
    CampaignsReason.InvalidPreferenceCampaignSchemaType,
)


def _fail(field_id, message, reason=EntriesReason.EntryInvalidField):
    raise ValidationFailed(message, reason=reason, field=field_id)


def _out_of_range(field_id, low, high, unit: str, verb: str, reason: EntriesReason):
    """Refuse a value outside ``[low, high]`` (either bound may be absent), saying only the bounds that exist;
    ``extensions.min`` / ``extensions.max`` carry them (null when absent) for a client that words it itself."""
    if low is not None and high is not None:
        message = f"{verb} between {low} and {high} {unit}."
    elif high is not None:
        message = f"{verb} at most {high} {unit}."
    else:
        message = f"{verb} at least {low} {unit}."
    bounds = {"min": None if low is None else int(low), "max": None if high is None else int(high)}
    raise ValidationFailed(message, reason=reason, field=field_id, extra=bounds)


def _email(field_id, value, spec, ctx):
    if not isinstance(value, str):
        _fail(field_id, "Enter a valid email address.")
    value = value.strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        _fail(field_id, "Enter a valid email address.")
    return value


def normalize_phone(value: str, default_region: str = "US"):
    """Parse ``value`` into a valid ``phonenumbers.PhoneNumber``, or None.

    Mexican mobile numbers written with the old ``+521`` prefix are the same number as ``+52``
    (catalog §3.6.2 "Mexican numbers"): the ``1`` is dropped before parsing, so both spellings
    normalise to one E.164 value.
    """
    text = value.strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.startswith("+") and digits.startswith("521") and len(digits) == 13:
        text = "+52" + digits[3:]
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def e164(value: str, default_region: str = "US") -> str | None:
    """Return ``value`` as E.164 (``+14155550123``), folding ``+521`` into ``+52``; None when invalid."""
    number = normalize_phone(value, default_region) if isinstance(value, str) else None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else None


def _phone(field_id, value, spec, ctx):
    if not isinstance(value, str):
        _fail(field_id, "Enter a valid phone number.")
    default_region = "US" if "US" in ctx.phone_regions or not ctx.phone_regions else sorted(ctx.phone_regions)[0]
    number = normalize_phone(value, default_region)
    if number is None:
        _fail(field_id, "Enter a valid phone number.")
    region = phonenumbers.region_code_for_number(number)
    if not ctx.allow_intl_phones and region not in ctx.phone_regions:
        _fail(
            field_id,
            "International phone numbers are not accepted for this campaign.",
            EntriesReason.ENTRY_INVALID_INTL_PHONE,
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _non_empty_text(reason):
    def validate(field_id, value, spec, ctx):
        if not isinstance(value, str) or not value.strip():
            _fail(field_id, "This field may not be empty.", reason)
        return value.strip()

    return validate


def _boolean(field_id, value, spec, ctx):
    if isinstance(value, str):
        value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return _fail(field_id, "Expected true or false.", EntriesReason.EntryInvalidBoolean)


def _market_select(field_id, value, spec, ctx):
    if not isinstance(value, str) or value not in ctx.market_ids:
        _fail(field_id, "Choose one of the campaign's markets.", EntriesReason.EntryInvalidDestinationCity)
    return value


def _additional_markets(field_id, value, spec, ctx):
    if not value:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        _fail(field_id, "Additional markets must be a list of market ids.", EntriesReason.EntryInvalidDestinationCity)
    limit = int((spec.get("additional") or {}).get("max", MAX_ADDITIONAL_MARKETS))
    limit = min(limit, MAX_ADDITIONAL_MARKETS)
    if len(value) > limit:
        _fail(field_id, f"Choose at most {limit} additional markets.", EntriesReason.EntryInvalidDestinationCity)
    if len(set(value)) != len(value):
        _fail(field_id, "An additional market is listed twice.", EntriesReason.EntryInvalidDestinationCity)
    unknown = [item for item in value if item not in ctx.market_ids]
    if unknown:
        _fail(field_id, f"Unknown market: {unknown[0]}.", EntriesReason.EntryInvalidDestinationCity)
    primary = None
    if ctx.primary_market_field:
        primary = ctx.validated.get(ctx.primary_market_field, ctx.existing.get(ctx.primary_market_field))
    if primary and primary in value:
        _fail(
            field_id,
            "The primary city may not be the same as one of the additional cities.",
            EntriesReason.EntryInvalidDestinationCity,
        )
    return value


def _ticket_count(field_id, value, spec, ctx):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        _fail(field_id, "Enter a whole number of tickets.", EntriesReason.EntryInvalidTicketCount)
    try:
        count = int(value)
    except ValueError:
        _fail(field_id, "Enter a whole number of tickets.", EntriesReason.EntryInvalidTicketCount)
    additional = spec.get("additional") or {}
    low, high = additional.get("min"), additional.get("max")
    if (low is not None and count < int(low)) or (high is not None and count > int(high)):
        _out_of_range(field_id, low, high, "tickets", "Choose", EntriesReason.EntryInvalidTicketCountInRange)
    return count


def _freeform_text(field_id, value, spec, ctx):
    if not isinstance(value, str) or not value.strip():
        _fail(field_id, "This field may not be empty.", EntriesReason.EntryEmptyField)
    additional = spec.get("additional") or {}
    low, high = additional.get("minLength"), additional.get("maxLength")
    length = len(value.strip())
    if (low is not None and length < int(low)) or (high is not None and length > int(high)):
        _out_of_range(field_id, low, high, "characters", "Enter", EntriesReason.EntryInvalidFreeFormTextInRange)
    return value.strip()


def _checklist(field_id, value, spec, ctx):
    items = [
        item.get("id") if isinstance(item, dict) else item for item in (spec.get("additional") or {}).get("items", [])
    ]
    if not items:
        _fail(field_id, "This checklist has no items.", EntriesReason.CampaignMissingChecklistItems)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        _fail(field_id, "Choose items from the list.", EntriesReason.EntryInvalidChecklistVals)
    chosen = [item.strip() for item in value if item.strip()]
    if any(item not in items for item in chosen):
        _fail(field_id, "Choose items from the list.", EntriesReason.EntryInvalidChecklistVals)
    return chosen


VALIDATORS = {
    "email": _email,
    "phone": _phone,
    "name": _non_empty_text(EntriesReason.EntryEmptyField),
    "zip": _non_empty_text(EntriesReason.EntryInvalidField),
    "opt_in": _boolean,
    "boolean_select": _boolean,
    "market_select": _market_select,
    "additional_markets_select": _additional_markets,
    "ticket_count": _ticket_count,
    "freeform_text": _freeform_text,
    "checklist": _checklist,
}


def validate_entry_fields(preferences: list[dict], submitted: dict, ctx: FormContext, *, is_new: bool) -> dict:
    """Validate ``submitted`` against the form and return the cleaned ``{fieldId: value}`` of the form fields.

    Args:
        preferences: the campaign's form fields.
        submitted: the fan's values; metadata keys (``METADATA_KEYS``) are ignored here.
        ctx: FormContext of the campaign.
        is_new: True on create: every non-optional field must be present, and one contact field.
    Returns: dict of validated values (only fields that were submitted and present, or set to empty
        on optional fields).
    Raises:
        ValidationFailed: ``ENTRY_UNKNOWN_FIELD``, ``MISSING_REQUIRED_FIELDS`` (``extensions.fields`` lists
        them), ``ENTRY_MISSING_CONTACT`` or the field's own reason.
    """
    specs = {spec["id"]: spec for spec in preferences if spec.get("id")}
    for key in submitted:
        if key not in specs and key not in METADATA_KEYS:
            raise ValidationFailed(
                f"'{key}' is not a field of this campaign's form.", reason=EntriesReason.ENTRY_UNKNOWN_FIELD, field=key
            )
    if is_new:
        missing = [
            fid for fid, spec in specs.items() if not spec.get("is_optional") and not is_present(submitted.get(fid))
        ]
        if missing:
            names = ", ".join(f"'{fid}'" for fid in missing)
            raise ValidationFailed(
                f"The following required fields are missing: {names}.",
                reason=EntriesReason.MISSING_REQUIRED_FIELDS,
                field=missing[0],
                extra={"fields": missing},
            )
        contacts = [fid for fid, spec in specs.items() if spec.get("type") in CONTACT_TYPES]
        if contacts and not any(is_present(submitted.get(fid)) for fid in contacts):
            raise ValidationFailed(
                "Enter an email address or a phone number.",
                reason=EntriesReason.ENTRY_MISSING_CONTACT,
                field=contacts[0],
            )
    ctx.primary_market_field = next((fid for fid, spec in specs.items() if spec.get("type") == "market_select"), None)
    ordered = sorted(specs.values(), key=lambda spec: spec.get("type") == "additional_markets_select")
    for spec in ordered:
        fid = spec["id"]
        if fid not in submitted:
            continue
        value = submitted[fid]
        if not is_present(value) and not isinstance(value, bool):
            if not spec.get("is_optional"):
                raise ValidationFailed(
                    f"'{fid}' is required.",
                    reason=EntriesReason.MISSING_REQUIRED_FIELDS,
                    field=fid,
                    extra={"fields": [fid]},
                )
            ctx.validated[fid] = [] if spec.get("type") in ("additional_markets_select", "checklist") else None
            continue
        validator = VALIDATORS.get(str(spec.get("type")))
        if validator is None:
            raise ValidationFailed(
                f"Field '{fid}' has an unknown type '{spec.get('type')}'.",
                reason=CampaignsReason.InvalidPreferenceCampaignSchemaType,
                field=fid,
            )
        ctx.validated[fid] = validator(fid, value, spec, ctx)
    return ctx.validated


def market_ranks(preferences: list[dict], fields: dict) -> list[str]:
    """Return the entry's ranked market ids ``[primary, additional...]`` (max 4, catalog §3.6.2 "Markets")."""
    primary = next((fields.get(spec["id"]) for spec in preferences if spec.get("type") == "market_select"), None)
    additional = (
        next((fields.get(spec["id"]) for spec in preferences if spec.get("type") == "additional_markets_select"), None)
        or []
    )
    ranked = ([primary] if primary else []) + [m for m in additional if m != primary]
    return ranked[: 1 + MAX_ADDITIONAL_MARKETS]


def contact_values(preferences: list[dict], fields: dict) -> tuple[str, str]:
    """Return the entry's ``(email, phone)`` from its form values ("" when the form has none)."""
    email = phone = ""
    for spec in preferences:
        value = fields.get(spec.get("id"))
        if spec.get("type") == "email" and isinstance(value, str) and not email:
            email = value.strip().lower()
        elif spec.get("type") == "phone" and isinstance(value, str) and not phone:
            phone = value
    return email, phone


def opt_in_field_ids(preferences: list[dict]) -> list[str]:
    """Ids of the form's ``opt_in`` fields (cleared for ``doNotSell`` fans, catalog §3.6.9, §3.15)."""
    return [spec["id"] for spec in preferences if spec.get("type") == "opt_in" and spec.get("id")]
