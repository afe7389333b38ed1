"""Invite lists (gate ``inviteOnly``, catalog §3.5; seed 000 scenario 2): the identifiers a campaign lets register.

Staff load a list with ``uploadInvites``: a CSV whose header names the column of the identifier the campaign's
``inviteOnly`` gate uses (``memberId``, ``globalUserId`` or ``email``). The file is checked whole before
anything is stored (a bad line names the file and the line), capped like the other uploads
(``SCORING_UPLOAD_MAX_BYTES``), and refused when a value would start a spreadsheet formula. Lists only grow;
identifiers already invited are ignored. The stored copy lives under ``invites/uploaded/{campaignId}/`` and is
rewritten without a fan's line when they are erased.
"""

from django.db import transaction
from django.utils import timezone

from campaigns.selectors import campaign_or_404
from codes.reasons import CodesReason
from entries.models import FanIdentifierType, Invite, InviteUpload
from entries.reasons import EntriesReason
from entries.services.csv_files import bad_line, csv_rows, read_upload, require_columns, stamp, store_text
from entries.services.scoring import normalize_identifier
from monoql.audit import Actor, record
from monoql.csv_safety import starts_a_formula
from monoql.errors import ValidationFailed

BATCH = 2000


def invite_folder(campaign_id: str) -> str:
    """The storage folder of a campaign's uploaded invite lists."""
    return f"invites/uploaded/{campaign_id}"


def add_invites(*, campaign_id: str, identifier_type: str, values: list[str], actor: Actor) -> int:
    """Add identifiers to the campaign's invite list (emails lower-cased; duplicates ignored).

    Args:
        identifier_type: ``memberId``, ``globalUserId`` or ``email`` (``FanIdentifier``).
        values: the identifiers.
        actor: who adds them (one audit-log row, ``invites.add``).
    Returns: number of identifiers newly added.
    Raises: NotFound ``CAMPAIGN_NOT_FOUND``; ValidationFailed ``INVALID_IDENTIFIER_TYPE`` (field
        ``identifierType``), ``EMPTY_INVITE_LIST`` (field ``values``).
    """
    if identifier_type not in FanIdentifierType.values:
        raise ValidationFailed(
            "identifierType must be memberId, globalUserId or email.",
            reason=EntriesReason.INVALID_IDENTIFIER_TYPE,
            field="identifierType",
        )
    campaign = campaign_or_404(campaign_id)
    cleaned = {
        value
        for value in (normalize_identifier(identifier_type, str(v)) for v in values if v is not None)
        if value is not None
    }
    if not cleaned:
        raise ValidationFailed("No identifiers to invite.", reason=EntriesReason.EMPTY_INVITE_LIST, field="values")
    with transaction.atomic():
        added = _insert(campaign, identifier_type, cleaned)
        changes = {"identifierType": identifier_type, "values": len(cleaned), "added": added}
        record(actor, "invites.add", campaign_id=campaign.pk, changes=changes)
        return added


def _insert(campaign, identifier_type: str, values: set[str]) -> int:
    before = Invite.objects.filter(campaign=campaign, identifier_type=identifier_type).count()
    Invite.objects.bulk_create(
        [Invite(campaign=campaign, identifier_type=identifier_type, value=value) for value in sorted(values)],
        ignore_conflicts=True,
        batch_size=BATCH,
    )
    return Invite.objects.filter(campaign=campaign, identifier_type=identifier_type).count() - before


def parse_invites(text: str, identifier_type: str) -> tuple[int, set[str]]:
    """Validate an invite file; returns ``(data lines, {identifier})`` in their stored spelling.

    Raises: ValidationFailed (field ``file``): ``MISSING_COLUMN`` (``extensions.column``), and per line
        (``extensions.line``) ``INVALID_IDENTIFIER`` (empty, not an email address, or starting a formula);
        ``EMPTY_FILE``.
    """
    header, rows = csv_rows(text)
    column = identifier_type.lower()
    require_columns(header, ((identifier_type, column in header),))
    values: set[str] = set()
    for line_number, row in rows:
        raw = row[column]
        value = normalize_identifier(identifier_type, raw)
        if value is None:
            raise bad_line(line_number, f"{identifier_type} is empty.", EntriesReason.INVALID_IDENTIFIER)
        if starts_a_formula(value):
            raise bad_line(
                line_number,
                f"{identifier_type} '{raw}' starts like a spreadsheet formula.",
                EntriesReason.INVALID_IDENTIFIER,
            )
        if identifier_type == FanIdentifierType.EMAIL and (value.count("@") != 1 or "." not in value.split("@")[1]):
            raise bad_line(line_number, f"'{raw}' is not an email address.", EntriesReason.INVALID_IDENTIFIER)
        values.add(value)
    if not values:
        raise ValidationFailed("The file holds no rows.", reason=CodesReason.EMPTY_FILE, field="file")
    return len(rows), values


def upload_invites(
    *, campaign_id: str, stream, declared_size: int | None, file_name: str | None, actor: Actor
) -> InviteUpload:
    """Load a CSV into the campaign's invite list (``uploadInvites``), all or nothing.

    Args: ``stream`` (binary file-like), ``declared_size`` (the client's ``fileSize``, bytes), ``file_name``,
        ``actor`` (who uploads: the staff fan is recorded as ``uploaded_by``; one audit-log row, ``invites.upload``).
    Returns: the InviteUpload (``rows_in`` data lines, ``added`` identifiers new to the list).
    Raises: NotFound ``CAMPAIGN_NOT_FOUND``; ValidationFailed ``NOT_INVITE_ONLY`` (field ``campaignId``: the
        campaign has no ``inviteOnly`` gate saying which identifier the list uses), the file errors of
        ``read_upload`` and ``parse_invites`` (field ``file``/``fileSize``). Nothing is stored on failure.
    """
    campaign = campaign_or_404(campaign_id)
    identifier_type = ((campaign.options or {}).get("gate") or {}).get("inviteOnly")
    if identifier_type not in FanIdentifierType.values:
        raise ValidationFailed(
            "Set the campaign's inviteOnly gate first: it says which identifier the invite list uses.",
            reason=EntriesReason.NOT_INVITE_ONLY,
            field="campaignId",
        )
    text = read_upload(stream, declared_size)
    rows_in, values = parse_invites(text, identifier_type)
    name = (file_name or "invites.csv").replace("/", "_")[:200]
    with transaction.atomic():
        path = store_text(f"{invite_folder(campaign.pk)}/{stamp(timezone.now())}.{name}", text)
        added = _insert(campaign, identifier_type, values)
        upload = InviteUpload.objects.create(
            campaign=campaign,
            name=name,
            path=path,
            identifier_type=identifier_type,
            rows_in=rows_in,
            added=added,
            uploaded_by=actor.fan,
        )
        record(
            actor,
            "invites.upload",
            campaign_id=campaign.pk,
            target=f"inviteUpload:{upload.pk}",
            changes={"name": name, "rowsIn": rows_in, "added": added},
        )
        return upload
