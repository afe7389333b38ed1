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
from django.db import connection, transaction
from django.db.models.functions import Coalesce

from entries.selection.models import Allocation, AllocationOutcome, WavePrep
from entries.services.privacy import Identifiers, scrub_csv_text
from monoql import pgcopy
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
    the selected rows' (wave prep, market, position) index: memory holds one market's rows, whatever the run's
    size. Returns the storage key.
    """
    names = _file_names(plan)
    campaign_name = wave_prep.campaign.name
    fd, local_path = job_temp_file(f"prepped-{wave_prep.pk}", ".zip")
    handle = os.fdopen(fd, "wb")
    try:
        with (
            zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as archive,
            transaction.atomic(),
        ):
            if use_copy():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL work_mem = '256MB'")
                    cursor.execute("DROP TABLE IF EXISTS prepped_selected")  # nested in an outer transaction
                    cursor.execute(_PREPARE_SQL, [wave_prep.pk])
                    cursor.execute("CREATE INDEX ON prepped_selected (market_id, position)")
                    cursor.execute("ANALYZE prepped_selected")
            for market_id, detail in plan.items():
                if use_copy():
                    for folder, sql, params in _market_queries(market_id, detail, campaign_name):
                        with archive.open(f"{folder}/{names[market_id]}.csv", "w") as member:
                            _copy_csv(sql, params, member)
                    continue
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


#: zlib level of the prepped zip: 1 compresses CSV about as well as 6 for a fraction of the time.
ZIP_LEVEL = 1


def use_copy() -> bool:
    """True when the CSVs are written by the database (PostgreSQL's COPY); elsewhere they are built here."""
    return connection.vendor == "postgresql"


#: The run's selected fans with what the CSVs show of them, joined once (hash joins over the whole run, not
#: one index lookup per fan and file) into a temporary table that each market's three COPYs then read. Stored in
#: market order, so that a market's COPYs read its rows from neighbouring pages: a temporary table lives in the
#: backend's few megabytes of ``temp_buffers``, and in hash-join order every COPY read pages from all over it
#: (3.5M markets mode: the zip 44 → 26 s).
_PREPARE_SQL = """
    CREATE TEMPORARY TABLE prepped_selected ON COMMIT DROP AS
    SELECT a.market_id, a.position, a.preference_rank, a.entry_id, a.code, a.code_type, e.fan_id, e.email, e.phone,
        e.locale, COALESCE(e.score, b.score) AS score, f.global_user_id, f.member_id, f.first_name, f.last_name
    FROM entries_allocation a
    JOIN entries_entry e ON e.id = a.entry_id
    JOIN accounts_fan f ON f.id = e.fan_id
    LEFT JOIN entries_botscore b ON b.entry_id = e.id
    WHERE a.wave_prep_id = %s AND a.outcome = 'selected'
    ORDER BY a.market_id, a.position
"""
_SELECTED_FROM = "FROM prepped_selected s WHERE s.market_id = %(market)s"
# Registrant columns; NULLIF turns empty strings into NULL so that COPY writes them unquoted, as csv does.
_REGISTRANT_SELECT = """
    SELECT NULLIF(s.code, '') AS code, 'false' AS "doNotText", NULLIF(s.email, '') AS email,
        NULLIF(s.first_name, '') AS "firstName", NULLIF(s.last_name, '') AS "lastName", NULLIF(%(link)s, '') AS link,
        NULLIF(s.locale, '') AS locale, s.market_id AS "marketId", NULLIF(s.global_user_id, '') AS "globalUserId",
        NULLIF(s.phone, '') AS "mobileNumber", %(sms_head)s || s.code || %(sms_tail)s AS "smsText", s.position
"""
_NORTH_AMERICA_SQL = r"s.phone ~ '^\+?1'"


def _market_queries(market_id: str, detail: dict, campaign_name: str) -> list[tuple[str, str, dict]]:
    """``[(folder, COPY query, params)]``: the market's sms, email and masterCodes CSVs as PostgreSQL writes
    them (``COPY … TO STDOUT (FORMAT csv, HEADER)``), the same bytes ``_market_files`` + ``_csv_text`` make."""
    link = detail["link"] or ""
    market_name = detail["market"].name
    # the SMS text around the code, cut from ``sms_text`` itself (one wording for both writers)
    head = sms_text(campaign_name, market_name, "\x00", link)
    params = {
        "market": market_id,
        "link": link,
        "market_name": market_name,
        "sms_head": head.split("\x00")[0],
        "sms_tail": head.split("\x00")[1],
    }
    registrant = ", ".join(f'"{column}"' for column in REGISTRANT_COLUMNS)
    sms = (
        f"SELECT {registrant} FROM ({_REGISTRANT_SELECT} {_SELECTED_FROM} AND {_NORTH_AMERICA_SQL}) r ORDER BY position"  # noqa: S608 - constant fragments and the report's own column names
    )
    email = (
        f"SELECT {registrant} FROM (SELECT DISTINCT ON (dedupe) * FROM ({_REGISTRANT_SELECT}, s.email AS dedupe"  # noqa: S608 - constant fragments and the report's own column names
        f" {_SELECTED_FROM} AND NOT ({_NORTH_AMERICA_SQL}) AND s.email <> '') q ORDER BY dedupe, position) r"
        " ORDER BY position"
    )
    master = f"""
        SELECT s.entry_id AS "entryId", NULLIF(s.fan_id, '') AS "userId", NULLIF(s.global_user_id, '') AS "globalUserId",
            NULLIF(s.member_id, '') AS "memberId", NULLIF(s.email, '') AS email, NULLIF(s.phone, '') AS "mobileNumber",
            NULLIF(s.first_name, '') AS "firstName", NULLIF(s.last_name, '') AS "lastName",
            NULLIF(s.locale, '') AS locale, s.market_id AS "marketId", NULLIF(%(market_name)s, '') AS "marketName",
            s.preference_rank AS "preferenceRank", s.position, s.score, NULLIF(s.code, '') AS code,
            NULLIF(s.code_type, '') AS "codeType", NULLIF(%(link)s, '') AS link
        {_SELECTED_FROM} ORDER BY s.position
    """
    return [("sms", sms, params), ("email", email, params), ("masterCodes", master, params)]


def _copy_csv(sql: str, params: dict, out) -> None:
    """Stream ``COPY (sql) TO STDOUT (FORMAT csv, HEADER)`` into the binary stream ``out``, a megabyte at a time."""
    pending = bytearray()
    with connection.cursor() as cursor:
        with pgcopy.copy(cursor, f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER)", params) as stream:
            for data in stream:
                pending += data
                if len(pending) >= 1 << 20:
                    out.write(pending)
                    pending.clear()
    out.write(pending)


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
            Coalesce("entry__score", "entry__bot_score__score"),
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


def scrub_prepped_zips(campaign_ids: list[str], identifiers: Identifiers) -> tuple[list[str], int]:
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
