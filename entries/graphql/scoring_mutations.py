"""Staff writes on registration data (catalog §1.3): ``uploadScored``, ``uploadBlacklist``,
``uploadFanlist``, ``addTags``, ``flipVerdicts``, ``upsertStat``."""

import graphene
from django.core.files.storage import default_storage
from graphene_file_upload.scalars import Upload

from accounts.graphql.access import SUPREME, Operation, campaign_action, staff_actor
from campaigns.selectors import campaign_or_404
from codes.reasons import CodesReason
from entries.graphql.metrics_types import File, FilterType, Stat, StatsType, UpdatedCount
from entries.services.blacklist import upload_blacklist
from entries.services.fanlist import upload_fanlist
from entries.services.invites import upload_invites
from entries.services.scoring import upload_scored
from entries.services.stats import upsert_stat
from entries.services.verdicts import add_tags, flip_verdicts
from monoql.errors import ValidationFailed
from monoql.graphql.scalars import JSON

CSV = "text/csv"


def _file(file):
    if not hasattr(file, "read"):
        raise ValidationFailed("file must be a multipart file part.", reason=CodesReason.INVALID_FILE, field="file")
    return file


def _enum(value):
    return getattr(value, "value", value)


def resolve_upload_scored(root, info, file, fileSize, campaignId, campaignName):
    """Store and match a scored file (``write``); answers the File with ``report`` counts."""
    campaign = campaign_or_404(campaignId)
    scored = upload_scored(
        campaign_id=campaign.pk,
        campaign_name=campaignName,
        stream=_file(file),
        declared_size=fileSize,
        actor=staff_actor(info),
    )
    scored.refresh_from_db()
    report = {
        "status": scored.status,
        "rows": scored.rows,
        "matched": scored.matched,
        "unmatched": scored.unmatched,
        "verified": scored.verified,
    }
    return {"url": default_storage.url(scored.path), "name": scored.name, "contentType": CSV, "report": report}


def resolve_upload_blacklist(root, info, file, fileSize, fileName=None):
    """Add to the global blacklist (supreme only)."""
    result = upload_blacklist(
        stream=_file(file),
        declared_size=fileSize,
        file_name=fileName or getattr(file, "name", None),
        actor=staff_actor(info),
    )
    report = {key: result[key] for key in ("in", "added", "entriesBlocked")}
    return {"url": default_storage.url(result["path"]), "name": result["name"], "contentType": CSV, "report": report}


def resolve_upload_fanlist(root, info, file, fileSize, campaignId):
    """Store a fanlist file of a fanlist campaign (``write``)."""
    campaign = campaign_or_404(campaignId)
    upload = upload_fanlist(
        campaign_id=campaign.pk,
        stream=_file(file),
        declared_size=fileSize,
        file_name=getattr(file, "name", None),
        actor=staff_actor(info),
    )
    report = {"status": upload.status, "rowsIn": upload.rows_in, "rows": upload.rows}
    return {"url": default_storage.url(upload.path), "name": upload.name, "contentType": CSV, "report": report}


def resolve_upload_invites(root, info, file, fileSize, campaignId, fileName=None):
    """Load an invite list into an inviteOnly campaign (``write``)."""
    campaign = campaign_or_404(campaignId)
    upload = upload_invites(
        campaign_id=campaign.pk,
        stream=_file(file),
        declared_size=fileSize,
        file_name=fileName or getattr(file, "name", None),
        actor=staff_actor(info),
    )
    report = {"identifierType": upload.identifier_type, "rowsIn": upload.rows_in, "added": upload.added}
    return {"url": default_storage.url(upload.path), "name": upload.name, "contentType": CSV, "report": report}


def resolve_add_tags(root, info, campaignId, fileRecords, targetField, tagName):
    campaign = campaign_or_404(campaignId)
    return {
        "count": add_tags(
            campaign_id=campaign.pk,
            file_records=fileRecords,
            target_field=targetField,
            tag_name=tagName,
            actor=staff_actor(info),
        )
    }


def resolve_flip_verdicts(root, info, campaignId, tagName, filterType):
    campaign = campaign_or_404(campaignId)
    count = flip_verdicts(
        campaign_id=campaign.pk, tag_name=tagName, filter_type=_enum(filterType), actor=staff_actor(info)
    )
    return {"count": count}


def resolve_upsert_stat(root, info, campaignId, dateId, type, marketId=None, status=None, meta=None, count=None):
    campaign = campaign_or_404(campaignId)
    return upsert_stat(
        campaign_id=campaign.pk,
        stat_type=_enum(type),
        date_id=dateId,
        market_id=marketId,
        status=_enum(status),
        meta=meta,
        count=count,
        actor=staff_actor(info),
    )


class ScoringMutation(graphene.ObjectType):
    uploadScored = Operation(
        File,
        file=Upload(required=True),
        fileSize=graphene.Int(required=True),
        campaignId=graphene.String(required=True),
        campaignName=graphene.String(required=True),
        resolver=resolve_upload_scored,
        access=campaign_action("write"),
        summary="Upload a scored CSV (fans' scores 0–1 and verdicts) and apply it to the campaign's entries.",
        errors=[
            "CAMPAIGN_NOT_FOUND",
            "FILE_TOO_LARGE",
            "NOT_TEXT",
            "EMPTY_FILE",
            "MISSING_COLUMN",
            "INVALID_SCORE",
            "INVALID_VERDICT",
            "FILE_SIZE_MISMATCH",
            "INVALID_IDENTIFIER",
            "INVALID_FILE",
        ],
    )
    uploadBlacklist = Operation(
        File,
        file=Upload(required=True),
        fileSize=graphene.Int(required=True),
        fileName=graphene.String(),
        resolver=resolve_upload_blacklist,
        access=SUPREME,
        summary="Upload a CSV of emails and phone numbers to block in every campaign (entries with them are never selected).",
        errors=[
            "FILE_TOO_LARGE",
            "NOT_TEXT",
            "EMPTY_FILE",
            "INVALID_BLACKLIST_VALUE",
            "FILE_SIZE_MISMATCH",
            "INVALID_FILE",
        ],
    )
    uploadFanlist = Operation(
        File,
        file=Upload(required=True),
        fileSize=graphene.Int(required=True),
        campaignId=graphene.String(required=True),
        resolver=resolve_upload_fanlist,
        access=campaign_action("write"),
        summary="Upload a fanlist (identifiers and ranks) into a fanlist campaign.",
        errors=[
            "CAMPAIGN_NOT_FOUND",
            "NOT_FANLIST_CAMPAIGN",
            "FILE_TOO_LARGE",
            "EMPTY_FILE",
            "MISSING_COLUMN",
            "INVALID_IDENTIFIER",
            "INVALID_RANK",
            "INVALID_FILE",
            "MISSING_SCORING",
        ],
    )
    uploadInvites = Operation(
        File,
        file=Upload(required=True),
        fileSize=graphene.Int(required=True),
        campaignId=graphene.String(required=True),
        fileName=graphene.String(),
        resolver=resolve_upload_invites,
        access=campaign_action("write"),
        summary="Upload an invite list (a CSV with the column of the identifier the campaign's inviteOnly gate "
        "uses: memberId, globalUserId or email) into the campaign; lists only grow. report: {identifierType, "
        "rowsIn, added}.",
        errors=[
            "CAMPAIGN_NOT_FOUND",
            "NOT_INVITE_ONLY",
            "FILE_TOO_LARGE",
            "FILE_SIZE_MISMATCH",
            "NOT_TEXT",
            "EMPTY_FILE",
            "MISSING_COLUMN",
            "INVALID_IDENTIFIER",
            "INVALID_FILE",
        ],
    )
    addTags = Operation(
        UpdatedCount,
        campaignId=graphene.String(required=True),
        fileRecords=graphene.List(graphene.String, required=True),
        targetField=graphene.String(required=True),
        tagName=graphene.String(required=True),
        resolver=resolve_add_tags,
        access=campaign_action("write"),
        summary="Tag the campaign's entries matching the given records (emails, phones, member ids) with tagName.",
        errors=["CAMPAIGN_NOT_FOUND", "INVALID_TAG_NAME", "invalidTargetField", "TOO_MANY_RECORDS"],
    )
    flipVerdicts = Operation(
        UpdatedCount,
        campaignId=graphene.String(required=True),
        tagName=graphene.String(required=True),
        filterType=FilterType(required=True),
        resolver=resolve_flip_verdicts,
        access=campaign_action("write"),
        summary="Block (filterType block) or allow the entries carrying tagName.",
        errors=["CAMPAIGN_NOT_FOUND", "INVALID_TAG_NAME", "INVALID_FILTER_TYPE"],
    )
    upsertStat = Operation(
        Stat,
        campaignId=graphene.ID(required=True),
        marketId=graphene.ID(),
        dateId=graphene.String(required=True),
        type=StatsType(required=True),
        status=graphene.String(),
        meta=JSON(),
        count=JSON(),
        resolver=resolve_upsert_stat,
        access=campaign_action("write"),
        summary="Create or update one stats row of the campaign (market, dateId, type) with its status, count and meta.",
        errors=["CAMPAIGN_NOT_FOUND", "MARKET_NOT_FOUND", "INVALID_DATE_ID", "INVALID_TYPE", "INVALID_STATUS"],
    )
