"""Teams per campaign (issue 38): invitations by email are expiring, single-use signed links that never attach to a
fan found by email; roles are presets of the five actions; no one gives more than they hold; creating a campaign
in the admin is for supreme users only."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import CampaignPermission, Fan, Supreme, TeamInvitation
from accounts.services import staff_group
from campaigns.models import Campaign
from monoql.audit import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    """Two campaigns, a supreme staff user signed in (a Django user linked to a supreme fan)."""
    first, second = Campaign.objects.create(name="First Tour"), Campaign.objects.create(name="Second Tour")
    boss = get_user_model().objects.create_user("boss", password="pw-Boss-123!", is_staff=True)
    Supreme.objects.create(fan=Fan.objects.create(user=boss, global_user_id="g-boss", email="boss@example.com"))
    client = Client()
    client.force_login(boss)
    return first, second, client


def _invite(client, campaign, email="colleague@example.com", **choice):
    data = {"op": "invite", "email": email, **choice}
    return client.post(f"/admin/campaigns/campaign/{campaign.pk}/team/", data, follow=True)


def _link() -> str:
    (message,) = mail.outbox[-1:]
    return next(line for line in message.body.splitlines() if "/staff/invitations/" in line).split("8000", 1)[1]


def test_an_invitation_is_emailed_and_accepted_once_by_a_new_staff_account(team):
    first, second, boss = team
    # given a colleague who is also a fan with the same email (emails are neither unique nor verified)
    lookalike = Fan.objects.create(email="colleague@example.com", global_user_id="someone-else")
    # when the supreme user invites colleague@example.com to the first campaign with write, select and report
    page = _invite(boss, first, actions=["write", "select", "report"])
    # then the team page lists the invitation and the email holds a link
    assert "Invitation emailed to colleague@example.com (Custom)." in page.content.decode()
    assert mail.outbox[0].to == ["colleague@example.com"] and "First Tour" in mail.outbox[0].body
    link = _link()
    # when the invitee opens it, creates an account and accepts
    visitor = Client()
    assert "invites you to the team of the campaign" in visitor.get(link).content.decode()
    answer = visitor.post(
        link, {"username": "colleague", "password": "pw-Colleague-123!", "password2": "pw-Colleague-123!"}
    )
    # then they are staff on the first campaign only, through a new fan — never the look-alike fan
    assert answer.status_code == 302 and answer["Location"] == f"/admin/campaigns/campaign/{first.pk}/change/"
    user = get_user_model().objects.get(username="colleague")
    assert user.is_staff and user.groups.filter(name="Campaign staff").exists()
    assert user.fan.pk != lookalike.pk and not lookalike.campaign_permissions.exists()
    assert sorted(user.fan.campaign_permissions.values_list("campaign_id", "action")) == [
        (first.pk, "report"),
        (first.pk, "select"),
        (first.pk, "write"),
    ]
    listing = visitor.get("/admin/campaigns/campaign/").content.decode()
    assert "First Tour" in listing and "Second Tour" not in listing
    # and the link is spent: a second use (by anyone) is refused in words
    again = Client().get(link)
    assert again.status_code == 410 and "This invitation was already accepted." in again.content.decode()
    invitation = TeamInvitation.objects.get()
    assert invitation.accepted_by == user.fan and invitation.date_accepted is not None
    actions = list(AuditEntry.objects.filter(campaign_id=first.pk).values_list("action", "actor_label"))
    assert ("team.invite", "boss") in actions and ("team.accept", "colleague") in actions


def test_an_expired_withdrawn_or_forged_link_is_refused(team):
    first, _, boss = team
    _invite(boss, first, role="viewer")
    link = _link()
    invitation = TeamInvitation.objects.get()
    # an expired one
    TeamInvitation.objects.filter(pk=invitation.pk).update(date_expires=timezone.now() - timedelta(minutes=1))
    expired = Client().post(link, {"username": "late", "password": "pw-Late-123!", "password2": "pw-Late-123!"})
    assert expired.status_code == 410 and "expired on" in expired.content.decode()
    assert not get_user_model().objects.filter(username="late").exists()
    # a withdrawn one
    TeamInvitation.objects.filter(pk=invitation.pk).update(date_expires=timezone.now() + timedelta(days=1))
    boss.post(f"/admin/campaigns/campaign/{first.pk}/team/", {"op": "revoke", "invitation": invitation.pk})
    assert "This invitation was withdrawn." in Client().get(link).content.decode()
    # a forged one
    forged = Client().get(link[:-5] + "xxxx/")
    assert forged.status_code == 400 and "This invitation link is not valid." in forged.content.decode()
    assert not CampaignPermission.objects.exists()


def test_a_signed_in_staff_member_accepts_as_themselves(team):
    first, _, boss = team
    _invite(boss, first, email="shared@example.com", role="reporter")
    link = _link()
    existing = get_user_model().objects.create_user("ana", password="pw-Ana-123!", is_staff=True)
    own = Fan.objects.create(user=existing, global_user_id="g-ana", email="ana@example.com")
    ana = Client()
    ana.force_login(existing)
    assert "Accept as ana" in ana.get(link).content.decode()
    ana.post(link)
    assert sorted(own.campaign_permissions.values_list("action", flat=True)) == ["read", "report"]


def test_an_invite_holder_gives_no_more_than_they_hold_and_others_do_not_manage_the_team(team):
    first, _, _ = team
    user = get_user_model().objects.create_user("lead", password="pw-Lead-123!", is_staff=True)
    lead = Fan.objects.create(user=user, global_user_id="g-lead", email="lead@example.com")
    for action in ("read", "invite"):
        CampaignPermission.objects.create(fan=lead, campaign=first, action=action)
    user.groups.add(staff_group())
    client = Client()
    client.force_login(user)
    refused = _invite(client, first, actions=["write"]).content.decode()
    assert "You can give only the actions you hold on this campaign (invite, read)." in refused
    assert not TeamInvitation.objects.exists()
    assert "Invitation emailed" in _invite(client, first, actions=["read"]).content.decode()
    # a member without invite is sent back to the campaign page
    CampaignPermission.objects.filter(fan=lead, action="invite").delete()
    page = client.get(f"/admin/campaigns/campaign/{first.pk}/team/", follow=True).content.decode()
    assert "Only supreme users and holders of &#x27;invite&#x27; manage this campaign&#x27;s team." in page


def test_the_team_page_changes_and_removes_a_member_each_audited(team):
    first, _, boss = team
    member = Fan.objects.create(global_user_id="g-m", email="m@example.com")
    CampaignPermission.objects.create(fan=member, campaign=first, action="read")
    page = boss.post(
        f"/admin/campaigns/campaign/{first.pk}/team/",
        {"op": "change", "fan": member.pk, "role": "manager"},
        follow=True,
    )
    assert "Role changed: given report, select, write; taken away nothing." in page.content.decode()
    assert sorted(member.campaign_permissions.values_list("action", flat=True)) == ["read", "report", "select", "write"]
    boss.post(f"/admin/campaigns/campaign/{first.pk}/team/", {"op": "remove", "fan": member.pk})
    assert not member.campaign_permissions.exists()
    rows = AuditEntry.objects.filter(subject_fan_id=member.pk).values_list("action", flat=True)
    assert sorted(rows) == ["permission.grant"] * 3 + ["permission.revoke"] * 4


def test_only_supreme_users_create_campaigns_in_the_admin(team):
    first, _, _ = team
    # given a staff member with Django's add_campaign permission and write on one campaign
    user = get_user_model().objects.create_user("writer", password="pw-Writer-123!", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_campaign", "view_campaign", "change_campaign"])
    )
    CampaignPermission.objects.create(
        fan=Fan.objects.create(user=user, global_user_id="g-writer"), campaign=first, action="write"
    )
    client = Client()
    client.force_login(user)
    # then neither the add form nor a Discovery import into a new campaign is offered or allowed
    assert client.get("/admin/campaigns/campaign/add/").status_code == 403
    assert client.get("/admin/campaigns/campaign/discovery/").status_code == 302
    assert "Import a tour from Discovery" not in client.get("/admin/campaigns/campaign/").content.decode()
    assert client.get(f"/admin/campaigns/campaign/{first.pk}/discovery/").status_code == 200  # into theirs: yes
