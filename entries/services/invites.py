"""Invite lists (gate ``inviteOnly``, catalog §3.5): the identifiers a campaign lets register."""

from django.db import transaction

from campaigns.selectors import campaign_or_404
from entries.models import FanIdentifierType, Invite
from entries.services.scoring import normalize_identifier
from monoql.errors import ValidationFailed


def add_invites(*, campaign_id: str, identifier_type: str, values: list[str]) -> int:
    """Add identifiers to the campaign's invite list (emails lower-cased; duplicates ignored).

    Args:
        identifier_type: ``memberId``, ``globalUserId`` or ``email`` (``FanIdentifier``).
        values: the identifiers.
    Returns: number of identifiers newly added.
    Raises: NotFound ``CAMPAIGN_NOT_FOUND``; ValidationFailed ``INVALID_IDENTIFIER_TYPE`` (field
        ``identifierType``), ``EMPTY_INVITE_LIST`` (field ``values``).
    """
    if identifier_type not in FanIdentifierType.values:
        raise ValidationFailed(
            "identifierType must be memberId, globalUserId or email.",
            reason="INVALID_IDENTIFIER_TYPE",
            field="identifierType",
        )
    campaign = campaign_or_404(campaign_id)
    cleaned = {
        value
        for value in (normalize_identifier(identifier_type, str(v)) for v in values if v is not None)
        if value is not None
    }
    if not cleaned:
        raise ValidationFailed("No identifiers to invite.", reason="EMPTY_INVITE_LIST", field="values")
    with transaction.atomic():
        before = Invite.objects.filter(campaign=campaign, identifier_type=identifier_type).count()
        Invite.objects.bulk_create(
            [Invite(campaign=campaign, identifier_type=identifier_type, value=value) for value in sorted(cleaned)],
            ignore_conflicts=True,
            batch_size=2000,
        )
        return Invite.objects.filter(campaign=campaign, identifier_type=identifier_type).count() - before
