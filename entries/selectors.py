"""Entry reads: the viewer's own entry, registration eligibility, counts by market and rank."""

from dataclasses import dataclass

from django.db.models import Count

from entries.models import Entry, EntryMarketPreference

INELIGIBLE_MESSAGE = "Unfortunately, you are not eligible for participation in this campaign."


@dataclass(frozen=True)
class EligibilityResult:
    """``Eligibility { isEligible, reason }`` (catalog §3.5)."""

    is_eligible: bool
    reason: str | None = None


def entry_for(campaign_id: str, fan_id: str) -> Entry | None:
    """Return the fan's entry in the campaign, or None."""
    return Entry.objects.filter(campaign_id=campaign_id, fan_id=fan_id).first()


def registration_eligibility(campaign, fan, *, has_entry: bool) -> EligibilityResult:
    """Decide whether ``fan`` may register (catalog §3.5 ``registrationEligibility``).

    An existing entry is always eligible (updates skip gate checks). Otherwise every gate in
    ``campaign.options.gate`` must pass, read from the fan's profile facts (decisions.md "Identity"):
    ``card`` → ``facts.cards``; ``linkedAccount`` → ``facts.linkedAccounts``; ``idv`` → ``facts.idv``;
    ``campaignId``/``linkedCampaign`` → the fan has an entry in that campaign. ``inviteOnly`` and
    ``options.requirePrecheck.pastCampaignId`` need invite lists / past selections, which no campaign
    holds yet, so they refuse (``NO_INVITE``, ``NO_PAST_PARTICIPATION``).

    Args:
        fan: Fan or None (anonymous viewers are evaluated too).
    Returns: EligibilityResult; ``reason`` is ``NO_CARD``, ``NOT_LINKED``, ``NO_IDV``, ``NO_INVITE``,
        ``NO_LINKED_CAMPAIGN_ENTRY`` or ``NO_PAST_PARTICIPATION`` when ineligible.
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
    if gate.get("inviteOnly"):
        return EligibilityResult(False, "NO_INVITE")
    for linked in {gate.get("campaignId"), gate.get("linkedCampaign")} - {None, ""}:
        if fan is None or not Entry.objects.filter(campaign_id=linked, fan_id=fan.pk).exists():
            return EligibilityResult(False, "NO_LINKED_CAMPAIGN_ENTRY")
    if (options.get("requirePrecheck") or {}).get("pastCampaignId"):
        return EligibilityResult(False, "NO_PAST_PARTICIPATION")
    return EligibilityResult(True)


def counts_by_market_and_rank(campaign_id: str) -> dict[str, list[int]]:
    """Return ``{marketId: [n_rank0, n_rank1, n_rank2, n_rank3]}`` in one indexed query (catalog §3.6.6)."""
    counts: dict[str, list[int]] = {}
    rows = (
        EntryMarketPreference.objects.filter(campaign_id=campaign_id)
        .values_list("market_id", "rank")
        .annotate(n=Count("id"))
        .order_by()
    )
    for market_id, rank, n in rows:
        counts.setdefault(market_id, [0, 0, 0, 0])[rank] = n
    return counts
