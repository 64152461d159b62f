"""The dataset pages that units and the public use, through CKAN's test app."""
import pytest

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def test_dataset_page_shows_the_schema_fields_with_labels(app, dataset_dict, create_dataset):
    pkg = create_dataset(dataset_dict())
    page = app.get(f"/dataset/{pkg['name']}").body
    assert "Số người có công theo tỉnh, năm 2024" in page
    for text in ("Lĩnh vực", "Người có công", "Mức độ truy cập", "Dữ liệu mở",
                 "Tần suất cập nhật", "Hằng năm", "Hà Nội", "Huế"):
        assert text in page, text
    english = app.get(f"/en/dataset/{pkg['name']}").body
    assert "Meritorious people by province, 2024" in english
    assert "People with meritorious service receiving allowances" in english
    for text in ("Sector", "People with meritorious service", "Access level", "Open data", "Annual"):
        assert text in english, text


@pytest.mark.req("R14.1")
def test_the_new_dataset_form_offers_the_code_lists(app, unit, sysadmin):
    page = app.get("/dataset/new", headers={"Authorization": sysadmin["token"]}).body
    for field in ("field-title_en", "field-sector", "field-access_level", "field-province",
                  "field-update_frequency", "field-personal_data", "field-contact_email",
                  "field-temporal_start", "field-license_id"):
        assert field in page, field
    assert 'value="giao-duc-nghe-nghiep"' in page
    assert 'value="special_request"' in page
    assert "Hà Giang (trước 01/7/2025)" in page


@pytest.mark.req("R14.1")
def test_a_unit_publishes_through_the_form(app, unit, sysadmin):
    headers = {"Authorization": sysadmin["token"]}
    form = {"title": "Lao động có việc làm theo tỉnh", "name": "lao-dong-co-viec-lam",
            "notes": "Số lao động có việc làm.", "owner_org": unit["id"],
            "sector": "lao-dong-viec-lam", "access_level": "open", "personal_data": "false",
            "license_id": "cc-by-4.0", "update_frequency": "quarterly", "province": ["ha-noi"],
            "contact_name": "Cục Việc làm", "contact_email": "vieclam@molisa.gov.vn",
            "save": "continue", "_ckan_phase": "dataset_new_1", "pkg_name": ""}
    response = app.post("/dataset/new", data=form, headers=headers, follow_redirects=False)
    assert response.status_code == 302, response.body
    from ckan.tests import helpers
    pkg = helpers.call_action("package_show", id="lao-dong-co-viec-lam")
    assert pkg["sector"] == "lao-dong-viec-lam" and pkg["province"] == ["ha-noi"]


def test_the_form_shows_errors_per_field_in_vietnamese(app, unit, sysadmin):
    headers = {"Authorization": sysadmin["token"]}
    form = {"title": "Dữ liệu thử", "name": "du-lieu-thu", "notes": "x", "owner_org": unit["id"],
            "sector": "tre-em", "access_level": "open", "personal_data": "true",
            "license_id": "molisa-restricted", "update_frequency": "annual",
            "contact_name": "A", "contact_email": "a@molisa.gov.vn",
            "save": "continue", "_ckan_phase": "dataset_new_1", "pkg_name": ""}
    page = app.post("/dataset/new", data=form, headers=headers).body
    assert "Dữ liệu mở không được chứa dữ liệu cá nhân" in page
    assert "Dữ liệu mở phải dùng giấy phép mở" in page


def test_search_results_in_the_users_language_with_the_access_level(app, dataset_dict,
                                                                     create_dataset):
    create_dataset(dataset_dict())
    page = app.get("/dataset/").body
    assert "Số người có công theo tỉnh, năm 2024" in page
    assert "1 bộ dữ liệu được tìm thấy" in page and "molisa_dataset found" not in page
    assert "molisa-access-level-open" in page and "Dữ liệu mở" in page
    page = app.get("/en/dataset/").body
    assert "Meritorious people by province, 2024" in page
    assert "1 dataset found" in page and "Molisa_Dataset" not in page
    assert "People with meritorious service receiving allowances" in page
