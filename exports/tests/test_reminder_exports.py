"""Outbound messages (issue 24, point 1): the four export types the catalog lists that answered
``InvalidExportType`` — ``artistSmsOptIn``, ``reminderEmail``, ``reminderEmailSample``, ``autoReminderEmail`` —
and the waitlist leaving out the fans already in a scheduled SMS wave (catalog §3.9)."""

import csv
import io
import re
import zipfile
from datetime import UTC, datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from codes.models import Code
from conftest import TEST_ACTOR
from entries.models import Entry
from entries.selection.models import Wave, WaveStatus
from entries.selection.tests.selection_factory import add_codes, add_entries, closed_campaign
from exports.models import ExportStatus
from exports.services.exports import run_export, schedule_export

pytestmark = pytest.mark.django_db
PRESALE = datetime(2026, 12, 10, 18, 0, tzinfo=UTC)


@pytest.fixture
def campaign():
    campaign, (boston, london) = closed_campaign(name="Reminder Tour", markets=2)
    boston.name, boston.event_presale_date_time, boston.event_link = "Boston", PRESALE, "https://tm.example/b"
    london.name, london.country = "London", "GB"
    boston.save()
    london.save()
    entries = add_entries(campaign, [((boston.pk,), 0.9, True), ((london.pk,), 0.8, True), ((boston.pk,), 0.5, True)])
    Entry.objects.filter(pk=entries[1].pk).update(locale="en_GB")
    Entry.objects.filter(pk=entries[0].pk).update(fields={"allow_sms": True})
    add_codes(campaign, 3)
    for entry, market, code in zip(entries[:2], (boston, london), Code.objects.order_by("code")[:2], strict=True):
        Code.objects.filter(pk=code.pk).update(entry=entry, fan=entry.fan, market=market, date_assigned=PRESALE)
    return campaign, entries


def _file(export) -> bytes:
    assert export.status == ExportStatus.FINISHED, export.error_message
    with default_storage.open(export.path, "rb") as handle:
        return handle.read()


def _export(campaign, export_type):
    export, _ = schedule_export(campaign_id=campaign.pk, export_type=export_type, actor=TEST_ACTOR)
    return run_export(export.pk)


def test_reminder_email_is_a_zip_by_region_and_sfmc_locale_with_each_fans_code(campaign):
    campaign, entries = campaign
    export = _export(campaign, "reminderEmail")
    archive = zipfile.ZipFile(io.BytesIO(_file(export)))
    assert sorted(archive.namelist()) == ["NA/en-us.csv", "UK/en-gb.csv"]
    rows = list(csv.DictReader(io.StringIO(archive.read("NA/en-us.csv").decode())))
    assert [(row["email"], row["market"], row["code"], row["presale_date"]) for row in rows] == [
        (entries[0].email, "Boston", "TMANY-00000", "2026-12-10T18:00:00Z")
    ]
    assert export.count == 2


def test_reminder_email_sample_lists_a_few_rows_per_region(campaign):
    campaign, _ = campaign
    rows = list(csv.DictReader(io.StringIO(_file(_export(campaign, "reminderEmailSample")).decode())))
    assert [(row["region"], row["locale"], row["market"]) for row in rows] == [
        ("NA", "en-us", "Boston"),
        ("UK", "en-gb", "London"),
    ]


def test_auto_reminder_email_files_are_named_for_sfmc(campaign):
    campaign, _ = campaign
    names = sorted(zipfile.ZipFile(io.BytesIO(_file(_export(campaign, "autoReminderEmail")))).namelist())
    assert len(names) == 2
    assert re.fullmatch(
        rf"TMInternational/1314420/DM_ArtistPresale/DM_ArtistPresale_V03_Reminder_Tour_{campaign.pk}_\d{{12}}\.csv",
        names[0],
    )
    assert re.fullmatch(
        rf"Ticketmaster/7222895/TMDemandMgmt/DM_ArtistPresale_V03_Reminder_Tour_{campaign.pk}_\d{{12}}\.csv", names[1]
    )


def test_artist_sms_opt_in_lists_only_fans_who_agreed_to_texts(campaign):
    campaign, entries = campaign
    lines = _file(_export(campaign, "artistSmsOptIn")).decode().splitlines()
    assert len(lines) == 2 and entries[0].email in lines[1]


def test_waitlist_leaves_out_fans_already_in_a_scheduled_sms_wave(campaign):
    campaign, entries = campaign
    default_storage.save(
        "waves/test/scheduled.csv", ContentFile(f"email,code\n{entries[2].email.upper()},X1\n".encode())
    )
    Wave.objects.create(
        campaign=campaign,
        name="scheduled",
        status=WaveStatus.SCHEDULED,
        csv_path="waves/test/scheduled.csv",
        date_notify=PRESALE,
        date_begin=PRESALE,
        date_end=PRESALE,
    )
    lines = _file(_export(campaign, "waitlist")).decode().splitlines()
    assert len(lines) == 1  # the header: the one unselected fan is in the wave
