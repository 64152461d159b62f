"""Validators of the audit actions' parameters."""
from __future__ import annotations

import datetime
import zoneinfo

import ckan.plugins.toolkit as tk

__all__ = ["molisa_audit_iso_datetime", "molisa_audit_outcome", "molisa_audit_text"]


def molisa_audit_iso_datetime(value):
    """An ISO 8601 date or date-time; without a zone, in the portal's display
    time zone (``ckan.display_timezone``), in which days and months are counted."""
    if isinstance(value, datetime.datetime):
        parsed = value
    else:
        text = str(value).strip()
        try:
            parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise tk.Invalid(tk._("Not an ISO 8601 date or time (for example 2026-11-27 or "
                                  "2026-11-27T08:30:00Z): %s") % text[:40])
    if parsed.tzinfo is None:
        zone = tk.config.get("ckan.display_timezone") or "UTC"
        try:
            tzinfo = zoneinfo.ZoneInfo("UTC" if zone == "server" else zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            tzinfo = datetime.timezone.utc
        parsed = parsed.replace(tzinfo=tzinfo)
    return parsed


def molisa_audit_outcome(value):
    """``success``, ``error`` or an HTTP status code."""
    text = str(value).strip().lower()
    if text in ("success", "error"):
        return text
    if text.isdigit() and 100 <= int(text) <= 599:
        return text
    raise tk.Invalid(tk._('Use "success", "error" or an HTTP status code.'))


def molisa_audit_text(value):
    """A filter's text: at most 200 characters, no control characters."""
    text = str(value)
    if len(text) > 200 or any(ord(c) < 32 for c in text):
        raise tk.Invalid(tk._("Contains a character that is not allowed."))
    return text
