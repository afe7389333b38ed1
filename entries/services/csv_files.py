"""Reading and storing the CSV files staff upload (scored files, blacklists, fanlists).

Files are checked whole before anything is stored: a bad line is a ``VALIDATION_ERROR`` naming the
``file`` and the line number, and nothing is written.
"""

import csv
import io
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from codes.reasons import CodesReason
from entries.reasons import EntriesReason
from monoql.errors import ValidationFailed
from monoql.reasons import Reason


def read_upload(stream, declared_size: int | None) -> str:
    """Read an uploaded file as UTF-8 text (BOM removed).

    Args:
        stream: binary file-like object.
        declared_size: the client's ``fileSize`` in bytes, or None.
    Raises: ValidationFailed ``FILE_TOO_LARGE`` (field ``fileSize``/``file``), ``FILE_SIZE_MISMATCH`` (field
        ``fileSize``: the announced size is not the file's), ``EMPTY_FILE``, ``NOT_TEXT``.
    """
    limit = settings.SCORING_UPLOAD_MAX_BYTES
    if declared_size is not None and declared_size > limit:
        raise ValidationFailed(
            f"The file is larger than {limit} bytes.", reason=CodesReason.FILE_TOO_LARGE, field="fileSize"
        )
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ValidationFailed(
            f"The file is larger than {limit} bytes.", reason=CodesReason.FILE_TOO_LARGE, field="file"
        )
    if declared_size is not None and declared_size != len(data):
        raise ValidationFailed(
            f"fileSize says {declared_size} bytes but the file has {len(data)}: the upload is incomplete or wrong.",
            reason=CodesReason.FILE_SIZE_MISMATCH,
            field="fileSize",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed("The file is not UTF-8 text.", reason=CodesReason.NOT_TEXT, field="file") from None
    if not text.strip():
        raise ValidationFailed("The file is empty.", reason=CodesReason.EMPTY_FILE, field="file")
    return text


def csv_rows(text: str) -> tuple[list[str], list[tuple[int, dict]]]:
    """Parse CSV text with a header row into ``(header, [(line_number, {column: value})])``.

    Column names are trimmed and lower-cased; values trimmed; blank lines skipped; short lines padded
    with "".
    """
    reader = csv.reader(io.StringIO(text))
    header = [col.strip().lower() for col in next(reader, [])]
    rows = []
    for line_number, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        rows.append(
            (line_number, {col: (values[i].strip() if i < len(values) else "") for i, col in enumerate(header)})
        )
    return header, rows


def require_columns(header: list[str], columns) -> None:
    """Raise ValidationFailed ``MISSING_COLUMN`` (field ``file``, ``extensions.column``) for the first of
    ``columns`` — ``(name, present)`` pairs, or names looked up in ``header`` — that is missing."""
    for column in columns:
        name, present = column if isinstance(column, tuple) else (column, column in header)
        if not present:
            raise ValidationFailed(
                f"The file's header has no '{name}' column.",
                reason=EntriesReason.MISSING_COLUMN,
                field="file",
                extra={"column": name},
            )


def bad_line(line_number: int, message: str, reason: Reason) -> ValidationFailed:
    """The error for one bad line: ``"Line 7: ..."`` with ``extensions.line``."""
    return ValidationFailed(f"Line {line_number}: {message}", reason=reason, field="file", extra={"line": line_number})


def store_text(key: str, text: str) -> str:
    """Save ``text`` under ``key`` in the private default storage; returns the key actually used."""
    return default_storage.save(key, ContentFile(text.encode("utf-8")))


def stamp(now: datetime) -> str:
    """``YYYYMMDDHHmm`` of ``now`` in UTC (file-name stamps)."""
    return now.strftime("%Y%m%d%H%M")
