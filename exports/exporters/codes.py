"""Code exporters: ``codes`` (the inventory), ``codeAssignments`` (who got which code), ``codeWaves``
(codes assigned on one day, ``dateKey`` = ``YYYYMMDD``)."""

from datetime import UTC, datetime, timedelta

from codes.models import Code
from exports.exporters.base import Exporter, register
from monoql.dates import iso
from monoql.errors import ValidationFailed

CHUNK = 5000


def code_status(code) -> str:
    """``assigned`` / ``reserved`` / ``available`` (a reservation counts until it is released or expires)."""
    if code.date_assigned:
        return "assigned"
    if code.date_reserved:
        return "reserved"
    return "available"


@register
class CodesExporter(Exporter):
    """``codes``: every code of the campaign, both pools."""

    export_type = "codes"
    header = ["code", "type", "status", "market_id", "assignedTo", "reservedAt", "assignedAt"]

    def rows(self, export):
        rows = Code.objects.filter(campaign_id=export.campaign_id).order_by("type", "code")
        for code in rows.iterator(chunk_size=CHUNK):
            yield [
                code.code,
                code.type,
                code_status(code),
                code.market_id or "",
                code.fan_id or "",
                iso(code.date_reserved) or "",
                iso(code.date_assigned) or "",
            ]


class AssignedCodes(Exporter):
    header = ["code", "type", "userId", "globalUserId", "email", "phone", "campaignId", "marketId", "assignmentDate"]

    def assigned(self, export):
        return Code.objects.filter(campaign_id=export.campaign_id, date_assigned__isnull=False)

    def rows(self, export):
        rows = self.assigned(export).select_related("fan", "entry").order_by("date_assigned", "code")
        for code in rows.iterator(chunk_size=CHUNK):
            fan, entry = code.fan, code.entry
            yield [
                code.code,
                code.type,
                code.fan_id or "",
                fan.global_user_id if fan else "",
                (entry.email if entry else "") or (fan.email if fan else ""),
                (entry.phone if entry else "") or (fan.phone if fan else ""),
                code.campaign_id,
                code.market_id or "",
                iso(code.date_assigned),
            ]


@register
class CodeAssignmentsExporter(AssignedCodes):
    """``codeAssignments``: every assigned code with its fan."""

    export_type = "codeAssignments"


@register
class CodeWavesExporter(AssignedCodes):
    """``codeWaves``: codes assigned on the UTC day ``dateKey`` (``YYYYMMDD``, numeric; catalog §3.9)."""

    export_type = "codeWaves"

    def validate(self, campaign, date_key):
        if not date_key:
            raise ValidationFailed("codeWaves needs a dateKey (YYYYMMDD).", reason="InvalidDateKey", field="dateKey")
        if not date_key.isdigit():
            raise ValidationFailed("dateKey must be numeric (YYYYMMDD).", reason="InvalidDateKeyType", field="dateKey")
        try:
            datetime.strptime(date_key, "%Y%m%d")
        except ValueError:
            raise ValidationFailed(
                "dateKey is not a YYYYMMDD date.", reason="InvalidDateKey", field="dateKey"
            ) from None

    def assigned(self, export):
        day = datetime.strptime(export.date_key, "%Y%m%d").replace(tzinfo=UTC)
        return super().assigned(export).filter(date_assigned__gte=day, date_assigned__lt=day + timedelta(days=1))
