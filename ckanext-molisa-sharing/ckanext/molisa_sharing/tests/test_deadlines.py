"""Deadlines in working days (the amended Decree 47 Art. 35(3): a decision
within 2 working days), in the portal's time zone, without weekends and the
configured holidays."""
from __future__ import annotations

import datetime

import pytest
import pytz

from ckanext.molisa_sharing import deadlines

ZONE = pytz.timezone("Asia/Ho_Chi_Minh")


def local(y, m, d, hh=10, mm=0) -> datetime.datetime:
    return ZONE.localize(datetime.datetime(y, m, d, hh, mm))


def end_of(y, m, d) -> datetime.datetime:
    """Midnight after that day, local time, as UTC."""
    return ZONE.localize(datetime.datetime(y, m, d) + datetime.timedelta(days=1)).astimezone(
        datetime.timezone.utc)


# 2027-03-01 is a Monday
CASES = [
    ("Monday -> end of Wednesday", local(2027, 3, 1), 2, end_of(2027, 3, 3)),
    ("Friday -> end of Tuesday", local(2027, 3, 5), 2, end_of(2027, 3, 9)),
    ("Friday late evening -> end of Tuesday", local(2027, 3, 5, 23, 59), 2, end_of(2027, 3, 9)),
    ("Saturday -> end of Tuesday", local(2027, 3, 6), 2, end_of(2027, 3, 9)),
    ("Sunday -> end of Tuesday", local(2027, 3, 7), 2, end_of(2027, 3, 9)),
    ("Thursday -> end of Monday", local(2027, 3, 4), 2, end_of(2027, 3, 8)),
    ("ten working days", local(2027, 3, 1), 10, end_of(2027, 3, 15)),
]


@pytest.mark.req("R12.4", "R12.6")
@pytest.mark.ckan_config("ckan.display_timezone", "Asia/Ho_Chi_Minh")
@pytest.mark.parametrize("label,start,days,due", CASES, ids=[c[0] for c in CASES])
def test_add_working_days(label, start, days, due):
    assert deadlines.add_working_days(start, days) == due


@pytest.mark.req("R12.4", "R12.6")
@pytest.mark.ckan_config("ckan.display_timezone", "Asia/Ho_Chi_Minh")
def test_utc_evening_is_already_the_next_local_day():
    # Friday 20:00 UTC is Saturday 03:00 in Hanoi: due at the end of Tuesday
    friday_evening_utc = datetime.datetime(2027, 3, 5, 20, 0, tzinfo=datetime.timezone.utc)
    assert deadlines.add_working_days(friday_evening_utc, 2) == end_of(2027, 3, 9)


@pytest.mark.req("R12.4", "R12.6")
@pytest.mark.ckan_config("ckan.display_timezone", "Asia/Ho_Chi_Minh")
@pytest.mark.ckan_config("ckanext.molisa_sharing.holidays", "2027-03-08 2027-03-09 not-a-date")
def test_holidays_are_not_working_days():
    assert deadlines.holidays() == {datetime.date(2027, 3, 8), datetime.date(2027, 3, 9)}
    assert not deadlines.is_working_day(datetime.date(2027, 3, 8))
    assert deadlines.is_working_day(datetime.date(2027, 3, 10))
    assert not deadlines.is_working_day(datetime.date(2027, 3, 6))  # Saturday
    # Friday: Monday and Tuesday are holidays -> end of Thursday
    assert deadlines.add_working_days(local(2027, 3, 5), 2) == end_of(2027, 3, 11)


@pytest.mark.req("R12.4")
@pytest.mark.ckan_config("ckanext.molisa_sharing.review_working_days", "3")
def test_review_days_from_the_configuration():
    assert deadlines.review_days() == 3


@pytest.mark.req("R12.4")
def test_review_days_default_to_two():
    assert deadlines.review_days() == 2
