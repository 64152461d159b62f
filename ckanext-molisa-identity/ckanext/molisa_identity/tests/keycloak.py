"""The tests' side of the real Keycloak that `make test` starts (realm
``vneid``, config/keycloak/vneid-realm.json): its test people, their
passwords and the TOTP secrets of their authenticators (pyotp computes the
codes), and a client that goes through Keycloak's own log-in pages over HTTP
(for the protocol tests; the browser tests use Chromium)."""
from __future__ import annotations

import base64
import html
import os
import re
from urllib.parse import parse_qs, urlparse

import pyotp
import requests

import ckan.plugins.toolkit as tk

# realm vneid's test people (config/keycloak/vneid-realm.json)
PEOPLE = {
    "citizen1": {"password": "Citizen-One-2026", "pid": "001090000001"},
    "citizen2": {"password": "Citizen-Two-2026", "pid": "001090000002"},
    "citizen3": {"password": "Citizen-Three-2026", "pid": "001090000003",
                 "email": "shared.address@example.vn"},
    "official1": {"password": "Official-One-2026", "pid": "001080000011",
                  "otp": "vneid-official-1-otp-seed"},
    "official2": {"password": "Official-Two-2026", "pid": "001080000012",
                  "otp": "vneid-official-2-otp-seed"},
    "official3": {"password": "Official-Three-2026", "pid": "001080000013",
                  "otp": "vneid-official-3-otp-seed"},
    "official4": {"password": "Official-Four-2026", "pid": "001080000014",
                  "otp": "vneid-official-4-otp-seed"},
}


def issuer() -> str:
    return tk.config["ckanext.molisa_identity.oidc.issuer"]


def totp(person: str) -> pyotp.TOTP:
    """Keycloak keeps the secret as text; authenticator apps get its bytes in base32."""
    raw = PEOPLE[person]["otp"].encode()
    return pyotp.TOTP(base64.b32encode(raw).decode().rstrip("="))


def code_for(person: str, offset_steps: int = 0) -> str:
    import time
    t = totp(person)
    return t.at(time.time() + offset_steps * t.interval)


def _form_action(page: str) -> str:
    m = re.search(r'<form[^>]+action="([^"]+)"', page)
    assert m, "no form on Keycloak's page"
    return html.unescape(m.group(1))


def _loopback_cookies(session: requests.Session) -> None:
    """Keycloak marks its cookies Secure; browsers treat http://127.0.0.1 as
    a secure context and send them, requests does not: do as the browser does."""
    for cookie in session.cookies:
        cookie.secure = False


def login_http(session: requests.Session, auth_url: str, person: str,
               with_otp: bool = False) -> str:
    """Through Keycloak's log-in pages with requests: returns the redirect
    back to the client (its callback URL with code and state)."""
    page = session.get(auth_url, allow_redirects=True, timeout=30)
    page.raise_for_status()
    _loopback_cookies(session)
    response = session.post(_form_action(page.text),
                            data={"username": person, "password": PEOPLE[person]["password"],
                                  "credentialId": ""}, allow_redirects=False, timeout=30)
    if with_otp:
        assert response.status_code == 200, "Keycloak did not ask for the code"
        _loopback_cookies(session)
        response = session.post(_form_action(response.text), data={"otp": code_for(person)},
                                allow_redirects=False, timeout=30)
    assert response.status_code in (302, 303), \
        f"Keycloak answered {response.status_code}: {response.text[:3000]}"
    return response.headers["Location"]


def admin_token() -> str:
    response = requests.post(
        issuer().replace("/realms/vneid", "/realms/master") + "/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "admin-cli", "username": "admin",
              "password": os.environ["MOLISA_KEYCLOAK_ADMIN_PASSWORD"]}, timeout=30)
    response.raise_for_status()
    return response.json()["access_token"]


def admin_api(method: str, path: str, **kw) -> requests.Response:
    base = issuer().replace("/realms/vneid", "/admin/realms/vneid")
    return requests.request(method, base + path, timeout=30,
                            headers={"Authorization": "Bearer " + admin_token()}, **kw)


def logout_everywhere(person: str) -> None:
    """Ends the person's sessions at Keycloak (as its admin would): Keycloak
    then sends back-channel logout tokens to the clients."""
    users = admin_api("GET", "/users", params={"username": person, "exact": "true"}).json()
    response = admin_api("POST", f"/users/{users[0]['id']}/logout")
    assert response.status_code == 204, response.text


def query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
