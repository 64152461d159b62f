"""WikiMolisa's pages through CKAN's Flask test client: the section and the
short form in Vietnamese and English, a submission's page with its scan
report, the quarantined file refused to all but moderators (WikiMolisa's
file route and CKAN's own download), the moderators' queue and decision,
the community mark on the dataset page and in search results."""
from __future__ import annotations

import pytest

from ckanext.molisa.testing.factories import act

from .conftest import submission, upload


def _html(app, url, status=200, user=None, **kwargs):
    headers = {"Authorization": user["token"]} if user else {}
    response = app.get(url, status=status, headers=headers, **kwargs)
    return response.get_data(as_text=True)


@pytest.mark.req("R14.3", "R14.4")
def test_the_section_and_the_form_in_both_languages(app, world):
    page = _html(app, "/wikimolisa")
    assert "WikiMolisa: dữ liệu cộng đồng" in page and "Chưa có dữ liệu cộng đồng" in page
    assert "WikiMolisa: community data" in _html(app, "/en/wikimolisa")
    _html(app, "/wikimolisa/new", status=403)
    form = _html(app, "/wikimolisa/new", user=world.citizen)
    assert "Nguồn dữ liệu" in form and "Giấy phép mở" in form and 'name="files"' in form
    assert 'value="cc-by-4.0"' in form and 'value="other-closed"' not in form
    assert "Source of the data" in _html(app, "/en/wikimolisa/new", user=world.citizen)
    _html(app, "/wikimolisa/moderation", status=403, user=world.citizen)


@pytest.mark.req("R14.3", "R4.3")
def test_the_form_submits_and_the_page_tells_which_column_was_quarantined(app, world):
    response = app.post("/wikimolisa/new", headers={"Authorization": world.citizen["token"]},
                        data={"title": "Hộ gia đình tham gia câu lạc bộ",
                              "notes": "Danh sách hộ.", "source": "Tự tổng hợp",
                              "license_id": "cc-by-4.0",
                              "files": [upload("ho_gia_dinh.csv")]},
                        follow_redirects=False)
    assert response.status_code == 302
    item_id = response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    item = act(world.citizen, "molisa_wiki_show", id=item_id)
    (scanned,) = item["scan"]["files"]
    page = _html(app, f"/wikimolisa/{item_id}", user=world.citizen)
    assert "Cột \"so_dinh_danh\" chứa số định danh cá nhân 12 chữ số (CCCD)" in \
        page.replace("&#34;", "\"").replace("&quot;", "\"")
    assert "Bị cách ly: dữ liệu cá nhân" in page
    english = _html(app, f"/en/wikimolisa/{item_id}", user=world.citizen)
    assert "12-digit identification numbers" in english
    # the file: moderators only, by WikiMolisa's route and CKAN's download
    file_url = f"/wikimolisa/{item_id}/file/{scanned['resource_id']}"
    assert _html(app, file_url, user=world.sysadmin).startswith("stt,ho_va_ten_chu_ho")
    _html(app, file_url, status=403, user=world.citizen)
    _html(app, file_url, status=404, user=world.neighbour)
    _html(app, file_url, status=404)
    pkg = item["dataset"]["name"]
    download = f"/dataset/{pkg}/resource/{scanned['resource_id']}/download/ho_gia_dinh.csv"
    for who in (None, world.neighbour, world.citizen):
        assert app.get(download, headers={"Authorization": who["token"]} if who else {}
                       ).status_code in (403, 404)
        assert app.get(f"/dataset/{pkg}", headers={"Authorization": who["token"]}
                       if who else {}).status_code in (403, 404)
    # published, the dataset is public and the file still is not
    act(world.sysadmin, "molisa_wiki_moderate", id=item_id, decision="publish")
    for who in (None, world.neighbour, world.citizen):
        assert app.get(download, headers={"Authorization": who["token"]} if who else {}
                       ).status_code in (403, 404)
    page = _html(app, f"/community/{pkg}")
    assert "Dữ liệu cộng đồng (WikiMolisa)" in page and "ho_gia_dinh.csv" not in page
    assert app.get(download, headers={"Authorization": world.sysadmin["token"]}
                   ).status_code == 200


@pytest.mark.req("R14.3", "R14.4", "R15.1")
@pytest.mark.ckan_config("ckanext.molisa.wiki.moderator_units", "trung-tam-cong-nghe-thong-tin")
def test_the_queue_and_the_decision_and_the_mark_in_search_results(app, world):
    item = act(world.citizen, "molisa_wiki_submit", **submission())
    queue = _html(app, "/wikimolisa/moderation", user=world.moderator)
    assert item["dataset"]["title"] in queue and "Hạn xử lý" in queue
    page = _html(app, f"/wikimolisa/{item['id']}", user=world.moderator)
    assert 'value="publish"' in page
    assert 'value="publish"' not in _html(app, f"/wikimolisa/{item['id']}", user=world.citizen)
    response = app.post(f"/wikimolisa/{item['id']}/moderate",
                        headers={"Authorization": world.moderator["token"]},
                        data={"decision": "publish"}, follow_redirects=False)
    assert response.status_code == 302
    assert item["dataset"]["title"] in _html(app, "/wikimolisa")
    results = _html(app, "/community/")
    assert item["dataset"]["title"] in results and "Dữ liệu cộng đồng (WikiMolisa)" in results
    assert "Nothing awaits moderation." in _html(app, "/en/wikimolisa/moderation",
                                                 user=world.moderator)


@pytest.mark.req("R14.3")
def test_the_community_search_and_form_are_named_in_vietnamese(app, world):
    page = _html(app, "/community/")
    assert "Search Communitys" not in page and "Tìm" in page
    form = _html(app, "/community/new", user=world.sysadmin)
    assert "Create Community" not in form
