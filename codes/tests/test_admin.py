"""Codes in the admin: counts on the campaign page, the upload form, search by code, the audit trail."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from codes.models import Code, CodeAudit
from codes.services.inventory import Actor, reserve_codes
from codes.services.upload import upload_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(get_user_model().objects.create_superuser("ops", "ops@example.com", "pw-Ops-123!"))
    return client


def test_upload_form_stores_codes_and_audits_the_staff_user(staff, demo_campaign):
    url = f"/admin/campaigns/campaign/{demo_campaign.pk}/codes/upload/"
    assert staff.get(url).status_code == 200
    response = staff.post(url, {"type": "external", "file": SimpleUploadedFile("c.csv", b"code\nE1\nE2\n")})
    assert response.status_code == 302
    assert sorted(Code.objects.values_list("code", "type")) == [("E1", "external"), ("E2", "external")]
    assert CodeAudit.objects.get().actor_label == "ops"


def test_upload_form_shows_service_errors(staff, demo_campaign):
    url = f"/admin/campaigns/campaign/{demo_campaign.pk}/codes/upload/"
    response = staff.post(url, {"type": "tm", "file": SimpleUploadedFile("c.csv", b"A\nB B\n")})
    assert response.status_code == 200
    assert "Line 2: &#x27;B B&#x27; is not a valid code" in response.content.decode()
    assert Code.objects.count() == 0


def test_campaign_page_shows_counts_per_type_and_status(staff, demo_campaign):
    upload_codes(demo_campaign.pk, "tm", io.BytesIO(b"T1\nT2\nT3\n"), actor=Actor(label="x"))
    reserve_codes(demo_campaign.pk, 1, "tm", actor=Actor(label="x"))
    html = staff.get(f"/admin/campaigns/campaign/{demo_campaign.pk}/change/").content.decode()
    assert "<tr><td>tm</td><td>2</td><td>1</td><td>0</td></tr>" in html
    assert "<tr><td>external</td><td>0</td><td>0</td><td>0</td></tr>" in html


def test_search_by_code_and_audit_list(staff, demo_campaign):
    upload_codes(demo_campaign.pk, "tm", io.BytesIO(b"FINDME\nOTHER\n"), actor=Actor(label="x"))
    found = staff.get("/admin/codes/code/", {"q": "FINDME"}).content.decode()
    assert "FINDME" in found and "OTHER" not in found
    assert staff.get("/admin/codes/codeaudit/").status_code == 200
