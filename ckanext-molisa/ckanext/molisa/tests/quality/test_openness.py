"""Openness: five stars from the sniffed content, not the declared format;
no star without an open licence (R14.1)."""
from __future__ import annotations

import pytest

from ckanext.molisa.model import quality as qmodel
from ckanext.molisa.quality import runner

pytestmark = [pytest.mark.ckan_config("ckanext.molisa.quality.allowed_networks", "127.0.0.0/8"),
              pytest.mark.ckan_config("ckanext.molisa.quality.check_on_change", "false")]

CASES = [("/report.pdf", "pdf", 1), ("/table.xlsx", "xlsx", 2), ("/data.csv", "csv", 3),
         ("/csv-said-pdf", "csv", 3), ("/data.json", "json", 3), ("/data.jsonld", "jsonld", 4),
         ("/linked.jsonld", "jsonld", 5)]


@pytest.mark.req("R14.1")
def test_stars_come_from_the_content(files, make_dataset):
    pkg = make_dataset(*(files.url(path) for path, _, _ in CASES))
    runner.check_packages([pkg["id"]])
    got = []
    for resource in pkg["resources"]:
        [row] = qmodel.history(resource["id"], qmodel.OPENNESS)
        got.append((row.details["sniffed"], int(row.score)))
        assert row.details["declared_format"] == "CSV"
    assert got == [(kind, stars) for _, kind, stars in CASES]


@pytest.mark.req("R14.1")
def test_no_star_without_an_open_licence(files, make_dataset):
    pkg = make_dataset(files.url("/data.csv"), access_level="internal",
                       license_id="molisa-internal")
    assert not pkg["isopen"]
    runner.check_packages([pkg["id"]])
    [row] = qmodel.history(pkg["resources"][0]["id"], qmodel.OPENNESS)
    assert row.score == 0 and row.details["format_stars"] == 3
    assert row.details["license_open"] is False


def test_a_broken_link_has_no_openness_result(files, make_dataset):
    pkg = make_dataset(files.url("/error"))
    runner.check_packages([pkg["id"]])
    assert qmodel.history(pkg["resources"][0]["id"], qmodel.OPENNESS) == []
