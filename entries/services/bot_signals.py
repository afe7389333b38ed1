"""The bot score's signals (issue 37; decisions.md "Bot score"): small functions, each saying what one thing the
product already holds tells about a registration, and how many points it takes off a fan's score.

A fan starts at 1.0; each signal's points are subtracted (``DEFAULT_WEIGHTS`` scale them; a campaign may set its
own in ``options.botScore.weights``); the result is kept within [0.22, 1.0], which falls onto the catalog's bands
(§3.7.5: high 0.95–1.0, mid 0.80–0.95, low 0.22–0.80). Every function here is pure: the batch
(``entries.services.bot_score``) feeds them columns and writes what they say.

The weights were set on a tuning crowd (``bench/crowd.py``, seed 11) and committed before the evaluation crowd
(another seed) was generated; ``bench/results/scoring.json`` reports that evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import phonenumbers
from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS
from phonenumbers import PhoneNumberType

from entries.models import ScoreSignal

#: Points per signal at full strength (a campaign's ``options.botScore.weights`` overrides any of them, by name).
DEFAULT_WEIGHTS: dict[str, float] = {
    "phoneLine": 0.12,
    "disposableEmail": 0.30,
    "sharedPhone": 0.25,
    "phoneRange": 0.30,
    "sharedMailbox": 0.30,
    "blockBurst": 0.30,
    "blockBrowser": 0.30,
    "unverified": 0.03,
    "accountAge": 0.12,
    "completionTime": 0.35,
    "pastBlocked": 0.40,
}
#: The weight name of each signal.
WEIGHT_OF = {
    ScoreSignal.PHONE_LINE: "phoneLine",
    ScoreSignal.DISPOSABLE_EMAIL: "disposableEmail",
    ScoreSignal.SHARED_PHONE: "sharedPhone",
    ScoreSignal.PHONE_RANGE: "phoneRange",
    ScoreSignal.SHARED_MAILBOX: "sharedMailbox",
    ScoreSignal.BLOCK_BURST: "blockBurst",
    ScoreSignal.UNVERIFIED: "unverified",
    ScoreSignal.ACCOUNT_AGE: "accountAge",
    ScoreSignal.COMPLETION_TIME: "completionTime",
    ScoreSignal.PAST_BLOCKED: "pastBlocked",
    ScoreSignal.BLOCK_BROWSER: "blockBrowser",
}
#: The lowest score (the catalog's low band starts at 0.22).
FLOOR = 0.22
#: The seconds either side of a registration in which registrations from the same address block count.
BURST_WINDOW_SECONDS = 60
#: How many times its expected count a block (or block and browser) may reach before it counts as excess, and
#: the count below which nothing is ever excess (a family, a dorm, an office).
EXCESS_FACTOR = 3.0
EXCESS_FLOOR = 6
#: Mail providers that ignore dots in the local part (and ``+tags``), and those that ignore only ``+tags``.
DOTS_IGNORED = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
PLUS_IGNORED = {"outlook.com", "hotmail.com", "live.com", "icloud.com", "me.com", "fastmail.com", "proton.me"}
#: Line types that a person's own phone rarely is.
_SUSPECT_LINES = {
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.VOIP,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.UAN,
    PhoneNumberType.PAGER,
}


def weights_for(options: dict | None) -> dict[str, float]:
    """The campaign's weights: ``DEFAULT_WEIGHTS`` with ``options.botScore.weights`` (name → points ≥ 0) on top."""
    custom = ((options or {}).get("botScore") or {}).get("weights") or {}
    return {name: float(custom.get(name, default)) for name, default in DEFAULT_WEIGHTS.items()}


def score_from_points(points: np.ndarray) -> np.ndarray:
    """Scores in [``FLOOR``, 1.0] from the points taken off (the catalog's bands follow: ≥ 0.95 high, ≥ 0.80 mid)."""
    return np.clip(1.0 - points, FLOOR, 1.0)


def band(score: float | None) -> str:
    """The catalog's band of a score (§3.7.5): ``high``, ``mid``, ``low``, or ``unscored``."""
    if score is None:
        return "unscored"
    return "high" if score >= 0.95 else "mid" if score >= 0.80 else "low"


# --- phone ----------------------------------------------------------------------------------------------------


@lru_cache(maxsize=65_536)
def _line_type(prefix: str, number: str) -> int:
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return 0
    return 1 if phonenumbers.number_type(parsed) in _SUSPECT_LINES else 0


def phone_line_suspect(phone: str) -> int:
    """1 when a number outside North America is a landline, VoIP, premium-rate, shared-cost or toll-free line;
    else 0. North American numbers (``+1``) tell nothing: phonenumbers says FIXED_LINE_OR_MOBILE for them.
    Numbers are looked up by their first 8 characters (the numbering plan decides the type by prefix), cached."""
    if not phone or phone.startswith("+1") or not phone.startswith("+"):
        return 0
    return _line_type(phone[:8], phone)


def phone_range(phone: str) -> str:
    """The block of 100 numbers a number is in (E.164 without its last two digits); "" without a number. (A block
    of 1,000 holds a dozen fans of an Eras-size campaign by chance; one of 100, one or two.)"""
    return phone[:-2] if phone and len(phone) > 8 else ""


# --- mail -----------------------------------------------------------------------------------------------------


def mail_domain(email: str) -> str:
    """The lower-cased domain of an address ("" when there is none)."""
    return email.rsplit("@", 1)[1].lower() if email and "@" in email else ""


def mailbox(email: str) -> str:
    """The mailbox an address delivers to: dots and ``+tags`` dropped where the provider ignores them (Gmail),
    ``+tags`` only where it ignores only those; other addresses as they are (lower-cased)."""
    if not email or "@" not in email:
        return ""
    local, domain = email.lower().rsplit("@", 1)
    if domain in DOTS_IGNORED:
        return f"{local.split('+', 1)[0].replace('.', '')}@{DOTS_IGNORED[domain]}"
    if domain in PLUS_IGNORED:
        return f"{local.split('+', 1)[0]}@{domain}"
    return f"{local}@{domain}"


def disposable(domain: str, staff_disposable: set[str]) -> int:
    """1 when mail to ``domain`` goes to a disposable mailbox (the ``disposable-email-domains`` list, or staff's)."""
    return int(bool(domain) and (domain in DISPOSABLE_DOMAINS or domain in staff_disposable))


# --- address --------------------------------------------------------------------------------------------------

_BLOCK = re.compile(r"^[0-9a-f:.]+/\d+$")


def burst_counts(groups: np.ndarray, seconds: np.ndarray, window: float = BURST_WINDOW_SECONDS) -> np.ndarray:
    """For each registration, how many registrations of the same group (an address block and browser, as one
    integer; 0 = unknown, never counted) fall within ``window`` seconds either side of it, itself included."""
    counts = np.zeros(len(groups), dtype=np.int64)
    known = np.flatnonzero(groups != 0)
    if len(known) == 0:
        return counts
    order = known[np.lexsort((seconds[known], groups[known]))]
    g, t = groups[order], seconds[order]
    # search within each group: offset the times by the group's rank so that groups never overlap
    rank = np.cumsum(np.r_[0, (g[1:] != g[:-1]).astype(np.int64)])
    span = float(t.max() - t.min()) + 4 * window + 1 if len(t) else 1.0
    key = t - t.min() + rank * span
    counts[order] = np.searchsorted(key, key + window, side="right") - np.searchsorted(key, key - window, side="left")
    return counts


def window_counts(groups: np.ndarray, seconds: np.ndarray, window: float = BURST_WINDOW_SECONDS) -> np.ndarray:
    """``burst_counts`` for every registration, the unknown group (0) counted too (the whole crowd: one group)."""
    shifted = np.where(groups == 0, np.int64(-1), groups)
    return burst_counts(shifted, seconds, window)


def excess(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """How far a count goes beyond ``EXCESS_FACTOR`` times what was expected (and ``EXCESS_FLOOR``); 0 or more."""
    return np.maximum(observed - np.maximum(EXCESS_FLOOR, EXCESS_FACTOR * expected), 0.0)


def block_burst_excess(blocks: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Registrations from an entry's address block within a minute either side, beyond what the block's share of
    the whole campaign predicts for the traffic of that minute: a carrier NAT in front of thousands of fans keeps
    its share through a launch burst; a farm switched on for ten minutes does not. 0 for an unknown block."""
    known = blocks != 0
    if not known.any():
        return np.zeros(len(blocks), dtype=np.float64)
    near_block = burst_counts(blocks, seconds).astype(np.float64)
    near_all = window_counts(np.zeros(len(blocks), dtype=np.int64), seconds).astype(np.float64)
    _, inverse, per_block = np.unique(blocks[known], return_inverse=True, return_counts=True)
    share = np.zeros(len(blocks), dtype=np.float64)
    share[known] = per_block[inverse] / known.sum()
    return np.where(known, excess(near_block, near_all * share), 0.0)


def block_browser_excess(blocks: np.ndarray, browsers: np.ndarray) -> np.ndarray:
    """Registrations with an entry's browser from its address block, beyond what that browser's share of the whole
    crowd predicts for the block: a carrier NAT's fans use the browsers everybody uses; a farm's accounts one.
    0 when the block or the browser is unknown."""
    known = (blocks != 0) & (browsers != 0)
    result = np.zeros(len(blocks), dtype=np.float64)
    if not known.any():
        return result
    # one 64-bit key per (block, browser): both are 64-bit hashes already, mixed with wrap-around arithmetic
    with np.errstate(over="ignore"):
        pair_keys = blocks[known] * np.int64(0x9E3779B97F4A7C15 - (1 << 64)) + browsers[known]
    pairs = _counts(pair_keys)
    per_block = _counts(blocks[known])
    per_browser = _counts(browsers[known])
    result[known] = excess(pairs, per_block * per_browser / known.sum())
    return result


def _counts(keys: np.ndarray) -> np.ndarray:
    """For each of ``keys``, how many share it."""
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    return counts[inverse].astype(np.float64)


# --- the points of each signal ----------------------------------------------------------------------------------


def ramp(value: np.ndarray, start: float, full: float) -> np.ndarray:
    """0 up to ``start``, 1 from ``full``, linear between: how strongly a count says "not one person"."""
    return np.clip((value - start) / (full - start), 0.0, 1.0)


def signal_strengths(
    *,
    phone_line: np.ndarray,
    disposable_mail: np.ndarray,
    phone_sharers: np.ndarray,
    range_sharers: np.ndarray,
    mailbox_sharers: np.ndarray,
    burst: np.ndarray,
    block_browser: np.ndarray,
    confirmed: np.ndarray,
    account_age_days: np.ndarray,
    completion_ms: np.ndarray,
    past_blocked: np.ndarray,
) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Each signal's ``(signal, value, strength 0–1 per entry)``, from the columns the batch computed, one signal at
    a time (the batch keeps only the points each takes, so eleven strength arrays never live at once).

    - phone line (outside +1): suspect line 1 → full;
    - disposable mailbox: 1 → full;
    - fans behind one phone: 2 is a family (nothing), 3 begins, 5 or more full;
    - fans in the same block of 100 numbers: up to 4 is chance, 8 or more full (phone farms buy in runs);
    - accounts behind one mailbox: 2 or more full (dotted aliases of one Gmail);
    - a burst from the address block beyond its share of that minute's traffic: an excess of 20 or more full;
    - one browser from the address block beyond its share of the crowd: an excess of 20 or more full;
    - phone not confirmed: full (small weight);
    - account age (from the identity provider, NaN when not given): under 1 day full, 30 days and more nothing;
    - completion time (the fan site's ``form_ms``, NaN when not reported: neutral): under 2 s full, 8 s nothing;
    - blocked in earlier campaigns: full.
    """
    yield ScoreSignal.PHONE_LINE, phone_line, phone_line.astype(np.float64)
    yield ScoreSignal.DISPOSABLE_EMAIL, disposable_mail, disposable_mail.astype(np.float64)
    yield ScoreSignal.SHARED_PHONE, phone_sharers, ramp(phone_sharers, 2, 5)
    yield ScoreSignal.PHONE_RANGE, range_sharers, ramp(range_sharers, 4, 8)
    yield ScoreSignal.SHARED_MAILBOX, mailbox_sharers, ramp(mailbox_sharers, 1, 2)
    yield ScoreSignal.BLOCK_BURST, burst, ramp(burst, 0, 20)
    yield ScoreSignal.BLOCK_BROWSER, block_browser, ramp(block_browser, 0, 20)
    unconfirmed = 1 - confirmed
    yield ScoreSignal.UNVERIFIED, unconfirmed, unconfirmed.astype(np.float64)
    age = np.where(np.isnan(account_age_days), np.inf, account_age_days)
    yield ScoreSignal.ACCOUNT_AGE, account_age_days, 1.0 - ramp(age, 1, 30)
    del age
    took = np.where(np.isnan(completion_ms), np.inf, completion_ms)
    yield ScoreSignal.COMPLETION_TIME, completion_ms, 1.0 - ramp(took, 2000, 8000)
    del took
    yield ScoreSignal.PAST_BLOCKED, past_blocked, (past_blocked > 0).astype(np.float64)
