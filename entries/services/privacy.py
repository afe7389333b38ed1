"""Privacy (catalog §3.6.9, §3.15): ``doNotSell`` and erasing one fan's data everywhere.

- ``set_do_not_sell`` flags the fan and clears the opt-in fields of their entries (``DO_NOT_SELL`` →
  ``allow_marketing = false``; every ``opt_in`` field of the campaign's form is cleared); new and updated
  entries of such a fan keep their opt-ins cleared (``upsert_entry``); opt-in exports leave them out.
- erasing (``monoql.workflows.privacy.erase_fan``, which calls the parts here) removes the fan, their entries
  (with scores, tags, verdicts), phone verifications, permissions, and the fanlist records and invites naming
  them by an identifier only they have (``fan_identifiers``); rewrites the stored uploads (scored files,
  fanlists, invite lists) without the lines naming them; detaches codes they held (the codes stay used) and
  deletes the export files of every campaign linked to them (catalog §3.9 "CCPA delete"; the export rows
  stay, marked removed). Blacklist rows and files are never touched. It reports what was removed.
"""

import csv
import hashlib
import hmac
import io
from collections.abc import Collection, Iterable, Iterator

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower

from accounts.models import Fan
from entries.models import (
    DoNotSellChange,
    Entry,
    FanFileUpload,
    FanlistRecord,
    FanlistUpload,
    Invite,
    ScoredFile,
    UploadStatus,
)
from entries.reasons import EntriesReason
from entries.services.invites import invite_folder
from entries.validation import e164, opt_in_field_ids
from monoql.audit import Actor, ActorKind, record
from monoql.errors import NotFound
from monoql.transactions import inside_transaction, require_transaction

#: What names a fan, as ``fan_identifiers`` gives it (``(texts, phones)``, plain sets) or as an erasure job keeps it
#: after the fan row is gone (``DigestSet`` pairs): only ``value in …`` is asked of either.
Identifiers = tuple[Collection[str], Collection[str]]


class DigestSet(Collection[str]):
    """Identifiers kept as keyed digests (HMAC-SHA256 under ``SECRET_KEY``): ``value in digests`` digests ``value``
    and looks it up, so an erasure job can scrub files after the fan's row is gone without keeping their email or
    phone in clear (``identifier_digests``). Iterating gives the digests, never the identifiers."""

    def __init__(self, digests: Iterable[str] = ()):
        self.digests = frozenset(digests)

    @staticmethod
    def digest(value: str) -> str:
        """The keyed digest of ``value`` (hex)."""
        return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()

    @classmethod
    def of(cls, values: Iterable[str]) -> "DigestSet":
        """The digests of ``values``."""
        return cls(cls.digest(value) for value in values)

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and self.digest(value) in self.digests

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.digests))

    def __len__(self) -> int:
        return len(self.digests)


def identifier_digests(identifiers: tuple[set[str], set[str]]) -> dict:
    """``{"texts": [digest…], "phones": [digest…]}`` of ``fan_identifiers(fan)``: JSON an erasure job stores."""
    texts, phones = identifiers
    return {"texts": list(DigestSet.of(texts)), "phones": list(DigestSet.of(phones))}


def identifiers_from_digests(document: dict) -> Identifiers:
    """The ``Identifiers`` of an ``identifier_digests`` document, for ``scrub_files``/``scrub_csv_text``."""
    return DigestSet(document.get("texts") or ()), DigestSet(document.get("phones") or ())


def _fan(fan_id: str) -> Fan:
    fan = Fan.objects.filter(pk=str(fan_id)).first()
    if fan is None:
        raise NotFound("No such fan.", reason=EntriesReason.FAN_NOT_FOUND, field="fanId")
    return fan


def set_do_not_sell(fan_id: str, do_not_sell: bool = True, *, actor: Actor) -> int:
    """Set the fan's ``doNotSell`` flag; when set, clear the opt-ins of their entries; audit the change: the flag's
    own trail (``DoNotSellChange``: who — ``"fan"`` for the fan themselves, else the staff user or command — and
    the door) and one audit-log row (``fan.doNotSell``, about the fan).

    Args: ``actor``: the fan themselves (``Actor.fan_self``), a staff member or an operator's command.
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
            actor_label="fan" if actor.kind == ActorKind.FAN else actor.label[:255],
            channel=actor.channel,
            entries_cleared=cleared,
        )
        record(
            actor,
            "fan.doNotSell",
            target=f"fan:{fan.pk}",
            subject_fan_id=fan.pk,
            changes={"doNotSell": do_not_sell, "entriesCleared": cleared},
        )
        return cleared


@inside_transaction
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


def _fan_ids(fan: Fan) -> set[str]:
    """The fan's own ids (fan id, globalUserId, memberId), as stored and lower-cased: always theirs."""
    ids = {v for v in (fan.pk, fan.global_user_id, fan.member_id) if v}
    return ids | {v.lower() for v in ids}


def _typed_contacts(fan: Fan) -> tuple[set[str], set[str]]:
    """``(emails, phones)`` on the fan record or typed into the fan's entries: lower-cased, E.164."""
    emails = {fan.email.lower()} if fan.email else set()
    phones = {fan.phone} if fan.phone else set()
    for email, phone, confirmed in Entry.objects.filter(fan=fan).values_list("email", "phone", "confirmed_phone"):
        emails |= {email.lower()} if email else set()
        phones |= {value for value in (phone, confirmed) if value}
    return emails, phones


def _others_contacts(fan: Fan, emails: set[str], phones: set[str]) -> tuple[set[str], set[str]]:
    """Which of ``emails``/``phones`` another fan has on their record or typed into one of their entries."""
    shared_emails: set[str] = set()
    shared_phones: set[str] = set()
    if emails:
        others = Fan.objects.exclude(pk=fan.pk).annotate(email_lower=Lower("email"))
        shared_emails |= set(others.filter(email_lower__in=emails).values_list("email_lower", flat=True))
        shared_emails |= set(
            Entry.objects.exclude(fan=fan).filter(email__in=emails).values_list("email", flat=True).distinct()
        )
    if phones:
        shared_phones |= set(Fan.objects.exclude(pk=fan.pk).filter(phone__in=phones).values_list("phone", flat=True))
        for phone, confirmed in (
            Entry.objects.exclude(fan=fan)
            .filter(Q(phone__in=phones) | Q(confirmed_phone__in=phones))
            .values_list("phone", "confirmed_phone")
        ):
            shared_phones |= {value for value in (phone, confirmed) if value in phones}
    return shared_emails, shared_phones


def fan_identifiers(fan: Fan) -> tuple[set[str], set[str]]:
    """``(texts, phones)`` naming the fan and nobody else (decisions.md "Erasure takes only the fan's own").

    ``texts``: the fan's ids (always) and the lower-cased emails only they have; ``phones``: the E.164 phones
    only they have. An email or phone counts as theirs — on their record or typed into one of their entries —
    only when no other fan has it on their record or in an entry. A stored line or row is the fan's when it holds
    one of them; a line naming only a shared contact is not.
    """
    emails, phones = _typed_contacts(fan)
    shared_emails, shared_phones = _others_contacts(fan, emails, phones)
    return _fan_ids(fan) | (emails - shared_emails), phones - shared_phones


def own_verified_contacts(fan: Fan) -> set[str]:
    """The fan's own verified email (from the identity provider, lower-cased) and the phones they confirmed
    (E.164): what a blacklist row must match to be listed in their data export."""
    values = {fan.email.lower()} if fan.email else set()
    confirmed = Entry.objects.filter(fan=fan, confirmed_phone__isnull=False).values_list("confirmed_phone", flat=True)
    return values | {phone for phone in confirmed if phone}


def _names_fan(cells: list[str], texts: Collection[str], phones: Collection[str]) -> bool:
    for cell in cells:
        value = cell.strip()
        if not value:
            continue
        if value.lower() in texts:
            return True
        if phones and any(ch.isdigit() for ch in value) and e164(value) in phones:
            return True
    return False


def _scrub_file(key: str, texts: Collection[str], phones: Collection[str]) -> int:
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


def _stored_files(campaign_ids: list[str]) -> list[str]:
    """Every stored upload that may name a fan: all scored files and fanlists, and the invite lists of
    ``campaign_ids``. Never the blacklist files (decisions.md "Erasure takes only the fan's own")."""
    keys = list(ScoredFile.objects.values_list("path", flat=True)) + list(
        FanlistUpload.objects.values_list("path", flat=True)
    )
    waiting = FanFileUpload.objects.exclude(status=UploadStatus.FINISHED)
    keys += list(waiting.values_list("file_key", flat=True))  # console uploads not yet read, or kept for a retry
    for campaign_id in campaign_ids:
        folder = invite_folder(campaign_id)
        try:
            _, files = default_storage.listdir(folder)
        except (FileNotFoundError, OSError):
            continue
        keys += [f"{folder}/{name}" for name in files]
    return keys


def find_fan(fan_id: str) -> Fan:
    """Return the fan ``fan_id``. Raises: NotFound ``FAN_NOT_FOUND`` (field ``fanId``)."""
    return _fan(fan_id)


def linked_campaign_ids(fan: Fan, identifiers: tuple[set[str], set[str]]) -> list[str]:
    """The campaigns the database links to ``fan``: their entries (and so their outcome rows), fanlist records
    and invites naming them (``identifiers`` = ``fan_identifiers(fan)``), and the codes they hold (waves'
    recipients included).

    Returns: sorted campaign ids.
    """
    texts, _ = identifiers
    ids = set(Entry.objects.filter(fan=fan).values_list("campaign_id", flat=True))
    ids |= set(FanlistRecord.objects.filter(identifier__in=texts).values_list("campaign_id", flat=True))
    ids |= set(Invite.objects.filter(value__in=texts).values_list("campaign_id", flat=True))
    ids |= set(fan.codes.values_list("campaign_id", flat=True))
    return sorted(ids)


def erase_fan_registrations(fan: Fan, identifiers: tuple[set[str], set[str]]) -> dict:
    """Delete what names ``fan`` among registrations (call inside the erasing transaction, before the fan row goes).

    Entries, scores, tags, verdicts and phone verifications go with the fan row (cascade); this counts them
    and deletes the fanlist records and invites naming the fan by an identifier only they have
    (``identifiers`` = ``fan_identifiers(fan)``). Blacklist rows are never deleted: fraud prevention is
    outside the erasure cascade (decisions.md "Erasure takes only the fan's own").
    Returns: ``{"entries", "phoneVerifications", "fanlistRecords", "invites"}`` (counts).
    Raises: TransactionRequired outside a transaction.
    """
    require_transaction("erase_fan_registrations (the erasing one)")
    texts, _ = identifiers
    return {
        "entries": Entry.objects.filter(fan=fan).count(),
        "phoneVerifications": fan.phone_verifications.count(),
        "fanlistRecords": FanlistRecord.objects.filter(identifier__in=texts).delete()[0],
        "invites": Invite.objects.filter(value__in=texts).delete()[0],
    }


def scrub_stored_files(identifiers: Identifiers, campaign_ids: list[str]) -> tuple[list[str], int]:
    """Rewrite the stored uploads (scored files, fanlists, the invite lists of ``campaign_ids``) without the
    lines naming the fan; blacklist files are left alone.

    Args: ``identifiers``: ``fan_identifiers(fan)`` taken before the fan was deleted; ``campaign_ids``:
        ``linked_campaign_ids(fan, identifiers)``.
    Returns: ``(storage keys rewritten, lines removed)``.
    """
    return scrub_files(_stored_files(campaign_ids), identifiers)


def scrub_files(keys: list[str], identifiers: Identifiers) -> tuple[list[str], int]:
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


def scrub_csv_text(text: str, identifiers: Identifiers) -> tuple[str, int]:
    """``text`` (CSV) without the lines naming the fan, and how many lines went."""
    texts, phones = identifiers
    kept, removed = [], 0
    for line in text.splitlines(keepends=True):
        if _names_fan(next(csv.reader(io.StringIO(line)), []), texts, phones):
            removed += 1
        else:
            kept.append(line)
    return "".join(kept), removed
