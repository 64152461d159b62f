"""The reports' pages through CKAN's Flask test client: the button on the
dataset and resource pages, the contact form, a report's page refused to
outsiders, the public statistics in Vietnamese and English."""
from __future__ import annotations

import pytest

from ckanext.molisa.testing.factories import act

from .conftest import VISITOR




def _html(app, url, status=200, user=None):
    headers = {"Authorization": user["token"]} if user else {}
    response = app.get(url, status=status, headers=headers)
    return response.get_data(as_text=True)


@pytest.mark.req("R21.1d", "R21.1e")
def test_the_button_the_form_and_the_contact_page(app, world):
    pkg, res = world.datasets["open"], world.resources["open"]
    page = _html(app, f"/dataset/{pkg['name']}")
    assert "Báo lỗi" in page and f"/report/new?dataset={pkg['name']}" in page
    page = _html(app, f"/dataset/{pkg['name']}/resource/{res['id']}")
    assert f"/report/new?dataset={pkg['name']}&amp;resource={res['id']}" in page
    form = _html(app, f"/report/new?dataset={pkg['name']}&resource={res['id']}")
    assert "Loại sự cố" in form and "Lộ dữ liệu cá nhân" in form and pkg["title"] in form
    assert 'name="email"' in form                        # a visitor gives an address
    assert 'name="email"' not in _html(app, f"/report/new?dataset={pkg['name']}",
                                       user=world.user)
    contact = _html(app, "/en/contact")
    assert "Contact the portal" in contact and "Support request" in contact


@pytest.mark.req("R21.1d", "R4.3")
def test_a_report_page_is_for_its_reporter_and_handlers_only(app, world):
    report = act(world.user, "molisa_report_create", type="data_error",
                 package_id=world.datasets["open"]["id"], description="Sai số liệu năm 2024")
    assert "Sai số liệu năm 2024" in _html(app, f"/report/{report['id']}", user=world.user)
    handler = _html(app, f"/report/{report['id']}", user=world.unit_admin)
    assert "Tiếp nhận" in handler and "Đóng báo lỗi" in handler
    reporter = _html(app, f"/report/{report['id']}", user=world.user)
    assert "Đóng báo lỗi" not in reporter                # the reporter does not handle it
    assert "Sai số liệu" not in _html(app, f"/report/{report['id']}", status=403,
                                      user=world.grantee)
    _html(app, f"/report/{report['id']}", status=403)
    _html(app, "/report/mine", status=403)
    assert report["id"] in _html(app, "/report/mine", user=world.user)
    assert report["id"] in _html(app, "/report/", user=world.unit_admin)
    assert report["id"] not in _html(app, "/report/", user=world.other_admin)


@pytest.mark.req("R21.1d", "R15.1")
def test_the_public_statistics(app, world):
    act(None, "molisa_report_create", type="personal_data", description="Lộ số CCCD",
        package_id=world.datasets["open"]["id"], email=VISITOR)
    page = _html(app, "/report/stats")
    assert "Báo lỗi và sự cố: thống kê" in page and "Cục Bảo trợ xã hội" in page
    assert "Lộ số CCCD" not in page
    assert "Reports of problems: statistics" in _html(app, "/en/report/stats")


@pytest.mark.req("R21.1d", "R4.3")
def test_attachments_are_limited_and_served_only_to_those_who_read_the_report(app, world):
    import io

    import ckan.plugins.toolkit as tk
    from werkzeug.datastructures import FileStorage

    from ckanext.molisa.testing.factories import pdf_upload

    report = act(world.user, "molisa_report_create", type="data_error",
                 package_id=world.datasets["open"]["id"], description="Xem tệp đính kèm",
                 attachments=pdf_upload("anh-chup.pdf"))
    [attached] = report["attachments"]
    assert attached["name"] == "anh-chup.pdf" and attached["size"] > 0
    url = f"/report/{report['id']}/attachment/{attached['id']}"
    headers = {"Authorization": world.user["token"]}
    body = app.get(url, headers=headers, status=200).get_data()
    assert body.startswith(b"%PDF")
    app.get(url, headers={"Authorization": world.unit_admin["token"]}, status=200)
    for outsider in (world.grantee, world.other_admin):
        app.get(url, headers={"Authorization": outsider["token"]}, status=403)
    app.get(url, status=403)
    app.get(f"/report/{report['id']}/attachment/khong-co", headers=headers, status=404)
    # another type, or a file too large, is refused per file
    with pytest.raises(tk.ValidationError) as err:
        act(world.user, "molisa_report_create", type="support", description="x",
            attachments=FileStorage(io.BytesIO(b"MZ..."), filename="virus.exe"))
    assert "virus.exe" in err.value.error_dict["attachments"][0]
    with pytest.raises(tk.ValidationError) as err:
        act(world.user, "molisa_report_create", type="support", description="x",
            attachments=FileStorage(io.BytesIO(b"x" * (5 * 1024 * 1024 + 1)),
                                    filename="lon.pdf"))
    assert "5 MB" in err.value.error_dict["attachments"][0]
