"""``uploadWavePrepFile``: the inputs of a wave prep run (catalog §3.7.2; decisions.md "Selection").

Files (checked whole before anything is stored; a bad line is a VALIDATION_ERROR naming ``file`` and the
line):
- ``markets``: CSV with a header; ``market_id`` and ``limit`` required, optional ``link`` and ``code_type``
  (``tm|external``). Stored at ``wavePrep/{campaignId}/data/{dateKey}.csv``.
- ``tmCodes`` / ``nonTmCodes``: one code per line, optional second column ``market_id`` pinning the code
  to a market; a literal ``code`` header is skipped. Stored at
  ``wavePrep/{campaignId}/data/{dateKey}.{type}.csv`` and added to the campaign's ``tm`` / ``external``
  code pool (pinned codes carry their market). Codes already in the pool keep their reservation and
  assignment; an unassigned one takes the file's market pin.
"""

import csv
import io

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from campaigns.models import Market
from campaigns.selectors import campaign_or_404
from codes.models import Code, CodeType
from codes.reasons import CodesReason
from entries.reasons import EntriesReason
from entries.selection.models import WavePrepFile, WavePrepFileType
from entries.services.csv_files import bad_line, csv_rows, read_upload, require_columns, store_text
from monoql.audit import Actor
from monoql.audit import record as audit_record
from monoql.errors import ValidationFailed
from monoql.keys import check_date_key

CODE_TYPES = {WavePrepFileType.TM_CODES: CodeType.TM, WavePrepFileType.NON_TM_CODES: CodeType.EXTERNAL}
MAX_CODE_LENGTH = 64


def storage_key(campaign_id: str, date_key: str, file_type: str) -> str:
    """``wavePrep/{campaignId}/data/{dateKey}.csv`` (markets) or ``…/{dateKey}.{type}.csv`` (codes)."""
    suffix = "csv" if file_type == WavePrepFileType.MARKETS else f"{file_type}.csv"
    return f"wavePrep/{campaign_id}/data/{date_key}.{suffix}"


def check_file_type(value) -> str:
    """Return the ``WavePrepFileType`` value. Raises ValidationFailed ``INVALID_WAVE_PREP_FILE_TYPE`` (field type)."""
    value = getattr(value, "value", value)
    if value not in WavePrepFileType.values:
        raise ValidationFailed(
            f"type must be one of {', '.join(WavePrepFileType.values)}.",
            reason=EntriesReason.INVALID_WAVE_PREP_FILE_TYPE,
            field="type",
        )
    return value


def parse_markets_file(text: str, market_ids: set) -> dict:
    """Validate a markets file; returns ``{market_id: {"limit": int, "link": str, "codeType": str|None}}``.

    Raises ValidationFailed (field ``file``): ``MISSING_COLUMN``, ``UNKNOWN_MARKET``, ``INVALID_LIMIT``,
    ``DUPLICATE_MARKET``, ``INVALID_CODE_TYPE``, ``EMPTY_FILE``.
    """
    header, rows = csv_rows(text)
    require_columns(header, ("market_id", "limit"))
    markets = {}
    for line_number, row in rows:
        market_id = row["market_id"]
        if market_id not in market_ids:
            raise bad_line(
                line_number, f"market_id '{market_id}' is not a market of this campaign.", EntriesReason.UNKNOWN_MARKET
            )
        if market_id in markets:
            raise bad_line(line_number, f"market_id '{market_id}' is listed twice.", EntriesReason.DUPLICATE_MARKET)
        raw_limit = row["limit"]
        if not raw_limit.isdigit():
            raise bad_line(line_number, f"limit '{raw_limit}' is not a whole number >= 0.", EntriesReason.INVALID_LIMIT)
        code_type = row.get("code_type", "").lower() or None
        if code_type not in (None, CodeType.TM, CodeType.EXTERNAL):
            raise bad_line(
                line_number, f"code_type '{row['code_type']}' is not tm or external.", EntriesReason.INVALID_CODE_TYPE
            )
        markets[market_id] = {"limit": int(raw_limit), "link": row.get("link", ""), "codeType": code_type}
    if not markets:
        raise ValidationFailed("The file holds no markets.", reason=CodesReason.EMPTY_FILE, field="file")
    return markets


def parse_codes_file(text: str, market_ids: set) -> list[tuple[str, str | None]]:
    """Validate a codes file; returns ``[(code, market_id|None)]`` in file order.

    Raises ValidationFailed (field ``file``): ``INVALID_CODE`` (spaces, longer than 64), ``DUPLICATE_CODE``,
    ``UNKNOWN_MARKET``, ``EMPTY_FILE``.
    """
    codes: list = []
    seen: dict = {}
    for line_number, values in enumerate(csv.reader(io.StringIO(text)), start=1):
        values = [value.strip() for value in values]
        if not values or not values[0]:
            continue
        code = values[0]
        if line_number == 1 and code.lower() == "code":
            continue
        if len(code) > MAX_CODE_LENGTH or any(ch.isspace() for ch in code):
            raise bad_line(line_number, f"'{code[:80]}' is not a valid code.", CodesReason.INVALID_CODE)
        if code in seen:
            raise bad_line(
                line_number,
                f"code '{code}' is listed twice (first on line {seen[code]}).",
                EntriesReason.DUPLICATE_CODE,
            )
        seen[code] = line_number
        market_id = values[1] if len(values) > 1 and values[1] else None
        if market_id is not None and market_id not in market_ids:
            raise bad_line(
                line_number, f"market_id '{market_id}' is not a market of this campaign.", EntriesReason.UNKNOWN_MARKET
            )
        codes.append((code, market_id))
    if not codes:
        raise ValidationFailed("The file holds no codes.", reason=CodesReason.EMPTY_FILE, field="file")
    return codes


def _check_other_pool(campaign_id: str, code_type: str, codes: list) -> None:
    """A code may live in one pool only: refuse codes the campaign already has under the other type."""
    values = [code for code, _ in codes]
    for start in range(0, len(values), 5000):
        clash = (
            Code.objects.filter(campaign_id=campaign_id, code__in=values[start : start + 5000])
            .exclude(type=code_type)
            .values_list("code", flat=True)
            .first()
        )
        if clash is not None:
            raise ValidationFailed(
                f"code '{clash}' is already in this campaign's other code pool.",
                reason=EntriesReason.DUPLICATE_CODE,
                field="file",
            )


def _add_codes(campaign_id: str, code_type: str, codes: list) -> dict:
    """Add the codes to the pool; returns ``{"in", "inserted", "updated"}`` (updated = market pin changed)."""
    now = timezone.now()
    existing: dict = {}
    values = [code for code, _ in codes]
    for start in range(0, len(values), 5000):
        existing.update(
            Code.objects.filter(campaign_id=campaign_id, code__in=values[start : start + 5000]).values_list(
                "code", "pk"
            )
        )
    new = [
        Code(campaign_id=campaign_id, code=code, type=code_type, market_id=market_id, date_saved=now)
        for code, market_id in codes
        if code not in existing
    ]
    Code.objects.bulk_create(new, batch_size=5000)
    updated = 0
    by_market: dict = {}
    for code, market_id in codes:
        if code in existing:
            by_market.setdefault(market_id, []).append(existing[code])
    for market_id, ids in by_market.items():
        for start in range(0, len(ids), 5000):
            updated += (
                Code.objects.filter(pk__in=ids[start : start + 5000], date_assigned__isnull=True)
                .exclude(market_id=market_id)
                .update(market_id=market_id)
            )
    return {"in": len(codes), "inserted": len(new), "updated": updated}


def upload_wave_prep_file(
    *, campaign_id: str, date_key, file_type, stream, declared_size: int | None, file_name=None, actor: Actor
) -> tuple[WavePrepFile, dict]:
    """Validate and store a wave prep input file (one transaction; nothing stored on any error).

    Args:
        campaign_id: the campaign; date_key: the run's ``dateKey``; file_type: ``WavePrepFileType`` value.
        stream: binary file-like object; declared_size: the client's ``fileSize`` in bytes.
        file_name: the uploaded file's name (recorded); actor: who uploads (the staff fan is recorded as
        ``uploaded_by``; one audit-log row, ``wavePrepFile.upload``, with the report).
    Returns: ``(WavePrepFile, report)`` — report ``{"rows", "markets"}`` for a markets file,
        ``{"in", "inserted", "updated"}`` for a codes file.
    Raises: NotFound ``CAMPAIGN_NOT_FOUND``; ValidationFailed ``InvalidDateKey``, ``INVALID_WAVE_PREP_FILE_TYPE``,
        ``FILE_TOO_LARGE``, ``NOT_TEXT``, ``EMPTY_FILE`` and the parse errors above.
    """
    date_key = check_date_key(date_key)
    file_type = check_file_type(file_type)
    campaign = campaign_or_404(campaign_id)
    text = read_upload(stream, declared_size)
    market_ids = set(Market.objects.filter(campaign_id=campaign.pk).values_list("pk", flat=True))
    key = storage_key(campaign.pk, date_key, file_type)
    with transaction.atomic():
        if file_type == WavePrepFileType.MARKETS:
            content = parse_markets_file(text, market_ids)
            report = {"rows": len(content), "markets": len(content)}
            rows = len(content)
        else:
            codes = parse_codes_file(text, market_ids)
            _check_other_pool(campaign.pk, CODE_TYPES[file_type], codes)
            report = _add_codes(campaign.pk, CODE_TYPES[file_type], codes)
            content, rows = {}, len(codes)
        if default_storage.exists(key):
            default_storage.delete(key)
        path = store_text(key, text)
        record, _ = WavePrepFile.objects.update_or_create(
            campaign=campaign,
            date_key=date_key,
            type=file_type,
            defaults={
                "name": (file_name or key.rsplit("/", 1)[-1])[:255],
                "path": path,
                "rows": rows,
                "content": content,
                "uploaded_by": actor.fan,
            },
        )
        audit_record(
            actor,
            "wavePrepFile.upload",
            campaign_id=campaign.pk,
            target=f"wavePrepFile:{record.pk}",
            changes={"dateKey": date_key, "type": file_type, "name": record.name, **report},
        )
    return record, report
