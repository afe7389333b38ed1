"""Identifiers shared by several apps: the ``dateKey`` of wave preps and exports (decisions.md #34)."""

import re

from monoql.core_reasons import CoreReason
from monoql.errors import ValidationFailed

DATE_KEY = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def check_date_key(value, *, required: bool = True) -> str:
    """Return ``value`` stripped when it is a valid ``dateKey`` (``^[A-Za-z0-9._-]{1,64}$``).

    An empty value is returned as "" when not ``required``. Raises ValidationFailed ``InvalidDateKey``
    (field ``dateKey``).
    """
    date_key = (value or "").strip() if isinstance(value, str) or value is None else None
    if date_key == "" and not required:
        return ""
    if not date_key or not DATE_KEY.match(date_key):
        raise ValidationFailed(
            "dateKey must be 1–64 letters, digits, '.', '_' or '-'.", reason=CoreReason.InvalidDateKey, field="dateKey"
        )
    return date_key
