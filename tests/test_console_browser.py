"""The dashboard in a real browser: a running wave prep's progress moves and its counts appear without a
reload; a failed export shows its error in words. Screenshots go to ``artifacts/screenshots/console/``."""

from pathlib import Path

import pytest
from django.conf import settings

from entries.selection.models import WavePrep
from exports.models import Export
from tests.test_campaign_editor_browser import _sign_in
from tests.test_graphiql_browser import browser_page  # noqa: F401 - the shared Playwright page fixture

SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots" / "console"


@pytest.mark.django_db(transaction=True)
def test_a_running_wave_prep_moves_on_the_dashboard_without_a_reload(live_server, browser_page, demo_campaign):  # noqa: F811
    # Given a wave prep a worker is running (at step 2 of 6) and an export that failed
    run = WavePrep.objects.create(
        campaign=demo_campaign,
        date_key="20261201",
        seed=7,
        reserve_id="00000000-0000-0000-0000-000000000003",
        progress={"stage": "allocating", "step": 2, "steps": 6},
    )
    Export.objects.create(
        campaign=demo_campaign,
        export_type="entries",
        status="FAILED",
        requester_user_id="staff:admin",
        error_message="The disk is full.",
    )
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/admin/campaigns/campaign/{demo_campaign.pk}/dashboard/")
    row = f"#jobs tr[data-kind='wave prep'][data-id='{run.pk}']"
    assert page.get_attribute(f"{row} progress", "value") == "2"
    assert "The disk is full." in page.inner_text("#jobs tr[data-kind='export'] .job-error")
    page.screenshot(path=str(SHOTS / "dashboard-running.png"), full_page=True)
    page.evaluate("window.__sameDocument = true")
    # When the worker reports its next stages, then finishes
    WavePrep.objects.filter(pk=run.pk).update(progress={"stage": "writing outcomes", "step": 4, "steps": 6})
    page.wait_for_selector(f"{row} .job-progress:has-text('writing outcomes')", timeout=10000)
    assert page.get_attribute(f"{row} progress", "value") == "4"
    WavePrep.objects.filter(pk=run.pk).update(
        status="FINISHED",
        progress={"stage": "finished", "step": 6, "steps": 6},
        count={"selected": 3, "waitlisted": 1},
    )
    # Then the page shows it finished with its counts, without having been reloaded
    page.wait_for_selector(f"{row} .job-status:has-text('FINISHED')", timeout=10000)
    assert page.inner_text(f"{row} .job-result") == "selected: 3, waitlisted: 1"
    assert page.evaluate("window.__sameDocument") is True
    page.screenshot(path=str(SHOTS / "dashboard-finished.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_staff_upload_codes_and_see_the_job(live_server, browser_page, demo_campaign, tmp_path):  # noqa: F811
    # Given a code file on the staff member's disk
    codes = tmp_path / "codes.csv"
    codes.write_text("code\nWEB-1\nWEB-2\nWEB-2\n")
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)
    _sign_in(page, live_server)
    # When they upload it from the campaign's code inventory
    page.goto(f"{live_server.url}/admin/campaigns/campaign/{demo_campaign.pk}/codes/upload/")
    page.select_option("#id_type", "tm")
    page.set_input_files("#id_file", str(codes))
    page.click("input[type=submit]")
    # Then the campaign page says what the job did and lists it among the latest uploads
    page.wait_for_selector(".messagelist")
    assert "Codes.csv: 3 codes read: 2 new, 0 already there." in page.inner_text(".messagelist")  # capfirst
    row = page.inner_text("table.code-uploads tr:nth-child(2)")
    assert "codes.csv" in row and "FINISHED" in row and "3 codes read: 2 new" in row
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=str(SHOTS / "code-upload-job.png"), full_page=True)
