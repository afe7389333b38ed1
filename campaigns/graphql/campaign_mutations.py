"""``upsertCampaign(campaign: CampaignInput!): Campaign`` (catalog §1.3, §1.5).

Creating needs a supreme user; updating needs ``write`` on the campaign (decisions.md #4).
"""

import graphene

from accounts.permissions import require_campaign_action, require_supreme
from accounts.session import require_fan
from campaigns.graphql.inputs import CampaignInput, to_plain
from campaigns.graphql.types import Campaign
from campaigns.selectors import get_campaign_for_viewer, set_view
from campaigns.services.upsert_campaign import upsert_campaign
from monoql.reasons import operation_doc


def resolve_upsert_campaign(root, info, campaign):
    """Create or partially update a campaign; returns it with every locale shown."""
    fan = require_fan(info)
    data = to_plain(campaign)
    if data.get("id"):
        require_campaign_action(fan, str(data["id"]), "write")
    else:
        require_supreme(fan)
    saved = upsert_campaign(data, source=f"graphql:{fan.pk}")
    return set_view(get_campaign_for_viewer(fan, campaign_id=saved.pk, use_cache=False), None, show_all_locales=True)


class CampaignMutation(graphene.ObjectType):
    upsertCampaign = graphene.Field(
        Campaign,
        campaign=CampaignInput(required=True),
        resolver=resolve_upsert_campaign,
        description=operation_doc(
            "Create a campaign (supreme users) or update one by id: its artist, dates, domain, locales and content, form, options and status (OPEN only when publishable).",
            "supreme users to create; staff with `write` on the campaign to update",
            "notLoggedIn",
            "INVALID_CAMPAIGN_PERMISSIONS",
            "SUPREME_USER_REQUIRED",
            "CAMPAIGN_NOT_FOUND",
            "INVALID_CAMPAIGN",
            "INVALID_CAMPAIGN_SCHEMA",
            "INVALID_CAMPAIGN_STATUS_CHANGE",
            "CAMPAIGN_NOT_PUBLISHABLE",
            "DOMAIN_NAME_CONFLICT",
            "INVALID_DOMAIN",
            "INVALID_DATE",
            "INVALID_LOCALE",
        ),
    )
