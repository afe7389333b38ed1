"""Nothing reaches fans unconfirmed (issue 40), in a real browser at 1280 px: applying a selection from the admin
shows what fans will get first — fans per market and channel, the email itself, what cannot be undone — and runs
only after an explicit confirm; going back sends nothing. Screenshots go to ``artifacts/screenshots/console/``."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from conftest import TEST_ACTOR
from entries.models import Stat
from entries.selection.services.wave_prep import run_wave_prep, trigger_wave_prep
from entries.selection.tests.selection_factory import add_codes, add_entries, closed_campaign
from monoql import sms
from tests.test_campaign_editor_browser import _sign_in
from tests.test_graphiql_browser import browser_page  # noqa: F401 - the shared Playwright page fixture

SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots" / "console"


@pytest.mark.django_db(transaction=True)
def test_selection_is_previewed_then_confirmed_and_going_back_sends_nothing(live_server, browser_page, demo_campaign):  # noqa: F811
    # given a finished wave prep selecting three fans in two markets (one of them without an email)
    campaign, (north, south) = closed_campaign(name="Confirm Tour", markets=2, populations=[2, 1])
    add_codes(campaign, 3)
    entries = add_entries(campaign, [((north.pk,), 0.9, True), ((north.pk,), 0.8, True), ((south.pk,), 0.7, True)])
    entries[1].email = ""
    entries[1].save(update_fields=["email"])
    run = run_wave_prep(trigger_wave_prep(campaign_id=campaign.pk, date_key="confirm", seed=3, actor=TEST_ACTOR).pk)
    mail.outbox.clear()
    sms.outbox.clear()
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)
    _sign_in(page, live_server)

    def choose_apply():
        page.goto(f"{live_server.url}/admin/selection/waveprep/?campaign__id__exact={campaign.pk}")
        page.check(f"input[name=_selected_action][value='{run.pk}']")
        page.select_option("select[name=action]", "apply_selection")
        page.click("button[name=index]")

    # when the staff member picks "Apply selection"
    choose_apply()
    # then a preview says who gets what, shows the email, and warns that it cannot be undone
    rows = page.inner_text("table.selection-markets tbody")
    assert "Market 0\t2\t1\t1" in rows and "Market 1\t1\t1\t0" in rows
    assert "Confirm Tour: you're selected for Market 0" in page.inner_text(".rendered-message")
    assert "This cannot be undone" in page.inner_text("#content-main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=str(SHOTS / "selection-preview.png"), full_page=True)
    # when they go back, then nothing was sent or queued
    page.click("text=No, take me back")
    page.wait_for_selector("#result_list")
    assert mail.outbox == [] and sms.outbox == [] and not Stat.objects.filter(campaign=campaign).exists()
    # when they pick it again and confirm
    choose_apply()
    page.click("input[value='Yes, apply the selection and email the fans']")
    page.wait_for_selector(".messagelist")
    # then the selection ran (tasks inline) and the two selected fans with an email got it
    assert "Selection of 2 market(s) of Confirm Tour from wave prep 'confirm' queued" in page.inner_text(".messagelist")
    assert sorted(message.to[0] for message in mail.outbox) == sorted([entries[0].email, entries[2].email])
    page.screenshot(path=str(SHOTS / "selection-confirmed.png"), full_page=True)
