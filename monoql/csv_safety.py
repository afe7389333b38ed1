"""Spreadsheet formula injection (OWASP "CSV Injection"): a cell a person types and staff open in Excel must
not start a formula. ``safe_text`` prefixes a single quote to text that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return; ``SAFE_TEXT_SQL`` is the same rule as a PostgreSQL expression, for the
exports that PostgreSQL writes itself (``COPY``), so both paths give identical bytes.

Only free text gets it (names, emails, postal codes, custom answers). Machine-read values stay exact: E.164
phones (which start with ``+``), codes, ids, and every file another system ingests.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: ``SAFE_TEXT_SQL.format(expression)``: the expression, quoted the same way as ``safe_text`` (NULL stays NULL).
SAFE_TEXT_SQL = "(CASE WHEN left({0}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || {0} ELSE {0} END)"


def safe_text(value):
    """``value`` with a leading ``'`` when it is text that a spreadsheet would read as a formula; other
    values (None, numbers, text starting otherwise) are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def starts_a_formula(value: str) -> bool:
    """True when ``value`` would be read as a formula by a spreadsheet (used to refuse such codes at upload)."""
    return value.startswith(FORMULA_STARTS)
