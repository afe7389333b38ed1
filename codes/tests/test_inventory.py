"""Reserve, assign, release, count (catalog §3.8, §4.4)."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from codes.models import Code, CodeAudit
from codes.services.inventory import Actor, assign_codes, count_codes, release_codes, reserve_codes
from codes.services.upload import upload_codes
from monoql.errors import ValidationFailed

pytestmark = pytest.mark.django_db
STAFF = Actor(label="test")


@pytest.fixture
def pool(demo_campaign):
    upload_codes(demo_campaign.pk, "tm", io.BytesIO(b"".join(f"T{n:03d}\n".encode() for n in range(10))), actor=STAFF)
    upload_codes(demo_campaign.pk, "external", io.BytesIO(b"E1\nE2\n"), actor=STAFF)
    return demo_campaign


def test_reserve_takes_available_codes_of_the_type(pool):
    first = reserve_codes(pool.pk, "4", "tm", actor=STAFF)
    second = reserve_codes(pool.pk, 10, "tm", actor=STAFF)
    third = reserve_codes(pool.pk, 1, "tm", actor=STAFF)
    assert (
        first["count"] == 4
        and second["count"] == 6
        and third == {"reserveId": third["reserveId"], "codes": [], "count": 0}
    )
    assert first["codes"] == ["T000", "T001", "T002", "T003"]
    assert set(first["codes"]) | set(second["codes"]) == {f"T{n:03d}" for n in range(10)}
    assert count_codes(pool.pk, "tm") == {"available": 0, "assigned": 0, "reserved": 10}
    assert count_codes(pool.pk, "external") == {"available": 2, "assigned": 0, "reserved": 0}
    assert str(Code.objects.get(code=first["codes"][0]).reserve_id) == first["reserveId"]


def test_reservations_older_than_24_hours_come_back(pool):
    # given: everything reserved at a frozen time
    frozen = timezone.now()
    with mock.patch("codes.services.inventory.timezone.now", return_value=frozen):
        reserve_codes(pool.pk, 10, "tm", actor=STAFF)
    # when: 23 h 59 min later nothing is available, 24 h later everything is
    with mock.patch("codes.services.inventory.timezone.now", return_value=frozen + timedelta(hours=23, minutes=59)):
        assert reserve_codes(pool.pk, 10, "tm", actor=STAFF)["count"] == 0
        assert count_codes(pool.pk, "tm") == {"available": 0, "assigned": 0, "reserved": 10}
    with mock.patch("codes.services.inventory.timezone.now", return_value=frozen + timedelta(hours=24)):
        assert count_codes(pool.pk, "tm", "available") == {"available": 10}
        assert reserve_codes(pool.pk, 10, "tm", actor=STAFF)["count"] == 10


def test_assign_is_idempotent_and_keeps_the_first_date(pool):
    reserved = reserve_codes(pool.pk, 2, "tm", actor=STAFF)["codes"]
    first = assign_codes(pool.pk, reserved + ["T009", "NOPE"], actor=STAFF)
    stamped = Code.objects.get(code="T009").date_assigned
    again = assign_codes(pool.pk, ["T009"], actor=STAFF)
    assert first == {"count": {"in": 4, "updated": 3}} and again == {"count": {"in": 1, "updated": 0}}
    assert Code.objects.get(code="T009").date_assigned == stamped
    assert count_codes(pool.pk, "tm") == {"available": 7, "assigned": 3, "reserved": 0}


def test_release_frees_reserved_unassigned_codes_only(pool):
    codes = reserve_codes(pool.pk, 3, "tm", actor=STAFF)["codes"]
    assign_codes(pool.pk, codes[:1], actor=STAFF)
    result = release_codes(pool.pk, codes + ["T009"], actor=STAFF)
    assert result == {"count": {"in": 4, "updated": 2}}
    released = Code.objects.get(code=codes[1])
    assert released.date_reserved is None and released.reserve_id is None
    assert count_codes(pool.pk, "tm") == {"available": 9, "assigned": 1, "reserved": 0}


def test_every_write_leaves_an_audit_row(pool):
    reserved = reserve_codes(pool.pk, 2, "tm", actor=STAFF)["codes"]
    assign_codes(pool.pk, reserved[:1], actor=STAFF)
    release_codes(pool.pk, reserved[1:], actor=STAFF)
    rows = list(CodeAudit.objects.order_by("id").values_list("action", "requested", "changed"))
    assert rows == [("upload", 10, 10), ("upload", 2, 2), ("reserve", 2, 2), ("assign", 1, 1), ("release", 1, 1)]


def test_idempotency_key_replays_the_first_answer(pool):
    first = reserve_codes(pool.pk, 3, "tm", actor=STAFF, idempotency_key="k1")
    retry = reserve_codes(pool.pk, 3, "tm", actor=STAFF, idempotency_key="k1")
    other = reserve_codes(pool.pk, 3, "tm", actor=STAFF, idempotency_key="k2")
    assert retry == first and other["codes"] != first["codes"]
    assert count_codes(pool.pk, "tm", "reserved") == {"reserved": 6}


@pytest.mark.parametrize(
    "call, reason, message",
    [
        (
            lambda c: reserve_codes(c, None, "tm", actor=STAFF),
            "missingCodeReserveParams",
            "The 'count' and 'type' properties must be specified to reserve codes.",
        ),
        (
            lambda c: reserve_codes(c, 5, "", actor=STAFF),
            "missingCodeReserveParams",
            "The 'count' and 'type' properties must be specified to reserve codes.",
        ),
        (lambda c: reserve_codes(c, 0, "tm", actor=STAFF), "invalidCount", "You must enter a valid count."),
        (lambda c: reserve_codes(c, "abc", "tm", actor=STAFF), "invalidCount", "You must enter a valid count."),
        (
            lambda c: reserve_codes(c, 5, "presale", actor=STAFF),
            "InvalidType",
            "The type 'presale' is not a valid code type.",
        ),
        (lambda c: assign_codes(c, None, actor=STAFF), "missingCodes", "The 'codes' property is required."),
        (
            lambda c: assign_codes(c, "T000", actor=STAFF),
            "invalidCodesProp",
            "The 'codes' property must be an array of codes.",
        ),
        (
            lambda c: release_codes(c, [], actor=STAFF),
            "emptyCodes",
            "The 'codes' array must contain one or more codes.",
        ),
        (lambda c: count_codes(c, None), "missingType", "The 'type' property is required."),
        (lambda c: count_codes(c, "x"), "InvalidType", "The type 'x' is not a valid code type."),
        (lambda c: count_codes(c, "tm", "sold"), "InvalidStatus", "The status 'sold' is not a valid code status."),
    ],
)
def test_validation_errors(pool, call, reason, message):
    before = list(Code.objects.order_by("id").values_list("code", "date_reserved", "date_assigned"))
    with pytest.raises(ValidationFailed) as raised:
        call(pool.pk)
    assert (raised.value.reason, raised.value.message, raised.value.code) == (reason, message, "VALIDATION_ERROR")
    assert list(Code.objects.order_by("id").values_list("code", "date_reserved", "date_assigned")) == before
