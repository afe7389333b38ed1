"""What the index tests read from PostgreSQL (``codes``, ``entries`` and ``entries.selection``'s "every index is
justified by a query that uses it")."""

from django.db import connection


def indexes_on(table: str) -> dict[str, str]:
    """``{index name: its definition}`` of ``table``'s indexes (``pg_indexes``), by name."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexname", [table])
        return dict(cursor.fetchall())


def plan_without_scans(sql: str) -> str:
    """The text plan (EXPLAIN, not run) of ``sql`` with sequential and bitmap scans switched off for the test's
    transaction: on an empty test table the planner would otherwise read the table instead of any index."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())
