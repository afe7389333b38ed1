"""Invite lists (seed 000 scenario 2; catalog §3.5 gate ``inviteOnly``): staff load a list with ``uploadInvites``
and an invite-only campaign lets exactly the invited fans register."""

import pytest

from campaigns.models import CampaignStatus
from conftest import post_multipart, session_token_for
from entries.models import Entry, Invite, InviteUpload

pytestmark = pytest.mark.django_db(transaction=True)

UPLOAD = """
mutation I($file: Upload!, $size: Int!, $c: String!) {
  uploadInvites(file: $file, fileSize: $size, campaignId: $c, fileName: "vip.csv") { name contentType report }
}"""
UPSERT = 'mutation($c: String!, $e: JSON!) { upsertViewerEntry(campaignId: $c, locale: "en_US", entry: $e) { id } }'


@pytest.fixture
def invite_only(demo_campaign):
    demo_campaign.options = {**(demo_campaign.options or {}), "gate": {"inviteOnly": "email"}}
    demo_campaign.status = CampaignStatus.OPEN
    demo_campaign.save()
    return demo_campaign


def _entry(campaign, email):
    market = campaign.markets.order_by("event_date", "name").values_list("id", flat=True).first()
    return {"email": email, "phone": "(212) 555-0123", "market": market, "allow_marketing": True}


def _upload(campaign, content: bytes, role="writer"):
    token = session_token_for(role, campaign)
    return post_multipart(UPLOAD, {"size": len(content), "c": campaign.pk}, content, token).json()


def test_an_uploaded_invite_list_lets_exactly_the_invited_fans_register(gql, sign_in, invite_only):
    """Seed 000 scenario 2, catalog §3.5 ``validateInviteOnlyGate``: invited fans register, others get NO_INVITE."""
    # given an invite list with two emails (one in capitals, one listed twice) loaded by a writer
    body = _upload(invite_only, b"Email,name\nVIP@example.com,A\nfriend@example.com,B\nfriend@example.com,C\n")
    assert "errors" not in body, body
    # when an invited fan and a fan not on the list register
    invited = gql.execute(
        UPSERT, {"c": invite_only.pk, "e": _entry(invite_only, "vip@example.com")}, token=sign_in("vip@example.com")
    )
    stranger = gql.execute(
        UPSERT, {"c": invite_only.pk, "e": _entry(invite_only, "x@example.com")}, token=sign_in("x@example.com")
    )
    # then the list holds the two identifiers, the invited fan is in and the stranger is refused
    assert body["data"]["uploadInvites"] == {
        "name": "vip.csv",
        "contentType": "text/csv",
        "report": {"identifierType": "email", "rowsIn": 3, "added": 2},
    }
    assert sorted(Invite.objects.values_list("value", flat=True)) == ["friend@example.com", "vip@example.com"]
    assert "errors" not in invited, invited
    assert stranger["errors"][0]["extensions"] == {"code": "FORBIDDEN", "reason": "NO_INVITE"}
    assert list(Entry.objects.values_list("fan__email", flat=True)) == ["vip@example.com"]
    upload = InviteUpload.objects.get()
    assert (upload.rows_in, upload.added, upload.uploaded_by.global_user_id) == (3, 2, "g-writer")


@pytest.mark.parametrize(
    "content, reason, line",
    [
        (b"name\nA\n", "MISSING_COLUMN", None),
        (b"email\nok@example.com\n\n=cmd|'/ccalc'!a0@evil.test\n", "INVALID_IDENTIFIER", 4),
        (b"email\nnot-an-address\n", "INVALID_IDENTIFIER", 2),
        (b"email\n", "EMPTY_FILE", None),
    ],
)
def test_a_bad_invite_file_names_the_line_and_stores_nothing(invite_only, content, reason, line):
    """Catalog §3.5: the same file rules as the other uploads (whole-file check, formula-safe, row-level errors)."""
    # when
    body = _upload(invite_only, content)
    # then
    error = body["errors"][0]["extensions"]
    assert (error["code"], error["reason"], error["field"], error.get("line")) == (
        "VALIDATION_ERROR",
        reason,
        "file",
        line,
    )
    assert Invite.objects.count() == 0 and InviteUpload.objects.count() == 0


def test_a_campaign_without_the_invite_gate_refuses_an_invite_list(demo_campaign):
    """Catalog §3.5: the gate says which identifier the list uses; without it the list cannot be read."""
    body = _upload(demo_campaign, b"email\nvip@example.com\n")
    error = body["errors"][0]["extensions"]
    assert (error["reason"], error["field"]) == ("NOT_INVITE_ONLY", "campaignId")
    assert Invite.objects.count() == 0


def test_an_oversized_invite_file_is_refused_before_it_is_read(invite_only, settings):
    """The size cap of every staff upload (``SCORING_UPLOAD_MAX_BYTES``)."""
    settings.SCORING_UPLOAD_MAX_BYTES = 20
    body = _upload(invite_only, b"email\nsomeone-with-a-long-name@example.com\n")
    assert body["errors"][0]["extensions"]["reason"] == "FILE_TOO_LARGE"
