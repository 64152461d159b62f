"""WikiMolisa in a real browser (Debian's chromium through Playwright)
against the portal served by gunicorn (``web_server``), mail caught by the
real SMTP server (``mailbox``): a citizen registers, confirms the address
from the mail, publishes a community dataset, a moderator approves it and it
appears in WikiMolisa; a file with identification numbers is quarantined,
the submitter is told which column and nobody else gets the file or the
dataset."""
from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from ckan import model

from ckanext.molisa.testing.browser import PASSWORD, person, set_password

from .conftest import DATA

TIMEOUT_MS = 20_000
LINK = re.compile(r"https?://\S+/wikimolisa/verify/\S+")


def _submit(page, base: str, title: str, filename: str) -> None:
    page.goto(base + "/wikimolisa/new")
    page.fill("#field-title", title)
    page.fill("#field-notes", "Tổng hợp từ báo cáo của các câu lạc bộ.")
    page.fill("#field-source", "Hội Người cao tuổi các tỉnh")
    page.select_option("#field-license_id", "cc-by-4.0")
    page.set_input_files("#field-files", os.path.join(DATA, filename))
    page.locator(".molisa-wiki-form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.req("R14.3", "R14.4", "R15.1")
def test_a_citizen_registers_verifies_publishes_and_a_moderator_approves(
        world, web_server, page, browser, mailbox):
    base = web_server.url
    set_password(world.sysadmin)
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(base + "/user/register")
    page.fill("#field-username", "nguoi-dan-moi")
    page.fill("#field-fullname", "Nguyễn Văn Mới")
    page.fill("#field-email", "nguoi.dan.moi@example.vn")
    page.fill("#field-password", PASSWORD)
    page.fill("#field-confirm-password", PASSWORD)
    page.locator("form#user-register-form button[type=submit]").click()
    page.wait_for_load_state()
    # not yet: the address is unconfirmed
    response = page.goto(base + "/wikimolisa/new")
    assert response.status == 403
    expect(page.locator("body")).to_contain_text("xác nhận địa chỉ thư điện tử")
    mailbox.wait_for(1)
    (message,) = mailbox.to("nguoi.dan.moi@example.vn")
    page.goto(LINK.search(message.get_content()).group(0))
    expect(page.locator(".molisa-wiki-verified")).to_be_visible()
    _submit(page, base, "Câu lạc bộ dưỡng sinh theo tỉnh, 2024", "tham_gia_clb.csv")
    expect(page.locator(".molisa-wiki-state")).to_have_text("Chờ kiểm duyệt")
    # the moderator's queue, the decision
    moderator = person(browser, base, world.sysadmin)
    moderator.goto(base + "/wikimolisa/moderation")
    moderator.get_by_role("link", name="Câu lạc bộ dưỡng sinh theo tỉnh, 2024").click()
    moderator.locator(".molisa-wiki-moderate button[value=publish]").click()
    expect(moderator.locator(".molisa-wiki-state")).to_have_text("Đã công bố")
    # in WikiMolisa for everyone, marked as community data, the submitter mailed
    visitor = person(browser, base, None)
    visitor.goto(base + "/wikimolisa")
    expect(visitor.locator(".molisa-wiki-list")).to_contain_text(
        "Câu lạc bộ dưỡng sinh theo tỉnh, 2024")
    visitor.get_by_role("link", name="Câu lạc bộ dưỡng sinh theo tỉnh, 2024").click()
    visitor.locator("a", has_text="Trang của bộ dữ liệu").click()
    expect(visitor.locator(".molisa-community-badge").first).to_be_visible()
    mailbox.wait_for(2)
    assert len(mailbox.to("nguoi.dan.moi@example.vn")) == 2


@pytest.mark.req("R4.3", "R14.3")
def test_a_file_with_identification_numbers_is_quarantined(world, web_server, page, browser):
    base = web_server.url
    set_password(world.citizen, world.neighbour)
    citizen = person(browser, base, world.citizen)
    _submit(citizen, base, "Hộ gia đình tham gia câu lạc bộ", "ho_gia_dinh.csv")
    expect(citizen.locator(".molisa-wiki-findings")).to_contain_text(
        "Cột \"so_dinh_danh\" chứa số định danh cá nhân 12 chữ số (CCCD)")
    expect(citizen.locator(".molisa-wiki-quarantined")).to_contain_text("Bị cách ly")
    expect(citizen.locator(".molisa-wiki-quarantined a")).to_have_count(0)   # no link
    item_url = citizen.url
    item_id = item_url.rstrip("/").rsplit("/", 1)[-1]
    from ckanext.molisa.model.wiki import Submission
    model.Session.expire_all()
    submission = Submission.get(item_id)
    resource_id = submission.quarantined[0]
    pkg = model.Package.get(submission.package_id)
    file_url = f"{base}/wikimolisa/{item_id}/file/{resource_id}"
    download = f"{base}/dataset/{pkg.name}/resource/{resource_id}/download/ho_gia_dinh.csv"
    assert citizen.goto(file_url).status == 403
    assert citizen.goto(download).status in (403, 404)
    neighbour = person(browser, base, world.neighbour)
    page.set_default_timeout(TIMEOUT_MS)
    for who in (page, neighbour):                  # a visitor and another user
        assert who.goto(item_url).status == 404
        assert who.goto(file_url).status == 404
        assert who.goto(download).status in (403, 404)
        assert who.goto(f"{base}/dataset/{pkg.name}").status in (403, 404)
