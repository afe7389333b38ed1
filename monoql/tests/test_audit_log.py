"""The audit log (issue 34 point 2, ``monoql.audit``): one row per staff or system action, written in the write's
transaction, with the actor and the door; the staff writes the permission matrix cannot carry to success; erasure
keeps the fact and drops the fan's personal data; the admin's list, filtered by campaign and actor."""

import json
from datetime import timedelta

import jwt
import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.utils import timezone

from accounts.models import Fan
from accounts.services import grant_campaign_permission
from campaigns.models import Campaign, CampaignStatus, Market
from campaigns.services.markets import upsert_market
from conftest import TEST_ACTOR, post_multipart, session_token_for
from entries.selection.services.wave_prep import run_wave_prep, trigger_wave_prep
from entries.selection.tests.selection_factory import add_codes, add_entries, closed_campaign
from monoql.audit import ERASED, Actor, AuditEntry, Channel, record
from monoql.transactions import TransactionRequired
from monoql.workflows.privacy import erase_fan

pytestmark = pytest.mark.django_db


def _rows():
    return [(row.action, row.actor_kind, row.channel, row.actor_fan_id) for row in AuditEntry.objects.order_by("pk")]


def _caller(token):
    return jwt.decode(token, options={"verify_signature": False})["sub"]


@pytest.mark.django_db(transaction=True)
def test_a_row_outside_the_writes_transaction_is_refused():
    # given no transaction around the call
    # when a service would record its row on its own, then it is refused: it could outlive a rolled-back write
    with pytest.raises(TransactionRequired, match="an audit row .with the write it records. runs inside a transaction"):
        record(TEST_ACTOR, "market.upsert")
    # and a service that forgot to take the actor is refused too
    with pytest.raises(RuntimeError, match="needs an Actor"), transaction.atomic():
        record("someone", "market.upsert")  # type: ignore[arg-type]
    assert AuditEntry.objects.count() == 0


def test_a_refused_write_leaves_no_row():
    # given a campaign
    campaign = Campaign.objects.create(name="Tour")
    # when a market without a name is refused
    with pytest.raises(Exception, match="needs a name"):
        upsert_market({"campaignId": campaign.pk}, actor=TEST_ACTOR)
    # then nothing was recorded
    assert AuditEntry.objects.count() == 0


def test_a_market_change_records_what_changed(gql):
    # given a market and a staff member allowed to write the campaign
    campaign = Campaign.objects.create(name="Tour")
    market = Market.objects.create(campaign=campaign, name="Old", city="C", state="S", timezone="UTC", event_ids=["E"])
    token = session_token_for("writer", campaign)
    # when they rename it through GraphQL
    answer = gql.execute(
        "mutation M($m: MarketInput!) { upsertMarket(market: $m) { name } }",
        {"m": {"id": market.pk, "campaignId": campaign.pk, "name": "New"}},
        token=token,
    )
    # then one row says who, through which door, on which campaign, and the name before and after
    assert "errors" not in answer, answer
    row = AuditEntry.objects.get()
    assert (row.action, row.channel, row.actor_fan_id, row.campaign_id, row.target) == (
        "market.update",
        "graphql",
        _caller(token),
        campaign.pk,
        f"market:{market.pk}",
    )
    assert row.changes == {"name": ["Old", "New"]}


def test_clone_markets_is_one_row_on_the_target_campaign(gql):
    # given two campaigns, the first with two markets, and a supreme staff member
    source, target = Campaign.objects.create(name="From"), Campaign.objects.create(name="To")
    for name in ("A", "B"):
        Market.objects.create(campaign=source, name=name, city="C", state="S", timezone="UTC")
    token = session_token_for("supreme")
    # when they copy the markets
    answer = gql.execute(
        "mutation C($f: String!, $t: String!) { cloneMarkets(fromCampaignId: $f, toCampaignId: $t) { id } }",
        {"f": source.pk, "t": target.pk},
        token=token,
    )
    # then one row, however many markets were copied
    assert "errors" not in answer, answer
    row = AuditEntry.objects.get()
    assert (row.action, row.channel, row.actor_fan_id, row.campaign_id) == (
        "market.clone",
        "graphql",
        _caller(token),
        target.pk,
    )
    assert sorted(row.changes["markets"]) == sorted(Market.objects.filter(campaign=target).values_list("pk", flat=True))


def test_a_fanlist_upload_and_a_wave_upload_are_one_row_each():
    # given a fanlist campaign, a registration campaign with a market, and a supreme staff member
    fanlist = Campaign.objects.create(name="Fans", type="fanlist", options={"scoring": "raw"})
    campaign = Campaign.objects.create(name="Tour", status=CampaignStatus.CLOSED)
    Market.objects.create(campaign=campaign, name="M", city="C", state="S", timezone="UTC")
    token = session_token_for("supreme")
    # when they upload a fanlist of three fans
    fans = b"memberId,rank\nm-1,0.9\nm-2,0.5\nm-3,0.1\n"
    answer = post_multipart(
        "mutation F($file: Upload!, $s: Int!, $c: String!) { uploadFanlist(file: $file, fileSize: $s, campaignId: $c) "
        "{ name } }",
        {"s": len(fans), "c": fanlist.pk},
        fans,
        token=token,
    ).json()
    # and a wave of two recipients
    recipients = b"email\na@example.com\nb@example.com\n"
    notify = (timezone.now() + timedelta(days=3)).isoformat()
    config = {"campaignId": campaign.pk, "notifyDate": notify, "generateOfferCode": False}
    wave = post_multipart(
        "mutation W($file: Upload, $s: Int, $n: String!, $c: WaveConfigInput!) "
        "{ uploadWave(file: $file, fileSize: $s, fileName: $n, config: $c) }",
        {"s": len(recipients), "n": "first.csv", "c": config},
        recipients,
        token=token,
    ).json()
    # then one row each, by the caller through GraphQL
    assert "errors" not in answer and "errors" not in wave, (answer, wave)
    staff = _caller(token)
    assert _rows() == [("fanlist.upload", "staff", "graphql", staff), ("wave.upload", "staff", "graphql", staff)]
    assert AuditEntry.objects.get(action="fanlist.upload").changes["rows"] == 3


def test_triggering_selection_is_one_row(gql):
    # given a closed campaign with a finished wave prep
    campaign, markets = closed_campaign(markets=2, populations=[1, 1])
    add_codes(campaign, 4)
    add_entries(campaign, [((markets[0].pk, markets[1].pk), 0.9 - n / 10, True) for n in range(3)])
    run_wave_prep(trigger_wave_prep(campaign_id=campaign.pk, date_key="d0", seed=3, actor=TEST_ACTOR).pk)
    AuditEntry.objects.all().delete()
    token = session_token_for("selector", campaign)
    # when a staff member with `select` triggers the selection of both markets
    answer = gql.execute(
        "mutation S($c: ID!, $m: [ID]!) { triggerSelection(campaignId: $c, marketIds: $m) }",
        {"c": campaign.pk, "m": [m.pk for m in markets]},
        token=token,
    )
    # then one row names them and the markets (the per-market jobs write none of their own)
    assert "errors" not in answer, answer
    assert _rows() == [("selection.trigger", "staff", "graphql", _caller(token))]
    assert AuditEntry.objects.get().changes == {"dateKey": "d0", "marketIds": [m.pk for m in markets]}


def test_erasure_keeps_the_fact_and_drops_the_fans_personal_data():
    # given a staff fan who acted, and a fan whose permission they granted (a row about that fan)
    campaign = Campaign.objects.create(name="Tour")
    staff = Fan.objects.create(global_user_id="g-staff", email="staff@example.com")
    colleague = Fan.objects.create(global_user_id="g-colleague", email="colleague@example.com")
    grant_campaign_permission(
        fan_id=colleague.pk, campaign_id=campaign.pk, action="read", actor=Actor.staff(staff, Channel.GRAPHQL)
    )
    # when both are erased by an operator's command
    erase_fan(staff.pk, actor=Actor.command("manage.py privacy erase"))
    erase_fan(colleague.pk, actor=Actor.command("manage.py privacy erase"))
    # then the grant is still there, but neither fan can be found in the log any more
    grant = AuditEntry.objects.get(action="permission.grant")
    assert (grant.actor_label, grant.actor_fan_id, grant.subject_fan_id, grant.changes) == (
        ERASED,
        None,
        None,
        {"scrubbed": True},
    )
    everything = json.dumps(list(AuditEntry.objects.values()), default=str)
    for personal in (staff.pk, colleague.pk, "staff@example.com", "colleague@example.com", "g-staff"):
        assert personal not in everything
    # and each erasure is one row, by the command
    erasures = AuditEntry.objects.filter(action="fan.erase")
    assert (
        sorted(erasures.values_list("actor_kind", "channel", "actor_label", "target"))
        == [("system", "command", "manage.py privacy erase", "fan")] * 2
    )


def test_the_admin_lists_the_log_by_campaign_and_by_actor():
    # given rows by two actors on two campaigns, and a superuser
    first, second = Campaign.objects.create(name="First Tour"), Campaign.objects.create(name="Second Tour")
    with transaction.atomic():
        record(Actor.command("alice-command"), "campaign.update", campaign_id=first.pk, changes={"name": ["A", "B"]})
        record(Actor.command("bob-command"), "campaign.update", campaign_id=second.pk)
        record(Actor.beat("campaigns.refresh"), "campaign.status", campaign_id=second.pk)
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-Root-123!")
    client = Client()
    client.force_login(user)
    # when they open the log, then filter it by campaign, then by actor
    everything = client.get("/admin/monoql/auditentry/")
    by_campaign = client.get(f"/admin/monoql/auditentry/?campaign={second.pk}")
    by_actor = client.get("/admin/monoql/auditentry/?actor=alice-command")
    # then each shows exactly its rows, campaigns by name
    assert everything.status_code == 200
    assert [everything.content.decode().count(label) >= 1 for label in ("alice-command", "bob-command")] == [
        True,
        True,
    ]
    second_page = by_campaign.content.decode()
    assert ("bob-command" in second_page, "campaigns.refresh" in second_page) == (True, True)
    assert "alice-command</td>" not in second_page
    first_page = by_actor.content.decode()
    assert ("First Tour" in first_page, "bob-command</td>" in first_page) == (True, False)
    assert "&#x27;A&#x27; → &#x27;B&#x27;" in first_page
    # and the log cannot be written from the admin
    assert client.get("/admin/monoql/auditentry/add/").status_code == 403
