"""SMS/email waves (catalog §3.7.3): scheduling rules, channel choice and fallback, code binding
(tiedToAccount, singleUse, generateOfferCode), totalLimit, cancelling, and the beat sending due waves once."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Fan
from codes.models import Code
from conftest import TEST_ACTOR
from entries.selection.models import Wave
from entries.selection.services.waves import cancel_wave, send_due_waves, upload_wave
from entries.selection.tests.selection_factory import add_codes, closed_campaign
from monoql import sms
from monoql.errors import NotFound, ValidationFailed

pytestmark = pytest.mark.django_db

HEADER = "code,doNotText,email,firstName,lastName,link,locale,marketId,globalUserId,mobileNumber,smsText\n"


@pytest.fixture(autouse=True)
def _locmem_sms(settings):
    settings.SMS_BACKEND = "monoql.sms.LocmemSmsBackend"
    sms.outbox.clear()


class FlakySms(sms.LocmemSmsBackend):
    """Keeps messages like the locmem backend, but the SMS service fails for one number."""

    FAILING = "+14155550199"

    def send(self, message):
        if message.to == self.FAILING:
            raise ConnectionError("SMS service down")
        super().send(message)


def _schedule(campaign, rows, name="w1.csv", **config):
    now = timezone.now()
    config = {
        "campaignId": campaign.pk,
        "generateOfferCode": False,
        "notifyDate": (now + timedelta(days=2)).isoformat(),
        **config,
    }
    text = HEADER + "".join(rows)
    return upload_wave(
        stream=io.BytesIO(text.encode()), declared_size=None, file_name=name, config=config, actor=TEST_ACTOR
    )


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run the beat for a wave's notify date; the sending task it queues runs when the block commits."""

    def _send(wave):
        with django_capture_on_commit_callbacks(execute=True) as queued:
            assert send_due_waves(now=wave.date_notify + timedelta(seconds=1)) == 1
        assert len(queued) == 1  # one sending task per claimed wave
        wave.refresh_from_db()
        return wave

    return _send


def test_channels_sms_for_north_america_email_otherwise_and_fallback(settings, send):
    # given recipients: NA mobile, NA mobile marked doNotText, UK mobile, NA mobile whose SMS fails
    campaign, _ = closed_campaign(markets=1)
    failing = FlakySms.FAILING
    settings.SMS_BACKEND = f"{__name__}.FlakySms"
    wave = _schedule(
        campaign,
        [
            "C1,false,a@example.com,A,Fan,https://l.test,en_US,,g1,14155550101,\n",
            "C2,true,b@example.com,B,Fan,,en_US,,g2,+14155550102,\n",
            "C3,false,c@example.com,C,Fan,,en_GB,,g3,+447700900123,\n",
            f"C4,false,d@example.com,D,Fan,,en_US,,g4,{failing},\n",
        ],
    )
    mail.outbox.clear()

    # when the beat sends the due wave
    wave = send(wave)

    # then one SMS went out (number normalised with +), three emails (doNotText, non-NA, SMS failure)
    assert wave.status == "completed"
    assert [(m.to, m.text) for m in sms.outbox] == [
        ("+14155550101", f"{campaign.name}: your presale code is C1 https://l.test")
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["b@example.com", "c@example.com", "d@example.com"]
    assert wave.count["total"] == 4 and wave.count["ok"] == 4 and wave.count["failed"] == 0
    assert wave.count["detail"] == {"sms": {"sent": 1, "failed": 1}, "email": {"sent": 3, "failed": 0}}


def test_codes_are_assigned_tied_to_accounts_and_single_use(send):
    # given codes C1..C3 in the pool, C3 already bound to another fan, and a wave tied to accounts, single use
    campaign, _ = closed_campaign(markets=1)
    for value in ("C1", "C2", "C3"):
        Code.objects.create(campaign=campaign, code=value, type="tm", date_saved=timezone.now())
    fans = {g: Fan.objects.create(global_user_id=g, email=f"{g}@example.com") for g in ("g1", "g2", "g3", "g9")}
    Code.objects.filter(code="C3").update(fan=fans["g9"], date_assigned=timezone.now())
    wave = _schedule(
        campaign,
        [
            "C1,false,g1@example.com,,,,,,g1,,\n",
            "C1,false,g2@example.com,,,,,,g2,,\n",  # second use of C1
            "C3,false,g3@example.com,,,,,,g3,,\n",  # tied to g9
            "C2,false,nobody@example.com,,,,,,unknown,,\n",  # no account
        ],
        tiedToAccount=True,
        singleUse=True,
    )

    # when sent
    wave = send(wave)

    # then only C1 is assigned, to g1; the three refused rows are failed and not sent
    c1 = Code.objects.get(code="C1")
    assert (c1.fan_id, c1.date_assigned is not None) == (fans["g1"].pk, True)
    assert Code.objects.get(code="C2").date_assigned is None
    assert wave.count["codes"] == {
        "assigned": 1,
        "generated": 0,
        "refused": 3,
        "unknown": 0,
        "refusedCodes": [
            {"code": "C1", "reason": "code already used in this wave"},
            {"code": "C3", "reason": "code already used in this campaign"},
            {"code": "C2", "reason": "no account for globalUserId"},
        ],
    }
    assert (wave.count["ok"], wave.count["failed"]) == (1, 3)
    assert [m.to[0] for m in mail.outbox] == ["g1@example.com"]


def test_generate_offer_code_fills_rows_without_code_and_total_limit_caps(send):
    campaign, _ = closed_campaign(markets=1)
    values = add_codes(campaign, 2, prefix="GEN")
    wave = _schedule(
        campaign,
        [f",false,f{n}@example.com,,,,,,,," + "\n" for n in range(5)],
        generateOfferCode=True,
        totalLimit=3,
    )
    mail.outbox.clear()

    wave = send(wave)

    assert wave.count["total"] == 3
    assert wave.count["codes"] == {
        "assigned": 2,
        "generated": 2,
        "refused": 1,
        "unknown": 0,
        "refusedCodes": [{"code": "", "reason": "no code left"}],
    }
    assert sorted(Code.objects.filter(date_assigned__isnull=False).values_list("code", flat=True)) == values
    assert [values[0] in m.body for m in mail.outbox] == [True, False]


def test_notify_date_must_be_a_day_ahead_and_waves_can_be_rescheduled_and_cancelled():
    campaign, _ = closed_campaign(markets=1)
    with pytest.raises(ValidationFailed) as raised:
        _schedule(campaign, ["C1,false,a@example.com,,,,,,,,\n"], notifyDate=timezone.now().isoformat())
    assert (raised.value.reason, raised.value.field) == ("INVALID_NOTIFY_DATE", "config.notifyDate")
    assert Wave.objects.count() == 0

    wave = _schedule(campaign, ["C1,false,a@example.com,,,,,,,,\n"])
    later = (timezone.now() + timedelta(days=5)).replace(microsecond=0)
    moved = upload_wave(
        stream=None,
        declared_size=None,
        file_name="w1.csv",
        config={"campaignId": campaign.pk, "generateOfferCode": False, "notifyDate": later.isoformat()},
        actor=TEST_ACTOR,
    )
    assert (moved.pk, moved.date_notify, moved.rows) == (wave.pk, later, 1)
    assert send_due_waves(now=later - timedelta(minutes=1)) == 0

    cancel_wave(campaign_id=campaign.pk, file_name="w1.csv", actor=TEST_ACTOR)
    assert Wave.objects.count() == 0
    with pytest.raises(NotFound):
        cancel_wave(campaign_id=campaign.pk, file_name="w1.csv", actor=TEST_ACTOR)


def test_a_wave_stuck_past_the_timeout_is_failed_and_a_sent_wave_is_not_sent_again(settings, send):
    from entries.selection.services.waves import fail_stuck_waves, process_wave

    campaign, _ = closed_campaign(markets=1)
    wave = send(_schedule(campaign, ["C1,false,a@example.com,,,,,,,,\n"]))
    assert process_wave(wave.pk).count == wave.count  # completed: untouched
    stuck = _schedule(campaign, ["C1,false,b@example.com,,,,,,,,\n"], name="w2.csv")
    Wave.objects.filter(pk=stuck.pk).update(status="processing", date_started=timezone.now() - timedelta(hours=3))
    assert fail_stuck_waves() == 1
    stuck.refresh_from_db()
    assert (stuck.status, stuck.error) == ("failed", "The worker sending this wave was lost.")


def test_a_wave_being_sent_cannot_be_cancelled_or_changed_and_is_sent_once():
    campaign, _ = closed_campaign(markets=1)
    wave = _schedule(campaign, ["C1,false,a@example.com,,,,,,,,\n"])
    Wave.objects.filter(pk=wave.pk).update(status="processing")
    with pytest.raises(ValidationFailed) as raised:
        cancel_wave(campaign_id=campaign.pk, file_name="w1", actor=TEST_ACTOR)
    assert raised.value.reason == "WAVE_NOT_CANCELLABLE"
    with pytest.raises(ValidationFailed) as raised:
        _schedule(campaign, ["C1,false,a@example.com,,,,,,,,\n"])
    assert raised.value.reason == "WAVE_NOT_SCHEDULED"
    assert send_due_waves(now=wave.date_notify + timedelta(days=1)) == 0


def test_single_use_holds_across_waves(send):
    """catalog §3.7.3 ``singleUse``: a code used once in the campaign is never sent to another fan by a later wave."""
    # Given a code that wave 1 sent to g1
    campaign, _ = closed_campaign(markets=1)
    Code.objects.create(campaign=campaign, code="ONCE", type="tm", date_saved=timezone.now())
    fans = {g: Fan.objects.create(global_user_id=g, email=f"{g}@example.com") for g in ("g1", "g2")}
    first = send(_schedule(campaign, ["ONCE,false,g1@example.com,,,,,,g1,,\n"], singleUse=True))
    assert first.count["codes"]["assigned"] == 1
    mail.outbox.clear()
    # When wave 2 lists the same code for g2 (and for g1 again)
    second = _schedule(
        campaign,
        ["ONCE,false,g2@example.com,,,,,,g2,,\n", "ONCE,false,g1@example.com,,,,,,g1,,\n"],
        singleUse=True,
        name="second.csv",
    )
    second = send(second)
    # Then g2 is refused (listed with why), g1 may be reminded of their own code, and the code stays g1's
    assert second.count["codes"]["refusedCodes"] == [{"code": "ONCE", "reason": "code already used in this campaign"}]
    assert second.count["codes"]["assigned"] == 1
    assert Code.objects.get(code="ONCE").fan_id == fans["g1"].pk
    assert [m.to[0] for m in mail.outbox] == ["g1@example.com"]
