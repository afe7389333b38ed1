"""GraphQL types of wave prep and waves (catalog §1.4, §1.5, §1.6): ``WavePrep``, ``WavePrepCount``,
``Wave``, ``WaveStatus``, ``WavePrepFileType``, ``WaveConfigInput``."""

import graphene

from monoql.dates import iso
from monoql.storage import signed_key_url


class WaveStatus(graphene.Enum):
    """Where a wave stands: scheduled → processing → triggered → completed or failed."""

    scheduled = "scheduled"
    triggered = "triggered"
    completed = "completed"
    processing = "processing"
    failed = "failed"

    @property
    def description(self):
        return {
            "scheduled": "Waiting for its notify date.",
            "triggered": "Its messages are being sent (a wave lost now is failed, never re-sent).",
            "processing": "A worker claimed it at its notify date and prepares its messages.",
            "completed": "Every message was sent.",
            "failed": "Stopped with an error.",
        }.get(self.name)


class WavePrepFileType(graphene.Enum):
    """Which input of a wave prep an uploaded file is."""

    markets = "markets"
    tmCodes = "tmCodes"
    nonTmCodes = "nonTmCodes"

    @property
    def description(self):
        return {
            "markets": "Market limits: how many fans each market may select.",
            "tmCodes": "Ticketmaster codes to hand out in the wave prep.",
            "nonTmCodes": "Codes of another ticketer to hand out in the wave prep.",
        }.get(self.name)


class WavePrepDate(graphene.ObjectType):
    started = graphene.String()
    finished = graphene.String()


class WavePrepError(graphene.ObjectType):
    message = graphene.String()


class WavePrepCount(graphene.ObjectType):
    """Campaign totals with one child per market (``markets``); resolves from the stored count document."""

    name = graphene.String()
    eligible = graphene.Int()
    selected = graphene.Int()
    waitlisted = graphene.Int()
    markets = graphene.List(lambda: WavePrepCount)

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

    date = graphene.Field(WavePrepDate)
    status = graphene.String(required=True)
    dateKey = graphene.String(required=True)
    error = graphene.Field(WavePrepError)
    path = graphene.String()
    count = graphene.Field(WavePrepCount)

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
    scheduled = graphene.String()
    notify = graphene.String()
    begin = graphene.String()
    end = graphene.String()


class Wave(graphene.ObjectType):
    """One SMS/email wave; resolves from an ``entries.models.Wave`` row."""

    name = graphene.String()
    status = graphene.Field(WaveStatus)
    date = graphene.Field(WaveDate)
    totalLimit = graphene.Int()
    generateOfferCode = graphene.Boolean()
    tiedToAccount = graphene.Boolean()
    singleUse = graphene.Boolean()
    categoryId = graphene.ID()
    campaignId = graphene.ID()

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


class WaveConfigInput(graphene.InputObjectType):
    """``WaveConfigInput`` (catalog §1.5) plus ``singleUse`` (the ``Wave`` type shows it; issue 6)."""

    categoryId = graphene.Int()
    campaignId = graphene.ID()
    totalLimit = graphene.Int()
    generateOfferCode = graphene.Boolean(required=True)
    tiedToAccount = graphene.Boolean()
    notifyDate = graphene.String(required=True)
    singleUse = graphene.Boolean()
