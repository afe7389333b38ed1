"""Staff access to a campaign's registration data: ``read`` (metrics, stats), ``write`` (tags, verdicts,
scored and fanlist uploads, stats), supreme (the global blacklist); decisions.md #4."""

from accounts.permissions import require_campaign_action, require_supreme
from accounts.session import require_fan
from campaigns.models import Campaign
from campaigns.selectors import campaign_or_404


def campaign_for(info, campaign_id, action: str) -> Campaign:
    """Return the campaign after checking the caller may take ``action`` on it.

    Raises: Unauthenticated (anonymous), Forbidden ``INVALID_CAMPAIGN_PERMISSIONS``, NotFound
        ``CAMPAIGN_NOT_FOUND`` (checked after the permission, so ids are not probed).
    """
    fan = require_fan(info)
    require_campaign_action(fan, str(campaign_id), action)
    campaign = campaign_or_404(campaign_id)
    return campaign


def supreme(info):
    """Return the caller when supreme. Raises Unauthenticated / Forbidden ``SUPREME_USER_REQUIRED``."""
    fan = require_fan(info)
    require_supreme(fan)
    return fan
