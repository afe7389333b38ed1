"""Assigning codes to an entry (catalog §2.3 ``POST /:campaignId/assign`` with ``entryId``).

The entry is read inside the transaction that writes it onto the codes, after ``lock_code_holders``: a fan
erased meanwhile is either gone before the read (ENTRY_NOT_FOUND) or erased after the codes are written (and
detached then), never half of each.
"""

from django.db import transaction

from codes.services.inventory import Actor, ChangeCount, assign_codes, lock_code_holders
from entries.selectors import entry_in_campaign


def assign_codes_to_entry(
    campaign_id: str, codes, *, actor: Actor, entry_id=None, idempotency_key: str | None = None
) -> ChangeCount:
    """Assign ``codes`` of the campaign, recording entry ``entry_id`` (optional) as their holder.

    Returns: ``{"count": {"in": n codes sent, "updated": n newly assigned}}`` (``codes.services.inventory.assign_codes``).
    Raises: ValidationFailed / NotFound ``ENTRY_NOT_FOUND`` (field ``entryId``); ValidationFailed ``missingCodes``,
        ``invalidCodesProp``, ``emptyCodes``.
    """
    with transaction.atomic():
        lock_code_holders(campaign_id)
        entry = entry_in_campaign(campaign_id, entry_id) if entry_id is not None else None
        return assign_codes(campaign_id, codes, actor=actor, entry=entry, idempotency_key=idempotency_key)
