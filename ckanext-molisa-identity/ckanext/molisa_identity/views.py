"""The identity pages: log in with the national e-ID (VNeID) and its
callback, the back-channel logout endpoint, the user's security page, the
authenticator enrolment and the code page, a unit's invitations. Thin: the
protocol is oidc.py, the rules are actions and guard.py."""
from __future__ import annotations

import json
import logging

from flask import Blueprint, g, jsonify, request, session

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import helpers as h
from ckan.lib.redis import connect_to_redis

from ckanext.molisa.contexts import request_context

from . import accounts, crypto, events, guard, oidc, sessions

log = logging.getLogger(__name__)

molisa_identity = Blueprint("molisa_identity", __name__)

STATE_PREFIX = "molisa_identity:oidc-state:"
STATE_TTL = 600
BROWSER_KEY = "molisa_identity_browser"


def _local_next(value) -> str | None:
    return value if isinstance(value, str) and value.startswith("/") and \
        not value.startswith("//") and h.url_is_local(value) and len(value) < 500 else None


def _require_login():
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", next=request.full_path)
    return None


# --- e-ID log-in --------------------------------------------------------------------------
@molisa_identity.route("/identity/oidc/login")
def oidc_login():
    """To the provider: authorization code with PKCE, state and nonce;
    ``level=2`` asks for the second factor (step-up)."""
    if not oidc.enabled():
        return tk.abort(404, tk._("Log-in with the national e-ID is not configured."))
    level = request.args.get("level", "1")
    if level not in ("1", "2"):
        return tk.abort(400, tk._("Unknown log-in level."))
    redirect_uri = h.url_for("molisa_identity.oidc_callback", _external=True, locale="default")
    try:
        url, pending = oidc.authorization_request(redirect_uri, level == "2", h.lang() or "vi")
    except oidc.OIDCError as e:
        log.warning("e-ID log-in unavailable: %s", e.reason)
        return tk.abort(503, tk._("The national e-ID cannot be reached. Please try again later."))
    browser = session.get(BROWSER_KEY)
    if not isinstance(browser, str):
        browser = session[BROWSER_KEY] = crypto.random_token(16)
    pending.update(browser=browser, next=_local_next(request.args.get("next")))
    # kept server-side and taken once (GETDEL): a replayed state finds nothing
    connect_to_redis().set(STATE_PREFIX + pending.pop("state"), json.dumps(pending), ex=STATE_TTL)
    return tk.redirect_to(url)


def _refused(reason: str, status: int = 400):
    events.record("login_failed", status=status, error_class="VNeIDRefused", method="vneid",
                  reason=reason[:200])
    log.info("e-ID log-in refused: %s", reason)
    return tk.render("molisa_identity/login_failed.html", {}), status


@molisa_identity.route("/identity/oidc/callback")
def oidc_callback():
    if not oidc.enabled():
        return tk.abort(404, tk._("Log-in with the national e-ID is not configured."))
    state, code = request.args.get("state"), request.args.get("code")
    if not isinstance(state, str) or not 20 <= len(state) <= 200 or not state.isascii():
        return _refused("missing or malformed state")
    raw = connect_to_redis().getdel(STATE_PREFIX + state)   # each state once
    if raw is None:
        return _refused("unknown or replayed state")
    pending = json.loads(raw)
    if pending.get("browser") != session.get(BROWSER_KEY):
        return _refused("state of another browser")
    if request.args.get("error"):
        return _refused("provider error: " + str(request.args.get("error"))[:50])
    if not isinstance(code, str) or not code or len(code) > 2000:
        return _refused("missing code")
    try:
        result = oidc.exchange(code, pending)
        claims = result["claims"]
        user, created = accounts.user_for_claims(claims)
    except oidc.OIDCError as e:
        return _refused(e.reason)
    except ValueError as e:
        return _refused(str(e))
    if user.state != "active":
        return _refused("account not active", 403)
    if accounts.is_connection_account(user):
        return _refused("connection account", 403)
    pid = claims.get(tk.config.get("ckanext.molisa_identity.oidc.pid_claim"))
    accounts.bind_invitations(user, pid)
    second_factor = oidc.second_factor(claims)
    # a new session: nothing of the one before carries over
    sessions.regenerate()
    g.molisa_identity_oidc_login = True
    g.molisa_identity_login_info = {"method": "vneid", "acr": str(claims.get("acr")),
                                    "second_factor": second_factor, "account_created": created}
    tk.login_user(user)   # CKAN's signal: the audit log's "login" event (events.enrich)
    from ckan.views.user import rotate_token
    rotate_token()
    sessions.start(user.id, "vneid", acr=str(claims.get("acr")), second_factor=second_factor,
                   oidc_sid=claims.get("sid") if isinstance(claims.get("sid"), str) else None,
                   id_token=result["id_token"])
    target = _local_next(pending.get("next"))
    if target:
        return tk.redirect_to(target)
    return tk.redirect_to("molisa_identity.security")


@molisa_identity.route("/identity/oidc/backchannel-logout", methods=["POST"])
def backchannel_logout():
    """OpenID Connect Back-Channel Logout: the provider ends a session."""
    token = request.form.get("logout_token")
    headers = {"Cache-Control": "no-store"}
    if not oidc.enabled() or not isinstance(token, str) or len(token) > 20000:
        return jsonify({"error": "invalid_request"}), 400, headers
    try:
        claims = oidc.validate_logout_token(token)
    except oidc.OIDCError as e:
        events.record("backchannel_logout_refused", status=400, error_class="LogoutTokenRefused",
                      reason=e.reason[:200])
        return jsonify({"error": "invalid_request"}), 400, headers
    ended = sessions.end_provider_session(claims["sid"])
    events.record("backchannel_logout", sessions_ended=ended)
    return "", 200, headers


# --- the user's security page, enrolment, codes -------------------------------------------
@molisa_identity.route("/identity/security")
def security():
    if (r := _require_login()) is not None:
        return r
    status = tk.get_action("molisa_identity_status_show")(request_context(), {})
    units = tk.get_action("organization_list_for_user")(
        request_context(), {"id": tk.current_user.id, "permission": "membership"})
    return tk.render("molisa_identity/security.html",
                     {"status": status, "required": guard.second_factor_required(),
                      "oidc_enabled": oidc.enabled(), "units": units})


@molisa_identity.route("/identity/totp/enrol", methods=["GET", "POST"])
def enrol():
    if (r := _require_login()) is not None:
        return r
    context = request_context()
    status = tk.get_action("molisa_identity_status_show")(context, {})
    if status["totp_enrolled"]:
        return tk.redirect_to("molisa_identity.security")
    errors: dict = {}
    if request.method == "POST":
        try:
            result = tk.get_action("molisa_identity_totp_enrol_confirm")(
                context, {"code": request.form.get("code", "")})
        except tk.ValidationError as e:
            errors = e.error_dict
        else:
            sessions.update(mfa=True)
            sessions.rotate_sid()
            return tk.render("molisa_identity/recovery_codes.html",
                             {"codes": result["recovery_codes"]})
    begun = tk.get_action("molisa_identity_totp_enrol_begin")(context, {})
    return tk.render("molisa_identity/enrol.html",
                     {"qr_svg": begun["qr_svg"], "errors": errors}), (400 if errors else 200)


@molisa_identity.route("/identity/code", methods=["GET", "POST"])
def code():
    """The second factor of a password log-in (or a later step-up)."""
    if (r := _require_login()) is not None:
        return r
    context = request_context()
    nxt = _local_next(request.values.get("next"))
    status = tk.get_action("molisa_identity_status_show")(context, {})
    errors: dict = {}
    if request.method == "POST":
        try:
            result = tk.get_action("molisa_identity_second_factor_verify")(
                context, {"code": request.form.get("code", "")})
        except tk.ValidationError as e:
            errors = e.error_dict
        else:
            sessions.update(mfa=True)
            sessions.rotate_sid()
            events.record("step_up", actor=tk.current_user.name, method=result["method"])
            return tk.redirect_to(nxt) if nxt else tk.redirect_to("molisa_identity.security")
    return tk.render("molisa_identity/code.html",
                     {"status": status, "errors": errors, "next": nxt,
                      "oidc_enabled": oidc.enabled()}), (400 if errors else 200)


# --- a unit's invitations -------------------------------------------------------------------
@molisa_identity.route("/identity/unit/<id>/invitations", methods=["GET", "POST"])
def invitations(id: str):
    if (r := _require_login()) is not None:
        return r
    context = request_context()
    org = model.Group.get(id) if isinstance(id, str) and len(id) < 200 else None
    if org is None or not org.is_organization or org.state != "active":
        return tk.abort(404, tk._("Unit not found"))
    errors, form = {}, {}
    status = 200
    if request.method == "POST":
        form = {"pid": request.form.get("pid", ""), "role": request.form.get("role", ""),
                "label": request.form.get("label", ""), "organization": org.id}
        try:
            if request.form.get("revoke"):
                tk.get_action("molisa_identity_invitation_revoke")(
                    context, {"id": request.form.get("revoke")})
            else:
                tk.get_action("molisa_identity_invitation_create")(context, form)
        except tk.NotAuthorized:
            return tk.abort(403, tk._("Only the IT Centre and the unit's admins manage its "
                                      "officials."))
        except tk.ObjectNotFound:
            return tk.abort(404, tk._("Invitation not found"))
        except tk.ValidationError as e:
            errors, status = e.error_dict, 400
        else:
            h.flash_success(tk._("Saved."))
            return tk.redirect_to("molisa_identity.invitations", id=org.name)
        form.pop("pid", None)   # never sent back to the page
    try:
        rows = tk.get_action("molisa_identity_invitation_list")(context, {"organization": org.id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the IT Centre and the unit's admins manage its officials."))
    return tk.render("molisa_identity/invitations.html",
                     {"organization": org, "invitations": rows, "errors": errors,
                      "form_values": form}), status


__all__ = ["molisa_identity"]
