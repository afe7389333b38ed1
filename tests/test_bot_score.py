"""The batch bot score on PostgreSQL (issue 37): a generated crowd (``bench/crowd.py``) scored at close; the injected
patterns fall low, organic fans stay high; an uploaded score wins; staff-blocked domains block; staff read why (the
admin, the ``scoreExplanations`` export); a wave prep with ``minScore`` leaves the patterns out; erasure and the
fan's data export cover the stored signals."""

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from accounts.models import Fan
from bench.crowd import LIMITATION, PATTERNS, generate, load
from campaigns.models import Campaign, CampaignStatus, Market
from conftest import TEST_ACTOR
from entries.models import ENTRY_SCORE, BotScore, Entry, MailDomain, ScoreContribution, ScoreSignal
from entries.selection.models import Allocation
from entries.selection.services.wave_prep import run_wave_prep, trigger_wave_prep
from entries.selection.tests.selection_factory import add_codes
from entries.services.bot_score import score_campaign
from exports.services.exports import run_export, schedule_export
from monoql.audit import AuditEntry
from monoql.workflows.privacy import erase_fan, fan_data
from tests.test_campaign_editor_browser import _sign_in
from tests.test_graphiql_browser import browser_page  # noqa: F401 - the shared Playwright page fixture

pytestmark = pytest.mark.django_db
OPENED = datetime(2026, 11, 1, tzinfo=UTC)
SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots" / "bot-score"


@pytest.fixture
def crowd_campaign(require_postgres):
    """A closed campaign of 2,000 organic fans and 100 accounts of each pattern (the tests' crowd: seed 5)."""
    campaign = Campaign.objects.create(name="Crowd Tour", status=CampaignStatus.CLOSED)
    market = Market.objects.create(campaign=campaign, name="Arena", city="C", state="S", timezone="UTC")
    crowd = generate(5, organic=2000, bots=100)
    ids = load(campaign, crowd, OPENED)
    Entry.objects.filter(campaign=campaign).update(market_0=market)
    return campaign, market, crowd, ids


def _flagged_share(crowd, ids, pattern):
    rows = dict(BotScore.objects.filter(entry_id__in=ids).values_list("entry_id", "score"))
    chosen = [entry_id for entry_id, row in zip(ids, crowd, strict=True) if row["pattern"] == pattern]
    return sum(1 for entry_id in chosen if rows[entry_id] < 0.80) / len(chosen)


def test_the_injected_patterns_fall_low_and_organic_fans_stay_high(crowd_campaign):
    # given the crowd campaign, nobody scored yet
    campaign, _, crowd, ids = crowd_campaign
    # when the bot score runs
    summary = score_campaign(campaign.pk, actor=TEST_ACTOR)
    # then every entry carries it, each injected pattern is low for at least 9 in 10, organic fans for at most 5 %
    assert summary["entries"] == len(crowd) and summary["uploadKept"] == 0
    assert BotScore.objects.filter(entry__campaign=campaign).count() == len(crowd)
    assert not Entry.objects.filter(campaign=campaign, score__isnull=False).exists()  # no entry row rewritten
    shares = {pattern: _flagged_share(crowd, ids, pattern) for pattern in [*PATTERNS, "organic", LIMITATION]}
    assert {pattern: shares[pattern] >= 0.9 for pattern in PATTERNS} == dict.fromkeys(PATTERNS, True), shares
    assert shares["organic"] <= 0.05, shares
    # and the run is one audit-log row with its bands
    row = AuditEntry.objects.get(action="entries.botScore")
    assert (row.campaign_id, row.changes["entries"], sum(row.changes["bands"].values())) == (
        campaign.pk,
        len(crowd),
        len(crowd),
    )


def test_an_uploaded_score_wins_and_a_blocked_domain_blocks(crowd_campaign):
    # given one entry scored by an uploaded file, and staff blocking a mail domain
    campaign, _, crowd, ids = crowd_campaign
    uploaded = Entry.objects.get(pk=ids[0])
    Entry.objects.filter(pk=uploaded.pk).update(score=0.42, scored_by="upload")
    MailDomain.objects.create(domain="yopmail.com", rule="blocked")
    yopmail = Entry.objects.filter(campaign=campaign, email__endswith="@yopmail.com").count()
    assert yopmail > 0
    # when the bot score runs
    summary = score_campaign(campaign.pk, actor=TEST_ACTOR)
    # then the uploaded score stays and ranks the entry (its bot score and contributions are still written, for
    # staff), the domain's entries are blocked
    uploaded.refresh_from_db()
    assert (uploaded.score, uploaded.scored_by, summary["uploadKept"]) == (0.42, "upload", 1)
    ranked = Entry.objects.annotate(ranked=ENTRY_SCORE).get(pk=uploaded.pk).ranked
    assert (ranked, BotScore.objects.filter(entry=uploaded).exists()) == (0.42, True)
    other = Entry.objects.annotate(ranked=ENTRY_SCORE).get(pk=ids[1]).ranked
    assert other == BotScore.objects.get(entry_id=ids[1]).score
    assert summary["blockedByDomain"] == yopmail
    assert not Entry.objects.filter(campaign=campaign, email__endswith="@yopmail.com", verdict=True).exists()


def test_a_fast_form_is_explained_in_the_export(crowd_campaign):
    # given the scored crowd
    campaign, _, crowd, ids = crowd_campaign
    score_campaign(campaign.pk, actor=TEST_ACTOR)
    fast = next(entry_id for entry_id, row in zip(ids, crowd, strict=True) if row["pattern"] == "fast-form")
    contribution = ScoreContribution.objects.get(entry_id=fast, signal=ScoreSignal.COMPLETION_TIME)
    assert contribution.value < 2000 and contribution.points == pytest.approx(0.35)
    # when staff export the explanations
    export = run_export(
        schedule_export(campaign_id=campaign.pk, export_type="scoreExplanations", actor=TEST_ACTOR)[0].pk
    )
    with default_storage.open(export.path, "rb") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig"))))
    # then every entry has a row, and the fast form's says the completion time took 0.35
    assert len(rows) == len(crowd)
    row = next(row for row in rows if row["entry_id"] == str(fast))
    assert (row["band"], row["scored_by"], float(row["completionTime"])) == ("low", "monoql", 0.35)


def test_a_wave_prep_with_min_score_leaves_the_patterns_out(crowd_campaign):
    # given the scored crowd and codes for everyone
    campaign, market, crowd, ids = crowd_campaign
    score_campaign(campaign.pk, actor=TEST_ACTOR)
    add_codes(campaign, len(crowd))
    # when a wave prep keeps fans scored 0.80 or more
    wave_prep = run_wave_prep(
        trigger_wave_prep(campaign_id=campaign.pk, date_key="d", min_score=0.8, seed=1, actor=TEST_ACTOR).pk
    )
    # then at most a tenth of any injected pattern is selected, and the organic fans are (all but a few)
    selected = set(
        Allocation.objects.filter(wave_prep=wave_prep, outcome="selected").values_list("entry_id", flat=True)
    )
    for pattern in PATTERNS:
        chosen = [entry_id for entry_id, row in zip(ids, crowd, strict=True) if row["pattern"] == pattern]
        assert len(selected & set(chosen)) <= len(chosen) // 10, pattern
    organic = [entry_id for entry_id, row in zip(ids, crowd, strict=True) if row["pattern"] == "organic"]
    assert len(selected & set(organic)) >= 0.95 * len(organic)


def test_erasure_and_the_data_export_cover_the_stored_signals(crowd_campaign):
    # given the scored crowd and one of its fans with contributions
    campaign, _, crowd, ids = crowd_campaign
    score_campaign(campaign.pk, actor=TEST_ACTOR)
    entry = Entry.objects.get(pk=next(i for i, row in zip(ids, crowd, strict=True) if row["pattern"] == "disposable"))
    assert ScoreContribution.objects.filter(entry=entry).exists()
    # when the fan asks for their data, then it lists their contributions
    data = fan_data(entry.fan_id)
    assert {row["signal"] for row in data["tables"]["entries.scorecontribution"]} >= {ScoreSignal.DISPOSABLE_EMAIL}
    assert [row["score"] for row in data["tables"]["entries.botscore"]] == [BotScore.objects.get(entry=entry).score]
    # when they are erased, then their contributions and bot score are gone
    erase_fan(entry.fan_id, actor=TEST_ACTOR)
    assert not ScoreContribution.objects.filter(entry_id=entry.pk).exists()
    assert not BotScore.objects.filter(entry_id=entry.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_staff_read_why_an_entry_scored_low_on_its_admin_page(live_server, browser_page, demo_campaign):  # noqa: F811
    # given a registration from a throwaway mailbox whose form was filled in under a second, scored
    entry = Entry.objects.create(
        campaign=demo_campaign,
        fan=Fan.objects.create(global_user_id="g-quick", email="quick@mailinator.com"),
        email="quick@mailinator.com",
        phone="+12125550123",
        origin={"ip": "198.51.100.7", "user_agent": "Bot/1.0", "form_ms": "850"},
    )
    score_campaign(demo_campaign.pk, actor=TEST_ACTOR)
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)
    _sign_in(page, live_server)
    # when staff open the entry in the admin
    page.goto(f"{live_server.url}/admin/entries/entry/{entry.pk}/change/")
    # then they read its band and, signal by signal, what took points off
    assert page.inner_text(".field-score_band .readonly") == "low: 0.32 (scored by the bot score)"
    rows = page.eval_on_selector_all(
        ".score-explanation tr", "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent))"
    )
    assert rows == [
        ["signal", "what it saw", "points"],
        ["form completed faster than a person types", "850 ms", "−0.35"],
        ["disposable mailbox domain", "yes", "−0.3"],
        ["phone not confirmed", "yes", "−0.03"],
    ]
    page.locator(".field-score_explanation").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "entry-explanation-1280.png"), full_page=True)
    # and the campaign's bot score page counts the entries it scored; the audit log shows the run, by campaign
    page.goto(f"{live_server.url}/admin/campaigns/campaign/{demo_campaign.pk}/bot-score/")
    assert "1 of 1 entries carry the bot score" in " ".join(page.inner_text("#content").split())
    page.screenshot(path=str(SHOTS / "campaign-bot-score-1280.png"), full_page=True)
    page.goto(f"{live_server.url}/admin/monoql/auditentry/?campaign={demo_campaign.pk}")
    assert page.locator("#result_list tbody tr").filter(has_text="entries.botScore").count() == 1
    page.screenshot(path=str(SHOTS / "audit-log-1280.png"), full_page=True)
