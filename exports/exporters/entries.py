"""Entry exporters (catalog §3.9 "Entries/scoring row columns"): ``entries``, ``verifiedEntries``,
``waitlist``, ``scoring``, ``artistOptIn``, ``livenationOptIn``."""

import io

from django.db import connection
from django.db.models import F

from campaigns.models import Market
from entries.metrics import eligible_entries, verified_entries
from entries.models import ENTRY_SCORE, Entry
from entries.selection.services.waves import scheduled_wave_recipients
from exports.exporters.base import Exporter, register
from exports.exporters.entries_copy import copy_rows, copy_sql
from monoql.csv_safety import CsvWriter
from monoql.dates import iso

CHUNK = 2000
ENTRY_COLUMNS = [
    "id",
    "contest_title",
    "entry_date",
    "tm_id",
    "globalUserId",
    "ip_address",
    "email",
    "first_name",
    "last_name",
    "Zip Code",
    "Mobile Phone",
    "Hbase_ID",
    "Select Show",
    "Event_ID",
    "locale",
    "campaign_id",
    "Phone confirmed",
]


def select_show(market) -> str:
    """``"{M/DD of the event date, UTC} - {city}, {state}"`` (catalog §3.9)."""
    if market is None:
        return ""
    day = f"{market.event_date.month}/{market.event_date.day:02d}" if market.event_date else ""
    place = ", ".join(part for part in (market.city, market.state) if part)
    return f"{day} - {place}" if day else place


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return "" if value is None else str(value)


def _csv_line(columns) -> str:
    buffer = io.StringIO()
    CsvWriter(buffer).writerow(columns)
    return buffer.getvalue()


def _field_of_type(preferences, kind):
    return next((spec["id"] for spec in preferences if spec.get("type") == kind), None)


class EntryRows(Exporter):
    """One row per entry (its primary market), plus one per other chosen market with ``includeAllMarkets``."""

    def entries(self, campaign):
        return Entry.objects.filter(campaign_id=campaign.pk)

    def columns(self, export):
        return ENTRY_COLUMNS + [
            f"#{spec.get('type')}.{spec['id']}" for spec in export.campaign.preferences if spec.get("id")
        ]

    def write(self, export, binary_file, progress) -> int:
        """On PostgreSQL the rows come from ``COPY`` (``entries_copy``); elsewhere from ``rows``."""
        if connection.vendor != "postgresql":
            return super().write(export, binary_file, progress)
        campaign = export.campaign
        binary_file.write(_csv_line(self.columns(export)).encode("utf-8"))
        ids_sql, params = self.entries(campaign).values("pk").order_by().query.sql_with_params()
        sql, field_ids = copy_sql(
            export,
            ids_sql,
            _field_of_type(campaign.preferences, "name"),
            _field_of_type(campaign.preferences, "zip"),
            [spec["id"] for spec in campaign.preferences if spec.get("id")],
        )
        return copy_rows(sql, [field_ids, *params], binary_file, progress)

    def rows(self, export):
        campaign = export.campaign
        markets = {m.pk: m for m in Market.objects.filter(campaign=campaign)}
        prefs = [spec for spec in campaign.preferences if spec.get("id")]
        first = _field_of_type(campaign.preferences, "name")
        zip_field = _field_of_type(campaign.preferences, "zip")
        queryset = self.entries(campaign).select_related("fan").order_by("pk")
        for entry in queryset.iterator(chunk_size=CHUNK):
            fan = entry.fan
            base = [
                entry.pk,
                campaign.name,
                iso(entry.date_created),
                fan.member_id or "",
                fan.global_user_id or "",
                (entry.origin or {}).get("ip", ""),
                (entry.email or fan.email),
                (fan.first_name or (entry.fields.get(first) if first else "") or entry.fields.get("first_name", "")),
                (fan.last_name or entry.fields.get("last_name", "")),
                ((entry.fields.get(zip_field) if zip_field else "") or fan.zip),
                entry.phone or fan.phone,
                fan.pk,
            ]
            tail = [
                entry.locale,
                campaign.pk,
                "true" if entry.date_phone_confirmed else "false",
                *[_cell(entry.fields.get(spec["id"], False)) for spec in prefs],
            ]
            chosen = entry.market_ids if export.include_all_markets else entry.market_ids[:1]
            for market_id in chosen or [None]:
                market = markets.get(market_id)
                yield base + [select_show(market), ",".join(market.event_ids) if market else ""] + tail


@register
class EntriesExporter(EntryRows):
    """``entries``: every entry of the campaign."""

    export_type = "entries"


@register
class VerifiedEntriesExporter(EntryRows):
    """``verifiedEntries``: counted entries with verdict true (phone-confirmed when required)."""

    export_type = "verifiedEntries"

    def entries(self, campaign):
        return verified_entries(campaign)


class OptInExporter(EntryRows):
    """Entries whose opt-in field ``opt_in_field`` is true; ``doNotSell`` fans never appear."""

    opt_in_field = ""

    def entries(self, campaign):
        rows = Entry.objects.filter(campaign_id=campaign.pk, fan__do_not_sell=False)
        return rows.filter(**{f"fields__{self.opt_in_field}": True})


@register
class ArtistOptInExporter(OptInExporter):
    export_type = "artistOptIn"
    opt_in_field = "allow_marketing"


@register
class LivenationOptInExporter(OptInExporter):
    export_type = "livenationOptIn"
    opt_in_field = "allow_livenation"


@register
class ArtistSmsOptInExporter(OptInExporter):
    """``artistSmsOptIn``: entries whose fan agreed to the artist's text messages (form field ``allow_sms``)."""

    export_type = "artistSmsOptIn"
    opt_in_field = "allow_sms"


@register
class WaitlistExporter(Exporter):
    """``waitlist`` (decisions.md #36): eligible fans holding no assigned code, best score first, leaving out the
    fans already in a scheduled SMS wave of the campaign (catalog §3.9: by globalUserId, email or phone)."""

    export_type = "waitlist"
    header = ["entry_id", "globalUserId", "tm_id", "email", "Mobile Phone", "locale", "market_ids", "score"]

    def rows(self, export):
        rows = (
            eligible_entries(export.campaign)
            .select_related("fan")
            .annotate(ranked_score=ENTRY_SCORE)
            .order_by(F("ranked_score").desc(nulls_last=True), "random_score", "pk")
        )
        in_waves = scheduled_wave_recipients(export.campaign_id)
        for entry in rows.iterator(chunk_size=CHUNK):
            if in_waves and (
                entry.fan.global_user_id in in_waves
                or (entry.email or "").lower() in in_waves
                or (entry.phone and entry.phone in in_waves)
            ):
                continue
            yield [
                entry.pk,
                entry.fan.global_user_id or "",
                entry.fan.member_id or "",
                (entry.email),
                entry.phone,
                entry.locale,
                "|".join(entry.market_ids),
                "" if entry.ranked_score is None else entry.ranked_score,
            ]


@register
class ScoringExporter(Exporter):
    """``scoring``: the scoring record of every entry (catalog §3.6.4 fields)."""

    export_type = "scoring"
    header = [
        "globalUserId",
        "memberId",
        "email",
        "phone",
        "first_name",
        "last_name",
        "locale",
        "market_ids",
        "score",
        "random_score",
        "verdict",
        "tags",
    ]

    def rows(self, export):
        rows = (
            Entry.objects.filter(campaign_id=export.campaign_id)
            .select_related("fan")
            .annotate(ranked_score=ENTRY_SCORE)
            .order_by("pk")
        )
        for entry in rows.iterator(chunk_size=CHUNK):
            fan = entry.fan
            yield [
                fan.global_user_id or "",
                fan.member_id or "",
                (entry.email),
                entry.phone,
                (fan.first_name),
                (fan.last_name),
                entry.locale,
                "|".join(entry.market_ids),
                "" if entry.ranked_score is None else entry.ranked_score,
                entry.random_score,
                "true" if entry.verdict else "false",
                "|".join(sorted(entry.tags or {})),
            ]
