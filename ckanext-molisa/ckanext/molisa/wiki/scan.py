"""The scan of a community dataset before a human sees it: the glue between
a submission and the checks the portal already has.

* file type and size (the reports' attachment checks, WikiMolisa's limits:
  ``ckanext.molisa.wiki.file_formats``, ``file_max_mb``);
* personal data: the kernel's scanner (:func:`ckanext.molisa.personal_data.scan_table`)
  over every row of a CSV, XLSX or JSON file; a finding quarantines the file;
* the Frictionless checks of the quality module (``quality.tables.validate``)
  on CSV and XLSX: their errors are shown to the submitter and the
  moderators, they do not block;
* spam signals on the text: too many links, a blocked word
  (``ckanext.molisa.wiki.max_links``, ``blocked_words``), and the same title
  submitted again by the same account (the action checks that one).
"""
from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Iterable, Iterator

import ckan.plugins.toolkit as tk

from ckanext.molisa import personal_data
from ckanext.molisa.quality import tables
from ckanext.molisa.quality.fetch import Fetched
from ckanext.molisa.reports import attachments

FIELD = "files"
_LINK = re.compile(r"https?://", re.IGNORECASE)


def allowed_formats() -> set[str]:
    return {e.lower().lstrip(".") for e in tk.aslist(
        tk.config.get("ckanext.molisa.wiki.file_formats"))}


def max_bytes() -> int:
    return int(tk.config.get("ckanext.molisa.wiki.file_max_mb")) * 1024 * 1024


def check_files(files: list) -> list[tuple[str, bytes, Any]]:
    """Type and size of each file, refused per file (at least one)."""
    if not files:
        raise tk.ValidationError({FIELD: [tk._("Attach at least one file.")]})
    return attachments.check(files, allowed=allowed_formats(), limit=max_bytes(), key=FIELD)


def blocked_words() -> list[str]:
    return [w.replace("_", " ").lower() for w in tk.aslist(
        tk.config.get("ckanext.molisa.wiki.blocked_words")) if w]


def spam_errors(title: str, notes: str) -> dict[str, list[str]]:
    """The spam signals of the text, as errors per field."""
    errors: dict[str, list[str]] = {}
    limit = int(tk.config.get("ckanext.molisa.wiki.max_links"))
    if len(_LINK.findall(notes or "")) > limit:
        errors.setdefault("notes", []).append(tk._(
            "The description holds more than {n} links.").format(n=limit))
    for field, text in (("title", title), ("notes", notes)):
        lowered = (text or "").lower()
        for word in blocked_words():
            if re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", lowered):
                errors.setdefault(field, []).append(tk._(
                    "\"{word}\" is not accepted in WikiMolisa.").format(word=word))
                break
    return errors


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("latin-1")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text), dialect)


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    import openpyxl
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                yield list(row)
            break
    finally:
        book.close()


def _json_table(data: bytes) -> tuple[list[str], list[list[Any]]]:
    value = json.loads(data.decode("utf-8-sig"))
    if isinstance(value, dict):
        value = next((v for v in value.values() if isinstance(v, list)), [value])
    records = [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []
    columns: list[str] = []
    for record in records:
        for key in record:
            if key not in columns:
                columns.append(str(key))
    rows = [[_text(record.get(c)) for c in columns] for record in records]
    return columns, rows


def _text(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def read_table(name: str, data: bytes) -> tuple[list[str], Iterable[list[Any]]]:
    """(header, rows) of a file; ValueError when it cannot be read."""
    kind = extension(name)
    try:
        if kind == "json":
            return _json_table(data)
        rows = _xlsx_rows(data) if kind == "xlsx" else _csv_rows(data)
        header = next(rows, None)
    except Exception as exc:  # a file that is not what its name says
        raise ValueError(str(exc)) from exc
    if header is None:
        raise ValueError("empty")
    return ["" if h is None else str(h) for h in header], rows


def scan_file(name: str, data: bytes) -> dict[str, Any]:
    """What the checks found in one file: ``personal_data`` (findings by
    column), ``table`` (the Frictionless outcome and its first errors) and
    ``readable``."""
    result: dict[str, Any] = {"name": name, "size": len(data), "personal_data": [],
                              "readable": True, "table": None}
    try:
        header, rows = read_table(name, data)
        result["personal_data"] = personal_data.scan_table(
            header, rows, max_rows=int(tk.config.get("ckanext.molisa.wiki.scan_max_rows")))
    except (ValueError, UnicodeDecodeError):
        result["readable"] = False
    kind = extension(name)
    if kind in ("csv", "xlsx"):
        outcome, score, details = tables.validate(Fetched(url=name, body=data), kind, None)
        result["table"] = {"outcome": outcome, "score": score,
                           "errors": details.get("errors") or [],
                           "rows": details.get("rows")}
        if outcome == tables.UNREADABLE:
            result["readable"] = False
    return result
