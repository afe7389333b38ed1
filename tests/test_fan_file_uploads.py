"""Fan-list uploads on the campaign page (issue 38): scored files, invite lists, fanlists and the blacklist, through
the same services as GraphQL; counts in words when done, a bad file refused with its line and reason, nothing
stored; the blacklist for supreme users only."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import CampaignPermission, Fan
from accounts.services import staff_group
from campaigns.models import Campaign, Market
from entries.models import BlacklistEntry, Entry, FanFileUpload, FanlistRecord, Invite, ScoredFile
from entries.services.fan_files import run_fan_file, sweep_stale_fan_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer():
    """A campaign with two entries, and a staff member of its team with write (not supreme)."""
    campaign = Campaign.objects.create(
        name="Upload Tour", identifier="email", options={"gate": {"inviteOnly": "email"}}
    )
    market = Market.objects.create(campaign=campaign, name="A", city="A", state="", timezone="UTC")
    for n in range(2):
        fan = Fan.objects.create(global_user_id=f"g{n}", email=f"fan{n}@example.com")
        Entry.objects.create(campaign=campaign, fan=fan, email=f"fan{n}@example.com", market_0=market)
    user = get_user_model().objects.create_user("writer", password="pw-Writer-123!", is_staff=True)
    user.groups.add(staff_group())
    member = Fan.objects.create(user=user, global_user_id="g-writer")
    for action in ("read", "write"):
        CampaignPermission.objects.create(fan=member, campaign=campaign, action=action)
    client = Client()
    client.force_login(user)
    return campaign, client


def _post(client, campaign, kind, text, name="list.csv", follow=True):
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(f"/admin/campaigns/campaign/{campaign.pk}/uploads/{kind}/", {"file": upload}, follow=follow)


def test_a_scored_file_and_an_invite_list_give_their_counts_on_the_campaign_page(
    writer, django_capture_on_commit_callbacks
):
    campaign, client = writer
    with django_capture_on_commit_callbacks(execute=True):  # the matching job runs once the upload commits
        page = _post(client, campaign, "scored", "email,score\nfan0@example.com,0.9\nnobody@example.com,0.1\n").content
    assert "List.csv: 2 rows read; matching them to the entries." in page.decode()
    assert Entry.objects.get(email="fan0@example.com").score == 0.9
    page = _post(client, campaign, "invites", "email\nfan0@example.com\nfan1@example.com\n", name="inv.csv").content
    assert "Inv.csv: 2 rows read, 2 new to the invite list (email)." in page.decode()
    assert Invite.objects.filter(campaign=campaign).count() == 2
    listing = client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/").content.decode()
    assert "2 rows read: 1 matched entries (1 verified), 1 matched nobody." in listing
    assert "2 rows read, 2 new to the invite list (email)." in listing


@pytest.mark.parametrize(
    "kind, text, words",
    [
        ("scored", "email,score\nfan0@example.com,0.9\nfan1@example.com,high\n", "Line 3:"),
        ("scored", "name,score\nx,0.5\n", "email"),
        (
            "invites",
            "email\nfan0@example.com\nnot-an-email\n",
            "Line 3: &#x27;not-an-email&#x27; is not an email address.",
        ),
        ("invites", "", "file is empty."),
    ],
)
def test_a_bad_file_is_refused_with_its_line_in_words_and_nothing_stored(writer, kind, text, words):
    campaign, client = writer
    page = _post(client, campaign, kind, text, follow=False)
    assert page.status_code == 200 and words in page.content.decode()
    assert 'class="errornote" role="alert"' in page.content.decode()
    assert not ScoredFile.objects.exists() and not Invite.objects.exists()


def test_a_fanlist_bad_rank_names_its_line(writer):
    campaign, client = writer
    Campaign.objects.filter(pk=campaign.pk).update(type="fanlist", identifier="memberId", options={"scoring": "raw"})
    page = _post(client, campaign, "fanlist", "memberId,rank\nm1,0.5\nm2,7\n", follow=False).content.decode()
    assert "Line 3: raw score 7.0 is not between 0 and 1." in page
    assert not FanlistRecord.objects.exists()
    done = _post(client, campaign, "fanlist", "memberId,rank\nm1,0.5\nm2,0.7\n").content.decode()
    assert "List.csv: 2 rows read, 2 fans kept." in done


def test_the_blacklist_is_for_supreme_users_only(writer, admin_client):
    campaign, client = writer
    refused = _post(client, campaign, "blacklist", "spam@example.com\n").content.decode()
    assert "You may not upload the blacklist (every campaign): Supreme users only." in refused
    assert not BlacklistEntry.objects.exists()
    bad = _post(admin_client, campaign, "blacklist", "spam@example.com\nnot a value\n", follow=False).content.decode()
    assert "Line 2: &#x27;not a value&#x27; is not an email address or a phone number." in bad
    assert not BlacklistEntry.objects.exists()
    done = _post(admin_client, campaign, "blacklist", "fan1@example.com\n+1 212 555 0100\n").content.decode()
    assert "List.csv: 2 values read, 2 new to the blacklist, 1 entries blocked." in done


def test_a_fan_file_is_read_by_a_queued_job_and_a_lost_one_is_picked_up_again(writer, settings):
    # given a worker setup (tasks not inline): the upload answers at once with the job queued
    campaign, client = writer
    settings.CELERY_TASK_ALWAYS_EAGER = False
    page = _post(client, campaign, "invites", "email\nfan0@example.com\n", name="big.csv").content.decode()
    assert "Big.csv: Queued (" in page and "this page shows the counts when it is read." in page
    job = FanFileUpload.objects.get()
    assert (job.status, job.kind, Invite.objects.count()) == ("PENDING", "invites", 0)
    # when its worker is lost and the sweeper finds it stale, then it is queued again and read
    FanFileUpload.objects.filter(pk=job.pk).update(heartbeat_at=job.heartbeat_at - timedelta(hours=1))
    assert sweep_stale_fan_files() == {"requeued": [job.pk], "failed": []}
    done = run_fan_file(job.pk)
    assert (done.status, done.attempts, done.result) == (
        "FINISHED",
        1,
        {"rowsIn": 1, "added": 1, "identifierType": "email"},
    )
    assert Invite.objects.count() == 1 and not default_storage.exists(job.file_key)
    assert (
        "1 rows read, 1 new to the invite list (email)."
        in client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/").content.decode()
    )
