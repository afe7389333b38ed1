"""Status refresh (catalog §3.1): transitions, history, idempotence, concurrency, the three doors."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import Campaign, CampaignStatus, CampaignStatusChange
from campaigns.services.lifecycle import refresh_campaign_statuses
from campaigns.tasks import refresh_campaign_statuses_task
from conftest import TEST_ACTOR, publishable, run_concurrently, session_token_for
from monoql.audit import AuditEntry

NOW = timezone.now().replace(microsecond=0)


def _campaign(name, status, **dates):
    """A campaign that passes the publish rule (domain, close date, a market, content, an email field)."""
    dates.setdefault("date_close", NOW + timedelta(days=30)) if status in ("DRAFT", "PREVIEW") else None
    campaign = Campaign.objects.create(
        name=name,
        status=status,
        domain_site=f"{name}.localhost",
        domain_preview=f"p-{name}.localhost",
        preferences=[{"id": "email", "type": "email", "is_optional": False, "label": {"en_US": "Email"}}],
        **dates,
    )
    publishable(campaign)
    return campaign


@pytest.fixture
def due(db):
    return {
        "draft": _campaign("draft", CampaignStatus.DRAFT, date_open=NOW - timedelta(minutes=1)),
        "preview": _campaign("preview", CampaignStatus.PREVIEW, date_open=NOW),
        "future": _campaign("future", CampaignStatus.DRAFT, date_open=NOW + timedelta(hours=6)),
        "open": _campaign("open", CampaignStatus.OPEN, date_close=NOW - timedelta(seconds=1)),
        "staying": _campaign("staying", CampaignStatus.OPEN, date_close=NOW + timedelta(days=1)),
        "old": _campaign("old", CampaignStatus.CLOSED, date_closed=NOW - timedelta(days=30)),
        "recent": _campaign("recent", CampaignStatus.CLOSED, date_closed=NOW - timedelta(days=29)),
    }


@pytest.mark.django_db
def test_refresh_applies_every_due_transition(due):
    # when
    result = refresh_campaign_statuses(now=NOW, actor=TEST_ACTOR)
    # then
    assert result.counts() == {"opened": 2, "closed": 1, "deactivated": 1}
    status = dict(Campaign.objects.values_list("name", "status"))
    assert status == {
        "draft": "OPEN",
        "preview": "OPEN",
        "future": "DRAFT",
        "open": "CLOSED",
        "staying": "OPEN",
        "old": "INACTIVE",
        "recent": "CLOSED",
    }
    opened = Campaign.objects.get(name="preview")
    assert (opened.date_opened, opened.date_open, opened.domain_preview, opened.domain_site) == (
        NOW,
        None,
        None,
        "preview.localhost",
    )
    closed = Campaign.objects.get(name="open")
    assert (closed.date_closed, closed.date_close, closed.domain_preview) == (NOW, None, None)
    gone = Campaign.objects.get(name="old")
    assert (gone.date_inactivated, gone.domain_site) == (NOW, None)
    history = sorted(CampaignStatusChange.objects.values_list("campaign__name", "from_status", "to_status", "source"))
    assert history == [
        ("draft", "DRAFT", "OPEN", "command:test"),
        ("old", "CLOSED", "INACTIVE", "command:test"),
        ("open", "OPEN", "CLOSED", "command:test"),
        ("preview", "PREVIEW", "OPEN", "command:test"),
    ]


@pytest.mark.django_db
def test_second_refresh_changes_nothing(due):
    refresh_campaign_statuses(now=NOW, actor=TEST_ACTOR)
    assert refresh_campaign_statuses(now=NOW, actor=TEST_ACTOR).counts() == {"opened": 0, "closed": 0, "deactivated": 0}
    assert CampaignStatusChange.objects.count() == 4


@pytest.mark.django_db
def test_released_domain_can_be_reused(due):
    refresh_campaign_statuses(now=NOW, actor=TEST_ACTOR)
    assert Campaign.objects.create(name="reuse", domain_site="old.localhost").domain_site == "old.localhost"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_apply_each_transition_once(require_postgres):
    # given: 30 campaigns due to open
    for n in range(30):
        _campaign(f"c{n}", CampaignStatus.DRAFT, date_open=NOW - timedelta(minutes=1))
    # when: eight refreshes run at once
    results, errors = run_concurrently(
        8, lambda n: refresh_campaign_statuses(now=NOW, actor=TEST_ACTOR).counts()["opened"]
    )
    # then: every campaign opened exactly once
    assert errors == []
    assert sum(results) == 30
    assert CampaignStatusChange.objects.count() == 30
    assert Campaign.objects.filter(status=CampaignStatus.OPEN).count() == 30


@pytest.mark.django_db
def test_command_prints_what_changed(due):
    out = io.StringIO()
    call_command("refresh_campaign_statuses", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "opened 2, closed 1, deactivated 1"
    assert f"  closed {due['open'].pk}" in lines


@pytest.mark.django_db
def test_beat_task_runs_the_same_service(due):
    assert refresh_campaign_statuses_task.delay().get() == {"opened": 2, "closed": 1, "deactivated": 1}
    assert set(CampaignStatusChange.objects.values_list("source", flat=True)) == {
        "beat:campaigns.refresh_campaign_statuses"
    }
    # and each campaign moved has one audit-log row by the beat
    rows = AuditEntry.objects.filter(action="campaign.status")
    assert sorted(set(rows.values_list("actor_kind", "channel", "actor_label"))) == [
        ("system", "beat", "campaigns.refresh_campaign_statuses")
    ]
    assert sorted(rows.values_list("campaign_id", flat=True)) == sorted(
        CampaignStatusChange.objects.values_list("campaign_id", flat=True)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, status, reason",
    [
        ("anonymous", 401, "notLoggedIn"),
        ("fan", 403, "SUPREME_USER_REQUIRED"),
        ("reader", 403, "SUPREME_USER_REQUIRED"),
        ("supreme", 200, None),
    ],
)
def test_refresh_endpoint_is_supreme_only(due, role, status, reason):
    client = APIClient()
    token = session_token_for(role, due["draft"])
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post("/api/campaigns/refresh")
    assert response.status_code == status
    if reason:
        assert response.json()["reason"] == reason
        assert CampaignStatusChange.objects.count() == 0
        assert Campaign.objects.get(name="draft").status == CampaignStatus.DRAFT
    else:
        assert response.json() == {"opened": 2, "closed": 1, "deactivated": 1}
