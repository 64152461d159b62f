"""The dataset's own checks: the metadata score along the EU MQA dimensions
and freshness against the declared update frequency (R6.2, R14.1)."""
from __future__ import annotations

import datetime

import pytest

from ckanext.molisa.model import quality as qmodel
from ckanext.molisa.quality import freshness, metadata, runner

pytestmark = [pytest.mark.ckan_config("ckanext.molisa.quality.allowed_networks", "127.0.0.0/8"),
              pytest.mark.ckan_config("ckanext.molisa.quality.check_on_change", "false")]

TODAY = datetime.date.today()


def latest(pkg, kind):
    return qmodel.dataset_history(pkg["id"], kind)[0]


@pytest.mark.req("R14.1")
def test_a_complete_dataset_with_good_resources_is_excellent(files, make_dataset):
    pkg = make_dataset({"url": files.url("/data.csv"), "size": 60},
                       modified=TODAY.isoformat())
    runner.check_packages([pkg["id"]])
    row = latest(pkg, "metadata")
    assert row.details["max"] == 405
    assert row.outcome == "excellent" and row.score > 350
    # no media type declared: the one the server gave counts
    assert row.details["missed"] == []
    assert {d: v["max"] for d, v in row.details["dimensions"].items()} == {
        "findability": 100, "accessibility": 100, "interoperability": 110,
        "reusability": 75, "contextuality": 20}


@pytest.mark.req("R14.1")
def test_missing_fields_and_a_broken_pdf_lower_the_score(files, make_dataset):
    pkg = make_dataset(files.url("/report.pdf"), files.url("/error"), tags=None,
                       province=None, temporal_start=None, temporal_end=None,
                       legal_basis=None)
    runner.check_packages([pkg["id"]])
    row = latest(pkg, "metadata")
    dims = row.details["dimensions"]
    assert dims["findability"]["points"] == 30            # the sector only
    assert dims["accessibility"]["points"] == 20 + 25 + 15  # half the links work
    assert dims["interoperability"]["points"] < 110 and "non_proprietary" in row.details["missed"]
    assert {"keywords", "spatial", "temporal", "rights"} <= \
        set(row.details["missed"])
    assert row.outcome in ("good", "sufficient") and row.score < 300


def test_the_rating_bands():
    assert [metadata.rating(p) for p in (405, 351, 350, 221, 220, 121, 120, 0)] == \
        ["excellent", "excellent", "good", "good", "sufficient", "sufficient", "bad", "bad"]


@pytest.mark.req("R6.2")
def test_freshness_follows_the_update_frequency(files, make_dataset):
    fresh = make_dataset(update_frequency="annual",
                         modified=(TODAY - datetime.timedelta(days=100)).isoformat())
    stale = make_dataset(update_frequency="monthly",
                         modified=(TODAY - datetime.timedelta(days=100)).isoformat())
    irregular = make_dataset(update_frequency="irregular")
    runner.check_packages([fresh["id"], stale["id"], irregular["id"]])
    assert (latest(fresh, "freshness").outcome, latest(fresh, "freshness").score) == ("fresh", 1)
    row = latest(stale, "freshness")
    assert row.outcome == "stale" and row.score == 0 and row.details["days_overdue"] > 60
    assert latest(irregular, "freshness").outcome == "not_scheduled"


def test_freshness_on_the_day_due_and_the_day_after():
    pkg = {"update_frequency": "monthly", "modified": "2026-01-31"}
    assert freshness.check(pkg, datetime.date(2026, 2, 28))[0] == "fresh"
    assert freshness.check(pkg, datetime.date(2026, 3, 1))[0] == "stale"
