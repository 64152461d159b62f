"""My records in a real browser: a citizen of the tests' sector database logs
in through the e-ID provider (the real Keycloak, realm vneid, Debian's
Chromium) and sees exactly their rows on /my-data."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ckanext.molisa_harvest import sector_sources
from ckanext.molisa_identity.tests import keycloak as kc
from ckanext.molisa_identity.tests.test_browser import TIMEOUT_MS, keycloak_login

pytestmark = [pytest.mark.usefixtures("with_plugins")]


@pytest.mark.req("R17.2", "R18.5")
def test_a_citizen_logs_in_with_the_eid_and_sees_exactly_their_rows(
        identity_server, page, source, sector_db):
    pid = kc.PEOPLE["citizen1"]["pid"]
    other = kc.PEOPLE["citizen2"]["pid"]
    # two enrolments of citizen1 and one of citizen2 in the sector data
    for row_id, number, trade in ((9101, pid, "Hàn điện"), (9102, pid, "Điện dân dụng"),
                                  (9103, other, "May công nghiệp")):
        sector_db.execute(
            "INSERT INTO {schema}.hoc_vien_gdnn SELECT :id, 'Người thử ' || :id, :pid,"
            " ngay_sinh, gioi_tinh, ma_tinh, :trade, trinh_do, nam_tuyen_sinh, trang_thai,"
            " now() FROM {schema}.hoc_vien_gdnn WHERE id = 1", id=row_id, pid=number,
            trade=trade)
    sector_sources.run_source(source)

    base = identity_server.url
    page.goto(base + "/user/login")
    page.click("#molisa-identity-vneid")
    keycloak_login(page, "citizen1")
    page.wait_for_url(base + "/**", timeout=TIMEOUT_MS)
    page.goto(base + "/my-data/")
    expect(page.locator("h1")).to_have_text("Dữ liệu của tôi")
    expect(page.locator("#mydata-count")).to_have_text("2 bản ghi trong 1 bộ dữ liệu.")
    body = page.locator("main, [role=main]").first.inner_text()
    assert "Hàn điện" in body and "Điện dân dụng" in body
    assert "May công nghiệp" not in body and other not in body
    assert "tong-cuc-giao-duc-nghe-nghiep" in body      # the managing unit (its title in the test)
    # the JSON download with the browser's session
    data = page.request.get(base + "/my-data/records.json").json()
    assert sorted(r["id"] for d in data["datasets"] for r in d["records"]) == [9101, 9102]
