"""``scheduleExport(campaignId, type, dateKey): Export`` (catalog §1.3)."""

import graphene

from accounts.graphql.access import Operation, campaign_action
from exports.documents import export_document
from exports.graphql.access import reporter
from exports.graphql.types import Export
from exports.services.exports import schedule_export
from monoql.audit import Actor, Channel


def resolve_schedule_export(root, info, campaignId, type, dateKey=None):
    """Queue an export (or return the active one for the same campaign + type + dateKey)."""
    fan = reporter(info, campaignId)
    export, _ = schedule_export(
        campaign_id=campaignId, export_type=type, date_key=dateKey, actor=Actor.staff(fan, Channel.GRAPHQL)
    )
    export.refresh_from_db()
    return export_document(export, info.context)


class ExportsMutation(graphene.ObjectType):
    scheduleExport = Operation(
        Export,
        campaignId=graphene.String(required=True),
        type=graphene.String(required=True),
        dateKey=graphene.String(),
        resolver=resolve_schedule_export,
        access=campaign_action("report"),
        summary="Queue an export of the campaign (exportType, with dateKey for wave-based types); answers the export row, PENDING until a worker writes the file.",
        errors=["CampaignNotFound", "InvalidExportType", "InvalidDateKey", "InvalidDateKeyType"],
    )
