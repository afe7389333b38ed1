"""Live scoring (issue 41): a crowd's launch driven through the beat's sweep. Organic fans register first; then a
farm bursts in; the sweep scores the campaign again and the burst shows in the low band within two sweeps, while
registration itself writes nothing more (no statement on its path). The dashboard's band counts equal SQL counts
(a real browser, screenshot in ``artifacts/screenshots/bot-score/``)."""

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Q

from bench.crowd import generate, load
from campaigns.models import Campaign, CampaignStatus, Market
from entries.models import BotScore, Entry, ScoreRun
from entries.services.live_score import score_live_campaigns
from tests.test_campaign_editor_browser import _sign_in
from tests.test_graphiql_browser import browser_page  # noqa: F401 - the shared Playwright page fixture

OPENED = datetime(2026, 11, 1, tzinfo=UTC)
SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots" / "bot-score"
BURST = ("burst", "phone-farm", "shared-block")


def _launch(campaign):
    """The crowd (seed 9) split: organic fans, then the farm's registrations. Returns (organic ids, farm ids)."""
    crowd = generate(9, organic=600, bots=60)
    organic = [row for row in crowd if row["pattern"] == "organic"]
    farm = [row for row in crowd if row["pattern"] in BURST]
    first = load(campaign, organic, OPENED)
    return first, farm


def _sweep_until_it_runs(campaign, seconds: float = 20) -> None:
    """Call the beat's sweep until it queues a run of ``campaign`` (tasks run inline: the run is done on return);
    the sweep holds off for twice the last run's duration, which a loaded machine makes longer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if score_live_campaigns() == [campaign.pk]:
            return
        time.sleep(0.2)
    raise AssertionError("the sweep never queued a run")


def _low_share(ids) -> float:
    scores = dict(BotScore.objects.filter(entry_id__in=ids).values_list("entry_id", "score"))
    return sum(1 for entry_id in ids if scores.get(entry_id, 1.0) < 0.80) / len(ids)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_burst_during_the_launch_shows_in_the_low_band_within_two_sweeps(
    require_postgres,
    settings,
    live_server,
    browser_page,  # noqa: F811
):
    settings.LIVE_SCORE_SECONDS = 0  # the sweep's own throttle is tested below; here every sweep may run
    settings.LIVE_SCORE_ROWS_PER_SECOND = 0
    campaign = Campaign.objects.create(name="Live Tour", status=CampaignStatus.OPEN)
    market = Market.objects.create(campaign=campaign, name="Arena", city="C", state="S", timezone="UTC")
    organic_ids, farm = _launch(campaign)
    Entry.objects.filter(campaign=campaign).update(market_0=market)
    # when the beat sweeps once, then the organic fans are scored, nearly all high
    _sweep_until_it_runs(campaign)
    assert BotScore.objects.filter(entry__campaign=campaign).count() == len(organic_ids)
    assert _low_share(organic_ids) <= 0.05
    # and a sweep with nothing new queues nothing
    assert score_live_campaigns() == []
    # when the farm bursts in, then within two sweeps most of it is low
    farm_ids = load(campaign, farm, OPENED, prefix="farm")
    # (the next sweep the throttle lets run scores it: the second sweep of the launch)
    _sweep_until_it_runs(campaign)
    low = _low_share(farm_ids)
    assert low >= 0.9, low
    runs = ScoreRun.objects.filter(campaign=campaign).order_by("pk")
    assert [(run.kind, run.status) for run in runs] == [("live", "FINISHED")] * 2
    assert runs.last().summary["lastEntryId"] == max(farm_ids)

    # then the dashboard's bands equal SQL counts, in a browser
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("admin", "admin@example.com", "pw-Test-123!")
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/admin/campaigns/campaign/{campaign.pk}/dashboard/")
    shown = {
        band: int(page.inner_text(f"#bot-score-bands tr[data-band='{band}'] td"))
        for band in ("high", "mid", "low", "unscored")
    }
    rows = BotScore.objects.filter(entry__campaign=campaign)
    assert shown == {
        "high": rows.filter(score__gte=0.95).count(),
        "mid": rows.filter(score__gte=0.80, score__lt=0.95).count(),
        "low": rows.filter(score__lt=0.80).count(),
        "unscored": Entry.objects.filter(campaign=campaign, bot_score__isnull=True).count(),
    }
    assert shown["low"] >= 0.9 * len(farm_ids)
    moved = rows.filter(~Q(date_band_changed=None)).count()
    assert page.inner_text("#bot-score-moved").startswith(f"{moved} entr")
    page.locator("#bot-score").screenshot(path=str(SHOTS / "live-bands.png"))


@pytest.mark.django_db
def test_the_sweep_waits_twice_a_runs_duration_and_never_runs_two_at_once(settings):
    settings.LIVE_SCORE_SECONDS = 3600
    campaign = Campaign.objects.create(name="Throttled", status=CampaignStatus.OPEN)
    load(campaign, generate(3, organic=30, bots=0)[:30], OPENED)
    assert score_live_campaigns() == [campaign.pk]
    load(campaign, [dict(generate(4, organic=5, bots=0)[0], email="late@example.com")], OPENED, prefix="late")
    # a new entry within LIVE_SCORE_SECONDS of the last run waits
    assert score_live_campaigns() == []
    # and a run queued or running is never doubled
    settings.LIVE_SCORE_SECONDS = 0
    ScoreRun.objects.create(campaign=campaign, kind="live", status="PROCESSING")
    assert score_live_campaigns() == []
    # and a closed campaign is never swept
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)
    ScoreRun.objects.filter(status="PROCESSING").delete()
    assert score_live_campaigns() == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_registration_costs_the_same_single_statement_with_live_scoring_running(
    require_postgres, sign_in, demo_campaign, django_assert_num_queries, django_capture_on_commit_callbacks
):
    # given the open demo campaign already scored live once (a registration, then the beat's sweep)
    from entries.tests.test_registration_fast_path import UPSERT, VIEWER, _entry, _post

    token = sign_in()
    assert _post(VIEWER, {}, token).json()["data"]["viewer"]["isLoggedIn"] is True
    other = sign_in("other@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        _post(UPSERT, {"c": demo_campaign.pk, "e": {**_entry(demo_campaign), "email": "o@example.com"}}, other)
        assert score_live_campaigns() == [demo_campaign.pk]
    assert BotScore.objects.filter(entry__campaign=demo_campaign).count() == 1
    # when a fan registers, then it is still one statement, and none touches the bot score or its runs
    entry = _entry(demo_campaign)
    with django_assert_num_queries(1) as new:
        answer = _post(UPSERT, {"c": demo_campaign.pk, "e": entry}, token).json()
    assert "errors" not in answer, answer
    assert not any("botscore" in q["sql"] or "scorerun" in q["sql"] for q in new.captured_queries)


@pytest.mark.django_db
def test_a_weight_change_is_its_own_row_in_the_campaigns_history(demo_campaign):
    from campaigns.services.upsert_campaign import upsert_campaign
    from conftest import TEST_ACTOR
    from monoql.audit import AuditEntry

    options = {**(demo_campaign.options or {}), "botScore": {"weights": {"blockBurst": 0.5}}}
    upsert_campaign({"id": demo_campaign.pk, "options": options}, actor=TEST_ACTOR)
    row = AuditEntry.objects.get(action="campaign.botScoreWeights")
    assert (row.campaign_id, row.changes) == (demo_campaign.pk, {"blockBurst": [None, 0.5]})


@pytest.mark.django_db
def test_a_score_run_lost_with_its_worker_is_queued_again_then_failed_when_spent(django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from entries.services.live_score import sweep_stale_score_runs

    campaign = Campaign.objects.create(name="Lost", status=CampaignStatus.CLOSED)
    old = timezone.now() - timedelta(hours=1)
    waiting = ScoreRun.objects.create(
        campaign=campaign, kind="close", status="PROCESSING", attempts=1, heartbeat_at=old
    )
    spent = ScoreRun.objects.create(campaign=campaign, kind="live", status="PROCESSING", attempts=2, heartbeat_at=old)
    with django_capture_on_commit_callbacks(execute=True):  # the re-queued run runs inline
        assert sweep_stale_score_runs() == {"requeued": [waiting.pk], "failed": [spent.pk]}
    waiting.refresh_from_db()
    spent.refresh_from_db()
    assert (waiting.status, waiting.attempts) == ("FINISHED", 2)
    assert (spent.status, spent.error) == ("FAILED", "The worker was lost after 2 attempts.")
