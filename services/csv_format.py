"""The one CSV format of every CSV Arthur Desktop writes (the CLI's --format csv and the window's exports).

RFC 4180: CRLF line ends, and a field holding a comma, a double quote, CR or LF is quoted (quotes doubled).
Safe in a spreadsheet: a text field that a spreadsheet would run as a formula (one that starts with
= + - @, a tab or CR, also after leading whitespace) gets a leading apostrophe, so a customer named
"=HYPERLINK(…)" stays text. Numbers stay numbers (a negative number is not a formula); None is an empty
field.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TextIO


class Rfc4180(csv.Dialect):
    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"  # and every CR or LF inside a field is quoted, since both are in it
    quoting = csv.QUOTE_MINIMAL
    strict = True


_FORMULA_STARTS = ("=", "+", "-", "@")
_CONTROL_STARTS = ("\t", "\r")


class CsvRowWriter(Protocol):
    def writerow(self, row: Sequence[Any], /) -> Any: ...


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    if text.startswith(_CONTROL_STARTS) or text.lstrip().startswith(_FORMULA_STARTS):
        return f"'{text}"
    return text


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):  # an int subclass, but not a number a person reads
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    return spreadsheet_safe(str(value))


class _SafeRowWriter:
    def __init__(self, file: TextIO) -> None:
        self._writer = csv.writer(file, dialect=Rfc4180)

    def writerow(self, row: Sequence[Any], /) -> Any:
        return self._writer.writerow([csv_cell(value) for value in row])


def csv_writer(file: TextIO) -> CsvRowWriter:
    """A writer of safe RFC 4180 rows; open the file with newline="" so line ends stay CRLF."""
    return _SafeRowWriter(file)


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """The rows (the header first) as one RFC 4180 text, every line ending in CRLF."""
    buffer = io.StringIO(newline="")
    writer = csv_writer(buffer)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()
