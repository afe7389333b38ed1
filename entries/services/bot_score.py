"""The batch bot score of a campaign (issue 37; decisions.md "Bot score"), in the wave prep's style.

It sees the whole crowd at once: on PostgreSQL one query reads every entry as fixed-width columns (strings hashed
in SQL with ``hashtextextended`` and read as 64-bit integers, no string crosses into Python but the few distinct
mail domains and phone prefixes), numpy computes each signal (``entries.services.bot_signals``), the non-zero
contributions are written by COPY into the narrow ``entries_scorecontribution`` table and the scores into the
narrow ``entries_botscore`` (entry id, score): no entry row is rewritten. SQLite (the embedded default) reads the
same columns through the ORM and hashes in Python.

An uploaded scored file wins: entries scored by one (``Entry.score``, ``scored_by = 'upload'``) are ranked by it
(``entries.models.ENTRY_SCORE``); their bot score and contributions are still written, so staff see what the
product thought. Entries whose mail domain staff listed as blocked get ``verdict = false``.
"""

import hashlib
import logging
import re
import time
from datetime import UTC, datetime

import numpy as np
from django.db import connection, transaction
from django.db.models import Count, Q

from campaigns.selectors import campaign_or_404
from entries.models import BotScore, Entry, MailDomain, MailDomainRule, ScoreContribution, ScoreInput, ScoreSignal
from entries.services.bot_signals import (
    PLUS_IGNORED,
    WEIGHT_OF,
    block_browser_excess,
    block_burst_excess,
    disposable,
    mail_domain,
    mailbox,
    phone_line_suspect,
    phone_range,
    score_from_points,
    signal_strengths,
    weights_for,
)
from entries.services.origin_retention import ip_block, user_agent_hash
from monoql.audit import Actor, record
from monoql.dates import parse_iso
from monoql.jobs import Pacer
from monoql.locks import BOT_SCORE, lock
from monoql.pgcopy import analyze, copy_escape, read_columns, write_text

logger = logging.getLogger("monoql.entries")

SCORE_TASK = "entries.score_campaign"

_BLOCK_SQL = r"""COALESCE(
    substring(e.origin->>'ip_block' from '^(\d+\.\d+\.\d+)\.0/24$'),
    substring(e.origin->>'ip_block' from '^([0-9a-f]*:[0-9a-f]*:[0-9a-f]*)'),
    substring(e.origin->>'ip' from '^(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}$'),
    substring(lower(e.origin->>'ip') from '^([0-9a-f]*:[0-9a-f]*:[0-9a-f]*)')
)"""
_UA_SQL = """COALESCE(
    e.origin->>'user_agent_hash',
    left(encode(sha256(convert_to(e.origin->>'user_agent', 'UTF8')), 'hex'), 16)
)"""
_MAILBOX_SQL = """CASE
    WHEN e.email = '' OR position('@' in e.email) = 0 THEN NULL
    WHEN lower(split_part(e.email, '@', 2)) IN ('gmail.com', 'googlemail.com')
        THEN replace(split_part(lower(split_part(e.email, '@', 1)), '+', 1), '.', '') || '@gmail.com'
    WHEN lower(split_part(e.email, '@', 2)) = ANY(%(plus)s)
        THEN split_part(lower(split_part(e.email, '@', 1)), '+', 1) || '@' || lower(split_part(e.email, '@', 2))
    ELSE lower(e.email)
END"""
_FORM_MS_SQL = r"""CASE WHEN e.origin->>'form_ms' ~ '^\d{1,9}$' THEN (e.origin->>'form_ms')::float8 ELSE 'NaN' END"""
_AGE_SQL = r"""CASE WHEN f.profile_facts->>'accountCreated' ~ '^\d{4}-\d{2}-\d{2}'
    THEN extract(epoch FROM e.date_created - (f.profile_facts->>'accountCreated')::timestamptz) / 86400.0
    ELSE 'NaN' END"""
_READ_SQL = f"""
SELECT e.id::int8,
    COALESCE(hashtextextended(NULLIF(e.phone, ''), 0), 0)::int8,
    COALESCE(CASE WHEN length(e.phone) > 8 THEN hashtextextended(left(e.phone, -2), 0) END, 0)::int8,
    COALESCE(hashtextextended(NULLIF(left(e.phone, 8), ''), 0), 0)::int8,
    COALESCE(hashtextextended({_MAILBOX_SQL}, 0), 0)::int8,
    COALESCE(hashtextextended(NULLIF(lower(split_part(e.email, '@', 2)), ''), 0), 0)::int8,
    COALESCE(hashtextextended({_BLOCK_SQL}, 0), 0)::int8,
    COALESCE(hashtextextended({_UA_SQL}, 0), 0)::int8,
    extract(epoch FROM e.date_created)::float8,
    (e.confirmed_phone IS NOT NULL)::int::int2,
    ({_AGE_SQL})::float8,
    ({_FORM_MS_SQL})::float8,
    COALESCE(blocked.n, 0)::int8,
    (e.scored_by = 'upload')::int::int2
FROM entries_entry e JOIN accounts_fan f ON f.id = e.fan_id
{{blocked}}
WHERE e.campaign_id = %(campaign)s
"""  # noqa: S608 - constant fragments only
#: Each fan's entries blocked in other campaigns: one aggregate over them all (the batch: fastest for millions)…
_BLOCKED_ALL = """LEFT JOIN (
    SELECT fan_id, count(*) AS n FROM entries_entry WHERE NOT verdict AND campaign_id <> %(campaign)s GROUP BY fan_id
) blocked ON blocked.fan_id = e.fan_id"""
#: … or a look at each fan's own entries (``entry_fan_idx``; a live run: its cost follows the campaign, not the table)
_BLOCKED_PER_FAN = """LEFT JOIN LATERAL (
    SELECT count(*) AS n FROM entries_entry o WHERE o.fan_id = e.fan_id AND NOT o.verdict AND o.campaign_id <> e.campaign_id
) blocked ON true"""
#: A continued live run reads the entries beyond an id that have no kept inputs yet.
_NEW_ONLY = " AND e.id > %s AND NOT EXISTS (SELECT 1 FROM entries_scoreinput i WHERE i.entry_id = e.id)"
_COLUMNS = [
    ("id", "int8"),
    ("phone", "int8"),
    ("range", "int8"),
    ("prefix", "int8"),
    ("mailbox", "int8"),
    ("domain", "int8"),
    ("block", "int8"),
    ("browser", "int8"),
    ("seconds", "float8"),
    ("confirmed", "int2"),
    ("age_days", "float8"),
    ("form_ms", "float8"),
    ("past_blocked", "int8"),
    ("uploaded", "int2"),
]


def _hash(text: str | None) -> int:
    """A 64-bit hash of ``text`` (0 for none): the portable path's stand-in for ``hashtextextended``."""
    if not text:
        return 0
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True) or 1


def _block(origin: dict) -> str:
    """The address block of an origin as the SQL reads it (IPv4 first three octets, IPv6 first three groups)."""
    kept = origin.get("ip_block") or (ip_block(str(origin["ip"])) if origin.get("ip") else "")
    if not kept:
        return ""
    network = kept.split("/", 1)[0]
    if "." in network:
        return network.rsplit(".", 1)[0]
    return ":".join(network.split(":")[:3])


def _read_portable(campaign, after: int | None = None) -> tuple[dict, dict, dict]:
    """The columns, the distinct domains and phone prefixes (hash → text), read through the ORM (SQLite); with
    ``after``, only the entries beyond that id without kept inputs."""
    entries = Entry.objects.filter(campaign=campaign)
    if after is not None:
        entries = entries.filter(pk__gt=after).exclude(pk__in=ScoreInput.objects.filter(campaign=campaign).values("pk"))
    rows = list(
        entries.select_related("fan").only(
            "pk", "phone", "email", "origin", "date_created", "confirmed_phone", "scored_by", "fan__profile_facts"
        )
    )
    blocked_elsewhere = dict(
        Entry.objects.filter(fan_id__in=[row.fan_id for row in rows], verdict=False)
        .exclude(campaign=campaign)
        .values("fan_id")
        .annotate(n=Count("pk"))
        .values_list("fan_id", "n")
    )
    domains, prefixes = {}, {}
    columns: dict[str, list] = {name: [] for name, _ in _COLUMNS}
    for row in rows:
        origin = row.origin or {}
        domain, prefix = mail_domain(row.email), row.phone[:8] if row.phone else ""
        domains[_hash(domain)] = domain
        prefixes[_hash(prefix)] = row.phone
        ua = origin.get("user_agent_hash") or (
            user_agent_hash(str(origin["user_agent"])) if origin.get("user_agent") else ""
        )
        block = _block(origin)
        created = (row.fan.profile_facts or {}).get("accountCreated")
        age = float("nan")
        if isinstance(created, str) and re.match(r"^\d{4}-\d{2}-\d{2}", created):
            try:
                made = parse_iso(created)
            except ValueError:
                made = None
            if made is not None:
                age = (row.date_created - made).total_seconds() / 86400
        form_ms = str(origin.get("form_ms", ""))
        values = {
            "id": row.pk,
            "phone": _hash(row.phone),
            "range": _hash(phone_range(row.phone)),
            "prefix": _hash(prefix),
            "mailbox": _hash(mailbox(row.email)),
            "domain": _hash(domain),
            "block": _hash(block),
            "browser": _hash(ua),
            "seconds": row.date_created.timestamp(),
            "confirmed": int(row.confirmed_phone is not None),
            "age_days": age,
            "form_ms": float(form_ms) if form_ms.isdigit() and len(form_ms) <= 9 else float("nan"),
            "past_blocked": blocked_elsewhere.get(row.fan_id, 0),
            "uploaded": int(row.scored_by == "upload"),
        }
        for name, value in values.items():
            columns[name].append(value)
    arrays = {
        name: np.array(columns[name], dtype={"int8": np.int64, "int2": np.int16, "float8": np.float64}[kind])
        for name, kind in _COLUMNS
    }
    return arrays, domains, prefixes


def _read_postgresql(campaign, pace=None, after: int | None = None) -> tuple[dict, dict, dict]:
    """The columns (one binary COPY), the distinct domains and phone prefixes outside +1 (hash → text); with
    ``after``, only the entries beyond that id without kept inputs (a continued live run)."""
    params = {"campaign": campaign.pk, "plus": sorted(PLUS_IGNORED)}
    since = -1 if after is None else after
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT hashtextextended(lower(split_part(email, '@', 2)), 0), lower(split_part(email, '@', 2))"
            " FROM entries_entry WHERE campaign_id = %s AND id > %s AND email <> ''",
            [campaign.pk, since],
        )
        domains = dict(cursor.fetchall())
        cursor.execute(
            "SELECT hashtextextended(left(phone, 8), 0), min(phone) FROM entries_entry"
            " WHERE campaign_id = %s AND id > %s AND phone <> '' AND phone NOT LIKE '+1%%' GROUP BY left(phone, 8)",
            [campaign.pk, since],
        )
        prefixes = dict(cursor.fetchall())
    if pace is not None and pace.rate > 0:
        # a paced (live) run stays on one core: no parallel workers, no JIT compilation
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off")

    def sql_with(blocked: str) -> str:
        return _READ_SQL.replace("{blocked}", blocked).replace("%(campaign)s", "%s").replace("%(plus)s", "%s")

    if after is not None:
        # the new entries only: each one's fan and blocked entries looked up by index (left to itself the planner
        # hashes every fan of the installation for a few thousand new entries: a 1.5-million-row scan each run)
        sql = sql_with(_BLOCKED_PER_FAN) + _NEW_ONLY
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
        arrays = read_columns(sql, [params["plus"], campaign.pk, after], _COLUMNS, pace=pace)
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_hashjoin; RESET enable_mergejoin")
    elif pace is not None and pace.rate > 0:
        # a paced full run: by fan too, its cost following the campaign rather than the whole table
        sql = sql_with(_BLOCKED_PER_FAN)
        arrays = read_columns(sql, [params["plus"], campaign.pk], _COLUMNS, pace=pace)
    else:
        sql = sql_with(_BLOCKED_ALL)
        arrays = read_columns(sql, [params["plus"], campaign.pk, campaign.pk], _COLUMNS, pace=pace)
    return arrays, domains, prefixes


def _sharers(keys: np.ndarray) -> np.ndarray:
    """For each entry, how many entries of the campaign share its key (0 for an unknown key), as int32."""
    counts = np.zeros(len(keys), dtype=np.int32)
    known = keys != 0
    if known.any():
        _, inverse, per_key = np.unique(keys[known], return_inverse=True, return_counts=True)
        counts[known] = per_key[inverse]
    return counts


#: What a run does with the signal inputs (``ScoreInput``): a full run leaves them alone (the close, the command),
#: or replaces them (a live run starting afresh, staff's re-score of an open campaign); a live run that continues
#: from them reads only the entries without inputs.
INPUTS_IGNORED, INPUTS_REPLACED, INPUTS_CONTINUED = "ignored", "replaced", "continued"
#: A row of the narrow inputs table costs the server a small part of an entry's read (no JSON, no hashing, no join
#: to the fan): a live run reads this many of them in the time it may read one entry.
NARROW_ROWS_PER_ENTRY_ROW = 10
#: Entry ids below the newest input's that a continued run still looks at (an entry whose INSERT committed after
#: a later one's: ids are handed out before commit); those with inputs already are skipped.
LATE_COMMIT_IDS = 10_000
_INPUTS = [
    ("id", "int8"),
    ("phone", "int8"),
    ("range", "int8"),
    ("mailbox", "int8"),
    ("block", "int8"),
    ("browser", "int8"),
    ("seconds", "float8"),
    ("phone_line", "int2"),
    ("disposable", "int2"),
    ("confirmed", "int2"),
    ("age_days", "float8"),
    ("form_ms", "float8"),
    ("past_blocked", "int8"),
    ("uploaded", "int2"),
]
_INPUT_COLUMNS = [
    "entry_id",
    "phone",
    "phone_range",
    "mailbox",
    "block",
    "browser",
    "seconds",
    "phone_line",
    "disposable",
    "confirmed",
    "age_days",
    "form_ms",
    "past_blocked",
    "uploaded",
]


def score_campaign(
    campaign_id: str,
    *,
    actor: Actor,
    report=None,
    rows_per_second: float | None = None,
    inputs: str = INPUTS_IGNORED,
) -> dict:
    """Score the entries of the campaign with the bot score, against every entry known so far, in one transaction;
    one audit-log row. Run live while the campaign is open (``entries.services.live_score``), at close (the last
    word) and when staff ask.

    An entry whose band (high ≥ 0.95, mid ≥ 0.80, low) differs from its previous run's gets
    ``date_band_changed`` = now (the dashboard's "moved band in the last hour"); the others keep theirs.
    Args: ``report``: called with each stage's name in words (a job's progress), or None; ``rows_per_second``: the
        most entry rows a second the run reads and writes on PostgreSQL (live runs: ``LIVE_SCORE_ROWS_PER_SECOND``, so
        that registrations keep the CPU; ``monoql.jobs.Pacer``), None for as fast as it can; ``inputs``:
        ``INPUTS_IGNORED`` (read every entry; the inputs table untouched), ``INPUTS_REPLACED`` (read every entry and
        keep what was read as the campaign's ``ScoreInput`` rows) or ``INPUTS_CONTINUED`` (read only the entries
        without inputs, score them with the kept inputs of the others — the whole crowd —, keep theirs, and rewrite
        the score of only the entries whose score changed: a live run whose last run kept the inputs).
    Returns: ``{"entries": n scored, "uploadKept": n whose uploaded score stays, "contributions": n rows written,
        "bands": {"high", "mid", "low"}, "movedBand": n, "lastEntryId": the newest entry scored, "blockedByDomain": n,
        "inputs": the mode, "read": entries read in full, "rewritten": entries whose score was written,
        "seconds": {stage: s}}``.
    Raises: NotFound ``CAMPAIGN_NOT_FOUND``; Unavailable ``LOCK_TIMEOUT`` (another run of the campaign holds it);
        ValueError for an unknown ``inputs``.
    """
    if inputs not in (INPUTS_IGNORED, INPUTS_REPLACED, INPUTS_CONTINUED):
        raise ValueError(f"unknown inputs mode {inputs!r}")
    report = report or (lambda stage: None)
    pace = Pacer(rows_per_second)
    narrow_pace = Pacer((rows_per_second or 0) * NARROW_ROWS_PER_ENTRY_ROW)
    campaign = campaign_or_404(campaign_id)
    weights = weights_for(campaign.options)
    rules = dict(MailDomain.objects.values_list("domain", "rule"))
    staff_disposable = {domain for domain, rule in rules.items() if rule == MailDomainRule.DISPOSABLE}
    blocked_domains = sorted(domain for domain, rule in rules.items() if rule == MailDomainRule.BLOCKED)
    with transaction.atomic():
        # one run per campaign at a time: two would each delete and write the same contributions
        lock(BOT_SCORE, campaign.pk, what="the campaign's bot score")
        seconds: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            seconds[stage] = round(now - clock, 2)
            clock = now

        report("reading the entries")
        after = _newest_input(campaign) - LATE_COMMIT_IDS if inputs == INPUTS_CONTINUED else None
        if connection.vendor == "postgresql":
            columns, domains, prefixes = _read_postgresql(campaign, pace, after=after)
        else:
            columns, domains, prefixes = _read_portable(campaign, after=after)
        fresh = _entry_inputs(columns, domains, prefixes, staff_disposable)
        read = len(fresh["id"])
        if inputs == INPUTS_CONTINUED:
            known, known_previous = _read_inputs(campaign, narrow_pace)
            earlier = _previous_of(fresh["id"])
            lap("read")
            if read:
                report("keeping the signal inputs")
                _write_inputs(campaign, fresh, pace)
            # the scores the run replaces, ids ascending: the known entries' and those a run without inputs gave
            order = np.argsort(np.concatenate([known["id"], earlier[0]]), kind="stable")
            previous = tuple(
                np.concatenate([column, earlier[at]])[order] for at, column in enumerate((known["id"], *known_previous))
            )
            crowd = {name: np.concatenate([known.pop(name), fresh.pop(name)]) for name, _ in _INPUTS}
        else:
            previous = _previous_bands(campaign, narrow_pace)
            lap("read")
            if inputs == INPUTS_REPLACED:
                report("keeping the signal inputs")
                _delete_inputs(campaign, fresh["id"], pace)
                _write_inputs(campaign, fresh, pace)
            crowd = fresh
        lap("inputs")
        entry_ids, keep = crowd.pop("id"), crowd.pop("uploaded") == 1
        n = len(entry_ids)
        report("computing the signals")
        points, parts = _points(crowd, weights)
        del crowd
        scores = np.round(score_from_points(points), 4)
        changed_at, moved = _band_changes(entry_ids, scores, previous, time.time())
        keeps_digests = inputs != INPUTS_IGNORED
        digests = _digests(n, parts) if keeps_digests else None
        if inputs == INPUTS_CONTINUED and len(previous[0]):
            # only the entries whose explanation changed are written again (the new ones have none yet)
            at = np.clip(np.searchsorted(previous[0], entry_ids), 0, len(previous[0]) - 1)
            scored = previous[0][at] == entry_ids
            rewrite = ~scored | (previous[3][at] != digests)
            # an entry scored by no run has no rows to delete (most of a continued run's: the new entries)
            replaced = np.flatnonzero(rewrite & scored)
        else:
            rewrite = np.ones(n, dtype=bool)
            # a full run replaces every entry's rows; a continued one with no scores yet has none to replace
            replaced = np.arange(n) if inputs != INPUTS_CONTINUED else np.zeros(0, dtype=np.int64)
        rewritten = np.flatnonzero(rewrite)
        parts = [
            (signal, rows[rewrite[rows]], values[rewrite[rows]], taken[rewrite[rows]])
            for signal, rows, values, taken in parts
        ]
        lap("signals")
        report("writing the contributions")
        _delete_previous(campaign, entry_ids[replaced], whole_campaign=inputs != INPUTS_CONTINUED, pace=pace)
        contributions = _write(entry_ids, parts, pace)
        lap("contributions")
        report("writing the scores")
        _store_scores(
            entry_ids[rewritten],
            scores[rewritten],
            changed_at[rewritten],
            digests[rewritten] if digests is not None else None,
            pace,
        )
        lap("scores")
        blocked = 0
        if blocked_domains:
            blocked = (
                Entry.objects.filter(campaign=campaign, verdict=True)
                .filter(Q(*[Q(email__iendswith=f"@{domain}") for domain in blocked_domains], _connector=Q.OR))
                .update(verdict=False)
            )
        kept = scores[~keep]
        summary = {
            "entries": int(n - keep.sum()),
            "uploadKept": int(keep.sum()),
            "contributions": contributions,
            "bands": {
                "high": int((kept >= 0.95).sum()),
                "mid": int(((kept >= 0.80) & (kept < 0.95)).sum()),
                "low": int((kept < 0.80).sum()),
            },
            "movedBand": moved,
            "lastEntryId": int(entry_ids.max()) if n else 0,
            "blockedByDomain": blocked,
            "inputs": inputs,
            "read": read,
            "rewritten": len(rewritten),
            "seconds": seconds,
        }
        record(actor, "entries.botScore", campaign_id=campaign.pk, changes=summary)
    if connection.vendor == "postgresql" and inputs != INPUTS_CONTINUED:
        # after a bulk rewrite the planner's numbers are an emptier table's (the next live run's joins read them)
        tables = ["entries_scorecontribution", "entries_botscore"]
        analyze(*tables, *(["entries_scoreinput"] if inputs == INPUTS_REPLACED else []))
    logger.info("bot score of campaign %s: %s", campaign.pk, summary)
    return summary


def _entry_inputs(columns: dict, domains: dict, prefixes: dict, staff_disposable: set[str]) -> dict:
    """The signal inputs (``_INPUTS``) from the columns read: the phone prefix and the mail domain become the two
    flags they decide (suspect line, disposable mailbox); the other columns are passed on as they are."""
    disposable_hashes = [key for key, domain in domains.items() if disposable(domain, staff_disposable)]
    suspect_prefixes = [key for key, phone in prefixes.items() if phone_line_suspect(phone)]
    columns["phone_line"] = np.isin(columns.pop("prefix"), suspect_prefixes).astype(np.int16)
    columns["disposable"] = np.isin(columns.pop("domain"), disposable_hashes).astype(np.int16)
    return {name: columns.pop(name) for name, _ in _INPUTS}


def _points(crowd: dict, weights: dict) -> tuple[np.ndarray, list]:
    """Each entry's points and the non-zero contributions ``[(signal, rows, values, points)]`` from the inputs of the
    whole crowd (each raw column is let go once its signal input is made: 3.5 million entries stay under 1 GB)."""
    n = len(crowd["phone"])
    signals = {
        "phone_line": crowd.pop("phone_line").astype(np.int8),
        "disposable_mail": crowd.pop("disposable").astype(np.int8),
        "phone_sharers": _sharers(crowd.pop("phone")),
        "range_sharers": _sharers(crowd.pop("range")),
        "mailbox_sharers": _sharers(crowd.pop("mailbox")),
        "burst": block_burst_excess(crowd["block"], crowd.pop("seconds")),
    }
    signals["block_browser"] = block_browser_excess(crowd.pop("block"), crowd.pop("browser"))
    signals["confirmed"] = crowd.pop("confirmed").astype(np.int8)
    points = np.zeros(n, dtype=np.float64)
    parts = []
    for signal, value, strength in signal_strengths(
        **signals,
        account_age_days=crowd.pop("age_days"),
        completion_ms=crowd.pop("form_ms"),
        past_blocked=crowd.pop("past_blocked"),
    ):
        taken = strength * weights[WEIGHT_OF[ScoreSignal(signal)]]
        points += taken
        rows = np.flatnonzero(taken > 0)
        parts.append((signal, rows, np.asarray(value, dtype=np.float64)[rows], taken[rows]))
    return points, parts


def _newest_input(campaign) -> int:
    """The newest entry id with kept inputs in the campaign (0: none)."""
    return (
        ScoreInput.objects.filter(campaign=campaign).order_by("-entry_id").values_list("entry_id", flat=True).first()
        or 0
    )


def _read_inputs(campaign, pace=None) -> tuple[dict, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The kept inputs of the campaign's entries (``_INPUTS`` columns, ids ascending) and each one's current
    ``(score, band-change time, digest)`` (NaN, NaN, 0: none)."""
    names = [*_INPUTS, ("score", "float8"), ("changed", "float8"), ("digest", "int8")]
    if connection.vendor == "postgresql":
        columns = read_columns(
            "SELECT i.entry_id::int8, i.phone, i.phone_range, i.mailbox, i.block, i.browser, i.seconds::float8,"
            " i.phone_line, i.disposable, i.confirmed, COALESCE(i.age_days, 'NaN')::float8,"
            " COALESCE(i.form_ms, 'NaN')::float8, i.past_blocked::int8, i.uploaded,"
            " COALESCE(b.score, 'NaN')::float8, COALESCE(extract(epoch FROM b.date_band_changed), 'NaN')::float8,"
            " COALESCE(b.digest, 0)::int8"
            " FROM entries_scoreinput i LEFT JOIN entries_botscore b ON b.entry_id = i.entry_id"
            " WHERE i.campaign_id = %s ORDER BY i.entry_id",
            [campaign.pk],
            names,
            pace=pace,
        )
    else:
        rows = list(
            ScoreInput.objects.filter(campaign=campaign)
            .order_by("entry_id")
            .values_list(
                *_INPUT_COLUMNS,
                "entry__bot_score__score",
                "entry__bot_score__date_band_changed",
                "entry__bot_score__digest",
            )
        )
        nan = float("nan")
        columns = {}
        for at, (name, kind) in enumerate(names):
            if name == "changed":
                values = [row[at].timestamp() if row[at] else nan for row in rows]
            elif name == "digest":
                values = [row[at] or 0 for row in rows]
            else:
                values = [nan if row[at] is None else row[at] for row in rows]
            columns[name] = np.array(values, dtype={"int8": np.int64, "int2": np.int16, "float8": np.float64}[kind])
    return columns, (columns.pop("score"), columns.pop("changed"), columns.pop("digest"))


def _previous_of(entry_ids: np.ndarray) -> tuple[np.ndarray, ...]:
    """The current bot scores of the few ``entry_ids`` that have one (an entry scored by a run that kept no inputs):
    ``(ids, scores, band-change times as epoch seconds or NaN, digests or 0)``."""
    rows = []
    for start in range(0, len(entry_ids), 500):
        rows += list(
            BotScore.objects.filter(entry_id__in=entry_ids[start : start + 500].tolist()).values_list(
                "entry_id", "score", "date_band_changed", "digest"
            )
        )
    return (
        np.array([row[0] for row in rows], dtype=np.int64),
        np.array([row[1] for row in rows], dtype=np.float64),
        np.array([row[2].timestamp() if row[2] else np.nan for row in rows], dtype=np.float64),
        np.array([row[3] or 0 for row in rows], dtype=np.int64),
    )


def _delete_inputs(campaign, entry_ids: np.ndarray, pace=None) -> None:
    """Remove the campaign's kept inputs before a run replaces them (every one belongs to an entry read: an erased
    entry's went with it), ``DELETE_BLOCK`` ids a statement on PostgreSQL, paced."""
    if connection.vendor != "postgresql":
        ScoreInput.objects.filter(campaign=campaign).delete()
        return
    with connection.cursor() as cursor:
        for start in range(0, len(entry_ids), DELETE_BLOCK):
            block = entry_ids[start : start + DELETE_BLOCK].tolist()
            cursor.execute("DELETE FROM entries_scoreinput WHERE entry_id = ANY(%s)", [block])
            if pace is not None:
                pace(len(block))


def _write_inputs(campaign, inputs: dict, pace=None) -> None:
    """Keep ``inputs`` (``_INPUTS`` columns) as the campaign's ``ScoreInput`` rows: COPY on PostgreSQL, batches
    elsewhere (NaN kept as null)."""
    arrays = [inputs[name] for name, _ in _INPUTS]
    if connection.vendor == "postgresql":
        tail = f"\t{copy_escape(campaign.pk)}\n"
        write_text(
            "entries_scoreinput",
            [*_INPUT_COLUMNS, "campaign_id"],
            (line[:-1] + tail for line in _lines(*arrays)),
            pace=pace,
        )
        return
    ScoreInput.objects.bulk_create(
        [
            ScoreInput(
                campaign=campaign,
                **{
                    column: (None if value != value else value)
                    for column, value in zip(_INPUT_COLUMNS, row, strict=True)
                },
            )
            for row in zip(*(array.tolist() for array in arrays), strict=True)
        ],
        batch_size=1000,
    )


def _write(entry_ids: np.ndarray, parts: list, pace=None) -> int:
    """Write the non-zero contributions (``[(signal, rows, values, points)]``); returns how many."""
    total = sum(len(rows) for _, rows, _, _ in parts)
    if connection.vendor == "postgresql":

        def lines():
            for signal, rows, values, taken in parts:
                yield from _lines(entry_ids[rows], np.full(len(rows), signal), values, taken)

        write_text("entries_scorecontribution", ["entry_id", "signal", "value", "points"], lines(), pace=pace)
        return total
    ScoreContribution.objects.bulk_create(
        [
            ScoreContribution(entry_id=int(entry_ids[row]), signal=int(signal), value=float(value), points=float(point))
            for signal, rows, values, taken in parts
            for row, value, point in zip(rows.tolist(), values.tolist(), taken.tolist(), strict=True)
        ],
        batch_size=2000,
    )
    return total


def _lines(*arrays: np.ndarray, block: int = 100_000):
    """COPY text lines of the arrays side by side (NaN as ``NaN``), turned into Python numbers ``block`` rows at a
    time: 3.5 million rows never become one list."""
    for start in range(0, len(arrays[0]), block):
        for row in zip(*(array[start : start + block].tolist() for array in arrays), strict=True):
            yield "\t".join("NaN" if value != value else repr(value) for value in row) + "\n"


def _delete_previous(campaign, entry_ids: np.ndarray, *, whole_campaign: bool, pace=None) -> None:
    """Remove the contributions and bot scores of ``entry_ids`` before a run writes theirs again (with
    ``whole_campaign``, those of every entry of the campaign: a full run). On PostgreSQL by entry id,
    ``DELETE_BLOCK`` ids a statement, each block paced like the rest of the run (a live run never deletes a
    campaign's rows in one burst); elsewhere through the ORM."""
    if connection.vendor != "postgresql":
        if whole_campaign:
            ScoreContribution.objects.filter(entry__campaign=campaign).delete()
            BotScore.objects.filter(entry__campaign=campaign).delete()
            return
        for start in range(0, len(entry_ids), 500):
            block = entry_ids[start : start + 500].tolist()
            ScoreContribution.objects.filter(entry_id__in=block).delete()
            BotScore.objects.filter(entry_id__in=block).delete()
        return
    with connection.cursor() as cursor:
        for start in range(0, len(entry_ids), DELETE_BLOCK):
            block = entry_ids[start : start + DELETE_BLOCK].tolist()
            cursor.execute(
                "DELETE FROM entries_scorecontribution WHERE entry_id = ANY(%s);"
                " DELETE FROM entries_botscore WHERE entry_id = ANY(%s)",
                [block, block],
            )
            if pace is not None:
                pace(2 * len(block))


#: Entry ids per DELETE statement of ``_delete_previous``.
DELETE_BLOCK = 20_000


def _band_codes(scores: np.ndarray) -> np.ndarray:
    """2 high (≥ 0.95), 1 mid (≥ 0.80), 0 low; -1 where there is no score (NaN)."""
    codes = np.where(scores >= 0.95, 2, np.where(scores >= 0.80, 1, 0))
    return np.where(np.isnan(scores), -1, codes)


def _previous_bands(campaign, pace=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The campaign's current bot scores before a run replaces them: ``(entry ids sorted, scores, band-change
    times as epoch seconds or NaN)``."""
    if connection.vendor == "postgresql":
        columns = read_columns(
            "SELECT b.entry_id::int8, b.score::float8,"
            " COALESCE(extract(epoch FROM b.date_band_changed), 'NaN')::float8"
            " FROM entries_botscore b JOIN entries_entry e ON e.id = b.entry_id WHERE e.campaign_id = %s"
            " ORDER BY b.entry_id",
            [campaign.pk],
            [("id", "int8"), ("score", "float8"), ("changed", "float8")],
            pace=pace,
        )
        return columns["id"], columns["score"], columns["changed"]
    rows = list(
        BotScore.objects.filter(entry__campaign=campaign)
        .order_by("entry_id")
        .values_list("entry_id", "score", "date_band_changed")
    )
    return (
        np.array([row[0] for row in rows], dtype=np.int64),
        np.array([row[1] for row in rows], dtype=np.float64),
        np.array([row[2].timestamp() if row[2] else np.nan for row in rows], dtype=np.float64),
    )


def _band_changes(entry_ids: np.ndarray, scores: np.ndarray, previous, now: float) -> tuple[np.ndarray, int]:
    """Each entry's ``date_band_changed`` after this run (epoch seconds, NaN = never): ``now`` where its band moved
    since its previous score, its previous time otherwise. Returns ``(times, how many moved)``."""
    old_ids, old_scores, old_changed = previous[:3]
    times = np.full(len(entry_ids), np.nan)
    if not len(old_ids):
        return times, 0
    at = np.clip(np.searchsorted(old_ids, entry_ids), 0, len(old_ids) - 1)
    known = old_ids[at] == entry_ids
    old_band = np.where(known, _band_codes(old_scores[at]), -1)
    moved = known & (old_band >= 0) & (old_band != _band_codes(scores))
    times = np.where(known, old_changed[at], np.nan)
    times[moved] = now
    return times, int(moved.sum())


def _store_scores(
    entry_ids: np.ndarray, scores: np.ndarray, changed_at: np.ndarray, digests: np.ndarray | None, pace=None
) -> None:
    """Write the bot score of ``entry_ids`` (whose earlier rows the caller deleted), when each last moved band
    (epoch seconds, NaN = never) and its contributions' digest (None: none kept): by COPY in id order on PostgreSQL
    (the primary key's order: its index grows at its right edge), elsewhere in batches."""
    digests = digests if digests is not None else np.zeros(len(entry_ids), dtype=np.int64)
    if connection.vendor == "postgresql":
        order = np.argsort(entry_ids, kind="stable")

        def lines():
            block = 100_000
            for start in range(0, len(order), block):
                rows = order[start : start + block]
                for entry_id, score, changed, digest in zip(
                    entry_ids[rows].tolist(),
                    scores[rows].tolist(),
                    changed_at[rows].tolist(),
                    digests[rows].tolist(),
                    strict=True,
                ):
                    when = "\\N" if changed != changed else datetime.fromtimestamp(changed, UTC).isoformat()
                    kept = digest or "\\N"
                    yield f"{entry_id}\t{score!r}\t{when}\t{kept}\n"

        write_text("entries_botscore", ["entry_id", "score", "date_band_changed", "digest"], lines(), pace=pace)
        return
    BotScore.objects.bulk_create(
        [
            BotScore(
                entry_id=int(entry_id),
                score=float(score),
                date_band_changed=None if changed != changed else datetime.fromtimestamp(changed, UTC),
                digest=digest or None,
            )
            for entry_id, score, changed, digest in zip(
                entry_ids.tolist(), scores.tolist(), changed_at.tolist(), digests.tolist(), strict=True
            )
        ],
        batch_size=2000,
    )


def _digests(n: int, parts: list) -> np.ndarray:
    """Each entry's 64-bit digest of its contributions ``[(signal, rows, values, points)]`` (order-free: the XOR of
    one mixed hash per signal, over a non-zero seed, so that an entry with none is never 0 — 0 is "no digest").
    Equal inputs give equal digests bit for bit: the crowd's signals do not depend on the rows' order."""
    digest = np.full(n, np.uint64(0x243F6A8885A308D3), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for signal, rows, values, taken in parts:
            mixed = (np.ascontiguousarray(values, dtype=np.float64).view(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) ^ (
                np.ascontiguousarray(taken, dtype=np.float64).view(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
            )
            digest[rows] ^= mixed * np.uint64(2 * int(signal) + 1)
    digest[digest == 0] = 1
    return digest.view(np.int64)
