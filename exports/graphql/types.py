"""``Export``, ``ExportDate``, ``ExportError`` (catalog §1.4); resolved from ``export_document`` dicts."""

import json

import graphene


class ExportDate(graphene.ObjectType):
    created = graphene.String(required=True)
    started = graphene.String()
    triggered = graphene.String()
    pending = graphene.String()
    finished = graphene.String()
    failed = graphene.String()
    expired = graphene.String()


class ExportError(graphene.ObjectType):
    message = graphene.String()
    payload = graphene.String(
        description='JSON text of the failure details, e.g. `{"type": "TimeoutError"}` (a String, as the contract types it).'
    )
    stack = graphene.String()

    @staticmethod
    def resolve_payload(error, info):
        payload = error.get("payload")
        return json.dumps(payload, sort_keys=True) if payload is not None else None


class Export(graphene.ObjectType):
    """An export; ``path`` is a download URL signed on every read (1 h), null until FINISHED."""

    id = graphene.String(required=True)
    campaignId = graphene.String(required=True)
    exportType = graphene.String()
    date = graphene.Field(ExportDate, required=True)
    status = graphene.String(required=True)
    count = graphene.Int()
    requesterUserId = graphene.String(required=True)
    error = graphene.Field(ExportError)
    path = graphene.String()
    dateKey = graphene.String()
