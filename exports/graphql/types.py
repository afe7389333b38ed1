"""``Export``, ``ExportDate``, ``ExportError`` (catalog §1.4); resolved from ``export_document`` dicts."""

import json

import graphene

_WHEN = "When the export {}, UTC ISO-8601 date-time (2017-06-18T23:00:00Z); null until then."


class ExportDate(graphene.ObjectType):
    """The moments of an export's life."""

    created = graphene.String(
        required=True,
        description="When the export was asked for (scheduleExport), UTC ISO-8601 date-time (2017-06-18T23:00:00Z).",
    )
    started = graphene.String(description=_WHEN.format("started running on a worker"))
    triggered = graphene.String(description=_WHEN.format("was handed to a worker"))
    pending = graphene.String(description=_WHEN.format("was queued"))
    finished = graphene.String(description=_WHEN.format("finished (its file is ready)"))
    failed = graphene.String(description=_WHEN.format("failed"))
    expired = graphene.String(description=_WHEN.format("expired (its file deleted after the retention period)"))


class ExportError(graphene.ObjectType):
    """Why an export failed."""

    message = graphene.String(description="What went wrong, in English, for staff.")
    payload = graphene.String(
        description='JSON text of the failure details, e.g. `{"type": "TimeoutError"}` (a String, as the contract types it).'
    )
    stack = graphene.String(description="Where it went wrong in the worker (for engineers); may be null.")

    @staticmethod
    def resolve_payload(error, info):
        payload = error.get("payload")
        return json.dumps(payload, sort_keys=True) if payload is not None else None


class Export(graphene.ObjectType):
    """An export; ``path`` is a download URL signed on every read (1 h), null until FINISHED."""

    id = graphene.String(required=True, description="The export id (24 hex characters).")
    campaignId = graphene.String(required=True, description="The campaign id (24 hex characters).")
    exportType = graphene.String(description="The export type, such as entries, masterCodes or codeWaves.")
    date = graphene.Field(ExportDate, required=True, description="When the export was asked for, ran and ended.")
    status = graphene.String(required=True, description="PENDING, TRIGGERED, FINISHED, FAILED or EXPIRED.")
    count = graphene.Int(description="How many rows the export's file holds (header excluded); null until FINISHED.")
    requesterUserId = graphene.String(required=True, description="Id of the staff member who asked for it.")
    error = graphene.Field(ExportError, description="Why the export failed; null unless FAILED.")
    path = graphene.String(description="Download URL of the file, signed on every read for 1 hour.")
    dateKey = graphene.String(description="The presale day the export is about, YYYYMMDD, for per-day exports.")
