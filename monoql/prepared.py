"""Prepared statements for the hottest writes (issue 23: registration's one INSERT).

Django's psycopg backend binds parameters on the client and never prepares. ``execute_prepared`` runs one
statement through a psycopg cursor with server-side binding that prepares it (``prepare=True``: PostgreSQL
parses and plans the text once per connection, later executions send only the values), wrapped by Django's
own cursor wrapper, so query logging, ``assertNumQueries``, execute wrappers and error translation see it
like any other statement. It runs in the connection's current transaction state: in autocommit mode a
single statement commits by itself, with no BEGIN/COMMIT around it.
"""

from typing import Any

import psycopg
from django.db import connection


class _PreparingCursor(psycopg.Cursor):
    """A server-binding cursor that asks psycopg to prepare every statement it executes."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


def is_available() -> bool:
    """True on PostgreSQL (psycopg 3); other databases use the ORM path."""
    return connection.vendor == "postgresql"


def execute_prepared(sql: str, params: list) -> list[tuple]:
    """Execute ``sql`` (``%s`` placeholders) with ``params`` as a prepared statement; return all rows.

    Raises: Django's database errors (IntegrityError, OperationalError, ...), as any ORM statement.
    """
    connection.ensure_connection()
    raw = _PreparingCursor(connection.connection)
    wrapped: Any = raw  # Django's wrappers take any DB-API cursor (typed as their own wrapper class)
    cursor = connection.make_debug_cursor(wrapped) if connection.queries_logged else connection.make_cursor(wrapped)
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []
