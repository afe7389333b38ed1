"""Phone confirmation: the verification service, submitConfirm and the receipt email (catalog §3.6.3, §3.11)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Fan
from conftest import run_concurrently
from entries.models import Entry, PhoneVerification
from entries.services.phone_confirmation import issue_phone_jwt, submit_confirm
from monoql import sms
from monoql.errors import Forbidden

pytestmark = pytest.mark.django_db(transaction=True)  # receipts are queued on commit

UPSERT = """
mutation R($c: String!, $e: JSON!) { upsertViewerEntry(campaignId: $c, locale: "en_US", entry: $e) { isLoggedIn } }
"""
SEND = "mutation S($c: String!, $p: String!) { sendPhoneConfirmationCode(campaignId: $c, phone: $p) }"
VERIFY = (
    "mutation V($c: String!, $p: String!, $code: String!) "
    "{ verifyPhoneConfirmationCode(campaignId: $c, phone: $p, code: $code) }"
)
CONFIRM = "mutation C($c: String!, $j: String!) { submitConfirm(campaignId: $c, phoneJwt: $j) }"
PHONE = "+12125550123"


@pytest.fixture(autouse=True)
def _sms_outbox(settings):
    settings.SMS_BACKEND = "monoql.sms.LocmemSmsBackend"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def confirm_campaign(demo_campaign):
    demo_campaign.options = {**(demo_campaign.options or {}), "promptConfirmPhone": True}
    demo_campaign.save()
    return demo_campaign


def _register(gql, token, campaign, phone=PHONE, email="fan@example.com"):
    market = campaign.markets.order_by("name").first().pk
    body = gql.execute(UPSERT, {"c": campaign.pk, "e": {"email": email, "phone": phone, "market": market}}, token=token)
    assert "errors" not in body, body


def _code_from_sms():
    return re.match(r"(\d{6}) is your verification code", sms.outbox[-1].text).group(1)


def _jwt(campaign, fan, phone=PHONE, expires_in=600):
    return issue_phone_jwt(
        phone=phone, campaign_id=campaign.pk, fan_id=fan.pk, expires=timezone.now() + timedelta(seconds=expires_in)
    )


def test_full_flow_confirms_the_phone_and_sends_one_receipt(gql, sign_in, confirm_campaign, mailoutbox):
    # given: a registered fan on a campaign that asks for phone confirmation
    token = sign_in()
    _register(gql, token, confirm_campaign)
    assert mailoutbox == []
    # when: a code is texted, checked, and the token submitted
    sent = gql.execute(SEND, {"c": confirm_campaign.pk, "p": "(212) 555-0123"}, token=token)
    verified = gql.execute(VERIFY, {"c": confirm_campaign.pk, "p": PHONE, "code": _code_from_sms()}, token=token)
    confirmed = gql.execute(
        CONFIRM,
        {"c": confirm_campaign.pk, "j": verified["data"]["verifyPhoneConfirmationCode"]["phoneJwt"]},
        token=token,
    )
    again = gql.execute(
        CONFIRM,
        {"c": confirm_campaign.pk, "j": verified["data"]["verifyPhoneConfirmationCode"]["phoneJwt"]},
        token=token,
    )
    # then
    assert sent["data"]["sendPhoneConfirmationCode"]["phone"] == PHONE
    assert len(sms.outbox) == 1 and sms.outbox[0].to == PHONE
    entry = Entry.objects.get()
    assert entry.confirmed_phone == PHONE and entry.date_phone_confirmed is not None
    assert confirmed["data"]["submitConfirm"] == again["data"]["submitConfirm"]
    assert confirmed["data"]["submitConfirm"]["phone"] == PHONE
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["fan@example.com"]
    assert entry.date_receipt is not None


def test_wrong_codes_count_down_then_lock_the_code(gql, sign_in, confirm_campaign, settings):
    # given
    settings.PHONE_CODE_MAX_ATTEMPTS = 3
    token = sign_in()
    gql.execute(SEND, {"c": confirm_campaign.pk, "p": PHONE}, token=token)
    right = _code_from_sms()
    wrong = "000000" if right != "000000" else "111111"
    # when
    answers = [
        gql.execute(VERIFY, {"c": confirm_campaign.pk, "p": PHONE, "code": wrong}, token=token) for _ in range(3)
    ]
    locked = gql.execute(VERIFY, {"c": confirm_campaign.pk, "p": PHONE, "code": right}, token=token)
    # then
    assert [a["errors"][0]["extensions"] for a in answers] == [
        {"code": "VALIDATION_ERROR", "reason": "PHONE_CODE_INVALID", "field": "code", "attemptsLeft": n}
        for n in (2, 1, 0)
    ]
    assert locked["errors"][0]["extensions"] == {"code": "RATE_LIMITED", "reason": "TOO_MANY_ATTEMPTS", "field": "code"}
    assert PhoneVerification.objects.get().date_verified is None


def test_an_expired_code_is_refused(gql, sign_in, confirm_campaign):
    # given
    token = sign_in()
    gql.execute(SEND, {"c": confirm_campaign.pk, "p": PHONE}, token=token)
    PhoneVerification.objects.update(date_expires=timezone.now() - timedelta(seconds=1))
    # when
    body = gql.execute(VERIFY, {"c": confirm_campaign.pk, "p": PHONE, "code": _code_from_sms()}, token=token)
    # then
    assert body["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "reason": "PHONE_CODE_EXPIRED",
        "field": "code",
    }


def test_sends_are_limited_per_hour(gql, sign_in, confirm_campaign, settings):
    # given
    settings.PHONE_CODE_MAX_SENDS_PER_HOUR = 2
    token = sign_in()
    # when
    answers = [gql.execute(SEND, {"c": confirm_campaign.pk, "p": PHONE}, token=token) for _ in range(3)]
    # then
    assert ["errors" in a for a in answers] == [False, False, True]
    assert answers[2]["errors"][0]["extensions"] == {
        "code": "RATE_LIMITED",
        "reason": "TOO_MANY_CODES",
        "field": "phone",
    }
    assert len(sms.outbox) == 2


def test_a_new_code_replaces_the_pending_one(gql, sign_in, confirm_campaign):
    # given: two codes sent
    token = sign_in()
    gql.execute(SEND, {"c": confirm_campaign.pk, "p": PHONE}, token=token)
    first = _code_from_sms()
    gql.execute(SEND, {"c": confirm_campaign.pk, "p": PHONE}, token=token)
    second = _code_from_sms()
    # when
    old = gql.execute(VERIFY, {"c": confirm_campaign.pk, "p": PHONE, "code": first}, token=token)
    new = gql.execute(VERIFY, {"c": confirm_campaign.pk, "p": PHONE, "code": second}, token=token)
    # then
    assert first == second or old["errors"][0]["extensions"]["reason"] == "PHONE_CODE_INVALID"
    assert "errors" not in new


@pytest.mark.parametrize(
    "case, reason, code",
    [
        ("garbled", "INVALID_PHONE_JWT", "VALIDATION_ERROR"),
        ("wrong key", "INVALID_PHONE_JWT", "VALIDATION_ERROR"),
        ("expired", "PHONE_JWT_EXPIRED", "VALIDATION_ERROR"),
        ("other campaign", "CAMPAIGN_MISMATCH", "VALIDATION_ERROR"),
        ("other phone", "PHONE_MISMATCH", "VALIDATION_ERROR"),
    ],
)
def test_bad_tokens_are_refused_and_change_nothing(gql, sign_in, confirm_campaign, mailoutbox, case, reason, code):
    # given
    token = sign_in()
    _register(gql, token, confirm_campaign)
    fan = Fan.objects.get(email="fan@example.com")
    phone_jwt = {
        "garbled": lambda: "not-a-token",
        "wrong key": lambda: _jwt(confirm_campaign, fan)[:-4] + "AAAA",
        "expired": lambda: _jwt(confirm_campaign, fan, expires_in=-10),
        "other campaign": lambda: issue_phone_jwt(
            phone=PHONE, campaign_id="0" * 24, fan_id=fan.pk, expires=timezone.now() + timedelta(minutes=5)
        ),
        "other phone": lambda: _jwt(confirm_campaign, fan, phone="+12125550199"),
    }[case]()
    before = Entry.objects.values().get()
    # when
    body = gql.execute(CONFIRM, {"c": confirm_campaign.pk, "j": phone_jwt}, token=token)
    # then
    assert body["errors"][0]["extensions"] == {"code": code, "reason": reason, "field": "phoneJwt"}
    assert Entry.objects.values().get() == before
    assert mailoutbox == []


def test_confirm_without_an_entry_is_not_found(gql, sign_in, confirm_campaign):
    token = sign_in()
    fan = Fan.objects.get(email="fan@example.com")
    body = gql.execute(CONFIRM, {"c": confirm_campaign.pk, "j": _jwt(confirm_campaign, fan)}, token=token)
    assert body["errors"][0]["extensions"] == {"code": "NOT_FOUND", "reason": "ENTRY_NOT_FOUND", "field": "campaignId"}


def test_anonymous_callers_cannot_confirm(gql, confirm_campaign):
    body = gql.execute(CONFIRM, {"c": confirm_campaign.pk, "j": "x"})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_phone_confirmed_by_another_fan_is_refused(gql, sign_in, confirm_campaign):
    # given: two fans registered with the same phone; the first confirmed it
    first, second = sign_in("a@example.com"), sign_in("b@example.com")
    _register(gql, first, confirm_campaign, email="a@example.com")
    _register(gql, second, confirm_campaign, email="b@example.com")
    fan_a, fan_b = Fan.objects.get(email="a@example.com"), Fan.objects.get(email="b@example.com")
    assert "errors" not in gql.execute(
        CONFIRM, {"c": confirm_campaign.pk, "j": _jwt(confirm_campaign, fan_a)}, token=first
    )
    # when
    body = gql.execute(CONFIRM, {"c": confirm_campaign.pk, "j": _jwt(confirm_campaign, fan_b)}, token=second)
    # then
    assert body["errors"][0]["extensions"] == {
        "code": "FORBIDDEN",
        "reason": "phoneAlreadyConfirmed",
        "field": "phoneJwt",
    }
    assert Entry.objects.get(fan=fan_b).date_phone_confirmed is None


def test_concurrent_confirmations_of_one_phone_let_exactly_one_fan_win(
    require_postgres, confirm_campaign, transactional_db
):
    # given: 8 fans registered with the same phone
    market = confirm_campaign.markets.first()
    fans = []
    for n in range(8):
        fan = Fan.objects.create(global_user_id=f"g-{n}", email=f"f{n}@example.com")
        Entry.objects.create(campaign=confirm_campaign, fan=fan, fields={"phone": PHONE}, phone=PHONE, market_0=market)
        fans.append(fan)
    tokens = [_jwt(confirm_campaign, fan) for fan in fans]

    # when
    def confirm(n):
        return submit_confirm(campaign_id=confirm_campaign.pk, fan=fans[n], phone_jwt=tokens[n])

    results, errors = run_concurrently(8, confirm)
    # then
    assert len(results) == 1
    assert len(errors) == 7 and all(isinstance(e, Forbidden) and e.reason == "phoneAlreadyConfirmed" for e in errors)
    assert Entry.objects.filter(confirmed_phone=PHONE).count() == 1


def test_changing_the_phone_resets_confirmation(gql, sign_in, confirm_campaign):
    # given: a confirmed entry
    token = sign_in()
    _register(gql, token, confirm_campaign)
    fan = Fan.objects.get(email="fan@example.com")
    gql.execute(CONFIRM, {"c": confirm_campaign.pk, "j": _jwt(confirm_campaign, fan)}, token=token)
    assert Entry.objects.get().date_phone_confirmed is not None
    # when: the same phone in another spelling, then a new phone
    gql.execute(UPSERT, {"c": confirm_campaign.pk, "e": {"phone": "212-555-0123"}}, token=token)
    same = Entry.objects.get()
    gql.execute(UPSERT, {"c": confirm_campaign.pk, "e": {"phone": "+12125550188"}}, token=token)
    changed = Entry.objects.get()
    # then
    assert same.date_phone_confirmed is not None and same.confirmed_phone == PHONE
    assert changed.date_phone_confirmed is None and changed.confirmed_phone is None


def test_mexican_521_and_52_numbers_are_one_phone(gql, sign_in, confirm_campaign):
    # given: a campaign accepting international phones; the fan registers with +521…
    confirm_campaign.options = {**confirm_campaign.options, "allowIntlPhones": True}
    confirm_campaign.save()
    token = sign_in()
    _register(gql, token, confirm_campaign, phone="+5215512345678")
    fan = Fan.objects.get(email="fan@example.com")
    # when: the token carries the +52 spelling
    body = gql.execute(
        CONFIRM, {"c": confirm_campaign.pk, "j": _jwt(confirm_campaign, fan, phone="+525512345678")}, token=token
    )
    # then
    assert "errors" not in body, body
    assert Entry.objects.get().phone == "+525512345678"


def test_receipt_is_sent_once_at_creation_when_no_confirmation_is_needed(gql, sign_in, demo_campaign, mailoutbox):
    # given: French email copy on the campaign
    fr = demo_campaign.locales.get(locale="fr_CA")
    fr.content = {
        **fr.content,
        "email": {
            "subject": {"receipt": "Vous êtes inscrit"},
            "template": {"receipt": "Merci!"},
            "from": {"name": "Metallica VF", "account": "vf@example.com"},
        },
    }
    fr.save()
    token = sign_in()
    market = demo_campaign.markets.order_by("name").first()
    # when: the fan registers in French, then updates the entry
    gql.execute(
        UPSERT.replace('"en_US"', '"fr_CA"'),
        {"c": demo_campaign.pk, "e": {"email": "fan@example.com", "phone": PHONE, "market": market.pk}},
        token=token,
    )
    gql.execute(
        UPSERT.replace('"en_US"', '"fr_CA"'), {"c": demo_campaign.pk, "e": {"phone": "+12125550177"}}, token=token
    )
    # then
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["fan@example.com"]
    assert message.subject == "Vous êtes inscrit"
    assert message.from_email == "Metallica VF <vf@example.com>"
    assert message.body.startswith("Merci!\n")
    assert f"1. {market.name}" in message.body


def test_receipt_falls_back_to_the_default_locale_copy(gql, sign_in, demo_campaign, mailoutbox):
    # given: only the default (en_US) locale has email copy
    en = demo_campaign.locales.get(locale="en_US")
    en.content = {**en.content, "email": {"subject": {"receipt": "You are in"}}}
    en.save()
    fr = demo_campaign.locales.get(locale="fr_CA")
    fr.content = {key: value for key, value in fr.content.items() if key != "email"}
    fr.save()
    token = sign_in()
    market = demo_campaign.markets.first()
    # when
    gql.execute(
        UPSERT.replace('"en_US"', '"fr_CA"'),
        {"c": demo_campaign.pk, "e": {"email": "fan@example.com", "phone": PHONE, "market": market.pk}},
        token=token,
    )
    # then
    assert [m.subject for m in mailoutbox] == ["You are in"]
