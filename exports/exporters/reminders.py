"""Reminder exporters (catalog §3.9, §3.11; docs/exports.md "Reminder exports"): ``reminderEmail``,
``reminderEmailSample`` and ``autoReminderEmail``.

The catalog names no columns for these; they carry what the presale reminder says (``REMINDER_COLUMNS``): who
(email, names, the fan's locale as SFMC spells it), where and when (market, venue, event and presale dates in
UTC ISO-8601, the event link) and the fan's access code. The recipients are the fans holding an assigned code
of the campaign in a market — the selected fans, who can buy in the presale (decisions.md "Reminders").
"""

import io
import re
import zipfile
from collections import defaultdict

from django.conf import settings
from django.utils import timezone

from codes.models import Code
from exports.exporters.base import Exporter, register
from monoql.csv_safety import CsvWriter
from monoql.dates import iso

CHUNK = 5000
REMINDER_COLUMNS = [
    "email",
    "first_name",
    "last_name",
    "locale",
    "country",
    "market_id",
    "market",
    "venue",
    "event_date",
    "presale_date",
    "event_link",
    "code",
    "campaign",
    "artist",
]

#: Country (of the fan's locale) → reminder region (catalog §3.9: US, CA, MX → NA; GB, IE → UK; else NA).
REGION_BY_COUNTRY = {"US": "NA", "CA": "NA", "MX": "NA", "GB": "UK", "IE": "UK"}
#: Locale spellings SFMC expects (catalog §3.9).
SFMC_LOCALES = {"en-mx": "en-us", "en-uk": "en-gb", "en-ie": "en-gb", "en-nz": "en-au"}
#: autoReminderEmail: SFMC business unit (MID) per region (catalog §3.9; the tables' known entries).
SFMC_MID_BY_REGION = {
    "NA": "7222895",
    "LNE": "518008883",
    "MX": "523000091",
    "GB": "1314420",
    "IE": "1362441",
    "DE": "1347780",
    "AU": "1341602",
}
SFMC_NA_PREFIX = "Ticketmaster/7222895/TMDemandMgmt/DM_ArtistPresale_V03"
#: autoReminderEmail: country of the fan's locale → SFMC region (NZ shares AU's unit; unknown → NA).
SFMC_REGION_BY_COUNTRY = {
    "US": "NA",
    "CA": "NA",
    "MX": "MX",
    "GB": "GB",
    "IE": "IE",
    "DE": "DE",
    "AU": "AU",
    "NZ": "AU",
}


def sfmc_locale(locale: str) -> str:
    """``en_US`` → ``en-us`` with SFMC's substitutions (``en_MX`` → ``en-us``, ``en_IE`` → ``en-gb`` …)."""
    spelled = (locale or "en_US").replace("_", "-").lower()
    return SFMC_LOCALES.get(spelled, spelled)


def locale_country(locale: str) -> str:
    """The country part of a locale (``fr_CA`` → ``CA``), ``US`` when there is none."""
    parts = (locale or "").replace("-", "_").split("_")
    return parts[1].upper() if len(parts) > 1 and parts[1] else "US"


def artist_name(campaign) -> str:
    """The name reminders use: a fan club's name (prefixed with the artist's unless it holds it), else the artist's."""
    artist = getattr(campaign.artist, "name", "") if campaign.artist_id else ""
    club = getattr(campaign, "fanclub_name", "") or ""
    if campaign.sub_type == "fanclub" and club:
        return club if artist.lower() in club.lower() else f"{artist} {club}".strip()
    return artist or campaign.name


def reminder_rows(export):
    """Yield one ``REMINDER_COLUMNS`` row per fan holding an assigned code of a market, by market then email."""
    campaign = export.campaign
    artist = artist_name(campaign)
    codes = (
        Code.objects.filter(
            campaign_id=campaign.pk, date_assigned__isnull=False, entry__isnull=False, market__isnull=False
        )
        .select_related("entry__fan", "market")
        .order_by("market__name", "market_id", "entry__email", "pk")
    )
    for code in codes.iterator(chunk_size=CHUNK):
        entry, market = code.entry, code.market
        fan = entry.fan
        yield [
            entry.email or fan.email,
            (fan.first_name),
            (fan.last_name),
            sfmc_locale(entry.locale),
            locale_country(entry.locale),
            market.pk,
            (market.name),
            (market.event_venue_name),
            iso(market.event_date) or "",
            iso(market.event_presale_date_time) or "",
            market.event_link,
            code.code,
            (campaign.name),
            (artist),
        ]


def grouped(rows, key) -> tuple[dict, int]:
    """``({key(row): [rows]}, number of rows)`` (reminder files are split by region and locale)."""
    groups: dict = defaultdict(list)
    count = 0
    for row in rows:
        groups[key(row)].append(row)
        count += 1
    return groups, count


def _csv_text(rows) -> str:
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(REMINDER_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


class ReminderZipExporter(Exporter):
    """A zip of reminder CSVs (``REMINDER_COLUMNS``); subclasses choose how the rows are split into files."""

    extension = "zip"
    content_type = "application/zip"
    header = REMINDER_COLUMNS

    def rows(self, export):
        return reminder_rows(export)


@register
class ReminderEmailExporter(ReminderZipExporter):
    """``reminderEmail``: a zip with one folder per region (``NA/``, ``UK/``) and one CSV per SFMC locale,
    split every ``EXPORT_REMINDER_MAX_ROWS`` rows (``NA/en-us.csv``, ``NA/en-us.2.csv`` …)."""

    export_type = "reminderEmail"

    def write(self, export, binary_file, progress) -> int:
        groups, count = grouped(self.rows(export), lambda row: (REGION_BY_COUNTRY.get(row[4], "NA"), row[3]))
        limit = max(1, settings.EXPORT_REMINDER_MAX_ROWS)
        with zipfile.ZipFile(binary_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for (region, locale), rows in sorted(groups.items()):
                for part, start in enumerate(range(0, len(rows), limit), start=1):
                    name = f"{region}/{locale}.csv" if part == 1 else f"{region}/{locale}.{part}.csv"
                    archive.writestr(name, _csv_text(rows[start : start + limit]))
        progress(count)
        return count


@register
class ReminderEmailSampleExporter(Exporter):
    """``reminderEmailSample``: the first ``SAMPLE_ROWS`` reminder rows of each region and locale, one CSV with
    a ``region`` column — what staff check before the real reminder goes out."""

    export_type = "reminderEmailSample"
    header = ["region", *REMINDER_COLUMNS]
    SAMPLE_ROWS = 5

    def rows(self, export):
        taken: dict[tuple[str, str], int] = defaultdict(int)
        for row in reminder_rows(export):
            key = (REGION_BY_COUNTRY.get(row[4], "NA"), row[3])
            if taken[key] < self.SAMPLE_ROWS:
                taken[key] += 1
                yield [key[0], *row]


def sfmc_region(locale: str, is_lnaa: bool) -> str:
    """autoReminderEmail's region of a fan: by the locale's country; North America is ``LNE`` for LNAA campaigns."""
    region = SFMC_REGION_BY_COUNTRY.get(locale_country(locale), "NA")
    return "LNE" if region == "NA" and is_lnaa else region


def sfmc_prefix(region: str) -> str:
    """``Ticketmaster/7222895/TMDemandMgmt/DM_ArtistPresale_V03`` for NA, else ``TMInternational/{MID}/…``."""
    if region == "NA":
        return SFMC_NA_PREFIX
    return f"TMInternational/{SFMC_MID_BY_REGION[region]}/DM_ArtistPresale/DM_ArtistPresale_V03"


def normalized_artist(name: str) -> str:
    """Letters and digits of the artist name, words joined by ``_`` (``Garth Brooks!`` → ``Garth_Brooks``)."""
    return "_".join(re.findall(r"[A-Za-z0-9]+", name)) or "artist"


@register
class AutoReminderEmailExporter(ReminderZipExporter):
    """``autoReminderEmail``: the files SFMC's automation imports, one CSV per SFMC region, named
    ``{prefix}_{normalizedArtistName}_{campaignId}_{YYYYMMDDHHmm}.csv`` (catalog §3.9), in one zip."""

    export_type = "autoReminderEmail"

    def write(self, export, binary_file, progress) -> int:
        campaign = export.campaign
        is_lnaa = bool((campaign.options or {}).get("isLNAA"))
        stamp = timezone.now().strftime("%Y%m%d%H%M")
        artist = normalized_artist(artist_name(campaign))
        groups, count = grouped(self.rows(export), lambda row: sfmc_region(row[3], is_lnaa))
        with zipfile.ZipFile(binary_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for region, rows in sorted(groups.items()):
                archive.writestr(f"{sfmc_prefix(region)}_{artist}_{campaign.pk}_{stamp}.csv", _csv_text(rows))
        progress(count)
        return count
