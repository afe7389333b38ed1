"""Each export type writes exactly the expected header and rows for a small generated campaign."""

import csv
import io
import zipfile
from datetime import UTC, datetime

import pytest
from django.core.files.storage import default_storage

from accounts.models import Fan
from campaigns.models import Campaign, CampaignStatus, Market, Promoter
from codes.models import Code
from conftest import TEST_ACTOR
from entries.models import Entry, FanlistRecord, FanlistUpload
from exports.exporters import EXPORTERS, Exporter
from exports.exporters.entries import ENTRY_COLUMNS
from exports.models import Export, ExportStatus
from exports.services.exports import run_export, schedule_export

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
PREFS = [
    {"id": "email", "type": "email"},
    {"id": "market", "type": "market_select"},
    {"id": "optional_markets", "type": "additional_markets_select", "is_optional": True},
    {"id": "allow_marketing", "type": "opt_in", "is_optional": True},
    {"id": "allow_livenation", "type": "opt_in", "is_optional": True},
    {"id": "allow_promoter", "type": "opt_in", "is_optional": True},
]


@pytest.fixture
def world():
    promoter = Promoter.objects.create(name="Live Promo")
    campaign = Campaign.objects.create(name="Export Tour", status=CampaignStatus.CLOSED, preferences=PREFS, options={})
    paris = Market.objects.create(
        campaign=campaign,
        name="Paris",
        city="Paris",
        state="IDF",
        timezone="UTC",
        event_ids=["E1", "E2"],
        event_date=datetime(2027, 3, 5, 20, 0, tzinfo=UTC),
        promoter_ids=[promoter.pk],
    )
    lyon = Market.objects.create(
        campaign=campaign,
        name="Lyon",
        city="Lyon",
        state="",
        timezone="UTC",
        event_ids=["E3"],
        event_date=datetime(2027, 12, 24, 20, 0, tzinfo=UTC),
    )
    entries = []
    specs = [
        (
            "a",
            [paris, lyon],
            0.9,
            True,
            {"allow_marketing": True, "allow_livenation": True, "allow_promoter": True},
            False,
        ),
        ("b", [lyon], 0.5, False, {"allow_marketing": True, "allow_promoter": True}, True),
        ("c", [paris], None, True, {"allow_marketing": False}, False),
    ]
    for name, markets, score, verdict, opt_ins, do_not_sell in specs:
        fan = Fan.objects.create(
            global_user_id=f"g-{name}",
            member_id=f"m-{name}",
            email=f"{name}@example.com",
            first_name=name.upper(),
            last_name="Fan",
            do_not_sell=do_not_sell,
        )
        entry = Entry(
            campaign=campaign,
            fan=fan,
            email=f"{name}@example.com",
            phone=f"+1212555010{len(entries)}",
            fields={"email": f"{name}@example.com", "market": markets[0].pk, **opt_ins},
            origin={"ip": "10.0.0.1"},
            score=score,
            verdict=verdict,
            random_score=0.5,
            tags={"vip": True} if name == "c" else {},
            date_phone_confirmed=T0 if name != "b" else None,
        )
        entry.set_market_ids([m.pk for m in markets])
        entry.save()
        Entry.objects.filter(pk=entry.pk).update(date_created=T0)
        entries.append(Entry.objects.select_related("fan").get(pk=entry.pk))
    Code.objects.create(campaign=campaign, code="AAA1", type="tm", market=paris, date_saved=T0)
    Code.objects.create(
        campaign=campaign,
        code="AAA2",
        type="tm",
        market=paris,
        date_saved=T0,
        date_assigned=T0,
        entry=entries[0],
        fan=entries[0].fan,
    )
    return campaign, paris, lyon, entries, promoter


def _run(campaign, export_type, **kwargs):
    export, created = schedule_export(campaign_id=campaign.pk, export_type=export_type, **kwargs, actor=TEST_ACTOR)
    assert created
    export = run_export(export.pk)
    assert export.status == ExportStatus.FINISHED, export.error_message
    with default_storage.open(export.path, "rb") as handle:
        data = handle.read()
    return export, data


def _csv(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def _entry_row(entry, campaign, show, event_ids, confirmed, prefs):
    return [
        str(entry.pk),
        campaign.name,
        "2026-11-01T12:00:00Z",
        entry.fan.member_id,
        entry.fan.global_user_id,
        "10.0.0.1",
        entry.email,
        entry.fan.first_name,
        "Fan",
        "",
        entry.phone,
        entry.fan.pk,
        show,
        event_ids,
        "en_US",
        campaign.pk,
        confirmed,
        *prefs,
    ]


def test_entries_export(world):
    campaign, paris, lyon, (a, b, c), _ = world
    export, data = _run(campaign, "entries")
    rows = _csv(data)
    pref_columns = [
        "#email.email",
        "#market_select.market",
        "#additional_markets_select.optional_markets",
        "#opt_in.allow_marketing",
        "#opt_in.allow_livenation",
        "#opt_in.allow_promoter",
    ]
    assert rows[0] == ENTRY_COLUMNS + pref_columns
    assert rows[1:] == [
        _entry_row(
            a,
            campaign,
            "3/05 - Paris, IDF",
            "E1,E2",
            "true",
            ["a@example.com", paris.pk, "false", "true", "true", "true"],
        ),
        _entry_row(
            b, campaign, "12/24 - Lyon", "E3", "false", ["b@example.com", lyon.pk, "false", "true", "false", "true"]
        ),
        _entry_row(
            c,
            campaign,
            "3/05 - Paris, IDF",
            "E1,E2",
            "true",
            ["c@example.com", paris.pk, "false", "false", "false", "false"],
        ),
    ]
    assert export.count == 3 and export.size == len(data) and len(export.checksum) == 64


def test_entries_export_with_all_markets_adds_rows(world):
    campaign, *_ = world
    _, data = _run(campaign, "entries", include_all_markets=True)
    assert [row[12] for row in _csv(data)[1:]] == [
        "3/05 - Paris, IDF",
        "12/24 - Lyon",
        "12/24 - Lyon",
        "3/05 - Paris, IDF",
    ]


def test_verified_entries_waitlist_scoring_filter_list(world):
    campaign, paris, lyon, (a, b, c), _ = world
    _, verified = _run(campaign, "verifiedEntries")
    assert [row[0] for row in _csv(verified)[1:]] == [str(a.pk), str(c.pk)]
    _, waitlist = _run(campaign, "waitlist")
    assert _csv(waitlist) == [
        ["entry_id", "globalUserId", "tm_id", "email", "Mobile Phone", "locale", "market_ids", "score"],
        [str(c.pk), "g-c", "m-c", "c@example.com", c.phone, "en_US", paris.pk, ""],
    ]
    _, scoring = _run(campaign, "scoring")
    assert _csv(scoring)[0] == [
        "globalUserId",
        "memberId",
        "email",
        "phone",
        "first_name",
        "last_name",
        "locale",
        "market_ids",
        "score",
        "random_score",
        "verdict",
        "tags",
    ]
    assert _csv(scoring)[1] == [
        "g-a",
        "m-a",
        "a@example.com",
        a.phone,
        "A",
        "Fan",
        "en_US",
        f"{paris.pk}|{lyon.pk}",
        "0.9",
        "0.5",
        "true",
        "",
    ]
    _, filters = _run(campaign, "filterList")
    assert _csv(filters)[1:] == [
        [str(b.pk), "g-b", "b@example.com", b.phone, "false", ""],
        [str(c.pk), "g-c", "c@example.com", c.phone, "true", "vip"],
    ]


def test_opt_in_exports_leave_out_do_not_sell_fans(world):
    campaign, paris, lyon, (a, b, c), promoter = world
    _, artist = _run(campaign, "artistOptIn")
    _, livenation = _run(campaign, "livenationOptIn")
    assert [row[0] for row in _csv(artist)[1:]] == [str(a.pk)]  # b opted in but asked doNotSell
    assert [row[0] for row in _csv(livenation)[1:]] == [str(a.pk)]
    export, data = _run(campaign, "promoterEmailOptIn")
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == ["Live Promo.csv"]
    assert _csv(archive.read("Live Promo.csv")) == [
        ["email", "first_name", "last_name", "locale", "market_id", "market"],
        ["a@example.com", "A", "Fan", "en_US", paris.pk, "Paris"],
    ]
    assert export.path.endswith(".zip") and export.count == 1


def test_code_exports(world):
    campaign, paris, lyon, (a, b, c), _ = world
    _, codes = _run(campaign, "codes")
    assert _csv(codes) == [
        ["code", "type", "status", "market_id", "assignedTo", "reservedAt", "assignedAt"],
        ["AAA1", "tm", "available", paris.pk, "", "", ""],
        ["AAA2", "tm", "assigned", paris.pk, a.fan.pk, "", "2026-11-01T12:00:00Z"],
    ]
    header = ["code", "type", "userId", "globalUserId", "email", "phone", "campaignId", "marketId", "assignmentDate"]
    row = ["AAA2", "tm", a.fan.pk, "g-a", "a@example.com", a.phone, campaign.pk, paris.pk, "2026-11-01T12:00:00Z"]
    _, assignments = _run(campaign, "codeAssignments")
    assert _csv(assignments) == [header, row]
    _, wave = _run(campaign, "codeWaves", date_key="20261101")
    _, other_day = _run(campaign, "codeWaves", date_key="20261102")
    assert _csv(wave) == [header, row] and _csv(other_day) == [header]


def test_eligibility_breakdown_and_fanlist(world):
    campaign, paris, lyon, _, _ = world
    _, breakdown = _run(campaign, "eligibilityBreakdown")
    assert _csv(breakdown) == [
        ["market_id", "market", "rank_1", "rank_2", "rank_3", "rank_4", "total", "verified", "selected"],
        [lyon.pk, "Lyon", "1", "1", "0", "0", "2", "1", "0"],
        [paris.pk, "Paris", "2", "0", "0", "0", "2", "2", "1"],
    ]
    fanlist = Campaign.objects.create(name="List", type="fanlist", options={"scoring": "raw"})
    upload = FanlistUpload.objects.create(campaign=fanlist, name="f.csv", path="x", scoring="raw")
    FanlistRecord.objects.create(campaign=fanlist, upload=upload, identifier="m-1", rank=0.4, score=0.4)
    FanlistRecord.objects.create(campaign=fanlist, upload=upload, identifier="m-2", rank=0.8, score=0.8)
    _, data = _run(fanlist, "fanlist")
    assert _csv(data) == [["identifier", "rank", "score"], ["m-2", "0.8", "0.8"], ["m-1", "0.4", "0.4"]]


@pytest.mark.parametrize("export_type", ["entries", "verifiedEntries", "artistOptIn", "livenationOptIn"])
@pytest.mark.parametrize("all_markets", [False, True])
def test_postgresql_copy_path_writes_exactly_the_python_rows(world, require_postgres, export_type, all_markets):
    # given: odd values the two paths must agree on (quotes, commas, empty strings, nulls, lists)
    campaign, paris, lyon, (a, b, c), _ = world
    a.fields = {
        **a.fields,
        "email": 'quote "me", please',
        "optional_markets": [lyon.pk, paris.pk],
        "allow_livenation": None,
    }
    a.origin = {}
    a.save()
    b.fan.first_name = ""
    b.fan.save()
    export = Export.objects.create(campaign=campaign, export_type=export_type, include_all_markets=all_markets)
    exporter = EXPORTERS[export_type]()
    fast, slow = io.BytesIO(), io.BytesIO()
    # when
    fast_count = exporter.write(export, fast, lambda n: None)
    slow_count = Exporter.write(exporter, export, slow, lambda n: None)
    # then
    assert fast.getvalue().decode() == slow.getvalue().decode()
    assert fast_count == slow_count
