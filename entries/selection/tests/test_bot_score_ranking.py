"""Wave prep ranks by the uploaded score where a file gave one, else by the bot score (``BotScore``, a table of its
own since the bot score stopped rewriting entry rows), on PostgreSQL's COPY path and SQLite's alike."""

import pytest

from conftest import TEST_ACTOR
from entries.metrics import verified_entries
from entries.models import BotScore, Entry
from entries.selection.models import Allocation
from entries.selection.services.wave_prep import run_wave_prep, trigger_wave_prep
from entries.selection.tests.selection_factory import add_codes, add_entries, closed_campaign

pytestmark = pytest.mark.django_db


def test_the_uploaded_score_wins_and_the_bot_score_ranks_the_rest():
    # given: A scored 0.9 by an uploaded file (the bot score says 0.3), B scored 0.95 by the bot score only, C unscored
    campaign, (market, *_) = closed_campaign(markets=1)
    a, b, c = add_entries(campaign, [([market.pk], 0.9, True), ([market.pk], None, True), ([market.pk], None, True)])
    Entry.objects.filter(pk=a.pk).update(scored_by="upload")
    BotScore.objects.bulk_create([BotScore(entry=a, score=0.3), BotScore(entry=b, score=0.95)])
    add_codes(campaign, 6)  # each run reserves its own
    # when a wave prep ranks them by score, and another keeps scores of 0.5 or more
    ranked = run_wave_prep(trigger_wave_prep(campaign_id=campaign.pk, date_key="all", seed=1, actor=TEST_ACTOR).pk)
    bounded = run_wave_prep(
        trigger_wave_prep(campaign_id=campaign.pk, date_key="half", seed=1, min_score=0.5, actor=TEST_ACTOR).pk
    )
    # then B (0.95) comes before A (0.9, its file's score), C (unscored) last; the bound keeps A and B
    order = Allocation.objects.filter(wave_prep=ranked, outcome="selected").order_by("position")
    assert list(order.values_list("entry_id", flat=True)) == [b.pk, a.pk, c.pk]
    kept = Allocation.objects.filter(wave_prep=bounded, outcome="selected").values_list("entry_id", flat=True)
    assert sorted(kept) == sorted([a.pk, b.pk])
    # and the metrics count the same way: 0.5 ≤ score keeps A and B, score ≤ 0.5 keeps nobody (A's bot 0.3 is not it)
    assert verified_entries(campaign, min_score=0.5).count() == 2
    assert verified_entries(campaign, max_score=0.5).count() == 0
