"""``campaignExportList`` and ``campaignExport`` (catalog §1.2); every read is logged with its requester."""

import graphene

from exports.documents import export_document
from exports.graphql.access import reporter
from exports.graphql.types import Export
from exports.selectors import export_in_campaign, exports_of
from exports.services.exports import record_access
from monoql.reasons import operation_doc


class ExportsQuery(graphene.ObjectType):
    campaignExportList = graphene.List(
        Export,
        campaignId=graphene.String(required=True),
        limit=graphene.Int(),
        skip=graphene.Int(),
        exportType=graphene.String(),
        description=operation_doc(
            "The campaign's exports, newest first, with their status and download link when finished.",
            "staff with `report` on the campaign, or supreme users",
            "notLoggedIn",
            "INVALID_CAMPAIGN_PERMISSIONS",
            "CampaignNotFound",
        ),
    )
    campaignExport = graphene.Field(
        Export,
        campaignId=graphene.String(required=True),
        exportId=graphene.String(required=True),
        description=operation_doc(
            "One export of the campaign with its status, row count and signed download link (valid for a limited time).",
            "staff with `report` on the campaign, or supreme users",
            "notLoggedIn",
            "INVALID_CAMPAIGN_PERMISSIONS",
            "CampaignNotFound",
            "ExportNotFound",
        ),
    )

    @staticmethod
    def resolve_campaignExportList(root, info, campaignId, limit=None, skip=None, exportType=None):
        fan = reporter(info, campaignId)
        rows = exports_of(campaignId, export_type=exportType, limit=limit, skip=skip)
        record_access(campaignId, fan.pk, "list", "graphql")
        return [export_document(row, info.context) for row in rows]

    @staticmethod
    def resolve_campaignExport(root, info, campaignId, exportId):
        fan = reporter(info, campaignId)
        export = export_in_campaign(campaignId, exportId)
        record_access(campaignId, fan.pk, "read", "graphql", export)
        return export_document(export, info.context)
