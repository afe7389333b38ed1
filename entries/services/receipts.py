"""Receipt and confirmation emails (catalog §3.6.1 step 8, §3.11).

A receipt is sent once per entry, when the entry is complete: at creation when the campaign does not ask
for phone confirmation, or when the phone is confirmed. The writing service stamps ``date_receipt_due`` in
the same row write (an outbox column: no extra query and no broker call on the registration path); the
``entries.send_due_receipts`` task, run by beat every few seconds (and right after commit when Celery is
eager, the embedded default), sends what is due. ``send_entry_receipt`` claims the entry with a
conditional update of ``date_receipt`` (so two workers never both send), renders the email in the entry's
locale from ``content[locale].email`` (falling back to the campaign's default locale, then ``en_US``), and
sends it through Django's configured email backend. A failed send releases the claim and re-raises so the
task is retried.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from campaigns.models import CampaignLocale
from entries.models import Entry
from monoql.queue import enqueue_on_commit

SWEEP_TASK = "entries.send_due_receipts"
SWEEP_BATCH = 500


def mark_receipt_due(entry) -> bool:
    """Stamp ``entry.date_receipt_due`` unless already due or sent (the caller saves the entry).

    Returns True when stamped; the caller then calls ``sweep_after_commit`` inside its transaction.
    """
    if entry.date_receipt is None and entry.date_receipt_due is None:
        entry.date_receipt_due = timezone.now()
        return True
    return False


def sweep_after_commit() -> None:
    """With eager Celery (the embedded default, no beat), send due receipts once the transaction commits."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        enqueue_on_commit(SWEEP_TASK)


def send_due_receipts(limit: int = SWEEP_BATCH) -> int:
    """Send the receipts that are due, oldest first, at most ``limit``; returns how many were sent.

    Safe with several workers: each entry is claimed by a conditional update before sending.
    """
    due = (
        Entry.objects.filter(date_receipt__isnull=True, date_receipt_due__isnull=False)
        .order_by("date_receipt_due")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for entry_id in list(due) if send_entry_receipt(entry_id))


@dataclass(frozen=True)
class ReceiptEmail:
    """What is sent: ``to`` address, subject, text body, from address."""

    to: str
    subject: str
    body: str
    from_email: str


def _email_content(entry) -> tuple[dict, str]:
    rows = {row.locale: row for row in CampaignLocale.objects.filter(campaign_id=entry.campaign_id)}
    default = next((row for row in rows.values() if row.is_default), None)
    for candidate in (rows.get(entry.locale), default, rows.get("en_US")):
        if candidate is not None and (candidate.content or {}).get("email"):
            return candidate.content["email"], candidate.locale
    return {}, entry.locale


def render_receipt(entry) -> ReceiptEmail | None:
    """Build the receipt email of ``entry``; None when the entry has no email address."""
    to = entry.email or entry.fan.email
    if not to:
        return None
    campaign = entry.campaign
    email, locale = _email_content(entry)
    subject = ((email.get("subject") or {}).get("receipt") or "").strip() or f"You're registered: {campaign.name}"
    sender = email.get("from") or {}
    from_email = settings.DEFAULT_FROM_EMAIL
    if sender.get("account"):
        from_email = f"{sender.get('name') or campaign.name} <{sender['account']}>"
    body = render_to_string(
        "entries/email/receipt.txt",
        {
            "campaign": campaign,
            "entry": entry,
            "intro": ((email.get("template") or {}).get("receipt") or "").strip(),
            "markets": [m.name for m in campaign.markets.filter(pk__in=entry.market_ids)],
            "locale": locale,
            "site": (campaign.domain_site or ""),
        },
    )
    return ReceiptEmail(to=to, subject=subject, body=body, from_email=from_email)


def send_entry_receipt(entry_id: int) -> bool:
    """Send the receipt of one entry once; returns True when this call sent it.

    Skips (returns False) when the entry is gone, already has ``date_receipt``, is not complete (phone
    confirmation required and missing) or has no email address.
    Raises: whatever the email backend raises (the claim is released first, so a retry sends it).
    """
    entry = Entry.objects.select_related("campaign", "fan").filter(pk=entry_id).first()
    if entry is None or entry.date_receipt is not None:
        return False
    if (entry.campaign.options or {}).get("promptConfirmPhone") and entry.date_phone_confirmed is None:
        Entry.objects.filter(pk=entry_id).update(date_receipt_due=None)
        return False
    message = render_receipt(entry)
    if message is None:
        Entry.objects.filter(pk=entry_id).update(date_receipt_due=None)
        return False
    claimed = Entry.objects.filter(pk=entry_id, date_receipt__isnull=True).update(date_receipt=timezone.now())
    if not claimed:
        return False
    try:
        EmailMessage(message.subject, message.body, message.from_email, [message.to]).send()
    except Exception:
        Entry.objects.filter(pk=entry_id).update(date_receipt=None)
        raise
    return True
