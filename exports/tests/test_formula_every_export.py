"""Formula injection in every export (issue 33 point 4; OWASP "CSV Injection"): every registered export type,
run over a campaign whose every text column holds a value that starts a formula, writes no cell that a
spreadsheet would run — through the one writer every export shares (``monoql.csv_safety.CsvWriter``)."""

import csv
import io
import zipfile

import pytest
from django.core.files.storage import default_storage

from campaigns.models import Campaign
from conftest import TEST_ACTOR
from entries.models import FanlistRecord, FanlistUpload
from exports.exporters import EXPORTERS
from exports.models import ExportStatus
from exports.services.exports import run_export, schedule_export
from exports.tests.test_exporters import world  # noqa: F401 - the shared campaign with three fans
from monoql.csv_safety import FORMULA_STARTS, PLAIN_NUMBER, CsvWriter

pytestmark = pytest.mark.django_db

#: A valid email address that is a formula (the hostile tests' case), and others of each starting character.
EMAIL = "=cmd|'/ccalc'!a0@evil.test"
HOSTILE = ['=HYPERLINK("http://evil.example")', "+SUM(1,2)", "-2+3", "@SUM(A1)", "\tTabbed", "\rReturn"]
#: Type → what it needs besides the campaign.
KWARGS = {"codeWaves": {"date_key": "20261101"}}


def _poison(campaign, markets, entries, promoter):
    campaign.name = HOSTILE[0]
    campaign.save()
    for n, market in enumerate(markets):
        market.name, market.city, market.state = f"{HOSTILE[1]}{n}", HOSTILE[2], HOSTILE[3]
        market.event_venue_name, market.event_ids = HOSTILE[4], [HOSTILE[5], "E1"]
        market.save()
    promoter.name = HOSTILE[3]
    promoter.save()
    for n, entry in enumerate(entries):
        entry.fan.first_name, entry.fan.last_name, entry.fan.zip = HOSTILE[n % 6], HOSTILE[(n + 1) % 6], HOSTILE[2]
        entry.fan.email = EMAIL
        entry.fan.save()
        entry.email = EMAIL if n == 0 else f"{HOSTILE[3]}{n}@evil.test"
        entry.fields = {**entry.fields, "email": EMAIL, "free": HOSTILE[n % 6]}
        entry.tags = {HOSTILE[0]: True} if n else entry.tags
        entry.locale = HOSTILE[4] if n == 2 else entry.locale
        entry.save()


def _cells(data: bytes, extension: str) -> list[str]:
    texts = (
        [zipfile.ZipFile(io.BytesIO(data)).read(name).decode() for name in zipfile.ZipFile(io.BytesIO(data)).namelist()]
        if extension == "zip"
        else [data.decode()]
    )
    return [cell for text in texts for row in csv.reader(io.StringIO(text)) for cell in row]


def _runs(campaign, export_type):
    export, _ = schedule_export(
        campaign_id=campaign.pk, export_type=export_type, **KWARGS.get(export_type, {}), actor=TEST_ACTOR
    )
    export = run_export(export.pk)
    assert export.status == ExportStatus.FINISHED, (export_type, export.error_message)
    with default_storage.open(export.path, "rb") as handle:
        return _cells(handle.read(), EXPORTERS[export_type].extension)


@pytest.mark.parametrize("export_type", sorted(EXPORTERS))
def test_no_export_writes_a_cell_a_spreadsheet_would_run(world, export_type):  # noqa: F811
    # given a campaign whose every text column starts a formula (a fanlist campaign for the fanlist export)
    campaign, paris, lyon, entries, promoter = world
    _poison(campaign, [paris, lyon], entries, promoter)
    if export_type == "fanlist":
        campaign = Campaign.objects.create(name=HOSTILE[0], type="fanlist", options={"scoring": "raw"})
        upload = FanlistUpload.objects.create(campaign=campaign, name="f.csv", path="x", scoring="raw")
        FanlistRecord.objects.create(campaign=campaign, upload=upload, identifier=EMAIL, rank=0.4, score=0.4)
    # when the export runs
    cells = _runs(campaign, export_type)
    # then it wrote rows, and no cell starts a formula unless it is a plain number (an E.164 phone, a score)
    assert len(cells) > len(EXPORTERS[export_type].header or []), export_type
    running = [c for c in cells if c.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(c)]
    assert running == [], export_type


def test_the_writer_keeps_plain_numbers_and_quotes_formulas():
    out = io.StringIO()
    CsvWriter(out).writerow(["+12125550100", "-3", "0.5", EMAIL, "-2+3", None, 7])
    assert out.getvalue() == "+12125550100,-3,0.5,'=cmd|'/ccalc'!a0@evil.test,'-2+3,,7\n"
