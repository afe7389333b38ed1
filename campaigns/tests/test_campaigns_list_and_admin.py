"""viewer.campaigns.list permissions (table-driven) and the staff admin pages."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import CampaignPermission, Fan, Supreme
from campaigns.models import Campaign

pytestmark = pytest.mark.django_db

LIST = "{ viewer { campaigns { list(limit: 10) { id name status } } } }"


@pytest.mark.parametrize(
    "role, sees",
    # Any action on a campaign implies read (a writer administers the campaign it edits).
    [("anonymous", []), ("fan", []), ("writer-only", ["demo"]), ("reader", ["demo"]), ("supreme", ["demo", "other"])],
)
def test_campaign_list_shows_only_campaigns_the_viewer_administers(gql, sign_in, demo_campaign, role, sees):
    # given
    other = Campaign.objects.create(name="Other tour")
    token = None
    if role != "anonymous":
        fan = Fan.objects.create(global_user_id=f"g-{role}", email=f"{role}@example.com")
        if role == "supreme":
            Supreme.objects.create(fan=fan)
        if role in ("reader", "writer-only"):
            CampaignPermission.objects.create(
                fan=fan, campaign=demo_campaign, action="read" if role == "reader" else "write"
            )
        token = sign_in(fan.email, global_user_id=fan.global_user_id)
        gql.client.cookies.clear()
    names = {"demo": demo_campaign.pk, "other": other.pk}
    # when
    listed = gql.execute(LIST, token=token)["data"]["viewer"]["campaigns"]["list"]
    # then
    assert sorted(item["id"] for item in listed) == sorted(names[key] for key in sees)
    assert Campaign.objects.count() == 2


def test_campaign_list_searches_and_pages(gql, sign_in, demo_campaign):
    fan = Fan.objects.create(global_user_id="g-sup", email="sup@example.com")
    Supreme.objects.create(fan=fan)
    Campaign.objects.create(name="Garth Brooks World Tour")
    token = sign_in(fan.email, global_user_id="g-sup")
    query = 'query($q: String, $skip: Int) { viewer { campaigns { list(query: $q, limit: 1, skip: $skip, sort: "name") { name } } } }'
    assert gql.execute(query, {"q": "metallica"}, token=token)["data"]["viewer"]["campaigns"]["list"] == [
        {"name": "Metallica - WorldWired Tour 2017"}
    ]
    assert gql.execute(query, {"skip": 1}, token=token)["data"]["viewer"]["campaigns"]["list"] == [
        {"name": "Metallica - WorldWired Tour 2017"}
    ]


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-Root-123!")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/campaigns/campaign/",
        "/admin/campaigns/campaign/?q=metallica&status__exact=OPEN",
        "/admin/campaigns/market/",
        "/admin/entries/entry/",
        "/admin/accounts/fan/",
        "/admin/accounts/campaignpermission/",
    ],
)
def test_admin_lists_render(staff_client, demo_campaign, url):
    assert staff_client.get(url).status_code == 200


def test_campaign_change_page_has_markets_and_locales_inline(staff_client, demo_campaign):
    html = staff_client.get(f"/admin/campaigns/campaign/{demo_campaign.pk}/change/").content.decode()
    assert html.count('name="markets-') > 16 and "Chicago, IL" in html and "fr_CA" in html


def test_entry_admin_list_does_not_query_per_row(staff_client, demo_campaign, gql, sign_in):
    markets = list(demo_campaign.markets.values_list("id", flat=True))
    for n in range(5):
        token = sign_in(f"e{n}@example.com")
        gql.execute(
            'mutation($c: String!, $e: JSON!) { upsertViewerEntry(campaignId: $c, locale: "en_US", entry: $e) { id } }',
            {"c": demo_campaign.pk, "e": {"email": f"e{n}@example.com", "phone": "+12125550100", "market": markets[n]}},
            token=token,
        )
    with CaptureQueriesContext(connection) as few:
        staff_client.get("/admin/entries/entry/")
    token = sign_in("e9@example.com")
    gql.execute(
        'mutation($c: String!, $e: JSON!) { upsertViewerEntry(campaignId: $c, locale: "en_US", entry: $e) { id } }',
        {"c": demo_campaign.pk, "e": {"email": "e9@example.com", "phone": "+12125550100", "market": markets[9]}},
        token=token,
    )
    with CaptureQueriesContext(connection) as more:
        staff_client.get("/admin/entries/entry/")
    assert len(more) == len(few)
