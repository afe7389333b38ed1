"""SMS/email waves: ``uploadWave``, ``cancelWave`` and the sender (catalog §3.7.3; decisions.md #47).

A wave is a recipient CSV (``Registrant`` columns: ``code, doNotText, email, firstName, lastName, link,
locale, marketId, globalUserId, mobileNumber, smsText`` — the ``sms/`` and ``email/`` files of a prepped
zip upload as they are) plus its config, stored at ``smsWaves/csv/{waveName}.csv`` with
``waveName = {campaignId}_{fileNameWithoutExtension}``. The notify date must be at least one day ahead.

The beat (``send_due_waves``, every minute) claims each scheduled wave whose notify date has come
(scheduled → processing, a conditional update: one sender per wave) and queues ``process_wave``, which assigns its codes (rows without a
code get one from the campaign's ``tm`` pool when ``generateOfferCode``; ``tiedToAccount`` binds each code
to the row's fan and refuses a code bound to another fan; ``singleUse`` means once per campaign: a code
on a second row, or already assigned to another fan (in an earlier wave or by selection), is refused;
refused codes are counted and listed, with why, in ``count.codes.refusedCodes``),
→ triggered, then sends in batches of 200: SMS for North-American numbers (``+1``) not marked
``doNotText``, email otherwise or when the SMS fails, → completed (failed when the wave could not be
processed), with ``{total, ok, failed, detail: {sms: {sent, failed}, email: {sent, failed}}, codes: {…}}``.
"""

import copy
import logging
import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Fan
from accounts.reasons import AccountsReason
from accounts.services import hold_fan
from campaigns.models import Market
from campaigns.selectors import campaign_or_404
from codes.models import Code, CodeType
from codes.reasons import CodesReason
from codes.services.inventory import lock_code_holders, reserve_codes
from entries.models import Entry
from entries.reasons import EntriesReason
from entries.selection.models import Wave, WaveStatus
from entries.services.csv_files import bad_line, csv_rows, read_upload, store_text
from entries.services.privacy import Identifiers, scrub_files
from monoql.audit import Actor, model_diff, record
from monoql.dates import iso, parse_iso
from monoql.errors import NotFound, ValidationFailed
from monoql.jobs import Heartbeat, Superseded, stale_cutoff
from monoql.locks import SELECTION_DATA, lock
from monoql.queue import enqueue_on_commit
from monoql.sms import send_sms

logger = logging.getLogger("monoql.waves")

SWEEP_TASK = "entries.send_due_waves"
PROCESS_TASK = "entries.process_wave"
SEND_BATCH = 200
LEAD_TIME = timedelta(days=1)
NORTH_AMERICA = re.compile(r"^\+?1\d{10}$")
CONTACT_COLUMNS = ("email", "mobilenumber")
_BOOLEAN = {"", "true", "false"}


#: How long a wave's row waits for the campaign's selection lock (a wave prep holds it for its whole run).
WAVE_LOCK_SECONDS = 600.0


def csv_key(wave_name: str) -> str:
    """``smsWaves/csv/{waveName}.csv``."""
    return f"smsWaves/csv/{wave_name}.csv"


def wave_name_for(campaign_id: str, file_name) -> str:
    """``{campaignId}_{file name without folder and extension}``. Raises ValidationFailed ``INVALID_FILE_NAME``."""
    stem = str(file_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = stem[:-4] if stem.lower().endswith(".csv") else stem
    if stem.startswith(f"{campaign_id}_"):
        stem = stem[len(campaign_id) + 1 :]
    if not stem or not re.fullmatch(r"[A-Za-z0-9._-]{1,150}", stem):
        raise ValidationFailed(
            "fileName must be 1–150 letters, digits, '.', '_' or '-' (optionally ending in .csv).",
            reason=EntriesReason.INVALID_FILE_NAME,
            field="fileName",
        )
    return f"{campaign_id}_{stem}"


def parse_config(config: dict, now) -> dict:
    """Validate ``WaveConfigInput``; returns ``{campaign_id, category_id, total_limit, generate_offer_code,
    tied_to_account, single_use, date_notify}``.

    Raises ValidationFailed naming ``config.<field>``: ``MISSING_CAMPAIGN_ID``, ``INVALID_NOTIFY_DATE`` (not a
    date, or less than one day ahead), ``INVALID_TOTAL_LIMIT``, ``INVALID_CATEGORY_ID``.
    """
    config = dict(config or {})
    campaign_id = str(config.get("campaignId") or "").strip()
    if not campaign_id:
        raise ValidationFailed(
            "config.campaignId is required.", reason=AccountsReason.MISSING_CAMPAIGN_ID, field="config.campaignId"
        )
    try:
        notify = parse_iso(config.get("notifyDate"))
    except ValueError:
        notify = None
    if notify is None:
        raise ValidationFailed(
            "config.notifyDate must be an ISO-8601 date.",
            reason=EntriesReason.INVALID_NOTIFY_DATE,
            field="config.notifyDate",
        )
    if notify < now + LEAD_TIME:
        raise ValidationFailed(
            "config.notifyDate must be at least one day ahead (waves are prepared ≥ 1 day before they are sent).",
            reason=EntriesReason.INVALID_NOTIFY_DATE,
            field="config.notifyDate",
        )
    total_limit = config.get("totalLimit")
    if total_limit is not None and (not isinstance(total_limit, int) or total_limit < 1):
        raise ValidationFailed(
            "config.totalLimit must be a whole number >= 1.",
            reason=EntriesReason.INVALID_TOTAL_LIMIT,
            field="config.totalLimit",
        )
    category_id = config.get("categoryId")
    if category_id is not None and (not isinstance(category_id, int) or category_id < 0):
        raise ValidationFailed(
            "config.categoryId must be a whole number >= 0.",
            reason=EntriesReason.INVALID_CATEGORY_ID,
            field="config.categoryId",
        )
    return {
        "campaign_id": campaign_id,
        "category_id": category_id,
        "total_limit": total_limit,
        "generate_offer_code": bool(config.get("generateOfferCode")),
        "tied_to_account": bool(config.get("tiedToAccount")),
        "single_use": bool(config.get("singleUse")),
        "date_notify": notify,
    }


def parse_recipients(text: str, market_ids: set) -> list[dict]:
    """Validate a recipient CSV; returns its rows as ``{column: value}`` (lower-cased column names).

    Raises ValidationFailed (field ``file``): ``MISSING_COLUMN`` (neither ``email`` nor ``mobileNumber``),
    ``MISSING_CONTACT`` (a row with neither), ``INVALID_DO_NOT_TEXT``, ``INVALID_CODE``, ``UNKNOWN_MARKET``,
    ``EMPTY_FILE``.
    """
    header, rows = csv_rows(text)
    if not any(column in header for column in CONTACT_COLUMNS):
        raise ValidationFailed(
            "The file's header needs an 'email' or a 'mobileNumber' column.",
            reason=EntriesReason.MISSING_COLUMN,
            field="file",
        )
    recipients = []
    for line_number, row in rows:
        if not row.get("email") and not row.get("mobilenumber"):
            raise bad_line(
                line_number, "the row has neither an email nor a mobileNumber.", EntriesReason.MISSING_CONTACT
            )
        if row.get("donottext", "").lower() not in _BOOLEAN:
            raise bad_line(
                line_number, f"doNotText '{row['donottext']}' is not true or false.", EntriesReason.INVALID_DO_NOT_TEXT
            )
        code = row.get("code", "")
        if len(code) > 64 or any(ch.isspace() for ch in code):
            raise bad_line(line_number, "the code is not valid.", CodesReason.INVALID_CODE)
        if row.get("marketid") and row["marketid"] not in market_ids:
            raise bad_line(
                line_number,
                f"marketId '{row['marketid']}' is not a market of this campaign.",
                EntriesReason.UNKNOWN_MARKET,
            )
        recipients.append(row)
    if not recipients:
        raise ValidationFailed("The file holds no recipients.", reason=CodesReason.EMPTY_FILE, field="file")
    return recipients


def wave_document(wave: Wave) -> dict:
    """The JSON answer of ``uploadWave`` / ``cancelWave`` for one wave."""
    return {
        "waveName": wave.name,
        "key": wave.csv_path,
        "campaignId": wave.campaign_id,
        "categoryId": wave.category_id,
        "totalLimit": wave.total_limit,
        "generateOfferCode": wave.generate_offer_code,
        "tiedToAccount": wave.tied_to_account,
        "singleUse": wave.single_use,
        "notifyDate": iso(wave.date_notify),
        "rows": wave.rows,
        "status": wave.status,
    }


def upload_wave(*, stream, declared_size: int | None, file_name, config: dict, actor: Actor, now=None) -> Wave:
    """Schedule a wave (or, without a file, change the config of a scheduled wave of that name).

    Args:
        stream: binary recipient CSV or None; declared_size: ``fileSize`` bytes; file_name: its name
        (names the wave); config: ``WaveConfigInput`` as a dict (``singleUse`` accepted too); actor: who
        uploads (the staff fan is recorded as ``created_by``; one audit-log row, ``wave.upload``).
    Returns: the Wave (scheduled); ``date_begin`` = notify − 1 day, ``date_end`` = notify + 1 year
        (the offer-code window of catalog §3.7.3).
    Raises: ValidationFailed from ``parse_config``/``parse_recipients``/``read_upload``, ``INVALID_FILE_NAME``,
        ``MISSING_FILE`` (no file and no scheduled wave of that name), ``WAVE_NOT_SCHEDULED`` (re-uploading a
        wave that is already being sent); NotFound ``CAMPAIGN_NOT_FOUND``.
    """
    now = now or timezone.now()
    parsed = parse_config(config, now)
    campaign = campaign_or_404(parsed.pop("campaign_id"))
    name = wave_name_for(campaign.pk, file_name)
    recipients = None
    if stream is not None:
        text = read_upload(stream, declared_size)
        market_ids = set(Market.objects.filter(campaign_id=campaign.pk).values_list("pk", flat=True))
        recipients = parse_recipients(text, market_ids)
    notify = parsed["date_notify"]
    fields = {
        **parsed,
        "date_begin": notify - timedelta(days=1),
        "date_end": notify + timedelta(days=365),
        "created_by": actor.fan,
    }
    with transaction.atomic():
        wave = Wave.objects.select_for_update().filter(campaign=campaign, name=name).first()
        if wave is not None and wave.status != WaveStatus.SCHEDULED:
            raise ValidationFailed(
                f"Wave '{name}' is {wave.status}; it can no longer be changed.",
                reason=EntriesReason.WAVE_NOT_SCHEDULED,
                field="fileName",
            )
        if recipients is None and wave is None:
            raise ValidationFailed("file is required for a new wave.", reason=EntriesReason.MISSING_FILE, field="file")
        if recipients is not None:
            key = csv_key(name)
            if default_storage.exists(key):
                default_storage.delete(key)
            fields["csv_path"] = store_text(key, text)
            fields["rows"] = len(recipients)
        before = copy.copy(wave)
        if wave is None:
            wave = Wave.objects.create(campaign=campaign, name=name, **fields)
        else:
            for field_name, value in fields.items():
                setattr(wave, field_name, value)
            wave.save()
        record(
            actor,
            "wave.upload",
            campaign_id=campaign.pk,
            target=f"wave:{wave.pk}",
            changes=model_diff(before, wave, exclude=("csv_path",)),
        )
    return wave


def cancel_wave(*, campaign_id: str, file_name, actor: Actor) -> Wave:
    """Remove a scheduled wave and its CSV; one audit-log row by ``actor`` (``wave.cancel``); returns the removed
    Wave (unsaved copy).

    Raises: NotFound ``WAVE_NOT_FOUND``; ValidationFailed ``INVALID_FILE_NAME``, ``WAVE_NOT_CANCELLABLE``
        (already processing or sent).
    """
    campaign = campaign_or_404(campaign_id)
    name = wave_name_for(campaign.pk, file_name)
    with transaction.atomic():
        wave = Wave.objects.select_for_update().filter(campaign=campaign, name=name).first()
        if wave is None:
            raise NotFound(f"No wave '{name}'.", reason=EntriesReason.WAVE_NOT_FOUND, field="fileName")
        if wave.status != WaveStatus.SCHEDULED:
            raise ValidationFailed(
                f"Wave '{name}' is {wave.status}; only a scheduled wave can be cancelled.",
                reason=EntriesReason.WAVE_NOT_CANCELLABLE,
                field="fileName",
            )
        record(actor, "wave.cancel", campaign_id=campaign.pk, target=f"wave:{wave.pk}", changes={"name": name})
        wave.delete()
        transaction.on_commit(lambda: default_storage.delete(csv_key(name)))
    return wave


# --- sending ----------------------------------------------------------------------------------------


def send_due_waves(now=None) -> int:
    """Claim every scheduled wave whose notify date has come and queue its sending (one task per wave, so a
    big wave never holds the beat); fail waves stuck past ``WAVE_TIMEOUT_SECONDS``. Returns how many were
    claimed."""
    now = now or timezone.now()
    fail_stuck_waves(now)
    claimed = 0
    for wave_id in list(
        Wave.objects.filter(status=WaveStatus.SCHEDULED, date_notify__lte=now).values_list("pk", flat=True)
    ):
        if Wave.objects.filter(pk=wave_id, status=WaveStatus.SCHEDULED).update(
            status=WaveStatus.PROCESSING, date_started=timezone.now(), heartbeat_at=now, attempts=F("attempts") + 1
        ):
            enqueue_on_commit(PROCESS_TASK, wave_id)
            claimed += 1
    return claimed


def fail_stuck_waves(now=None) -> int:
    """Mark FAILED the waves processing or triggered for longer than ``WAVE_TIMEOUT_SECONDS`` (their worker
    was lost). They are not sent again automatically — some recipients may have been reached — staff
    re-upload what is left (docs/operations.md runbook). Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.WAVE_TIMEOUT_SECONDS)
    return Wave.objects.filter(
        status__in=[WaveStatus.PROCESSING, WaveStatus.TRIGGERED], date_started__lt=cutoff
    ).update(status=WaveStatus.FAILED, error="The worker sending this wave was lost.", date_finished=now)


#: Attempts of a wave's code assignment (before any message goes out) before the sweeper fails it.
MAX_ATTEMPTS = 2


def sweep_stale_waves(now=None) -> dict:
    """Waves whose heartbeat is older than ``JOB_STALE_SECONDS``: a ``processing`` wave (codes being assigned,
    nothing sent yet) is claimed again (``attempts + 1``, the fence) and re-queued, or FAILED once
    ``MAX_ATTEMPTS`` are spent; a ``triggered`` wave (sending) is FAILED at once and never re-sent, since some
    fans may have been messaged (docs/operations.md "Waves").

    Returns: ``{"requeued": [ids], "failed": [ids]}``. Beat: ``entries.sweep_stale_jobs``.
    """
    now = now or timezone.now()
    stale = Q(heartbeat_at__lt=stale_cutoff(now))
    done: dict[str, list] = {"requeued": [], "failed": []}
    for wave_id, status, attempts in Wave.objects.filter(
        stale, status__in=[WaveStatus.PROCESSING, WaveStatus.TRIGGERED]
    ).values_list("pk", "status", "attempts"):
        same = Wave.objects.filter(stale, pk=wave_id, status=status, attempts=attempts)
        if status == WaveStatus.PROCESSING and attempts < MAX_ATTEMPTS:
            with transaction.atomic():
                if same.update(heartbeat_at=now, attempts=attempts + 1):
                    enqueue_on_commit(PROCESS_TASK, wave_id)
                    done["requeued"].append(wave_id)
        elif same.update(
            status=WaveStatus.FAILED,
            error="The worker sending this wave was lost"
            + (" while sending; it is not sent again." if status == WaveStatus.TRIGGERED else "."),
            date_finished=now,
        ):
            done["failed"].append(wave_id)
    if done["requeued"] or done["failed"]:
        logger.warning("stale waves: %s", done)
    return done


def process_wave(wave_id: int) -> Wave:
    """Assign the codes of a claimed (processing) wave, then send it. Returns the Wave (completed/failed);
    a wave that is not processing (already sent, failed or cancelled) is returned untouched."""
    wave = Wave.objects.select_related("campaign").get(pk=wave_id)
    if wave.status != WaveStatus.PROCESSING:
        return wave
    fence = wave.attempts
    mine = Wave.objects.filter(pk=wave.pk, attempts=fence)
    try:
        with Heartbeat(Wave._meta.db_table, wave.pk, fence):
            with default_storage.open(wave.csv_path, "rb") as handle:
                _, rows = csv_rows(handle.read().decode("utf-8-sig"))
            recipients = [row for _, row in rows]
            if wave.total_limit:
                recipients = recipients[: wave.total_limit]
            codes = _assign_codes(wave, recipients)
            # The fence: only the attempt that still owns the wave starts sending (once).
            if not mine.filter(status=WaveStatus.PROCESSING).update(
                status=WaveStatus.TRIGGERED, heartbeat_at=timezone.now()
            ):
                raise Superseded(f"wave {wave.pk}: attempt {fence} was superseded")
            count = _send(wave, recipients)
            count["codes"] = codes
        mine.update(status=WaveStatus.COMPLETED, count=count, date_finished=timezone.now(), error="")
    except Superseded:
        logger.warning("wave %s attempt %s was superseded; not sent by this attempt", wave.name, fence)
    except Exception as error:
        logger.exception("wave %s failed", wave.name)
        mine.update(
            status=WaveStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000], date_finished=timezone.now()
        )
    wave.refresh_from_db()
    return wave


#: At most this many refused codes are listed in a wave's result (all are counted).
MAX_LISTED_REFUSALS = 1000


def _assign_codes(wave: Wave, recipients: list[dict]) -> dict:
    """Bind each row's code to the row's fan (marks ``row["failed"]`` for refused rows); returns counts."""
    guids = {row.get("globaluserid") for row in recipients if row.get("globaluserid")}
    fans = dict(Fan.objects.filter(global_user_id__in=guids).values_list("global_user_id", "pk"))
    entries = dict(
        Entry.objects.filter(campaign_id=wave.campaign_id, fan_id__in=fans.values()).values_list("fan_id", "pk")
    )
    counts: dict[str, Any] = {"assigned": 0, "generated": 0, "refused": 0, "unknown": 0, "refusedCodes": []}

    def refuse(row, code_value, why):
        row["failed"] = why
        counts["refused"] += 1
        if len(counts["refusedCodes"]) < MAX_LISTED_REFUSALS:
            counts["refusedCodes"].append({"code": code_value or "", "reason": why})

    generated = iter(_generate_codes(wave, recipients))
    used = set()
    now = timezone.now()
    for row in recipients:
        fan_id = fans.get(row.get("globaluserid"))
        with transaction.atomic():
            # A wave's code and a selection's never cross: a row waits for the market being applied (selection holds
            # the campaign's selection lock shared) and selection then sees the wave's code (``alreadyHolding``); a
            # wave prep in progress (exclusive, minutes at Eras scale) is waited for, not failed on.
            lock(SELECTION_DATA, wave.campaign_id, timeout_seconds=WAVE_LOCK_SECONDS, what="the campaign's selection")
            lock_code_holders(wave.campaign_id)
            if not row.get("code") and wave.generate_offer_code:
                row["code"] = next(generated, "")
                counts["generated"] += bool(row["code"])
            code_value = row.get("code")
            if not code_value or code_value.upper() == "TM":
                if wave.generate_offer_code:
                    refuse(row, code_value, "no code left")
                continue
            if wave.single_use and code_value in used:
                refuse(row, code_value, "code already used in this wave")
                continue
            code = Code.objects.select_for_update().filter(campaign_id=wave.campaign_id, code=code_value).first()
            if code is None:
                counts["unknown"] += 1
                used.add(code_value)
                continue
            if wave.single_use and code.date_assigned and (code.fan_id is None or code.fan_id != fan_id):
                refuse(row, code_value, "code already used in this campaign")
                continue
            if wave.tied_to_account and (fan_id is None or (code.fan_id and code.fan_id != fan_id)):
                refuse(row, code_value, "code is tied to another account" if fan_id else "no account for globalUserId")
                continue
            code.date_assigned = code.date_assigned or now
            if fan_id and not code.fan_id and hold_fan(fan_id):  # not erased since read, and not until we commit
                code.fan_id = fan_id
                code.entry_id = code.entry_id or entries.get(fan_id)
            if row.get("marketid") and not code.market_id:
                code.market_id = row["marketid"]
            code.save(update_fields=["date_assigned", "fan", "entry", "market"])
            used.add(code_value)
            counts["assigned"] += 1
    return counts


def _generate_codes(wave: Wave, recipients: list[dict]) -> list[str]:
    """With ``generateOfferCode``: reserve one ``tm`` code of the campaign's pool per row without a code, in
    one reservation through the code inventory (audited as this wave); fewer when the pool runs out."""
    missing = sum(1 for row in recipients if not row.get("code")) if wave.generate_offer_code else 0
    if not missing:
        return []
    actor = Actor.job(f"wave:{wave.name}", fan=wave.created_by)
    return reserve_codes(wave.campaign_id, missing, CodeType.TM, actor=actor)["codes"]


def message_text(wave: Wave, row: dict) -> str:
    """The row's ``smsText``, else a message with the campaign name, code and link."""
    if row.get("smstext"):
        return row["smstext"]
    text = f"{wave.campaign.name}: your presale code is {row.get('code')}" if row.get("code") else wave.campaign.name
    return f"{text} {row['link']}" if row.get("link") else text


def _send(wave: Wave, recipients: list[dict]) -> dict:
    detail = {"sms": {"sent": 0, "failed": 0}, "email": {"sent": 0, "failed": 0}}
    ok = failed = 0
    for start in range(0, len(recipients), SEND_BATCH):
        for row in recipients[start : start + SEND_BATCH]:
            if row.get("failed"):
                failed += 1
                continue
            if _deliver(wave, row, detail):
                ok += 1
            else:
                failed += 1
    return {"total": len(recipients), "ok": ok, "failed": failed, "detail": detail}


def wave_channel(row: dict) -> str:
    """The channel ``_deliver`` tries first for a recipient row: ``"sms"`` (a North-American mobile not opted out of
    texts), ``"email"``, or ``"none"`` (neither: the row cannot be reached)."""
    phone = row.get("mobilenumber", "")
    phone = phone if not phone or phone.startswith("+") else f"+{phone}"
    if phone and NORTH_AMERICA.match(phone) and row.get("donottext", "").lower() != "true":
        return "sms"
    return "email" if row.get("email") else "none"


def preview_wave(*, stream, declared_size: int | None, file_name, config: dict, now=None) -> dict:
    """What scheduling this wave would send, checked like ``upload_wave`` and stored nowhere: the admin shows it
    before staff confirm (issue 40).

    Returns: ``{"name", "campaign", "notify" (UTC datetime), "rows", "channels": {"sms", "email", "none"},
        "markets": [(marketId, rows)], "message": the first row's text (``message_text``)}``.
    Raises: as ``upload_wave`` (config, file and recipients errors).
    """
    now = now or timezone.now()
    parsed = parse_config(config, now)
    campaign = campaign_or_404(parsed.pop("campaign_id"))
    name = wave_name_for(campaign.pk, file_name)
    text = read_upload(stream, declared_size)
    market_ids = set(Market.objects.filter(campaign_id=campaign.pk).values_list("pk", flat=True))
    recipients = parse_recipients(text, market_ids)
    channels = {"sms": 0, "email": 0, "none": 0}
    markets: dict[str, int] = {}
    for row in recipients:
        channels[wave_channel(row)] += 1
        markets[row.get("marketid") or ""] = markets.get(row.get("marketid") or "", 0) + 1
    sample = Wave(campaign=campaign, name=name, **parsed)
    return {
        "name": name,
        "campaign": campaign,
        "notify": parsed["date_notify"],
        "rows": len(recipients),
        "channels": channels,
        "markets": sorted(markets.items()),
        "message": message_text(sample, recipients[0]) if recipients else "",
    }


def _deliver(wave: Wave, row: dict, detail: dict) -> bool:
    text = message_text(wave, row)
    phone = row.get("mobilenumber", "")
    phone = phone if not phone or phone.startswith("+") else f"+{phone}"
    if phone and NORTH_AMERICA.match(phone) and row.get("donottext", "").lower() != "true":
        try:
            send_sms(phone, text)
            detail["sms"]["sent"] += 1
            return True
        except Exception:
            logger.warning("wave %s: SMS failed, falling back to email", wave.name, exc_info=True)
            detail["sms"]["failed"] += 1
    if not row.get("email"):
        return False
    try:
        EmailMessage(
            f"{wave.campaign.name}: your presale access", text, settings.DEFAULT_FROM_EMAIL, [row["email"]]
        ).send()
        detail["email"]["sent"] += 1
        return True
    except Exception:
        logger.warning("wave %s: email failed", wave.name, exc_info=True)
        detail["email"]["failed"] += 1
        return False


#: A waitlist export warns when the fans of scheduled waves are more than this (catalog §3.9).
WAVE_EXCLUSION_WARNING = 1_000_000


def scheduled_wave_recipients(campaign_id: str) -> set[str]:
    """The globalUserIds, lower-cased emails and E.164 phones of every recipient of the campaign's scheduled
    (not yet sent) waves — the fans the ``waitlist`` export leaves out (catalog §3.9)."""
    found: set[str] = set()
    for path in Wave.objects.filter(campaign_id=campaign_id, status=WaveStatus.SCHEDULED).values_list(
        "csv_path", flat=True
    ):
        try:
            with default_storage.open(path, "rb") as handle:
                _, rows = csv_rows(handle.read().decode("utf-8-sig"))
        except (FileNotFoundError, OSError, UnicodeDecodeError):
            logger.warning("scheduled wave file %s unreadable; its fans are not left out of the waitlist", path)
            continue
        for _, row in rows:
            found.update(
                value
                for value in (row.get("globaluserid"), (row.get("email") or "").lower(), row.get("mobilenumber"))
                if value
            )
    if len(found) > WAVE_EXCLUSION_WARNING:
        logger.warning("waitlist exclusion set of campaign %s holds %s ids", campaign_id, len(found))
    return found


def scrub_wave_files(campaign_ids: list[str], identifiers: Identifiers) -> tuple[list[str], int]:
    """Rewrite the recipient files of the waves of ``campaign_ids`` without the lines naming an erased fan.

    Returns: ``(storage keys rewritten, lines removed)``.
    """
    keys = list(Wave.objects.filter(campaign_id__in=campaign_ids).values_list("csv_path", flat=True))
    return scrub_files(keys, identifiers)
