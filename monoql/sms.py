"""Pluggable SMS backends, chosen by ``settings.SMS_BACKEND`` (like Django's email backends).

``ConsoleSmsBackend`` (default) writes messages to stdout; ``LocmemSmsBackend`` keeps them in
``monoql.sms.outbox`` for tests; ``WebhookSmsBackend`` POSTs the TM SMS service message shape
``{to: {phoneNumber}, text, messageId, appId}`` (catalog §3.11) as JSON to ``settings.SMS_WEBHOOK_URL``.
"""

import sys
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils.module_loading import import_string

outbox: list["SmsMessage"] = []


@dataclass(frozen=True)
class SmsMessage:
    """One text message: ``to`` in E.164, ``text``, and a ``message_id`` for tracing."""

    to: str
    text: str
    message_id: str


class BaseSmsBackend(ABC):
    """Send one message; raise on failure."""

    @abstractmethod
    def send(self, message: SmsMessage) -> None:
        """Deliver ``message`` or raise."""


class ConsoleSmsBackend(BaseSmsBackend):
    """Print the message (development default)."""

    def send(self, message: SmsMessage) -> None:
        sys.stdout.write(f"SMS to {message.to} [{message.message_id}]: {message.text}\n")
        sys.stdout.flush()


class LocmemSmsBackend(BaseSmsBackend):
    """Append to ``monoql.sms.outbox`` (tests)."""

    def send(self, message: SmsMessage) -> None:
        outbox.append(message)


class WebhookSmsBackend(BaseSmsBackend):
    """POST the message to an SMS gateway; a non-2xx answer raises ``requests.HTTPError``."""

    def send(self, message: SmsMessage) -> None:
        response = requests.post(
            settings.SMS_WEBHOOK_URL,
            json={
                "to": {"phoneNumber": message.to},
                "text": message.text,
                "messageId": message.message_id,
                "appId": "monoql",
            },
            timeout=5,
        )
        response.raise_for_status()


def send_sms(to: str, text: str) -> SmsMessage:
    """Send ``text`` to ``to`` (E.164) through the configured backend; returns the message sent."""
    message = SmsMessage(to=to, text=text, message_id=uuid.uuid4().hex)
    import_string(settings.SMS_BACKEND)().send(message)
    return message
