"""Smoke test of the real thing: the portal served by gunicorn over HTTP,
Vietnamese by default and English one click away."""
import pytest
import requests

pytestmark = pytest.mark.usefixtures("clean_db")


def test_status_show_over_http(web_server):
    response = requests.get(f"{web_server.url}/api/3/action/status_show", timeout=10)
    result = response.json()["result"]
    assert result["ckan_version"] == "2.12.0"
    assert result["site_title"].startswith("Cổng dữ liệu")
    for plugin in ("molisa", "molisa_sharing", "molisa_audit", "scheming_datasets",
                   "datastore", "dcat", "harvest"):
        assert plugin in result["extensions"]


def test_home_page_is_vietnamese_with_english_one_click_away(web_server):
    page = requests.get(web_server.url + "/", timeout=30)
    assert page.status_code == 200
    assert '<html lang="vi"' in page.text
    assert ">Bộ dữ liệu</a>" in page.text     # "Datasets", in Vietnamese
    assert ">Đơn vị</a>" in page.text         # the ministry's units
    assert 'href="/en/"' in page.text and ">English<" in page.text
    english = requests.get(web_server.url + "/en/", timeout=30)
    assert english.status_code == 200
    assert '<html lang="en"' in english.text
    assert ">Datasets</a>" in english.text and ">Units</a>" in english.text
    assert ">Tiếng Việt<" in english.text


def test_the_dataset_search_page_shows_the_portal_facets(web_server):
    page = requests.get(web_server.url + "/dataset/", timeout=30)
    assert page.status_code == 200
    for title in ("Lĩnh vực", "Đơn vị", "Tỉnh, thành phố", "Mức độ truy cập", "Định dạng",
                  "Tần suất cập nhật", "Giấy phép"):
        assert title in page.text, title
