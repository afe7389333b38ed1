"""Bulk reads and writes through PostgreSQL's COPY, as columns (issue 25).

``read_columns`` runs ``COPY (query) TO STDOUT (FORMAT binary)`` and parses the fixed-width rows straight into
numpy arrays, chunk by chunk as the server sends them: no Python object per row. ``write_columns`` is its
opposite (numpy arrays packed into a binary ``COPY … FROM STDIN``); ``write_text`` streams lines to
``COPY table (columns) FROM STDIN`` in blocks. Both go through the current Django connection, inside its
transaction. ``analyze`` refreshes the planner's statistics after such bulk writes.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

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


#: Rows of a binary COPY built and sent at a time by ``write_columns`` (a few MB: memory stays flat).
WRITE_BLOCK_ROWS = 100_000


class Lookup(NamedTuple):
    """A column given as ``values[positions]`` (``write_columns``), gathered block by block: e.g. each row's market id
    from the run's few market ids and each row's market index, without an array of ids as long as the rows."""

    values: np.ndarray
    positions: np.ndarray


Column = tuple[str, str, "np.ndarray | Lookup | int | float | bytes"]


def _width(kind: str, values) -> int:
    if kind != "text":
        return np.dtype(_WIRE[kind]).itemsize
    if isinstance(values, bytes):
        return len(values)
    array = values.values if isinstance(values, Lookup) else values
    width = np.asarray(array).dtype.itemsize
    if len(array) and (np.char.str_len(array) != width).any():
        raise ValueError(f"write_columns: text values shorter than their width {width}")
    return width


def write_columns(table: str, columns: Sequence[Column]) -> int:
    """Write rows given as columns into ``table`` through ``COPY … FROM STDIN (FORMAT binary)``: numpy packs the rows
    block by block (``WRITE_BLOCK_ROWS``), without a Python object or a text line per row.

    Args:
        table: a table of this project.
        columns: ``[(name, type, values)]`` in the order to write. ``type``: int8, int4, int2, float8 or text.
            ``values``: an array (one value per row; text as fixed-width UTF-8 byte strings, numpy ``S{n}``, each
            exactly ``n`` bytes), a ``Lookup`` (``values[positions]``), or one constant written in every row (a number,
            or ``bytes`` for text: ``b""`` for an empty text). No NULLs.
    Returns: the number of rows written.
    Raises: ValueError when the per-row columns differ in length, a text value is shorter than its array's width,
        or no column is per-row (the row count would be unknown).
    """
    lengths = {
        len(values.positions if isinstance(values, Lookup) else values)
        for _, _, values in columns
        if isinstance(values, (np.ndarray, Lookup))
    }
    if len(lengths) != 1:
        raise ValueError(f"write_columns needs per-row columns of one length, not {sorted(lengths)}")
    count = lengths.pop()
    widths = [_width(kind, values) for _, kind, values in columns]
    fields: list[tuple[str, str]] = [("count", ">i2")]
    for index, ((_, kind, _), width) in enumerate(zip(columns, widths, strict=True)):
        fields.append((f"l{index}", ">i4"))
        if width:
            fields.append((f"v{index}", f"S{width}" if kind == "text" else _WIRE[kind]))
    wire = np.dtype(fields)
    names = ", ".join(name for name, _, _ in columns)
    with connection.cursor() as cursor:
        with copy(cursor, f"COPY {table} ({names}) FROM STDIN (FORMAT binary)") as stream:
            stream.write(_SIGNATURE + bytes(8))  # flags and header extension: none
            for start in range(0, count, WRITE_BLOCK_ROWS):
                block = slice(start, min(start + WRITE_BLOCK_ROWS, count))
                rows = np.empty(block.stop - block.start, dtype=wire)
                rows["count"] = len(columns)
                for index, ((_, _, values), width) in enumerate(zip(columns, widths, strict=True)):
                    rows[f"l{index}"] = width
                    if not width:
                        continue
                    if isinstance(values, Lookup):
                        rows[f"v{index}"] = values.values[values.positions[block]]
                    elif isinstance(values, np.ndarray):
                        rows[f"v{index}"] = values[block]
                    else:
                        rows[f"v{index}"] = values
                stream.write(rows.tobytes())
            stream.write(b"\xff\xff")
    return count


def analyze(*tables: str) -> None:
    """Refresh PostgreSQL's planner statistics of ``tables`` (names of this project's tables) after a bulk write,
    so that the next queries are planned on today's numbers rather than on those of an emptier table (autovacuum
    may lag far behind a run that rewrote millions of rows). Nothing elsewhere. Returns None."""
    if connection.vendor == "postgresql" and tables:
        with connection.cursor() as cursor:
            cursor.execute("; ".join(f"ANALYZE {table}" for table in tables))
