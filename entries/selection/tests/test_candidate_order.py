"""The wave prep's candidates on PostgreSQL arrive unsorted and numpy puts them in the order the database's
``ORDER BY score DESC NULLS LAST, random_score DESC, id`` gives (issue 35): the same columns, so the same input
hash and the same allocation, with ties on the score, on the random score and unscored fans among them. And the outcome writer checks that it
runs inside the run's transaction."""

import numpy as np
import pytest
from django.db.models import F

from conftest import TEST_ACTOR
from entries.models import ENTRY_SCORE, Entry
from entries.selection.services import wave_prep as service
from entries.selection.services.wave_prep import trigger_wave_prep
from entries.selection.tests.selection_factory import add_entries, closed_campaign
from monoql.transactions import TransactionRequired

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _campaign_with_ties():
    campaign, (a, b) = closed_campaign(markets=2)
    scores = [None, 0.5, 0.5, 0.25, None, 0.5, 1.0, 0.0, 0.25, None] * 12
    entries = add_entries(
        campaign, [((a.pk, b.pk) if n % 3 else (b.pk,), score, True) for n, score in enumerate(scores)]
    )
    # a third of the fans share their random score with another fan (the entry id decides between them)
    for n, entry in enumerate(entries):
        if n % 3 == 0:
            Entry.objects.filter(pk=entry.pk).update(random_score=0.125)
    # and the later half of the rows has the smallest ids: the table's order is not the entry ids' order
    Entry.objects.filter(pk__in=[entry.pk for entry in entries[60:]]).update(id=F("id") - 100_000)
    return campaign


def _read(campaign, **params):
    wave_prep = trigger_wave_prep(campaign_id=campaign.pk, date_key="2026-11-20", seed=3, **params, actor=TEST_ACTOR)
    return service._candidate_columns(wave_prep, service._market_plan(wave_prep))


def test_candidates_come_in_the_database_s_score_order(require_postgres):
    # given 120 fans with tied scores, tied random scores and unscored fans
    campaign = _campaign_with_ties()
    # when the wave prep reads its candidates
    columns, _ = _read(campaign)
    # then they are in the order PostgreSQL sorts them into
    expected = list(
        Entry.objects.filter(campaign=campaign)
        .annotate(ranked_score=ENTRY_SCORE)
        .order_by(F("ranked_score").desc(nulls_last=True), "-random_score", "id")
        .values_list("id", flat=True)
    )
    assert columns.entry_id.tolist() == expected
    # and each column follows its entry
    by_id = dict(Entry.objects.filter(campaign=campaign).values_list("id", "random_score"))
    assert columns.random_score.tolist() == [by_id[entry_id] for entry_id in expected]
    assert int(np.isnan(columns.score).sum()) == 36


def test_a_lottery_s_candidates_come_in_entry_id_order(require_postgres):
    # given the same fans
    campaign = _campaign_with_ties()
    # when a lottery's wave prep reads them
    columns, _ = _read(campaign, random_selection=True)
    # then they come by entry id (the lottery key orders them afterwards)
    assert columns.entry_id.tolist() == sorted(Entry.objects.filter(campaign=campaign).values_list("id", flat=True))


@pytest.mark.django_db(transaction=True)
def test_outcome_rows_are_not_written_outside_the_run_s_transaction():
    # given no transaction around the call (the arguments are never read)
    # when the outcome writer is called, then it refuses: the reservation and the rows commit with the run or not at all
    with pytest.raises(TransactionRequired, match="_write_allocations runs inside a transaction"):
        service._write_allocations(None, {}, None, None, None)  # type: ignore[arg-type]
