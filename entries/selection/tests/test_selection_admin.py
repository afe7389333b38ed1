"""Wave prep, selection and waves in the admin: files + switches queue a run, the page shows per-market
counts and the zip, the action queues selection, waves are scheduled and cancelled."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from codes.models import Code
from entries.models import Stat
from entries.selection.models import Wave, WavePrep
from entries.selection.tests.selection_factory import add_entries, closed_campaign

pytestmark = pytest.mark.django_db


def test_staff_run_a_wave_prep_apply_selection_and_schedule_a_wave(admin_client, django_capture_on_commit_callbacks):
    # given a closed campaign with two markets and three fans
    campaign, (a, b) = closed_campaign(markets=2)
    add_entries(campaign, [((a.pk, b.pk), 0.9 - n / 10, True) for n in range(3)])

    # when staff add a wave prep with a markets file and a codes file
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/selection/waveprep/add/",
            {
                "campaign": campaign.pk,
                "date_key": "admin-1",
                "single_market": "on",
                "markets_file": SimpleUploadedFile("m.csv", f"market_id,limit\n{a.pk},1\n{b.pk},1\n".encode()),
                "tm_codes_file": SimpleUploadedFile("c.csv", b"code\nK1\nK2\nK3\n"),
            },
        )
    assert response.status_code == 302, response.context["adminform"].form.errors

    # then the run finished and its page shows the per-market counts and the zip link
    wave_prep = WavePrep.objects.get(campaign=campaign)
    assert (wave_prep.status, wave_prep.count["selected"]) == ("FINISHED", 2)
    page = admin_client.get(f"/admin/selection/waveprep/{wave_prep.pk}/change/").content.decode()
    assert "<td>Market 0</td><td>1</td><td>1</td><td>3</td><td>1</td><td>1</td>" in page
    assert "prepped.admin-1.zip" in page

    # when staff apply selection from the list, then they are shown what fans will get first, and nothing runs
    picked = {"action": "apply_selection", "_selected_action": [str(wave_prep.pk)]}
    preview = admin_client.post("/admin/selection/waveprep/", picked).content.decode()
    assert "This cannot be undone" in preview and not Stat.objects.filter(campaign=campaign).exists()
    # when they confirm
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/admin/selection/waveprep/", {**picked, "confirmed": "yes"})

    # then both markets are selected and two codes assigned
    assert set(Stat.objects.filter(campaign=campaign, type="selection").values_list("status", flat=True)) == {
        "FINISHED"
    }
    assert Code.objects.filter(campaign=campaign, date_assigned__isnull=False).count() == 2

    # when staff fill in a wave, then they see what it would send first, and nothing is scheduled
    notify = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S")
    preview = admin_client.post(
        "/admin/selection/wave/add/",
        {
            "campaign": campaign.pk,
            "notify_date": notify,
            "file": SimpleUploadedFile("first.csv", b"email,code\nx@example.com,K1\n"),
        },
    )
    page = preview.content.decode()
    assert preview.status_code == 200 and "to 1 recipient(s)" in page and not Wave.objects.exists()
    assert f"{campaign.name}: your presale code is K1" in page
    # when they confirm, then it is scheduled, named in the message
    pending = preview.context["pending"]
    response = admin_client.post("/admin/selection/wave/add/", {"pending": pending, "confirmed": "yes"}, follow=True)
    wave = Wave.objects.get(campaign=campaign)
    assert (wave.name, wave.status, wave.rows) == (f"{campaign.pk}_first", "scheduled", 1)
    assert f"Wave “{wave.name}” scheduled for" in response.content.decode()
    # and a forged preview schedules nothing
    forged = admin_client.post(
        "/admin/selection/wave/add/", {"pending": pending + "x", "confirmed": "yes"}, follow=True
    )
    assert "too old or damaged" in forged.content.decode() and Wave.objects.count() == 1
    admin_client.post("/admin/selection/wave/", {"action": "cancel", "_selected_action": [str(wave.pk)]})
    assert Wave.objects.count() == 0


def test_a_bad_markets_file_is_shown_on_the_form_and_nothing_is_queued(admin_client):
    campaign, _ = closed_campaign(markets=1)
    response = admin_client.post(
        "/admin/selection/waveprep/add/",
        {
            "campaign": campaign.pk,
            "date_key": "bad",
            "markets_file": SimpleUploadedFile("m.csv", b"market_id,limit\nnope,1\n"),
        },
    )
    assert response.status_code == 200
    assert "market_id &#x27;nope&#x27; is not a market of this campaign" in response.content.decode()
    assert WavePrep.objects.count() == 0
