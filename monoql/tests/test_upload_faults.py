"""Coded errors for bad uploads (faults round two, item 7): a malformed multipart body is JSON, never HTML;
an announced fileSize that is not the file's is refused naming the field."""

import io

import pytest
from django.test import Client

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
    assert (refused.value.reason, refused.value.field) == ("fileSizeMismatch", "fileSize")
    assert read_upload(io.BytesIO(b"email\na@example.com\n"), declared_size=20) == "email\na@example.com\n"
