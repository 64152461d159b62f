"""Tables: CSV and XLSX validated with Frictionless against the resource's
declared columns (types, missing values, duplicate rows, header), with a
report of the first errors by row and column in the reader's language
(R6.2)."""
from __future__ import annotations

import flask_babel
import pytest

from ckanext.molisa.model import quality as qmodel
from ckanext.molisa.quality import runner, tables

from .conftest import CSV, xlsx

pytestmark = [pytest.mark.ckan_config("ckanext.molisa.quality.allowed_networks", "127.0.0.0/8"),
              pytest.mark.ckan_config("ckanext.molisa.quality.check_on_change", "false")]

COLUMNS = [{"name": "tinh", "type": "text"}, {"name": "nam", "type": "integer"},
           {"name": "so_nguoi", "type": "integer"}]
BAD_CSV = (b"tinh,nam,so_nguoi\nha-noi,2024,120\nhue,hai-nghin,80\nda-nang,2024,\n"
           b"hue,hai-nghin,80\n")


def table_result(pkg, index=0):
    [row] = qmodel.history(pkg["resources"][index]["id"], qmodel.TABLE)
    return row


@pytest.mark.req("R6.2")
def test_a_table_that_matches_its_structure_is_valid(files, make_dataset):
    pkg = make_dataset({"url": files.url("/data.csv"), "columns": COLUMNS},
                       {"url": files.url("/table.xlsx"), "columns": COLUMNS, "format": "XLSX"})
    runner.check_packages([pkg["id"]])
    for index, rows in ((0, 3), (1, 1)):
        row = table_result(pkg, index)
        assert (row.outcome, row.score) == ("valid", 1.0)
        assert row.details["rows"] == rows and row.details["errors"] == []


@pytest.mark.req("R6.2")
@pytest.mark.usefixtures("with_request_context")
def test_type_errors_missing_values_and_duplicate_rows_are_reported(files, make_dataset):
    files.site.routes["/bad.csv"] = (200, "text/csv", BAD_CSV)
    pkg = make_dataset({"url": files.url("/bad.csv"), "columns": COLUMNS})
    runner.check_packages([pkg["id"]])
    row = table_result(pkg)
    assert row.outcome == "invalid"
    errors = [(e["code"], e["row"], e["column"]) for e in row.details["errors"]]
    assert ("type", 3, "nam") in errors
    assert ("missing", 4, "so_nguoi") in errors
    assert ("duplicate", 5, None) in errors
    assert row.details["rows"] == 4 and row.score == 0.25      # one row of four is clean
    with flask_babel.force_locale("vi"):
        vi = tables.report(row.details)
    with flask_babel.force_locale("en"):
        en = tables.report(row.details)
    assert 'Row 3, column nam: "hai-nghin" is not of the declared type' in en
    assert "Row 4, column so_nguoi: the value is missing" in en
    assert 'Dòng 3, cột nam: "hai-nghin" không đúng kiểu đã khai báo' in vi
    assert "Dòng 5: trùng với một dòng trước đó" in vi


@pytest.mark.usefixtures("with_request_context")
def test_an_xlsx_with_a_wrong_type_and_a_wrong_header(files, make_dataset):
    files.site.routes["/bad.xlsx"] = (200, "application/octet-stream",
                                      xlsx([("ha-noi", "nam ngoai", 1)]))
    other = [{"name": "province", "type": "text"}] + COLUMNS[1:]
    pkg = make_dataset({"url": files.url("/bad.xlsx"), "columns": COLUMNS},
                       {"url": files.url("/table.xlsx"), "columns": other})
    runner.check_packages([pkg["id"]])
    row = table_result(pkg, 0)
    assert row.outcome == "invalid"
    assert [(e["code"], e["row"], e["column"]) for e in row.details["errors"]] == \
        [("type", 2, "nam")]
    row = table_result(pkg, 1)
    assert row.outcome == "invalid" and row.details["counts"]["header"] == 1
    assert row.details["errors"][0]["column"] == "province"


def test_a_table_without_a_declared_structure_is_read_but_marked(files, make_dataset):
    files.site.routes["/dup.csv"] = (200, "text/csv", CSV + b"hue,2024,80\n")
    pkg = make_dataset(files.url("/dup.csv"))
    runner.check_packages([pkg["id"]])
    row = table_result(pkg)
    assert row.outcome == "no_structure" and not row.details["columns_declared"]
    assert [e["code"] for e in row.details["errors"]] == ["duplicate"]


def test_no_table_check_for_what_is_not_a_table(files, make_dataset):
    pkg = make_dataset(files.url("/report.pdf"), files.url("/data.json"))
    runner.check_packages([pkg["id"]])
    assert all(qmodel.history(r["id"], qmodel.TABLE) == [] for r in pkg["resources"])


@pytest.mark.ckan_config("ckanext.molisa.quality.max_bytes", "40")
def test_a_truncated_csv_is_judged_on_its_whole_rows(files, make_dataset):
    pkg = make_dataset({"url": files.url("/data.csv"), "columns": COLUMNS})
    runner.check_packages([pkg["id"]])
    row = table_result(pkg)
    assert row.details["truncated"] and row.outcome == "valid" and row.details["rows"] == 1


@pytest.mark.req("R6.2")
def test_an_unchanged_table_keeps_its_result_and_a_changed_one_is_validated_again(
        files, make_dataset, quality_unit):
    """The daily sweep does not run Frictionless again on the same bytes
    with the same declared structure: the new result repeats the previous
    one and names it. New bytes, or a new structure, are validated."""
    import ckan.tests.helpers as helpers
    pkg = make_dataset({"url": files.url("/data.csv"), "columns": COLUMNS})
    resource_id = pkg["resources"][0]["id"]
    runner.check_packages([pkg["id"]])
    runner.check_packages([pkg["id"]])
    second, first = qmodel.history(resource_id, qmodel.TABLE)
    assert (first.outcome, second.outcome) == ("valid", "valid")
    assert "same_as" not in first.details and second.details["same_as"] == first.id
    assert second.details["rows"] == first.details["rows"] == 3
    assert files.site.hits["/data.csv"] == 2             # fetched each time, all the same

    files.site.routes["/data.csv"] = (200, "text/csv", BAD_CSV)
    runner.check_packages([pkg["id"]])
    third = qmodel.history(resource_id, qmodel.TABLE)[0]
    assert third.outcome == "invalid" and "same_as" not in third.details
    assert third.details["counts"].get("type")

    helpers.call_action("resource_patch", context={"user": quality_unit.sysadmin["name"]},
                        id=resource_id, columns=[{"name": "tinh", "type": "text"},
                                                 {"name": "nam", "type": "text"},
                                                 {"name": "so_nguoi", "type": "text"}])
    runner.check_packages([pkg["id"]])
    fourth = qmodel.history(resource_id, qmodel.TABLE)[0]
    assert "same_as" not in fourth.details and "type" not in fourth.details["counts"]
