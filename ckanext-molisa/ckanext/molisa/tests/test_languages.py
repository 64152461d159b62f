"""Every page a visitor sees is in the right language: Vietnamese under ``/``
(the default locale), English under ``/en/``.

A realistic site (two units, open datasets with resources, a harvest source
of another portal, a unit editor) is crawled: every GET route of the Flask URL
map (the leak scanner's discovery, ``ckanext.molisa.testing.routes``) with
its variables filled from the objects below, then the same-site links the
pages show; as an anonymous visitor and again as the unit's editor. The
visible text of each HTML page is checked against the message catalogues
(``language_crawl``): no English msgid left untranslated on a Vietnamese page,
no Vietnamese UI string on an English page. The test data is Vietnamese or
English on purpose and is left out of the check: it is the users' data, not
the portal's words.
"""
from __future__ import annotations

import json

import pytest

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
from ckan import model

from ckanext.molisa.testing.factories import csv_upload, meritorious_dataset
from ckanext.molisa.testing.routes import RoutePool
from ckanext.molisa.tests import language_crawl

pytestmark = [pytest.mark.usefixtures("with_plugins"), pytest.mark.long_running]


@pytest.fixture(scope="module")
def site(reset_db, migrate_db_for, reset_index):
    import ckan.plugins as plugins
    from ckanext.molisa.testing import database

    plugins.load_all()
    try:
        database.reset(reset_db, migrate_db_for)
        reset_index()
        yield _build_site()
    finally:
        model.Session.remove()
        plugins.unload_all()


def _build_site() -> dict:
    pool = RoutePool()
    own: list[str] = []
    sysadmin = factories.SysadminWithToken()
    editor = factories.UserWithToken(name="bien-tap-vien", fullname="Nguyễn Thị Biên Tập")
    unit = factories.Organization(
        name="cuc-nguoi-co-cong", title="Cục Người có công", unit_type="department",
        description="", users=[{"name": editor["name"], "capacity": "editor"}])
    other = factories.Organization(
        name="cuc-viec-lam", title="Cục Việc làm", unit_type="department",
        description="Quản lý nhà nước về việc làm và thị trường lao động.")
    ctx = {"user": sysadmin["name"]}
    datasets = []
    for owner, name, title, title_en in (
            (unit, "nguoi-co-cong-theo-tinh-2024", "Số người có công theo tỉnh, năm 2024",
             "Meritorious people by province, 2024"),
            (other, "lao-dong-viec-lam-2024", "Lao động có việc làm theo tỉnh, năm 2024",
             "Employed workers by province, 2024")):
        pkg = helpers.call_action("package_create", context=dict(ctx),
                                  **meritorious_dataset(owner["id"], name=name, title=title,
                                                        title_en=title_en))
        helpers.call_action("resource_create", context=dict(ctx), package_id=pkg["id"],
                            name="Bảng số liệu theo tỉnh", description="Số liệu tổng hợp.",
                            format="CSV", upload=csv_upload(), url="people.csv")
        helpers.call_action("resource_create", context=dict(ctx), package_id=pkg["id"],
                            name="Provincial table (English)", format="XLSX",
                            url="https://data.molisa.example.vn/bang.xlsx")
        pkg = helpers.call_action("package_show", context=dict(ctx), id=pkg["id"])
        datasets.append(pkg)
        pool.add_package(pkg)
        for activity in helpers.call_action("package_activity_list", context=dict(ctx),
                                            id=pkg["id"]):
            pool.add_activity(activity["id"])
    source = helpers.call_action(
        "harvest_source_create", context=dict(ctx), name="cong-du-lieu-quoc-gia",
        title="Cổng dữ liệu quốc gia", url="https://data.gov.vn.example/",
        source_type="molisa_ckan", owner_org=other["id"], frequency="MANUAL",
        config=json.dumps({}))
    pool.add_harvest_source(source)
    for org in (unit, other):
        pool.add_organization(org)
    for user in (sysadmin, editor):
        pool.add_user(user)
    for obj in (unit, other, source, editor, sysadmin, *datasets):
        for key in ("title", "name", "display_name", "fullname", "description", "notes"):
            if isinstance(obj.get(key), str):
                own.append(obj[key])
    for pkg in datasets:
        own += [pkg.get("title_en", ""), pkg.get("notes_en", ""), pkg.get("contact_name", ""),
                pkg.get("legal_basis", ""), pkg.get("quality_note", ""),
                pkg.get("contact_email", "")]
        own += [tag["name"] for tag in pkg.get("tags", [])]
        for res in pkg["resources"]:
            own += [res.get("name", ""), res.get("description", "")]
    model.Session.remove()
    return {"pool": pool, "own": own, "tokens": {"anonymous": "", "editor": editor["token"]}}


def test_every_page_is_in_its_language(site, app):
    """Vietnamese pages show no untranslated English UI string (CKAN core's,
    the installed extensions', ours), English pages no Vietnamese one; as a
    visitor and as a unit editor."""
    roles = {role: ({"Authorization": token} if token else {})
             for role, token in site["tokens"].items()}
    report, counts = language_crawl.crawl(app, site["pool"], roles, own_data=site["own"])
    summary = language_crawl.write_report(report, "last", counts)
    for locale in ("vi", "en"):
        for role in roles:
            assert report.pages[(locale, role)] > 30, \
                f"the crawl reached too few {locale} pages as {role}: {summary}"
    assert not report.errors_500, f"server errors: {report.errors_500[:20]}"
    assert not report.findings, (f"{len(report.findings)} strings in the wrong language:\n"
                                 + report.describe())


def test_the_check_sees_a_wrong_string(site, app):
    """The checkers find what they are for: a known untranslated msgid on a
    Vietnamese page, a Vietnamese UI string on an English page; and let the
    translated page through."""
    untranslated, vietnamese, counts = language_crawl.build_checkers(app.flask_app)
    assert counts["msgids"] > 1500
    assert untranslated("Add Harvest Source") == "Add Harvest Source"
    assert untranslated("8 harvest sources found") == "{number} harvest sources found"
    assert untranslated("Xem thêm") is None
    assert vietnamese("Bộ dữ liệu") is not None
    crawler = language_crawl.Crawl(app, site["pool"], untranslated, vietnamese, site["own"])
    report = language_crawl.CrawlReport()
    crawler.check_page(report, "vi", "test", "/x",
                       "<html><body><h1>Cục Người có công</h1><p>Add Harvest Source</p>"
                       "<script>var x = 'Add Harvest Source';</script></body></html>")
    crawler.check_page(report, "en", "test", "/en/x",
                       "<html><body><h1>Cục Người có công</h1><a title='Bộ dữ liệu'>x</a>"
                       "<p>Đăng nhập bằng tài khoản</p></body></html>")
    assert sorted((f.locale, f.text) for f in report.findings) == [
        ("en", "Bộ dữ liệu"), ("en", "Đăng nhập bằng tài khoản"), ("vi", "Add Harvest Source")]
