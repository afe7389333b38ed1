"""Outbound messages (issue 24, point 2): automated presale reminders reach the selected fans, in their
language, once per fan and market — even with two senders at once — and the market notification endpoints
of catalog §2.1 (``GET /markets/upcoming``, ``POST /markets/notifyDate``)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from campaigns.models import Campaign, CampaignStatus, Market, OutboundEvent
from codes.models import Code
from conftest import run_concurrently, session_token_for
from entries.models import Entry
from entries.selection.models import ReminderDelivery
from entries.selection.services.reminders import send_presale_reminders
from entries.selection.tests.selection_factory import add_codes, add_entries
from monoql.audit import Actor

NOW = timezone.now().replace(microsecond=0)

BEAT = Actor.beat("test beat")


def _world(selected=2):
    """A campaign with automated reminders, a Montréal market whose presale starts in 3 h, ``selected`` fans
    holding a code of it (the first in fr_CA) and one fan without a code."""
    campaign = Campaign.objects.create(name="Tour", status=CampaignStatus.CLOSED, options={"automatedReminders": True})
    market = Market.objects.create(
        campaign=campaign,
        name="Montréal",
        city="Montréal",
        timezone="America/Toronto",
        event_ids=["1"],
        event_presale_date_time=NOW + timedelta(hours=3),
        event_venue_name="Centre Bell",
        event_link="https://tm.example/mtl",
    )
    entries = add_entries(campaign, [((market.pk,), 0.5, True)] * (selected + 1))
    Entry.objects.filter(pk=entries[0].pk).update(locale="fr_CA")
    add_codes(campaign, selected)
    for entry, code in zip(entries[:selected], Code.objects.filter(campaign=campaign).order_by("code"), strict=True):
        Code.objects.filter(pk=code.pk).update(entry=entry, fan=entry.fan, market=market, date_assigned=NOW)
    return campaign, market, entries


@pytest.mark.django_db
def test_a_market_entering_the_reminder_window_reminds_its_selected_fans_once_in_their_language(settings, capsys):
    # given the console email backend, and a market whose presale starts in 3 h
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    campaign, market, entries = _world()
    # when the beat runs twice
    first = send_presale_reminders(now=NOW, actor=BEAT)
    second = send_presale_reminders(now=NOW + timedelta(minutes=15), actor=BEAT)
    # then each selected fan got one reminder, the French-speaking one in French with their code
    printed = capsys.readouterr().out
    assert (first["sent"], second["sent"]) == (2, 0)
    when = (NOW + timedelta(hours=3)).astimezone(ZoneInfo("America/Toronto")).strftime("%Y-%m-%d %H:%M %Z")
    french, english = (Code.objects.get(entry=entry).code for entry in entries[:2])
    assert printed.count(f"La prévente Tour pour Montréal (Centre Bell) commence le {when}.") == 1
    assert printed.count(f"Votre code d'accès : {french}") == 1
    assert printed.count(f"The Tour presale for Montréal (Centre Bell) starts {when}.") == 1
    assert printed.count(f"Your access code: {english}") == 1
    assert printed.count(f"To: {entries[2].email}") == 0  # no code, no reminder
    assert ReminderDelivery.objects.filter(market=market, date_sent__isnull=False).count() == 2
    assert Market.objects.get(pk=market.pk).notification_notified is not None
    assert OutboundEvent.objects.filter(event_type="market.presaleReminder", market_id=market.pk).count() == 1


@pytest.mark.django_db
def test_markets_outside_the_window_or_without_automated_reminders_are_not_reminded():
    campaign, market, _ = _world()
    Market.objects.filter(pk=market.pk).update(event_presale_date_time=NOW + timedelta(hours=28))
    assert send_presale_reminders(now=NOW, actor=BEAT) == {"markets": [], "sent": 0}
    Campaign.objects.filter(pk=campaign.pk).update(options={})
    Market.objects.filter(pk=market.pk).update(event_presale_date_time=NOW + timedelta(hours=3))
    assert send_presale_reminders(now=NOW, actor=BEAT) == {"markets": [], "sent": 0}
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_senders_remind_each_fan_once(require_postgres):
    # given 40 selected fans of a due market
    _, market, _ = _world(selected=40)
    # when two beat runs race
    results, errors = run_concurrently(2, lambda n: send_presale_reminders(now=NOW, actor=BEAT)["sent"])
    # then 40 emails in all, one per fan
    assert errors == []
    assert sum(results) == 40
    assert len(mail.outbox) == 40 and len({message.to[0] for message in mail.outbox}) == 40
    assert ReminderDelivery.objects.filter(market=market).count() == 40


@pytest.mark.django_db
def test_notify_date_sets_when_the_reminder_goes_and_upcoming_lists_the_window():
    campaign, market, _ = _world()
    supreme = {"HTTP_AUTHORIZATION": f"Bearer {session_token_for('supreme')}"}
    upcoming = Client().get("/api/campaigns/markets/upcoming", **supreme)
    assert upcoming.status_code == 200 and [m["id"] for m in upcoming.json()] == [market.pk]
    later = (NOW + timedelta(hours=1)).isoformat()
    answer = Client().post(
        "/api/campaigns/markets/notifyDate",
        {"marketIds": [market.pk], "notificationDate": later},
        content_type="application/json",
        **supreme,
    )
    assert answer.json() == {"count": 1}
    # the reminder now waits for its date
    assert send_presale_reminders(now=NOW, actor=BEAT)["sent"] == 0
    assert send_presale_reminders(now=NOW + timedelta(hours=1), actor=BEAT)["sent"] == 2
    refused = Client().post(
        "/api/campaigns/markets/notifyDate",
        {"marketIds": [market.pk], "notificationDate": "2026-01-01T10:00:00"},
        content_type="application/json",
        **supreme,
    )
    assert refused.status_code == 400 and refused.json()["reason"] == "INVALID_DATE"
    fan = Client().get("/api/campaigns/markets/upcoming", HTTP_AUTHORIZATION=f"Bearer {session_token_for('fan')}")
    assert fan.status_code == 403
