"""Other exporters: ``fanlist``, ``eligibilityBreakdown`` (market × preference rank), ``filterList``, ``scoreExplanations``
(blocked or tagged fans) and ``promoterEmailOptIn`` (a zip with one CSV per promoter)."""

import io
import re
import zipfile

from django.db.models import F, Q

from campaigns.models import Market, Promoter
from entries.metrics import entries_by_market_preference, total_selected_by_market, verified_count_by_market
from entries.models import Entry, FanlistRecord, ScoreContribution, ScoreSignal
from entries.services.bot_signals import WEIGHT_OF, band
from exports.exporters.base import Exporter, register
from exports.reasons import ExportsReason
from monoql.csv_safety import CsvWriter
from monoql.errors import DomainError

CHUNK = 2000


@register
class FanlistExporter(Exporter):
    """``fanlist``: the scored fans of a fanlist campaign, best first."""

    export_type = "fanlist"
    header = ["identifier", "rank", "score"]

    def rows(self, export):
        rows = FanlistRecord.objects.filter(campaign_id=export.campaign_id).order_by("-score", "identifier")
        for record in rows.iterator(chunk_size=CHUNK):
            yield [record.identifier, record.rank, record.score]


@register
class EligibilityBreakdownExporter(Exporter):
    """``eligibilityBreakdown``: per market, entries by preference rank, verified and selected fans."""

    export_type = "eligibilityBreakdown"
    header = ["market_id", "market", "rank_1", "rank_2", "rank_3", "rank_4", "total", "verified", "selected"]

    def rows(self, export):
        campaign = export.campaign
        counts = {row["id"]: row["counts"] for row in entries_by_market_preference(campaign)}
        verified = {row["id"]: row["count"] for row in verified_count_by_market(campaign)}
        selected = {row["id"]: row["count"] for row in total_selected_by_market(campaign)}
        for market in Market.objects.filter(campaign=campaign).order_by("name", "pk"):
            ranks = counts.get(market.pk, [0, 0, 0, 0])
            yield [market.pk, market.name, *ranks, sum(ranks), verified.get(market.pk, 0), selected.get(market.pk, 0)]


@register
class FilterListExporter(Exporter):
    """``filterList``: entries blocked (verdict false) or carrying a tag."""

    export_type = "filterList"
    header = ["entry_id", "globalUserId", "email", "phone", "verdict", "tags"]

    def rows(self, export):
        rows = (
            Entry.objects.filter(campaign_id=export.campaign_id)
            .filter(Q(verdict=False) | ~Q(tags={}))
            .select_related("fan")
            .order_by("pk")
        )
        for entry in rows.iterator(chunk_size=CHUNK):
            yield [
                entry.pk,
                entry.fan.global_user_id or "",
                entry.email,
                entry.phone,
                "true" if entry.verdict else "false",
                "|".join(sorted(entry.tags or {})),
            ]


@register
class PromoterEmailOptInExporter(Exporter):
    """``promoterEmailOptIn``: fans with ``allow_promoter`` true (never ``doNotSell``), one CSV per promoter of
    their primary market, in a zip (``{promoter name}.csv``)."""

    export_type = "promoterEmailOptIn"
    extension = "zip"
    content_type = "application/zip"
    header = ["email", "first_name", "last_name", "locale", "market_id", "market"]

    def _promoters(self, export) -> dict:
        promoter_ids = {
            pid
            for ids in Market.objects.filter(campaign=export.campaign).values_list("promoter_ids", flat=True)
            for pid in (ids or [])
        }
        promoters = {p.pk: p for p in Promoter.objects.filter(pk__in=promoter_ids)}
        if promoter_ids - set(promoters):
            missing = ", ".join(sorted(promoter_ids - set(promoters)))
            raise DomainError(f"Unknown promoter ids on markets: {missing}.", reason=ExportsReason.PromotersNotFound)
        return promoters

    def rows(self, export):
        """Yield ``[promoter id, *header cells]``: one row per opted-in fan and promoter of the primary market."""
        markets = {m.pk: m for m in Market.objects.filter(campaign=export.campaign)}
        rows = Entry.objects.filter(campaign=export.campaign, fan__do_not_sell=False, fields__allow_promoter=True)
        for entry in rows.select_related("fan").order_by("pk").iterator(chunk_size=CHUNK):
            market = markets.get(entry.market_0_id)
            for pid in (market.promoter_ids or []) if market else []:
                yield [
                    pid,
                    entry.email,
                    entry.fan.first_name,
                    entry.fan.last_name,
                    entry.locale,
                    market.pk,
                    market.name,
                ]

    def write(self, export, binary_file, progress) -> int:
        promoters = self._promoters(export)
        buffers = {pid: io.StringIO() for pid in promoters}
        writers = {pid: CsvWriter(buffer) for pid, buffer in buffers.items()}
        for writer in writers.values():
            writer.writerow(self.header)
        count = 0
        for pid, *row in self.rows(export):
            writers[pid].writerow(row)
            count += 1
        with zipfile.ZipFile(binary_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for pid, buffer in sorted(buffers.items(), key=lambda item: promoters[item[0]].name):
                name = re.sub(r"[^A-Za-z0-9._ -]", "_", promoters[pid].name).strip() or pid
                archive.writestr(f"{name}.csv", buffer.getvalue())
        return count


@register
class ScoreExplanationsExporter(Exporter):
    """``scoreExplanations``: each entry's score (the uploaded one where a file scored it, else the bot score), band,
    who scored it, the bot score beside it, and the points each bot-score signal took off
    (``entries.services.bot_score``): why a fan scored low, for staff."""

    export_type = "scoreExplanations"
    signals = [(signal, WEIGHT_OF[signal]) for signal in ScoreSignal]
    header = [
        "entry_id",
        "globalUserId",
        "email",
        "score",
        "band",
        "scored_by",
        "bot_score",
        *(name for _, name in signals),
    ]

    def rows(self, export):
        entries = (
            Entry.objects.filter(campaign_id=export.campaign_id)
            .select_related("fan")
            .annotate(bot=F("bot_score__score"))
            .order_by("pk")
        )
        chunk: list = []
        for entry in entries.iterator(chunk_size=CHUNK):
            chunk.append(entry)
            if len(chunk) == CHUNK:
                yield from self._explained(chunk)
                chunk = []
        yield from self._explained(chunk)

    def _explained(self, chunk):
        points: dict = {}
        contributions = ScoreContribution.objects.filter(entry_id__in=[entry.pk for entry in chunk])
        for entry_id, signal, taken in contributions.values_list("entry_id", "signal", "points"):
            points[(entry_id, signal)] = round(taken, 3)
        for entry in chunk:
            score = entry.score if entry.scored_by == "upload" else entry.bot
            yield [
                entry.pk,
                entry.fan.global_user_id or "",
                entry.email,
                "" if score is None else score,
                band(score),
                "upload" if entry.scored_by == "upload" else "" if entry.bot is None else "monoql",
                "" if entry.bot is None else entry.bot,
                *(points.get((entry.pk, signal), 0) for signal, _ in self.signals),
            ]
