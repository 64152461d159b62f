"""Working days for the reports' due dates: Saturdays and Sundays skipped,
Vietnamese public holidays (the ``holidays`` library, Tết from the lunar
calendar) and the days of ``ckanext.molisa.report.holidays`` too.
Pure functions of dates; the configuration is read by :func:`days_off`."""
from __future__ import annotations

import datetime
from typing import Iterable

import holidays


def days_off(years: Iterable[int]) -> set[datetime.date]:
    """Public holidays of Viet Nam in ``years`` and the configured days off."""
    import ckan.plugins.toolkit as tk
    off = set(holidays.country_holidays("VN", years=list(years)).keys())
    configured = tk.config.get("ckanext.molisa.report.holidays") or []
    if isinstance(configured, str):
        configured = configured.split()
    for value in configured:
        try:
            off.add(datetime.date.fromisoformat(str(value).strip()))
        except ValueError:
            continue
    return off


def is_working_day(day: datetime.date, off: set[datetime.date]) -> bool:
    return day.weekday() < 5 and day not in off


def add_working_days(start: datetime.date, days: int, off: set[datetime.date]) -> datetime.date:
    """The ``days``-th working day after ``start`` (``start`` itself not
    counted; 0: ``start``)."""
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, off):
            days -= 1
    return day


def due_dates(created: datetime.date, ack_days: int, resolve_days: int,
              off: set[datetime.date]) -> tuple[datetime.date, datetime.date]:
    """(acknowledgement due, resolution due) of a report made on ``created``."""
    return (add_working_days(created, ack_days, off),
            add_working_days(created, resolve_days, off))


def working_days_between(start: datetime.date, end: datetime.date,
                         off: set[datetime.date]) -> int:
    """Working days after ``start`` up to and including ``end``."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day, off):
            count += 1
    return count
