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
from conftest import TEST_ACTOR
from entries.models import BotScore, Entry, ScoreContribution, ScoreInput, ScoreRun, ScoreSignal
from entries.services.bot_score import INPUTS_CONTINUED, INPUTS_IGNORED, INPUTS_REPLACED, score_campaign
from entries.services.live_score import inputs_mode, score_live_campaigns
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


def _explanations(campaign) -> tuple[dict, list]:
    """Each entry's (score, band-change time) and every contribution (entry, signal, value, points), sorted."""
    scores = {
        entry_id: (score, changed)
        for entry_id, score, changed in BotScore.objects.filter(entry__campaign=campaign).values_list(
            "entry_id", "score", "date_band_changed"
        )
    }
    contributions = sorted(
        ScoreContribution.objects.filter(entry__campaign=campaign).values_list("entry_id", "signal", "value", "points")
    )
    return scores, contributions


@pytest.mark.django_db
def test_a_continued_live_run_reads_only_the_new_entries_and_leaves_what_a_full_run_would(settings):
    # given an open campaign whose organic fans were scored live once (the run keeps their signal inputs)
    settings.LIVE_SCORE_SECONDS = 0
    settings.LIVE_SCORE_ROWS_PER_SECOND = 0
    campaign = Campaign.objects.create(name="Continued", status=CampaignStatus.OPEN)
    organic_ids, farm = _launch(campaign)
    _sweep_until_it_runs(campaign)
    # when the farm bursts in, three accounts of it behind the phone of a fan scored already, and the sweep runs
    shared = Entry.objects.get(pk=organic_ids[0]).phone
    farm = [dict(row, phone=shared, confirmed=False) if n < 3 else row for n, row in enumerate(farm)]
    farm_ids = load(campaign, farm, OPENED, prefix="farm")
    _sweep_until_it_runs(campaign)
    # then the second run read only the farm's entries, scored them against the whole crowd (most low), kept their
    # inputs, and wrote again only the entries whose explanation changed
    first, second = (run.summary for run in ScoreRun.objects.filter(campaign=campaign).order_by("pk"))
    assert (first["inputs"], first["read"], first["rewritten"]) == ("replaced", len(organic_ids), len(organic_ids))
    assert (second["inputs"], second["read"]) == ("continued", len(farm_ids))
    assert len(farm_ids) < second["rewritten"] < len(organic_ids) + len(farm_ids)
    sharing = ScoreContribution.objects.get(entry_id=organic_ids[0], signal=ScoreSignal.SHARED_PHONE)
    assert (sharing.value, sharing.points) == (4, pytest.approx(0.25 * 2 / 3))
    assert second["entries"] == len(organic_ids) + len(farm_ids) == ScoreInput.objects.filter(campaign=campaign).count()
    assert _low_share(farm_ids) >= 0.9
    live = _explanations(campaign)
    # and a full run over every entry (the close's way) finds exactly the same scores, band moves and contributions
    full = score_campaign(campaign.pk, actor=TEST_ACTOR, inputs=INPUTS_IGNORED)
    assert (full["read"], full["movedBand"]) == (len(organic_ids) + len(farm_ids), 0)
    assert _explanations(campaign) == live


@pytest.mark.django_db
def test_a_continued_run_picks_up_an_entry_committed_late_and_rewrites_all_when_the_weights_change():
    # given a campaign scored with its inputs kept
    campaign = Campaign.objects.create(name="Late", status=CampaignStatus.OPEN)
    ids = load(campaign, generate(3, organic=40, bots=10), OPENED)
    score_campaign(campaign.pk, actor=TEST_ACTOR, inputs=INPUTS_REPLACED)
    # when an entry below the newest has no inputs (its INSERT committed after a later one was read)
    ScoreInput.objects.filter(entry_id=ids[5]).delete()
    summary = score_campaign(campaign.pk, actor=TEST_ACTOR, inputs=INPUTS_CONTINUED)
    # then a continued run reads it, and only it, and keeps its inputs
    assert (summary["read"], summary["entries"]) == (1, len(ids))
    assert ScoreInput.objects.filter(campaign=campaign).count() == len(ids)
    # and nothing changed: only what no digest vouched for is written again
    assert score_campaign(campaign.pk, actor=TEST_ACTOR, inputs=INPUTS_CONTINUED)["rewritten"] == 0
    # when staff change a weight, then every entry with that signal is written again with the new points
    Campaign.objects.filter(pk=campaign.pk).update(options={"botScore": {"weights": {"unverified": 0.05}}})
    unverified = ScoreContribution.objects.filter(entry__campaign=campaign, signal=ScoreSignal.UNVERIFIED)
    summary = score_campaign(campaign.pk, actor=TEST_ACTOR, inputs=INPUTS_CONTINUED)
    assert (summary["read"], summary["rewritten"]) == (0, unverified.count())
    assert set(unverified.values_list("points", flat=True)) == {0.05}


@pytest.mark.django_db
def test_each_kind_of_run_does_what_it_should_with_the_kept_inputs():
    campaign = Campaign.objects.create(name="Kinds", status=CampaignStatus.OPEN)
    load(campaign, generate(4, organic=10, bots=0)[:10], OPENED)

    def run(kind):
        return ScoreRun.objects.create(campaign=campaign, kind=kind)

    # a first live run starts afresh; one after a run that kept inputs continues
    assert inputs_mode(run("live")) == INPUTS_REPLACED
    ScoreRun.objects.create(campaign=campaign, kind="rescore", status="FINISHED", summary={"inputs": "replaced"})
    assert inputs_mode(run("live")) == INPUTS_CONTINUED
    # staff's re-score of an open campaign replaces them; the close ignores them
    assert (inputs_mode(run("rescore")), inputs_mode(run("close"))) == (INPUTS_REPLACED, INPUTS_IGNORED)
    # and a live run after a run that kept none (the close, then the campaign opened again) starts afresh
    ScoreRun.objects.create(campaign=campaign, kind="close", status="FINISHED", summary={"inputs": "ignored"})
    assert inputs_mode(run("live")) == INPUTS_REPLACED
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)
    assert inputs_mode(run("rescore")) == INPUTS_IGNORED
