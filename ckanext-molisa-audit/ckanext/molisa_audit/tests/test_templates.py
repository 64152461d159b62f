"""The header links to the audit log for those who may read it, and only them."""
import pytest

import ckan.tests.factories as factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def test_sysadmins_and_unit_admins_see_the_link(app):
    sysadmin = factories.SysadminWithToken()
    page = app.get("/", headers={"Authorization": sysadmin["token"]}).body
    assert 'href="/audit/"' in page and "Nhật ký kết nối, chia sẻ" in page
    admin = factories.UserWithToken()
    factories.Organization(unit_type="department", users=[{"name": admin["name"], "capacity": "admin"}])
    assert 'href="/audit/"' in app.get("/", headers={"Authorization": admin["token"]}).body
    # and the language switch of ckanext-molisa is still there beside it
    assert "molisa-lang-switch" in page


def test_others_do_not(app):
    user = factories.UserWithToken()
    assert 'href="/audit/"' not in app.get("/", headers={"Authorization": user["token"]}).body
    assert 'href="/audit/"' not in app.get("/").body
