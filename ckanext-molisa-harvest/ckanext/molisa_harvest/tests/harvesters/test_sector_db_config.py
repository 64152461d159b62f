"""The sector-database source configuration: validated, with clear errors per
field, and the personal data guard at configuration time (R4.3)."""
from __future__ import annotations

import glob
import json
import os

import pytest

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
import ckan.tests.factories as factories

from ckanext.molisa_harvest.harvesters.sector_db_config import SectorDbConfigError, parse

from ..conftest import fixture_text

SOURCES = os.path.join(os.path.dirname(__file__), "..", "..", "sources")


def _errors(text):
    with pytest.raises(SectorDbConfigError) as e:
        parse(text)
    return e.value.errors


@pytest.mark.req("R5.4", "R14.1")
@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(SOURCES, "*.yaml"))))
def test_the_demo_sources_are_valid(path):
    with open(path, encoding="utf-8") as f:
        conf = parse(f.read())
    assert conf["schema"] == "csdl"
    assert len(conf["datasets"]) >= 2
    for ds in conf["datasets"]:
        assert ds["license_id"] == ("cc-by-4.0" if ds["access_level"] == "open" else
                                    ds["license_id"])
        if ds["access_level"] == "open":
            assert not ds["personal_data"] and ds["granularity"] == "aggregate"


@pytest.mark.req("R5.4")
def test_every_mistake_is_named_by_its_field():
    errors = _errors(fixture_text("invalid_config.yaml"))
    assert "datasets[0].name" in errors
    assert "datasets[0]" in errors                 # both table and query
    assert "datasets[0].unit" in errors and "cuc-khong-ton-tai" in errors["datasets[0].unit"][0]
    assert "datasets[0].sector" in errors
    assert "datasets[0].access_level" in errors
    assert "datasets[0].update_frequency" in errors
    assert "datasets[0].contact_email" in errors
    assert "datasets[0].columns" in errors
    assert "datasets[2].colums_typo" in errors     # unknown options are not ignored


@pytest.mark.req("R4.3")
def test_personal_columns_in_an_open_dataset_are_refused():
    errors = _errors(fixture_text("invalid_config.yaml"))
    refused = {k: v for k, v in errors.items() if k.startswith("datasets[1].columns[")}
    text = json.dumps(refused, ensure_ascii=False)
    for column in ("ho_ten", "so_cccd", "so_dien_thoai", "dia_chi", "ngay_sinh"):
        assert column in text
    assert "datasets[1].columns[0]" not in refused      # ma_tinh is fine
    assert "R4.3" in text


@pytest.mark.req("R4.3")
def test_record_level_data_cannot_be_open():
    errors = _errors(fixture_text("invalid_config.yaml"))
    # granularity defaults to records: open is refused
    assert any("Record-level" in m for m in errors["datasets[2].access_level"])


@pytest.mark.req("R4.3")
def test_a_declared_personal_column_is_refused_too():
    conf = {"unit": "cuc-viec-lam", "sector": "lao-dong-viec-lam", "update_frequency": "annual",
            "contact_name": "A", "contact_email": "a@molisa.gov.vn",
            "datasets": [{"name": "x-y", "view": "v", "title": "T", "notes": "N",
                          "access_level": "open", "granularity": "aggregate",
                          "columns": ["ma_tinh", {"name": "ma_ho", "personal": True}]}]}
    assert "datasets[0].columns[1]" in _errors(conf)
    conf["datasets"][0]["access_level"] = "internal"
    assert parse(conf)["datasets"][0]["personal_data"] is True


@pytest.mark.req("R5.4")
@pytest.mark.parametrize("text,key", [
    ("", "config"), ("datasets: [a", "config"), ("- a\n- b", "config"),
    ("datasets: []", "datasets"), ('{"datasets": "x"}', "datasets"),
    ("schema: 'x; drop'\ndatasets: [{}]", "schema"),
])
def test_malformed_configurations(text, key):
    assert key in _errors(text)


@pytest.mark.req("R5.4")
def test_a_query_must_be_one_select():
    conf = {"unit": "cuc-viec-lam", "sector": "lao-dong-viec-lam", "update_frequency": "annual",
            "contact_name": "A", "contact_email": "a@molisa.gov.vn", "access_level": "internal",
            "datasets": [{"name": "q-1", "title": "T", "notes": "N",
                          "query": "DELETE FROM x", "columns": ["a"]},
                         {"name": "q-2", "title": "T", "notes": "N",
                          "query": "SELECT 1; DROP TABLE x", "columns": ["a"]}]}
    errors = _errors(conf)
    assert "datasets[0].query" in errors and "datasets[1].query" in errors


@pytest.mark.req("R4.3", "R5.4")
@pytest.mark.usefixtures("clean_db")
def test_a_harvest_source_with_a_bad_configuration_is_refused():
    org = factories.Organization(name="cuc-nguoi-co-cong", unit_type="department")
    sysadmin = factories.Sysadmin()
    with pytest.raises(tk.ValidationError) as e:
        helpers.call_action("harvest_source_create", context={"user": sysadmin["name"]},
                            name="bad-source", title="Bad", source_type="molisa_sector_db",
                            url="postgresql://sector_ro@127.0.0.1/molisa_sector_test",
                            owner_org=org["id"], config=fixture_text("invalid_config.yaml"))
    message = " ".join(e.value.error_dict["config"])
    assert "ho_ten" in message and "datasets[0].unit" in message
