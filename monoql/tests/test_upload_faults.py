"""Coded errors for bad uploads (faults round two, item 7): a malformed multipart body is JSON, never HTML;
an announced fileSize that is not the file's is refused naming the field."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from conftest import session_token_for
from entries.services.csv_files import read_upload
from monoql.errors import ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "body",
    [
        b'--b\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{\r\n--b--',  # operations not JSON
        b"--b\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--b",  # part without a name, no end
    ],
)
def test_a_malformed_multipart_upload_answers_coded_json(body):
    response = Client().post("/graphql", body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["errors"][0]["extensions"]["code"] == "VALIDATION_ERROR"


def test_an_announced_file_size_that_is_not_the_files_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        read_upload(io.BytesIO(b"email\na@example.com\n"), declared_size=999)
    assert (refused.value.reason, refused.value.field) == ("FILE_SIZE_MISMATCH", "fileSize")
    assert read_upload(io.BytesIO(b"email\na@example.com\n"), declared_size=20) == "email\na@example.com\n"


def test_a_date_time_without_a_time_zone_is_refused_naming_the_field(gql):
    # Given a campaign input whose close date has a time but no offset
    mutation = "mutation U($c: CampaignInput!) { upsertCampaign(campaign: $c) { id } }"
    campaign = {"type": "registration", "name": "Naive dates", "date": {"close": "2027-03-01T17:00:00"}}
    # When it is sent, then it is refused on that field (it would have been read as UTC silently)
    error = gql.execute(mutation, {"c": campaign}, token=session_token_for("supreme"))["errors"][0]
    assert (error["extensions"]["reason"], error["extensions"]["field"]) == ("INVALID_DATE", "date.close")
    assert "time zone" in error["message"]
    # And the same time with its offset is accepted
    campaign["date"]["close"] = "2027-03-01T17:00:00-05:00"
    assert "errors" not in gql.execute(mutation, {"c": campaign}, token=session_token_for("supreme"))


def test_signed_download_links_never_reach_the_request_log(client, caplog):
    with caplog.at_level("INFO", logger="monoql.request"):
        client.get("/api/exports/download/SECRET-TOKEN-123")
        client.get("/api/files/download/OTHER-SECRET")
    logged = " ".join(str(getattr(record, "path", "")) for record in caplog.records)
    assert "SECRET" not in logged and "/api/exports/download/[signed]" in logged


def test_no_access_log_with_client_addresses_is_configured():
    for name in ("Procfile", "Dockerfile"):
        text = (Path(settings.BASE_DIR) / name).read_text()
        assert "access-log" not in text, name
