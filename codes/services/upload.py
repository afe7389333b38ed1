"""Upload codes from a CSV stream (catalog §3.8 Upload; decisions.md #22, #26).

CSV rules: first column only, trimmed; empty lines skipped; a literal ``code`` header on the first line
skipped; a UTF-8 BOM and CRLF line ends accepted. The stream is read incrementally and stored in batches
of ``BATCH_SIZE``; on PostgreSQL each batch is COPYed into a staging table and upserted with one
statement, in file order (so codes are reserved first-uploaded first). The whole upload is one transaction: a bad line (reported with its number) applies nothing.
Re-uploads update ``type`` and ``date_saved`` only; reserved/assigned dates are kept.
"""

import csv
import io
import re
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.reasons import CampaignsReason
from codes.models import Code, CodeAuditAction
from codes.reasons import CodesReason
from codes.services.inventory import audit_codes
from codes.services.validation import check_type
from monoql import pgcopy
from monoql.audit import Actor
from monoql.csv_safety import starts_a_formula
from monoql.errors import NotFound, ValidationFailed

BATCH_SIZE = 50_000
MAX_CODE_LENGTH = 64
_CODE_RE = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces
FILE_KEY_RE = re.compile(r"^codes/(?P<campaignId>[^/]+)/(?P<type>[^/]+)/[^/].*$")


def max_upload_bytes() -> int:
    """Largest accepted code file, bytes (``CODES_UPLOAD_MAX_BYTES``, default 100 MB)."""
    return getattr(settings, "CODES_UPLOAD_MAX_BYTES", 100 * 1024 * 1024)


class _Reader(io.RawIOBase):
    """Wrap a binary stream: count bytes against the limit and refuse NUL bytes (binary files)."""

    def __init__(self, stream, limit):
        self.stream, self.limit, self.total = stream, limit, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        chunk = self.stream.read(len(buffer))
        if not chunk:
            return 0
        self.total += len(chunk)
        if self.total > self.limit:
            raise ValidationFailed(
                f"The file is larger than {self.limit} bytes.", reason=CodesReason.FILE_TOO_LARGE, field="file"
            )
        if b"\x00" in chunk:
            raise ValidationFailed("The file is not a text file.", reason=CodesReason.NOT_TEXT, field="file")
        buffer[: len(chunk)] = chunk
        return len(chunk)


def iter_codes(stream, limit: int | None = None):
    """Yield ``(line_number, code)`` from a binary CSV stream, applying the CSV rules.

    Raises ValidationFailed: ``NOT_TEXT`` (binary / not UTF-8), ``FILE_TOO_LARGE``, ``INVALID_CODE``, ``UNSAFE_CODE``
    (a code starting with ``=``, ``+``, ``-`` or ``@``, which staff's spreadsheets would run), with ``extensions.line``.
    """
    raw = io.BufferedReader(_Reader(stream, limit or max_upload_bytes()), buffer_size=1 << 16)
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    first = True
    try:
        for row in reader:
            line = reader.line_num
            value = row[0].strip() if row else ""
            if not value:
                continue
            if first and value.lower() == "code":
                first = False
                continue
            first = False
            if len(value) > MAX_CODE_LENGTH or not _CODE_RE.match(value):
                raise ValidationFailed(
                    f"Line {line}: '{value[:80]}' is not a valid code (printable characters without spaces, at most {MAX_CODE_LENGTH}).",
                    reason=CodesReason.INVALID_CODE,
                    field="file",
                    extra={"line": line},
                )
            if starts_a_formula(value):
                raise ValidationFailed(
                    f"Line {line}: '{value[:80]}' starts with {value[0]!r}: a spreadsheet would read it as a "
                    "formula. Codes may not start with =, +, -, @.",
                    reason=CodesReason.UNSAFE_CODE,
                    field="file",
                    extra={"line": line},
                )
            yield line, value
    except UnicodeDecodeError as error:
        raise ValidationFailed("The file is not UTF-8 text.", reason=CodesReason.NOT_TEXT, field="file") from error
    except csv.Error as error:
        raise ValidationFailed(
            f"Line {reader.line_num}: {error}.",
            reason=CodesReason.NOT_TEXT,
            field="file",
            extra={"line": reader.line_num},
        ) from error


def _store_batch_postgresql(campaign_id, code_type, batch, now):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS code_upload_staging (seq bigserial, code varchar(64)) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE code_upload_staging RESTART IDENTITY")
        # Codes are printable ASCII without spaces (iter_codes), so COPY's text format only needs backslashes escaped.
        block = "\n".join(batch) + "\n"
        with pgcopy.copy(cursor, "COPY code_upload_staging (code) FROM STDIN") as stream:
            stream.write(block.replace("\\", "\\\\") if "\\" in block else block)
        cursor.execute(
            """
            WITH upserted AS (
                INSERT INTO codes_code (campaign_id, code, type, date_saved)
                SELECT %s, code, %s, %s::timestamptz
                FROM (SELECT code, min(seq) AS first_seen FROM code_upload_staging GROUP BY code) AS staged
                ORDER BY first_seen
                ON CONFLICT (campaign_id, code) DO UPDATE SET type = EXCLUDED.type, date_saved = EXCLUDED.date_saved
                RETURNING (xmax = 0) AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
            """,
            [campaign_id, code_type, now],
        )
        inserted, updated = cursor.fetchone()
    return inserted, updated


def _store_batch_portable(campaign_id, code_type, batch, now):
    unique = list(dict.fromkeys(batch))
    existing = set(Code.objects.filter(campaign_id=campaign_id, code__in=unique).values_list("code", flat=True))
    Code.objects.filter(campaign_id=campaign_id, code__in=existing).update(type=code_type, date_saved=now)
    Code.objects.bulk_create(
        [
            Code(campaign_id=campaign_id, code=code, type=code_type, date_saved=now)
            for code in unique
            if code not in existing
        ],
        batch_size=5000,
    )
    return len(unique) - len(existing), len(existing)


def upload_codes(
    campaign_id: str,
    code_type,
    stream,
    *,
    actor: Actor,
    declared_size: int | None = None,
    progress: Callable[[int], None] | None = None,
    before_commit: Callable[[], None] | None = None,
    log: bool = True,
) -> dict:
    """Store the codes of a CSV stream in the campaign's ``code_type`` pool.

    Args:
        stream: binary file-like object (read incrementally).
        declared_size: size the client announced (``fileSize``), bytes; checked against the limit.
        progress: called with the rows read so far after each stored batch (a job's progress).
        before_commit: called inside the transaction once everything is stored; raising there (a job's
            fence, ``monoql.jobs.Superseded``) rolls the whole upload back.
        log: False when the upload is the job of an action that wrote its audit-log row (``queue_code_upload``);
            the codes' own trail is written either way.
    Returns: ``{"in": rows read, "inserted": new codes, "updated": existing codes touched}``.
    Raises:
        NotFound: unknown campaign. ValidationFailed: ``missingType``/``InvalidType``, ``EMPTY_FILE``,
        ``FILE_TOO_LARGE``, ``NOT_TEXT``, ``INVALID_CODE`` (nothing stored in any of these cases).
    """
    code_type = check_type(code_type)
    if not Campaign.objects.filter(pk=campaign_id).exists():
        raise NotFound("Campaign not found.", reason=CampaignsReason.CAMPAIGN_NOT_FOUND, field="campaignId")
    limit = max_upload_bytes()
    if declared_size is not None and declared_size > limit:
        raise ValidationFailed(
            f"The file is larger than {limit} bytes.", reason=CodesReason.FILE_TOO_LARGE, field="fileSize"
        )
    store = _store_batch_postgresql if connection.vendor == "postgresql" else _store_batch_portable
    now = timezone.now()
    rows = inserted = updated = 0
    with transaction.atomic():
        batch = []
        for _, code in iter_codes(stream, limit):
            batch.append(code)
            rows += 1
            if len(batch) >= BATCH_SIZE:
                added, touched = store(campaign_id, code_type, batch, now)
                inserted, updated, batch = inserted + added, updated + touched, []
                if progress is not None:
                    progress(rows)
        if batch:
            added, touched = store(campaign_id, code_type, batch, now)
            inserted, updated = inserted + added, updated + touched
        if rows == 0:
            raise ValidationFailed("The file holds no codes.", reason=CodesReason.EMPTY_FILE, field="file")
        detail = {"in": rows, "inserted": inserted, "updated": updated}
        audit_codes(
            actor,
            campaign_id,
            CodeAuditAction.UPLOAD,
            requested=rows,
            changed=inserted + updated,
            type=code_type,
            detail=detail,
            log=log,
        )
        if before_commit is not None:
            before_commit()
    return {"in": rows, "inserted": inserted, "updated": updated}
