"""Code upload: CSV rules, edge cases, re-upload, atomicity (catalog §3.8, decisions.md #22, #26)."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from codes.models import Code
from codes.services.inventory import Actor
from codes.services.upload import upload_codes
from monoql.errors import NotFound, ValidationFailed

pytestmark = pytest.mark.django_db
STAFF = Actor(label="test")


def up(campaign, data: bytes, code_type="tm", **kwargs):
    return upload_codes(campaign.pk, code_type, io.BytesIO(data), actor=STAFF, **kwargs)


@pytest.mark.parametrize(
    "data, expected, stored",
    [
        (b"AAA\nBBB\nCCC\n", {"in": 3, "inserted": 3, "updated": 0}, ["AAA", "BBB", "CCC"]),
        (b"code\nAAA\nBBB", {"in": 2, "inserted": 2, "updated": 0}, ["AAA", "BBB"]),
        (b"\n\nAAA\n\n  \nBBB\n\n", {"in": 2, "inserted": 2, "updated": 0}, ["AAA", "BBB"]),
        (b"  AAA  \n\tBBB\t\n", {"in": 2, "inserted": 2, "updated": 0}, ["AAA", "BBB"]),
        (b"AAA\r\nBBB\r\n", {"in": 2, "inserted": 2, "updated": 0}, ["AAA", "BBB"]),
        (b"\xef\xbb\xbfcode\r\nAAA\r\n", {"in": 1, "inserted": 1, "updated": 0}, ["AAA"]),
        (b"AAA,market-1,x\nBBB,\n", {"in": 2, "inserted": 2, "updated": 0}, ["AAA", "BBB"]),
        (b"AAA\nBBB\nAAA\n", {"in": 3, "inserted": 2, "updated": 0}, ["AAA", "BBB"]),
        (b"AAA\ncode\n", {"in": 2, "inserted": 2, "updated": 0}, ["AAA", "code"]),
    ],
    ids=[
        "plain",
        "header",
        "blank-lines",
        "whitespace",
        "crlf",
        "bom+header",
        "extra-columns",
        "duplicates",
        "code-not-first",
    ],
)
def test_csv_rules(demo_campaign, data, expected, stored):
    assert up(demo_campaign, data) == expected
    assert sorted(Code.objects.values_list("code", flat=True)) == sorted(stored)
    assert set(Code.objects.values_list("type", flat=True)) == {"tm"}


@pytest.mark.parametrize(
    "data, reason, message",
    [
        (b"", "EMPTY_FILE", "The file holds no codes."),
        (b"code\n\n\n", "EMPTY_FILE", "The file holds no codes."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NOT_TEXT", "The file is not a text file."),
        (b"AAA\n\xff\xfeBBB\n", "NOT_TEXT", "The file is not UTF-8 text."),
        (
            b"AAA\nBB B\nCCC\n",
            "INVALID_CODE",
            "Line 2: 'BB B' is not a valid code (printable characters without spaces, at most 64).",
        ),
        (b"AAA\n" + b"X" * 65 + b"\n", "INVALID_CODE", None),
    ],
    ids=["0-byte", "header-only", "binary", "not-utf8", "space-in-code", "too-long"],
)
def test_bad_files_are_refused_and_store_nothing(demo_campaign, data, reason, message):
    with pytest.raises(ValidationFailed) as raised:
        up(demo_campaign, data)
    assert raised.value.reason == reason and raised.value.field == "file"
    if message:
        assert raised.value.message == message
    assert Code.objects.count() == 0


def test_bad_line_late_in_a_big_file_applies_nothing(demo_campaign, settings):
    data = b"".join(f"C{n:07d}\n".encode() for n in range(120_000)) + b"bad code\n"
    with pytest.raises(ValidationFailed) as raised:
        up(demo_campaign, data)
    assert raised.value.extensions["line"] == 120_001
    assert Code.objects.count() == 0


def test_file_over_the_limit_is_refused(demo_campaign, settings):
    settings.CODES_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationFailed) as declared:
        up(demo_campaign, b"A\n", declared_size=101)
    with pytest.raises(ValidationFailed) as streamed:
        up(demo_campaign, b"ABCDEFGHI\n" * 20)
    assert (declared.value.reason, declared.value.field) == ("FILE_TOO_LARGE", "fileSize")
    assert (streamed.value.reason, streamed.value.field) == ("FILE_TOO_LARGE", "file")
    assert Code.objects.count() == 0


def test_reupload_keeps_reserved_and_assigned_dates(demo_campaign):
    # given: codes, one reserved, one assigned
    up(demo_campaign, b"AAA\nBBB\nCCC\n")
    reserved_at, assigned_at = timezone.now() - timedelta(hours=1), timezone.now() - timedelta(hours=2)
    Code.objects.filter(code="AAA").update(date_reserved=reserved_at)
    Code.objects.filter(code="BBB").update(date_assigned=assigned_at)
    # when: the same codes plus one new come again
    result = up(demo_campaign, b"AAA\nBBB\nCCC\nDDD\n")
    # then
    assert result == {"in": 4, "inserted": 1, "updated": 3}
    assert Code.objects.get(code="AAA").date_reserved == reserved_at
    assert Code.objects.get(code="BBB").date_assigned == assigned_at
    assert Code.objects.count() == 4


def test_batches_over_fifty_thousand_count_exactly(demo_campaign):
    data = b"".join(f"K{n:06d}\n".encode() for n in range(120_000))
    assert up(demo_campaign, data) == {"in": 120_000, "inserted": 120_000, "updated": 0}
    assert up(demo_campaign, data) == {"in": 120_000, "inserted": 0, "updated": 120_000}
    assert Code.objects.count() == 120_000


def test_type_and_campaign_are_checked(demo_campaign):
    with pytest.raises(ValidationFailed) as bad_type:
        up(demo_campaign, b"A\n", code_type="presale")
    with pytest.raises(NotFound):
        upload_codes("000000000000000000000000", "tm", io.BytesIO(b"A\n"), actor=STAFF)
    assert (bad_type.value.reason, bad_type.value.message) == (
        "InvalidType",
        "The type 'presale' is not a valid code type.",
    )


def test_codes_with_backslashes_and_quotes_are_stored_verbatim(demo_campaign):
    assert up(demo_campaign, b'A\\B\n"Q"\nC\\\\D\n')["inserted"] == 3
    assert sorted(Code.objects.values_list("code", flat=True)) == ["A\\B", "C\\\\D", "Q"]
