"""The MOLISA dataset schema: good input is stored, bad input is refused with
a message per field (R14.1, R14.4, R4.3)."""
import json

import pytest

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _errors(create, data):
    with pytest.raises(tk.ValidationError) as e:
        create(data)
    return e.value.error_dict


@pytest.mark.req("R14.1")
def test_a_complete_dataset_is_stored_with_every_field(dataset_dict, create_dataset):
    pkg = create_dataset(dataset_dict())
    shown = helpers.call_action("package_show", id=pkg["id"])
    assert shown["type"] == "dataset"
    for field, value in [("title_en", "Meritorious people by province, 2024"),
                         ("sector", "nguoi-co-cong"), ("access_level", "open"),
                         ("personal_data", "false"), ("license_id", "cc-by-4.0"),
                         ("source_system", "csdl-nguoi-co-cong"), ("update_frequency", "annual"),
                         ("temporal_start", "2024-01-01"), ("temporal_end", "2024-12-31"),
                         ("province", ["ha-noi", "hue"]), ("contact_email", "thongke.ncc@molisa.gov.vn"),
                         ("version", "1.0"), ("issued", "2025-02-01"), ("modified", "2025-03-01")]:
        assert shown[field] == value, field
    assert sorted(t["name"] for t in shown["tags"]) == ["người có công", "trợ cấp"]


def test_english_fields_are_optional(dataset_dict, create_dataset):
    pkg = create_dataset(dataset_dict(title_en=None, notes_en=None))
    assert not pkg.get("title_en")


@pytest.mark.parametrize("field", ["title", "notes", "sector", "access_level",
                                   "update_frequency", "contact_name", "contact_email",
                                   "license_id", "owner_org"])
def test_required_fields_are_refused_when_missing(dataset_dict, create_dataset, field):
    errors = _errors(create_dataset, dataset_dict(**{field: ""}))
    assert field in errors, errors


@pytest.mark.req("R4.3")
@pytest.mark.req("R14.4")
def test_an_open_dataset_cannot_declare_personal_data(dataset_dict, create_dataset):
    errors = _errors(create_dataset, dataset_dict(personal_data="true"))
    assert list(errors) == ["personal_data"]
    assert "personal data" in errors["personal_data"][0]


@pytest.mark.req("R4.3")
def test_personal_data_is_accepted_below_open(dataset_dict, create_dataset):
    pkg = create_dataset(dataset_dict(access_level="special_request", personal_data=True,
                                      license_id="molisa-restricted"))
    assert pkg["personal_data"] == "true"


@pytest.mark.req("R14.4")
def test_an_open_dataset_needs_an_open_licence(dataset_dict, create_dataset):
    errors = _errors(create_dataset, dataset_dict(license_id="molisa-restricted"))
    assert list(errors) == ["license_id"]
    assert "open licence" in errors["license_id"][0]


def test_an_unknown_licence_is_refused(dataset_dict, create_dataset):
    errors = _errors(create_dataset, dataset_dict(license_id="no-such-licence"))
    assert "license_id" in errors


@pytest.mark.req("R11.1")
@pytest.mark.parametrize("field,value", [("sector", "astrology"), ("access_level", "secret"),
                                         ("update_frequency", "hourly"),
                                         ("source_system", "nowhere"),
                                         ("province", ["atlantis"])])
def test_values_outside_the_code_lists_are_refused(dataset_dict, create_dataset, field, value):
    errors = _errors(create_dataset, dataset_dict(**{field: value}))
    assert list(errors) == [field]


def test_several_bad_fields_each_get_their_own_message(dataset_dict, create_dataset):
    errors = _errors(create_dataset, dataset_dict(sector="x", contact_email="not-an-email",
                                                  temporal_start="2024-13-45"))
    assert {"sector", "contact_email", "temporal_start"} <= set(errors)


def test_temporal_coverage_cannot_end_before_it_starts(dataset_dict, create_dataset):
    errors = _errors(create_dataset, dataset_dict(temporal_start="2024-06-01",
                                                  temporal_end="2024-01-01"))
    assert list(errors) == ["temporal_end"]


def test_modified_cannot_precede_issued(dataset_dict, create_dataset):
    errors = _errors(create_dataset, dataset_dict(issued="2025-03-01", modified="2025-01-01"))
    assert list(errors) == ["modified"]


@pytest.mark.req("R11.1")
def test_former_provinces_remain_valid_for_older_data(dataset_dict, create_dataset):
    pkg = create_dataset(dataset_dict(province=["ha-giang", "thua-thien-hue"],
                                      temporal_start="2020-01-01", temporal_end="2020-12-31"))
    assert pkg["province"] == ["ha-giang", "thua-thien-hue"]


def test_a_failed_update_keeps_what_was_stored(dataset_dict, create_dataset, sysadmin):
    pkg = create_dataset(dataset_dict())
    with pytest.raises(tk.ValidationError):
        helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                            id=pkg["id"], personal_data="true")
    assert helpers.call_action("package_show", id=pkg["id"])["personal_data"] == "false"


class TestResourceStructure:
    def test_columns_as_lines_are_stored_as_a_list(self, dataset_dict, create_dataset):
        pkg = create_dataset(dataset_dict(resources=[{
            "url": "https://example.org/a.csv", "name": "a.csv", "format": "CSV", "size": "120",
            "columns": "tinh: text - Tỉnh\nnam: integer\nso_nguoi: integer"}]))
        res = pkg["resources"][0]
        assert res["format"] == "CSV"
        assert int(res["size"]) == 120
        assert res["columns"] == [{"name": "tinh", "type": "text", "description": "Tỉnh"},
                                  {"name": "nam", "type": "integer"},
                                  {"name": "so_nguoi", "type": "integer"}]

    def test_columns_as_json(self, dataset_dict, create_dataset):
        columns = [{"name": "a", "type": "number"}]
        pkg = create_dataset(dataset_dict(resources=[{
            "url": "https://example.org/a.csv", "name": "a.csv", "columns": json.dumps(columns)}]))
        assert pkg["resources"][0]["columns"] == columns

    @pytest.mark.parametrize("columns", ["tinh text", "a: money", "[{\"type\": \"text\"}]",
                                         "a: text\na: integer", "[not json"])
    def test_bad_columns_are_refused(self, dataset_dict, create_dataset, columns):
        errors = _errors(create_dataset, dataset_dict(resources=[{
            "url": "https://example.org/a.csv", "name": "a.csv", "columns": columns}]))
        assert "columns" in errors["resources"][0]

    def test_bad_size_is_refused(self, dataset_dict, create_dataset):
        errors = _errors(create_dataset, dataset_dict(resources=[{
            "url": "https://example.org/a.csv", "name": "a.csv", "size": "big"}]))
        assert "size" in errors["resources"][0]


@pytest.mark.req("R14.4")
def test_api_errors_come_in_the_users_language(dataset_dict, sysadmin, app):
    """Vietnamese by default, English under /en/: a 409 with a message per field."""
    headers = {"Authorization": sysadmin["token"]}
    body = dataset_dict(personal_data="true", sector="")
    response = app.post("/api/3/action/package_create", json=body, headers=headers, status=409)
    error = response.json["error"]
    assert error["__type"] == "Validation Error"
    assert error["personal_data"] == [
        "Dữ liệu mở không được chứa dữ liệu cá nhân. Hãy chọn mức độ truy cập khác "
        "hoặc loại bỏ dữ liệu cá nhân."]
    assert "sector" in error
    response = app.post("/en/api/3/action/package_create", json=body, headers=headers, status=409)
    assert response.json["error"]["personal_data"][0].startswith(
        "An open dataset cannot contain personal data")
