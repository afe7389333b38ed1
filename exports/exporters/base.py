"""The exporter contract: columns + a row generator (streamed to CSV), or a custom ``write`` (zips)."""

import io
from abc import ABC, abstractmethod

from exports.reasons import ExportsReason
from monoql.csv_safety import CsvWriter
from monoql.errors import ValidationFailed

EXPORTERS: dict[str, type["Exporter"]] = {}


def register(cls):
    """Class decorator: make ``cls`` the exporter of ``cls.export_type``."""
    EXPORTERS[cls.export_type] = cls
    return cls


def exporter_for(export_type: str) -> "Exporter":
    """Return an exporter instance for ``export_type``. Raises ValidationFailed ``InvalidExportType``."""
    cls = EXPORTERS.get(export_type)
    if cls is None:
        raise ValidationFailed(
            f"Unknown export type '{export_type}'. Known types: {', '.join(sorted(EXPORTERS))}.",
            reason=ExportsReason.InvalidExportType,
            field="type",
        )
    return cls()


class Exporter(ABC):
    """Base exporter: subclasses set ``export_type``, ``columns`` and implement ``rows``.

    ``rows(export)`` yields lists of cell values in ``columns(export)`` order and must stream (iterate a
    server-side cursor, never build the whole result in memory). ``write(export, binary_file, progress)``
    writes the file and returns the number of data rows; the default writes CSV with a header.
    """

    export_type = ""
    extension = "csv"
    content_type = "text/csv"
    header: list[str] = []

    def validate(self, campaign, date_key: str) -> None:  # noqa: B027 - optional hook; most types take any dateKey
        """Check type-specific inputs before an export is queued (raise ValidationFailed)."""

    def columns(self, export) -> list[str]:
        return list(self.header)

    @abstractmethod
    def rows(self, export):
        """Yield one list of cell values per data row, in ``columns(export)`` order."""

    def write(self, export, binary_file, progress) -> int:
        """Write CSV (UTF-8, header row, ``\\n`` line ends, every cell formula-safe: ``CsvWriter``) to
        ``binary_file``; ``progress(rows)`` every 10,000 rows."""
        text = io.TextIOWrapper(binary_file, encoding="utf-8", newline="", write_through=True)
        writer = CsvWriter(text)
        writer.writerow(self.columns(export))
        count = 0
        for row in self.rows(export):
            writer.writerow(row)
            count += 1
            if count % 10_000 == 0:
                progress(count)
        text.flush()
        text.detach()
        return count
