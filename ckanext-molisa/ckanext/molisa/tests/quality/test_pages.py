"""Quality on the pages: badges on the dataset page and a unit's quality
page with its trend, in Vietnamese and English, through CKAN's Flask test
client; an internal dataset stays off an outsider's pages (R6.2, R14.1)."""
from __future__ import annotations

import pytest

from ckanext.molisa.quality import runner

pytestmark = [pytest.mark.ckan_config("ckanext.molisa.quality.allowed_networks", "127.0.0.0/8"),
              pytest.mark.ckan_config("ckanext.molisa.quality.check_on_change", "false")]


@pytest.fixture
def checked(files, make_dataset):
    good = make_dataset(files.url("/data.csv"), files.url("/error"))
    internal = make_dataset(files.url("/data.csv"), access_level="internal",
                            license_id="molisa-internal", title="Dữ liệu nội bộ bí mật")
    unchecked = make_dataset(files.url("/data.csv"), title="Chưa kiểm tra")
    runner.check_packages([good["id"], internal["id"]])
    return good, internal, unchecked


@pytest.mark.req("R6.2", "R14.1")
def test_the_dataset_page_shows_the_badges_in_both_languages(app, checked):
    good, _, unchecked = checked
    html = app.get(f"/dataset/{good['name']}").get_data(as_text=True)
    assert 'data-quality="metadata"' in html and "Chất lượng siêu dữ liệu" in html
    assert "Liên kết hoạt động: 1 trên 2" in html
    assert "★★★☆☆" in html
    assert 'href="/quality/unit/cuc-viec-lam"' in html
    html = app.get(f"/en/dataset/{good['name']}").get_data(as_text=True)
    assert "Metadata quality" in html and "Links that work: 1 of 2" in html
    html = app.get(f"/dataset/{unchecked['name']}").get_data(as_text=True)
    assert "molisa-quality-badges" not in html


@pytest.mark.req("R6.2", "R14.1")
def test_the_units_quality_page_with_its_trend(app, checked):
    good, internal, _ = checked
    html = app.get("/quality/unit/cuc-viec-lam").get_data(as_text=True)
    assert "Chất lượng dữ liệu" in html and good["title"] in html
    assert internal["title"] not in html                   # a visitor does not see it
    assert 'data-module="molisa-quality-chart"' in html and "molisa_quality" in html
    assert 'data-quality="links"' in html
    html = app.get("/en/quality/unit/cuc-viec-lam").get_data(as_text=True)
    assert "Data quality" in html and "Department of Employment" in html
    assert "Links that work" in html and "Trend" in html
    app.get("/quality/unit/khong-co-don-vi", status=404)


def test_the_unit_admin_sees_the_internal_dataset_on_the_page(app, checked, quality_unit):
    _, internal, _ = checked
    html = app.get("/quality/unit/cuc-viec-lam",
                   headers={"Authorization": quality_unit.admin["token"]}).get_data(as_text=True)
    assert internal["title"] in html
