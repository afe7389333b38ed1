"""Bulk reads and writes through PostgreSQL's COPY, as columns (issue 25).

``read_columns`` runs ``COPY (query) TO STDOUT (FORMAT binary)`` and parses the fixed-width rows straight into
numpy arrays, chunk by chunk as the server sends them: no Python object per row. ``write_text`` streams lines to
``COPY table (columns) FROM STDIN`` in blocks. Both go through the current Django connection, inside its
transaction. ``analyze`` refreshes the planner's statistics after such bulk writes.
"""

from collections.abc import Callable, Iterable, Sequence

import numpy as np
from django.db import connection

#: PostgreSQL binary COPY: the fixed-width types ``read_columns`` reads (big-endian on the wire).
_WIRE = {"int8": ">i8", "int4": ">i4", "int2": ">i2", "float8": ">f8"}
_NATIVE = {"int8": np.int64, "int4": np.int32, "int2": np.int16, "float8": np.float64}
_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
#: Bytes gathered before they are parsed (rows arrive one per message).
_BLOCK = 4 << 20


def copy(cursor, statement: str, params: Sequence | dict | None = None):
    """Start ``statement`` (a COPY) on the psycopg cursor under Django's ``cursor``; returns psycopg's ``Copy``
    context manager.

    Django's debug cursor (``DEBUG=true``, or ``force_debug_cursor`` as ``CaptureQueriesContext`` sets it) wraps
    ``copy()`` without parameters, so every COPY of the project goes through here to the cursor underneath,
    whatever the settings. Args: ``params`` bound client-side (``%s`` or ``%(name)s`` placeholders).
    """
    return cursor.cursor.copy(statement, params)


def _parse(data: bytes, wire: np.dtype, columns, parts: dict) -> None:
    rows = np.frombuffer(data, dtype=wire)
    if (rows["count"] != len(columns)).any():
        raise ValueError("the binary COPY rows do not have the columns expected")
    for name, kind in columns:
        parts[name].append(rows[name].astype(_NATIVE[kind]))


def read_columns(
    query: str, params: Sequence, columns: Sequence[tuple[str, str]], *, pace: Callable[[int], None] | None = None
) -> dict[str, np.ndarray]:
    """Read ``query``'s rows as one numpy array per column, through a binary COPY.

    Args:
        query: a SELECT whose columns are, in order, exactly ``columns``, each cast to its type and never NULL
            (COALESCE them: a NULL would change the row's width).
        params: the query's parameters (``%s`` placeholders, bound client-side as COPY requires).
        columns: ``[(name, type)]`` with type in int8, int4, int2, float8.
        pace: called with the rows of each block parsed (``monoql.jobs.Pacer`` sleeps there to keep a background
            read from taking the CPU the web needs; the server waits with it), or None.
    Returns: ``{name: array}`` in native byte order, rows in the query's order.
    Raises: ValueError when the stream is not the binary COPY format expected (a NULL, a wrong type).
    """
    wire = np.dtype(
        [("count", ">i2")]
        + [field for name, kind in columns for field in ((f"{name}_length", ">i4"), (name, _WIRE[kind]))]
    )
    parts: dict[str, list[np.ndarray]] = {name: [] for name, _ in columns}
    buffer = bytearray()
    header_done = False
    with connection.cursor() as cursor:
        with copy(cursor, f"COPY ({query}) TO STDOUT (FORMAT binary)", params) as stream:
            for data in stream:
                buffer += data  # the server sends one row per message: parse in blocks of whole rows
                if header_done and len(buffer) < _BLOCK:
                    continue
                if not header_done:
                    if len(buffer) < 19:
                        continue
                    if bytes(buffer[:11]) != _SIGNATURE:
                        raise ValueError("not a binary COPY stream")
                    extension = int.from_bytes(buffer[15:19], "big")
                    if len(buffer) < 19 + extension:
                        continue
                    del buffer[: 19 + extension]
                    header_done = True
                whole = len(buffer) // wire.itemsize
                if whole:
                    _parse(bytes(buffer[: whole * wire.itemsize]), wire, columns, parts)
                    del buffer[: whole * wire.itemsize]
                    if pace is not None:
                        pace(whole)
        whole = (len(buffer) - 2) // wire.itemsize if header_done else 0
        if whole > 0:
            _parse(bytes(buffer[: whole * wire.itemsize]), wire, columns, parts)
            del buffer[: whole * wire.itemsize]
    if header_done and bytes(buffer) != b"\xff\xff":
        raise ValueError("the binary COPY stream ended with a partial row (a NULL or a wrong type?)")
    # one column at a time, its blocks let go as it is joined: the peak is the columns plus one, not twice them
    return {
        name: np.concatenate(parts.pop(name)) if parts[name] else np.zeros(0, dtype=_NATIVE[kind])
        for name, kind in columns
    }


#: What COPY's text format treats specially inside a value, and how a value says it.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_escape(value: str | None) -> str:
    """``value`` as one field of a COPY text line: backslash, tab, newline and carriage return escaped, None as
    ``\\N`` (NULL). Numbers need none; every text value a caller puts in a ``write_text`` line goes through here."""
    if value is None:
        return "\\N"
    return value.translate(_COPY_ESCAPES)


def write_text(
    table: str,
    columns: Sequence[str],
    lines: Iterable[str],
    *,
    block: int = 50_000,
    pace: Callable[[int], None] | None = None,
) -> None:
    """Stream ``lines`` (each a COPY text line ending in ``\\n``, its text fields passed through ``copy_escape``)
    into ``table (columns)``, ``block`` at a time; ``pace`` (or None) is called with each block's rows (see
    ``read_columns``)."""
    with connection.cursor() as cursor:
        with copy(cursor, f"COPY {table} ({', '.join(columns)}) FROM STDIN") as stream:
            pending: list[str] = []
            for line in lines:
                pending.append(line)
                if len(pending) >= block:
                    stream.write("".join(pending))
                    if pace is not None:
                        pace(len(pending))
                    pending = []
            if pending:
                stream.write("".join(pending))


def analyze(*tables: str) -> None:
    """Refresh PostgreSQL's planner statistics of ``tables`` (names of this project's tables) after a bulk write,
    so that the next queries are planned on today's numbers rather than on those of an emptier table (autovacuum
    may lag far behind a run that rewrote millions of rows). Nothing elsewhere. Returns None."""
    if connection.vendor == "postgresql" and tables:
        with connection.cursor() as cursor:
            cursor.execute("; ".join(f"ANALYZE {table}" for table in tables))
