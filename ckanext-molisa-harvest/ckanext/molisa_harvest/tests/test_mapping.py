"""mapping.py: another portal's metadata into the MOLISA schema, field by
field, and the result accepted by the real package_create."""
from __future__ import annotations

import pytest

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.molisa_harvest import mapping

pytestmark = [pytest.mark.req("R9.2"), pytest.mark.usefixtures("with_plugins")]

EU = "http://publications.europa.eu/resource/authority/"


def test_fold_drops_case_diacritics_and_spaces():
    assert mapping.fold("  Đối tượng   BẢO TRỢ  ") == "doi tuong bao tro"
    assert mapping.fold(None) == ""


@pytest.mark.parametrize("themes, keywords, options, expected", [
    ([EU + "data-theme/EDUC"], [], None, "giao-duc-nghe-nghiep"),
    (["https://data.molisa.gov.vn/sectors/tre-em"], [], None, "tre-em"),
    (["nguoi-co-cong"], [], None, "nguoi-co-cong"),
    ([], ["thi truong lao dong"], None, "lao-dong-viec-lam"),          # no diacritics
    ([], ["Thống kê lương tối thiểu vùng"], None, "tien-luong-quan-he-lao-dong"),  # contains
    (["Chính sách riêng"], [], {"sectors": {"chinh sach rieng": "giam-ngheo"}}, "giam-ngheo"),
    ([EU + "data-theme/TRAN"], ["giao thông"], None, None),
])
def test_sector_from_themes_then_keywords(themes, keywords, options, expected):
    assert mapping.sector_for(themes, keywords, options) == expected


@pytest.mark.usefixtures("clean_db")
def test_unit_from_the_publisher_only_when_the_unit_is_in_the_portal():
    factories.Organization(name="cuc-viec-lam", title="Cục Việc làm", unit_type="department")
    assert mapping.unit_for(["Cục Việc làm"]) == "cuc-viec-lam"
    assert mapping.unit_for(["CVL"]) == "cuc-viec-lam"
    assert mapping.unit_for(["https://example.vn/org/cuc-viec-lam/"]) == "cuc-viec-lam"
    assert mapping.unit_for(["Việc làm sở tại"], {"publishers": {"Việc làm sở tại": "cuc-viec-lam"}}) \
        == "cuc-viec-lam"
    # a unit of the code list that has no organization in this portal
    assert mapping.unit_for(["Cục Người có công"]) is None
    assert mapping.unit_for([None, ""]) is None


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("options, message", [
    ({"defaults": "open"}, "defaults must be an object"),
    ({"sectors": {"x": "not-a-sector"}}, "is not a sector code"),
    ({"defaults": {"access_level": "secret"}}, "is not in code list access_levels"),
    ({"defaults": {"license_id": "no-such-licence"}}, "unknown licence"),
    ({"default_unit": "no-such-unit"}, "does not exist"),
])
def test_bad_source_options_are_refused_with_a_reason(options, message):
    with pytest.raises(ValueError, match=message):
        mapping.validate_options(options)


def _ckan_package(**overrides):
    pkg = {
        "name": "lao-dong-viec-lam-2024",
        "title_translated": {"vi": "Lao động có việc làm 2024", "en": "Employed workers 2024"},
        "notes": "Số lao động có việc làm theo tỉnh.",
        "organization": {"name": "gso", "title": "Cục Việc làm"},
        "groups": [{"name": "labour"}],
        "tags": [{"name": "việc làm"}, {"name": "x"}, {"name": "lao động; thống kê!"},
                 {"name": "việc làm"}],
        "license_id": "http://creativecommons.org/licenses/by/4.0/",
        "maintainer_email": "mailto:thongke@example.vn",
        "maintainer": "Phòng Thống kê",
        "extras": [{"key": "frequency", "value": EU + "frequency/MONTHLY"},
                   {"key": "temporal_start", "value": "2024-12-31"},
                   {"key": "temporal_end", "value": "2024-01-01"},
                   {"key": "issued", "value": "2024-03"},
                   {"key": "province", "value": '["ha-noi", "atlantis"]'},
                   {"key": "guid", "value": "urn:gso:123"}],
        "resources": [{"download_url": "https://example.vn/files/ld-2024.csv", "format": "CSV",
                       "size": "1024.0"},
                      {"access_url": "https://example.vn/api", "size": "many"},
                      "not a resource"],
    }
    pkg.update(overrides)
    return pkg


@pytest.mark.usefixtures("clean_db")
def test_a_ckan_package_becomes_a_molisa_dataset():
    factories.Organization(name="cuc-viec-lam", title="Cục Việc làm", unit_type="department")
    dataset = mapping.to_molisa(_ckan_package(), source_title="Cổng dữ liệu quốc gia")
    assert dataset["title"] == "Lao động có việc làm 2024"
    assert dataset["title_en"] == "Employed workers 2024"
    assert dataset["owner_org"] == "cuc-viec-lam"
    assert dataset["sector"] == "lao-dong-viec-lam"
    assert dataset["tags"] == [{"name": "việc làm"}, {"name": "lao động thống kê"}]
    assert dataset["license_id"] == "cc-by-4.0"
    assert dataset["update_frequency"] == "monthly"
    assert dataset["temporal_start"] == "2024-12-31" and dataset["temporal_end"] == ""
    assert dataset["issued"] == "2024-03-01"
    assert dataset["province"] == ["ha-noi"]
    assert dataset["contact_email"] == "thongke@example.vn"
    assert dataset["contact_name"] == "Phòng Thống kê"
    assert dataset["extras"] == [{"key": "guid", "value": "urn:gso:123"}]
    assert dataset["resources"] == [
        {"url": "https://example.vn/files/ld-2024.csv", "name": "ld-2024.csv", "description": "",
         "format": "CSV", "size": 1024},
        {"url": "https://example.vn/api", "name": "api", "description": "", "format": ""}]


@pytest.mark.usefixtures("clean_db")
def test_empty_fields_get_the_defaults_and_an_open_dataset_an_open_licence():
    unit = factories.Organization(name="van-phong-bo", title="Văn phòng Bộ",
                                  unit_type="department")
    dataset = mapping.to_molisa(
        {"title": "Dữ liệu không rõ nguồn", "license_id": "other-closed",
         "extras": [{"key": "dcat_access_rights",
                     "value": EU + "access-right/PUBLIC"}]},
        source_title="Cổng X", source_unit=unit["name"])
    assert dataset["owner_org"] == "van-phong-bo"
    assert dataset["sector"] == "khac"
    assert dataset["access_level"] == "open"
    assert dataset["license_id"] == "cc-by-4.0"
    assert "Cổng X" in dataset["notes"] and "Cổng X" in dataset["notes_en"]
    assert dataset["contact_email"] == "congdulieu@molisa.gov.vn"


@pytest.mark.usefixtures("clean_db")
def test_a_restricted_right_maps_to_special_request():
    factories.Organization(name="cuc-viec-lam", title="Cục Việc làm", unit_type="department")
    dataset = mapping.to_molisa(_ckan_package(
        extras=[{"key": "access_rights", "value": EU + "access-right/RESTRICTED"}]))
    assert dataset["access_level"] == "special_request"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_mapped_dataset_passes_the_schema():
    factories.Organization(name="cuc-viec-lam", title="Cục Việc làm", unit_type="department")
    sysadmin = factories.Sysadmin()
    created = helpers.call_action("package_create", context={"user": sysadmin["name"]},
                                  **mapping.to_molisa(_ckan_package()))
    assert created["type"] == "dataset"
    assert created["access_level"] == "open" and created["sector"] == "lao-dong-viec-lam"
    assert len(created["resources"]) == 2
