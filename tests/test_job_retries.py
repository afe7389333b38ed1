"""Every failed job can be run again from the admin (issue 40): a new attempt under the same fence, on what the
job kept; a job that failed on its file's content is not offered a retry (upload the file again)."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accounts.models import Fan
from codes.models import Code, CodeUpload
from entries.models import FanFileUpload, Invite
from monoql.audit import AuditEntry
from monoql.models import Erasure

pytestmark = pytest.mark.django_db


def test_a_code_upload_lost_with_its_worker_is_retried_from_the_campaign_page(admin_client, demo_campaign):
    # given an upload whose worker was lost twice: FAILED, its file kept
    key = default_storage.save("codes/x/tm/uploads/lost.csv", ContentFile(b"code\nRETRY-1\nRETRY-2\n"))
    job = CodeUpload.objects.create(
        campaign=demo_campaign, type="tm", file_key=key, file_name="lost.csv", size=22, status="FAILED", attempts=2,
        error={"message": "The worker was lost after 2 attempts.", "reason": "UPLOAD_FAILED"},
    )  # fmt: skip
    page = admin_client.get(f"/admin/campaigns/campaign/{demo_campaign.pk}/change/").content.decode()
    retry = f"/admin/campaigns/campaign/{demo_campaign.pk}/codes/uploads/{job.pk}/retry/"
    assert retry in page
    # when staff confirm the retry
    assert "Read this failed code file again?" in admin_client.get(retry).content.decode()
    done = admin_client.post(retry, follow=True).content.decode()
    # then the codes are stored by a third attempt, and the file is gone
    job.refresh_from_db()
    assert (job.status, job.attempts, job.count) == ("FINISHED", 3, {"in": 2, "inserted": 2, "updated": 0})
    assert "Lost.csv: retried — 2 codes read: 2 new" in done
    assert Code.objects.filter(campaign=demo_campaign, code__startswith="RETRY-").count() == 2
    assert not default_storage.exists(key)
    assert AuditEntry.objects.filter(action="codes.uploadRetry", campaign_id=demo_campaign.pk).count() == 1


def test_an_upload_that_failed_on_its_content_is_not_retried(admin_client, demo_campaign):
    job = CodeUpload.objects.create(
        campaign=demo_campaign, type="tm", file_key="codes/x/gone.csv", file_name="bad.csv", status="FAILED",
        error={"message": "Line 2: …", "reason": "INVALID_CODE"},
    )  # fmt: skip
    page = admin_client.get(f"/admin/campaigns/campaign/{demo_campaign.pk}/change/").content.decode()
    assert f"codes/uploads/{job.pk}/retry/" not in page
    refused = admin_client.post(
        f"/admin/campaigns/campaign/{demo_campaign.pk}/codes/uploads/{job.pk}/retry/", follow=True
    ).content.decode()
    assert "upload the file again" in refused
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("FAILED", 0)


def test_a_fan_file_lost_with_its_worker_is_retried(admin_client, demo_campaign):
    options = {**(demo_campaign.options or {}), "gate": {"inviteOnly": "email"}}
    demo_campaign.__class__.objects.filter(pk=demo_campaign.pk).update(options=options)
    key = default_storage.save("uploads/invites/x/lost.csv", ContentFile(b"email\na@example.com\n"))
    job = FanFileUpload.objects.create(
        kind="invites", campaign=demo_campaign, file_key=key, file_name="lost.csv", status="FAILED", attempts=2,
        error={"message": "The worker was lost after 2 attempts.", "reason": "UPLOAD_FAILED"}, summary="lost",
    )  # fmt: skip
    retry = f"/admin/campaigns/campaign/{demo_campaign.pk}/uploads/jobs/{job.pk}/retry/"
    assert retry in admin_client.get(f"/admin/campaigns/campaign/{demo_campaign.pk}/change/").content.decode()
    admin_client.post(retry)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result["added"]) == ("FINISHED", 3, 1)
    assert Invite.objects.filter(campaign=demo_campaign).count() == 1 and not default_storage.exists(key)


def test_a_failed_erasure_is_retried_and_goes_on_from_where_it_stopped(admin_client, demo_campaign):
    # given an erasure that failed before its database part (the fan still there)
    fan = Fan.objects.create(global_user_id="g-retry", email="retry@example.com")
    erasure = Erasure.objects.create(fan_ref=fan.pk, status="FAILED", attempts=3, error={"message": "storage down"})
    # when a superuser retries it from the erasures list
    admin_client.post("/admin/monoql/erasure/", {"action": "retry_failed", "_selected_action": [erasure.pk]})
    # then it ran a fourth attempt to the end
    erasure.refresh_from_db()
    assert (erasure.status, erasure.attempts, erasure.fan_ref) == ("FINISHED", 4, "")
    assert not Fan.objects.filter(pk=fan.pk).exists()
