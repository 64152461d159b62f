"""Due dates and states of the Open Data List's entries (pure dates)."""
from __future__ import annotations

import datetime

import pytest

from ckanext.molisa.odl import deadlines as d

D = datetime.date
pytestmark = pytest.mark.req("R14.1")


def test_months_keep_the_end_of_a_shorter_month():
    assert d.add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert d.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert d.add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)
    assert d.add_months(D(2025, 12, 15), 12) == D(2026, 12, 15)
    assert d.after_period(D(2025, 3, 1), "weekly") == D(2025, 3, 8)
    assert d.after_period(D(2025, 3, 1), "irregular") is None
    assert d.after_period(D(2025, 3, 1), "never") is None


def test_not_published_is_planned_up_to_the_due_date_itself_then_overdue():
    due = D(2025, 6, 30)
    assert d.status("annual", due, D(2025, 6, 29)).state == d.PLANNED
    assert d.status("annual", due, due).state == d.PLANNED
    st = d.status("annual", due, D(2025, 7, 1))
    assert (st.state, st.due, st.published) == (d.OVERDUE, due, None)


def test_published_before_the_first_due_date_is_on_time_and_next_due_a_period_after_it():
    st = d.status("quarterly", D(2025, 6, 30), D(2025, 7, 1), published=D(2025, 6, 1))
    assert st.state == d.ON_TIME
    assert st.due == D(2025, 9, 30)      # counted from the first due date, not publication


def test_published_after_the_first_due_date_is_late():
    st = d.status("annual", D(2025, 6, 30), D(2025, 8, 1), published=D(2025, 7, 15))
    assert st.state == d.LATE and st.due == D(2026, 7, 15)


def test_not_updated_within_its_period_becomes_overdue():
    st = d.status("monthly", D(2025, 1, 31), D(2025, 4, 1), published=D(2025, 1, 20),
                  last_update=D(2025, 2, 27))
    assert st.due == D(2025, 3, 27) and st.state == d.OVERDUE
    # the due date itself is still in time
    assert d.status("monthly", D(2025, 1, 31), D(2025, 3, 27), published=D(2025, 1, 20),
                    last_update=D(2025, 2, 27)).state == d.ON_TIME


def test_an_update_after_a_recorded_missed_due_date_is_late_for_one_period():
    args = ("monthly", D(2025, 1, 31))
    missed = [D(2025, 3, 27)]
    late = d.status(*args, D(2025, 4, 10), published=D(2025, 1, 20),
                    last_update=D(2025, 4, 5), missed=missed)
    assert late.state == d.LATE and late.due == D(2025, 5, 5)
    # updated on time again more than a period after the missed date: on time
    again = d.status(*args, D(2025, 5, 10), published=D(2025, 1, 20),
                     last_update=D(2025, 5, 1), missed=missed)
    assert again.state == d.ON_TIME


def test_irregular_data_once_published_is_never_overdue():
    st = d.status("irregular", D(2025, 1, 1), D(2030, 1, 1), published=D(2024, 12, 1))
    assert st.state == d.ON_TIME and st.due is None
    late = d.status("never", D(2025, 1, 1), D(2030, 1, 1), published=D(2025, 2, 1))
    assert late.state == d.LATE and late.due is None


def test_a_last_update_before_publication_counts_as_the_publication():
    st = d.status("annual", D(2025, 6, 30), D(2025, 7, 1), published=D(2025, 6, 1),
                  last_update=D(2024, 1, 1))
    assert st.last_update == D(2025, 6, 1) and st.state == d.ON_TIME


def test_reminder_window():
    st = d.status("annual", D(2025, 6, 30), D(2025, 6, 20))
    assert d.reminder_due(st, D(2025, 6, 20), 14)
    assert d.reminder_due(st, D(2025, 6, 16), 14)
    assert not d.reminder_due(st, D(2025, 6, 15), 14)
    overdue = d.status("annual", D(2025, 6, 30), D(2025, 7, 1))
    assert not d.reminder_due(overdue, D(2025, 7, 1), 14)
