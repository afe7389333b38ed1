"""Scored uploads (``uploadScored``, catalog §1.7, §3.6.4, §3.7.5; decisions.md "One scoring model").

A scored file is a CSV with a header: one identifier column — the campaign's identifier (``memberId``,
``globalUserId`` or ``email``) or ``phone`` — a ``score`` column (0–1) and an optional ``verdict``
column (true/false/1/0). The whole file is validated before anything is stored; it is then saved as
``scored/{campaignId}.{campaignNameAlphanumeric}.{YYYYMMDDHHmm America/Los_Angeles}.uploaded.csv`` and a
``ScoredFile`` row (PENDING) queues the matching task, which sets ``score`` (and ``verdict`` when given)
on the matching entries. Blacklisted fans keep ``verdict = false``. Unmatched rows are counted, not stored.
"""

import re
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.selectors import campaign_or_404
from codes.reasons import CodesReason
from entries.models import BlacklistEntry, Entry, ScoredFile, UploadStatus
from entries.reasons import EntriesReason
from entries.services.csv_files import bad_line, csv_rows, read_upload, require_columns, store_text
from entries.validation import e164
from monoql.audit import Actor, record
from monoql.errors import ValidationFailed
from monoql.queue import enqueue_on_commit

PROCESS_TASK = "entries.process_scored_file"
IDENTIFIER_COLUMNS = ("memberId", "globalUserId", "email", "phone")
_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}
MATCH_BATCH = 2000
_LOOKUP = {
    "memberId": "fan__member_id",
    "globalUserId": "fan__global_user_id",
    "email": "email",
    "phone": "phone",
}


def parse_verdict(value: str, line_number: int) -> bool | None:
    """``true|false|1|0|yes|no`` → bool; "" → None. Raises ValidationFailed ``INVALID_VERDICT``."""
    lowered = value.strip().lower()
    if not lowered:
        return None
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise bad_line(line_number, f"verdict '{value}' is not true or false.", EntriesReason.INVALID_VERDICT)


def parse_score(value: str, line_number: int) -> float:
    """A number within 0–1. Raises ValidationFailed ``INVALID_SCORE``."""
    try:
        score = float(value)
    except ValueError:
        raise bad_line(line_number, f"score '{value}' is not a number.", EntriesReason.INVALID_SCORE) from None
    if not 0.0 <= score <= 1.0:
        raise bad_line(line_number, f"score {value} is not between 0 and 1.", EntriesReason.INVALID_SCORE)
    return score


def normalize_identifier(column: str, value: str) -> str | None:
    """The stored spelling of an identifier: lower-cased email, E.164 phone; None when unusable."""
    value = value.strip()
    if column == "email":
        return value.lower() or None
    if column == "phone":
        return e164(value)
    return value or None


def parse_scored_file(text: str, identifier: str) -> tuple[str, dict]:
    """Validate a scored file; returns ``(identifier column, {identifier value: (score, verdict|None)})``.

    The identifier column is the campaign's identifier when the header has it, else ``phone``; column
    names are case-insensitive. A value listed twice keeps its last line. Raises ValidationFailed
    (field ``file``): ``MISSING_COLUMN``, ``INVALID_IDENTIFIER``, ``INVALID_SCORE``, ``INVALID_VERDICT``,
    ``EMPTY_FILE``.
    """
    header, rows = csv_rows(text)
    found = next((name for name in (identifier, "phone") if name and name.lower() in header), None)
    require_columns(header, (("score", "score" in header), (f"{identifier} or phone", found is not None)))
    column: str = found or ""
    records: dict[str, tuple[float, bool | None]] = {}
    for line_number, row in rows:
        raw = row[column.lower()]
        key = normalize_identifier(column, raw)
        if key is None:
            raise bad_line(line_number, f"{column} '{raw}' is not valid.", EntriesReason.INVALID_IDENTIFIER)
        verdict = parse_verdict(row.get("verdict", ""), line_number)
        records[key] = (parse_score(row["score"], line_number), verdict)
    if not records:
        raise ValidationFailed("The file holds no rows.", reason=CodesReason.EMPTY_FILE, field="file")
    return column, records


def scored_file_name(campaign_id: str, campaign_name: str, now) -> str:
    """``{campaignId}.{nameWithoutNonAlphanumerics}.{YYYYMMDDHHmm in America/Los_Angeles}.uploaded.csv``."""
    clean = re.sub(r"[^A-Za-z0-9]", "", campaign_name or "")
    local = now.astimezone(ZoneInfo("America/Los_Angeles"))
    return f"{campaign_id}.{clean}.{local.strftime('%Y%m%d%H%M')}.uploaded.csv"


def upload_scored(
    *, campaign_id: str, campaign_name: str, stream, declared_size: int | None, actor: Actor
) -> ScoredFile:
    """Validate and store a scored file, then queue its matching (runs at once with eager Celery).

    Args:
        campaign_id: the campaign; campaign_name: used in the stored file name.
        stream: binary file-like object; declared_size: the client's ``fileSize`` (bytes).
        actor: who uploads (the staff fan is recorded as ``uploaded_by``; one audit-log row, ``scored.upload``).
    Returns: the ScoredFile row (PENDING; read it again for the counts once processed).
    Raises: NotFound ``CAMPAIGN_NOT_FOUND``; ValidationFailed from ``read_upload``/``parse_scored_file``.
    """
    campaign = campaign_or_404(campaign_id)
    text = read_upload(stream, declared_size)
    column, records = parse_scored_file(text, campaign.identifier or "globalUserId")
    now = timezone.now()
    name = scored_file_name(campaign.pk, campaign_name, now)
    with transaction.atomic():
        path = store_text(f"scored/{name}", text)
        scored = ScoredFile.objects.create(
            campaign=campaign, name=name, path=path, rows=len(records), uploaded_by=actor.fan
        )
        record(
            actor,
            "scored.upload",
            campaign_id=campaign.pk,
            target=f"scoredFile:{scored.pk}",
            changes={"name": name, "rows": len(records)},
        )
        enqueue_on_commit(PROCESS_TASK, scored.pk)
    return scored


def _blacklisted() -> Q:
    values = BlacklistEntry.objects.values("value")
    return Q(email__in=values) | Q(phone__in=values)


def process_scored_file(scored_file_id: int) -> ScoredFile:
    """Match a stored scored file's rows to the campaign's entries and store scores and verdicts.

    Idempotent: running it again gives the same scores and counts. On an unexpected error the row is
    FAILED with the message and the database changes of the run are rolled back.
    Returns: the ScoredFile with ``matched``, ``unmatched``, ``verified`` and status FINISHED.
    """
    from django.core.files.storage import default_storage

    scored = ScoredFile.objects.select_related("campaign").get(pk=scored_file_id)
    ScoredFile.objects.filter(pk=scored.pk).update(status=UploadStatus.PROCESSING)
    try:
        with default_storage.open(scored.path, "rb") as handle:
            text = handle.read().decode("utf-8-sig")
        column, records = parse_scored_file(text, scored.campaign.identifier or "globalUserId")
        lookup = _LOOKUP[column]
        matched_ids = []
        with transaction.atomic():
            keys = list(records)
            for start in range(0, len(keys), MATCH_BATCH):
                chunk = keys[start : start + MATCH_BATCH]
                found = Entry.objects.filter(campaign_id=scored.campaign_id, **{f"{lookup}__in": chunk}).values_list(
                    "pk", lookup, "verdict"
                )
                changed = []
                for pk, key, verdict in found:
                    score, new_verdict = records[key]
                    verdict = verdict if new_verdict is None else new_verdict
                    changed.append(Entry(pk=pk, score=score, verdict=verdict, scored_by="upload"))
                    matched_ids.append(pk)
                Entry.objects.bulk_update(changed, ["score", "verdict", "scored_by"], batch_size=500)
            matched = Entry.objects.filter(pk__in=matched_ids)
            matched.filter(_blacklisted()).update(verdict=False)
            verified = matched.filter(verdict=True).count()
            ScoredFile.objects.filter(pk=scored.pk).update(
                status=UploadStatus.FINISHED,
                matched=len(matched_ids),
                unmatched=len(records) - len(matched_ids),
                verified=verified,
                error="",
                date_finished=timezone.now(),
            )
    except Exception as error:
        ScoredFile.objects.filter(pk=scored.pk).update(status=UploadStatus.FAILED, error=str(error)[:2000])
        raise
    scored.refresh_from_db()
    return scored
