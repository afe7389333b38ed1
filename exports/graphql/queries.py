"""``campaignExportList`` and ``campaignExport`` (catalog §1.2); every read is logged with its requester."""

import graphene

from accounts.graphql.access import Operation, campaign_action
from exports.documents import export_document
from exports.graphql.access import reporter
from exports.graphql.types import Export
from exports.selectors import export_in_campaign, exports_of
from exports.services.exports import record_access


class ExportsQuery(graphene.ObjectType):
    campaignExportList = Operation(
        graphene.List(Export),
        campaignId=graphene.String(required=True),
        limit=graphene.Int(),
        skip=graphene.Int(),
        exportType=graphene.String(),
        access=campaign_action("report"),
        summary="The campaign's exports, newest first, with their status and download link when finished.",
        errors=["CampaignNotFound"],
    )
    campaignExport = Operation(
        Export,
        campaignId=graphene.String(required=True),
        exportId=graphene.String(required=True),
        access=campaign_action("report"),
        summary="One export of the campaign with its status, row count and signed download link (valid for a limited time).",
        errors=["CampaignNotFound", "ExportNotFound"],
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
