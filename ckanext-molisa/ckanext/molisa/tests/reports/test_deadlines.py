"""Working days for the reports' due dates: weekends, Vietnamese public
holidays (Tết from the lunar calendar) and configured days off skipped."""
from __future__ import annotations

import datetime

import pytest

from ckanext.molisa.reports import deadlines

D = datetime.date


@pytest.mark.req("R21.1d")
def test_weekends_are_skipped():
    friday = D(2026, 12, 4)
    assert deadlines.add_working_days(friday, 1, set()) == D(2026, 12, 7)       # Monday
    assert deadlines.add_working_days(friday, 5, set()) == D(2026, 12, 11)
    assert deadlines.add_working_days(friday, 0, set()) == friday
    saturday = D(2026, 12, 5)
    assert deadlines.add_working_days(saturday, 1, set()) == D(2026, 12, 7)
    assert deadlines.working_days_between(friday, D(2026, 12, 11), set()) == 5


@pytest.mark.req("R21.1d")
@pytest.mark.ckan_config("ckanext.molisa.report.holidays", "2027-02-11")
def test_tet_and_configured_days_off_are_skipped():
    off = deadlines.days_off({2027})
    # Tết 2027: 4 to 10 February (the holidays library, lunar calendar)
    assert D(2027, 2, 5) in off and D(2027, 2, 10) in off
    assert D(2027, 2, 11) in off                        # the configured day off
    assert D(2027, 9, 2) in off                         # National Day
    wednesday = D(2027, 2, 3)
    # Thursday 4 .. Wednesday 10 Tết, Thursday 11 configured: Friday 12 is the first
    assert deadlines.add_working_days(wednesday, 1, off) == D(2027, 2, 12)
    assert deadlines.due_dates(wednesday, 2, 10, off) == (D(2027, 2, 15), D(2027, 2, 25))
