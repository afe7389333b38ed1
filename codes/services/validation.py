"""Argument checks shared by every door to the inventory, with the catalog §4.4 identifiers."""

from codes.models import CodeStatus, CodeType
from codes.reasons import CodesReason
from monoql.errors import ValidationFailed

MAX_RESERVE_COUNT = 10_000
MAX_CODES_PER_REQUEST = 100_000


def check_type(code_type) -> str:
    """Return a valid code type. Raises ValidationFailed ``missingType`` / ``InvalidType``."""
    if code_type in (None, ""):
        raise ValidationFailed("The 'type' property is required.", reason=CodesReason.missingType, field="type")
    if code_type not in CodeType.values:
        raise ValidationFailed(
            f"The type '{code_type}' is not a valid code type.", reason=CodesReason.InvalidType, field="type"
        )
    return code_type


def check_status(status) -> str | None:
    """Return a valid status or None. Raises ValidationFailed ``InvalidStatus``."""
    if status in (None, ""):
        return None
    if status not in CodeStatus.values:
        raise ValidationFailed(
            f"The status '{status}' is not a valid code status.", reason=CodesReason.InvalidStatus, field="status"
        )
    return status


def check_reserve(count, code_type) -> tuple[int, str]:
    """Return (count, type) for a reservation (catalog §3.8 Reserve).

    Raises ValidationFailed ``missingCodeReserveParams``, ``invalidCount`` (not an integer in
    1..MAX_RESERVE_COUNT), ``InvalidType``.
    """
    if count in (None, "") or code_type in (None, ""):
        raise ValidationFailed(
            "The 'count' and 'type' properties must be specified to reserve codes.",
            reason=CodesReason.missingCodeReserveParams,
            field="count" if count in (None, "") else "type",
        )
    try:
        number = int(str(count))
    except ValueError:
        number = 0
    if number < 1 or number > MAX_RESERVE_COUNT:
        raise ValidationFailed("You must enter a valid count.", reason=CodesReason.invalidCount, field="count")
    return number, check_type(code_type)


def check_codes(codes) -> list[str]:
    """Return the codes of an assign/release body, trimmed and de-duplicated in order.

    Raises ValidationFailed ``missingCodes``, ``invalidCodesProp`` (not an array of strings), ``emptyCodes``.
    """
    if codes is None:
        raise ValidationFailed("The 'codes' property is required.", reason=CodesReason.missingCodes, field="codes")
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        raise ValidationFailed(
            "The 'codes' property must be an array of codes.", reason=CodesReason.invalidCodesProp, field="codes"
        )
    cleaned = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
    if not cleaned:
        raise ValidationFailed(
            "The 'codes' array must contain one or more codes.", reason=CodesReason.emptyCodes, field="codes"
        )
    if len(cleaned) > MAX_CODES_PER_REQUEST:
        raise ValidationFailed(
            f"At most {MAX_CODES_PER_REQUEST} codes per request.", reason=CodesReason.invalidCodesProp, field="codes"
        )
    return cleaned
