"""Privacy (catalog §3.6.9, §3.15): ``doNotSell`` and erasing one fan's data everywhere.

- ``set_do_not_sell`` flags the fan and clears the opt-in fields of their entries (``DO_NOT_SELL`` →
  ``allow_marketing = false``; every ``opt_in`` field of the campaign's form is cleared); new and updated
  entries of such a fan keep their opt-ins cleared (``upsert_entry``); opt-in exports leave them out.
- erasing (``monoql.workflows.privacy.erase_fan``, which calls the parts here) removes the fan, their entries (with scores, tags, verdicts), phone verifications,
  permissions, fanlist records, invites and blacklist rows naming them, rewrites every stored CSV
  (scored files, fanlists, blacklists) without the lines naming them, and detaches codes they held
  (the codes stay used), and deletes the export files of the campaigns they entered (catalog §3.9 "CCPA
  delete": all types but ``verifiedEntries`` and ``scoring``; the export rows stay, marked removed). It
  reports what was removed.
"""

import csv
import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from accounts.models import Fan
from entries.models import (
    BlacklistEntry,
    DoNotSellChange,
    Entry,
    FanlistRecord,
    FanlistUpload,
    Invite,
    ScoredFile,
)
from entries.validation import e164, opt_in_field_ids
from monoql.errors import NotFound

BLACKLIST_FOLDER = "blacklist"


def _fan(fan_id: str) -> Fan:
    fan = Fan.objects.filter(pk=str(fan_id)).first()
    if fan is None:
        raise NotFound("No such fan.", reason="FAN_NOT_FOUND", field="fanId")
    return fan


def set_do_not_sell(
    fan_id: str, do_not_sell: bool = True, *, actor_label: str = "command", channel: str = "command"
) -> int:
    """Set the fan's ``doNotSell`` flag; when set, clear the opt-ins of their entries; audit the change
    (``DoNotSellChange``: who — ``"fan"`` for the fan themselves, else the staff user or command — and the door).

    Returns: number of entries whose opt-ins were cleared. Raises: NotFound ``FAN_NOT_FOUND``.
    """
    with transaction.atomic():
        fan = _fan(fan_id)
        fan.do_not_sell = do_not_sell
        fan.save(update_fields=["do_not_sell", "date_updated"])
        cleared = _clear_opt_ins(fan) if do_not_sell else 0
        DoNotSellChange.objects.create(
            fan_ref=fan.pk,
            do_not_sell=do_not_sell,
            actor_label=actor_label[:255],
            channel=channel,
            entries_cleared=cleared,
        )
        return cleared


def _clear_opt_ins(fan: Fan) -> int:
    """Clear every opt-in answer of the fan's entries (inside the caller's transaction); returns entries changed."""
    cleared = 0
    for entry in Entry.objects.select_for_update(of=("self",)).select_related("campaign").filter(fan=fan):
        opt_in_ids = opt_in_field_ids(entry.campaign.preferences)
        opt_ins = [fid for fid in opt_in_ids if entry.fields.get(fid) not in (None, False)]
        if opt_ins:
            entry.fields = {**entry.fields, **{fid: False for fid in opt_ins}}
            entry.save(update_fields=["fields", "date_updated"])
            cleared += 1
    return cleared


def _identifiers(fan: Fan) -> tuple[set[str], set[str]]:
    """``(texts, phones)`` naming the fan: lower-cased emails and ids; E.164 phones."""
    texts = {v.lower() for v in (fan.email, fan.member_id, fan.global_user_id, fan.pk) if v}
    phones = {fan.phone} if fan.phone else set()
    for email, phone in Entry.objects.filter(fan=fan).values_list("email", "phone"):
        if email:
            texts.add(email.lower())
        if phone:
            phones.add(phone)
    return texts, phones


def _names_fan(cells: list[str], texts: set[str], phones: set[str]) -> bool:
    for cell in cells:
        value = cell.strip()
        if not value:
            continue
        if value.lower() in texts:
            return True
        if phones and any(ch.isdigit() for ch in value) and e164(value) in phones:
            return True
    return False


def _scrub_file(key: str, texts: set[str], phones: set[str]) -> int:
    """Rewrite one stored CSV without the lines naming the fan; returns lines removed."""
    try:
        with default_storage.open(key, "rb") as handle:
            text = handle.read().decode("utf-8-sig")
    except (FileNotFoundError, OSError, UnicodeDecodeError):
        return 0
    kept, removed = scrub_csv_text(text, (texts, phones))
    if removed:
        default_storage.delete(key)
        default_storage.save(key, ContentFile(kept.encode("utf-8")))
    return removed


def _stored_files() -> list[str]:
    keys = list(ScoredFile.objects.values_list("path", flat=True)) + list(
        FanlistUpload.objects.values_list("path", flat=True)
    )
    try:
        _, files = default_storage.listdir(BLACKLIST_FOLDER)
        keys += [f"{BLACKLIST_FOLDER}/{name}" for name in files]
    except (FileNotFoundError, OSError):
        pass
    return keys


def find_fan(fan_id: str) -> Fan:
    """Return the fan ``fan_id``. Raises: NotFound ``FAN_NOT_FOUND`` (field ``fanId``)."""
    return _fan(fan_id)


def entered_campaign_ids(fan: Fan) -> list[str]:
    """Return the ids of the campaigns ``fan`` has an entry in."""
    return list(Entry.objects.filter(fan=fan).values_list("campaign_id", flat=True))


def erase_fan_registrations(fan: Fan) -> dict:
    """Delete what names ``fan`` among registrations (call inside the erasing transaction, before the fan row goes).

    Entries, scores, tags, verdicts and phone verifications go with the fan row (cascade); this counts them
    and deletes the rows that name the fan by identifier: fanlist records, invites, blacklist rows.
    Returns: ``{"entries", "phoneVerifications", "fanlistRecords", "invites", "blacklist"}`` (counts).
    """
    texts, phones = _identifiers(fan)
    return {
        "entries": Entry.objects.filter(fan=fan).count(),
        "phoneVerifications": fan.phone_verifications.count(),
        "fanlistRecords": FanlistRecord.objects.filter(identifier__in=texts).delete()[0],
        "invites": Invite.objects.filter(value__in=texts).delete()[0],
        "blacklist": BlacklistEntry.objects.filter(value__in=texts | phones).delete()[0],
    }


def scrub_stored_files(identifiers: tuple[set[str], set[str]]) -> tuple[list[str], int]:
    """Rewrite every stored CSV (scored files, fanlists, blacklists) without the lines naming the fan.

    Args: ``identifiers``: ``fan_identifiers(fan)`` taken before the fan was deleted.
    Returns: ``(storage keys rewritten, lines removed)``.
    """
    return scrub_files(_stored_files(), identifiers)


def fan_identifiers(fan: Fan) -> tuple[set[str], set[str]]:
    """Return ``(texts, phones)``: the fan's id, email and phone spellings that stored files may hold."""
    return _identifiers(fan)


def scrub_files(keys: list[str], identifiers: tuple[set[str], set[str]]) -> tuple[list[str], int]:
    """Rewrite the stored CSVs ``keys`` without the lines naming the fan (``fan_identifiers``).

    Returns: ``(keys rewritten, lines removed)``.
    """
    texts, phones = identifiers
    files, lines = [], 0
    for key in keys:
        removed = _scrub_file(key, texts, phones)
        if removed:
            files.append(key)
            lines += removed
    return files, lines


def scrub_csv_text(text: str, identifiers: tuple[set[str], set[str]]) -> tuple[str, int]:
    """``text`` (CSV) without the lines naming the fan, and how many lines went."""
    texts, phones = identifiers
    kept, removed = [], 0
    for line in text.splitlines(keepends=True):
        if _names_fan(next(csv.reader(io.StringIO(line)), []), texts, phones):
            removed += 1
        else:
            kept.append(line)
    return "".join(kept), removed
