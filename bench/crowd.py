"""A synthetic crowd for the bot score (issue 37): organic fans with the hard cases, and injected bot patterns.

``generate(seed, organic=…)`` returns registrations as plain dicts (``pattern``, fan and entry fields, origin,
seconds after the campaign opened); ``load(campaign, crowd, opened)`` stores them (fans and entries, in bulk). The
tests use a small crowd; ``bench/scoring.py`` evaluates the bot score on a large one and reports per pattern.

Organic fans (the hard cases first):
- thousands behind a few carrier-grade NAT blocks (mobile carriers), with the browsers everybody uses;
- families sharing one phone (pairs, a few of three);
- Gmail users who write their address with dots (each their own mailbox);
- a launch burst: a third of the crowd in the first ten minutes (10,000 a minute at 30,000 fans);
- numbers drawn from a few hundred exchanges at about the density of an Eras-size campaign; 10 % of accounts
  created during the campaign; 3 % of numbers abroad are landlines; 60 % of fans on the fan site (which reports
  ``form_ms``), the rest through third-party sites (neutral).
Injected patterns: ``phone-farm`` (North American numbers bought in runs), ``shared-block`` (a datacenter /24 and
one browser, spread over the campaign), ``disposable`` (throwaway mailboxes), ``dotted-alias`` (dot variants of a
few Gmail mailboxes), ``burst`` (a block firing accounts seconds apart, browsers rotated), ``fast-form`` (forms
completed in under 2 s), and ``careful-bot`` (fresh random North American numbers, real mailboxes, spread
addresses, human timing: a documented limitation, not asserted).
"""

from __future__ import annotations

import random
from datetime import timedelta

from accounts.models import Fan
from entries.models import Entry

PATTERNS = ["phone-farm", "shared-block", "disposable", "dotted-alias", "burst", "fast-form"]
LIMITATION = "careful-bot"
MAIL_DOMAINS = [
    ("gmail.com", 40),
    ("yahoo.com", 12),
    ("outlook.com", 12),
    ("icloud.com", 10),
    ("hotmail.com", 6),
    ("aol.com", 3),
    ("comcast.net", 5),
    ("verizon.net", 3),
    ("proton.me", 2),
    ("fanmail.example", 7),
]
DISPOSABLE = ["mailinator.com", "guerrillamail.com", "10minutemail.com", "yopmail.com", "trashmail.com"]
DAY = 86_400


def _weighted(rng: random.Random, pairs):
    return rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]


def _browsers(rng: random.Random, count: int = 200) -> list[tuple[str, float]]:
    """User agents with a Zipf-like share: the top one about 15 % of the crowd."""
    return [(f"Mozilla/5.0 (device {n}) Browser/{100 + n % 40}.0", 1.0 / (n + 1) ** 1.1) for n in range(count)]


def _name(rng: random.Random) -> str:
    first = rng.choice(["alex", "sam", "jo", "maria", "li", "noah", "emma", "omar", "ana", "lucas", "mia", "kai"])
    last = rng.choice(["smith", "garcia", "nguyen", "brown", "lee", "martin", "khan", "silva", "cohen", "roy"])
    return f"{first}{rng.choice(['', '.', '_'])}{last}{rng.randint(1, 9999)}"


def _organic_time(rng: random.Random, duration: int) -> float:
    """A third in the first ten minutes (the launch burst), the rest over the campaign, fading."""
    if rng.random() < 1 / 3:
        return rng.uniform(0, 600)
    return min(duration - 1, rng.expovariate(1 / (duration / 4)))


def _public_block(rng: random.Random) -> str:
    return f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}"


def generate(seed: int, organic: int = 30_000, bots: int = 300, duration: int = 7 * DAY) -> list[dict]:
    """The crowd: ``organic`` fans and ``bots`` accounts per pattern (``careful-bot`` included), shuffled.

    Each registration: ``{"pattern", "email", "phone", "confirmed", "ip", "user_agent", "form_ms" (or None),
    "account_age_days" (or None), "seconds"}``.
    """
    rng = random.Random(seed)
    browsers = _browsers(rng)
    weights = [w for _, w in browsers]
    agents = [ua for ua, _ in browsers]
    exchanges = [f"+1{rng.randint(201, 989)}{rng.randint(200, 999)}" for _ in range(max(50, organic // 150))]
    cgnat = [_public_block(rng) for _ in range(5)]
    crowd: list[dict] = []

    def person(pattern: str, **fields) -> None:
        row = {
            "pattern": pattern,
            "email": f"{_name(rng)}@{_weighted(rng, MAIL_DOMAINS)}",
            "phone": f"{rng.choice(exchanges)}{rng.randint(0, 9999):04d}",
            "confirmed": rng.random() < 0.7,
            "ip": f"{_public_block(rng)}.{rng.randint(1, 254)}",
            "user_agent": rng.choices(agents, weights=weights)[0],
            "form_ms": rng.uniform(9_000, 90_000) if rng.random() < 0.6 else None,
            "account_age_days": rng.uniform(30, 3000) if rng.random() < 0.9 else None,
            "seconds": _organic_time(rng, duration),
        }
        row.update(fields)
        if row["account_age_days"] is not None and row["account_age_days"] >= 30 and rng.random() < 0.1:
            row["account_age_days"] = rng.uniform(0.01, 5)  # accounts made for this presale, by people
        crowd.append(row)

    # organic fans, hard cases included
    for _ in range(organic):
        kind = rng.random()
        if kind < 0.25:  # behind a carrier NAT
            person("organic", ip=f"{rng.choice(cgnat)}.{rng.randint(1, 254)}")
        elif kind < 0.40:  # abroad: mostly mobiles, some landlines
            phone = (
                f"+447{rng.randint(100000000, 999999999)}"
                if rng.random() > 0.03
                else f"+4420{rng.randint(10**7, 10**8 - 1)}"
            )
            person("organic", phone=phone)
        else:
            person("organic")
    families = [row for row in rng.sample(crowd, organic // 30)]
    for row in families:  # a family member registers with the same phone
        size = 2 if rng.random() < 0.9 else 3
        for _ in range(size - 1):
            person("organic", phone=row["phone"], ip=row["ip"])
    for row in rng.sample(crowd, organic // 20):  # Gmail users writing dots (their own mailbox each)
        local = _name(rng).replace(".", "").replace("_", "")
        row["email"] = f"{local[:3]}.{local[3:]}@gmail.com"

    # injected patterns
    for run in range(max(1, bots // 100)):  # phone farm: numbers bought in runs of 100
        start = f"+1{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 99):02d}"
        for n in range(min(100, bots - run * 100)):
            person("phone-farm", phone=f"{start}{n:02d}", confirmed=True, account_age_days=rng.uniform(0.01, 3))
    block, agent = _public_block(rng), rng.choice(agents[:3])
    for _ in range(bots):  # a datacenter /24, one browser, spread over the campaign
        person("shared-block", ip=f"{block}.{rng.randint(1, 254)}", user_agent=agent, account_age_days=None)
    for _ in range(bots):
        person("disposable", email=f"{_name(rng)}@{rng.choice(DISPOSABLE)}")
    mailboxes = [_name(rng).replace(".", "").replace("_", "") for _ in range(max(1, bots // 30))]
    for n in range(bots):  # dot variants of a few Gmail mailboxes
        local = mailboxes[n % len(mailboxes)]
        cut = 1 + n // len(mailboxes) % (len(local) - 1)
        person("dotted-alias", email=f"{local[:cut]}.{local[cut:]}@gmail.com")
    start, burst_block = rng.uniform(3600, duration / 2), _public_block(rng)
    for n in range(bots):  # accounts fired seconds apart from one block, browsers rotated
        person("burst", ip=f"{burst_block}.{rng.randint(1, 254)}", seconds=start + n * rng.uniform(0.5, 3))
    for _ in range(bots):
        person("fast-form", form_ms=rng.uniform(300, 1900))
    for _ in range(bots):  # careful bots: fresh numbers, real mailboxes, spread addresses, human timing
        phone = f"+1{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
        person(LIMITATION, phone=phone)
    rng.shuffle(crowd)
    return crowd


def load(campaign, crowd: list[dict], opened, prefix: str = "crowd") -> list[int]:
    """Store the crowd as fans and entries of ``campaign`` (opened at ``opened``, a UTC datetime); returns the entry
    ids in crowd order. The entries' ``date_created`` and ``origin`` are the crowd's."""
    tag = campaign.pk[-6:]
    fans = Fan.objects.bulk_create(
        [
            Fan(
                global_user_id=f"{prefix}-{tag}-{n}",
                email=row["email"],
                profile_facts=(
                    {
                        "accountCreated": (
                            opened + timedelta(seconds=row["seconds"] - row["account_age_days"] * DAY)
                        ).isoformat()
                    }
                    if row["account_age_days"] is not None
                    else {}
                ),
            )
            for n, row in enumerate(crowd)
        ],
        batch_size=5000,
    )
    entries = [
        Entry(
            campaign=campaign,
            fan=fan,
            email=row["email"].lower(),
            phone=row["phone"],
            confirmed_phone=row["phone"] if row["confirmed"] and row["pattern"] != "organic-family" else None,
            origin={
                "ip": row["ip"],
                "user_agent": row["user_agent"],
                **({"form_ms": str(int(row["form_ms"]))} if row["form_ms"] is not None else {}),
            },
        )
        for fan, row in zip(fans, crowd, strict=True)
    ]
    # a phone is confirmed by one entry of a campaign only: later sharers keep it unconfirmed
    seen: set = set()
    for entry in entries:
        if entry.confirmed_phone in seen:
            entry.confirmed_phone = None
        elif entry.confirmed_phone:
            seen.add(entry.confirmed_phone)
    stored = Entry.objects.bulk_create(entries, batch_size=5000)
    created = {entry.pk: opened + timedelta(seconds=row["seconds"]) for entry, row in zip(stored, crowd, strict=True)}
    _set_dates(created)
    return [entry.pk for entry in stored]


def _set_dates(created: dict) -> None:
    """``date_created`` is set on insert (auto_now_add): write the crowd's times afterwards, in bulk."""
    rows = [Entry(pk=pk, date_created=when) for pk, when in created.items()]
    Entry.objects.bulk_update(rows, ["date_created"], batch_size=5000)
