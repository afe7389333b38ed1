"""Rules found partly right, selection side (issue 32): who is told they are selected, and COPY under
Django's debug cursor."""

import pytest
from django.db import connection

from conftest import TEST_ACTOR
from entries.models import Entry, Stat
from entries.selection.models import Allocation
from entries.selection.services.selection import apply_selection, notify_selection, trigger_selection
from entries.selection.services.wave_prep import run_wave_prep, trigger_wave_prep
from entries.selection.tests.selection_factory import add_codes, add_entries, closed_campaign

pytestmark = pytest.mark.django_db


def _run(campaign, date_key, **params):
    return run_wave_prep(trigger_wave_prep(campaign_id=campaign.pk, date_key=date_key, **params, actor=TEST_ACTOR).pk)


def test_a_fan_blocked_between_wave_prep_and_selection_is_not_emailed_and_the_stat_says_so(mailoutbox):
    """Catalog §3.7.1 ``triggerSelection``: blocked fans are never selected, so never told they are. Selection
    emails only the fans whose code it assigned, and the Stat counts the emails (``notified``)."""
    # given a run that selected three fans, the second of whom is blocked before selection
    campaign, (market,) = closed_campaign(markets=1)
    add_codes(campaign, 5)
    entries = add_entries(campaign, [((market.pk,), 0.9 - n / 10, True) for n in range(3)])
    prep = _run(campaign, "d1")
    assert prep.count["selected"] == 3
    Entry.objects.filter(pk=entries[1].pk).update(verdict=False)
    # when selection is applied and its emails go
    trigger_selection(campaign_id=campaign.pk, market_ids=[market.pk], actor=TEST_ACTOR)
    apply_selection(prep.pk, [market.pk])
    sent = notify_selection(prep.pk, market.pk)
    # then only the two fans holding their code are emailed, and the Stat counts what happened
    assert sent == 2
    assert sorted(message.to[0] for message in mailoutbox) == sorted([entries[0].email, entries[2].email])
    count = Stat.objects.get(campaign=campaign, market_id=market.pk, type="selection").count
    assert (count["assigned"], count["released"], count["notified"]) == (2, 1, 2)
    # and running the notifications again sends nothing more
    assert notify_selection(prep.pk, market.pk) == 0
    assert len(mailoutbox) == 2
    assert Allocation.objects.filter(wave_prep=prep, date_notified__isnull=False).count() == 2


@pytest.mark.postgres
def test_wave_prep_runs_under_djangos_debug_cursor(require_postgres):
    """``DEBUG=true`` on PostgreSQL (the debug cursor wraps every cursor, ``CaptureQueriesContext`` too): COPY
    goes through ``CursorDebugWrapper.copy()``, which takes no parameters."""
    # given a campaign to prepare, with Django's debug cursor forced as DEBUG=true does
    campaign, (market,) = closed_campaign(markets=1)
    add_codes(campaign, 3)
    add_entries(campaign, [((market.pk,), 0.5, True) for _ in range(4)])
    connection.force_debug_cursor = True
    try:
        # when a wave prep runs
        prep = _run(campaign, "debug")
    finally:
        connection.force_debug_cursor = False
    # then it finishes as it does without the debug cursor
    assert (prep.status, prep.count["selected"], prep.count["waitlisted"]) == ("FINISHED", 3, 1)
