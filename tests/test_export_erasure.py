"""An export written while a fan of its campaign is erased never keeps that fan (issue 36, item 1's last point):
the erasure commits after the export read its rows and before it was published; the export sees the new erasure
and writes its file again."""

import csv
import io

import pytest
from django.core.files.storage import default_storage

from conftest import TEST_ACTOR
from entries.selection.tests.selection_factory import add_entries, closed_campaign
from exports.models import ExportStatus
from exports.services import exports
from monoql.workflows.privacy import erase_fan

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_fan_erased_while_the_export_is_written_is_not_in_its_file(monkeypatch):
    # given a campaign of three fans, and an erasure of one of them committing while the scoring export writes
    campaign, (market, *_) = closed_campaign(markets=1)
    entries = add_entries(campaign, [([market.pk], 0.9, True)] * 3)
    erased = entries[1]
    real_write = exports._HashingFile.write
    done = []

    def write_then_erase(self, data):
        written = real_write(self, data)
        if not done and erased.email.encode() in bytes(data):  # the fan's row was read and is being written
            done.append(erase_fan(erased.fan_id, actor=TEST_ACTOR))
        return written

    monkeypatch.setattr(exports._HashingFile, "write", write_then_erase)
    # when the export runs (queued and run at once: eager tasks)
    export = exports.schedule_export(campaign_id=campaign.pk, export_type="scoring", actor=TEST_ACTOR)[0]
    export.refresh_from_db()
    # then it finished, and its file names the two other fans only
    assert done and export.status == ExportStatus.FINISHED and export.count == 2
    with default_storage.open(export.path, "rb") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig"))))
    assert sorted(row["email"] for row in rows) == sorted([entries[0].email, entries[2].email])
