"""Spreadsheet formula injection (OWASP "CSV Injection"): a cell staff open in Excel must not start a formula.

Every export goes through one writer, ``CsvWriter``, which neutralises every cell (``safe_text``): text that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading single quote — unless it is a plain
number (``+12125550100``, ``-3``, ``0.5``), which a spreadsheet reads as the number it is, so E.164 phones and
scores stay exact. ``SAFE_TEXT_SQL`` is the same rule as a PostgreSQL expression, for the exports PostgreSQL writes
itself (``COPY``), so both paths give identical bytes. Codes and invite identifiers that would start a formula
are refused at upload (``starts_a_formula``).
"""

import csv
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A plain number (optionally signed, optionally decimal): read by a spreadsheet as itself, never as a formula.
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")

#: ``SAFE_TEXT_SQL.format(expression)``: the text expression, quoted the same way as ``safe_text`` (NULL stays NULL).
SAFE_TEXT_SQL = (
    "(CASE WHEN left({0}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') AND {0} !~ '^[+-]?[0-9]+(\\.[0-9]+)?$' "
    "THEN '''' || {0} ELSE {0} END)"
)


def safe_text(value):
    """``value`` with a leading ``'`` when it is text a spreadsheet would read as a formula (not a plain number);
    other values (None, numbers, text starting otherwise) are returned unchanged. Idempotent."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_cell(value):
    """One CSV cell: None → ``""``, text through ``safe_text``, other values as they are."""
    return "" if value is None else safe_text(value)


class CsvWriter:
    """The CSV writer of every export: ``csv.writer`` with ``\\n`` line ends whose rows pass through ``safe_cell``.

    Args: ``stream``: a text stream. ``writerow(cells)`` / ``writerows(rows)`` as ``csv.writer``'s.
    """

    def __init__(self, stream):
        self._writer = csv.writer(stream, lineterminator="\n")

    def writerow(self, cells) -> None:
        self._writer.writerow([safe_cell(value) for value in cells])

    def writerows(self, rows) -> None:
        for cells in rows:
            self.writerow(cells)


def starts_a_formula(value: str) -> bool:
    """True when ``value`` would be read as a formula by a spreadsheet (used to refuse such codes at upload)."""
    return value.startswith(FORMULA_STARTS)
