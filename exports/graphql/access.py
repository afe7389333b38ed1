"""Exports carry fans' personal data: each export operation declares the ``report`` action on the campaign (or
supreme) as its access (``accounts.graphql.access``); the operation's check runs before its resolver."""

from accounts.models import Fan
from accounts.session import require_fan
from campaigns.reasons import CampaignsReason
from campaigns.selectors import campaign_or_404
from monoql.reasons import EXPORT_REST


def reporter(info, campaign_id) -> Fan:
    """Return the signed-in caller once the campaign is known to exist.

    Raises: Unauthenticated ``notLoggedIn``; NotFound ``CampaignNotFound`` (the export service's spelling;
    the access check ran first, so ids cannot be probed).
    """
    fan = require_fan(info)
    campaign_or_404(campaign_id, reason=CampaignsReason.CAMPAIGN_NOT_FOUND.spelled(EXPORT_REST))
    return fan
