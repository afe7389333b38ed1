"""The exports app's field of ``FanlistCampaign`` (composed in ``monoql/schema.py``)."""

import graphene

from accounts.permissions import has_campaign_action
from accounts.session import current_fan
from exports.documents import export_document
from exports.graphql.types import Export
from exports.selectors import exports_of


class FanlistCampaignExportFields:
    """``exports`` of ``FanlistCampaign`` (catalog §3.9)."""

    exports = graphene.List(Export, description="The campaign's exports, newest first (staff only).")

    @staticmethod
    def resolve_exports(campaign, info):
        """The campaign's exports (staff with ``report`` only; others get an empty list)."""
        if not has_campaign_action(current_fan(info), campaign.pk, "report"):
            return []
        return [export_document(row, info.context) for row in exports_of(campaign.pk)]
