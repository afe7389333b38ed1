"""Builders for wave prep and selection tests: a CLOSED campaign, markets, entries, codes."""

from datetime import UTC, datetime

from accounts.models import Fan
from campaigns.models import Campaign, CampaignStatus, Market
from codes.models import Code
from entries.models import Entry

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def closed_campaign(name="Selection Tour", markets=3, populations=None, options=None):
    """A CLOSED campaign with ``markets`` markets (``populations[i]`` or None each). Returns (campaign, [Market])."""
    campaign = Campaign.objects.create(name=name, status=CampaignStatus.CLOSED, options=options or {})
    created = [
        Market.objects.create(
            campaign=campaign,
            name=f"Market {n}",
            city=f"City {n}",
            state="CA",
            timezone="America/Los_Angeles",
            population=(populations or [None] * markets)[n],
            event_ids=[f"ev{n}"],
        )
        for n in range(markets)
    ]
    return campaign, created


def add_entries(campaign, rows, prefix="fan"):
    """Create one fan + entry per ``(ranked market ids, score, verdict[, phone])``; returns the entries."""
    tag = campaign.pk[-6:]
    fans = Fan.objects.bulk_create(
        Fan(
            global_user_id=f"{prefix}-{tag}-{n}",
            email=f"{prefix}{n}@{tag}.example.com",
            first_name=f"First{n}",
            last_name="Fan",
        )
        for n in range(len(rows))
    )
    entries = []
    for n, (fan, row) in enumerate(zip(fans, rows, strict=True)):
        ranked, score, verdict, *rest = row
        entry = Entry(
            campaign=campaign,
            fan=fan,
            score=score,
            verdict=verdict,
            email=fan.email,
            phone=rest[0] if rest else f"+1415555{n:04d}",
            random_score=((n * 7919) % 1000) / 1000,
        )
        entry.set_market_ids(list(ranked))
        entries.append(entry)
    return Entry.objects.bulk_create(entries, batch_size=2000)


def add_codes(campaign, count, code_type="tm", market=None, prefix=None):
    """Add ``count`` codes to the pool (pinned to ``market`` when given); returns their values."""
    prefix = prefix or f"{code_type.upper()}{(market.pk[-4:] if market else 'ANY')}"
    values = [f"{prefix}-{n:05d}" for n in range(count)]
    Code.objects.bulk_create(
        Code(campaign=campaign, code=value, type=code_type, market=market, date_saved=NOW) for value in values
    )
    return values
