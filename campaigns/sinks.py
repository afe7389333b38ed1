"""Where outbound events go (catalog §3.12): pluggable sinks chosen by ``OUTBOUND_SINKS``.

- ``log``: one JSON log line per event (default).
- ``webhook``: ``POST OUTBOUND_WEBHOOK_URL`` with the event as JSON, signed with
  ``X-Monoql-Signature: sha256=<hmac>`` when ``OUTBOUND_WEBHOOK_SECRET`` is set.
- ``sqs``: ``SendMessage`` to ``OUTBOUND_SQS_QUEUE_URL`` through boto3.
- Slack: when ``SLACK_WEBHOOK_URL`` is set, a message when a campaign opens, unless the campaign's
  ``slack.noAlert`` is true.
A sink raises on failure; the drain keeps the event for a retry.
"""

import hashlib
import hmac
import json
import logging

import requests
from django.conf import settings

logger = logging.getLogger("monoql.outbound")


def event_document(event) -> dict:
    """Return the JSON document sent for an OutboundEvent: ``{id, type, campaignId, marketId, date, payload}``."""
    return {
        "id": event.pk,
        "type": event.event_type,
        "campaignId": event.campaign_id,
        "marketId": event.market_id or None,
        "date": event.date_created.isoformat().replace("+00:00", "Z"),
        "payload": event.payload,
    }


class LogSink:
    """Log each event as one structured line."""

    def send(self, event) -> None:
        logger.info("outbound event", extra={"outbound": event_document(event)})


class WebhookSink:
    """POST each event to a URL; non-2xx answers raise."""

    def __init__(self, url: str, secret: str = "", timeout: float = 5.0):
        self.url, self.secret, self.timeout = url, secret, timeout

    def send(self, event) -> None:
        body = json.dumps(event_document(event), sort_keys=True).encode()
        headers = {"Content-Type": "application/json"}
        if self.secret:
            digest = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Monoql-Signature"] = f"sha256={digest}"
        response = requests.post(self.url, data=body, headers=headers, timeout=self.timeout)
        response.raise_for_status()


class SqsSink:
    """Send each event to an SQS queue (boto3, credentials from the environment)."""

    def __init__(self, queue_url: str, region: str | None = None, endpoint_url: str | None = None):
        import boto3

        self.queue_url = queue_url
        self.client = boto3.client("sqs", region_name=region, endpoint_url=endpoint_url)

    def send(self, event) -> None:
        self.client.send_message(QueueUrl=self.queue_url, MessageBody=json.dumps(event_document(event)))


class SlackOpenedSink:
    """Post to a Slack incoming webhook when a campaign opens, or was due to open and was refused."""

    def __init__(self, url: str, timeout: float = 5.0):
        self.url, self.timeout = url, timeout

    def send(self, event) -> None:
        payload = event.payload or {}
        if event.event_type == "campaign.openRefused":
            missing = ", ".join(payload.get("missing") or [])
            text = (
                f":warning: Campaign *{payload.get('name', event.campaign_id)}* was due to open but stays "
                f"{payload.get('status', 'unopened')}: it misses {missing}"
            )
            response = requests.post(self.url, json={"text": text}, timeout=self.timeout)
            response.raise_for_status()
            return
        if event.event_type != "campaign.statusChanged" or payload.get("to") != "OPEN" or payload.get("noAlert"):
            return
        text = f":tada: Campaign *{payload.get('name', event.campaign_id)}* is now OPEN"
        if payload.get("domain"):
            text += f" on https://{payload['domain']}"
        response = requests.post(self.url, json={"text": text}, timeout=self.timeout)
        response.raise_for_status()


def configured_sinks() -> list:
    """Build the sinks named in settings (``OUTBOUND_SINKS``, default ``["log"]``) plus Slack when configured."""
    sinks = []
    for name in settings.OUTBOUND_SINKS:
        if name == "log":
            sinks.append(LogSink())
        elif name == "webhook" and settings.OUTBOUND_WEBHOOK_URL:
            sinks.append(WebhookSink(settings.OUTBOUND_WEBHOOK_URL, settings.OUTBOUND_WEBHOOK_SECRET))
        elif name == "sqs" and settings.OUTBOUND_SQS_QUEUE_URL:
            sinks.append(
                SqsSink(settings.OUTBOUND_SQS_QUEUE_URL, settings.AWS_REGION, settings.OUTBOUND_SQS_ENDPOINT_URL)
            )
    if settings.SLACK_WEBHOOK_URL:
        sinks.append(SlackOpenedSink(settings.SLACK_WEBHOOK_URL))
    return sinks
