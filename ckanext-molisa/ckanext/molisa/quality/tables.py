"""Tables: a CSV or XLSX resource validated with Frictionless against the
structure its publisher declared (the resource's ``columns``: names and
types): the header, each cell's type, missing values (every declared column
is expected filled) and duplicate rows. The result keeps the first
``MAX_ERRORS`` errors with their row and column as codes; :func:`report`
turns them into sentences in the reader's language.

Without a declared structure the table is still read (ragged rows, blank
and duplicate rows), and the result says the structure is missing.
"""
from __future__ import annotations

import os
import tempfile
from typing import Any, Optional

import ckan.plugins.toolkit as tk

from .fetch import Fetched

VALID, INVALID, NO_STRUCTURE, UNREADABLE = "valid", "invalid", "no_structure", "unreadable"
MAX_ERRORS = 20

#: the schema's column types -> Frictionless field types
TYPES = {"text": "string", "integer": "integer", "number": "number", "date": "date",
         "boolean": "boolean"}

#: Frictionless error types -> our codes
CODES = {"type-error": "type", "missing-cell": "missing", "extra-cell": "extra_cell",
         "duplicate-row": "duplicate", "blank-row": "blank_row", "incorrect-label": "header",
         "missing-label": "header", "extra-label": "header", "blank-label": "header",
         "duplicate-label": "header"}


def schema_of(columns: Any) -> Optional[dict[str, Any]]:
    if not isinstance(columns, list) or not columns:
        return None
    fields = []
    for column in columns:
        if not isinstance(column, dict) or not column.get("name"):
            return None
        fields.append({"name": str(column["name"]),
                       "type": TYPES.get(str(column.get("type") or "text"), "string"),
                       "constraints": {"required": True}})
    return {"fields": fields}


def _code(error) -> str:
    if error.type == "constraint-error" and "required" in (error.note or ""):
        return "missing"
    return CODES.get(error.type, "other")


def validate(fetched: Fetched, kind: str, columns: Any) -> tuple[str, float, dict[str, Any]]:
    """(outcome, score, details) of a CSV (``kind`` ``csv``) or XLSX table."""
    import frictionless
    from frictionless import Checklist, Resource, Schema, checks

    body = fetched.body
    if fetched.truncated:
        if kind != "csv":
            return UNREADABLE, 0.0, {"format": kind, "truncated": True, "errors": []}
        body = body[:body.rfind(b"\n") + 1]            # the last row may be cut
    descriptor = schema_of(columns)
    with tempfile.TemporaryDirectory(prefix="molisa-quality-") as directory:
        name = "table." + kind
        with open(os.path.join(directory, name), "wb") as f:
            f.write(body)
        options: dict[str, Any] = {"path": name, "basepath": directory}
        if descriptor:
            options["schema"] = Schema.from_descriptor(descriptor)
        report = frictionless.validate(Resource(**options),
                                       checklist=Checklist(checks=[checks.duplicate_row()]),
                                       limit_errors=1000)
    task = report.tasks[0] if report.tasks else None
    rows = int((task.stats.get("rows") if task else 0) or 0)
    errors, bad_rows, counts = [], set(), {}
    for error in (task.errors if task else report.errors):
        code = _code(error)
        if error.type in ("resource-error", "source-error", "format-error", "encoding-error",
                          "scheme-error", "schema-error"):
            return UNREADABLE, 0.0, {"format": kind, "truncated": fetched.truncated,
                                     "errors": [{"code": "unreadable"}]}
        counts[code] = counts.get(code, 0) + 1
        row = getattr(error, "row_number", None)
        if row:
            bad_rows.add(row)
        if len(errors) < MAX_ERRORS:
            errors.append({"code": code, "row": row,
                           "column": getattr(error, "field_name", None)
                           or getattr(error, "label", None),
                           "cell": _short(getattr(error, "cell", None))})
    details = {"format": kind, "rows": rows, "error_count": sum(counts.values()),
               "counts": counts, "errors": errors, "truncated": fetched.truncated,
               "columns_declared": bool(descriptor)}
    score = round(1 - len(bad_rows) / rows, 4) if rows else 0.0
    if counts.get("header") and not bad_rows:
        score = 0.0
    if not descriptor:
        return NO_STRUCTURE, score, details
    return (VALID if not counts else INVALID), score, details


def _short(value: Any) -> Any:
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def message(error: dict[str, Any]) -> str:
    """One error of the report, in the reader's language."""
    code, row, column, cell = (error.get("code"), error.get("row"), error.get("column"),
                               error.get("cell"))
    templates = {
        "type": tk._("Row {row}, column {column}: \"{cell}\" is not of the declared type"),
        "missing": tk._("Row {row}, column {column}: the value is missing"),
        "extra_cell": tk._("Row {row}: more cells than declared columns"),
        "duplicate": tk._("Row {row}: the same as an earlier row"),
        "blank_row": tk._("Row {row}: the row is empty"),
        "header": tk._("Header, column {column}: does not match the declared structure"),
        "unreadable": tk._("The file could not be read as a table"),
    }
    template = templates.get(code, tk._("Row {row}, column {column}: error"))
    return template.format(row=row or "-", column=column or "-", cell=cell or "")


def report(details: dict[str, Any]) -> list[str]:
    """The first errors of a table's result, as sentences."""
    return [message(error) for error in details.get("errors") or []]
