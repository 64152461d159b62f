"""Audit events as CSV and XLSX files (R15.1: the log can be handed over).

Pure functions from lists of event dicts (as ``molisa_audit_event_list``
returns them) to bytes; the views fetch the events and send the bytes.

Text that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``
first) is written so that it stays text: in CSV with a leading apostrophe,
which Excel and LibreOffice hide; in XLSX as a string cell. Actor names and
error messages come from the outside (a failed log-in records the name that
was typed), so an exported log must not run them.
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

__all__ = ["COLUMNS", "event_rows", "to_csv", "to_xlsx", "events_csv", "events_xlsx"]

COLUMNS = ("ts", "channel", "action", "actor", "client_addr", "status", "error_class",
           "error_message", "duration_ms", "bytes_sent", "datasets", "resources",
           "organizations", "request_id")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value)
    return value


def event_rows(events: Iterable[dict[str, Any]]) -> Iterable[list[Any]]:
    """One list of cell values per event, in the order of ``COLUMNS``."""
    for event in events:
        yield [_value(event.get(column)) for column in COLUMNS]


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV in UTF-8 with a byte order mark (so that Excel reads Vietnamese),
    CRLF line ends, a header row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]],
            sheet_title: str = "audit") -> bytes:
    """An XLSX workbook of one sheet: a bold, frozen header row, then the rows.
    Strings are always string cells, never formulas."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
                cell.data_type = "s"  # "=..." stays text
            else:
                cell = WriteOnlyCell(sheet, value=value)
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def events_csv(events: Iterable[dict[str, Any]]) -> bytes:
    return to_csv(COLUMNS, event_rows(events))


def events_xlsx(events: Iterable[dict[str, Any]]) -> bytes:
    return to_xlsx(COLUMNS, event_rows(events))
