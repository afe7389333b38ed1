"""Campaign business rules (catalog §3.1 "Campaign validation rules", §4.2), shared by GraphQL and the admin.

``validate_campaign`` checks a Campaign instance as it is about to be saved, with the locales it will
have; every failure is a ``ValidationFailed`` (or ``NotFound``) naming the input field and the catalog
identifier in ``reason``.
"""

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from django.conf.locale import LANG_INFO
from django.db.models import Q

from campaigns.models import Campaign, CampaignLocale, CampaignStatus, CampaignType
from campaigns.reasons import CampaignsReason
from campaigns.schemas import FAN_IDENTIFIERS, PREFERENCE_TYPES, validate_document
from monoql.core_reasons import CoreReason
from monoql.errors import ValidationFailed
from monoql.locales import normalize_locale

DOMAIN_RE = re.compile(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)
LIVE_STATUSES = (CampaignStatus.OPEN, CampaignStatus.CLOSED, CampaignStatus.INACTIVE)
# Manual status changes (``upsertCampaign {status}``); the refresh moves campaigns on by their dates.
ALLOWED_STATUS_CHANGES = {
    CampaignStatus.DRAFT: {CampaignStatus.PREVIEW, CampaignStatus.OPEN},
    CampaignStatus.PREVIEW: {CampaignStatus.DRAFT, CampaignStatus.OPEN},
    CampaignStatus.OPEN: {CampaignStatus.CLOSED},
    CampaignStatus.CLOSED: {CampaignStatus.OPEN, CampaignStatus.INACTIVE},
    CampaignStatus.INACTIVE: set(),
}
JSON_COLUMNS = {
    "options": "options",
    "style": "style",
    "trackers": "trackers",
    "image": "image",
    "faqs": "faqs",
    "slack": "slack",
    "preferences": "preferences",
    "login_types": "login_types",
    "send_reminder_emails": "date.sendReminderEmails",
    "event_ids": "eventIds",
}


@dataclass
class LocaleRow:
    """One locale a campaign will have: GraphQL spelling, default flag, page copy (Content object)."""

    locale: str
    is_default: bool
    content: dict


def valid_campaign_locale(value: str, *, field: str) -> str:
    """Return ``value`` as a campaign locale (``en_US``): a known language and, if given, a known region.

    Raises:
        ValidationFailed: ``INVALID_LOCALE`` naming ``field``.
    """
    locale = normalize_locale(value, field=field)
    language, _, region = locale.partition("_")
    if language not in LANG_INFO or (region and region not in phonenumbers.SUPPORTED_REGIONS):
        raise ValidationFailed(f"'{value}' is not a known locale.", reason=CoreReason.INVALID_LOCALE, field=field)
    return locale


def valid_timezone(value: str, *, field: str) -> str:
    """Return ``value`` when it names an IANA time zone (``America/Chicago``); raise ``INVALID_TIMEZONE``."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(
            f"'{value}' is not an IANA time zone such as America/Chicago.",
            reason=CampaignsReason.INVALID_TIMEZONE,
            field=field,
        ) from None
    return value


def normalize_domain(value: str | None, *, field: str) -> str | None:
    """Return a host name lower-cased and stripped of scheme and path, or None; raise ``INVALID_DOMAIN``."""
    if value is None or not str(value).strip():
        return None
    host = str(value).strip().lower()
    host = re.sub(r"^[a-z]+://", "", host).split("/")[0].rstrip(".")
    if not DOMAIN_RE.match(host):
        raise ValidationFailed(f"'{value}' is not a domain name.", reason=CampaignsReason.INVALID_DOMAIN, field=field)
    return host


def check_domain_free(campaign: Campaign) -> None:
    """Raise ``DOMAIN_NAME_CONFLICT`` when another non-INACTIVE campaign holds this site or preview domain."""
    others = Campaign.objects.exclude(pk=campaign.pk).exclude(status=CampaignStatus.INACTIVE)
    for field, host in (("domain.site", campaign.domain_site), ("domain.preview", campaign.domain_preview)):
        if host and others.filter(Q(domain_site=host) | Q(domain_preview=host)).exists():
            raise ValidationFailed(
                f"The domain '{host}' is already used by another active campaign.",
                reason=CampaignsReason.DOMAIN_NAME_CONFLICT,
                field=field,
            )


def _check_dates(campaign: Campaign) -> None:
    opens, closes = campaign.date_open, campaign.date_close
    start, end = campaign.date_presale_window_start, campaign.date_presale_window_end
    if opens and closes and not opens < closes:
        raise ValidationFailed(
            "The campaign must open before it closes.",
            reason=CampaignsReason.INVALID_CAMPAIGN_DATE_ORDER,
            field="date.close",
        )
    effective_close = closes or (campaign.date_closed if campaign.status == CampaignStatus.CLOSED else None)
    if effective_close and start and start < effective_close:
        raise ValidationFailed(
            "The presale window must start after registration closes.",
            reason=CampaignsReason.INVALID_CAMPAIGN_DATE_ORDER,
            field="date.presaleWindowStart",
        )
    if (campaign.category_id or start or end) and not (start and end):
        missing = "date.presaleWindowStart" if not start else "date.presaleWindowEnd"
        raise ValidationFailed(
            "The presale window needs both dates (start and end), or neither"
            + (" (a campaign with a categoryId needs both)." if campaign.category_id else "."),
            reason=CampaignsReason.MISSING_PRESALE_WINDOW_DATE,
            field=missing,
        )
    if start and end and not start < end:
        raise ValidationFailed(
            "The presale window must end after it starts.",
            reason=CampaignsReason.INVALID_PRESALE_WINDOW_DATE_ORDER,
            field="date.presaleWindowEnd",
        )


def _check_preferences(preferences: list) -> None:
    seen = set()
    for index, field in enumerate(preferences):
        if field["type"] not in PREFERENCE_TYPES:
            raise ValidationFailed(
                f"preferences[{index}] has an unknown type '{field['type']}'; known: {', '.join(PREFERENCE_TYPES)}.",
                reason=CampaignsReason.InvalidPreferenceCampaignSchemaType,
                field=f"preferences[{index}].type",
            )
        if field["id"] in seen:
            raise ValidationFailed(
                f"preferences[{index}] repeats the id '{field['id']}'.",
                reason=CampaignsReason.INVALID_CAMPAIGN_SCHEMA,
                field=f"preferences[{index}].id",
            )
        seen.add(field["id"])
    for kind in ("market_select", "additional_markets_select"):
        if sum(1 for field in preferences if field["type"] == kind) > 1:
            raise ValidationFailed(
                f"The form may have only one '{kind}' field.",
                reason=CampaignsReason.INVALID_CAMPAIGN_SCHEMA,
                field="preferences",
            )


def validate_locales(campaign: Campaign, locales: list[LocaleRow]) -> None:
    """Check a campaign's locales: exactly one default, no repeats, each content valid (JSON schema).

    Raises: ValidationFailed ``INVALID_CAMPAIGN`` (field ``locales``) or ``INVALID_CAMPAIGN_SCHEMA``
    (field ``content.localized[<locale>]...``).
    """
    if campaign.type == CampaignType.FANLIST and not locales:
        return
    defaults = [row.locale for row in locales if row.is_default]
    if len(defaults) != 1:
        raise ValidationFailed(
            f"A campaign needs exactly one default locale (found {len(defaults)}).",
            reason=CampaignsReason.INVALID_CAMPAIGN,
            field="locales",
        )
    names = [row.locale for row in locales]
    if len(set(names)) != len(names):
        raise ValidationFailed("A locale is listed twice.", reason=CampaignsReason.INVALID_CAMPAIGN, field="locales")
    for row in locales:
        validate_document("content", row.content, field=f"content.localized[{row.locale}]")


def validate_campaign(campaign: Campaign, locales: list[LocaleRow], *, previous: Campaign | None) -> None:
    """Check every campaign rule before a save: ``validate_campaign_fields`` then ``validate_locales``.

    Raises: see ``validate_campaign_fields`` and ``validate_locales``.
    """
    validate_campaign_fields(campaign, previous=previous)
    validate_locales(campaign, locales)


def validate_campaign_fields(campaign: Campaign, *, previous: Campaign | None) -> None:
    """Check the rules on the campaign row itself (everything but its locales).

    Args:
        campaign: the campaign with the changes applied (not yet saved).
        previous: the stored campaign before the changes, or None on create.
    Raises:
        ValidationFailed: reasons ``InvalidCampaignType``, ``INVALID_CAMPAIGN_SCHEMA`` (JSON schemas, name),
            ``INVALID_DOMAIN``, ``DOMAIN_NAME_CONFLICT``, ``INVALID_CAMPAIGN_DATE_ORDER``,
            ``MISSING_PRESALE_WINDOW_DATE``, ``INVALID_PRESALE_WINDOW_DATE_ORDER``,
            ``InvalidPreferenceCampaignSchemaType``, ``INVALID_CAMPAIGN`` (immutable fields, password),
            ``INVALID_TIMEZONE``.
    """
    if campaign.type not in CampaignType.values:
        raise ValidationFailed(
            f"'{campaign.type}' is not a campaign type (registration, fanlist).",
            reason=CampaignsReason.InvalidCampaignType,
            field="type",
        )
    if not (campaign.name or "").strip():
        raise ValidationFailed("A campaign needs a name.", reason=CampaignsReason.INVALID_CAMPAIGN_SCHEMA, field="name")
    if campaign.identifier not in FAN_IDENTIFIERS:
        raise ValidationFailed(
            f"'{campaign.identifier}' is not a fan identifier ({', '.join(FAN_IDENTIFIERS)}).",
            reason=CampaignsReason.INVALID_CAMPAIGN_SCHEMA,
            field="identifier",
        )
    if previous is not None and previous.status in LIVE_STATUSES:
        for attr, field in (("type", "type"), ("identifier", "identifier")):
            if getattr(previous, attr) != getattr(campaign, attr):
                raise ValidationFailed(
                    f"The {field} of a campaign cannot change once it has opened.",
                    reason=CampaignsReason.INVALID_CAMPAIGN,
                    field=field,
                )
    if campaign.schema_version not in ("1", "2"):
        raise ValidationFailed(
            "schema.version must be 1 or 2.", reason=CampaignsReason.INVALID_CAMPAIGN_SCHEMA, field="schema"
        )
    if campaign.reference_timezone:
        valid_timezone(campaign.reference_timezone, field="referenceTimezone")
    for attr, field in JSON_COLUMNS.items():
        validate_document(attr, getattr(campaign, attr), field=field)
    _check_preferences(campaign.preferences)
    options = campaign.options
    if options.get("requirePassword") and not (options.get("passwordValue") or "").strip():
        raise ValidationFailed(
            "A password-protected campaign needs a password.",
            reason=CampaignsReason.INVALID_CAMPAIGN,
            field="options.passwordValue",
        )
    _check_dates(campaign)
    check_domain_free(campaign)


#: What a registration campaign needs before it opens (seeds use case 2: "the system validates all
#: required fields before a campaign is published"): ``(field, sentence)`` per missing item.
CONTACT_FIELD_TYPES = ("email", "phone")


def publish_problems(campaign: Campaign) -> list[tuple[str, str]]:
    """Return what keeps ``campaign`` from opening, as ``[(field, sentence)]`` (empty: it may open).

    A registration campaign needs: a domain (``domain.site``); a close date after its open date
    (``date.close``); at least one market (``markets``); page content in its default locale
    (``content``) and in every other locale it offers, each holding the required texts (``REQUIRED_LOCALE_TEXTS``)
    the default locale fills in (``content.localized[fr_CA]``,
    ``content.localized[fr_CA].body.started.welcome.header``: seed 000 use case 2, "required content fields must
    be populated per locale"; the other texts fall back to the default locale's, as the editor says); a registration form with a contact
    field, email or phone (``preferences``). Fanlists do not open and have no such needs. Reads the stored
    markets and locales.
    """
    if campaign.type == CampaignType.FANLIST:
        return []
    problems = []
    if not campaign.domain_site:
        problems.append(("domain.site", "a domain (domain.site)"))
    if not campaign.date_close:
        problems.append(("date.close", "a close date (date.close)"))
    elif campaign.date_open and not campaign.date_open < campaign.date_close:
        problems.append(("date.close", "a close date after the open date"))
    if campaign.pk is None or not campaign.markets.exists():
        problems.append(("markets", "at least one market"))
    locales = list(campaign.locales.all()) if campaign.pk else []
    default = next((locale for locale in locales if locale.is_default), None)
    if default is None or not default.content:
        problems.append(("content", "page content in the default locale"))
    else:
        problems += _locale_problems(default, [locale for locale in locales if not locale.is_default])
    if not any(field.get("type") in CONTACT_FIELD_TYPES for field in campaign.preferences or []):
        problems.append(("preferences", "a registration form with an email or phone field"))
    return problems


#: Page texts every locale a campaign offers must hold in its own language when the default locale has them: the
#: landing page's heading (a fan must see in their language what the page is); others fall back to the default's.
REQUIRED_LOCALE_TEXTS = (("body", "started", "welcome", "header"),)


def _text_at(content, path: tuple[str, ...]) -> str:
    for key in path:
        content = content.get(key) if isinstance(content, dict) else None
    return content.strip() if isinstance(content, str) else ""


def _locale_problems(default: CampaignLocale, others: list[CampaignLocale]) -> list[tuple[str, str]]:
    """What the other locales miss of the required texts the default locale has, naming locale and field."""
    problems = []
    required = [path for path in REQUIRED_LOCALE_TEXTS if _text_at(default.content, path)]
    for locale in others:
        field = f"content.localized[{locale.locale}]"
        if not locale.content:
            problems.append((field, f"page content in {locale.locale}"))
            continue
        for path in required:
            if not _text_at(locale.content, path):
                dotted = ".".join(path)
                problems.append(
                    (f"{field}.{dotted}", f"{locale.locale} page copy for {dotted} (filled in {default.locale})")
                )
    return problems


def check_publishable(campaign: Campaign) -> None:
    """Refuse to open ``campaign`` while ``publish_problems`` lists anything (upsertCampaign, admin, refresh).

    Raises: ValidationFailed ``CAMPAIGN_NOT_PUBLISHABLE`` naming the first missing field, with
        ``extra={"missing": [field, ...]}``.
    """
    problems = publish_problems(campaign)
    if problems:
        raise ValidationFailed(
            "The campaign cannot open yet: it needs " + "; ".join(sentence for _, sentence in problems) + ".",
            reason=CampaignsReason.CAMPAIGN_NOT_PUBLISHABLE,
            field=problems[0][0],
            extra={"missing": [field for field, _ in problems]},
        )
