"""Entry origin retention (issue 32 point 10; decisions.md "Entry origin retention"): after
``ENTRY_ORIGIN_RETENTION_DAYS`` an entry keeps only the derived form of where it came from."""

from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import Fan
from campaigns.models import Campaign
from conftest import TEST_ACTOR
from entries.models import Entry
from entries.services.origin_retention import minimize_entry_origins, user_agent_hash

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, tzinfo=UTC)
UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"
ORIGIN = {
    "ip": "203.0.113.77",
    "user_agent": UA,
    "forwarded_for": "198.51.100.2, 203.0.113.77",
    "session_id": "s-123",
    "ip_country": "US",
    "ref_code": "friend",
}


def _entry(n, written, origin):
    fan = Fan.objects.create(global_user_id=f"g{n}")
    campaign = Campaign.objects.get_or_create(name="R")[0]
    entry = Entry.objects.create(campaign=campaign, fan=fan, origin=origin)
    Entry.objects.filter(pk=entry.pk).update(date_updated=written)
    return entry


def test_an_old_entry_keeps_only_the_address_block_and_user_agent_hash(settings):
    """Catalog §1.7 request metadata, GDPR storage limitation: the full address, user agent, forwarded-for chain
    and session id go after the retention period; the bot score's inputs stay in derived form."""
    # given a 30-day retention, an entry last written 31 days ago, one written yesterday and an IPv6 one
    settings.ENTRY_ORIGIN_RETENTION_DAYS = 30
    old = _entry(1, NOW - timedelta(days=31), ORIGIN)
    recent = _entry(2, NOW - timedelta(days=1), ORIGIN)
    ipv6 = _entry(3, NOW - timedelta(days=40), {"ip": "2001:db8:1:2::7"})
    # when the beat task runs (twice: the second finds nothing left to do)
    first, second = minimize_entry_origins(now=NOW, actor=TEST_ACTOR), minimize_entry_origins(now=NOW, actor=TEST_ACTOR)
    # then the old entries hold the derived form only, the recent one is untouched
    assert (first, second) == (2, 0)
    assert Entry.objects.get(pk=old.pk).origin == {
        "ip_block": "203.0.113.0/24",
        "user_agent_hash": user_agent_hash(UA),
        "ip_country": "US",
        "ref_code": "friend",
    }
    assert Entry.objects.get(pk=ipv6.pk).origin == {"ip_block": "2001:db8:1::/48"}
    assert Entry.objects.get(pk=recent.pk).origin == ORIGIN
    assert len(user_agent_hash(UA)) == 16 and UA not in str(Entry.objects.get(pk=old.pk).origin)


def test_a_retention_of_zero_keeps_origins(settings):
    settings.ENTRY_ORIGIN_RETENTION_DAYS = 0
    entry = _entry(1, NOW - timedelta(days=400), ORIGIN)
    assert minimize_entry_origins(now=NOW, actor=TEST_ACTOR) == 0
    assert Entry.objects.get(pk=entry.pk).origin == ORIGIN


def test_the_beat_runs_the_retention_task(settings):
    assert settings.CELERY_BEAT_SCHEDULE["minimize-entry-origins"]["task"] == "entries.minimize_entry_origins"
