"""Tables as CSV and XLSX files, for every export of the portal (the audit
log, the Open Data List).

Text that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``
first) is written so that it stays text: in CSV with a leading apostrophe,
which Excel and LibreOffice hide; in XLSX as a string cell. Exported text
often comes from the outside, so an exported file must not run it.
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

__all__ = ["to_csv", "to_xlsx"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
