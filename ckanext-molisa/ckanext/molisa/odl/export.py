"""The Open Data List's entries as a table, written as CSV and XLSX by the
kernel's ``spreadsheets`` (formulas kept as text)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.molisa import codelists, spreadsheets

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


def to_csv(entries: list[dict[str, Any]]) -> bytes:
    return spreadsheets.to_csv(*rows(entries))


def to_xlsx(entries: list[dict[str, Any]]) -> bytes:
    return spreadsheets.to_xlsx(*rows(entries), sheet_title=tk._("Open Data List"))
