"""Protocol attacks, each refused (R7.1, R17.1): tampered, foreign, misdirected
and expired ID tokens, a wrong nonce, a replayed state, forged logout tokens,
an e-mail that matches an existing account. Real tokens come from the real
Keycloak through its own log-in pages; forged ones are signed with the
tests' own keys."""
from __future__ import annotations

import base64
import json
import os
import time

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
from ckan import model

from ckanext.molisa_identity import oidc
from ckanext.molisa_identity.tests import keycloak as kc
from ckanext.molisa_identity.tests.conftest import user_of

pytestmark = [pytest.mark.usefixtures("with_plugins")]


def real_login(person: str = "citizen2", client_id: str | None = None, port: int | None = None):
    """A real ID token from Keycloak (the portal's own code: authorization
    request, Keycloak's log-in page, token request, validation)."""
    base = tk.config["ckan.site_url"] if port is None else f"http://127.0.0.1:{port}"
    url, pending = oidc.authorization_request(base + "/identity/oidc/callback", False, "vi")
    back = kc.login_http(requests.Session(), url, person)
    return oidc.exchange(kc.query(back)["code"], pending), pending


def portal_login(server, person: str, level: str = "1"):
    """Through the portal with a plain HTTP client: returns the client and the
    callback URL Keycloak sent it back to (not yet followed)."""
    session = requests.Session()
    start = session.get(server.url + f"/identity/oidc/login?level={level}", allow_redirects=False)
    assert start.status_code == 302
    return session, kc.login_http(session, start.headers["Location"], person,
                                  with_otp=level == "2")


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _b64decode(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.fixture(scope="module")
def attacker():
    key = RSAKey.generate_key(2048, parameters={"kid": "attacker", "use": "sig"})
    return key


def forge(key, keycloak_meta: dict, kid: str | None = None, **overrides) -> tuple[str, str]:
    nonce = "nonce-" + os.urandom(8).hex()
    now = int(time.time())
    claims = {"iss": tk.config["ckanext.molisa_identity.oidc.issuer"],
              "aud": tk.config["ckanext.molisa_identity.oidc.client_id"],
              "sub": "attacker", "iat": now, "exp": now + 300, "nonce": nonce,
              "acr": "2", "pid": "001090000001"}
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    header = {"alg": "RS256", "kid": kid or key.kid}
    return jwt.encode(header, claims, key), nonce


@pytest.mark.req("R7.1", "R17.1")
def test_a_real_id_token_is_accepted_and_a_tampered_one_refused(keycloak):
    result, pending = real_login()
    token = result["id_token"]
    assert result["claims"]["acr"] == "1"
    assert oidc.validate_id_token(token, pending["nonce"])["sub"]
    header, payload, signature = token.split(".")
    claims = _b64decode(payload)
    claims["pid"] = kc.PEOPLE["official1"]["pid"]       # become someone else
    with pytest.raises(oidc.OIDCError, match="signature"):
        oidc.validate_id_token(".".join([header, _b64(claims), signature]), pending["nonce"])


@pytest.mark.req("R7.1", "R17.1")
def test_a_wrong_nonce_is_refused(keycloak):
    result, pending = real_login()
    with pytest.raises(oidc.OIDCError, match="nonce"):
        oidc.validate_id_token(result["id_token"], "another-" + pending["nonce"])


@pytest.mark.req("R7.1", "R17.1")
def test_a_token_for_another_client_is_refused(keycloak):
    """A real token Keycloak issued to the make-run portal's client is not
    accepted by the tests' client (audience)."""
    from ckan.tests.helpers import changed_config
    with changed_config("ckanext.molisa_identity.oidc.client_id", "molisa-portal"):
        result, pending = real_login(port=int(os.environ.get("MOLISA_WEB_PORT", "5000")))
    assert result["claims"]["aud"] == "molisa-portal"
    with pytest.raises(oidc.OIDCError, match="aud"):
        oidc.validate_id_token(result["id_token"], pending["nonce"])


@pytest.mark.req("R7.1", "R17.1")
def test_a_token_signed_with_another_key_is_refused(keycloak, attacker):
    """Everything right but the signature (even under the provider's key id)."""
    kid = requests.get(keycloak["jwks_uri"], timeout=10).json()["keys"][0]["kid"]
    for key_id in (kid, "attacker"):
        token, nonce = forge(attacker, keycloak, kid=key_id)
        with pytest.raises(oidc.OIDCError, match="signature"):
            oidc.validate_id_token(token, nonce)


@pytest.mark.req("R7.1", "R17.1")
@pytest.mark.parametrize("overrides, reason", [
    ({"iss": "https://idp.example.org/realms/vneid"}, "iss"),
    ({"aud": "another-client"}, "aud"),
    ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "exp"),
    ({"exp": None}, "exp"),
    ({"acr": "3"}, "acr"),
])
def test_claims_of_a_validly_signed_token_are_checked(keycloak, attacker, overrides, reason):
    """Signed with a key the check trusts (the tests' own key set), so that
    what refuses the token is the claim, not the signature."""
    keys = KeySet([attacker])
    token, nonce = forge(attacker, keycloak)
    assert oidc.validate_id_token(token, nonce, keys=keys)["sub"] == "attacker"
    token, nonce = forge(attacker, keycloak, **overrides)
    with pytest.raises(oidc.OIDCError, match=reason):
        oidc.validate_id_token(token, nonce, keys=keys)
    with pytest.raises(oidc.OIDCError, match="nonce"):
        good, _ = forge(attacker, keycloak)
        oidc.validate_id_token(good, "not-the-nonce", keys=keys)


@pytest.mark.req("R7.1", "R17.1")
def test_a_replayed_state_is_refused(identity_server, clean_db):
    session, callback = portal_login(identity_server, "citizen1")
    first = session.get(callback, allow_redirects=False)
    assert first.status_code == 302
    replay = requests.get(callback, allow_redirects=False, cookies=session.cookies)
    assert replay.status_code == 400
    assert "VNeID" in replay.text
    # and from another browser (no session of its own)
    assert requests.get(callback, allow_redirects=False).status_code == 400
    # a state that was never issued
    forged = callback.replace("state=", "state=x")
    assert session.get(forged, allow_redirects=False).status_code == 400


@pytest.mark.req("R7.1", "R17.1")
def test_forged_backchannel_logout_tokens_are_refused(identity_server, keycloak, attacker,
                                                     clean_db):
    url = identity_server.url + "/identity/oidc/backchannel-logout"
    token, _ = forge(attacker, keycloak, nonce=None, sid="any",
                     events={oidc.BACKCHANNEL_EVENT: {}})
    assert requests.post(url, data={"logout_token": token}, timeout=10).status_code == 400
    assert requests.post(url, data={"logout_token": "a.b.c"}, timeout=10).status_code == 400
    assert requests.post(url, data={}, timeout=10).status_code == 400
    # the checks behind the signature, with the tests' own key set
    keys = KeySet([attacker])
    good, _ = forge(attacker, keycloak, nonce=None, sid="s1", events={oidc.BACKCHANNEL_EVENT: {}})
    assert oidc.validate_logout_token(good, keys=keys)["sid"] == "s1"
    for bad in (dict(sid="s1"), dict(sid="s1", events={oidc.BACKCHANNEL_EVENT: {}}),
                dict(nonce=None, events={oidc.BACKCHANNEL_EVENT: {}}),
                dict(nonce=None, sid="s1", aud="other", events={oidc.BACKCHANNEL_EVENT: {}})):
        token, _ = forge(attacker, keycloak, **bad)
        with pytest.raises(oidc.OIDCError):
            oidc.validate_logout_token(token, keys=keys)


@pytest.mark.req("R7.1", "R17.1", "R11.3")
def test_an_email_matching_an_existing_account_is_not_linked(identity_server, clean_db):
    existing = factories.User(email=kc.PEOPLE["citizen3"]["email"], password="Mat-khau-2027-xx")
    session, callback = portal_login(identity_server, "citizen3")
    assert session.get(callback, allow_redirects=False).status_code == 302
    created = user_of(kc.PEOPLE["citizen3"]["pid"])
    assert created is not None and created.id != existing["id"]
    assert created.email is None                  # the address stays the other account's
    page = session.get(identity_server.url + "/identity/security")
    assert existing["name"] not in page.text and created.name in page.text


@pytest.mark.req("R20.2", "R17.1")
def test_a_connection_account_cannot_log_in_interactively(identity_server, clean_db):
    agency = factories.User(name="agency-so-lao-dong-test", password="Mat-khau-2027-xx")
    user = model.User.get(agency["id"])
    user.plugin_extras = {"molisa_sharing": {"connection_account": True}}
    model.Session.commit()
    answer = requests.post(identity_server.url + "/user/login",
                           data={"login": agency["name"], "password": "Mat-khau-2027-xx"},
                           allow_redirects=False)
    assert answer.status_code == 403
    # its API token keeps working
    from ckan.tests.helpers import call_action
    token = call_action("api_token_create", {"user": agency["name"], "ignore_auth": True},
                        user=agency["name"], name="grant")["token"]
    shown = requests.get(identity_server.url + "/api/3/action/molisa_identity_status_show",
                         headers={"Authorization": token}, timeout=10)
    assert shown.status_code == 200 and shown.json()["result"]["user"] == agency["name"]


@pytest.mark.req("R6.3b", "R17.1")
def test_password_log_in_is_locked_after_failures(identity_server, clean_db):
    person = factories.User(password="Mat-khau-2027-xx")
    url = identity_server.url + "/user/login"
    for _ in range(3):                  # ckanext.molisa_identity.throttle.max_failures = 3
        r = requests.post(url, data={"login": person["name"], "password": "wrong"},
                          allow_redirects=False)
        assert r.status_code == 200
    locked = requests.post(url, data={"login": person["name"], "password": "Mat-khau-2027-xx"},
                           allow_redirects=False)
    assert locked.status_code == 429
    assert "15" in locked.text and ("khóa" in locked.text or "locked" in locked.text)


@pytest.mark.req("R20.2", "R6.4")
def test_a_deactivated_account_is_out_on_the_next_request(identity_server, clean_db):
    session, callback = portal_login(identity_server, "citizen2")
    assert session.get(callback, allow_redirects=False).status_code == 302
    assert session.get(identity_server.url + "/identity/security",
                       allow_redirects=False).status_code == 200
    from ckan.tests.helpers import call_action
    user = user_of(kc.PEOPLE["citizen2"]["pid"])
    call_action("user_delete", {"user": factories.Sysadmin()["name"]}, id=user.id)
    after = session.get(identity_server.url + "/identity/security", allow_redirects=False)
    assert after.status_code == 302 and "/user/login" in after.headers["Location"]
    # and the e-ID cannot bring the deactivated account back
    session2, callback2 = portal_login(identity_server, "citizen2")
    assert session2.get(callback2, allow_redirects=False).status_code == 403
