"""Tags and verdicts (``addTags``, ``flipVerdicts``, admin block/allow; catalog §3.6.4)."""

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from campaigns.selectors import campaign_or_404
from entries.models import Entry, Stat, StatStatus
from entries.reasons import EntriesReason
from entries.services.scoring import normalize_identifier
from monoql.audit import Actor, record
from monoql.errors import ValidationFailed

TARGET_FIELDS = {
    "email": "email",
    "phone": "phone",
    "memberId": "fan__member_id",
    "globalUserId": "fan__global_user_id",
}
FILTER_TYPES = ("allow", "block")
MAX_RECORDS = 100_000
BATCH = 2000


def _tag_name(tag_name) -> str:
    if not isinstance(tag_name, str) or not tag_name.strip() or len(tag_name.strip()) > 64:
        raise ValidationFailed(
            "tagName must be 1–64 characters.", reason=EntriesReason.INVALID_TAG_NAME, field="tagName"
        )
    return tag_name.strip()


def add_tags(*, campaign_id: str, file_records: list, target_field: str, tag_name: str, actor: Actor) -> int:
    """Tag the campaign's entries whose ``target_field`` equals one of ``file_records``.

    Args:
        target_field: ``email``, ``phone``, ``memberId`` or ``globalUserId``.
        file_records: the values (emails lower-cased, phones normalised to E.164 before matching).
        actor: who tags (one audit-log row, ``entries.tag``, with the counts).
    Returns: number of entries that carry the tag now and did not before.
    Raises: NotFound ``CAMPAIGN_NOT_FOUND``; ValidationFailed ``invalidTargetField``, ``INVALID_TAG_NAME``,
        ``TOO_MANY_RECORDS`` (over 100,000 values).
    """
    campaign = campaign_or_404(campaign_id)
    lookup = TARGET_FIELDS.get(target_field)
    if lookup is None:
        raise ValidationFailed(
            f"targetField must be one of {', '.join(TARGET_FIELDS)}.",
            reason=EntriesReason.invalidTargetField,
            field="targetField",
        )
    tag = _tag_name(tag_name)
    if len(file_records) > MAX_RECORDS:
        raise ValidationFailed(
            f"At most {MAX_RECORDS} records per call.", reason=EntriesReason.TOO_MANY_RECORDS, field="fileRecords"
        )
    values = sorted(
        value
        for value in {
            normalize_identifier(target_field, str(v)) for v in file_records if v is not None and str(v).strip()
        }
        if value is not None
    )
    count = 0
    with transaction.atomic():
        for start in range(0, len(values), BATCH):
            entries = list(
                Entry.objects.select_for_update()
                .filter(campaign=campaign, **{f"{lookup}__in": values[start : start + BATCH]})
                .exclude(tags__has_key=tag)
                .only("pk", "tags")
            )
            for entry in entries:
                entry.tags = {**entry.tags, tag: True}
            Entry.objects.bulk_update(entries, ["tags"], batch_size=500)
            count += len(entries)
        changes = {"tag": tag, "targetField": target_field, "records": len(values), "tagged": count}
        record(actor, "entries.tag", campaign_id=campaign.pk, changes=changes)
    return count


def flip_verdicts(*, campaign_id: str, tag_name: str, filter_type: str, actor: Actor) -> int:
    """Set ``verdict`` on the campaign's entries tagged ``tag_name``: ``allow`` → true, ``block`` → false.

    Records the run as a ``filterList`` Stat (dateId = the tag name, count ``{tagged, updated}``) and one
    audit-log row by ``actor`` (``entries.verdicts``).
    Returns: number of entries whose verdict changed.
    Raises: NotFound; ValidationFailed ``INVALID_FILTER_TYPE`` (field ``filterType``), ``INVALID_TAG_NAME``.
    """
    campaign = campaign_or_404(campaign_id)
    tag = _tag_name(tag_name)
    if filter_type not in FILTER_TYPES:
        raise ValidationFailed(
            "filterType must be allow or block.", reason=EntriesReason.INVALID_FILTER_TYPE, field="filterType"
        )
    verdict = filter_type == "allow"
    with transaction.atomic():
        tagged = Entry.objects.filter(campaign=campaign, tags__has_key=tag)
        total = tagged.count()
        updated = tagged.exclude(verdict=verdict).update(verdict=verdict, date_updated=timezone.now())
        Stat.objects.update_or_create(
            campaign=campaign,
            market_id="",
            date_id=tag,
            type="filterList",
            defaults={
                "status": StatStatus.FINISHED,
                "count": {"tagged": total, "updated": updated},
                "meta": {"tagName": tag, "filterType": filter_type},
            },
        )
        changes = {"tag": tag, "filterType": filter_type, "tagged": total, "updated": updated}
        record(actor, "entries.verdicts", campaign_id=campaign.pk, changes=changes)
    return updated


def set_verdicts(entry_ids: list[int], verdict: bool, *, actor: Actor) -> int:
    """Block (``False``) or allow (``True``) entries by id (admin bulk action); one audit-log row per campaign
    concerned (``entries.verdicts``: how many entries were chosen and changed). Returns rows changed."""
    with transaction.atomic():
        entries = Entry.objects.filter(pk__in=entry_ids)
        chosen = dict(entries.values("campaign_id").annotate(n=Count("pk")).values_list("campaign_id", "n").order_by())
        changed = dict(
            entries.exclude(verdict=verdict)
            .values("campaign_id")
            .annotate(n=Count("pk"))
            .values_list("campaign_id", "n")
            .order_by()
        )
        updated = entries.exclude(verdict=verdict).update(verdict=verdict, date_updated=timezone.now())
        for campaign_id in sorted(chosen):
            changes = {"verdict": verdict, "entries": chosen[campaign_id], "updated": changed.get(campaign_id, 0)}
            record(actor, "entries.verdicts", campaign_id=campaign_id, changes=changes)
        return updated
