"""Locale spelling rules (catalog §1.7 "Locale normalisation", decisions.md #6).

GraphQL shows ``en_US``; input accepts ``en_US``, ``en-US``, ``en-us``, ``en_us`` and ``en``.
"""

import re

from monoql.core_reasons import CoreReason
from monoql.errors import ValidationFailed

DEFAULT_LOCALE = "en_US"
_LOCALE_RE = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}|[0-9]{3}))?$")
# A bare language resolves to its usual market when the campaign has no exact match.
_LANGUAGE_DEFAULT_REGION = {"en": "US", "fr": "CA", "es": "MX"}


def normalize_locale(value: str, *, field: str = "locale") -> str:
    """Return ``value`` in the GraphQL spelling (``en_US``; a bare language stays ``en``).

    Raises:
        ValidationFailed: ``value`` is not a locale (``reason=INVALID_LOCALE``, ``field`` as given).
    """
    match = _LOCALE_RE.match((value or "").strip())
    if not match:
        raise ValidationFailed(
            f"'{value}' is not a locale such as en_US.", reason=CoreReason.INVALID_LOCALE, field=field
        )
    language, region = match.group(1).lower(), match.group(2)
    return f"{language}_{region.upper()}" if region else language


def resolve_locale(requested: str | None, available: list[str], default: str | None) -> str:
    """Pick the locale to show: requested → campaign default → ``en_US`` (decisions.md #6).

    Args:
        requested: the caller's locale in any accepted spelling, or None.
        available: the campaign's locales, GraphQL spelling.
        default: the campaign's default locale, or None.
    Returns:
        A locale in GraphQL spelling; one of ``available`` when any matches.
    Raises:
        ValidationFailed: ``requested`` is not a locale.
    """
    if requested:
        wanted = normalize_locale(requested)
        if wanted in available:
            return wanted
        if "_" not in wanted:
            preferred = f"{wanted}_{_LANGUAGE_DEFAULT_REGION.get(wanted, '')}"
            if preferred in available:
                return preferred
            same_language = [loc for loc in available if loc.split("_")[0] == wanted]
            if same_language:
                return same_language[0]
    if default:
        return default
    if DEFAULT_LOCALE in available or not available:
        return DEFAULT_LOCALE
    return available[0]
