"""The e-ID and second-factor flows in a real browser (Debian's Chromium
through Playwright) through Keycloak's own log-in pages, against the portal
served by gunicorn with the second factor required (``identity_server``)."""
from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import expect

import ckan.tests.helpers as helpers
from ckan import model

from ckanext.molisa_identity import crypto
from ckanext.molisa_identity.tests import keycloak as kc
from ckanext.molisa_identity.tests.conftest import PASSWORD, dataset_in, user_of

TIMEOUT_MS = 30_000
pytestmark = [pytest.mark.usefixtures("with_plugins")]


def keycloak_login(page, person: str, with_otp: bool = False, otp_only: bool = False) -> None:
    if not otp_only:
        page.wait_for_selector("#username", timeout=TIMEOUT_MS)
        page.fill("#username", person)
        page.fill("#password", kc.PEOPLE[person]["password"])
        page.click("#kc-login")
    if with_otp or otp_only:
        page.wait_for_selector("#otp", timeout=TIMEOUT_MS)
        page.fill("#otp", kc.code_for(person))
        page.click("#kc-login")


def patch(page, base: str, dataset_id: str):
    """A write through the Action API with the browser's session cookie."""
    return page.request.post(base + "/api/3/action/package_patch",
                             data=json.dumps({"id": dataset_id, "version": str(time.time())}),
                             headers={"Content-Type": "application/json"})


def invite(org: dict, admin: dict, person: str, role: str = "editor") -> dict:
    return helpers.call_action("molisa_identity_invitation_create", {"user": admin["name"]},
                               pid=kc.PEOPLE[person]["pid"], organization=org["id"], role=role,
                               label=f"{person} (test)")


@pytest.mark.req("R7.1", "R11.3")
def test_a_citizens_first_eid_login_creates_a_data_user_account(identity_server, page, clean_db):
    base = identity_server.url
    page.goto(base + "/user/login")
    page.click("#molisa-identity-vneid")
    keycloak_login(page, "citizen1")
    page.wait_for_url(base + "/**", timeout=TIMEOUT_MS)
    expect(page.locator("#molisa-identity-session")).to_contain_text("acr 1")
    user = user_of(kc.PEOPLE["citizen1"]["pid"])
    assert user is not None and user.state == "active" and not user.sysadmin
    assert user.fullname and user.email == "an.nguyen@citizen.example.vn"
    # a data user: no unit, no role
    assert not model.Session.query(model.Member).filter(
        model.Member.table_id == user.id, model.Member.state == "active").count()
    # the personal identification number is nowhere in clear
    from ckanext.molisa_identity.model import MolisaIdentityLink
    link = MolisaIdentityLink.by_user(user.id)
    assert link.pid_hash == crypto.pid_hash(kc.PEOPLE["citizen1"]["pid"])
    assert kc.PEOPLE["citizen1"]["pid"] not in json.dumps(
        {c.name: str(getattr(user, c.name)) for c in user.__table__.columns})


@pytest.mark.req("R7.1", "R20.2", "R6.4", "R6.3b")
def test_an_invited_official_logs_in_at_acr_2_and_can_edit(identity_server, page, unit):
    base = identity_server.url
    dataset = dataset_in(unit["org"])
    invitation = invite(unit["org"], unit["admin"], "official1")
    assert invitation["state"] == "pending" and "pid" not in invitation
    page.goto(base + "/user/login")
    page.click("#molisa-identity-vneid-2")
    keycloak_login(page, "official1", with_otp=True)
    page.wait_for_url(base + "/**", timeout=TIMEOUT_MS)
    expect(page.locator("#molisa-identity-second-factor")).to_be_visible()
    user = user_of(kc.PEOPLE["official1"]["pid"])
    member = model.Session.query(model.Member).filter(
        model.Member.table_id == user.id, model.Member.group_id == unit["org"]["id"],
        model.Member.state == "active").one()
    assert member.capacity == "editor"
    answer = patch(page, base, dataset["id"])
    assert answer.status == 200, answer.text()
    # the role changes: effective on the next request
    helpers.call_action("organization_member_create", {"user": unit["admin"]["name"]},
                        id=unit["org"]["id"], username=user.name, role="member")
    assert patch(page, base, dataset["id"]).status == 403


@pytest.mark.req("R6.3b", "R6.4", "R7.1")
def test_an_official_at_acr_1_is_read_only_until_stepping_up(identity_server, page, unit):
    base = identity_server.url
    dataset = dataset_in(unit["org"])
    invite(unit["org"], unit["admin"], "official2")
    page.goto(base + "/user/login")
    page.click("#molisa-identity-vneid")
    keycloak_login(page, "official2")
    page.wait_for_url(base + "/**", timeout=TIMEOUT_MS)
    expect(page.locator("#molisa-identity-no-second-factor")).to_be_visible()
    expect(page.locator(".molisa-identity-read-only")).to_be_visible()
    refused = patch(page, base, dataset["id"])
    assert refused.status == 403
    message = refused.json()["error"]["message"]
    assert "chỉ đọc" in message                    # in the user's language (vi)
    # no API token without the second factor either
    user = user_of(kc.PEOPLE["official2"]["pid"])
    token = page.request.post(base + "/api/3/action/api_token_create",
                              data=json.dumps({"user": user.name, "name": "t"}),
                              headers={"Content-Type": "application/json"})
    assert token.status == 403
    # step up: Keycloak asks only for the code (its session knows the password)
    page.click("#molisa-identity-step-up-vneid")
    keycloak_login(page, "official2", otp_only=True)
    page.wait_for_url(base + "/identity/security", timeout=TIMEOUT_MS)
    expect(page.locator("#molisa-identity-second-factor")).to_be_visible()
    assert patch(page, base, dataset["id"]).status == 200
    token = page.request.post(base + "/api/3/action/api_token_create",
                              data=json.dumps({"user": user.name, "name": "t"}),
                              headers={"Content-Type": "application/json"})
    assert token.status == 200


@pytest.mark.req("R6.3b", "R6.4", "R15.1")
def test_a_local_official_enrols_totp_and_logs_in_with_a_code(identity_server, page, unit):
    base = identity_server.url
    dataset = dataset_in(unit["org"])
    admin = unit["admin"]
    page.goto(base + "/user/login")
    page.fill("#field-login", admin["name"])
    page.fill("#field-password", PASSWORD)
    page.click("#field-password >> xpath=ancestor::form//button[@type='submit']")
    page.wait_for_load_state()
    assert patch(page, base, dataset["id"]).status == 403   # read-only without the code
    page.goto(base + "/identity/totp/enrol")
    expect(page.locator(".molisa-identity-qr svg")).to_be_visible()
    from ckanext.molisa_identity import totp as totp_module
    import pyotp
    model.Session.expire_all()
    secret = crypto.decrypt(totp_module.credential(admin["id"]).secret_enc)
    authenticator = pyotp.TOTP(secret)
    assert secret not in page.content()
    page.fill("#field-code", authenticator.at(time.time() - 30))   # the previous step: in the window
    page.click("#molisa-identity-enrol-confirm")
    codes = page.locator(".molisa-identity-recovery-codes li")
    expect(codes).to_have_count(10)
    assert patch(page, base, dataset["id"]).status == 200
    # log out, log in again: the password, then a code
    page.goto(base + "/user/_logout")
    page.goto(base + "/user/login")
    page.fill("#field-login", admin["name"])
    page.fill("#field-password", PASSWORD)
    page.click("#field-password >> xpath=ancestor::form//button[@type='submit']")
    page.wait_for_url("**/identity/code**", timeout=TIMEOUT_MS)
    page.fill("#field-code", authenticator.now())
    page.click("#molisa-identity-code-submit")
    page.wait_for_url("**/identity/security**", timeout=TIMEOUT_MS)
    expect(page.locator("#molisa-identity-second-factor")).to_be_visible()
    assert patch(page, base, dataset["id"]).status == 200


@pytest.mark.req("R7.1", "R11.3")
def test_logout_ends_both_sessions(identity_server, page, clean_db):
    base = identity_server.url
    page.goto(base + "/user/login")
    page.click("#molisa-identity-vneid")
    keycloak_login(page, "citizen2")
    page.wait_for_url(base + "/**", timeout=TIMEOUT_MS)
    expect(page.locator("#molisa-identity-session")).to_be_visible()
    page.goto(base + "/user/_logout")
    page.wait_for_url(base + "/**", timeout=TIMEOUT_MS)
    page.goto(base + "/identity/security")
    assert "/user/login" in page.url          # the portal's session is over
    page.goto(base + "/user/login")
    page.click("#molisa-identity-vneid")
    page.wait_for_selector("#username", timeout=TIMEOUT_MS)   # and Keycloak's too


@pytest.mark.req("R7.1", "R11.3")
def test_backchannel_logout_from_the_provider_ends_the_portal_session(identity_server, page,
                                                                     clean_db):
    base = identity_server.url
    page.goto(base + "/user/login")
    page.click("#molisa-identity-vneid")
    keycloak_login(page, "citizen1")
    page.wait_for_url(base + "/**", timeout=TIMEOUT_MS)
    page.goto(base + "/identity/security")
    expect(page.locator("#molisa-identity-session")).to_be_visible()
    # the person logs out at the provider (its own logout page, as from
    # another of the ministry's systems): Keycloak tells the portal over the
    # back channel
    page.goto(kc.issuer() + "/protocol/openid-connect/logout")
    page.click("#kc-logout")
    page.wait_for_load_state()
    page.goto(base + "/identity/security")
    assert "/user/login" in page.url
