"""Template helpers of ckanext-molisa-audit (the /audit pages)."""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib import formatters

__all__ = [
    "molisa_audit_can_read",
    "molisa_audit_channel_label",
    "molisa_audit_field_label",
    "molisa_audit_group_by_label",
    "molisa_audit_local_time",
    "molisa_audit_timezone_label",
    "molisa_audit_bytes",
    "molisa_audit_duration",
]


def molisa_audit_can_read() -> bool:
    """Whether the current user may open the audit pages (sysadmins and the
    units' administrators), for links to them."""
    try:
        tk.check_access("molisa_audit_event_list", {"user": tk.current_user.name})
    except tk.NotAuthorized:
        return False
    return True


def molisa_audit_channel_label(channel: str | None) -> str:
    """The channel's name in the user's language."""
    labels = {
        "api": tk._("API"),
        "web": tk._("Web pages"),
        "download": tk._("Downloads"),
        "harvest": tk._("Harvesting"),
        "sharing": tk._("Data sharing"),
        "auth": tk._("Log-in and API tokens"),
        "audit": tk._("The audit log itself"),
        "report": tk._("Reports of problems"),
        "wiki": tk._("WikiMolisa"),
    }
    return labels.get(channel or "", channel or "")


def molisa_audit_field_label(field: str) -> str:
    """The name of a filter, as the forms show it (and their errors)."""
    labels = {
        "since": tk._("From"),
        "until": tk._("To"),
        "actor": tk._("User"),
        "organization": tk._("Unit"),
        "dataset": tk._("Dataset"),
        "channel": tk._("Channel"),
        "action": tk._("Action"),
        "outcome": tk._("Outcome"),
        "group_by": tk._("Group by"),
        "minutes": tk._("Minutes"),
    }
    return labels.get(field, field)


def molisa_audit_group_by_label(group_by: str) -> str:
    labels = {
        "day": tk._("Day"),
        "month": tk._("Month"),
        "channel": tk._("Channel"),
        "organization": tk._("Unit"),
        "dataset": tk._("Dataset"),
        "actor": tk._("User"),
    }
    return labels.get(group_by, group_by)


def _parse(ts: str | datetime.datetime) -> datetime.datetime:
    if isinstance(ts, datetime.datetime):
        return ts
    return datetime.datetime.fromisoformat(str(ts).replace("Z", "+00:00"))


def molisa_audit_local_time(ts: str | datetime.datetime | None, seconds: bool = True) -> str:
    """An event's time (ISO 8601, UTC) in the portal's display time zone
    (``ckan.display_timezone``), as ``2026-11-27 15:30:01``."""
    if not ts:
        return ""
    try:
        moment = _parse(ts)
    except ValueError:
        return str(ts)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    local = moment.astimezone(tk.h.get_display_timezone())
    return local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def molisa_audit_timezone_label() -> str:
    """The display time zone, e.g. ``Asia/Ho_Chi_Minh, UTC+07:00``."""
    zone = tk.h.get_display_timezone()
    offset = datetime.datetime.now(zone).strftime("%z")
    name = str(getattr(zone, "zone", None) or getattr(zone, "key", None) or zone)
    return f"{name}, UTC{offset[:3]}:{offset[3:]}"


def molisa_audit_bytes(number: int | None) -> str:
    if number is None:
        return ""
    return formatters.localised_filesize(int(number))


def molisa_audit_duration(ms: float | None) -> str:
    """A duration in milliseconds, e.g. ``12.3 ms`` or ``2.50 s``."""
    if ms is None:
        return ""
    if ms >= 1000:
        return tk._("{seconds} s").format(seconds=formatters.localised_number(round(ms / 1000, 2)))
    return tk._("{ms} ms").format(ms=formatters.localised_number(round(ms, 1)))
