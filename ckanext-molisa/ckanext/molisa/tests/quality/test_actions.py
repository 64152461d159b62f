"""molisa_quality_show and molisa_quality_list: results with history, as
whoever may see the dataset sees them and never more (R6.2, R14.1)."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from ckanext.molisa.quality import runner
from ckanext.molisa.testing.factories import act

from .test_tables import BAD_CSV, COLUMNS

pytestmark = [pytest.mark.ckan_config("ckanext.molisa.quality.allowed_networks", "127.0.0.0/8"),
              pytest.mark.ckan_config("ckanext.molisa.quality.check_on_change", "false"),
              pytest.mark.usefixtures("with_request_context")]


@pytest.fixture
def checked(files, make_dataset):
    files.site.routes["/bad.csv"] = (200, "text/csv", BAD_CSV)
    open_ = make_dataset({"url": files.url("/bad.csv"), "columns": COLUMNS},
                         files.url("/report.pdf"))
    internal = make_dataset({"url": files.url("/bad.csv"), "columns": COLUMNS},
                            access_level="internal", license_id="molisa-internal",
                            title="Dữ liệu nội bộ")
    runner.check_packages([open_["id"], internal["id"]])
    runner.check_packages([open_["id"]])                 # a second round: history
    return open_, internal


@pytest.mark.req("R6.2", "R14.1")
def test_show_gives_the_latest_result_of_each_check_with_history(checked, quality_unit):
    open_, _ = checked
    shown = act(None, "molisa_quality_show", id=open_["name"])
    assert shown["package_id"] == open_["id"]
    assert set(shown["dataset"]) == {"metadata", "freshness"}
    assert len(shown["dataset"]["metadata"]["history"]) == 2
    table_res, pdf_res = shown["resources"]
    assert set(table_res["checks"]) == {"link", "openness", "table"}
    assert set(pdf_res["checks"]) == {"link", "openness"}
    assert pdf_res["checks"]["openness"]["latest"]["score"] == 1
    table = table_res["checks"]["table"]["latest"]
    assert table["outcome"] == "invalid" and len(table_res["checks"]["table"]["history"]) == 2
    assert any(e.get("cell") == "hai-nghin" for e in table["details"]["errors"])  # open data
    assert any("hai-nghin" in line for line in table["details"]["report"])


@pytest.mark.req("R6.2")
def test_an_outsider_cannot_read_the_quality_of_an_internal_dataset(checked, quality_unit):
    _, internal = checked
    for who in (None, quality_unit.outsider):
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_quality_show", id=internal["id"])
    # the unit's admin sees all of it; a member sees the results, not the cells
    admin_view = act(quality_unit.admin, "molisa_quality_show", id=internal["id"])
    table = admin_view["resources"][0]["checks"]["table"]["latest"]
    assert any(e.get("cell") == "hai-nghin" for e in table["details"]["errors"])
    member_view = act(quality_unit.member, "molisa_quality_show", id=internal["id"])
    table = member_view["resources"][0]["checks"]["table"]["latest"]
    assert table["outcome"] == "invalid" and table["details"]["errors"]
    assert all("cell" not in e for e in table["details"]["errors"])
    assert all("hai-nghin" not in line for line in table["details"]["report"])


@pytest.mark.req("R6.2")
def test_the_units_list_holds_only_what_the_reader_may_see(checked, quality_unit):
    open_, internal = checked
    outsider = act(quality_unit.outsider, "molisa_quality_list", owner_org="cuc-viec-lam")
    assert [d["id"] for d in outsider["datasets"]] == [open_["id"]]
    assert outsider["summary"]["datasets"] == 1 and outsider["summary"]["links"] == 2
    admin = act(quality_unit.admin, "molisa_quality_list", owner_org=quality_unit.unit["id"])
    assert sorted(d["id"] for d in admin["datasets"]) == sorted([open_["id"], internal["id"]])
    row = next(d for d in admin["datasets"] if d["id"] == open_["id"])
    assert row["links_ok"] == 2 and row["openness"] == 2.0 and row["tables_invalid"] == 1
    assert row["metadata_rating"] in ("excellent", "good") and row["freshness"]
    [today] = admin["trend"]
    assert today["links_ok"] == 1.0 and today["metadata"] > 200
    assert today["openness"] == 1.6          # (3 + 1) x 2 rounds and the internal one's 0


def test_bad_input_is_refused_per_field(quality_unit):
    with pytest.raises(tk.ValidationError) as err:
        act(None, "molisa_quality_show")
    assert "id" in err.value.error_dict
    with pytest.raises(tk.ObjectNotFound):
        act(None, "molisa_quality_show", id="khong-co")
    with pytest.raises(tk.ObjectNotFound):
        act(None, "molisa_quality_list", owner_org="khong-co")
    for days in (0, 400, "many", True):
        with pytest.raises(tk.ValidationError) as err:
            act(None, "molisa_quality_list", owner_org="cuc-viec-lam", days=days)
        assert "days" in err.value.error_dict
