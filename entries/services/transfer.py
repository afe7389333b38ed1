"""Market transfer (catalog §3.6.8 ``POST /entries/transfer``): move entries' choices from one market to another.

Per entry of the campaign that chose ``from``:
1. ``from`` is the primary market and ``to`` is not chosen → primary becomes ``to``;
2. ``from`` is primary and ``to`` is an additional choice → primary becomes ``to``, ``to`` leaves the additional list;
3. ``from`` is an additional choice and ``to`` is already chosen → ``from`` is removed;
4. ``from`` is an additional choice and ``to`` is not chosen → ``from`` is replaced by ``to`` in place.
Both the entry's form values and its ranked market columns change; ``date.updated`` is stamped.
"""

from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign
from entries.models import MARKET_RANK_FIELDS, Entry
from entries.selectors import entries_choosing
from entries.validation import market_ranks
from monoql.transactions import inside_transaction

BATCH = 2000


def _field_ids(preferences: list[dict]) -> tuple[str | None, str | None]:
    primary = next((f["id"] for f in preferences if f.get("type") == "market_select"), None)
    additional = next((f["id"] for f in preferences if f.get("type") == "additional_markets_select"), None)
    return primary, additional


def transferred_fields(fields: dict, primary_id, additional_id, from_id: str, to_id: str) -> dict:
    """Return ``fields`` with the §3.6.8 rules applied (a new dict; the input is not changed)."""
    fields = dict(fields)
    primary = fields.get(primary_id) if primary_id else None
    additional = list(fields.get(additional_id) or []) if additional_id else []
    if primary == from_id:
        fields[primary_id] = to_id
        if to_id in additional:
            additional.remove(to_id)
    elif from_id in additional:
        if to_id == primary or to_id in additional:
            additional.remove(from_id)
        else:
            additional[additional.index(from_id)] = to_id
    if additional_id and additional_id in fields:
        fields[additional_id] = additional
    return fields


@inside_transaction
def transfer_market_entries(campaign: Campaign, from_market_id: str, to_market_id: str) -> int:
    """Apply the transfer to every entry of ``campaign`` that chose ``from_market_id``.

    Runs inside the caller's transaction (``deleteMarket``; TransactionRequired outside one). Returns: number of
    entries modified.
    """
    primary_id, additional_id = _field_ids(campaign.preferences)
    now = timezone.now()
    entry_ids = list(entries_choosing(campaign.pk, [from_market_id]).values_list("pk", flat=True))
    modified = 0
    fields = ["fields", "date_updated", *MARKET_RANK_FIELDS]
    with transaction.atomic():
        for start in range(0, len(entry_ids), BATCH):
            chunk = list(Entry.objects.select_for_update().filter(pk__in=entry_ids[start : start + BATCH]))
            for entry in chunk:
                entry.fields = transferred_fields(entry.fields, primary_id, additional_id, from_market_id, to_market_id)
                entry.date_updated = now
                entry.set_market_ids(market_ranks(campaign.preferences, entry.fields))
            Entry.objects.bulk_update(chunk, fields)
            modified += len(chunk)
    return modified
