"""Where outbound events go (catalog §3.12): pluggable sinks chosen by ``OUTBOUND_SINKS``.

- ``log``: one JSON log line per event (default).
- ``webhook``: ``POST OUTBOUND_WEBHOOK_URL`` with the event as JSON, signed with
  ``X-Monoql-Signature: sha256=<hmac>`` when ``OUTBOUND_WEBHOOK_SECRET`` is set.
- ``sqs``: ``SendMessage`` to ``OUTBOUND_SQS_QUEUE_URL`` through boto3.
- ``cdn`` (``CdnSink``, when ``CDN_PURGE`` names a CDN): the ``cdn.purge`` events, purged by surrogate key
  (``campaigns.cdn``); the only sink taking them, and taking nothing else.
- Slack (``SlackSink``): when a campaign opens (or was due to and was refused) and the periodic stats posts
  (``campaign.stats``), to the campaign's ``slack.channels.stats`` channels mapped by ``SLACK_CHANNEL_WEBHOOKS``,
  else ``SLACK_WEBHOOK_URL``; never when the campaign's ``slack.noAlert`` is true.
A sink raises on failure; the drain keeps that sink's delivery for a retry (``campaigns.services.outbox``). Each
sink has a ``name`` (its delivery rows carry it) and may say which event types it ``accepts``.
"""

import hashlib
import hmac
import json
import logging

import requests
from django.conf import settings
from django.utils import timezone

from campaigns import cdn
from campaigns.models import Campaign

#: The event type of a CDN purge (payload ``{"keys": [surrogate keys]}``), recorded in the write's transaction.
CDN_PURGE_EVENT = "cdn.purge"

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

    name = "log"

    def send(self, event) -> None:
        logger.info("outbound event", extra={"outbound": event_document(event)})


class WebhookSink:
    """POST each event to a URL; non-2xx answers raise. ``Idempotency-Key: monoql-event-<id>`` lets the receiver
    drop a repeat (a drain that died after the receiver took the event sends it again with the same key)."""

    name = "webhook"

    def __init__(self, url: str, secret: str = "", timeout: float | None = None):
        self.url, self.secret = url, secret
        self.timeout = settings.OUTBOUND_TIMEOUT_SECONDS if timeout is None else timeout

    def send(self, event) -> None:
        body = json.dumps(event_document(event), sort_keys=True).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": f"monoql-event-{event.pk}"}
        if self.secret:
            digest = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Monoql-Signature"] = f"sha256={digest}"
        response = requests.post(self.url, data=body, headers=headers, timeout=self.timeout)
        response.raise_for_status()


class SqsSink:
    """Send each event to an SQS queue (boto3, credentials from the environment)."""

    name = "sqs"

    def __init__(self, queue_url: str, region: str | None = None, endpoint_url: str | None = None):
        import boto3

        self.queue_url = queue_url
        self.client = boto3.client("sqs", region_name=region, endpoint_url=endpoint_url)

    def send(self, event) -> None:
        self.client.send_message(QueueUrl=self.queue_url, MessageBody=json.dumps(event_document(event)))


def slack_targets(campaign_slack: dict | None) -> list[str]:
    """Incoming-webhook URLs for a campaign's Slack options: one per channel of ``channels.stats`` that
    ``SLACK_CHANNEL_WEBHOOKS`` maps (names compared without ``#``, lower-cased), else the global
    ``SLACK_WEBHOOK_URL``; none when ``noAlert`` is true or nothing is configured."""
    options = campaign_slack or {}
    if options.get("noAlert"):
        return []
    mapped = {str(name).lstrip("#").lower(): url for name, url in (settings.SLACK_CHANNEL_WEBHOOKS or {}).items()}
    channels = ((options.get("channels") or {}).get("stats")) or []
    urls = [mapped[name] for name in (str(c).lstrip("#").lower() for c in channels) if name in mapped]
    if urls:
        return list(dict.fromkeys(urls))
    return [settings.SLACK_WEBHOOK_URL] if settings.SLACK_WEBHOOK_URL else []


def slack_text(event) -> str | None:
    """The Slack message of an outbound event, or None for events Slack does not get."""
    payload = event.payload or {}
    name = payload.get("name", event.campaign_id)
    if event.event_type == "campaign.openRefused":
        missing = ", ".join(payload.get("missing") or [])
        return f":warning: Campaign *{name}* was due to open but stays {payload.get('status', 'unopened')}: it misses {missing}"
    if event.event_type == "campaign.statusChanged" and payload.get("to") == "OPEN":
        text = f":tada: Campaign *{name}* is now OPEN"
        return text + (f" on https://{payload['domain']}" if payload.get("domain") else "")
    if event.event_type == "campaign.stats":
        lines = [
            f":bar_chart: *{name}* — {payload.get('entries', 0)} registrations, {payload.get('verified', 0)} verified"
        ]
        lines += [
            f"• {m['name']}: {m['entries']} (first choice {m['firstChoice']})" for m in payload.get("markets", [])
        ]
        return "\n".join(lines)
    return None


class SlackSink:
    """Post campaign alerts and stats to the campaign's own Slack channels (``slack.channels.stats`` mapped by
    ``SLACK_CHANNEL_WEBHOOKS``), the global ``SLACK_WEBHOOK_URL`` as fallback; ``slack.noAlert`` silences
    all (decisions.md "Outbound messages and privacy": incoming webhooks, not a bot token)."""

    name = "slack"

    def __init__(self, timeout: float | None = None):
        self.timeout = settings.OUTBOUND_TIMEOUT_SECONDS if timeout is None else timeout

    def send(self, event) -> None:
        text = slack_text(event)
        if text is None:
            return
        if (event.payload or {}).get("noAlert"):
            return
        options = Campaign.objects.filter(pk=event.campaign_id).values_list("slack", flat=True).first()
        for url in slack_targets(options):
            response = requests.post(url, json={"text": text}, timeout=self.timeout)
            response.raise_for_status()


class CdnSink:
    """Purge the fan site's cached pages by surrogate key (``cdn.purge`` events only). Within one drain, keys purged
    after an event was recorded are not purged again for it: fifty market saves in one request purge once."""

    name = "cdn"

    def __init__(self):
        self.purged: dict[tuple, object] = {}

    def accepts(self, event_type: str) -> bool:
        return event_type == CDN_PURGE_EVENT

    def send(self, event) -> None:
        keys = tuple((event.payload or {}).get("keys") or ())
        if not keys or (keys in self.purged and self.purged[keys] >= event.date_created):
            return
        started = timezone.now()
        cdn.purger().purge(list(keys))
        self.purged[keys] = started


def configured_sinks() -> list:
    """Build the sinks named in settings (``OUTBOUND_SINKS``, default ``["log"]``), plus Slack and the CDN when
    configured."""
    sinks: list[LogSink | WebhookSink | SqsSink | SlackSink | CdnSink] = []
    for name in settings.OUTBOUND_SINKS:
        if name == "log":
            sinks.append(LogSink())
        elif name == "webhook" and settings.OUTBOUND_WEBHOOK_URL:
            sinks.append(WebhookSink(settings.OUTBOUND_WEBHOOK_URL, settings.OUTBOUND_WEBHOOK_SECRET))
        elif name == "sqs" and settings.OUTBOUND_SQS_QUEUE_URL:
            sinks.append(
                SqsSink(settings.OUTBOUND_SQS_QUEUE_URL, settings.AWS_REGION, settings.OUTBOUND_SQS_ENDPOINT_URL)
            )
    if settings.SLACK_WEBHOOK_URL or settings.SLACK_CHANNEL_WEBHOOKS:
        sinks.append(SlackSink())
    if settings.CDN_PURGE != "none":
        sinks.append(CdnSink())
    return sinks
