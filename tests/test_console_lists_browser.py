"""The console's lists and jobs in a real browser at 1280 px (issue 40): an entry found by the beginning of its email
and by a phone typed as people type it, its columns on screen; a failed export retried from the list and
downloaded; axe-core finds nothing on the editor, the overview, the Discovery page, the dashboard and the lists.
Screenshots go to ``artifacts/screenshots/console/``."""

import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Fan
from entries.models import Entry
from exports.models import Export
from tests.test_campaign_editor_browser import _sign_in
from tests.test_graphiql_browser import browser_page  # noqa: F401 - the shared Playwright page fixture

SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots" / "console"
AXE = Path(settings.BASE_DIR) / "assets" / "node_modules" / "axe-core" / "axe.min.js"


def _axe(page) -> list[str]:
    """Every axe-core violation on the page, as "rule: first node"."""
    page.evaluate(AXE.read_text())
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.length + ' nodes, first ' + v.nodes[0].target)"
    )


def _right_edge(page, selector: str) -> float:
    return page.evaluate(f"document.querySelector({selector!r}).getBoundingClientRect().right")


@pytest.mark.django_db(transaction=True)
def test_staff_find_an_entry_retry_an_export_and_every_page_is_axe_clean(live_server, browser_page, demo_campaign):  # noqa: F811
    # given a registered fan of the demo campaign, and an export of it that failed
    market = demo_campaign.markets.order_by("name").first()
    for n, email in enumerate(["fan.alice@example.com", "other.fan@example.com"]):
        fan = Fan.objects.create(global_user_id=f"g-list-{n}", email=email)
        Entry.objects.create(
            campaign=demo_campaign, fan=fan, email=email, phone=f"+1212555010{n + 1}", market_0=market, verdict=True
        )
    failed = Export.objects.create(
        campaign=demo_campaign,
        export_type="entries",
        status="FAILED",
        requester_user_id="staff:admin",
        error_message="The disk was full.",
        attempts=2,
    )
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)
    _sign_in(page, live_server)
    entries_url = f"{live_server.url}/admin/entries/entry/?campaign__id__exact={demo_campaign.pk}"

    # when staff search the entries by the beginning of an email, then by a phone as they would type it
    for term in ("fan.a", "(212) 555-0101"):
        page.goto(entries_url)
        page.fill("#searchbar", term)
        page.press("#searchbar", "Enter")
        page.wait_for_selector("#result_list")
        # then the entry is the one found, with its phone, market, score and verdict on screen
        assert page.locator("#result_list tbody tr").count() == 1, term
        assert "fan.alice@example.com" in page.inner_text("#result_list tbody")
        assert _right_edge(page, "#result_list th.column-verdict") <= 1280, term
    page.screenshot(path=str(SHOTS / "entries-search.png"))
    assert _axe(page) == []

    # when they retry the failed export from the export list, then it is written and its download works
    page.goto(f"{live_server.url}/admin/exports/export/?campaign__id__exact={demo_campaign.pk}")
    assert "Failed: The disk was full." in page.inner_text("#result_list")
    assert _right_edge(page, "#result_list th.column-download") <= 1280
    assert _axe(page) == []
    page.check(f"input[name=_selected_action][value='{failed.pk}']")
    page.select_option("select[name=action]", "retry_failed")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist")
    assert f"Export {failed.pk} (entries of {demo_campaign.name}) queued again" in page.inner_text(".messagelist")
    row = f"#result_list tr:has(input[value='{failed.pk}'])"
    assert page.inner_text(f"{row} td.field-status") == "Finished"
    assert page.inner_text(f"{row} td.field-result") == "2 rows"
    link = page.get_attribute(f"{row} td.field-download a", "href")
    with urllib.request.urlopen(live_server.url + link if link.startswith("/") else link) as response:
        assert response.status == 200 and b"email" in response.read()[:2000]
    page.screenshot(path=str(SHOTS / "export-retried.png"))

    # and the other pages staff work in are axe-clean at 1280 px
    for name, path in (
        ("editor", f"/admin/campaigns/campaign/{demo_campaign.pk}/change/"),
        ("overview", "/admin/console/"),
        ("discovery", f"/admin/campaigns/campaign/{demo_campaign.pk}/discovery/"),
        ("dashboard", f"/admin/campaigns/campaign/{demo_campaign.pk}/dashboard/"),
        ("wave preps", "/admin/selection/waveprep/"),
        ("campaigns", "/admin/campaigns/campaign/"),
        ("history", f"/admin/campaigns/campaign/{demo_campaign.pk}/history-log/"),
    ):
        page.goto(live_server.url + path)
        assert _axe(page) == [], name
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, name
    # the history shows the retry, by whom and through which door
    assert "export.retry" in page.inner_text("#history") and "admin" in page.inner_text("#history tbody tr")
    page.screenshot(path=str(SHOTS / "history.png"))
