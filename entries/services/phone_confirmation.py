"""Phone confirmation (catalog §3.6.3, decisions.md "Identity": ``phoneJwt``).

Two halves:
- the verification side, so the flow works without an outside service: ``send_phone_code`` texts a
  6-digit code through the SMS backend; ``verify_phone_code`` checks it (expiry, attempt limit) and
  issues a ``phoneJwt`` (HS256 with ``settings.PHONE_JWT_SECRET``; claims ``phone`` E.164,
  ``campaignId``, ``sub`` fan id, ``iss`` ``monoql-phone``, ``iat``, ``exp``);
- ``submit_confirm`` (``submitConfirm``): verifies the token (signature, expiry, same phone as the entry,
  same campaign) and stamps the entry's phone as confirmed; a phone confirmed by another fan of the
  campaign is refused (``phoneAlreadyConfirmed``), also under concurrent submissions (unique constraint).
"""

import hmac
import secrets
from datetime import timedelta

import jwt
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from campaigns.models import CampaignStatus
from campaigns.selectors import campaign_or_404
from entries.models import Entry, PhoneVerification
from entries.reasons import EntriesReason
from entries.services.receipts import mark_receipt_due, sweep_after_commit
from entries.validation import e164
from monoql.dates import iso
from monoql.errors import RATE_LIMITED, DomainError, Forbidden, NotFound, ValidationFailed
from monoql.sms import send_sms

PHONE_JWT_ISSUER = "monoql-phone"


def _code_hash(verification_phone: str, code: str) -> str:
    return salted_hmac("monoql.phone-code", f"{verification_phone}:{code}").hexdigest()


def _phone(value) -> str:
    phone = e164(value) if isinstance(value, str) else None
    if phone is None:
        raise ValidationFailed("Enter a valid phone number.", reason=EntriesReason.EntryInvalidField, field="phone")
    return phone


def _require_open(campaign) -> None:
    """Phones are confirmed within the campaign window (seeds REQ-003, workflow 4; catalog §3.6.3)."""
    if campaign.status != CampaignStatus.OPEN:
        raise Forbidden(
            "This campaign is not open: phone numbers can be confirmed only while it accepts entries.",
            reason=EntriesReason.invalidCampaignStatus,
        )


def send_phone_code(*, campaign_id: str, fan, phone: str) -> dict:
    """Text a fresh 6-digit code to ``phone`` for the campaign; earlier pending codes stop working.

    Returns: ``{"phone": E.164, "expiresAt": UTC ISO-8601}``.
    Raises: NotFound ``CAMPAIGN_NOT_FOUND``; Forbidden ``invalidCampaignStatus`` unless the campaign is OPEN;
        ValidationFailed ``EntryInvalidField`` (field ``phone``);
        DomainError RATE_LIMITED ``TOO_MANY_CODES`` after ``PHONE_CODE_MAX_SENDS_PER_HOUR`` sends per hour.
    """
    campaign = campaign_or_404(campaign_id)
    _require_open(campaign)
    number = _phone(phone)
    now = timezone.now()
    with transaction.atomic():
        recent = PhoneVerification.objects.filter(fan=fan, phone=number, date_created__gte=now - timedelta(hours=1))
        if recent.count() >= settings.PHONE_CODE_MAX_SENDS_PER_HOUR:
            raise DomainError(
                "Too many codes were sent to this phone; try again later.",
                code=RATE_LIMITED,
                reason=EntriesReason.TOO_MANY_CODES,
                field="phone",
            )
        PhoneVerification.objects.filter(
            fan=fan, campaign=campaign, phone=number, date_verified__isnull=True, date_expires__gt=now
        ).update(date_expires=now)
        code = f"{secrets.randbelow(10**6):06d}"
        verification = PhoneVerification.objects.create(
            campaign=campaign,
            fan=fan,
            phone=number,
            code_hash=_code_hash(number, code),
            date_expires=now + timedelta(seconds=settings.PHONE_CODE_TTL_SECONDS),
        )
        minutes = max(1, settings.PHONE_CODE_TTL_SECONDS // 60)
        send_sms(number, f"{code} is your verification code for {campaign.name}. It expires in {minutes} minutes.")
    return {"phone": number, "expiresAt": iso(verification.date_expires)}


def verify_phone_code(*, campaign_id: str, fan, phone: str, code: str) -> dict:
    """Check a code sent by ``send_phone_code`` and issue the ``phoneJwt``.

    Returns: ``{"phoneJwt": token, "expiresAt": UTC ISO-8601}``.
    Raises: ValidationFailed ``PHONE_CODE_EXPIRED`` (no pending code) or ``PHONE_CODE_INVALID`` (field
        ``code``, ``extensions.attemptsLeft``); DomainError RATE_LIMITED ``TOO_MANY_ATTEMPTS`` once
        ``PHONE_CODE_MAX_ATTEMPTS`` wrong codes were tried (the code is then dead).
    """
    campaign = campaign_or_404(campaign_id)
    _require_open(campaign)
    number = _phone(phone)
    now = timezone.now()
    with transaction.atomic():
        verification = (
            PhoneVerification.objects.select_for_update()
            .filter(fan=fan, campaign=campaign, phone=number, date_verified__isnull=True, date_expires__gt=now)
            .order_by("-date_created")
            .first()
        )
        if verification is None:
            raise ValidationFailed(
                "This code has expired; ask for a new one.", reason=EntriesReason.PHONE_CODE_EXPIRED, field="code"
            )
        if verification.attempts >= settings.PHONE_CODE_MAX_ATTEMPTS:
            raise DomainError(
                "Too many wrong codes; ask for a new one.",
                code=RATE_LIMITED,
                reason=EntriesReason.TOO_MANY_ATTEMPTS,
                field="code",
            )
        matches = isinstance(code, str) and hmac.compare_digest(
            verification.code_hash, _code_hash(number, code.strip())
        )
        if matches:
            verification.date_verified = now
        else:
            verification.attempts += 1
        verification.save(update_fields=["date_verified", "attempts"])
    if not matches:
        left = settings.PHONE_CODE_MAX_ATTEMPTS - verification.attempts
        raise ValidationFailed(
            "That code is not right.",
            reason=EntriesReason.PHONE_CODE_INVALID,
            field="code",
            extra={"attemptsLeft": left},
        )
    expires = now + timedelta(seconds=settings.PHONE_JWT_TTL_SECONDS)
    token = issue_phone_jwt(phone=number, campaign_id=campaign.pk, fan_id=fan.pk, expires=expires)
    return {"phoneJwt": token, "expiresAt": iso(expires)}


def issue_phone_jwt(*, phone: str, campaign_id: str, fan_id: str, expires) -> str:
    """Sign a ``phoneJwt`` for ``phone`` (E.164) and campaign, valid until ``expires`` (aware datetime)."""
    claims = {
        "iss": PHONE_JWT_ISSUER,
        "sub": fan_id,
        "phone": phone,
        "campaignId": campaign_id,
        "iat": int(timezone.now().timestamp()),
        "exp": int(expires.timestamp()),
    }
    return jwt.encode(claims, settings.PHONE_JWT_SECRET, algorithm="HS256")


def _decode(phone_jwt) -> dict:
    if not isinstance(phone_jwt, str) or not phone_jwt:
        raise ValidationFailed(
            "phoneJwt is not a valid token.", reason=EntriesReason.INVALID_PHONE_JWT, field="phoneJwt"
        )
    try:
        return jwt.decode(
            phone_jwt,
            settings.PHONE_JWT_SECRET,
            algorithms=["HS256"],
            issuer=PHONE_JWT_ISSUER,
            options={"require": ["exp", "phone", "campaignId"]},
        )
    except jwt.ExpiredSignatureError:
        raise ValidationFailed(
            "phoneJwt has expired.", reason=EntriesReason.PHONE_JWT_EXPIRED, field="phoneJwt"
        ) from None
    except jwt.PyJWTError:
        raise ValidationFailed(
            "phoneJwt is not a valid token.", reason=EntriesReason.INVALID_PHONE_JWT, field="phoneJwt"
        ) from None


def submit_confirm(*, campaign_id: str, fan, phone_jwt: str) -> dict:
    """Confirm the fan's entry phone with a ``phoneJwt`` (``submitConfirm``, catalog §3.6.3).

    Returns: ``{"phoneConfirmed": UTC ISO-8601, "phone": E.164}``; confirming an already confirmed entry
        again returns the same answer without changes.
    Raises: NotFound ``CAMPAIGN_NOT_FOUND`` / ``ENTRY_NOT_FOUND``; Forbidden ``invalidCampaignStatus`` unless
        the campaign is OPEN (a phone confirmed after close never makes an entry eligible); ValidationFailed (field ``phoneJwt``)
        ``INVALID_PHONE_JWT``, ``PHONE_JWT_EXPIRED``, ``CAMPAIGN_MISMATCH``, ``PHONE_MISMATCH``; Forbidden
        ``phoneAlreadyConfirmed`` when another fan confirmed that phone in the campaign.
    """
    claims = _decode(phone_jwt)
    campaign = campaign_or_404(campaign_id)
    _require_open(campaign)
    if str(claims["campaignId"]) != campaign.pk:
        raise ValidationFailed(
            "phoneJwt was issued for another campaign.", reason=EntriesReason.CAMPAIGN_MISMATCH, field="phoneJwt"
        )
    with transaction.atomic():
        entry = Entry.objects.select_for_update().filter(campaign=campaign, fan=fan).first()
        if entry is None:
            raise NotFound(
                "You have no entry in this campaign.", reason=EntriesReason.ENTRY_NOT_FOUND, field="campaignId"
            )
        if not entry.phone or e164(str(claims["phone"])) != entry.phone:
            raise ValidationFailed(
                "phoneJwt was issued for another phone number.", reason=EntriesReason.PHONE_MISMATCH, field="phoneJwt"
            )
        if entry.confirmed_phone == entry.phone and entry.date_phone_confirmed:
            return {"phoneConfirmed": iso(entry.date_phone_confirmed), "phone": entry.phone}
        taken = Entry.objects.filter(campaign=campaign, confirmed_phone=entry.phone).exclude(pk=entry.pk).exists()
        entry.confirmed_phone = entry.phone
        entry.date_phone_confirmed = timezone.now()
        if mark_receipt_due(entry):
            sweep_after_commit()
        try:
            if taken:
                raise IntegrityError("phone confirmed by another entry")
            with transaction.atomic():
                entry.save(update_fields=["confirmed_phone", "date_phone_confirmed", "date_receipt_due"])
        except IntegrityError:
            raise Forbidden(
                "This phone number was already confirmed by another fan for this campaign.",
                reason=EntriesReason.phoneAlreadyConfirmed,
                field="phoneJwt",
            ) from None
    return {"phoneConfirmed": iso(entry.date_phone_confirmed), "phone": entry.phone}
