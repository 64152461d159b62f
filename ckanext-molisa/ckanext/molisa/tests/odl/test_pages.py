"""The Open Data List's public pages and exports, and the home page that
shows the programme, through CKAN's Flask test client (Vietnamese first,
English under /en/), and the chart drawn in the real browser."""
from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from ckanext.molisa.testing.factories import act

from .conftest import days


def _get(app, url, status=200):
    response = app.get(url, status=status)
    return response.get_data(as_text=True) if status == 200 else response


def _row_state(html: str, title: str) -> str:
    row = re.search(r'<tr data-entry="[^"]+" data-state="(\w+)">\s*<td>' + re.escape(title), html)
    assert row, title
    return row.group(1)


@pytest.mark.req("R14.1", "R14.2")
def test_the_ministrys_page_shows_each_entrys_state_in_vietnamese(app, world, odl):
    html = _get(app, "/open-data-list/")
    assert "Danh mục dữ liệu mở" in html and "123/QĐ-BLĐTBXH" in html
    for title, state in (("Người cao tuổi theo tỉnh", "planned"),
                         ("Trẻ em mồ côi theo tỉnh", "overdue"),
                         ("Đối tượng trợ giúp xã hội", "on_time"),
                         ("Lao động có việc làm", "late")):
        assert _row_state(html, title) == state
    for label in ("Theo kế hoạch", "Công bố đúng hạn", "Công bố muộn", "Quá hạn",
                  "Tỷ lệ đúng hạn", "Xuất ra CSV"):
        assert label in html, label
    chart = re.search(r'data-module="molisa-odl-chart"\s+data-module-labels="([^"]+)"\s+'
                      r'data-module-values="([^"]+)"', html)
    assert chart and chart.group(2) == "[1, 1, 1, 1]"
    assert 'href="/open-data-list/unit/cuc-viec-lam"' in html
    assert "0%" in html and "50%" in html          # the units' on-time rates


@pytest.mark.req("R14.1")
def test_the_english_page_and_a_units_page(app, world, odl):
    html = _get(app, "/en/open-data-list/")
    assert "Open Data List" in html and "Published on time" in html and "Overdue" in html
    assert "Người cao tuổi theo tỉnh (EN)" in html        # English titles under /en/
    unit = _get(app, "/open-data-list/unit/cuc-viec-lam")
    assert "Lao động có việc làm" in unit and "Người cao tuổi theo tỉnh" not in unit
    assert 'data-module-values="[0, 0, 1, 0]"' in unit
    _get(app, "/open-data-list/unit/khong-co-don-vi", status=404)


@pytest.mark.req("R14.1")
def test_drafts_are_not_shown_to_visitors(app, world, odl):
    draft = act(world.sysadmin, "molisa_odl_version_create")
    _get(app, f"/open-data-list/?version={draft['id']}", status=403)
    _get(app, f"/open-data-list/export.csv?version={draft['id']}", status=403)
    html = _get(app, f"/open-data-list/?version={odl.version['id']}")
    assert "Trẻ em mồ côi theo tỉnh" in html
    _get(app, "/open-data-list/?version=khong-co", status=404)


@pytest.mark.req("R14.1", "R5.5")
def test_csv_export(app, world, odl):
    response = app.get("/open-data-list/export.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "danh-muc-du-lieu-mo-" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Đơn vị", "Tên dự kiến", "Tên dự kiến (tiếng Anh)"]
    by_title = {r[1]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert len(by_title) == 4
    overdue = by_title["Trẻ em mồ côi theo tỉnh"]
    assert overdue["Tình trạng"] == "Quá hạn" and overdue["Hạn tiếp theo"] == days(-10)
    assert overdue["Đơn vị"] == "Cục Bảo trợ xã hội" and overdue["Lĩnh vực"] == "Bảo trợ xã hội"
    late = by_title["Lao động có việc làm"]
    assert late["Tình trạng"] == "Công bố muộn" and late["Ngày công bố"] == days(-40)
    assert late["Bộ dữ liệu"].endswith("/dataset/viec-lam-mo")
    unit_rows = list(csv.reader(io.StringIO(
        app.get("/open-data-list/export.csv?unit=cuc-viec-lam").get_data().decode("utf-8-sig"))))
    assert [r[1] for r in unit_rows[1:]] == ["Lao động có việc làm"]


@pytest.mark.req("R14.1", "R5.5")
def test_xlsx_export_in_english(app, world, odl):
    response = app.get("/en/open-data-list/export.xlsx")
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:2] == ["Unit", "Planned title"] and "State" in rows[0]
    states = {r[1]: r[rows[0].index("State")] for r in rows[1:]}
    assert states == {"Người cao tuổi theo tỉnh": "Planned",
                      "Trẻ em mồ côi theo tỉnh": "Overdue",
                      "Đối tượng trợ giúp xã hội": "Published on time",
                      "Lao động có việc làm": "Late"}


@pytest.mark.req("R14.2", "R5.5")
def test_the_home_page_shows_the_programme(app, world, odl):
    anonymous = act(None, "package_search", rows=0, **{"facet.field": '["sector"]'})
    open_count = act(None, "package_search", fq="access_level:open", rows=0)["count"]
    assert open_count == 2        # the world's open dataset and the other unit's
    html = _get(app, "/")
    figure = re.search(r'data-figure="open-datasets">(.*?)</span>', html, re.S)
    assert figure and re.sub("<[^>]+>", "", figure.group(1)).strip() == "2"
    assert "bộ dữ liệu mở" in html
    counts = {i["name"]: i["count"] for i in anonymous["search_facets"]["sector"]["items"]}
    for sector, count in counts.items():
        tile = re.search(r'data-sector="' + sector + r'"[^>]*>\s*<span class="count">(\d+)</span>',
                         html)
        assert tile and int(tile.group(1)) == count, sector
    assert counts["bao-tro-xa-hoi"] == 3      # the internal dataset is not counted for visitors
    assert "Mới cập nhật" in html and "/dataset/viec-lam-mo" in html
    rates = dict(re.findall(r'<tr data-unit="([\w-]+)">.*?<td class="text-end">([^<]+)</td>',
                            html, re.S))
    assert rates == {"cuc-bao-tro-xa-hoi": "50%", "cuc-viec-lam": "0%"}
    english = _get(app, "/en/")
    assert "open datasets" in english and "Recently updated" in english
    assert "Social protection" in english and "Open Data List: units on time" in english


def test_the_home_page_without_a_list(app, clean_db, clean_index):
    html = _get(app, "/")
    assert "Chưa có Danh mục dữ liệu mở nào được phê duyệt." in html
    assert "Chưa có bộ dữ liệu nào." in html


@pytest.mark.req("R14.1")
def test_the_chart_is_drawn_in_the_browser(web_server, page, world, odl):
    page.goto(web_server.url + "/open-data-list/")
    page.wait_for_function("() => window.Chart && Chart.getChart("
                           "document.querySelector('.molisa-odl-chart canvas'))")
    data = page.evaluate("() => Chart.getChart(document.querySelector('.molisa-odl-chart canvas'))"
                         ".data.datasets[0].data")
    assert data == [1, 1, 1, 1]
    labels = page.evaluate("() => Chart.getChart(document.querySelector("
                           "'.molisa-odl-chart canvas')).data.labels")
    assert labels == ["Theo kế hoạch", "Công bố đúng hạn", "Công bố muộn", "Quá hạn"]


@pytest.mark.req("R14.1")
def test_the_actions_answer_a_visitor_over_http(app, world, odl):
    """A visitor's context holds flask-login's anonymous user, not a User."""
    versions = app.get("/api/3/action/molisa_odl_version_list").json["result"]
    assert [v["number"] for v in versions] == [1]
    summary = app.get("/api/3/action/molisa_odl_status_summary").json["result"]
    assert summary["entries"] == 4
    draft = act(world.sysadmin, "molisa_odl_version_create")
    app.get(f"/api/3/action/molisa_odl_version_show?id={draft['id']}", status=403)
