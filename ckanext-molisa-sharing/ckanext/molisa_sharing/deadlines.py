"""Deadlines in working days (the amended Decree 47 Art. 35(3): a decision
within 2 working days of submission). Saturdays, Sundays and the dates listed
in ``ckanext.molisa_sharing.holidays`` are not working days; a deadline ends
at midnight, in ``ckan.display_timezone``, after its last working day."""
from __future__ import annotations

import datetime

import pytz

import ckan.plugins.toolkit as tk


def _zone():
    return pytz.timezone(tk.config.get("ckan.display_timezone") or "UTC")


def today() -> datetime.date:
    """Today in the portal's time zone (``ckan.display_timezone``)."""
    return datetime.datetime.now(_zone()).date()


def holidays() -> set[datetime.date]:
    dates = set()
    for item in tk.aslist(tk.config.get("ckanext.molisa_sharing.holidays") or []):
        try:
            dates.add(datetime.date.fromisoformat(item))
        except ValueError:
            continue
    return dates


def is_working_day(day: datetime.date, off: set[datetime.date] | None = None) -> bool:
    off = holidays() if off is None else off
    return day.weekday() < 5 and day not in off


def add_working_days(start: datetime.datetime, days: int) -> datetime.datetime:
    """The end of the ``days``-th working day after ``start`` (aware), as
    UTC. Submitting on a Friday gives until the end of Tuesday."""
    zone = _zone()
    local = start.astimezone(zone)
    day = local.date()
    off = holidays()
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day, off):
            counted += 1
    end = zone.localize(datetime.datetime.combine(day + datetime.timedelta(days=1),
                                                  datetime.time()))
    return end.astimezone(datetime.timezone.utc)


def review_days() -> int:
    return int(tk.config.get("ckanext.molisa_sharing.review_working_days") or 2)
