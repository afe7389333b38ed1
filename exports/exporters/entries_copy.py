"""The entry rows of ``exporters.entries.EntryRows`` produced by PostgreSQL itself (``COPY … TO STDOUT``).

Same columns and values as the Python rows (a test compares both byte for byte), but PostgreSQL formats the
CSV and Python only relays blocks, so a million rows take seconds and constant memory. Empty values are
NULL (unquoted in CSV, like Python's writer); lines end with ``\\n``.
"""

from django.db import connection

from entries.models import MARKET_RANK_FIELDS
from monoql.csv_safety import SAFE_TEXT_SQL

ISO = """to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""
TEXT_ARRAY = "array_to_string(ARRAY(SELECT jsonb_array_elements_text({})), ',')"


class _FieldKeys:
    """The form's field ids a statement reads from ``entries_entry.fields``: bound as one ``text[]`` parameter (the
    ``keys`` row of the FROM clause) and referenced by position, never written into the SQL."""

    def __init__(self):
        self.ids: list[str] = []

    def __call__(self, field_id: str) -> str:
        if field_id not in self.ids:
            self.ids.append(field_id)
        return f"keys.ids[{self.ids.index(field_id) + 1}]"


def _answer(field_id: str, key: _FieldKeys) -> str:
    """The cell of one preference: missing → 'false', JSON arrays joined with ',', null → empty."""
    value = f"e.fields -> {key(field_id)}"
    return (
        f"CASE WHEN NOT (e.fields ? {key(field_id)}) THEN 'false' "
        f"WHEN jsonb_typeof({value}) = 'array' THEN NULLIF({TEXT_ARRAY.format(value)}, '') "
        f"ELSE NULLIF(e.fields ->> {key(field_id)}, '') END"
    )


def copy_sql(
    export, entry_ids_sql: str, first_field: str | None, zip_field: str | None, prefs: list[str]
) -> tuple[str, list[str]]:
    """The ``COPY (SELECT …) TO STDOUT`` statement of an entries-type export over ``entry_ids_sql``; ``prefs``: the
    form's field ids. Every text cell is neutralized against formulas (``SAFE_TEXT_SQL``), like ``CsvWriter``.

    Returns: ``(sql, field ids)``: the statement's first parameter is the field ids (a ``text[]``), then
    ``entry_ids_sql``'s own."""
    key = _FieldKeys()
    first = f"e.fields ->> {key(first_field)}, " if first_field else ""
    zip_value = f"NULLIF(e.fields ->> {key(zip_field)}, '')" if zip_field else "NULL"
    ranks = "(VALUES " + ", ".join(f"(e.{name}_id, {rank})" for rank, name in enumerate(MARKET_RANK_FIELDS)) + ")"
    if export.include_all_markets:
        markets = f"CROSS JOIN LATERAL (SELECT * FROM {ranks} AS r(market_id, rank) WHERE r.market_id IS NOT NULL) AS m"  # noqa: S608 - constant fragments; field ids are a parameter
    else:
        markets = "CROSS JOIN LATERAL (SELECT e.market_0_id AS market_id, 0 AS rank) AS m"
    place = "concat_ws(', ', NULLIF(mk.city, ''), NULLIF(mk.state, ''))"
    show = f"NULLIF(CASE WHEN mk.event_date IS NULL THEN {place} ELSE to_char(mk.event_date AT TIME ZONE 'UTC', 'FMMM/DD') || ' - ' || {place} END, '')"
    text_columns = [
        "NULLIF(c.name, '')",
        ISO.format("e.date_created"),
        "NULLIF(f.member_id, '')",
        "NULLIF(f.global_user_id, '')",
        "NULLIF(e.origin ->> 'ip', '')",
        "NULLIF(COALESCE(NULLIF(e.email, ''), f.email), '')",
        f"NULLIF(COALESCE(NULLIF(f.first_name, ''), {first}NULLIF(e.fields ->> 'first_name', '')), '')",
        "NULLIF(COALESCE(NULLIF(f.last_name, ''), e.fields ->> 'last_name'), '')",
        f"NULLIF(COALESCE({zip_value}, f.zip), '')",
        "NULLIF(COALESCE(NULLIF(e.phone, ''), f.phone), '')",
        "f.id",
        show,
        f"NULLIF({TEXT_ARRAY.format('mk.event_ids')}, '')",
        "NULLIF(e.locale, '')",
        "e.campaign_id",
        "CASE WHEN e.date_phone_confirmed IS NULL THEN 'false' ELSE 'true' END",
        *[_answer(field_id, key) for field_id in prefs],
    ]
    # Every text cell formula-safe, as the Python path's CsvWriter makes it (plain numbers such as E.164 phones
    # stay exact).
    columns = ["e.id", *[SAFE_TEXT_SQL.format(column) for column in text_columns]]
    # the SQL is built from constant fragments only: field ids are the parameter, entry ids the caller's query's
    sql = (
        f"COPY (SELECT {', '.join(columns)} FROM (SELECT %s::text[] AS ids) AS keys CROSS JOIN entries_entry e "  # noqa: S608 - constant fragments only
        "JOIN accounts_fan f ON f.id = e.fan_id JOIN campaigns_campaign c ON c.id = e.campaign_id "
        f"{markets} LEFT JOIN campaigns_market mk ON mk.id = m.market_id "
        f"WHERE e.id IN ({entry_ids_sql}) ORDER BY e.id, m.rank) TO STDOUT WITH (FORMAT csv)"
    )
    return sql, key.ids


BUFFER_BYTES = 256 * 1024


def _flush(blocks, binary_file, lines, progress) -> int:
    data = b"".join(blocks)
    if not data:
        return lines
    binary_file.write(data)
    total = lines + data.count(b"\n")
    if total // 100_000 != lines // 100_000:
        progress(total)
    return total


def copy_rows(sql: str, params, binary_file, progress) -> int:
    """Stream the COPY output into ``binary_file``; returns the number of lines written.

    The connection is busy for the whole COPY, so ``progress(lines)`` (every 100,000 lines) must not use
    it: ``run_export`` reports progress through a connection of its own.
    """
    lines = 0
    with connection.cursor() as cursor:
        # One backend per export: parallel workers would take the CPU registrations need.
        cursor.execute("SET max_parallel_workers_per_gather = 0")
        raw = cursor.cursor
        query = raw.mogrify(sql, params) if params else sql
        with raw.copy(query) as copy:
            pending, size = [], 0
            for block in copy:
                pending.append(bytes(block))
                size += len(block)
                if size >= BUFFER_BYTES:
                    lines = _flush(pending, binary_file, lines, progress)
                    pending, size = [], 0
            lines = _flush(pending, binary_file, lines, progress)
        cursor.execute("RESET max_parallel_workers_per_gather")
    return lines
