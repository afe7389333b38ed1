"""Privacy (catalog §3.15): doNotSell clears opt-ins; erasing a fan removes their data everywhere."""

import json
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

from accounts.models import Fan
from campaigns.models import Campaign, CampaignStatus, Market
from conftest import session_token_for
from entries.models import BlacklistEntry, Entry, FanlistRecord, Invite, ScoredFile
from entries.services.csv_files import store_text
from exports.models import Export

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    campaign = Campaign.objects.create(
        name="P",
        status=CampaignStatus.OPEN,
        preferences=[{"id": "email", "type": "email"}, {"id": "allow_marketing", "type": "opt_in"}],
    )
    market = Market.objects.create(campaign=campaign, name="A", city="A", state="", timezone="UTC", event_ids=["1"])
    fans = []
    for n in range(2):
        fan = Fan.objects.create(global_user_id=f"g{n}", member_id=f"m{n}", email=f"fan{n}@example.com")
        Entry.objects.create(
            campaign=campaign,
            fan=fan,
            fields={"email": f"fan{n}@example.com", "allow_marketing": True},
            email=f"fan{n}@example.com",
            phone=f"+1212555010{n}",
            market_0=market,
            score=0.5,
        )
        fans.append(fan)
    path = store_text("scored/p.csv", "email,score\nfan0@example.com,0.5\nFAN1@example.com,0.7\n")
    ScoredFile.objects.create(campaign=campaign, name="p.csv", path=path, rows=2)
    store_text("blacklist/one.csv", "(212) 555-0100\nother@example.com\n")
    BlacklistEntry.objects.create(kind="phone", value="+12125550100")
    Invite.objects.create(campaign=campaign, identifier_type="email", value="fan0@example.com")
    FanlistRecord.objects.create(
        campaign=campaign,
        upload=campaign.fanlist_uploads.create(name="f", path="fanlist/x.csv", scoring="raw"),
        identifier="m0",
        rank=1,
        score=1,
    )
    return campaign, fans


def _read(key):
    with default_storage.open(key, "rb") as handle:
        return handle.read().decode()


def test_erase_command_removes_the_fan_everywhere_and_reports_it(world):
    # given
    campaign, (fan0, fan1) = world
    scored_key = ScoredFile.objects.get().path
    entries_export = Export.objects.create(
        campaign=campaign, export_type="entries", status="FINISHED", path=store_text("exports/e.csv", "x")
    )
    scoring_export = Export.objects.create(
        campaign=campaign, export_type="scoring", status="FINISHED", path=store_text("exports/s.csv", "x")
    )
    out = StringIO()
    # when
    call_command("privacy", "erase", fan0.pk, stdout=out)
    # then
    report = json.loads(out.getvalue())
    assert report == {
        "fanId": fan0.pk,
        "entries": 1,
        "phoneVerifications": 0,
        "codesDetached": 0,
        "fanlistRecords": 1,
        "invites": 1,
        "blacklist": 1,
        "fileLines": 2,
        "files": [scored_key, "blacklist/one.csv"],
        "exportFiles": 1,
    }
    assert not default_storage.exists(entries_export.path) and default_storage.exists(scoring_export.path)
    assert not Fan.objects.filter(pk=fan0.pk).exists()
    assert list(Entry.objects.values_list("fan_id", flat=True)) == [fan1.pk]
    assert _read(scored_key) == "email,score\nFAN1@example.com,0.7\n"
    assert _read("blacklist/one.csv") == "other@example.com\n"
    assert FanlistRecord.objects.count() == 0 and Invite.objects.count() == 0


@pytest.mark.parametrize("role, status", [("anonymous", 401), ("fan", 403), ("writer", 403), ("supreme", 200)])
def test_erase_endpoint_is_supreme_only(world, role, status):
    # given
    campaign, (fan0, _) = world
    token = session_token_for(role, campaign)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    # when
    response = Client().post("/api/privacy/erase", {"fanId": fan0.pk}, content_type="application/json", **headers)
    # then
    assert response.status_code == status
    assert Fan.objects.filter(pk=fan0.pk).exists() == (status != 200)
    assert Entry.objects.count() == (1 if status == 200 else 2)


def test_erase_unknown_fan_is_404(world):
    response = Client().post(
        "/api/privacy/erase",
        {"fanId": "nope"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {session_token_for('supreme')}",
    )
    assert response.status_code == 404
    assert Entry.objects.count() == 2


def test_do_not_sell_command_clears_existing_opt_ins(world):
    # given
    _, (fan0, fan1) = world
    out = StringIO()
    # when
    call_command("privacy", "do-not-sell", fan0.pk, stdout=out)
    # then
    assert json.loads(out.getvalue()) == {"fanId": fan0.pk, "doNotSell": True, "entriesCleared": 1}
    assert Fan.objects.get(pk=fan0.pk).do_not_sell is True
    assert Entry.objects.get(fan=fan0).fields["allow_marketing"] is False
    assert Entry.objects.get(fan=fan1).fields["allow_marketing"] is True
