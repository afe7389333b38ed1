"""Date helpers: every date leaves the API as a UTC ISO-8601 string (``2017-06-18T23:00:00Z``)."""

from datetime import UTC, datetime

from django.utils.dateparse import parse_date, parse_datetime

#: How the schema's descriptions name a date's format and time zone (every date answered is in UTC).
ISO_UTC = "UTC ISO-8601 date-time (2017-06-18T23:00:00Z)"


def iso(value: datetime | None) -> str | None:
    """Return ``value`` as UTC ISO-8601 with a ``Z`` suffix and no microseconds, or None."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_iso(value: str | None) -> datetime | None:
    """Parse an ISO-8601 date-time (or a bare date, taken as 00:00 UTC); naive values are UTC.

    Returns None for None/empty; raises ValueError for text that is not a date.
    """
    if value in (None, ""):
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(f"not an ISO-8601 date: {value!r}")
        parsed = datetime(day.year, day.month, day.day, tzinfo=UTC)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def parse_input_datetime(value: str | None) -> datetime | None:
    """``parse_iso`` for what clients send: a date-time must carry its offset (``Z`` or ``±hh:mm``) — a
    time without one is ambiguous, so it is refused rather than read as UTC; a bare date is 00:00 UTC.

    Raises ValueError (not a date, or a time without an offset).
    """
    parsed = parse_iso(value)
    if parsed is not None and isinstance(value, str) and ("T" in value or ":" in value):
        text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
        if datetime.fromisoformat(text).tzinfo is None:
            raise ValueError("a date-time without a time zone")
    return parsed
