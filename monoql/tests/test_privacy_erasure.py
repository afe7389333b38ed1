"""Privacy (catalog §3.15): doNotSell clears opt-ins; erasing a fan removes their data everywhere."""

import io
import json
import uuid
import zipfile
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

from accounts.models import CampaignPermission, Fan
from accounts.tokens import issue_session_token
from campaigns.models import Campaign, CampaignStatus, Market
from codes.models import Code
from conftest import TEST_ACTOR, session_token_for
from entries.models import (
    BlacklistEntry,
    DoNotSellChange,
    Entry,
    FanlistRecord,
    Invite,
    PhoneVerification,
    ScoredFile,
)
from entries.selection.models import Allocation, Wave, WavePrep
from entries.selection.services.prepped_zip import prepped_key
from entries.services.csv_files import store_text
from entries.services.privacy import fan_identifiers, identifier_digests
from exports.models import Export
from exports.services.exports import run_export, schedule_export
from exports.services.files import signed_url
from monoql.audit import AuditEntry
from monoql.models import Erasure, ErasureStatus
from monoql.workflows.privacy import erase_fan, sweep_stale_erasures

NOW = datetime(2026, 11, 1, tzinfo=UTC)

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
        "codesReleased": 0,
        "fanlistRecords": 1,
        "invites": 1,
        "fileLines": 1,
        "files": [scored_key],
        "exportFiles": 2,
    }
    # every export file of the campaign goes, scoring and verifiedEntries too (decisions.md "Erasure reaches
    # every file"): the catalog's erase kept them, and the fan stayed in files whose links still downloaded
    assert not default_storage.exists(entries_export.path) and not default_storage.exists(scoring_export.path)
    assert not Fan.objects.filter(pk=fan0.pk).exists()
    assert list(Entry.objects.values_list("fan_id", flat=True)) == [fan1.pk]
    assert _read(scored_key) == "email,score\nFAN1@example.com,0.7\n"
    # the blacklist is fraud prevention, outside the erasure cascade (decisions.md "Erasure takes only the fan's own")
    assert _read("blacklist/one.csv") == "(212) 555-0100\nother@example.com\n"
    assert BlacklistEntry.objects.count() == 1
    assert FanlistRecord.objects.count() == 0 and Invite.objects.count() == 0


@pytest.mark.parametrize("role, status", [("anonymous", 401), ("fan", 403), ("writer", 403), ("supreme", 202)])
def test_erase_endpoint_is_supreme_only(world, role, status):
    # given
    campaign, (fan0, _) = world
    token = session_token_for(role, campaign)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    # when
    response = Client().post("/api/privacy/erase", {"fanId": fan0.pk}, content_type="application/json", **headers)
    # then
    assert response.status_code == status
    assert Fan.objects.filter(pk=fan0.pk).exists() == (status != 202)
    assert Entry.objects.count() == (1 if status == 202 else 2)


def test_erase_endpoint_answers_202_with_the_job_to_follow_and_its_report(world):
    # given a supreme user and a fan with one entry (tasks run inline in tests: the job is done when it answers)
    campaign, (fan0, fan1) = world
    headers = {"HTTP_AUTHORIZATION": f"Bearer {session_token_for('supreme', campaign)}"}
    # when they erase the fan
    response = Client().post("/api/privacy/erase", {"fanId": fan0.pk}, content_type="application/json", **headers)
    # then the answer says where to follow the job, and that place shows it finished with its counts
    body = response.json()
    assert response.status_code == 202
    assert response["Location"] == f"/api/privacy/erasures/{body['erasureId']}" == body["location"]
    job = Client().get(response["Location"], **headers).json()
    assert job["status"] == "FINISHED" and job["error"] is None and job["stage"] == ""
    assert job["report"]["entries"] == 1 and job["report"]["codesDetached"] == 0
    assert job["dateErased"] is not None and job["dateFinished"] is not None
    # and the job keeps nothing naming the fan once finished
    erasure = Erasure.objects.get(pk=int(body["erasureId"]))
    assert (erasure.fan_ref, erasure.digests) == ("", None)
    assert fan0.pk not in json.dumps(job)
    # and an unknown job is a coded 404
    missing = Client().get("/api/privacy/erasures/999999", **headers)
    assert missing.status_code == 404 and missing.json()["reason"] == "ERASURE_NOT_FOUND"


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


def test_erasure_removes_the_fan_from_earlier_verified_entries_and_scoring_exports_wave_files_and_prepped_zips(world):
    # given finished verifiedEntries and scoring exports holding the fan, a wave file and a prepped zip naming them
    campaign, (fan0, fan1) = world
    Entry.objects.update(verdict=True)
    exports = [
        run_export(schedule_export(campaign_id=campaign.pk, export_type=kind, actor=TEST_ACTOR)[0].pk)
        for kind in ("verifiedEntries", "scoring")
    ]
    assert [fan0.email in _read(Export.objects.get(pk=e.pk).path) for e in exports] == [True, True]
    wave_path = store_text("waves/p/w.csv", f"email,code\n{fan0.email},C0\n{fan1.email},C1\n")
    Wave.objects.create(campaign=campaign, name="w", csv_path=wave_path, date_notify=NOW, date_begin=NOW, date_end=NOW)
    prep = WavePrep.objects.create(
        campaign=campaign, date_key="d1", seed=1, reserve_id=uuid.uuid4(), status="FINISHED", path="x"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("email/A.csv", f"code,email\nC0,{fan0.email}\nC1,{fan1.email}\n")
    default_storage.save(prepped_key(campaign.pk, prep.date_key), ContentFile(buffer.getvalue()))

    # when the fan is erased
    report = erase_fan(fan0.pk, actor=TEST_ACTOR)

    # then no export file holds them any more (and their links no longer download), the wave file and the
    # prepped zip were rewritten without them, and the report says so
    for export in Export.objects.filter(pk__in=[e.pk for e in exports]):
        assert export.date_file_removed is not None and signed_url(export) is None
        assert not default_storage.exists(export.path)
    assert _read(wave_path) == f"email,code\n{fan1.email},C1\n"
    with default_storage.open(prepped_key(campaign.pk, "d1"), "rb") as handle:
        assert (
            zipfile.ZipFile(io.BytesIO(handle.read())).read("email/A.csv").decode() == f"code,email\nC1,{fan1.email}\n"
        )
    assert report["exportFiles"] == 2
    assert set(report["files"]) >= {wave_path, prepped_key(campaign.pk, "d1")}


def test_a_fans_data_export_holds_every_table_that_holds_them(world):
    # given a fan with an entry, a phone verification, a held code, an outcome, a permission and a doNotSell change
    campaign, (fan0, _) = world
    entry = Entry.objects.get(fan=fan0)
    Entry.objects.filter(pk=entry.pk).update(confirmed_phone=entry.phone)  # their blacklisted phone, confirmed
    PhoneVerification.objects.create(fan=fan0, phone="+12125550100", campaign=campaign, date_expires=NOW)
    Code.objects.create(
        campaign=campaign, code="C-1", type="tm", fan=fan0, entry=entry, date_assigned=NOW, date_saved=NOW
    )
    prep = WavePrep.objects.create(campaign=campaign, date_key="d", seed=1, reserve_id=uuid.uuid4())
    Allocation.objects.create(
        wave_prep=prep, entry=entry, market=entry.market_0, outcome="selected", preference_rank=0, position=0
    )
    CampaignPermission.objects.create(fan=fan0, campaign=campaign, action="read")
    call_command("privacy", "do-not-sell", fan0.pk, stdout=StringIO())

    # when staff export their data with the command
    out = StringIO()
    call_command("privacy", "export", fan0.pk, stdout=out)
    data = json.loads(out.getvalue())

    # then every table holding them is there, with their rows
    assert data["fanId"] == fan0.pk
    assert set(data["tables"]) == {
        "accounts.fan",
        "accounts.campaignpermission",
        "entries.entry",
        "entries.phoneverification",
        "codes.code",
        "selection.allocation",
        "entries.fanlistrecord",
        "entries.invite",
        "entries.blacklistentry",
        "entries.donotsellchange",
    }
    assert data["tables"]["accounts.fan"][0]["email"] == fan0.email
    assert data["tables"]["entries.entry"][0]["fields"] == {"email": fan0.email, "allow_marketing": False}
    assert data["tables"]["entries.donotsellchange"][0]["actor_label"] == "manage.py privacy do-not-sell"
    # and every table with a row pointing at the fan or their entry is in it (checked from the models' relations)
    for model, target in ((Fan, [fan0.pk]), (Entry, [entry.pk])):
        for related in model._meta.get_fields(include_hidden=True):
            if related.auto_created and not related.concrete:
                rows = related.related_model._default_manager.filter(**{f"{related.field.name}__in": target})
                if rows.exists():
                    assert related.related_model._meta.label_lower in data["tables"], related


@pytest.mark.parametrize("role, status", [("anonymous", 401), ("fan", 403), ("writer", 403), ("supreme", 200)])
def test_the_fan_data_endpoint_is_supreme_only(world, role, status):
    campaign, (fan0, _) = world
    token = session_token_for(role, campaign)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    response = Client().get(f"/api/privacy/fans/{fan0.pk}/data", **headers)
    assert response.status_code == status
    if status == 200:
        assert response.json()["tables"]["entries.entry"][0]["email"] == fan0.email


SET_DNS = "mutation($v: Boolean!) { setViewerDoNotSell(doNotSell: $v) }"
MY_DATA = "{ viewerPersonalData }"
UPSERT = "mutation($c: String!, $e: JSON!) { upsertViewerEntry(campaignId: $c, entry: $e) { fields } }"


def _gql(query, variables=None, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return (
        Client()
        .post("/graphql", {"query": query, "variables": variables or {}}, content_type="application/json", **headers)
        .json()
    )


def test_a_fan_sets_do_not_sell_and_it_applies_to_the_very_next_registration(world):
    # given a signed-in fan who opted in to marketing
    campaign, (fan0, _) = world
    token = issue_session_token(fan0.pk, is_supreme=False, permissions={}, tm_sig="").token
    # when they say "do not sell", then register again opting in
    answer = _gql(SET_DNS, {"v": True}, token)
    again = _gql(UPSERT, {"c": campaign.pk, "e": {"email": fan0.email, "allow_marketing": True, "markets": []}}, token)
    # then the opt-in is cleared on the spot and the choice is audited as theirs
    assert answer == {"data": {"setViewerDoNotSell": {"doNotSell": True, "entriesCleared": 1}}}
    assert Entry.objects.get(fan=fan0).fields["allow_marketing"] is False, again
    change = DoNotSellChange.objects.get(fan_ref=fan0.pk)
    assert (change.do_not_sell, change.actor_label, change.channel) == (True, "fan", "graphql")
    # and their own data export shows it
    mine = _gql(MY_DATA, token=token)["data"]["viewerPersonalData"]
    assert mine["tables"]["accounts.fan"][0]["do_not_sell"] is True


def test_privacy_operations_need_a_signed_in_fan():
    for query, variables in ((SET_DNS, {"v": True}), (MY_DATA, None)):
        error = _gql(query, variables)["errors"][0]["extensions"]
        assert error == {"code": "UNAUTHENTICATED", "reason": "notLoggedIn"}


def test_staff_set_do_not_sell_from_the_admin_and_it_is_audited(world, admin_client):
    _, (fan0, _) = world
    response = admin_client.post(
        "/admin/accounts/fan/", {"action": "mark_do_not_sell", "_selected_action": [fan0.pk]}, follow=True
    )
    assert response.status_code == 200
    assert Fan.objects.get(pk=fan0.pk).do_not_sell is True
    change = DoNotSellChange.objects.get(fan_ref=fan0.pk)
    assert (change.actor_label, change.channel, change.entries_cleared) == ("admin", "admin", 1)


def test_a_superuser_erases_a_fan_from_the_admin_after_a_confirmation_page(world, admin_client, django_user_model):
    _, (fan0, fan1) = world
    picked = {"action": "erase_fans", "_selected_action": [fan0.pk]}
    # when a superuser picks the action, then a page says what goes and that it cannot be undone; nothing is erased
    page = admin_client.post("/admin/accounts/fan/", picked)
    text = page.content.decode()
    assert page.status_code == 200 and "This cannot be undone." in text and fan0.email in text
    assert Fan.objects.filter(pk=fan0.pk).exists() and not Erasure.objects.exists()
    # when they confirm, then the job ran (inline tasks in tests) and the erasures list shows it finished
    done = admin_client.post("/admin/accounts/fan/", {**picked, "confirmed": "yes"}, follow=True)
    assert "1 erasure(s) queued" in done.content.decode()
    assert not Fan.objects.filter(pk=fan0.pk).exists() and Fan.objects.filter(pk=fan1.pk).exists()
    listing = admin_client.get("/admin/monoql/erasure/").content.decode()
    assert "Finished" in listing and "1 entries, 0 codes detached, 1 files rewritten, 0 export files removed" in listing
    assert AuditEntry.objects.get(action="fan.erase").channel == "admin"
    # and a staff member who is not supreme is refused, with nothing erased
    staff = django_user_model.objects.create_user("staff", password="pw-Staff-123!", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_fan", "change_fan"]))
    other = Client()
    other.force_login(staff)
    refused = other.post(
        "/admin/accounts/fan/", {**picked, "_selected_action": [fan1.pk], "confirmed": "yes"}, follow=True
    )
    assert "Only supreme users may erase fans." in refused.content.decode()
    assert Fan.objects.filter(pk=fan1.pk).exists() and Erasure.objects.count() == 1
    assert other.get("/admin/monoql/erasure/").status_code == 403


def test_an_erasure_lost_after_its_database_part_is_picked_up_by_the_sweeper_and_only_scrubs_files(
    world, django_capture_on_commit_callbacks
):
    # given an erasure whose worker died after the database part committed (the fan gone, the scored file untouched)
    campaign, (fan0, _) = world
    identifiers, fan_id = fan_identifiers(fan0), fan0.pk
    fan0.delete()
    erasure = Erasure.objects.create(
        status=ErasureStatus.SCRUBBING,
        fan_ref=fan_id,
        digests=identifier_digests(identifiers),
        campaigns=[campaign.pk],
        report={"entries": 1},
        attempts=1,
        date_erased=NOW,
        heartbeat_at=NOW,
    )
    assert "fan0@example.com" not in json.dumps(erasure.digests)  # digests only, never the email in clear
    # when the sweeper finds it stale, then it is queued again (tasks run inline in tests) and finishes
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_stale_erasures() == {"requeued": [erasure.pk], "failed": []}
    erasure.refresh_from_db()
    # then it scrubbed the file without running the database part again, and forgot the fan
    assert (erasure.status, erasure.attempts, erasure.fan_ref, erasure.digests) == ("FINISHED", 2, "", None)
    assert erasure.report == {"entries": 1, "fileLines": 1, "files": ["scored/p.csv"], "exportFiles": 0}
    assert _read("scored/p.csv") == "email,score\nFAN1@example.com,0.7\n"
    assert not AuditEntry.objects.filter(action="fan.erase").exists()
    assert AuditEntry.objects.get(action="fan.eraseFiles").changes["fileLines"] == 1
