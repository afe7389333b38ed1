"""Wave prep and selection services on the database (catalog §3.7.1, §3.7.2; decisions.md "Selection")."""

import csv
import io
import zipfile

import pytest
from django.core.files.storage import default_storage

from codes.models import Code
from conftest import TEST_ACTOR
from entries.models import Stat
from entries.selection.models import Allocation, WavePrep, WavePrepStatus
from entries.selection.selectors import fan_selection
from entries.selection.services import prepped_zip
from entries.selection.services import wave_prep as service
from entries.selection.services.selection import apply_selection, trigger_selection
from entries.selection.services.wave_prep import run_wave_prep, trigger_wave_prep
from entries.selection.services.wave_prep_files import upload_wave_prep_file
from entries.selection.tests.selection_factory import add_codes, add_entries, closed_campaign
from monoql.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def _run(campaign, date_key="2026-11-20", **params):
    wave_prep = trigger_wave_prep(
        campaign_id=campaign.pk, date_key=date_key, seed=params.pop("seed", 7), **params, actor=TEST_ACTOR
    )
    return run_wave_prep(wave_prep.pk)


def _selected(wave_prep):
    return {
        (row.entry_id, row.market_id, row.code)
        for row in Allocation.objects.filter(wave_prep=wave_prep, outcome="selected")
    }


def _zip_csv(wave_prep, name):
    with default_storage.open(wave_prep.path, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    return list(csv.DictReader(io.StringIO(archive.read(name).decode())))


def test_wave_prep_selects_by_score_within_population_and_writes_the_zip():
    # given markets of population 2 and 1, five codes, and five fans
    campaign, (a, b, _c) = closed_campaign(markets=3, populations=[2, 1, 0])
    add_codes(campaign, 5)
    e = add_entries(
        campaign,
        [
            ((a.pk, b.pk), 0.9, True),
            ((a.pk,), 0.8, True),
            ((a.pk, b.pk), 0.7, True, "+447700900123"),
            ((b.pk,), 0.6, True),
            ((a.pk,), 0.99, False),  # blocked: never a candidate
        ],
    )

    # when the wave prep runs (score order, markets independent)
    wave_prep = _run(campaign)

    # then the best two fans of A and the best fan of B are selected, each with a distinct reserved code
    assert wave_prep.status == WavePrepStatus.FINISHED
    selected = _selected(wave_prep)
    assert {(entry, market) for entry, market, _ in selected} == {(e[0].pk, a.pk), (e[1].pk, a.pk), (e[0].pk, b.pk)}
    codes = [code for _, _, code in selected]
    assert len(set(codes)) == 3
    assert Code.objects.filter(reserve_id=wave_prep.reserve_id, date_reserved__isnull=False).count() == 3
    # and the counts say who was eligible, selected and waitlisted
    assert wave_prep.count["eligible"] == 4
    assert wave_prep.count["selected"] == 2
    assert wave_prep.count["waitlisted"] == 2
    by_market = {m["id"]: m for m in wave_prep.count["markets"]}
    assert (by_market[a.pk]["eligible"], by_market[a.pk]["selected"], by_market[a.pk]["waitlisted"]) == (3, 2, 1)
    assert (by_market[b.pk]["eligible"], by_market[b.pk]["selected"], by_market[b.pk]["waitlisted"]) == (3, 1, 2)
    assert wave_prep.input_hash and wave_prep.algorithm_version == "monoql-selection-2"
    # and the zip holds sms/email/masterCodes per market
    assert wave_prep.path == f"wavePrep/{campaign.pk}/prepped/prepped.2026-11-20.zip"
    master = _zip_csv(wave_prep, "masterCodes/Market_0.csv")
    assert [row["entryId"] for row in master] == [str(e[0].pk), str(e[1].pk)]
    sms = _zip_csv(wave_prep, "sms/Market_0.csv")
    assert [row["mobileNumber"] for row in sms] == ["+14155550000", "+14155550001"]
    assert sms[0]["code"] == master[0]["code"] and sms[0]["globalUserId"] == e[0].fan.global_user_id


def test_single_market_and_waitlist_and_international_phone_goes_to_email_file():
    # given one place in A and one in B and fans who all want A first
    campaign, (a, b) = closed_campaign(markets=2, populations=[1, 1])
    add_codes(campaign, 2)
    e = add_entries(
        campaign,
        [((a.pk, b.pk), 0.9, True), ((a.pk, b.pk), 0.8, True, "+447700900123"), ((a.pk, b.pk), 0.7, True)],
    )

    # when a single-market wave prep runs
    wave_prep = _run(campaign, single_market=True)

    # then the best fan takes A, the second their second choice B, the third is waitlisted
    assert {(entry, market) for entry, market, _ in _selected(wave_prep)} == {(e[0].pk, a.pk), (e[1].pk, b.pk)}
    assert set(
        Allocation.objects.filter(wave_prep=wave_prep, outcome="waitlisted").values_list("entry_id", "market_id")
    ) == {(e[2].pk, a.pk)}  # one row per waitlisted fan: their best-ranked market
    # and the non-North-American fan is in B's email file, not its SMS file
    assert _zip_csv(wave_prep, "sms/Market_1.csv") == []
    assert [row["email"] for row in _zip_csv(wave_prep, "email/Market_1.csv")] == [e[1].email]


def test_markets_file_limits_pinned_codes_and_code_type():
    # given a markets file giving A a limit of 1 with external codes, B a limit of 2
    campaign, (a, b) = closed_campaign(markets=2, populations=[50, 50])
    markets_csv = f"market_id,limit,code_type,link\n{a.pk},1,external,https://x.test/a\n{b.pk},2,,\n"
    upload_wave_prep_file(
        campaign_id=campaign.pk,
        date_key="w1",
        file_type="markets",
        stream=io.BytesIO(markets_csv.encode()),
        declared_size=None,
        actor=TEST_ACTOR,
    )
    codes_csv = f"code\nEXT-A1,{a.pk}\nEXT-ANY\n"
    upload_wave_prep_file(
        campaign_id=campaign.pk,
        date_key="w1",
        file_type="nonTmCodes",
        stream=io.BytesIO(codes_csv.encode()),
        declared_size=None,
        actor=TEST_ACTOR,
    )
    add_codes(campaign, 3, "tm")
    e = add_entries(campaign, [((a.pk, b.pk), 0.9 - n / 10, True) for n in range(4)])

    # when the wave prep for that dateKey runs
    wave_prep = _run(campaign, date_key="w1")

    # then A got one fan with its pinned external code, B two fans with tm codes
    selected = sorted(_selected(wave_prep))
    assert [(entry, market, code) for entry, market, code in selected if market == a.pk] == [(e[0].pk, a.pk, "EXT-A1")]
    assert sorted(code for _, market, code in selected if market == b.pk) == sorted(
        Code.objects.filter(campaign=campaign, type="tm", reserve_id=wave_prep.reserve_id).values_list(
            "code", flat=True
        )
    )
    # and the unused external code is free again
    assert Code.objects.get(campaign=campaign, code="EXT-ANY").reserve_id is None
    assert _zip_csv(wave_prep, "sms/Market_0.csv")[0]["link"] == "https://x.test/a"


def test_codes_bound_capacity_and_reassign_false_skips_fans_holding_codes():
    # given population 3 but only two codes, and a fan already holding a code of an earlier selection
    campaign, (a,) = closed_campaign(markets=1, populations=[3])
    add_codes(campaign, 2)
    e = add_entries(campaign, [((a.pk,), 0.9, True), ((a.pk,), 0.8, True), ((a.pk,), 0.7, True)])
    Code.objects.create(
        campaign=campaign, code="OLD", type="tm", entry=e[0], fan=e[0].fan, date_saved=e[0].date_created
    )
    Code.objects.filter(code="OLD").update(date_assigned=e[0].date_created)

    # when the wave prep runs without reassign
    wave_prep = _run(campaign)

    # then the holder is not a candidate and only two fans are selected (one per code)
    assert {entry for entry, _, _ in _selected(wave_prep)} == {e[1].pk, e[2].pk}
    # and with reassign (and one more code) the holder competes again and, best scored, wins the place
    add_codes(campaign, 1, prefix="MORE")
    WavePrep.objects.filter(pk=wave_prep.pk).update(date_selected=wave_prep.date_created)
    from entries.selection.services.wave_prep import release_reservations

    release_reservations(wave_prep)
    again = _run(campaign, date_key="second", reassign=True)
    assert [entry for entry, _, _ in sorted(_selected(again))][:1] == [e[0].pk]
    assert len(_selected(again)) == 3


def test_score_bounds_are_inclusive():
    campaign, (a,) = closed_campaign(markets=1, populations=[10])
    add_codes(campaign, 10)
    e = add_entries(campaign, [((a.pk,), s, True) for s in (0.2, 0.5, 0.8, 0.81, None)])

    wave_prep = _run(campaign, min_score=0.5, max_score=0.8)

    assert {entry for entry, _, _ in _selected(wave_prep)} == {e[1].pk, e[2].pk}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"date_key": "bad key!"}, "InvalidDateKey"),
        ({"min_score": 1.5}, "INVALID_SCORE"),
        ({"min_score": 0.9, "max_score": 0.1}, "INVALID_SCORE_RANGE"),
    ],
)
def test_trigger_refuses_bad_input_and_writes_nothing(change, reason):
    campaign, _ = closed_campaign(markets=1)
    args = {"campaign_id": campaign.pk, "date_key": "ok", **change}
    with pytest.raises(ValidationFailed) as raised:
        trigger_wave_prep(**args, actor=TEST_ACTOR)
    assert raised.value.reason == reason
    assert WavePrep.objects.count() == 0


def test_trigger_needs_a_closed_campaign_and_one_run_at_a_time():
    campaign, _ = closed_campaign(markets=1)
    trigger_wave_prep(campaign_id=campaign.pk, date_key="one", actor=TEST_ACTOR)
    with pytest.raises(ValidationFailed) as raised:
        trigger_wave_prep(campaign_id=campaign.pk, date_key="two", actor=TEST_ACTOR)
    assert raised.value.reason == "WAVE_PREP_IN_PROGRESS"
    campaign.status = "OPEN"
    campaign.save()
    with pytest.raises(ValidationFailed) as raised:
        trigger_wave_prep(campaign_id=campaign.pk, date_key="three", actor=TEST_ACTOR)
    assert raised.value.reason == "invalidCampaignStatus"
    assert list(WavePrep.objects.values_list("date_key", flat=True)) == ["one"]


def test_retriggering_a_date_key_releases_the_previous_reservations():
    campaign, (a,) = closed_campaign(markets=1, populations=[2])
    add_codes(campaign, 2)
    add_entries(campaign, [((a.pk,), 0.9, True), ((a.pk,), 0.8, True)])
    first = _run(campaign, seed=1)
    first_codes = _selected(first)

    second = _run(campaign, seed=1)

    assert second.pk == first.pk
    assert _selected(second) == first_codes
    assert Code.objects.filter(campaign=campaign, date_reserved__isnull=False).count() == 2


def test_selection_assigns_codes_idempotently_releases_blocked_fans_and_fans_see_results():
    # given a finished wave prep: A selects two fans, one more is waitlisted
    campaign, (a,) = closed_campaign(markets=1, populations=[2], options={"showAccessCode": True})
    add_codes(campaign, 2)
    e = add_entries(campaign, [((a.pk,), 0.9, True), ((a.pk,), 0.8, True), ((a.pk,), 0.7, True)])
    wave_prep = _run(campaign)
    planned = {entry: code for entry, _, code in _selected(wave_prep)}
    # and the second fan is blocked after the wave prep
    e[1].verdict = False
    e[1].save()

    # when selection is triggered and applied
    answer = trigger_selection(campaign_id=campaign.pk, market_ids=[a.pk], actor=TEST_ACTOR)
    assert answer == {"campaignId": campaign.pk, "dateKey": "2026-11-20", "marketIds": [a.pk], "status": "PENDING"}
    assert Stat.objects.get(campaign=campaign, type="selection").status == "PENDING"
    result = apply_selection(wave_prep.pk, [a.pk])

    # then the first fan holds the planned code, the blocked fan's code is free again
    assert Code.objects.get(code=planned[e[0].pk]).entry_id == e[0].pk
    released = Code.objects.get(code=planned[e[1].pk])
    assert (released.date_assigned, released.reserve_id, released.date_reserved) == (None, None, None)
    expected = {
        "eligible": 3,
        "selected": 2,
        "waitlisted": 1,
        "assigned": 1,
        "released": 1,
        "alreadyHolding": 0,
        "releasedFromPlan": 0,
        "conflicts": 0,
    }
    assert result == {a.pk: expected}
    stat = Stat.objects.get(campaign=campaign, type="selection", market_id=a.pk)
    assert (stat.status, stat.count) == ("FINISHED", expected)
    # and re-running gives the same code to the same fan
    trigger_selection(campaign_id=campaign.pk, market_ids=[a.pk], actor=TEST_ACTOR)
    apply_selection(wave_prep.pk, [a.pk])
    assert Code.objects.get(code=planned[e[0].pk]).entry_id == e[0].pk
    assert Code.objects.filter(campaign=campaign, date_assigned__isnull=False).count() == 1
    # and the fans see their results
    campaign.refresh_from_db()
    seen = fan_selection(campaign, e[0])
    assert (seen["status"], seen["marketId"], seen["code"]) == ("selected", a.pk, planned[e[0].pk])
    assert fan_selection(campaign, e[2]) == {"status": "waitlisted", "marketIds": [a.pk]}


def test_code_is_hidden_until_show_access_code_and_inside_the_presale_window():
    campaign, (a,) = closed_campaign(markets=1, populations=[1])
    add_codes(campaign, 1)
    (entry,) = add_entries(campaign, [((a.pk,), 0.9, True)])
    wave_prep = _run(campaign)
    trigger_selection(campaign_id=campaign.pk, market_ids=[a.pk], actor=TEST_ACTOR)
    apply_selection(wave_prep.pk, [a.pk])

    assert fan_selection(campaign, entry)["code"] is None  # showAccessCode off
    campaign.options = {"showAccessCode": True}
    campaign.date_presale_window_end = wave_prep.date_created.replace(year=2020)
    assert fan_selection(campaign, entry)["code"] is None  # window over
    campaign.date_presale_window_end = None
    assert fan_selection(campaign, entry)["code"] == Code.objects.get(entry=entry).code


def test_selection_refuses_unknown_markets_and_missing_wave_prep():
    campaign, (a,) = closed_campaign(markets=1)
    with pytest.raises(ValidationFailed) as raised:
        trigger_selection(campaign_id=campaign.pk, market_ids=[a.pk], actor=TEST_ACTOR)
    assert raised.value.reason == "NO_FINISHED_WAVE_PREP"
    with pytest.raises(ValidationFailed) as raised:
        trigger_selection(campaign_id=campaign.pk, market_ids=["nope"], actor=TEST_ACTOR)
    assert (raised.value.reason, raised.value.field) == ("UNKNOWN_MARKET", "marketIds")
    with pytest.raises(ValidationFailed) as raised:
        trigger_selection(campaign_id=campaign.pk, market_ids=[], actor=TEST_ACTOR)
    assert raised.value.reason == "MISSING_MARKET_IDS"
    assert Stat.objects.count() == 0


@pytest.mark.usefixtures("require_postgres")
def test_the_zip_postgresql_writes_is_byte_for_byte_the_one_built_in_python(monkeypatch):
    # given a run whose fans have awkward values: quotes, commas and a line break in names, an unscored fan,
    # empty and international phones, a member id, the same email twice, a market name with a comma, a link
    campaign, (a, b) = closed_campaign(markets=2, populations=[10, 10])
    a.name = 'Arena, "Main" Hall'
    a.event_link = "https://tickets.test/a?x=1,2"
    a.save()
    add_codes(campaign, 20)
    e = add_entries(
        campaign,
        [
            ((a.pk, b.pk), 0.9, True),
            ((a.pk,), None, True, "+447700900123"),
            ((a.pk,), 0.5, True, ""),
            ((b.pk, a.pk), 0.4, True, "4155550000"),
            ((a.pk,), 0.3, True, "+33612345678"),
        ],
    )
    fan = e[0].fan
    fan.first_name, fan.last_name, fan.member_id = 'Jo "JJ"', "Smith,\nJr", "M-1"
    fan.save()
    e[4].email = e[1].email  # the same email twice among the email-file fans
    e[4].save()
    wave_prep = run_wave_prep(trigger_wave_prep(campaign_id=campaign.pk, date_key="bytes", actor=TEST_ACTOR).pk)
    assert wave_prep.status == "FINISHED", wave_prep.error
    with default_storage.open(wave_prep.path, "rb") as handle:
        by_copy = zipfile.ZipFile(io.BytesIO(handle.read()))
        copied = {name: by_copy.read(name) for name in by_copy.namelist()}
    # when the same zip is built in Python (the path SQLite takes)
    monkeypatch.setattr(prepped_zip, "use_copy", lambda: False)
    wave_prep.refresh_from_db()
    plan = service._market_plan(wave_prep)
    path = prepped_zip.write_prepped_zip(wave_prep, plan)
    with default_storage.open(path, "rb") as handle:
        built = zipfile.ZipFile(io.BytesIO(handle.read()))
        in_python = {name: built.read(name) for name in built.namelist()}
    # then every file has the same bytes, and the awkward values came through
    assert sorted(copied) == sorted(in_python)
    assert copied == in_python
    master = copied[f"masterCodes/{prepped_zip._file_names(plan)[a.pk]}.csv"].decode()
    assert '"Smith,\nJr"' in master and '"Jo ""JJ"""' in master and "M-1" in master


def test_the_binary_and_the_text_copy_of_the_allocation_rows_write_the_same_rows(require_postgres, monkeypatch):
    # Given a campaign where some fans are selected in two markets and others are waitlisted
    campaign, (a, b) = closed_campaign(markets=2, populations=[2, 1])
    add_codes(campaign, 3)
    add_entries(campaign, [((a.pk, b.pk), 0.9 - n / 10, True) for n in range(6)])

    def rows(wave_prep):
        return sorted(
            Allocation.objects.filter(wave_prep=wave_prep).values_list(
                "entry_id", "market_id", "outcome", "preference_rank", "position", "code_type"
            )
        )

    # When the run writes its rows by binary COPY, then again (same seed) as text lines (market ids of mixed widths)
    binary = rows(_run(campaign))
    monkeypatch.setattr(service, "_market_texts", lambda market_ids: None)
    text = rows(_run(campaign))
    # Then both wrote the same rows: 3 selected (with a code each), 4 waitlisted
    assert text == binary
    assert [outcome for _, _, outcome, *_ in binary].count("selected") == 3
    assert len(binary) == 3 + 4
    assert Allocation.objects.filter(outcome="selected").exclude(code="").count() == 3
