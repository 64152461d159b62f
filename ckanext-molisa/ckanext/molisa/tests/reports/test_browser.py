"""Reports of problems in a real browser (Debian's chromium through
Playwright) against the portal served by gunicorn (``web_server``), mail
caught by the real SMTP server (``mailbox``): a visitor reports a data error
and the unit's admin answers and closes it citing the corrected version; a
personal-data report hides the resource from the public until the unit's
admin shows it again."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

import ckan.tests.helpers as helpers

from ckanext.molisa.testing.browser import person, set_password

from .conftest import UNIT_ADMIN, VISITOR, has

TIMEOUT_MS = 20_000


@pytest.mark.req("R21.1d", "R21.2c", "R15.1")
def test_a_visitor_reports_a_data_error_and_the_unit_closes_it_citing_the_fixed_version(
        world, web_server, page, browser, mailbox):
    base = web_server.url
    pkg, res = world.datasets["open"], world.resources["open"]
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{base}/dataset/{pkg['name']}")
    page.locator(".molisa-report-button").click()
    page.select_option("#field-type", "data_error")
    page.fill("#field-description", "Số người ở Huế năm 2024 là 800, không phải 80.")
    page.fill("#field-email", VISITOR)
    page.locator(".molisa-report-form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Cảm ơn bạn đã báo lỗi")
    mailbox.wait_for(1)
    notice = mailbox.to(UNIT_ADMIN)[0]
    assert has(notice, "Lỗi dữ liệu") and "không phải 80" in notice.get_content()
    link = next(line for line in notice.get_content().splitlines() if "/report/" in line)
    address = link.split(": ", 1)[1].strip()

    set_password(world.unit_admin)
    admin = person(browser, base, world.unit_admin)
    admin.goto(address)
    expect(admin.locator(".molisa-report-description")).to_contain_text("không phải 80")
    admin.locator("button[name=acknowledge]").click()
    expect(admin.locator(".molisa-report-state")).to_have_text("Đang xử lý")
    admin.fill("#field-message", "Cảm ơn, chúng tôi sẽ sửa trong tuần này.")
    admin.locator(".molisa-report-reply button[type=submit]").click()
    expect(admin.locator(".molisa-report-thread")).to_contain_text("sẽ sửa trong tuần này")
    # the unit corrects the data: a new version of the dataset
    helpers.call_action("resource_patch", context={"user": world.unit_admin["name"]},
                        id=res["id"], description="Đã sửa số liệu Huế năm 2024")
    fixed = helpers.call_action("package_activity_list", context={"user": world.sysadmin["name"]},
                                id=pkg["id"])[0]["id"]
    admin.reload()
    admin.select_option("#field-resolution", "fixed")
    admin.select_option("#field-activity", fixed)
    admin.locator("button[name=close]").click()
    expect(admin.locator(".molisa-report-state")).to_have_text("Đã đóng")
    expect(admin.locator(".molisa-report-version")).to_have_text(fixed)
    # the visitor was told at each step: acknowledged, the reply, closed
    mailbox.wait_for(4)
    to_visitor = mailbox.to(VISITOR)
    assert len(to_visitor) == 3 and has(to_visitor[-1], "Đã đóng")
    assert "Đã sửa" in to_visitor[-1].get_content()


@pytest.mark.req("R21.1d", "R4.3")
def test_a_personal_data_report_hides_the_resource(world, web_server, page, browser, mailbox):
    base = web_server.url
    pkg, res = world.datasets["open"], world.resources["open"]
    set_password(world.user, world.unit_admin)
    reporter = person(browser, base, world.user)
    reporter.goto(f"{base}/dataset/{pkg['name']}/resource/{res['id']}")
    reporter.locator(".molisa-report-button").click()
    reporter.select_option("#field-type", "personal_data")
    reporter.fill("#field-description", "Cột ho_ten chứa họ tên thật của người hưởng trợ cấp.")
    reporter.locator(".molisa-report-form button[type=submit]").click()
    expect(reporter.locator(".molisa-report-hidden")).to_be_visible()   # the reporter's page

    # the public: no resource on the dataset's page, its own page refused
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{base}/dataset/{pkg['name']}")
    expect(page.locator(f"a[href*='{res['id']}']")).to_have_count(0)
    response = page.goto(f"{base}/dataset/{pkg['name']}/resource/{res['id']}")
    assert response.status == 404
    response = page.goto(f"{base}/dataset/{pkg['name']}/resource/{res['id']}/download/people.csv")
    assert response.status in (403, 404)
    # the unit's admin still sees it, and shows it again after review
    admin = person(browser, base, world.unit_admin)
    admin.goto(f"{base}/report/")
    admin.locator(".molisa-report-list a").first.click()
    admin.get_by_role("button", name="Hiện lại tài nguyên").click()
    expect(admin.locator(".molisa-report-hidden")).to_have_count(0)
    page.goto(f"{base}/dataset/{pkg['name']}")
    expect(page.locator(f"a[href*='{res['id']}']").first).to_be_visible()
