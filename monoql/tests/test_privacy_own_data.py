"""Erasure and the fan's data export take only what is the fan's own (issue 32 points 1–4; catalog §3.15,
§3.6.9; decisions.md "Erasure takes only the fan's own").

A fan is named by their ids always, and by an email or phone — on their record or typed into an entry — only
when no other fan has it. Blacklist rows and blacklist files are never erased.
"""

import io
import json
import uuid
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

from accounts.models import Fan
from campaigns.models import Campaign, CampaignStatus, Market
from codes.models import Code, CodeAudit
from conftest import TEST_ACTOR, session_token_for
from entries.models import BlacklistEntry, Entry, FanlistRecord, Invite, InviteUpload
from entries.selection.models import Allocation, Wave, WavePrep
from entries.services.csv_files import store_text
from entries.services.invites import upload_invites
from exports.models import Export
from exports.services.exports import run_export, schedule_export
from monoql.audit import AuditEntry
from monoql.workflows.privacy import erase_fan, fan_data

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 1, tzinfo=UTC)
SHARED_PHONE = "+12125550199"


def _read(key):
    with default_storage.open(key, "rb") as handle:
        return handle.read().decode()


def _campaign(**fields):
    campaign = Campaign.objects.create(
        name="P", status=CampaignStatus.OPEN, preferences=[{"id": "email", "type": "email"}], **fields
    )
    market = Market.objects.create(campaign=campaign, name="A", city="A", state="", timezone="UTC", event_ids=["1"])
    return campaign, market


def _fan(n, **fields):
    return Fan.objects.create(global_user_id=f"g{n}", member_id=f"m{n}", email=f"fan{n}@example.com", **fields)


def _entry(campaign, market, fan, **fields):
    return Entry.objects.create(campaign=campaign, fan=fan, email=fan.email, market_0=market, **fields)


def test_erasing_a_fan_leaves_a_phone_another_fan_shares_in_files_and_the_blacklist():
    """Catalog §3.15 erase cascade: the shared-phone case. Two fans typed the same phone; erasing A keeps B's
    line of a scheduled wave file (it names B by the shared phone only) and the blacklist row of that phone."""
    # given fans A and B who both typed the same phone, a scheduled wave file and a blacklist row naming it
    campaign, market = _campaign()
    fan_a, fan_b = _fan("a"), _fan("b")
    _entry(campaign, market, fan_a, phone=SHARED_PHONE)
    _entry(campaign, market, fan_b, phone=SHARED_PHONE)
    wave_path = store_text("waves/p/w.csv", f"mobileNumber,code\n{SHARED_PHONE},C1\n")
    Wave.objects.create(campaign=campaign, name="w", csv_path=wave_path, date_notify=NOW, date_begin=NOW, date_end=NOW)
    BlacklistEntry.objects.create(kind="phone", value=SHARED_PHONE)
    # when A is erased
    report = erase_fan(fan_a.pk, actor=TEST_ACTOR)
    # then B's line and the blacklist row stay; A is gone
    assert _read(wave_path) == f"mobileNumber,code\n{SHARED_PHONE},C1\n"
    assert list(BlacklistEntry.objects.values_list("value", flat=True)) == [SHARED_PHONE]
    assert (report["fileLines"], report["files"]) == (0, [])
    assert list(Entry.objects.values_list("fan_id", flat=True)) == [fan_b.pk]


def test_a_line_naming_the_erased_fan_by_id_goes_even_beside_a_shared_contact():
    """Catalog §3.15: a stored line goes when it names the erased fan by id or by a contact only they have."""
    # given A and B sharing a phone, a wave file with a line naming A by memberId and the shared phone, one
    # naming A by their own email, and one naming B by the shared phone only
    campaign, market = _campaign()
    fan_a, fan_b = _fan("a"), _fan("b")
    _entry(campaign, market, fan_a, phone=SHARED_PHONE)
    _entry(campaign, market, fan_b, phone=SHARED_PHONE)
    text = f"memberId,email,mobileNumber\nm{'a'},,{SHARED_PHONE}\n,FANA@example.com,\n,,{SHARED_PHONE}\n"
    wave_path = store_text("waves/p/w.csv", text)
    Wave.objects.create(campaign=campaign, name="w", csv_path=wave_path, date_notify=NOW, date_begin=NOW, date_end=NOW)
    # when A is erased
    report = erase_fan(fan_a.pk, actor=TEST_ACTOR)
    # then only the line naming B by the shared phone stays
    assert _read(wave_path) == f"memberId,email,mobileNumber\n,,{SHARED_PHONE}\n"
    assert report["fileLines"] == 2


def test_a_fan_who_typed_another_persons_contacts_neither_erases_nor_exports_that_persons_rows():
    """Catalog §3.15 and §3.6.9: the typed-contact case. Fan X registered with person P's email and phone (P has
    them on their record, is blacklisted and is on a fanlist by email). X's data export lists none of P's rows;
    erasing X deletes none of them and leaves P's lines in stored files."""
    # given P (a fan with the email and phone on record), blacklisted, on a fanlist and in a scored file
    campaign, market = _campaign()
    person = _fan("p", phone=SHARED_PHONE)
    typist = Fan.objects.create(global_user_id="gx", email="x@example.com")
    _entry(campaign, market, typist, phone=SHARED_PHONE, verdict=False)
    Entry.objects.filter(fan=typist).update(email=person.email)
    BlacklistEntry.objects.create(kind="email", value=person.email)
    BlacklistEntry.objects.create(kind="phone", value=SHARED_PHONE)
    fanlist, _ = _campaign(type="fanlist", identifier="email")
    upload = fanlist.fanlist_uploads.create(
        name="f", path=store_text("fanlist/f.csv", f"email,rank\n{person.email},1\n")
    )
    FanlistRecord.objects.create(campaign=fanlist, upload=upload, identifier=person.email, rank=1, score=1)
    # when staff export X's data, then erase X
    data = fan_data(typist.pk)
    report = erase_fan(typist.pk, actor=TEST_ACTOR)
    # then P's rows were in neither the export nor the erasure
    assert set(data["tables"]) == {"accounts.fan", "entries.entry"}
    assert (report["fanlistRecords"], report["invites"], report["fileLines"]) == (0, 0, 0)
    assert sorted(BlacklistEntry.objects.values_list("value", flat=True)) == sorted([person.email, SHARED_PHONE])
    assert FanlistRecord.objects.count() == 1
    assert _read(upload.path) == f"email,rank\n{person.email},1\n"


def test_the_data_export_lists_blacklist_rows_of_the_fans_own_verified_email_and_confirmed_phone():
    """Catalog §3.15 "right to know": a blacklist row is the fan's when it matches their verified email (from the
    identity provider) or a phone they confirmed; a phone they only typed is not enough."""
    # given a fan whose verified email and confirmed phone are blacklisted, and a typed phone that is too
    campaign, market = _campaign()
    fan = _fan("a")
    _entry(campaign, market, fan, phone="+12125550111", confirmed_phone="+12125550122")
    for value in (fan.email, "+12125550111", "+12125550122"):
        BlacklistEntry.objects.create(kind="phone" if value.startswith("+") else "email", value=value)
    # when their data is exported
    rows = fan_data(fan.pk)["tables"]["entries.blacklistentry"]
    # then only the rows of their own verified contacts are listed
    assert sorted(row["value"] for row in rows) == sorted([fan.email, "+12125550122"])


def test_a_blacklisted_phones_owner_who_is_erased_registers_again_and_stays_blocked(gql, sign_in, demo_campaign):
    """Catalog §3.15 (fraud prevention is outside the erasure cascade), §3.7.5 blacklist: the self-unblock case.
    A blacklisted phone's owner registers (blocked), is erased, registers again: still blocked."""
    # given a blacklisted phone and its owner registered with it
    BlacklistEntry.objects.create(kind="phone", value="+12125550123")
    markets = list(demo_campaign.markets.order_by("event_date", "name").values_list("id", flat=True))
    entry = {"email": "owner@example.com", "phone": "(212) 555-0123", "market": markets[0], "allow_marketing": True}
    upsert = 'mutation($c: String!, $e: JSON!) { upsertViewerEntry(campaignId: $c, locale: "en_US", entry: $e) { id } }'
    first = gql.execute(upsert, {"c": demo_campaign.pk, "e": entry}, token=sign_in("owner@example.com"))
    assert "errors" not in first, first
    owner = Entry.objects.get().fan
    assert Entry.objects.get().verdict is False
    # when they are erased, then register again with the same phone
    call_command("privacy", "erase", owner.pk, stdout=StringIO())
    again = gql.execute(upsert, {"c": demo_campaign.pk, "e": entry}, token=sign_in("owner@example.com"))
    # then the blacklist row is still there and the new entry is blocked
    assert "errors" not in again, again
    assert list(BlacklistEntry.objects.values_list("value", flat=True)) == ["+12125550123"]
    assert Entry.objects.get().fan_id != owner.pk
    assert Entry.objects.get().verdict is False


def test_erasure_removes_the_fanlist_export_of_a_fanlist_campaign_that_names_the_fan():
    """Catalog §3.9 "CCPA delete" (decisions.md "Erasure reaches every file"): a fanlist campaign has no entries;
    its fanlist record links it to the fan, so its export file goes."""
    # given a fan entered in a registration campaign and on the fanlist of a fanlist campaign with a fanlist export
    campaign, market = _campaign()
    fan = _fan("a")
    _entry(campaign, market, fan)
    fanlist, _ = _campaign(type="fanlist", identifier="memberId")
    upload = fanlist.fanlist_uploads.create(name="f", path=store_text("fanlist/f.csv", "memberId,rank\nma,1\nmz,2\n"))
    FanlistRecord.objects.create(campaign=fanlist, upload=upload, identifier="ma", rank=1, score=1)
    FanlistRecord.objects.create(campaign=fanlist, upload=upload, identifier="mz", rank=2, score=0.5)
    export = run_export(schedule_export(campaign_id=fanlist.pk, export_type="fanlist", actor=TEST_ACTOR)[0].pk)
    assert "ma" in _read(Export.objects.get(pk=export.pk).path)
    # when the fan is erased
    report = erase_fan(fan.pk, actor=TEST_ACTOR)
    # then the fanlist export file is gone, and so are their record and their line of the fanlist file
    assert Export.objects.get(pk=export.pk).date_file_removed is not None
    assert not default_storage.exists(export.path)
    assert report["exportFiles"] == 1
    assert list(FanlistRecord.objects.values_list("identifier", flat=True)) == ["mz"]
    assert _read(upload.path) == "memberId,rank\nmz,2\n"


def test_erasing_a_fan_between_wave_prep_and_selection_releases_their_reserved_code():
    """Catalog §3.8 (reservations expire after 24 h) and §3.15: a code a wave prep reserved for a fan erased
    before selection is released at once, with an audit row; other fans' reservations stay."""
    # given a finished wave prep that reserved C-A for fan A and C-B for fan B
    campaign, market = _campaign()
    fan_a, fan_b = _fan("a"), _fan("b")
    reserve_id = uuid.uuid4()
    prep = WavePrep.objects.create(campaign=campaign, date_key="d", seed=1, reserve_id=reserve_id, status="FINISHED")
    for position, (fan, code) in enumerate(((fan_a, "C-A"), (fan_b, "C-B"))):
        entry = _entry(campaign, market, fan)
        Code.objects.create(
            campaign=campaign, code=code, type="tm", reserve_id=reserve_id, date_reserved=NOW, date_saved=NOW
        )
        Allocation.objects.create(
            wave_prep=prep,
            entry=entry,
            market=market,
            outcome="selected",
            preference_rank=0,
            position=position,
            code=code,
        )
    # when A is erased before selection
    report = erase_fan(fan_a.pk, actor=TEST_ACTOR)
    # then A's code is available again and B's stays reserved for the run
    codes = dict(Code.objects.values_list("code", "reserve_id"))
    assert codes == {"C-A": None, "C-B": reserve_id}
    assert Code.objects.get(code="C-A").date_reserved is None
    assert report["codesReleased"] == 1
    audit = CodeAudit.objects.get(action="release")
    assert (audit.actor_label, audit.changed, audit.reserve_id) == ("test", 1, reserve_id)


def test_the_erase_report_counts_what_went():
    """Catalog §3.6.9: the command prints the report as JSON."""
    campaign, market = _campaign()
    fan = _fan("a")
    _entry(campaign, market, fan)
    Invite.objects.create(campaign=campaign, identifier_type="memberId", value="ma")
    out = StringIO()
    call_command("privacy", "erase", fan.pk, stdout=out)
    assert json.loads(out.getvalue()) == {
        "fanId": fan.pk,
        "entries": 1,
        "phoneVerifications": 0,
        "codesDetached": 0,
        "codesReleased": 0,
        "fanlistRecords": 0,
        "invites": 1,
        "fileLines": 0,
        "files": [],
        "exportFiles": 0,
    }


def test_erasure_and_the_data_export_cover_invites_and_the_stored_invite_file():
    """Catalog §3.5, §3.15: the fan's invite row is in their data export; erasure removes it and their line of
    the stored invite file (other lines stay)."""
    # given an invite-only campaign whose uploaded list invites the fan and a friend, and the fan's entry
    campaign, market = _campaign(options={"gate": {"inviteOnly": "email"}})
    fan = _fan("a")
    content = b"email\nFANA@example.com\nfriend@example.com\n"
    upload = upload_invites(
        campaign_id=campaign.pk, stream=io.BytesIO(content), declared_size=None, file_name="v.csv", actor=TEST_ACTOR
    )
    _entry(campaign, market, fan)
    # when their data is exported, then they are erased
    exported = fan_data(fan.pk)["tables"]["entries.invite"]
    report = erase_fan(fan.pk, actor=TEST_ACTOR)
    # then
    assert [row["value"] for row in exported] == ["fana@example.com"]
    assert (report["invites"], report["files"]) == (1, [upload.path])
    assert list(Invite.objects.values_list("value", flat=True)) == ["friend@example.com"]
    assert _read(InviteUpload.objects.get().path) == "email\nfriend@example.com\n"


def test_the_codes_released_by_an_erasure_name_who_erased_and_through_which_door():
    """Every write says who did it: the release of an erased fan's planned code is audited with the staff member
    who asked for the erasure over REST (the command names itself)."""
    # given a fan with a planned code, and a supreme staff member
    campaign, market = _campaign()
    fan = _fan("a")
    reserve_id = uuid.uuid4()
    prep = WavePrep.objects.create(campaign=campaign, date_key="d", seed=1, reserve_id=reserve_id, status="FINISHED")
    entry = _entry(campaign, market, fan)
    Code.objects.create(
        campaign=campaign, code="C-A", type="tm", reserve_id=reserve_id, date_reserved=NOW, date_saved=NOW
    )
    Allocation.objects.create(
        wave_prep=prep, entry=entry, market=market, outcome="selected", preference_rank=0, position=0, code="C-A"
    )
    token = session_token_for("supreme")
    # when the staff member erases the fan over REST
    response = Client().post(
        "/api/privacy/erase", {"fanId": fan.pk}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    # then the release's row in the codes' trail names them, and the erasure's one audit-log row the door
    assert response.status_code == 202
    audit = CodeAudit.objects.get(action="release")
    assert (audit.actor.global_user_id, audit.actor_label) == ("g-supreme", "supreme@example.com")
    assert sorted(AuditEntry.objects.values_list("action", flat=True)) == ["fan.erase", "fan.eraseFiles"]
    files = AuditEntry.objects.get(action="fan.eraseFiles")
    assert (files.actor_label, files.channel, files.changes["exportFiles"]) == ("supreme@example.com", "rest", 0)
    erasure = AuditEntry.objects.get(action="fan.erase")
    assert (erasure.action, erasure.actor_kind, erasure.channel, erasure.actor_label) == (
        "fan.erase",
        "staff",
        "rest",
        "supreme@example.com",
    )
    assert (erasure.target, erasure.subject_fan_id, erasure.changes["codesReleased"]) == ("fan", None, 1)
