"""Code reads shared by adapters."""

from entries.models import Entry
from monoql.errors import NotFound, ValidationFailed


def entry_in_campaign(campaign_id: str, entry_id) -> Entry:
    """Return the entry ``entry_id`` of the campaign. Raises ValidationFailed / NotFound ``ENTRY_NOT_FOUND``."""
    try:
        entry_pk = int(entry_id)
    except (TypeError, ValueError) as error:
        raise ValidationFailed("entryId must be an entry id.", reason="ENTRY_NOT_FOUND", field="entryId") from error
    entry = Entry.objects.filter(pk=entry_pk, campaign_id=campaign_id).first()
    if entry is None:
        raise NotFound("Entry not found for specified user.", reason="ENTRY_NOT_FOUND", field="entryId")
    return entry
