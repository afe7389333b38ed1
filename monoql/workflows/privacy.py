"""Erasing one fan's data everywhere (catalog §3.6.9, §3.15): a workflow across every app.

It sits above the apps (``docs/architecture.md``): each app erases its own part through its services.
In one transaction: the codes the fan held are detached (they stay used), their registrations are
deleted (entries, scores, verdicts, phone verifications, fanlist records, invites, blacklist rows), the
fan row goes; then every stored CSV is rewritten without the lines naming them and the export files of
the campaigns they entered are deleted (the export rows stay, marked removed).
"""

from django.db import transaction

from codes.services.inventory import detach_fan_codes
from entries.services.privacy import (
    entered_campaign_ids,
    erase_fan_registrations,
    fan_identifiers,
    find_fan,
    scrub_stored_files,
)
from exports.services.exports import remove_export_files_of


def erase_fan(fan_id: str) -> dict:
    """Erase one fan's data everywhere and report it.

    Returns: ``{"fanId", "entries", "phoneVerifications", "codesDetached", "fanlistRecords", "invites",
        "blacklist", "fileLines", "files": [storage keys rewritten], "exportFiles"}`` (counts removed).
    Raises: NotFound ``FAN_NOT_FOUND`` (field ``fanId``).
    """
    fan = find_fan(fan_id)
    campaign_ids = entered_campaign_ids(fan)
    identifiers = fan_identifiers(fan)
    with transaction.atomic():
        report = {"fanId": fan.pk, "codesDetached": detach_fan_codes(fan.pk), **erase_fan_registrations(fan)}
        fan.delete()
        files, lines = scrub_stored_files(identifiers)
    return {**report, "fileLines": lines, "files": files, "exportFiles": remove_export_files_of(campaign_ids)}
