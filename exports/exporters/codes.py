"""Code exporters: ``codes`` (the inventory), ``codeAssignments`` (who got which code), ``codeWaves``
(codes assigned on one day, ``dateKey`` = ``YYYYMMDD``)."""

from datetime import UTC, datetime, timedelta

from codes.models import Code
from exports.exporters.base import Exporter, register
from exports.reasons import ExportsReason
from monoql.core_reasons import CoreReason
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
        # Plain tuples through a server-side cursor: 1.5 million assigned codes at Eras scale, where building a
        # code, a fan and an entry model per row (their JSON columns included) cost ten times the query.
        rows = (
            self.assigned(export)
            .order_by("date_assigned", "code")
            .values_list(
                "code",
                "type",
                "fan_id",
                "fan__global_user_id",
                "entry__email",
                "fan__email",
                "entry__phone",
                "fan__phone",
                "campaign_id",
                "market_id",
                "date_assigned",
            )
        )
        for (
            code,
            kind,
            fan_id,
            guid,
            entry_email,
            fan_email,
            entry_phone,
            fan_phone,
            campaign,
            market,
            date,
        ) in rows.iterator(chunk_size=CHUNK):
            yield [
                code,
                kind,
                fan_id or "",
                guid or "",
                entry_email or fan_email or "",
                entry_phone or fan_phone or "",
                campaign,
                market or "",
                iso(date),
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
            raise ValidationFailed(
                "codeWaves needs a dateKey (YYYYMMDD).", reason=CoreReason.InvalidDateKey, field="dateKey"
            )
        if not date_key.isdigit():
            raise ValidationFailed(
                "dateKey must be numeric (YYYYMMDD).", reason=ExportsReason.InvalidDateKeyType, field="dateKey"
            )
        try:
            datetime.strptime(f"{date_key}+0000", "%Y%m%d%z")
        except ValueError:
            raise ValidationFailed(
                "dateKey is not a YYYYMMDD date.", reason=CoreReason.InvalidDateKey, field="dateKey"
            ) from None

    def assigned(self, export):
        day = datetime.strptime(export.date_key, "%Y%m%d").replace(tzinfo=UTC)
        return super().assigned(export).filter(date_assigned__gte=day, date_assigned__lt=day + timedelta(days=1))
