"""Teams and uploads in a real browser (issue 38), at 1280 px, without JSON or a shell: a supreme user invites a
colleague to one campaign with write, select and report; the colleague accepts from the emailed link by creating
their staff account, uploads a scored file and an invite list, and sees only that campaign; their blacklist upload
is refused; the supreme user uploads the blacklist. Screenshots go to ``artifacts/screenshots/team/``."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from campaigns.models import Campaign
from entries.models import BlacklistEntry, Invite, ScoredFile
from tests.test_campaign_editor_browser import _sign_in
from tests.test_graphiql_browser import browser_page  # noqa: F401 - the shared Playwright page fixture

SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots" / "team"


@pytest.mark.django_db(transaction=True)
def test_a_colleague_joins_one_campaign_and_uploads_its_fan_files(live_server, browser_page, demo_campaign, tmp_path):  # noqa: F811
    # given the demo campaign (invite-only by email), another campaign, and the colleague's two files
    options = {**(demo_campaign.options or {}), "gate": {"inviteOnly": "email"}}
    Campaign.objects.filter(pk=demo_campaign.pk).update(options=options)
    Campaign.objects.create(name="Someone Else's Tour")
    fan = demo_campaign.entries.select_related("fan").first()
    scored, invites, blacklist = tmp_path / "scores.csv", tmp_path / "invites.csv", tmp_path / "blacklist.csv"
    scored.write_text(f"globalUserId,score\n{fan.fan.global_user_id if fan else 'nobody'},0.8\n")
    invites.write_text("email\nvip@example.com\nfriend@example.com\n")
    blacklist.write_text("spam@example.com\n")
    SHOTS.mkdir(parents=True, exist_ok=True)
    boss = browser_page
    boss.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(boss, live_server)

    # when the supreme user invites a colleague from the campaign's team page, ticking write, select and report
    boss.goto(f"{live_server.url}/admin/campaigns/campaign/{demo_campaign.pk}/change/")
    boss.click("a.team-link")
    boss.fill("#invite-email", "colleague@example.com")
    for action in ("write", "select", "report"):
        boss.check(f"#invite-action-{action}")
    boss.click("#invite-form button[type=submit]")
    # then the page says the invitation went out, and lists it as waiting
    boss.wait_for_selector(".messagelist")
    assert "Invitation emailed to colleague@example.com (Custom)." in boss.inner_text(".messagelist")
    assert "colleague@example.com" in boss.inner_text("#team-invitations")
    assert boss.evaluate("document.documentElement.scrollWidth") <= 1280
    boss.screenshot(path=str(SHOTS / "1-invited.png"), full_page=True)

    # when the colleague opens the emailed link in their own browser and creates their staff account
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/staff/invitations/" in line)
    colleague = boss.context.browser.new_page(viewport={"width": 1280, "height": 900})
    colleague.goto(live_server.url + link.split("8000", 1)[1])
    assert "invites you to the team of the campaign" in colleague.inner_text("#content-main")
    colleague.screenshot(path=str(SHOTS / "2-invitation.png"), full_page=True)
    colleague.fill("#id_username", "colleague")
    colleague.fill("#id_password", "pw-Colleague-123!")
    colleague.fill("#id_password2", "pw-Colleague-123!")
    colleague.click("#create-account button[type=submit]")
    # then they land on that campaign's page, welcomed
    colleague.wait_for_selector(".messagelist")
    assert f"Welcome to the team of “{demo_campaign.name}” (Custom)." in colleague.inner_text(".messagelist")

    # when they upload a scored file and an invite list from the campaign page
    for kind, path, words in (
        ("scored file", scored, "1 rows read"),
        ("invite list", invites, "2 rows read, 2 new to the invite list (email)."),
    ):
        colleague.click(f"text=Upload a {kind}" if kind == "scored file" else f"text=Upload an {kind}")
        colleague.set_input_files("#id_file", str(path))
        colleague.click("input[type=submit]")
        colleague.wait_for_selector(".messagelist")
        assert words in colleague.inner_text(".messagelist")
    colleague.screenshot(path=str(SHOTS / "3-uploaded.png"))
    # then both are stored, and the campaign list shows them only their campaign
    assert ScoredFile.objects.filter(campaign=demo_campaign).count() == 1
    assert Invite.objects.filter(campaign=demo_campaign).count() == 2
    colleague.goto(f"{live_server.url}/admin/campaigns/campaign/")
    names = colleague.inner_text("#result_list")
    assert demo_campaign.name in names and "Someone Else's Tour" not in names
    colleague.screenshot(path=str(SHOTS / "4-only-their-campaign.png"), full_page=True)

    # when they try the blacklist, then they are refused in words and nothing is stored
    colleague.goto(f"{live_server.url}/admin/campaigns/campaign/{demo_campaign.pk}/change/")
    colleague.click("text=Upload the blacklist")
    assert "You may not upload the blacklist (every campaign): Supreme users only." in colleague.inner_text(
        ".messagelist"
    )
    assert not BlacklistEntry.objects.exists()

    # when the supreme user uploads the blacklist, then it is stored and counted
    boss.goto(f"{live_server.url}/admin/campaigns/campaign/{demo_campaign.pk}/uploads/blacklist/")
    boss.set_input_files("#id_file", str(blacklist))
    boss.click("input[type=submit]")
    boss.wait_for_selector(".messagelist")
    assert "1 values read, 1 new to the blacklist" in boss.inner_text(".messagelist")
    assert list(BlacklistEntry.objects.values_list("value", flat=True)) == ["spam@example.com"]
    boss.goto(f"{live_server.url}/admin/campaigns/campaign/{demo_campaign.pk}/team/")
    assert "colleague" in boss.inner_text("#team-members")
    boss.screenshot(path=str(SHOTS / "5-team.png"), full_page=True)
    colleague.close()
