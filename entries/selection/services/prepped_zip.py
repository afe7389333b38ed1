"""The prepped zip of a wave prep run: ``wavePrep/{campaignId}/prepped/prepped.{dateKey}.zip`` with per
market ``sms/``, ``email/`` (wave ``Registrant`` columns) and ``masterCodes/`` CSVs (catalog §3.7.2 step 7)."""

import csv
import io
import os
import re
import zipfile

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from entries.selection.models import Allocation, AllocationOutcome, WavePrep
from entries.services.privacy import scrub_csv_text
from monoql.jobs import job_temp_file, remove_quietly

FETCH_SIZE = 20_000
NORTH_AMERICA = re.compile(r"^\+?1")

REGISTRANT_COLUMNS = (
    "code",
    "doNotText",
    "email",
    "firstName",
    "lastName",
    "link",
    "locale",
    "marketId",
    "globalUserId",
    "mobileNumber",
    "smsText",
)
MASTER_COLUMNS = (
    "entryId",
    "userId",
    "globalUserId",
    "memberId",
    "email",
    "mobileNumber",
    "firstName",
    "lastName",
    "locale",
    "marketId",
    "marketName",
    "preferenceRank",
    "position",
    "score",
    "code",
    "codeType",
    "link",
)


def prepped_key(campaign_id: str, date_key: str) -> str:
    """``wavePrep/{campaignId}/prepped/prepped.{dateKey}.zip``."""
    return f"wavePrep/{campaign_id}/prepped/prepped.{date_key}.zip"


def _file_names(plan: dict) -> dict:
    names, used = {}, set()
    for market_id, detail in plan.items():
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", detail["market"].name).strip("_") or market_id
        name = base if base.lower() not in used else f"{base}_{market_id}"
        used.add(name.lower())
        names[market_id] = name
    return names


def sms_text(campaign_name: str, market_name: str, code: str, link: str) -> str:
    """The SMS a selected fan receives: campaign, market, code and link."""
    text = f"{campaign_name}: you're in for {market_name}. Your presale code: {code}"
    return f"{text} {link}" if link else text


def write_prepped_zip(wave_prep, plan: dict) -> str:
    """Write the per-market ``sms/``, ``email/`` and ``masterCodes/`` CSVs of the selected fans into the zip.

    ``sms/{market}.csv``: North-American mobile numbers (Registrant columns, catalog §3.7.3);
    ``email/{market}.csv``: the others with an email, one row per email; ``masterCodes/{market}.csv``:
    every selected fan with the full assignment. One market at a time, read through a server-side cursor on
    the (wave prep, market, outcome, position) index: memory holds one market's rows, whatever the run's
    size. Returns the storage key.
    """
    names = _file_names(plan)
    campaign_name = wave_prep.campaign.name
    fd, local_path = job_temp_file(f"prepped-{wave_prep.pk}", ".zip")
    handle = os.fdopen(fd, "wb")
    try:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for market_id, detail in plan.items():
                sms, mail, master = _market_files(wave_prep, market_id, detail, campaign_name)
                for folder, columns, lines in (
                    ("sms", REGISTRANT_COLUMNS, sms),
                    ("email", REGISTRANT_COLUMNS, mail),
                    ("masterCodes", MASTER_COLUMNS, master),
                ):
                    archive.writestr(f"{folder}/{names[market_id]}.csv", _csv_text(columns, lines))
        handle.close()
        key = prepped_key(wave_prep.campaign_id, wave_prep.date_key)
        if default_storage.exists(key):
            default_storage.delete(key)
        with open(local_path, "rb") as stored:
            return default_storage.save(key, File(stored, name=os.path.basename(key)))
    finally:
        handle.close()
        remove_quietly(local_path)


def _market_files(wave_prep, market_id: str, detail: dict, campaign_name: str) -> tuple[list, list, list]:
    """The sms, email and masterCodes lines of one market's selected fans, in priority order."""
    rows = (
        Allocation.objects.filter(wave_prep=wave_prep, market_id=market_id, outcome=AllocationOutcome.SELECTED)
        .order_by("position")
        .values_list(
            "entry_id",
            "entry__fan_id",
            "entry__fan__global_user_id",
            "entry__fan__member_id",
            "entry__email",
            "entry__phone",
            "entry__fan__first_name",
            "entry__fan__last_name",
            "entry__locale",
            "preference_rank",
            "position",
            "entry__score",
            "code",
            "code_type",
        )
    )
    link = detail["link"]
    market_name = detail["market"].name
    sms, mail, master = [], [], []
    seen_emails: set = set()
    for entry_id, fan_id, guid, member, email, phone, first, last, locale, rank, pos, score, code, ctype in _stream(
        rows
    ):
        master.append(
            [entry_id, fan_id, guid, member, email, phone, first, last, locale]
            + [market_id, market_name, rank, pos, score, code, ctype, link]
        )
        text = sms_text(campaign_name, market_name, code, link)
        registrant = [code, "false", email, first, last, link, locale, market_id, guid, phone, text]
        if phone and NORTH_AMERICA.match(phone):
            sms.append(registrant)
        elif email and email not in seen_emails:
            seen_emails.add(email)
            mail.append(registrant)
    return sms, mail, master


def _stream(rows):
    """Yield the tuples of a ``values_list`` queryset through a server-side cursor (no model machinery)."""
    sql, params = rows.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(FETCH_SIZE):
            yield from batch


def _csv_text(columns, lines) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(["" if value is None else value for value in line] for line in lines)
    return out.getvalue()


def scrub_prepped_zips(campaign_ids: list[str], identifiers: tuple[set[str], set[str]]) -> tuple[list[str], int]:
    """Rewrite the prepped zips of ``campaign_ids`` without the lines naming an erased fan (every CSV inside).

    Returns: ``(storage keys rewritten, lines removed)``.
    """
    files, lines = [], 0
    for campaign_id, date_key in (
        WavePrep.objects.filter(campaign_id__in=campaign_ids).exclude(path="").values_list("campaign_id", "date_key")
    ):
        key = prepped_key(campaign_id, date_key)
        if not default_storage.exists(key):
            continue
        with default_storage.open(key, "rb") as handle:
            source = zipfile.ZipFile(io.BytesIO(handle.read()))
        out, removed = io.BytesIO(), 0
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in source.namelist():
                text, gone = scrub_csv_text(source.read(name).decode("utf-8"), identifiers)
                removed += gone
                archive.writestr(name, text)
        if removed:
            default_storage.delete(key)
            default_storage.save(key, ContentFile(out.getvalue()))
            files.append(key)
            lines += removed
    return files, lines
