"""``monoql.pgcopy.write_columns``: rows packed by numpy into a binary COPY arrive exactly as given (PostgreSQL)."""

import numpy as np
import pytest
from django.db import connection

from monoql import pgcopy
from monoql.pgcopy import Lookup, write_columns

pytestmark = pytest.mark.django_db


@pytest.fixture
def scratch(require_postgres):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE pgcopy_scratch (id int8, market varchar(24), rank int2, position int4,"
            " score float8, outcome varchar(10), code varchar(64))"
        )
    return "pgcopy_scratch"


def _rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, market, rank, position, score, outcome, code FROM {table} ORDER BY id")  # noqa: S608 - a test's own table
        return cursor.fetchall()


def test_arrays_lookups_and_constants_arrive_as_given_block_by_block(scratch, monkeypatch):
    # Given 5 rows (in blocks of 2: the last block short), a market per row from 2 ids, and constant columns
    monkeypatch.setattr(pgcopy, "WRITE_BLOCK_ROWS", 2)
    markets = np.array([b"a" * 24, b"b" * 24], dtype="S24")
    # When they are written
    written = write_columns(
        scratch,
        [
            ("id", "int8", np.array([1, 2, 3, 4, 2**40], dtype=np.int64)),
            ("market", "text", Lookup(markets, np.array([0, 1, 1, 0, 1]))),
            ("rank", "int2", np.array([0, 1, 2, 0, 1], dtype=np.int16)),
            ("position", "int4", np.arange(5, dtype=np.int64)),
            ("score", "float8", 0.25),
            ("outcome", "text", b"waitlisted"),
            ("code", "text", b""),
        ],
    )
    # Then every value is the one given, the text ones included (an empty text is '', not NULL)
    assert written == 5
    a, b = "a" * 24, "b" * 24
    assert _rows(scratch) == [
        (1, a, 0, 0, 0.25, "waitlisted", ""),
        (2, b, 1, 1, 0.25, "waitlisted", ""),
        (3, b, 2, 2, 0.25, "waitlisted", ""),
        (4, a, 0, 3, 0.25, "waitlisted", ""),
        (2**40, b, 1, 4, 0.25, "waitlisted", ""),
    ]


def test_no_rows_write_nothing(scratch):
    empty = np.zeros(0, dtype=np.int64)
    assert write_columns(scratch, [("id", "int8", empty), ("code", "text", b"")]) == 0
    assert _rows(scratch) == []


@pytest.mark.parametrize(
    "columns, message",
    [
        ([("id", "int8", np.arange(3)), ("rank", "int2", np.arange(2))], "per-row columns of one length"),
        ([("id", "int8", 7), ("code", "text", b"x")], "per-row columns of one length"),
        ([("id", "int8", np.arange(2)), ("market", "text", np.array([b"abc", b"a"], dtype="S3"))], "shorter"),
    ],
    ids=["different-lengths", "no-per-row-column", "short-text"],
)
def test_columns_that_cannot_make_rows_are_refused_before_anything_is_sent(scratch, columns, message):
    with pytest.raises(ValueError, match=message):
        write_columns(scratch, columns)
    assert _rows(scratch) == []
