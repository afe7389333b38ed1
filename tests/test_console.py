"""The staff console: the dashboard's numbers equal the GraphQL metrics, jobs answer as JSON with their
progress and errors, and staff see only their campaigns (table test)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from accounts.models import CampaignPermission, Fan
from campaigns.models import Campaign, CampaignStatus, Market
from conftest import session_token_for
from entries.models import Stat
from entries.selection.models import WavePrep
from exports.models import Export
from monoql.models import DashboardSnapshot
from monoql.tasks import refresh_dashboard_snapshots_task

pytestmark = pytest.mark.django_db

REGISTER = """
mutation R($c: String!, $e: JSON!) { upsertViewerEntry(campaignId: $c, locale: "en_US", entry: $e) { isLoggedIn } }
"""
METRICS = "query M($c: ID!) { metrics { entriesByMarketPreference(campaignId: $c) { id counts } } }"


def _staff(name, *, superuser=False, campaign=None, action="read"):
    """A staff user (with the admin's view permissions) whose fan holds ``action`` on ``campaign``."""
    user_model = get_user_model()
    if superuser:
        user = user_model.objects.create_superuser(name, f"{name}@example.com", "pw-Staff-123!")
    else:
        user = user_model.objects.create_user(name, f"{name}@example.com", "pw-Staff-123!", is_staff=True)
        user.user_permissions.add(*Permission.objects.filter(codename__startswith="view_"))
        user.user_permissions.add(*Permission.objects.filter(codename__in=["change_campaign", "add_waveprep"]))
    fan = Fan.objects.create(global_user_id=f"staff-{name}", email=f"{name}@example.com", user=user)
    if campaign is not None:
        CampaignPermission.objects.create(fan=fan, campaign=campaign, action=action)
    client = Client()
    client.force_login(user)
    return client


def test_the_dashboard_numbers_equal_the_graphql_metrics(demo_campaign, gql, sign_in):
    # Given fans registered through GraphQL with ranked choices
    markets = list(demo_campaign.markets.order_by("name")[:3])
    for n in range(5):
        token = sign_in(f"dash{n}@example.com")
        entry = {
            "email": f"dash{n}@example.com",
            "phone": f"+1212555{n:04d}",
            "market": markets[n % 3].pk,
            "optional_markets": [markets[(n + 1) % 3].pk],
        }
        assert "errors" not in gql.execute(REGISTER, {"c": demo_campaign.pk, "e": entry}, token=token)
    # When staff open the dashboard and a reader asks the metrics
    page = _staff("root", superuser=True).get(f"/admin/campaigns/campaign/{demo_campaign.pk}/dashboard/")
    html = page.content.decode()
    metrics = gql.execute(METRICS, {"c": demo_campaign.pk}, token=session_token_for("reader", demo_campaign))
    # Then the funnel's registrations and each market's choices by rank are the metrics' numbers
    assert page.status_code == 200
    assert re.search(r'data-step="Registered">5<', html)
    by_market = {row["id"]: row["counts"] for row in metrics["data"]["metrics"]["entriesByMarketPreference"]}
    for market in markets:
        row = re.search(rf'<tr data-market="{market.pk}">(.*?)</tr>', html, re.S).group(1)
        shown = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)[:4]]
        assert shown == by_market[market.pk], market.name
    assert "Registrations per day, last 30 days" in html


def test_jobs_answer_as_json_with_progress_requester_and_errors(demo_campaign):
    requester = Fan.objects.create(global_user_id="req", email="requester@example.com")
    WavePrep.objects.create(
        campaign=demo_campaign,
        date_key="live",
        seed=1,
        reserve_id="00000000-0000-0000-0000-000000000001",
        requested_by=requester,
        progress={"stage": "allocating", "step": 2, "steps": 6},
    )
    Export.objects.create(
        campaign=demo_campaign,
        export_type="entries",
        status="FAILED",
        requester_user_id="staff:root",
        error_message="disk full",
    )
    answer = (
        _staff("root", superuser=True).get(f"/admin/campaigns/campaign/{demo_campaign.pk}/dashboard/jobs.json").json()
    )
    (run,) = answer["wavePreps"]
    assert (run["status"], run["progress"]["stage"], run["requestedBy"]) == (
        "TRIGGERED",
        "allocating",
        "requester@example.com",
    )
    assert [(job["status"], job["error"]) for job in answer["exports"]] == [("FAILED", "disk full")]


def test_a_selection_shows_codes_staff_released_from_its_plan_as_a_named_conflict(demo_campaign):
    """Issue 33: codes staff released from a plan are named on the dashboard, not hidden among conflicts."""
    market = demo_campaign.markets.order_by("name").first()
    Stat.objects.create(
        campaign=demo_campaign,
        market_id=market.pk,
        date_id="k1",
        type="selection",
        status="FINISHED",
        count={"assigned": 8, "released": 0, "notified": 8, "alreadyHolding": 0, "releasedFromPlan": 2, "conflicts": 2},
    )
    answer = (
        _staff("root", superuser=True).get(f"/admin/campaigns/campaign/{demo_campaign.pk}/dashboard/jobs.json").json()
    )
    (selection,) = answer["selections"]
    assert selection["counts"] == {"assigned": 8, "released": 0, "notified": 8, "releasedFromPlan": 2, "conflicts": 2}
    page = _staff("boss", superuser=True).get(f"/admin/campaigns/campaign/{demo_campaign.pk}/dashboard/")
    assert "releasedFromPlan" in page.content.decode()


@pytest.mark.parametrize(
    "who, sees_a, sees_b",
    [("superuser", True, True), ("reader of A", True, False), ("writer of A", True, False), ("nobody", False, False)],
)
def test_staff_see_only_their_campaigns(demo_campaign, who, sees_a, sees_b):
    # Given campaigns A (the demo) and B, each with a wave prep
    a = demo_campaign
    b = Campaign.objects.create(name="Other tour", status=CampaignStatus.CLOSED, domain_site="b.localhost")
    Market.objects.create(campaign=b, name="B market", city="B", state="B", timezone="UTC", event_ids=["b"])
    for campaign in (a, b):
        WavePrep.objects.create(
            campaign=campaign, date_key=f"run-{campaign.pk}", seed=1, reserve_id="00000000-0000-0000-0000-000000000002"
        )
    client = {
        "superuser": lambda: _staff("root", superuser=True),
        "reader of A": lambda: _staff("reader", campaign=a, action="read"),
        "writer of A": lambda: _staff("writer", campaign=a, action="write"),
        "nobody": lambda: _staff("nobody"),
    }[who]()
    # When they open each dashboard, its jobs, the campaign list, the wave preps and the overview
    for campaign, sees in ((a, sees_a), (b, sees_b)):
        dashboard = client.get(f"/admin/campaigns/campaign/{campaign.pk}/dashboard/")
        jobs = client.get(f"/admin/campaigns/campaign/{campaign.pk}/dashboard/jobs.json")
        # Then they see exactly the campaigns their permissions allow
        assert (dashboard.status_code, jobs.status_code) == ((200, 200) if sees else (404, 404)), (who, campaign.name)
        assert (campaign.name in client.get("/admin/campaigns/campaign/").content.decode()) is sees
        assert (f"run-{campaign.pk}" in client.get("/admin/selection/waveprep/").content.decode()) is sees
        assert (campaign.name in client.get("/admin/console/").content.decode()) is sees


def test_a_large_campaigns_dashboard_reads_the_beats_snapshot_and_says_how_old_it_is(
    demo_campaign, gql, sign_in, settings
):
    # Given a campaign counted as large, and the beat's refresh
    settings.DASHBOARD_SNAPSHOT_MIN_ENTRIES = 1
    token = sign_in("snap@example.com")
    entry = {"email": "snap@example.com", "phone": "+12125550199", "market": demo_campaign.markets.first().pk}
    assert "errors" not in gql.execute(REGISTER, {"c": demo_campaign.pk, "e": entry}, token=token)
    assert refresh_dashboard_snapshots_task() == {"refreshed": 1}
    snapshot = DashboardSnapshot.objects.get(campaign=demo_campaign)
    assert snapshot.data["funnel"][0] == ["Registered", 1]
    # When a fan registers after the snapshot and staff open the dashboard
    token = sign_in("late@example.com")
    entry = {"email": "late@example.com", "phone": "+12125550198", "market": demo_campaign.markets.first().pk}
    assert "errors" not in gql.execute(REGISTER, {"c": demo_campaign.pk, "e": entry}, token=token)
    html = (
        _staff("root", superuser=True).get(f"/admin/campaigns/campaign/{demo_campaign.pk}/dashboard/").content.decode()
    )
    # Then the page shows the snapshot's numbers and their age
    assert re.search(r'data-step="Registered">1<', html)
    assert "Numbers as of" in html


def test_a_campaigns_history_lists_its_audit_rows_in_words_for_its_team_only(demo_campaign, admin_client):
    # given two audited actions on the campaign (a change and a job) and one on another campaign
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts.models import CampaignPermission, Fan
    from accounts.services import staff_group
    from campaigns.models import Campaign
    from monoql.audit import Actor, record

    other = Campaign.objects.create(name="Other")
    record(Actor.command("manage.py x"), "market.upsert", campaign_id=demo_campaign.pk, target="market:1",
           changes={"name": ["Old", "New"]})  # fmt: skip
    record(Actor.job("wave:w1"), "wave.send", campaign_id=demo_campaign.pk, changes={"sent": 3})
    record(Actor.command("manage.py x"), "market.upsert", campaign_id=other.pk, changes={"name": ["A", "B"]})
    # when a superuser opens the demo campaign's history
    page = admin_client.get(f"/admin/campaigns/campaign/{demo_campaign.pk}/history-log/").content.decode()
    # then its rows are there in words, newest first, and the other campaign's are not
    assert page.index("wave.send") < page.index("market.upsert")
    assert "name: &#x27;Old&#x27; → &#x27;New&#x27;" in page and "sent: 3" in page and "A&#x27; → " not in page
    # and a staff member of another campaign's team gets 404
    user = get_user_model().objects.create_user("outsider", password="pw-Out-123!", is_staff=True)
    user.groups.add(staff_group())
    CampaignPermission.objects.create(
        fan=Fan.objects.create(user=user, global_user_id="g-out"), campaign=other, action="read"
    )
    outsider = Client()
    outsider.force_login(user)
    assert outsider.get(f"/admin/campaigns/campaign/{demo_campaign.pk}/history-log/").status_code == 404
