"""TOTP for local accounts (RFC 6238, replay protection), recovery codes, the
lock-out of failed codes, the sysadmin's reset by CLI, invitations' rules, and
no secret in the audit spool (R6.3b, R6.4, R15.1, R17.1, R20.2)."""
from __future__ import annotations

import os
import time

import pyotp
import pytest

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
from ckan.tests.helpers import call_action

from ckanext.molisa_identity import crypto, totp

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]


def enrolled_user():
    user = factories.User()
    call_action("molisa_identity_totp_enrol_begin", {"user": user["name"]})
    secret = crypto.decrypt(totp.credential(user["id"]).secret_enc)
    authenticator = pyotp.TOTP(secret)
    codes = call_action("molisa_identity_totp_enrol_confirm", {"user": user["name"]},
                        code=authenticator.at(time.time() - 30))["recovery_codes"]
    return user, authenticator, codes, secret


def verify(user, code):
    return call_action("molisa_identity_second_factor_verify", {"user": user["name"]}, code=code)


@pytest.mark.req("R6.3b", "R17.1")
def test_a_totp_code_is_accepted_once():
    user, authenticator, codes, secret = enrolled_user()
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = totp.credential(user["id"]).secret_enc
    assert secret not in stored                      # encrypted at rest
    code = authenticator.now()
    assert verify(user, code)["method"] == "totp"
    with pytest.raises(tk.ValidationError) as replayed:
        verify(user, code)
    assert "code" in replayed.value.error_dict
    # an older code than the last accepted one is refused too
    with pytest.raises(tk.ValidationError):
        verify(user, authenticator.at(time.time() - 30))


@pytest.mark.req("R6.3b", "R15.1")
def test_recovery_codes_work_once_each_and_are_stored_hashed():
    user, _, codes, _ = enrolled_user()
    from ckan import model
    from ckanext.molisa_identity.model import MolisaIdentityRecoveryCode
    stored = [r.code_hash for r in model.Session.query(MolisaIdentityRecoveryCode).filter_by(
        user_id=user["id"])]
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert verify(user, codes[0])["method"] == "recovery_code"
    with pytest.raises(tk.ValidationError):
        verify(user, codes[0])
    assert call_action("molisa_identity_status_show",
                       {"user": user["name"]})["recovery_codes_left"] == 9


@pytest.mark.req("R6.3b", "R17.1")
@pytest.mark.ckan_config("ckanext.molisa_identity.throttle.max_failures", "3")
def test_a_right_code_after_the_lock_out_is_refused():
    user, authenticator, _, _ = enrolled_user()
    for _ in range(3):
        with pytest.raises(tk.ValidationError):
            verify(user, "000000" if authenticator.now() != "000000" else "111111")
    with pytest.raises(tk.ValidationError) as locked:
        verify(user, authenticator.now())
    assert "15" in str(locked.value.error_dict["code"])


@pytest.mark.req("R6.3b", "R20.2", "R15.1")
def test_the_it_centre_resets_a_second_factor_by_cli(cli):
    from ckanext.molisa_identity.cli import molisa_identity
    user, _, _, _ = enrolled_user()
    result = cli.invoke(molisa_identity, ["reset-second-factor", user["name"]])
    assert result.exit_code == 0, result.output
    assert totp.credential(user["id"]) is None
    assert call_action("molisa_identity_status_show",
                       {"user": user["name"]})["recovery_codes_left"] == 0
    with pytest.raises(tk.NotAuthorized):
        call_action("molisa_identity_totp_reset", {"user": user["name"],
                                                   "ignore_auth": False}, user=user["name"])


@pytest.mark.req("R20.2", "R6.4")
def test_only_the_it_centre_and_the_units_admins_invite():
    admin, editor, stranger = factories.User(), factories.User(), factories.User()
    org = factories.Organization(unit_type="department", users=[
        {"name": admin["name"], "capacity": "admin"},
        {"name": editor["name"], "capacity": "editor"}])
    data = {"pid": "001080000099", "organization": org["id"], "role": "editor",
            "label": "Nguyễn Văn Bốn, chuyên viên"}
    for who in (editor, stranger):
        with pytest.raises(tk.NotAuthorized):
            call_action("molisa_identity_invitation_create",
                        {"user": who["name"], "ignore_auth": False}, **data)
    invitation = call_action("molisa_identity_invitation_create", {"user": admin["name"]}, **data)
    assert invitation["state"] == "pending" and "001080000099" not in str(invitation)
    for bad, field in (({"pid": "12345"}, "pid"), ({"role": "owner"}, "role"),
                       ({"pid": ["001080000099"]}, "pid")):
        with pytest.raises(tk.ValidationError) as err:
            call_action("molisa_identity_invitation_create", {"user": admin["name"]},
                        **{**data, **bad})
        assert field in err.value.error_dict
    listed = call_action("molisa_identity_invitation_list", {"user": admin["name"]},
                         organization=org["name"])
    assert [i["id"] for i in listed] == [invitation["id"]]
    revoked = call_action("molisa_identity_invitation_revoke", {"user": admin["name"]},
                          id=invitation["id"])
    assert revoked["state"] == "revoked"


@pytest.mark.req("R15.1", "R17.1")
def test_no_secret_reaches_the_audit_spool():
    user, authenticator, codes, secret = enrolled_user()
    code = authenticator.now()
    verify(user, code)
    verify(user, codes[1])
    admin = factories.User()
    org = factories.Organization(unit_type="department",
                                 users=[{"name": admin["name"], "capacity": "admin"}])
    call_action("molisa_identity_invitation_create", {"user": admin["name"]},
                pid="001080000077", organization=org["id"], role="member", label="X")
    spool = os.path.join(tk.config.get("ckanext.molisa_audit.spool_dir") or os.path.join(
        tk.config["ckan.storage_path"], "molisa_audit", "spool"))
    text = ""
    for root, _, files in os.walk(spool):
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                text += f.read().decode("utf-8", "replace")
    assert "totp_enrolled" in text and "invitation_create" in text and "recovery_code_used" in text
    # (a 6-digit code is not looked for: digits of timestamps could match it)
    for secret_value in (secret, codes[1], "001080000077", crypto.pid_hash("001080000077")):
        assert secret_value not in text


@pytest.mark.req("R6.3b", "R17.1")
def test_an_officials_idle_session_ends(app):
    """The idle timeout (30 minutes) ends an official's session, and its
    server-side record: the same cookie does not come back."""
    from flask import session
    from ckan import model
    from ckanext.molisa_identity import guard, sessions

    official = factories.Sysadmin()
    citizen = factories.User()
    with app.flask_app.test_request_context("/dataset"):
        for who, ends in ((citizen, False), (official, True)):
            state = sessions.start(who["id"], "password")
            sessions.update(seen=int(time.time()) - 31 * 60)
            result = guard.identify_user(who["id"])
            assert isinstance(result, model.AnonymousUser) is ends
            assert (sessions.record(state) is None) is ends
            session.clear()


@pytest.mark.req("R20.2", "R6.4")
def test_a_session_whose_record_is_gone_is_anonymous(app):
    from ckan import model
    from ckanext.molisa_identity import guard, sessions

    user = factories.User()
    with app.flask_app.test_request_context("/dataset"):
        state = sessions.start(user["id"], "vneid", acr="1", oidc_sid="provider-session-1")
        assert guard.identify_user(user["id"]) is None          # alive
        assert sessions.end_provider_session("provider-session-1") == 1
        from flask import session
        session["molisa_identity"] = state
        assert isinstance(guard.identify_user(user["id"]), model.AnonymousUser)
