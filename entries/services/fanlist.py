"""Fanlist uploads (``uploadFanlist``, catalog §3.7.5; formulas recorded in docs/decisions.md).

A fanlist campaign has no registrations: staff upload ranked fan lists. A file is a CSV with a header
holding the campaign's identifier column (``memberId``, ``globalUserId`` or ``email``) and a ``rank``
column (``score`` is accepted as its alias). Ranks become scores by the campaign's ``scoring`` (``options.scoring``):

- ``raw``: the value is the score itself and must be within 0–1;
- ``xnum``: the value is a position (1 = best) and the score is ``1 - (rank - 1) / N`` with ``N`` the
  largest rank in the file, so the best fan scores 1 and the last ``1/N``.

Fans listed twice (in one file or across files) keep their highest score. The file is stored under
``fanlist/uploaded/{campaignId}/{stamp}.{name}`` and the upload row gives ``FanlistCampaign.uploads``
``{date, rows, rowsIn, status}``.
"""

from django.db import transaction
from django.utils import timezone

from campaigns.models import FanlistScoring
from campaigns.selectors import campaign_or_404
from codes.reasons import CodesReason
from entries.models import FanlistRecord, FanlistUpload, UploadStatus
from entries.reasons import EntriesReason
from entries.services.csv_files import bad_line, csv_rows, read_upload, require_columns, stamp, store_text
from entries.services.scoring import normalize_identifier
from monoql.audit import Actor, record
from monoql.errors import ValidationFailed

SCORING = tuple(FanlistScoring.values)


def translate_ranks(values: list[float], scoring: str) -> list[float]:
    """Translate ranks to scores by ``scoring`` (``raw`` or ``xnum``, see the module docstring)."""
    if scoring == "raw":
        return list(values)
    top = max(values)
    return [1.0 - (value - 1.0) / top for value in values]


def _parse(text: str, identifier: str, scoring: str) -> tuple[int, dict]:
    header, rows = csv_rows(text)
    value_column = "rank" if "rank" in header else "score" if "score" in header else None
    require_columns(header, [(identifier, identifier.lower() in header), ("rank", value_column is not None)])
    keys, values = [], []
    for line_number, row in rows:
        key = normalize_identifier(identifier, row[identifier.lower()])
        if key is None:
            raise bad_line(line_number, f"{identifier} is empty or invalid.", EntriesReason.INVALID_IDENTIFIER)
        try:
            value = float(row[value_column])
        except ValueError:
            raise bad_line(
                line_number, f"{value_column} '{row[value_column]}' is not a number.", EntriesReason.INVALID_RANK
            ) from None
        if scoring == "raw" and not 0.0 <= value <= 1.0:
            raise bad_line(line_number, f"raw score {value} is not between 0 and 1.", EntriesReason.INVALID_RANK)
        if scoring == "xnum" and value < 1:
            raise bad_line(line_number, f"rank {value} is below 1.", EntriesReason.INVALID_RANK)
        keys.append(key)
        values.append(value)
    if not keys:
        raise ValidationFailed("The file holds no rows.", reason=CodesReason.EMPTY_FILE, field="file")
    best: dict[str, tuple[float, float]] = {}
    for key, value, score in zip(keys, values, translate_ranks(values, scoring), strict=True):
        if key not in best or score > best[key][1]:
            best[key] = (value, score)
    return len(keys), best


def upload_fanlist(
    *, campaign_id: str, stream, declared_size: int | None, file_name: str = "fanlist.csv", actor: Actor
) -> FanlistUpload:
    """Store a fanlist file and its fans' scores (all or nothing).

    Args: ``actor``: who uploads (one audit-log row, ``fanlist.upload``).
    Returns: the FanlistUpload (FINISHED, ``rows_in`` data lines, ``rows`` distinct fans).
    Raises: NotFound ``CAMPAIGN_NOT_FOUND``; ValidationFailed ``NOT_FANLIST_CAMPAIGN`` (field
        ``campaignId``), ``MISSING_SCORING``, and the file errors (field ``file``).
    """
    campaign = campaign_or_404(campaign_id)
    if campaign.type != "fanlist":
        raise ValidationFailed(
            "Only fanlist campaigns take fanlists.", reason=EntriesReason.NOT_FANLIST_CAMPAIGN, field="campaignId"
        )
    scoring = (campaign.options or {}).get("scoring")
    scoring = scoring if scoring in SCORING else None
    if scoring is None:
        raise ValidationFailed(
            "Set the campaign's scoring (raw or xnum) first.", reason=EntriesReason.MISSING_SCORING, field="campaignId"
        )
    identifier = campaign.identifier or "memberId"
    text = read_upload(stream, declared_size)
    rows_in, best = _parse(text, identifier, scoring)
    now = timezone.now()
    name = (file_name or "fanlist.csv").replace("/", "_")[:200]
    with transaction.atomic():
        path = store_text(f"fanlist/uploaded/{campaign.pk}/{stamp(now)}.{name}", text)
        upload = FanlistUpload.objects.create(
            campaign=campaign, name=name, path=path, scoring=scoring, rows_in=rows_in, rows=len(best)
        )
        existing = dict(
            FanlistRecord.objects.select_for_update()
            .filter(campaign=campaign, identifier__in=list(best))
            .values_list("identifier", "score")
        )
        keep = {key: pair for key, pair in best.items() if key not in existing or pair[1] > existing[key]}
        FanlistRecord.objects.filter(campaign=campaign, identifier__in=list(keep)).delete()
        FanlistRecord.objects.bulk_create(
            [
                FanlistRecord(campaign=campaign, upload=upload, identifier=key, rank=rank, score=score)
                for key, (rank, score) in keep.items()
            ],
            batch_size=2000,
        )
        upload.status = UploadStatus.FINISHED
        upload.save(update_fields=["status"])
        record(
            actor,
            "fanlist.upload",
            campaign_id=campaign.pk,
            target=f"fanlistUpload:{upload.pk}",
            changes={"name": name, "rowsIn": rows_in, "rows": len(best), "kept": len(keep)},
        )
    return upload
