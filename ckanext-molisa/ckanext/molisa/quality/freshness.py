"""Freshness: is the dataset's last update within one period of its declared
``update_frequency``? The period arithmetic is the Open Data List's
(``odl/deadlines.py``). The last update is the dataset's declared
``modified`` date, else its ``issued`` date, else the day its metadata last
changed.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

from ckanext.molisa.odl.deadlines import after_period

FRESH, STALE, NOT_SCHEDULED = "fresh", "stale", "not_scheduled"


def _date(value: Any) -> Optional[datetime.date]:
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def check(pkg: dict[str, Any], today: datetime.date) -> tuple[str, Optional[float], dict]:
    frequency = pkg.get("update_frequency") or ""
    last = (_date(pkg.get("modified")) or _date(pkg.get("issued"))
            or _date(pkg.get("metadata_modified")))
    due = after_period(last, frequency) if last else None
    details = {"frequency": frequency, "last_update": last and last.isoformat(),
               "due": due and due.isoformat()}
    if due is None:
        return NOT_SCHEDULED, None, details
    if today <= due:
        return FRESH, 1.0, details
    details["days_overdue"] = (today - due).days
    return STALE, 0.0, details
