"""Erasing one fan's data everywhere (catalog §3.6.9, §3.15): a workflow across every app.

It sits above the apps (``docs/architecture.md``): each app erases its own part through its services.
In one transaction: the codes the fan held are detached (they stay used), the codes wave preps reserved for
them and not yet assigned are released, their registrations are deleted (entries, scores, verdicts, phone
verifications, fanlist records and invites naming them), the fan row goes; then every stored CSV is rewritten
without the lines naming them and the export files of every campaign linked to them are deleted (the export
rows stay, marked removed). What names the fan is their ids, and an email or phone only when no other fan has
it (``entries.services.privacy.fan_identifiers``); blacklist rows and files are never touched
(decisions.md "Erasure takes only the fan's own").
"""

from django.core import serializers
from django.db import transaction
from django.db.models import ForeignObjectRel, QuerySet
from django.utils import timezone

from accounts.models import Fan
from codes.services.inventory import detach_fan_codes, lock_code_holders
from entries.models import BlacklistEntry, DoNotSellChange, Entry, FanlistRecord, Invite
from entries.selection.services.prepped_zip import scrub_prepped_zips
from entries.selection.services.selection import release_codes_planned_for
from entries.selection.services.waves import scrub_wave_files
from entries.services.privacy import (
    erase_fan_registrations,
    fan_identifiers,
    find_fan,
    linked_campaign_ids,
    own_verified_contacts,
    scrub_stored_files,
)
from exports.services.exports import remove_export_files_of
from monoql.audit import Actor, record, scrub_fan
from monoql.dates import iso

#: Fields never written into a fan's data export (credentials, not data about the fan).
SECRET_FIELDS = {"password", "token", "secret", "key_hash"}


def erase_fan(fan_id: str, *, actor: Actor) -> dict:
    """Erase one fan's data everywhere and report it.

    Beyond the catalog's erase, every stored file that holds the fan loses them (decisions.md "Erasure reaches
    every file"): uploaded CSVs (scored files, fanlists, invite lists, wave recipients) and the prepped zips are
    rewritten without their lines, and every export file of the campaigns linked to them (entries, fanlist
    records, invites, held codes) is deleted. Only what is the fan's goes: their ids, and an email or phone
    no other fan has (decisions.md "Erasure takes only the fan's own"); blacklist rows and files stay.
    Returns: ``{"fanId", "entries", "phoneVerifications", "codesDetached", "codesReleased", "fanlistRecords",
        "invites", "fileLines", "files": [storage keys rewritten], "exportFiles"}`` (counts removed).
    Args: ``actor``: who erased and through which door (the staff fan and ``rest``, or ``manage.py privacy``): the
        audit log's ``fan.erase`` row names them (and the codes' trail of the codes released for the fan). The
        erasure keeps that fact, with its counts and campaigns, and no personal data: the fan's id is not in it,
        and the rows the fan acted in or was the subject of lose their name and data (``monoql.audit.scrub_fan``).
    Raises: NotFound ``FAN_NOT_FOUND`` (field ``fanId``).
    """
    fan = find_fan(fan_id)
    with transaction.atomic():
        identifiers = fan_identifiers(fan)
        campaign_ids = _lock_linked_campaigns(fan, identifiers)
        entry_ids = list(Entry.objects.filter(fan=fan).values_list("pk", flat=True))
        report = {
            "fanId": fan.pk,
            "codesDetached": detach_fan_codes(fan.pk),
            "codesReleased": release_codes_planned_for(entry_ids, actor=actor),
            **erase_fan_registrations(fan, identifiers),
        }
        fan_id = fan.pk
        fan.delete()
        files, lines = scrub_stored_files(identifiers, campaign_ids)
        for more_files, more_lines in (
            scrub_wave_files(campaign_ids, identifiers),
            scrub_prepped_zips(campaign_ids, identifiers),
        ):
            files, lines = files + more_files, lines + more_lines
        scrub_fan(fan_id)
        counts = {key: value for key, value in report.items() if key != "fanId"}
        changes = {**counts, "fileLines": lines, "files": len(files), "campaigns": campaign_ids}
        record(actor, "fan.erase", target="fan", changes=changes)
    return {**report, "fileLines": lines, "files": files, "exportFiles": remove_export_files_of(campaign_ids)}


def _lock_linked_campaigns(fan, identifiers) -> list[str]:
    """Take the exclusive code-holder locks of every campaign linked to ``fan`` (assignments in flight there finish
    first; later ones find the fan gone), again until the set no longer grows. Returns the campaign ids."""
    locked: list[str] = []
    lock_code_holders(locked, exclusive=True, any_fan=True)  # waves name fans by globalUserId in any campaign
    while True:
        campaign_ids = linked_campaign_ids(fan, identifiers)
        if set(campaign_ids) <= set(locked):
            return sorted(set(locked))
        locked = sorted(set(locked) | set(campaign_ids))
        lock_code_holders(locked, exclusive=True, any_fan=True)


def _rows(queryset) -> list[dict]:
    rows = []
    for row in serializers.serialize("python", queryset):
        fields = {name: value for name, value in row["fields"].items() if name not in SECRET_FIELDS}
        rows.append({"id": row["pk"], **fields})
    return rows


def fan_data(fan_id: str) -> dict:
    """Everything stored about one fan (GDPR art. 15, CCPA "right to know"), as JSON-ready data.

    Every table with a row pointing at the fan or at one of their entries is found from the models'
    relations (so a new table is never forgotten), plus the rows naming them by identifier (fanlist records,
    invites) naming them by an identifier only they have (``fan_identifiers``), the blacklist rows matching their
    own verified email or a phone they confirmed, and the audit of their ``doNotSell`` flag.
    Returns: ``{"fanId", "generatedAt" (UTC ISO-8601), "tables": {"app.model": [{"id", field: value…}]}}``;
        only tables holding something are listed; dates are UTC ISO-8601 strings once JSON-encoded.
    Raises: NotFound ``FAN_NOT_FOUND`` (field ``fanId``).
    """
    fan = find_fan(fan_id)
    texts, _ = fan_identifiers(fan)
    entry_ids = list(Entry.objects.filter(fan=fan).values_list("pk", flat=True))
    querysets: list[QuerySet] = [Fan.objects.filter(pk=fan.pk)]
    for model, target in ((Fan, [fan.pk]), (Entry, entry_ids)):
        for relation in model._meta.get_fields(include_hidden=True):
            if isinstance(relation, ForeignObjectRel) and relation.related_model is not None:
                manager = relation.related_model._default_manager
                querysets.append(manager.filter(**{f"{relation.field.name}__in": target}))
    querysets += [
        FanlistRecord.objects.filter(identifier__in=texts),
        Invite.objects.filter(value__in=texts),
        BlacklistEntry.objects.filter(value__in=own_verified_contacts(fan)),
        DoNotSellChange.objects.filter(fan_ref=fan.pk),
    ]
    tables: dict[str, list] = {}
    for queryset in querysets:
        rows = _rows(queryset.order_by("pk"))
        if rows:
            label = queryset.model._meta.label_lower
            known = {row["id"] for row in tables.get(label, [])}
            tables.setdefault(label, []).extend(row for row in rows if row["id"] not in known)
    return {"fanId": fan.pk, "generatedAt": iso(timezone.now()), "tables": tables}
