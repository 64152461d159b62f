"""Audit events as CSV and XLSX files (R15.1: the log can be handed over).

Pure functions from lists of event dicts (as ``molisa_audit_event_list``
returns them) to bytes; the views fetch the events and send the bytes.

The files are written by the kernel's ``ckanext.molisa.spreadsheets``: text
that a spreadsheet would read as a formula stays text. Actor names and error
messages come from the outside (a failed log-in records the name that was
typed), so an exported log must not run them.
"""
from __future__ import annotations

from typing import Any, Iterable

from ckanext.molisa.spreadsheets import to_csv, to_xlsx

__all__ = ["COLUMNS", "event_rows", "to_csv", "to_xlsx", "events_csv", "events_xlsx"]

COLUMNS = ("ts", "channel", "action", "actor", "client_addr", "status", "error_class",
           "error_message", "duration_ms", "bytes_sent", "datasets", "resources",
           "organizations", "request_id")


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


def events_csv(events: Iterable[dict[str, Any]]) -> bytes:
    return to_csv(COLUMNS, event_rows(events))


def events_xlsx(events: Iterable[dict[str, Any]]) -> bytes:
    return to_xlsx(COLUMNS, event_rows(events))
