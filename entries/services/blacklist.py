"""The global blacklist (``uploadBlacklist``, catalog §3.7.5; decisions.md "One scoring model").

A file lists emails and phones, one per line (first column; an optional ``email``/``phone``/``value``
header is skipped). The list only grows (additive, exact match after normalisation: lower-cased email,
E.164 phone). Entries in any campaign whose email or phone is listed get ``verdict = false``; they are
kept, never removed, and never selected. New registrations are checked at submission.
"""

import csv
import io

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from codes.reasons import CodesReason
from entries.models import BlacklistEntry, BlacklistKind, Entry
from entries.reasons import EntriesReason
from entries.services.csv_files import bad_line, read_upload, stamp, store_text
from entries.validation import e164
from monoql.audit import Actor, record
from monoql.errors import ValidationFailed

HEADERS = {"email", "phone", "value", "emails", "phones"}
BATCH = 2000


def parse_blacklist(text: str) -> list[tuple[BlacklistKind, str]]:
    """Return ``[(kind, value)]`` of a blacklist file. Raises ValidationFailed ``INVALID_BLACKLIST_VALUE``."""
    values = []
    for line_number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        raw = row[0].strip() if row else ""
        if not raw or (line_number == 1 and raw.lower() in HEADERS):
            continue
        if "@" in raw:
            if raw.count("@") != 1 or "." not in raw.split("@")[1]:
                raise bad_line(line_number, f"'{raw}' is not an email address.", EntriesReason.INVALID_BLACKLIST_VALUE)
            values.append((BlacklistKind.EMAIL, raw.lower()))
        else:
            phone = e164(raw)
            if phone is None:
                raise bad_line(
                    line_number,
                    f"'{raw}' is not an email address or a phone number.",
                    EntriesReason.INVALID_BLACKLIST_VALUE,
                )
            values.append((BlacklistKind.PHONE, phone))
    if not values:
        raise ValidationFailed("The file lists no emails or phones.", reason=CodesReason.EMPTY_FILE, field="file")
    return values


def upload_blacklist(*, stream, declared_size: int | None, file_name: str | None, actor: Actor) -> dict:
    """Add a file's emails and phones to the blacklist and block matching entries.

    Returns: ``{"path": storage key, "name": file name, "in": values read, "added": new values,
        "entriesBlocked": entries whose verdict turned false}``.
    Args: ``actor``: who uploads (one audit-log row, ``blacklist.upload``, with the counts).
    Raises: ValidationFailed (field ``file``/``fileSize``), nothing stored on failure.
    """
    text = read_upload(stream, declared_size)
    values = list(dict.fromkeys(parse_blacklist(text)))
    name = (file_name or "blacklist.csv").replace("/", "_")[:200]
    with transaction.atomic():
        path = store_text(f"blacklist/{stamp(timezone.now())}.{name}", text)
        before = BlacklistEntry.objects.count()
        BlacklistEntry.objects.bulk_create(
            [BlacklistEntry(kind=kind, value=value, source=name) for kind, value in values],
            ignore_conflicts=True,
            batch_size=BATCH,
        )
        added = BlacklistEntry.objects.count() - before
        blocked = 0
        for start in range(0, len(values), BATCH):
            chunk = [value for _, value in values[start : start + BATCH]]
            blocked += Entry.objects.filter(Q(email__in=chunk) | Q(phone__in=chunk), verdict=True).update(verdict=False)
        changes = {"name": name, "in": len(values), "added": added, "entriesBlocked": blocked}
        record(actor, "blacklist.upload", changes=changes)
    return {"path": path, "name": name, "in": len(values), "added": added, "entriesBlocked": blocked}
