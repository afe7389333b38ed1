"""GraphQL types of wave prep and waves (catalog §1.4, §1.5, §1.6): ``WavePrep``, ``WavePrepCount``,
``Wave``, ``WaveStatus``, ``WavePrepFileType``, ``WaveConfigInput``."""

import graphene

from entries.selection import models
from monoql.dates import ISO_UTC, iso
from monoql.graphql.enums import enum_from_choices
from monoql.graphql.inputs import input_of
from monoql.storage import signed_key_url

WaveStatus = enum_from_choices(
    models.WaveStatus,
    name="WaveStatus",
    description="Where a wave stands: scheduled → processing → triggered → completed or failed.",
    descriptions={
        "scheduled": "Waiting for its notify date.",
        "processing": "A worker claimed it at its notify date and prepares its messages.",
        "triggered": "Its messages are being sent (a wave lost now is failed, never re-sent).",
        "completed": "Every message was sent.",
        "failed": "Stopped with an error.",
    },
)
WavePrepFileType = enum_from_choices(
    models.WavePrepFileType,
    name="WavePrepFileType",
    description="Which input of a wave prep an uploaded file is.",
    descriptions={
        "markets": "Market limits: how many fans each market may select.",
        "tmCodes": "Ticketmaster codes to hand out in the wave prep.",
        "nonTmCodes": "Codes of another ticketer to hand out in the wave prep.",
    },
)


class WavePrepDate(graphene.ObjectType):
    """When a wave prep run started and finished."""

    started = graphene.String(
        description="When a worker started the run, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )
    finished = graphene.String(
        description="When the run finished or failed, UTC ISO-8601 date-time (2017-06-18T23:00:00Z); null while it runs."
    )


class WavePrepError(graphene.ObjectType):
    """Why a wave prep run failed."""

    message = graphene.String(description="What went wrong, in English, for staff.")


class WavePrepCount(graphene.ObjectType):
    """Campaign totals with one child per market (``markets``); resolves from the stored count document."""

    name = graphene.String(description="The campaign's or the market's name.")
    eligible = graphene.Int(description="Entries the run could pick (eligible, in score range).")
    selected = graphene.Int(description="Entries selected: each reserved a code in a market.")
    waitlisted = graphene.Int(description="Eligible entries not selected (no room left in their markets).")
    markets = graphene.List(
        lambda: WavePrepCount, description="One child count per market (null on the children themselves)."
    )

    @staticmethod
    def resolve_name(doc, info):
        return doc.get("name")

    @staticmethod
    def resolve_eligible(doc, info):
        return doc.get("eligible")

    @staticmethod
    def resolve_selected(doc, info):
        return doc.get("selected")

    @staticmethod
    def resolve_waitlisted(doc, info):
        return doc.get("waitlisted")

    @staticmethod
    def resolve_markets(doc, info):
        return doc.get("markets")


class WavePrep(graphene.ObjectType):
    """One wave prep run; resolves from an ``entries.models.WavePrep`` row (``path`` signed per read)."""

    date = graphene.Field(WavePrepDate, description="When the run started and finished.")
    status = graphene.String(required=True, description="TRIGGERED (running), FINISHED or FAILED.")
    dateKey = graphene.String(required=True, description="The presale day the run prepares, YYYYMMDD (20261215).")
    error = graphene.Field(WavePrepError, description="Why the run failed; null unless FAILED.")
    path = graphene.String(
        description="Download URL of the prepped zip (selected fans and codes per market), signed for 1 hour; "
        "null until FINISHED."
    )
    count = graphene.Field(WavePrepCount, description="The run's counts: campaign totals and one per market.")

    @staticmethod
    def resolve_date(row, info):
        return {"started": iso(row.date_started), "finished": iso(row.date_finished)}

    @staticmethod
    def resolve_dateKey(row, info):
        return row.date_key

    @staticmethod
    def resolve_error(row, info):
        return {"message": row.error} if row.error else None

    @staticmethod
    def resolve_path(row, info):
        return signed_key_url(row.path, info.context) if row.path else None

    @staticmethod
    def resolve_count(row, info):
        return row.count


class WaveDate(graphene.ObjectType):
    """When a wave was scheduled, notifies, began and ended."""

    scheduled = graphene.String(
        description="When staff scheduled the wave (uploadWave), UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )
    notify = graphene.String(
        description="When the wave's messages are to be sent, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )
    begin = graphene.String(description="When a worker began sending, UTC ISO-8601 date-time (2017-06-18T23:00:00Z).")
    end = graphene.String(
        description="When sending completed or failed, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )


class Wave(graphene.ObjectType):
    """One SMS/email wave; resolves from an ``entries.models.Wave`` row."""

    name = graphene.String(description="The wave's name: its uploaded file's name.")
    status = graphene.Field(WaveStatus, description="Where the wave stands.")
    date = graphene.Field(WaveDate, description="When the wave was scheduled, notifies, began and ended.")
    totalLimit = graphene.Int(description="The most messages the wave sends; null for every row of the file.")
    generateOfferCode = graphene.Boolean(description="True to generate an offer code for each fan messaged.")
    tiedToAccount = graphene.Boolean(description="True when each code works only on the fan's own account.")
    singleUse = graphene.Boolean(description="True when each code can be redeemed once.")
    categoryId = graphene.ID(description="Ticketmaster presale category id the wave's codes unlock.")
    campaignId = graphene.ID(description="The campaign id (24 hex characters).")

    @staticmethod
    def resolve_date(row, info):
        return {
            "scheduled": iso(row.date_created),
            "notify": iso(row.date_notify),
            "begin": iso(row.date_begin),
            "end": iso(row.date_end),
        }

    @staticmethod
    def resolve_totalLimit(row, info):
        return row.total_limit

    @staticmethod
    def resolve_generateOfferCode(row, info):
        return row.generate_offer_code

    @staticmethod
    def resolve_tiedToAccount(row, info):
        return row.tied_to_account

    @staticmethod
    def resolve_singleUse(row, info):
        return row.single_use

    @staticmethod
    def resolve_categoryId(row, info):
        return row.category_id

    @staticmethod
    def resolve_campaignId(row, info):
        return row.campaign_id


#: ``WaveConfigInput`` (catalog §1.5) plus ``singleUse`` (the ``Wave`` type shows it; issue 6).
WaveConfigInput = input_of(
    Wave,
    name="WaveConfigInput",
    only=["categoryId", "campaignId", "totalLimit", "generateOfferCode", "tiedToAccount", "notifyDate", "singleUse"],
    required=["generateOfferCode"],
    extra={
        "categoryId": graphene.Int(description="Ticketmaster presale category id the wave's codes unlock."),
        "notifyDate": graphene.String(
            required=True, description=f"When the wave's messages are to be sent, {ISO_UTC}."
        ),
    },
    description="A wave's settings as staff upload them with its file (uploadWave's config).",
)
