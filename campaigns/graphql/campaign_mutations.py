"""``upsertCampaign(campaign: CampaignInput!): Campaign`` (catalog §1.3, §1.5).

Creating needs a supreme user; updating needs ``write`` on the campaign (decisions.md #4).
"""

import graphene

from accounts.graphql.access import SUPREME, Operation, campaign_action
from accounts.session import require_fan
from campaigns.graphql.inputs import CampaignInput, to_plain
from campaigns.graphql.types import Campaign
from campaigns.selectors import get_campaign_for_viewer, set_view
from campaigns.services.upsert_campaign import upsert_campaign
from monoql.audit import Actor, Channel


def resolve_upsert_campaign(root, info, campaign):
    """Create or partially update a campaign; returns it with every locale shown."""
    fan = require_fan(info)
    data = to_plain(campaign)
    saved = upsert_campaign(data, actor=Actor.staff(fan, Channel.GRAPHQL))
    return set_view(get_campaign_for_viewer(fan, campaign_id=saved.pk, use_cache=False), None, show_all_locales=True)


class CampaignMutation(graphene.ObjectType):
    upsertCampaign = Operation(
        Campaign,
        campaign=CampaignInput(required=True),
        resolver=resolve_upsert_campaign,
        access=campaign_action(
            "write",
            lambda root, args: args["campaign"].get("id"),
            without_id=SUPREME,
            who="staff with `write` on the campaign to update it, or supreme users (who alone may create one)",
        ),
        summary="Create a campaign (supreme users) or update one by id: its artist, dates, domain, locales and content, form, options and status (OPEN only when publishable).",
        errors=[
            "CAMPAIGN_NOT_FOUND",
            "INVALID_CAMPAIGN",
            "INVALID_CAMPAIGN_SCHEMA",
            "INVALID_CAMPAIGN_STATUS_CHANGE",
            "CAMPAIGN_NOT_PUBLISHABLE",
            "DOMAIN_NAME_CONFLICT",
            "INVALID_DOMAIN",
            "INVALID_DATE",
            "INVALID_LOCALE",
            "INVALID_CAMPAIGN_DATE_ORDER",
            "INVALID_PRESALE_WINDOW_DATE_ORDER",
            "INVALID_TIMEZONE",
            "MISSING_PRESALE_WINDOW_DATE",
            "InvalidPreferenceCampaignSchemaType",
            "InvalidCampaignType",
        ],
    )
