"""OpenID Connect with the national e-ID (VNeID through the government's
authentication platform), with Authlib: discovery, authorization code with
PKCE (S256), state and nonce; the ID token checked against the provider's
JWKS (signature, ``iss``, ``aud``, ``exp``, ``iat``, ``nonce``, ``acr``);
back-channel logout tokens checked the same way.

Nothing here is specific to one provider: issuer, client, claim names and the
accepted ``acr`` values are configuration."""
from __future__ import annotations

import threading
import time
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

import ckan.plugins.toolkit as tk

BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"


class OIDCError(Exception):
    """A refusal: ``reason`` is logged and audited (never a token), the
    message shown to the user stays generic."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _cfg(name: str) -> Any:
    return tk.config.get(f"ckanext.molisa_identity.oidc.{name}")


def enabled() -> bool:
    return bool(_cfg("issuer") and _cfg("client_id"))


_cache: dict[str, tuple[float, Any]] = {}
_lock = threading.Lock()


def _get_json(url: str) -> dict:
    response = requests.get(url, timeout=_cfg("timeout"))
    response.raise_for_status()
    return response.json()


def metadata() -> dict:
    """The provider's discovery document (cached for an hour)."""
    issuer = _cfg("issuer").rstrip("/")
    cached = _cache.get("meta:" + issuer)
    if cached and time.monotonic() - cached[0] < 3600:
        return cached[1]
    try:
        meta = _get_json(issuer + "/.well-known/openid-configuration")
    except (requests.RequestException, ValueError) as e:
        raise OIDCError(f"discovery failed: {type(e).__name__}") from e
    if meta.get("issuer") != _cfg("issuer"):
        raise OIDCError("discovery document names another issuer")
    with _lock:
        _cache["meta:" + issuer] = (time.monotonic(), meta)
    return meta


def _keys(refresh: bool = False) -> KeySet:
    uri = metadata()["jwks_uri"]
    cached = _cache.get("jwks:" + uri)
    if cached and not refresh and time.monotonic() - cached[0] < 3600:
        return cached[1]
    try:
        keys = KeySet.import_key_set(_get_json(uri))
    except (requests.RequestException, ValueError, JoseError) as e:
        raise OIDCError(f"JWKS could not be read: {type(e).__name__}") from e
    with _lock:
        _cache["jwks:" + uri] = (time.monotonic(), keys)
    return keys


def _decode(token: str, keys: KeySet | None = None) -> jwt.Token:
    """Signature check against the JWKS (once more with fresh keys when the
    key id is unknown: the provider rotated its keys). ``keys``: another key
    set (the tests' own, to reach the claim checks with forged tokens)."""
    algorithms = list(_cfg("algorithms"))
    if not isinstance(token, str) or token.count(".") != 2:
        raise OIDCError("not a signed JWT")
    for refresh in (False, True):
        try:
            return jwt.decode(token, keys or _keys(refresh), algorithms=algorithms)
        except JoseError as e:
            if refresh:
                raise OIDCError(f"signature refused: {type(e).__name__}") from e
        except (ValueError, KeyError, TypeError) as e:
            raise OIDCError(f"token malformed: {type(e).__name__}") from e
    raise OIDCError("signature refused")


def authorization_request(redirect_uri: str, second_factor: bool, locale: str) -> tuple[str, dict]:
    """The provider's URL to send the browser to, and what the callback must
    find again (kept in the session under the ``state``)."""
    meta = metadata()
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    acr = _cfg("acr_second_factor") if second_factor else _cfg("acr_basic")
    client = OAuth2Session(_cfg("client_id"), scope=_cfg("scope"), redirect_uri=redirect_uri,
                           code_challenge_method="S256")
    url, _ = client.create_authorization_url(
        meta["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier,
        acr_values=acr, ui_locales=locale)
    pending = {"nonce": nonce, "verifier": verifier, "second_factor": bool(second_factor),
               "redirect_uri": redirect_uri, "created": int(time.time())}
    return url, {"state": state, **pending}


def exchange(code: str, pending: dict) -> dict:
    """The token request (client secret, PKCE verifier); returns the ID
    token's validated claims and the raw ID token (for the logout hint)."""
    meta = metadata()
    client = OAuth2Session(_cfg("client_id"), _cfg("client_secret"),
                           redirect_uri=pending["redirect_uri"],
                           token_endpoint_auth_method="client_secret_post")
    try:
        token = client.fetch_token(meta["token_endpoint"], code=code,
                                   code_verifier=pending["verifier"],
                                   timeout=_cfg("timeout"))
    except Exception as e:  # authlib's OAuthError, requests' errors
        raise OIDCError(f"token request refused: {type(e).__name__}") from e
    id_token = token.get("id_token")
    if not id_token:
        raise OIDCError("no ID token in the token response")
    return {"claims": validate_id_token(id_token, pending["nonce"]), "id_token": id_token}


def validate_id_token(id_token: str, nonce: str, keys: KeySet | None = None) -> dict:
    decoded = _decode(id_token, keys)
    claims = CodeIDToken(
        decoded.claims, decoded.header,
        options={"iss": {"essential": True, "value": _cfg("issuer")},
                 "aud": {"essential": True, "value": _cfg("client_id")},
                 "exp": {"essential": True}, "iat": {"essential": True},
                 "nonce": {"essential": True}},
        params={"nonce": nonce, "client_id": _cfg("client_id")})
    try:
        claims.validate(leeway=_cfg("leeway"))
    except JoseError as e:
        raise OIDCError(f"ID token refused: {e.error if hasattr(e, 'error') else type(e).__name__}"
                        f" {getattr(e, 'claim', '')}".strip()) from e
    aud = claims.get("aud")
    if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != _cfg("client_id"):
        raise OIDCError("ID token for several audiences without this client as azp")
    acr = claims.get("acr")
    if acr is not None and str(acr) not in [str(a) for a in _cfg("acr_accepted")]:
        raise OIDCError("acr not accepted")
    return dict(claims)


def second_factor(claims: dict) -> bool:
    return str(claims.get("acr")) in [str(a) for a in _cfg("acr_second_factor_values")]


def validate_logout_token(logout_token: str, keys: KeySet | None = None) -> dict:
    """OpenID Connect Back-Channel Logout 1.0, section 2.6."""
    decoded = _decode(logout_token, keys)
    claims = CodeIDToken(
        decoded.claims, decoded.header,
        options={"iss": {"essential": True, "value": _cfg("issuer")},
                 "aud": {"essential": True, "value": _cfg("client_id")},
                 "iat": {"essential": True}})
    try:
        # a logout token has no exp of its own obligation; iat is checked
        claims.ESSENTIAL_CLAIMS = ["iss", "aud", "iat"]
        claims.validate(leeway=_cfg("leeway"))
    except JoseError as e:
        raise OIDCError(f"logout token refused: {type(e).__name__}") from e
    events = claims.get("events")
    if not isinstance(events, dict) or BACKCHANNEL_EVENT not in events:
        raise OIDCError("logout token without the back-channel logout event")
    if "nonce" in claims:
        raise OIDCError("logout token with a nonce")
    if not isinstance(claims.get("sid"), str):
        raise OIDCError("logout token without sid")
    return dict(claims)


def end_session_url(id_token: str | None, post_logout_redirect_uri: str) -> str | None:
    """RP-initiated logout at the provider (None when it offers none)."""
    try:
        endpoint = metadata().get("end_session_endpoint")
    except OIDCError:
        return None
    if not endpoint:
        return None
    from urllib.parse import urlencode
    params = {"post_logout_redirect_uri": post_logout_redirect_uri, "client_id": _cfg("client_id")}
    if id_token:
        params["id_token_hint"] = id_token
    return endpoint + ("&" if "?" in endpoint else "?") + urlencode(params)
