"""Due dates and states of the Open Data List's entries, from the entry's
update frequency and first due date and the linked dataset's publication
and last real update. Pure functions of dates: ``today`` is always given.

* An entry not published yet is due on its first due date: ``planned``
  until then (the due date itself included), ``overdue`` after it.
* A published entry with a recurring frequency is next due one period after
  its last update (counted from the first due date if it was published
  before it); irregular and never-updated data have no further due date.
  ``overdue`` once that date has passed without an update; otherwise
  ``late`` when the last update came less than one period after a due date
  that had passed without it (the first due date, or one the sweep recorded
  as missed), else ``on_time``.
"""
from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Iterable, Optional

PLANNED, ON_TIME, LATE, OVERDUE = "planned", "on_time", "late", "overdue"
STATES = (PLANNED, ON_TIME, LATE, OVERDUE)

#: months per period of the recurring frequencies (days for the short ones)
MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}
DAYS = {"continuous": 1, "daily": 1, "weekly": 7}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months, the end of a shorter month
    kept (31 January + 1 month = 28 or 29 February)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


def after_period(day: datetime.date, frequency: str) -> Optional[datetime.date]:
    """One period of ``frequency`` after ``day``; None when not recurring."""
    if frequency in MONTHS:
        return add_months(day, MONTHS[frequency])
    if frequency in DAYS:
        return day + datetime.timedelta(days=DAYS[frequency])
    return None


@dataclass(frozen=True)
class Status:
    state: str
    due: Optional[datetime.date]   # the date the entry is (next) due, None if never again
    published: Optional[datetime.date]
    last_update: Optional[datetime.date]

    def as_dict(self) -> dict:
        return {"state": self.state, "due": self.due and self.due.isoformat(),
                "published": self.published and self.published.isoformat(),
                "last_update": self.last_update and self.last_update.isoformat()}


def status(frequency: str, first_due: datetime.date, today: datetime.date,
           published: Optional[datetime.date] = None,
           last_update: Optional[datetime.date] = None,
           missed: Iterable[datetime.date] = ()) -> Status:
    """The state of one entry on ``today`` (see the module's description).
    ``published``: the dataset's first publication (None: not published);
    ``last_update``: its last real update (defaults to ``published``);
    ``missed``: due dates recorded as passed without an update."""
    if published is None:
        return Status(PLANNED if today <= first_due else OVERDUE, first_due, None, None)
    last = max(last_update or published, published)
    due = after_period(max(last, first_due), frequency)
    if due is not None and today > due:
        return Status(OVERDUE, due, published, last)
    passed = [d for d in missed if d < last]
    if published > first_due:
        passed.append(first_due)
    late = any(_within_period(d, last, frequency) for d in passed)
    return Status(LATE if late else ON_TIME, due, published, last)


def _within_period(due: datetime.date, update: datetime.date, frequency: str) -> bool:
    limit = after_period(due, frequency)
    return limit is None or update <= limit


def reminder_due(st: Status, today: datetime.date, days_before: int) -> bool:
    """Whether the entry falls due within ``days_before`` days (not passed)."""
    return (st.state != OVERDUE and st.due is not None
            and today <= st.due <= today + datetime.timedelta(days=days_before))
