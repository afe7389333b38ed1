"""Entry reads: the viewer's own entry, registration eligibility (gates), entries by chosen market."""

import re
from dataclasses import dataclass

import phonenumbers
from django.db.models import Q, QuerySet

from accounts.models import Fan
from codes.models import Code
from entries.models import MARKET_RANK_FIELDS, Entry, FanIdentifierType, Invite
from entries.reasons import EntriesReason
from monoql.errors import NotFound, ValidationFailed

INELIGIBLE_MESSAGE = "Unfortunately, you are not eligible for participation in this campaign."


@dataclass(frozen=True)
class EligibilityResult:
    """``Eligibility { isEligible, reason }`` (catalog §3.5)."""

    is_eligible: bool
    reason: str | None = None


def entry_for(campaign_id: str, fan_id: str) -> Entry | None:
    """Return the fan's entry in the campaign, or None."""
    return Entry.objects.filter(campaign_id=campaign_id, fan_id=fan_id).first()


def any_rank(market_ids) -> Q:
    """Q matching entries that chose any of ``market_ids`` at any preference rank (catalog §3.6.5)."""
    ids = [str(m) for m in market_ids]
    query = Q()
    for name in MARKET_RANK_FIELDS:
        query |= Q(**{f"{name}__in": ids})
    return query


def entries_choosing(campaign_id: str, market_ids) -> QuerySet:
    """Entries of the campaign that chose one of ``market_ids`` at any rank."""
    return Entry.objects.filter(any_rank(market_ids), campaign_id=campaign_id)


def market_is_chosen(campaign_id: str, market_id: str) -> bool:
    """True when at least one entry of the campaign chose the market at any rank."""
    return entries_choosing(campaign_id, [market_id]).exists()


def fan_identifier(fan, identifier_type: str) -> str:
    """The fan's value for a ``FanIdentifier`` (``memberId``, ``globalUserId``, ``email``); "" when unknown."""
    if identifier_type == FanIdentifierType.MEMBER_ID:
        return fan.member_id or ""
    if identifier_type == FanIdentifierType.GLOBAL_USER_ID:
        return fan.global_user_id or ""
    return (fan.email or "").strip().lower()


def is_invited(campaign_id: str, fan, identifier_type: str) -> bool:
    """True when the fan's identifier of ``identifier_type`` is on the campaign's invite list."""
    value = fan_identifier(fan, identifier_type) if fan is not None else ""
    if not value:
        return False
    return Invite.objects.filter(campaign_id=campaign_id, identifier_type=identifier_type, value=value).exists()


def was_selected(campaign_id: str, fan) -> bool:
    """True when the fan was selected in the campaign: holds an assigned code there (catalog §3.5 "past
    participation")."""
    return Code.objects.filter(campaign_id=campaign_id, fan=fan, date_assigned__isnull=False).exists()


def registration_eligibility(campaign, fan, *, has_entry: bool) -> EligibilityResult:
    """Decide whether ``fan`` may register (catalog §3.5 ``registrationEligibility``).

    An existing entry is always eligible (updates skip gate checks). Otherwise every gate in
    ``campaign.options.gate`` must pass, in this order, read from the fan's profile facts (decisions.md
    "Identity"): ``card`` → ``facts.cards`` (``NO_CARD``); ``linkedAccount`` → ``facts.linkedAccounts``
    (``NOT_LINKED``); ``idv`` → ``facts.idv`` (``NO_IDV``); ``inviteOnly`` → the fan's identifier of that
    type is on the campaign's invite list (``NO_INVITE``); ``campaignId``/``linkedCampaign`` → the fan has
    an entry in that campaign (``NO_LINKED_CAMPAIGN_ENTRY``); ``options.requirePrecheck.pastCampaignId`` →
    the fan was selected there (``NO_PAST_PARTICIPATION``). Anonymous viewers fail every configured gate.

    Args:
        campaign: the Campaign.
        fan: Fan or None.
        has_entry: whether the fan already has an entry in the campaign.
    Returns: EligibilityResult.
    """
    if has_entry:
        return EligibilityResult(True)
    options = campaign.options or {}
    gate = options.get("gate") or {}
    facts = (fan.profile_facts if fan is not None else {}) or {}
    if gate.get("card") and gate["card"] not in (facts.get("cards") or []):
        return EligibilityResult(False, "NO_CARD")
    if gate.get("linkedAccount") and gate["linkedAccount"] not in (facts.get("linkedAccounts") or []):
        return EligibilityResult(False, "NOT_LINKED")
    if gate.get("idv") and facts.get("idv") != gate["idv"]:
        return EligibilityResult(False, "NO_IDV")
    if gate.get("inviteOnly") and not is_invited(campaign.pk, fan, gate["inviteOnly"]):
        return EligibilityResult(False, "NO_INVITE")
    for linked in {gate.get("campaignId"), gate.get("linkedCampaign")} - {None, ""}:
        if fan is None or not Entry.objects.filter(campaign_id=linked, fan_id=fan.pk).exists():
            return EligibilityResult(False, "NO_LINKED_CAMPAIGN_ENTRY")
    past = (options.get("requirePrecheck") or {}).get("pastCampaignId")
    if past and (fan is None or not was_selected(past, fan)):
        return EligibilityResult(False, "NO_PAST_PARTICIPATION")
    return EligibilityResult(True)


#: Reasons ``viewer.campaign.eligibility`` gives a fan (``Eligibility.reason``), besides the gate reasons
#: of ``registration_eligibility`` and selection's ``SELECTED``/``WAITLISTED``.
ELIGIBILITY_REASONS = {
    "CAMPAIGN_NOT_OPEN": "The campaign does not accept entries yet.",
    "CAMPAIGN_CLOSED": "The campaign closed before the fan registered.",
    "ENTRY_BLOCKED": "The fan's entry was blocked (verdict false): it is kept but never selected.",
    "PHONE_NOT_CONFIRMED": "The campaign required a confirmed phone and the entry's was not confirmed before close.",
}


def viewer_eligibility_answer(campaign, fan, entry) -> EligibilityResult:
    """What a fan is told about their eligibility in ``campaign`` (catalog §3.5; seeds REQ-003).

    With an entry: blocked (``verdict`` false) → ``ENTRY_BLOCKED``; a campaign that required phone
    confirmation, closed, with the phone unconfirmed at close → ``PHONE_NOT_CONFIRMED``; otherwise
    eligible. Without one: a campaign not open yet → ``CAMPAIGN_NOT_OPEN``; closed or later →
    ``CAMPAIGN_CLOSED``; open → the registration gates (``registration_eligibility``).
    Args: ``fan``: Fan or None (anonymous); ``entry``: the fan's Entry or None.
    Returns: EligibilityResult.
    """
    status = campaign.status
    if entry is not None:
        if entry.verdict is False:
            return EligibilityResult(False, "ENTRY_BLOCKED")
        if (campaign.options or {}).get("promptConfirmPhone") and campaign.date_closed is not None:
            confirmed = entry.date_phone_confirmed
            if confirmed is None or confirmed > campaign.date_closed:
                return EligibilityResult(False, "PHONE_NOT_CONFIRMED")
        return EligibilityResult(True)
    if status in ("DRAFT", "PREVIEW"):
        return EligibilityResult(False, "CAMPAIGN_NOT_OPEN")
    if status != "OPEN":
        return EligibilityResult(False, "CAMPAIGN_CLOSED")
    return registration_eligibility(campaign, fan, has_entry=False)


def entry_in_campaign(campaign_id: str, entry_id) -> Entry:
    """Return the entry ``entry_id`` of the campaign. Raises ValidationFailed / NotFound ``ENTRY_NOT_FOUND``."""
    try:
        entry_pk = int(entry_id)
    except (TypeError, ValueError) as error:
        raise ValidationFailed(
            "entryId must be an entry id.", reason=EntriesReason.ENTRY_NOT_FOUND, field="entryId"
        ) from error
    entry = Entry.objects.filter(pk=entry_pk, campaign_id=campaign_id).first()
    if entry is None:
        raise NotFound("Entry not found for specified user.", reason=EntriesReason.ENTRY_NOT_FOUND, field="entryId")
    return entry


_PHONE_LIKE = re.compile(r"^[+()\d][\d\s().+-]{5,}$")
_FAN_ID = re.compile(r"^[0-9a-f]{24}$")


def entry_search(term: str, *, campaign_id: str | None = None) -> Q:
    """What the staff console's entry search matches, as ``Q(pk__in=[ids])`` (issue 40): each interpretation of the
    term is its own small query on an index, so the list's ``ORDER BY id DESC LIMIT 50`` never turns into a walk of
    every entry (one query OR-ing them all took 1.2 s on a 1M-entry campaign):

    - an email or its beginning, lower-cased as stored (``entry_email_prefix_idx``);
    - a phone as typed (``(212) 555-0101`` → E.164, exact: ``entry_phone_idx``);
    - an entry id; a fan id; a fan's globalUserId or memberId (exact, through the fan: ``entry_fan_idx``);
    - with ``campaign_id`` (a campaign chosen in the list's filter), a first or last name beginning with the term.
    At most ``MAX_SEARCH_ROWS`` entries per interpretation.

    Returns: a ``Q`` over ``Entry``; one that matches nothing for an empty term.
    """
    term = term.strip()
    if not term:
        return Q(pk__in=[])
    rows = Entry.objects.all() if campaign_id is None else Entry.objects.filter(campaign_id=campaign_id)
    found: set[int] = set()

    def take(queryset) -> None:
        found.update(queryset.values_list("pk", flat=True)[:MAX_SEARCH_ROWS])

    take(rows.filter(email__startswith=term.lower()))
    if _PHONE_LIKE.match(term) and sum(ch.isdigit() for ch in term) >= 7:
        phone = _e164(term)
        if phone:
            take(rows.filter(phone=phone))
    if term.isdigit() and len(term) < 19:
        take(rows.filter(pk=int(term)))
    fans = list(
        Fan.objects.filter(Q(global_user_id=term) | Q(member_id=term)).values_list("pk", flat=True)[:MAX_FAN_MATCHES]
    )
    if _FAN_ID.match(term):
        fans.append(term)
    if fans:
        take(rows.filter(fan_id__in=fans))
    if campaign_id and len(term) >= 2 and not term.isdigit():
        named = Fan.objects.filter(Q(first_name__istartswith=term) | Q(last_name__istartswith=term))
        take(rows.filter(fan_id__in=list(named.values_list("pk", flat=True)[:MAX_NAMED_FANS])))
    return Q(pk__in=sorted(found))


#: At most this many entries per interpretation of a search term, and fans per name searched.
MAX_SEARCH_ROWS = 500
MAX_NAMED_FANS = 5000


def _e164(term: str) -> str | None:
    """A phone as staff type it, in E.164 as entries store it (US numbers without a country code), or None."""
    try:
        number = phonenumbers.parse(term, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


#: At most this many fans found by globalUserId/memberId feed one search (both are unique: one each).
MAX_FAN_MATCHES = 10
