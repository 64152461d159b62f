"""The Open Data List's entries as a table: CSV (UTF-8 with a byte-order
mark, so that spreadsheet programs read Vietnamese correctly) and XLSX
(openpyxl)."""
from __future__ import annotations

import csv
import io
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.molisa import codelists

from . import labels


def rows(entries: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    lang = codelists.user_lang()
    cols = labels.columns()
    table = []
    for e in entries:
        unit = e["unit"]
        dataset = e.get("dataset")
        values = {
            "unit": (unit.get("title_en") if lang == "en" else None) or unit.get("title")
            or unit.get("name") or "",
            "title": e["title"], "title_en": e.get("title_en") or "",
            "sector": codelists.label("sectors", e["sector"], lang),
            "coverage": e.get("coverage") or "", "legal_basis": e.get("legal_basis") or "",
            "update_frequency": codelists.label("update_frequencies", e["update_frequency"],
                                                lang),
            "first_due": e["first_due"], "due": e["status"]["due"] or "",
            "state": labels.state_label(e["state"]),
            "published": e["status"]["published"] or "",
            "last_update": e["status"]["last_update"] or "",
            "dataset": (tk.url_for("dataset.read", id=dataset["name"], _external=True)
                        if dataset else ""),
        }
        table.append([values[key] for key, _ in cols])
    return [header for _, header in cols], table


def _safe(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_csv(entries: list[dict[str, Any]]) -> bytes:
    header, table = rows(entries)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in table:
        writer.writerow([_safe(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(entries: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook
    header, table = rows(entries)
    book = Workbook()
    sheet = book.active
    sheet.title = tk._("Open Data List")[:31]
    sheet.append(header)
    for row in table:
        sheet.append([_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
