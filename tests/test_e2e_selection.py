"""End to end over HTTP on the demo tour: 2,000 fans register, registration closes, staff upload a markets
file and codes, run wave prep and selection, a fan reads their code, and a wave is scheduled and sent."""

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from campaigns.cache import bump_generation
from campaigns.models import Campaign
from codes.models import Code
from conftest import AUTHENTICATE, mint, post_multipart, session_token_for
from entries.models import Entry
from entries.selection.services.waves import send_due_waves

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FANS = 2000
LIMIT = 60
UPSERT = """
mutation Register($campaignId: String!, $entry: JSON!) {
  upsertViewerEntry(campaignId: $campaignId, locale: "en-us", entry: $entry) { isLoggedIn }
}
"""
UPLOAD_PREP_FILE = """
mutation Upload($file: Upload!, $fileSize: Int!, $campaignId: ID!, $dateKey: String!, $type: WavePrepFileType!) {
  uploadWavePrepFile(file: $file, fileSize: $fileSize, campaignId: $campaignId, dateKey: $dateKey, type: $type) {
    name contentType report
  }
}
"""
WAVE_PREPS = """
query Preps($campaignId: ID!) {
  wavePrepList(campaignId: $campaignId) {
    status dateKey path error { message } date { started finished }
    count { name eligible selected waitlisted markets { name eligible selected waitlisted } }
  }
}
"""
FAN_VIEW = """
{ viewer { campaign(domain: "metallica.localhost") { ... on RegistrationCampaign {
  entry { date attributes } eligibility { isEligible reason } } } } }
"""
UPLOAD_WAVE = """
mutation Wave($file: Upload, $fileSize: Int, $fileName: String!, $config: WaveConfigInput!) {
  uploadWave(file: $file, fileSize: $fileSize, fileName: $fileName, config: $config)
}
"""
WAVES = "query Waves($campaignId: ID) { waveList(campaignId: $campaignId) { name status totalLimit date { notify } } }"


def _data(response):
    body = response.json() if hasattr(response, "json") else response
    assert "errors" not in body, body
    return body["data"]


def test_demo_registration_to_wave(gql, demo_campaign, settings, capsys):
    settings.SMS_BACKEND = "monoql.sms.ConsoleSmsBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    campaign_id = demo_campaign.pk
    markets = [m["id"] for m in _data(gql.execute('{ viewer { campaign(domain: "metallica.localhost") { markets { id } } } }'))["viewer"]["campaign"]["markets"]]  # fmt: skip
    assert len(markets) == 16

    # given 2,000 fans, each from their own address, registered with three ranked markets
    tokens = {}
    for n in range(FANS):
        address = {"REMOTE_ADDR": f"10.{n // 60000}.{n // 250 % 240}.{n % 250 + 1}"}
        auth = gql.execute(AUTHENTICATE, {"token": mint(f"fan{n}@example.com")}, headers=address)
        tokens[n] = auth["data"]["authenticate"]["auth"]["token"]
        ranked = [markets[(n + k * 5) % 16] for k in range(3)]
        entry = {
            "email": f"fan{n}@example.com",
            "phone": f"+1212555{n:04d}",
            "market": ranked[0],
            "optional_markets": ranked[1:],
        }
        _data(gql.execute(UPSERT, {"campaignId": campaign_id, "entry": entry}, token=tokens[n], headers=address))
    assert Entry.objects.filter(campaign_id=campaign_id).count() == FANS

    # and registration closes
    Campaign.objects.filter(pk=campaign_id).update(date_close=timezone.now() - timedelta(minutes=1))
    call_command("refresh_campaign_statuses")
    assert Campaign.objects.get(pk=campaign_id).status == "CLOSED"

    # when staff with the select action upload a markets file (60 places each) and 1,000 codes
    staff = session_token_for("selector", demo_campaign)
    markets_file = "market_id,limit\n" + "".join(f"{market},{LIMIT}\n" for market in markets)
    variables = {"campaignId": campaign_id, "dateKey": "20261120", "fileSize": len(markets_file), "type": "markets"}
    upload = _data(post_multipart(UPLOAD_PREP_FILE, variables, markets_file.encode(), token=staff))
    assert upload["uploadWavePrepFile"]["report"] == {"rows": 16, "markets": 16}
    codes_file = "code\n" + "".join(f"MET{n:05d}\n" for n in range(1000))
    variables.update(type="tmCodes", fileSize=len(codes_file))
    upload = _data(post_multipart(UPLOAD_PREP_FILE, variables, codes_file.encode(), token=staff))
    assert upload["uploadWavePrepFile"]["report"] == {"in": 1000, "inserted": 1000, "updated": 0}

    # and run a single-market wave prep
    trigger = gql.execute(
        'mutation T($c: ID!) { triggerWavePrep(campaignId: $c, dateKey: "20261120", singleMarket: true) }',
        {"c": campaign_id},
        token=staff,
    )
    assert _data(trigger)["triggerWavePrep"]["status"] == "TRIGGERED"
    (prep,) = _data(gql.execute(WAVE_PREPS, {"campaignId": campaign_id}, token=staff))["wavePrepList"]

    # then it finished: 960 places filled out of 2,000 eligible fans, the rest waitlisted
    assert prep["status"] == "FINISHED", prep["error"]
    assert (prep["count"]["eligible"], prep["count"]["selected"], prep["count"]["waitlisted"]) == (2000, 960, 1040)
    assert all(market["selected"] == LIMIT for market in prep["count"]["markets"])

    # when selection is applied to every market
    mail.outbox.clear()
    selection = gql.execute(
        "mutation Select($c: ID!, $m: [ID]!) { triggerSelection(campaignId: $c, marketIds: $m) }",
        {"c": campaign_id, "m": markets},
        token=staff,
    )
    assert _data(selection)["triggerSelection"]["status"] == "PENDING"
    stats = gql.execute(
        "query S($c: ID!) { stats(campaignId: $c, type: selection) { marketId status count } }",
        {"c": campaign_id},
        token=session_token_for("reader", demo_campaign),
    )
    assert {stat["status"] for stat in _data(stats)["stats"]} == {"FINISHED"}
    assert Code.objects.filter(campaign_id=campaign_id, date_assigned__isnull=False).count() == 960

    # then a selected fan reads their code once the presale window is open and codes are shown
    Campaign.objects.filter(pk=campaign_id).update(
        options={**demo_campaign.options, "showAccessCode": True},
        date_presale_window_start=timezone.now() - timedelta(hours=1),
        date_presale_window_end=timezone.now() + timedelta(days=1),
    )
    bump_generation()  # the update above bypassed the services, which invalidate cached campaigns
    winner = Code.objects.filter(campaign_id=campaign_id, date_assigned__isnull=False).select_related("fan").first()
    fan_number = int(winner.fan.email.removeprefix("fan").split("@")[0])
    view = _data(gql.execute(FAN_VIEW, token=tokens[fan_number]))["viewer"]["campaign"]
    assert view["entry"]["attributes"]["selection"]["code"] == winner.code
    assert view["entry"]["attributes"]["selection"]["marketId"] == winner.market_id
    assert view["eligibility"] == {"isEligible": True, "reason": "SELECTED"}
    waiting = Entry.objects.filter(campaign_id=campaign_id).exclude(codes__isnull=False).select_related("fan").first()
    waiting_number = int(waiting.fan.email.removeprefix("fan").split("@")[0])
    view = _data(gql.execute(FAN_VIEW, token=tokens[waiting_number]))["viewer"]["campaign"]
    assert view["entry"]["attributes"]["selection"]["status"] == "waitlisted"
    assert len(mail.outbox) == 960  # "you're selected" emails

    # when staff download the prepped zip and schedule its SMS file of the first market as a wave
    zipped = Client().get(prep["path"])
    assert zipped.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(zipped.streaming_content)))
    sms_name = next(name for name in archive.namelist() if name.startswith("sms/"))
    sms_file = archive.read(sms_name)
    assert len(list(csv.DictReader(io.StringIO(sms_file.decode())))) == LIMIT
    notify = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    config = {"campaignId": campaign_id, "generateOfferCode": False, "notifyDate": notify.isoformat()}
    wave = post_multipart(
        UPLOAD_WAVE,
        {"fileName": "first-market.csv", "fileSize": len(sms_file), "config": config},
        sms_file,
        token=staff,
    )
    assert _data(wave)["uploadWave"]["status"] == "scheduled"
    waves = _data(gql.execute(WAVES, {"campaignId": campaign_id}, token=staff))["waveList"]
    assert [(w["name"], w["status"]) for w in waves] == [(f"{campaign_id}_first-market", "scheduled")]

    # and the beat runs once the notify date has come
    mail.outbox.clear()
    capsys.readouterr()
    assert send_due_waves(now=notify + timedelta(minutes=1)) == 1

    # then every fan of that market got an SMS (console backend) with their code and the wave is completed
    waves = _data(gql.execute(WAVES, {"campaignId": campaign_id}, token=staff))["waveList"]
    assert waves[0]["status"] == "completed"
    printed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("SMS to ")]
    assert len(printed) == LIMIT
    first = next(csv.DictReader(io.StringIO(sms_file.decode())))
    assert any(line.startswith(f"SMS to {first['mobileNumber']} ") and first["code"] in line for line in printed)
