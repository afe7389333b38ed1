"""``refreshEntryAttribute`` (catalog §3.5): re-check one linkable card attribute and store it on the entry."""

from django.db import transaction
from django.utils import timezone

from entries.models import Entry
from entries.reasons import EntriesReason
from monoql.errors import NotFound, ValidationFailed

# LinkableAttributeType → the card brand the fan's profile must hold (facts.cards).
LINKABLE_ATTRIBUTES = {"card_citi": "CITI", "card_amex": "AMEX", "card_capitalone": "CAPITALONE"}


def refresh_entry_attribute(*, campaign_id: str, fan, attribute: str) -> dict:
    """Store ``attributes[attribute] = <fan's profile holds that card>`` on the fan's entry.

    The facts come from the fan's profile (identity-token claims, refreshed at every ``authenticate``).
    Returns: the entry's ``attributes`` object after the change.
    Raises: ValidationFailed ``INVALID_ATTRIBUTE`` (field ``attribute``); NotFound ``ENTRY_NOT_FOUND``.
    """
    brand = LINKABLE_ATTRIBUTES.get(attribute)
    if brand is None:
        raise ValidationFailed(
            f"Unknown attribute '{attribute}'.", reason=EntriesReason.INVALID_ATTRIBUTE, field="attribute"
        )
    with transaction.atomic():
        entry = Entry.objects.select_for_update().filter(campaign_id=str(campaign_id), fan=fan).first()
        if entry is None:
            raise NotFound(
                "You have no entry in this campaign.", reason=EntriesReason.ENTRY_NOT_FOUND, field="campaignId"
            )
        cards = (fan.profile_facts or {}).get("cards") or []
        entry.attributes = {**entry.attributes, attribute: brand in cards}
        entry.date_updated = timezone.now()
        entry.save(update_fields=["attributes", "date_updated"])
    return entry.attributes
