"""Automated presale reminders (catalog §2.1, §3.11; decisions.md "Outbound messages and privacy").

The beat (``entries.send_presale_reminders``, every 15 minutes) takes every market whose reminder is due
(``campaigns.services.markets.markets_due_for_reminder``: its ``notificationDate`` has come, or its presale
starts within [now + 2 h, now + 27 h]; campaigns with ``options.automatedReminders``), and emails each fan
holding an assigned code of the market — the selected fans, who can buy — a reminder in their locale with
their code and the presale time in the market's time zone. Each fan and market is claimed once by an
``INSERT … ON CONFLICT DO NOTHING RETURNING`` into ``ReminderDelivery`` before the email goes, so two senders
at once never remind a fan twice. The market is then stamped notified with its outbound event.
"""

import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone

from campaigns.models import Market
from campaigns.services.markets import markets_due_for_reminder, notify_upcoming_presales
from codes.models import Code
from entries.selection.models import ReminderDelivery
from monoql.audit import Actor

logger = logging.getLogger("monoql.reminders")

SEND_TASK = "entries.send_presale_reminders"

#: Reminder texts by language (the fan's locale's first part; English otherwise).
TEXTS = {
    "en": {
        "subject": "{campaign}: the presale for {market} starts {when}",
        "body": "The {campaign} presale for {market} ({venue}) starts {when}.\n\nYour access code: {code}\n\n{link}\n",
    },
    "fr": {
        "subject": "{campaign} : la prévente pour {market} commence le {when}",
        "body": "La prévente {campaign} pour {market} ({venue}) commence le {when}.\n\n"
        "Votre code d'accès : {code}\n\n{link}\n",
    },
    "es": {
        "subject": "{campaign}: la preventa para {market} empieza el {when}",
        "body": "La preventa de {campaign} para {market} ({venue}) empieza el {when}.\n\n"
        "Tu código de acceso: {code}\n\n{link}\n",
    },
}

_CLAIM_SQL = f"""
    INSERT INTO {ReminderDelivery._meta.db_table} (market_id, entry_id, date_created, error)
    SELECT c.market_id, c.entry_id, %s, ''
    FROM codes_code AS c
    WHERE c.market_id = %s AND c.entry_id IS NOT NULL AND c.date_assigned IS NOT NULL
    ON CONFLICT (market_id, entry_id) DO NOTHING
    RETURNING entry_id
"""  # noqa: S608 - the table name is the model's


def reminder_message(market: Market, locale: str, code: str, email: str) -> EmailMessage:
    """The reminder email of one fan: subject and body in the fan's language, the presale time in the market's
    time zone (``YYYY-MM-DD HH:MM TZ``)."""
    texts = TEXTS.get((locale or "en").split("_")[0].split("-")[0].lower(), TEXTS["en"])
    start = market.event_presale_date_time
    zone = ZoneInfo(market.timezone) if market.timezone else ZoneInfo("UTC")
    when = start.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if start else ""
    values = {
        "campaign": market.campaign.name,
        "market": market.name,
        "venue": market.event_venue_name or market.city,
        "when": when,
        "code": code,
        "link": market.event_link,
    }
    return EmailMessage(
        texts["subject"].format(**values), texts["body"].format(**values), settings.DEFAULT_FROM_EMAIL, [email]
    )


def _claim(market: Market, now) -> list[int]:
    """Claim one delivery per fan of the market not reminded yet; returns their entry ids (committed)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, [now, market.pk])
        return [entry_id for (entry_id,) in cursor.fetchall()]


def remind_market(market: Market, now=None) -> int:
    """Email the reminder to every fan of ``market`` holding an assigned code who has not had it; returns how
    many emails were handed to the email backend (a failed one keeps its error on its delivery row)."""
    now = now or timezone.now()
    entry_ids = _claim(market, now)
    sent = 0
    deliveries = (
        ReminderDelivery.objects.filter(market=market, entry_id__in=entry_ids)
        .select_related("entry__fan")
        .order_by("entry_id")
    )
    codes = dict(
        Code.objects.filter(market=market, entry_id__in=entry_ids, date_assigned__isnull=False).values_list(
            "entry_id", "code"
        )
    )
    for delivery in deliveries:
        entry = delivery.entry
        email = entry.email or entry.fan.email
        if not email:
            ReminderDelivery.objects.filter(pk=delivery.pk).update(error="no email address")
            continue
        try:
            reminder_message(market, entry.locale, codes.get(entry.pk, ""), email).send()
        except Exception as error:
            logger.warning("reminder to a fan of market %s failed", market.pk, exc_info=True)
            ReminderDelivery.objects.filter(pk=delivery.pk).update(error=f"{type(error).__name__}: {error}"[:2000])
            continue
        ReminderDelivery.objects.filter(pk=delivery.pk).update(date_sent=timezone.now())
        sent += 1
    return sent


def send_presale_reminders(*, actor: Actor, now=None) -> dict:
    """Beat: remind the fans of every due market, then stamp those markets notified (with their outbound
    event; ``actor``: the beat, written on each market's audit-log row). Returns ``{"markets": [ids], "sent": emails}``."""
    now = now or timezone.now()
    markets = list(markets_due_for_reminder(now))
    sent = sum(remind_market(market, now) for market in markets)
    notify_upcoming_presales(actor=actor, now=now)
    return {"markets": [market.pk for market in markets], "sent": sent}
