"""Wave prep, selection and wave operations through GraphQL: who may call them (the ``select`` action or
supreme; every other caller changes nothing) and how bad input is refused (catalog §1.3, §3.7)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from codes.models import Code
from conftest import TEST_ACTOR, post_multipart, session_token_for
from entries.models import Stat
from entries.selection.models import Wave, WavePrep, WavePrepFile
from entries.selection.services.selection import apply_selection, trigger_selection
from entries.selection.services.wave_prep import run_wave_prep, trigger_wave_prep
from entries.selection.tests.selection_factory import add_codes, add_entries, closed_campaign

pytestmark = pytest.mark.django_db

UPLOAD_PREP = """
mutation U($file: Upload!, $fileSize: Int!, $campaignId: ID!, $dateKey: String!, $type: WavePrepFileType!) {
  uploadWavePrepFile(file: $file, fileSize: $fileSize, campaignId: $campaignId, dateKey: $dateKey, type: $type) {
    name report
  }
}
"""
UPLOAD_WAVE = """
mutation W($file: Upload, $fileSize: Int, $fileName: String!, $config: WaveConfigInput!) {
  uploadWave(file: $file, fileSize: $fileSize, fileName: $fileName, config: $config)
}
"""
TRIGGER_PREP = 'mutation T($c: ID!) { triggerWavePrep(campaignId: $c, dateKey: "d1", singleMarket: true) }'
TRIGGER_SELECTION = "mutation S($c: ID!, $m: [ID]!) { triggerSelection(campaignId: $c, marketIds: $m) }"
CANCEL = 'mutation C($c: ID) { cancelWave(campaignId: $c, fileName: "existing.csv") }'
PREPS = "query P($c: ID!) { wavePrepList(campaignId: $c) { status dateKey count { selected } } }"
WAVES = "query L($c: ID) { waveList(campaignId: $c) { name status } }"


@pytest.fixture
def prepared():
    """A closed campaign with a finished wave prep ('d0'), a scheduled wave 'existing' and codes."""
    campaign, markets = closed_campaign(markets=2, populations=[1, 1])
    add_codes(campaign, 4)
    add_entries(campaign, [((markets[0].pk, markets[1].pk), 0.9 - n / 10, True) for n in range(3)])
    wave_prep = run_wave_prep(trigger_wave_prep(campaign_id=campaign.pk, date_key="d0", seed=3, actor=TEST_ACTOR).pk)
    Wave.objects.create(
        campaign=campaign,
        name=f"{campaign.pk}_existing",
        csv_path="smsWaves/csv/x.csv",
        date_notify=timezone.now() + timedelta(days=2),
        date_begin=timezone.now() + timedelta(days=1),
        date_end=timezone.now() + timedelta(days=400),
    )
    return campaign, markets, wave_prep


def _state(campaign):
    return (
        list(WavePrep.objects.filter(campaign=campaign).values_list("date_key", "status", "attempts")),
        WavePrepFile.objects.filter(campaign=campaign).count(),
        list(Wave.objects.filter(campaign=campaign).values_list("name", "status")),
        Stat.objects.filter(campaign=campaign).count(),
        Code.objects.filter(campaign=campaign, date_reserved__isnull=False).count(),
        Code.objects.filter(campaign=campaign, date_assigned__isnull=False).count(),
        Code.objects.filter(campaign=campaign).count(),
    )


def _call(gql, operation, campaign, markets, token):
    notify = (timezone.now() + timedelta(days=3)).isoformat()
    if operation == "uploadWavePrepFile":
        content = b"code\nNEW1\nNEW2\n"
        variables = {"campaignId": campaign.pk, "dateKey": "d1", "fileSize": len(content), "type": "tmCodes"}
        return post_multipart(UPLOAD_PREP, variables, content, token=token).json()
    if operation == "uploadWave":
        content = b"email,mobileNumber\na@example.com,+14155550100\n"
        config = {"campaignId": campaign.pk, "generateOfferCode": False, "notifyDate": notify}
        variables = {"fileName": "new.csv", "fileSize": len(content), "config": config}
        return post_multipart(UPLOAD_WAVE, variables, content, token=token).json()
    documents = {
        "triggerWavePrep": (TRIGGER_PREP, {"c": campaign.pk}),
        "triggerSelection": (TRIGGER_SELECTION, {"c": campaign.pk, "m": [markets[0].pk]}),
        "cancelWave": (CANCEL, {"c": campaign.pk}),
        "wavePrepList": (PREPS, {"c": campaign.pk}),
        "waveList": (WAVES, {"c": campaign.pk}),
    }
    query, variables = documents[operation]
    return gql.execute(query, variables, token=token)


OPERATIONS = [
    "uploadWavePrepFile",
    "triggerWavePrep",
    "triggerSelection",
    "uploadWave",
    "cancelWave",
    "wavePrepList",
    "waveList",
]
DENIED = {"anonymous": "UNAUTHENTICATED", "fan": "FORBIDDEN", "reader": "FORBIDDEN", "writer": "FORBIDDEN"}
DENIED["reporter"] = "FORBIDDEN"


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("role", [*DENIED, "selector", "supreme"])
def test_only_select_or_supreme_may_run_selection_operations(gql, prepared, operation, role):
    # given a campaign with a finished wave prep and a scheduled wave
    campaign, markets, _ = prepared
    token = session_token_for(role, campaign)
    before = _state(campaign)

    # when the role calls the operation
    body = _call(gql, operation, campaign, markets, token)

    # then staff without the action are refused and nothing changed; select holders and supreme succeed
    if role in DENIED:
        assert body["errors"][0]["extensions"]["code"] == DENIED[role], body
        assert _state(campaign) == before
    else:
        assert "errors" not in body, body
        assert body["data"][operation] is not None


def test_wave_list_without_campaign_lists_only_campaigns_the_caller_may_select(gql, prepared):
    campaign, _, _ = prepared
    other, _ = closed_campaign(name="Other")
    Wave.objects.create(
        campaign=other,
        name=f"{other.pk}_w",
        csv_path="x",
        date_notify=timezone.now(),
        date_begin=timezone.now(),
        date_end=timezone.now(),
    )
    mine = gql.execute(WAVES, {}, token=session_token_for("selector", campaign))["data"]["waveList"]
    everything = gql.execute(WAVES, {}, token=session_token_for("supreme"))["data"]["waveList"]
    assert [w["name"] for w in mine] == [f"{campaign.pk}_existing"]
    assert sorted(w["name"] for w in everything) == sorted([f"{campaign.pk}_existing", f"{other.pk}_w"])


@pytest.mark.parametrize(
    ("file_type", "content", "reason", "line"),
    [
        ("markets", "market_id\nX\n", "MISSING_COLUMN", None),
        ("markets", "market_id,limit\nnope,3\n", "UNKNOWN_MARKET", 2),
        ("markets", "market_id,limit\n{m0},-1\n", "INVALID_LIMIT", 2),
        ("markets", "market_id,limit\n{m0},2\n{m0},3\n", "DUPLICATE_MARKET", 3),
        ("markets", "market_id,limit,code_type\n{m0},2,paper\n", "INVALID_CODE_TYPE", 2),
        ("tmCodes", "code\nA1\nA2\nA1\n", "DUPLICATE_CODE", 4),
        ("tmCodes", "A1,nope\n", "UNKNOWN_MARKET", 1),
        ("tmCodes", "has space\n", "INVALID_CODE", 1),
        ("nonTmCodes", "code\n", "EMPTY_FILE", None),
    ],
)
def test_wave_prep_files_are_validated_whole_and_nothing_is_stored_on_error(
    gql, prepared, file_type, content, reason, line
):
    # given a bad file
    campaign, markets, _ = prepared
    content = content.format(m0=markets[0].pk).encode()
    before = _state(campaign)
    variables = {"campaignId": campaign.pk, "dateKey": "d9", "fileSize": len(content), "type": file_type}

    # when uploaded
    body = post_multipart(UPLOAD_PREP, variables, content, token=session_token_for("selector", campaign)).json()

    # then a VALIDATION_ERROR names the file (and the line), and nothing was stored
    extensions = body["errors"][0]["extensions"]
    assert (extensions["code"], extensions["reason"], extensions["field"]) == ("VALIDATION_ERROR", reason, "file")
    assert extensions.get("line") == line
    assert _state(campaign) == before


def test_a_codes_file_adds_pinned_codes_to_the_pool(gql, prepared):
    campaign, markets, _ = prepared
    content = f"code,market_id\nPIN1,{markets[1].pk}\nFREE1\n".encode()
    variables = {"campaignId": campaign.pk, "dateKey": "d1", "fileSize": len(content), "type": "nonTmCodes"}
    body = post_multipart(UPLOAD_PREP, variables, content, token=session_token_for("selector", campaign)).json()
    assert body["data"]["uploadWavePrepFile"]["report"] == {"in": 2, "inserted": 2, "updated": 0}
    assert dict(Code.objects.filter(code__in=["PIN1", "FREE1"]).values_list("code", "market_id")) == {
        "PIN1": markets[1].pk,
        "FREE1": None,
    }
    assert set(Code.objects.filter(code__in=["PIN1", "FREE1"]).values_list("type", flat=True)) == {"external"}


@pytest.mark.parametrize(
    ("config", "field", "reason"),
    [
        ({"notifyDate": "not a date"}, "config.notifyDate", "INVALID_NOTIFY_DATE"),
        ({"notifyDate": "+12h"}, "config.notifyDate", "INVALID_NOTIFY_DATE"),
        ({"totalLimit": 0}, "config.totalLimit", "INVALID_TOTAL_LIMIT"),
    ],
)
def test_upload_wave_refuses_bad_config(gql, prepared, config, field, reason):
    campaign, _, _ = prepared
    if config.get("notifyDate") == "+12h":
        config["notifyDate"] = (timezone.now() + timedelta(hours=12)).isoformat()
    full = {"campaignId": campaign.pk, "generateOfferCode": False, "notifyDate": "2030-01-01T00:00:00Z", **config}
    content = b"email\na@example.com\n"
    before = _state(campaign)
    body = post_multipart(
        UPLOAD_WAVE,
        {"fileName": "w.csv", "fileSize": len(content), "config": full},
        content,
        token=session_token_for("selector", campaign),
    ).json()
    extensions = body["errors"][0]["extensions"]
    assert (extensions["code"], extensions["field"], extensions["reason"]) == ("VALIDATION_ERROR", field, reason)
    assert _state(campaign) == before


def test_trigger_selection_answers_and_stats_follow(gql, prepared):
    campaign, markets, wave_prep = prepared
    token = session_token_for("selector", campaign)
    body = gql.execute(TRIGGER_SELECTION, {"c": campaign.pk, "m": [m.pk for m in markets]}, token=token)
    assert json.loads(json.dumps(body["data"]["triggerSelection"])) == {
        "campaignId": campaign.pk,
        "dateKey": "d0",
        "marketIds": [m.pk for m in markets],
        "status": "PENDING",
    }
    apply_selection(wave_prep.pk, [m.pk for m in markets])
    assert set(Stat.objects.filter(campaign=campaign, type="selection").values_list("status", flat=True)) == {
        "FINISHED"
    }
    preps = gql.execute(PREPS, {"c": campaign.pk}, token=token)["data"]["wavePrepList"]
    assert preps == [{"status": "FINISHED", "dateKey": "d0", "count": {"selected": 1}}]  # one fan, both markets


FAN_VIEW = """
query V($id: String) { viewer { campaign(id: $id) { ... on RegistrationCampaign {
  entry { date attributes } eligibility { isEligible reason } } } } }
"""


def test_fans_read_their_result_in_a_fixed_number_of_queries(gql, prepared):
    # given selection applied: the first fan selected in both markets, the others waitlisted
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.tokens import issue_session_token
    from entries.models import Entry

    campaign, markets, wave_prep = prepared
    trigger_selection(campaign_id=campaign.pk, market_ids=[m.pk for m in markets], actor=TEST_ACTOR)
    apply_selection(wave_prep.pk, [m.pk for m in markets])
    entries = list(Entry.objects.filter(campaign=campaign).select_related("fan").order_by("-score"))

    def view(entry):
        token = issue_session_token(entry.fan_id, is_supreme=False, permissions={}, tm_sig="").token
        cache.clear()  # both read the campaign cold
        with CaptureQueriesContext(connection) as queries:
            body = gql.execute(FAN_VIEW, {"id": campaign.pk}, token=token)
        assert "errors" not in body, body
        return body["data"]["viewer"]["campaign"], len(queries)

    # when the selected fan and a waitlisted fan read the campaign
    selected, selected_queries = view(entries[0])
    waitlisted, waitlisted_queries = view(entries[2])

    # then each sees their result (no code until revealed), in one or two queries more than before selection
    code = Code.objects.filter(entry=entries[0]).order_by("date_assigned", "id").first()
    assert selected["entry"]["attributes"]["selection"] == {
        "status": "selected",
        "marketId": code.market_id,
        "marketName": code.market.name,
        "code": None,
        "codeRevealed": False,
        "assigned": selected["entry"]["date"]["selected"],
    }
    assert selected["eligibility"] == {"isEligible": True, "reason": "SELECTED"}
    assert waitlisted["entry"]["attributes"]["selection"] == {
        "status": "waitlisted",
        "marketIds": [markets[0].pk, markets[1].pk],
    }
    assert waitlisted["eligibility"] == {"isEligible": True, "reason": "WAITLISTED"}
    # fan, campaign, locales, markets, entry + the fan's code (+ their waitlist outcomes when none)
    assert (selected_queries, waitlisted_queries) == (6, 7)
