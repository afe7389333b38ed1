"""Exports in the admin: schedule from the add form (runs eagerly), history with a download link."""

import pytest

from campaigns.models import Campaign
from exports.models import Export, ExportAccess

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_schedule_an_export_and_see_its_download_link(admin_client):
    # given
    campaign = Campaign.objects.create(name="Admin Export Tour")
    # when
    response = admin_client.post(
        "/admin/exports/export/add/",
        {"campaign": campaign.pk, "export_type": "codes", "date_key": "", "include_all_markets": ""},
    )
    listing = admin_client.get("/admin/exports/export/", {"campaign__id__exact": campaign.pk}).content.decode()
    # then
    assert response.status_code == 302
    export = Export.objects.get()
    assert (export.status, export.export_type, export.requester_user_id) == ("FINISHED", "codes", "staff:admin")
    assert "/api/exports/download/" in listing
    assert ExportAccess.objects.filter(channel="admin", action="schedule").count() == 1


def test_code_waves_without_a_date_key_is_refused_on_the_form(admin_client):
    campaign = Campaign.objects.create(name="Admin Export Tour")
    response = admin_client.post(
        "/admin/exports/export/add/", {"campaign": campaign.pk, "export_type": "codeWaves", "date_key": ""}
    )
    assert response.status_code == 200
    assert "codeWaves needs a dateKey (YYYYMMDD)." in response.content.decode()
    assert Export.objects.count() == 0
