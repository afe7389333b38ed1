"""Export doors: GraphQL and REST, the ``report`` permission table (nothing changes on denial), 201/200."""

import pytest
from django.test import Client

from campaigns.models import Campaign, CampaignStatus
from conftest import session_token_for
from exports.models import Export, ExportAccess

pytestmark = pytest.mark.django_db(transaction=True)  # the export task runs on commit (eager Celery)

ROLES = ["anonymous", "fan", "reader", "writer", "reporter", "supreme"]
ALLOWED = {"reporter", "supreme"}
SCHEDULE = (
    'mutation($c: String!) { scheduleExport(campaignId: $c, type: "entries") { id status path count requesterUserId } }'
)
LIST = "query($c: String!) { campaignExportList(campaignId: $c) { id } }"
ONE = "query($c: String!, $e: String!) { campaignExport(campaignId: $c, exportId: $e) { id } }"


@pytest.fixture
def campaign():
    return Campaign.objects.create(name="API Tour", status=CampaignStatus.CLOSED)


def _rest(method, path, token, **data):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    client = Client()
    if method == "post":
        return client.post(path, data, content_type="application/json", **headers)
    return client.get(path, data, **headers)


@pytest.mark.parametrize("role", ROLES)
def test_graphql_doors_need_report(gql, campaign, role):
    # given: one finished export
    existing = Export.objects.create(campaign=campaign, export_type="codes", status="FINISHED")
    token = session_token_for(role, campaign)
    before = (Export.objects.count(), ExportAccess.objects.count())
    # when
    answers = [
        gql.execute(SCHEDULE, {"c": campaign.pk}, token=token),
        gql.execute(LIST, {"c": campaign.pk}, token=token),
        gql.execute(ONE, {"c": campaign.pk, "e": existing.pk}, token=token),
    ]
    # then
    if role in ALLOWED:
        assert all("errors" not in answer for answer in answers), answers
        scheduled = answers[0]["data"]["scheduleExport"]
        assert scheduled["status"] == "FINISHED" and scheduled["count"] == 0  # ran on commit, eagerly
        assert scheduled["path"].startswith("http://testserver/api/exports/download/")
        assert ExportAccess.objects.count() == before[1] + 3
    else:
        expected = "UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"
        assert [a["errors"][0]["extensions"]["code"] for a in answers] == [expected] * 3
        assert (Export.objects.count(), ExportAccess.objects.count()) == before


@pytest.mark.parametrize("role, status", [("anonymous", 401), ("writer", 403), ("reporter", 201)])
def test_rest_schedule_needs_report(campaign, role, status):
    response = _rest(
        "post", f"/api/campaigns/{campaign.pk}/exports", session_token_for(role, campaign), exportType="codes"
    )
    assert response.status_code == status
    assert Export.objects.count() == (1 if status == 201 else 0)


def test_rest_schedule_new_then_existing_then_read(campaign, settings):
    # given: exports stay PENDING (no worker picks them up)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "memory://"
    token = session_token_for("reporter", campaign)
    path = f"/api/campaigns/{campaign.pk}/exports"
    # when
    from unittest import mock

    with mock.patch("monoql.queue._send"):
        first = _rest("post", path, token, exportType="entries", dateKey="wave-1")
        second = _rest("post", path, token, exportType="entries", dateKey="wave-1")
    listed = _rest("get", path, token, exportType="entries")
    one = _rest("get", f"{path}/{first.json()['id']}", token)
    # then
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    body = one.json()
    assert (body["status"], body["dateKey"], body["exportType"], body["path"]) == ("PENDING", "wave-1", "entries", None)
    assert [row["id"] for row in listed.json()] == [first.json()["id"]]


@pytest.mark.parametrize(
    "body, reason, field",
    [
        ({"exportType": "everything"}, "InvalidExportType", "type"),
        ({"exportType": "codeWaves"}, "InvalidDateKey", "dateKey"),
        ({"exportType": "codeWaves", "dateKey": "2026-11-01"}, "InvalidDateKeyType", "dateKey"),
        ({"exportType": "codeWaves", "dateKey": "20261341"}, "InvalidDateKey", "dateKey"),
        ({"exportType": "entries", "dateKey": "bad key!"}, "InvalidDateKey", "dateKey"),
        ({}, "InvalidExportType", "exportType"),
    ],
)
def test_bad_schedule_requests_are_400_naming_the_field(campaign, body, reason, field):
    response = _rest("post", f"/api/campaigns/{campaign.pk}/exports", session_token_for("reporter", campaign), **body)
    assert response.status_code == 400
    assert (response.json()["reason"], response.json()["field"]) == (reason, field)
    assert Export.objects.count() == 0


def test_unknown_export_is_404(campaign):
    response = _rest("get", f"/api/campaigns/{campaign.pk}/exports/nope", session_token_for("reporter", campaign))
    assert response.status_code == 404


def test_a_failed_exports_error_payload_is_json_text_as_the_contract_types_it(gql, campaign):
    """catalog §1.4 ``ExportError { message, payload: String, stack }``: the payload is JSON text."""
    # Given an export that failed with a typed error
    failed = Export.objects.create(
        campaign=campaign,
        export_type="entries",
        status="FAILED",
        requester_user_id="staff",
        error_message="boom",
        error_payload={"type": "TimeoutError", "detail": "not shown"},
    )
    # When a reporter reads it through GraphQL
    query = (
        "query($c: String!, $e: String!) { campaignExport(campaignId: $c, exportId: $e) { error { message payload } } }"
    )
    body = gql.execute(query, {"c": campaign.pk, "e": failed.pk}, token=session_token_for("reporter", campaign))
    # Then the payload is a string holding the error's type as JSON
    assert body["data"]["campaignExport"]["error"] == {"message": "boom", "payload": '{"type": "TimeoutError"}'}
