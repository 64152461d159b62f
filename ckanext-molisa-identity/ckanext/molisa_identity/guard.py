"""What happens on every request and at every log-in, through CKAN's
IAuthenticator hooks (2.10+), its log-in signals and one before-request hook:

- a session whose server-side record is gone (log-out, back-channel logout,
  idle timeout) is anonymous; so is any session of a state agency's
  connection account (they work through API tokens only);
- an official's session ends after the idle timeout;
- the read-only rule: while ``second_factor_required`` is on, a session of
  someone who can edit or administer data (unit editors and admins,
  sysadmins) that has no second factor may only read (GET, HEAD, OPTIONS and
  the Action API's side-effect-free actions) until it steps up; API-token
  requests are not sessions (tokens are created only with a second factor);
- throttling of failed password log-ins per account and per client address.
"""
from __future__ import annotations

import time
from typing import Any

from flask import g, has_request_context, request

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import helpers as h

from . import accounts, events, oidc, sessions, throttle, totp

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
#: views that a read-only session may post to: leaving, and what reads
READ_ONLY_ALLOWED = ("user.logout", "datatables.ajax")


def second_factor_required() -> bool:
    return bool(tk.config.get("ckanext.molisa_identity.second_factor_required"))


def _idle_seconds() -> int:
    return max(1, tk.config.get("ckanext.molisa_identity.idle_timeout_minutes")) * 60


def has_second_factor() -> bool:
    state = sessions.current()
    return bool(state and state.get("mfa"))


# --- IAuthenticator.identify_user -------------------------------------------------
def identify_user(user_id: str | None):
    if not user_id:
        return None
    user = model.User.get(user_id)
    if user is None:
        return None
    if accounts.is_connection_account(user):
        sessions.end()
        return model.AnonymousUser()
    state = sessions.current()
    if state is None:
        return None
    if state.get("user_id") != user.id or sessions.record(state) is None:
        sessions.end(state)
        g.molisa_identity_ended = "revoked"
        return model.AnonymousUser()
    now = int(time.time())
    if now - int(state.get("seen") or 0) > _idle_seconds() and accounts.can_edit(user):
        sessions.end(state)
        events.record("session_idle_timeout", actor=user.name, status=401)
        g.molisa_identity_ended = "idle"
        return model.AnonymousUser()
    if now - int(state.get("seen") or 0) > 30:
        sessions.update(seen=now)
    return None


# --- IAuthenticator.login / logout ---------------------------------------------------
def login():
    """Before CKAN's password log-in: refuse a locked account or address
    (with a clear message), and connection accounts."""
    if request.method != "POST":
        return None
    login_name = request.form.get("login") or ""
    if throttle.locked("login", login_name, request.remote_addr):
        events.record("login_refused_locked", actor=login_name, status=429,
                      error_class="LockedOut")
        h.flash_error(locked_message())
        return tk.render("user/login.html", {}), 429
    user = model.User.get(login_name) if login_name else None
    if user is not None and accounts.is_connection_account(user):
        events.record("login_refused_connection_account", actor=user.name, status=403,
                      error_class="ConnectionAccount")
        h.flash_error(tk._("A connection account of a state agency cannot log in here; "
                           "it connects with its API token."))
        return tk.render("user/login.html", {}), 403
    return None


def locked_message() -> str:
    minutes = tk.config.get("ckanext.molisa_identity.throttle.window_minutes")
    return tk._("Too many failed attempts. Log-in is locked for {minutes} minutes; "
                "try again later.").format(minutes=minutes)


def logout():
    """Ends the portal's session record; after an e-ID log-in, also the
    provider's session (RP-initiated logout)."""
    state = sessions.current()
    if state is None:
        return None
    rec = sessions.end(state)
    g.molisa_identity_logout_info = {"method": state.get("method")}
    if state.get("method") == "vneid" and oidc.enabled():
        tk.logout_user()
        target = oidc.end_session_url((rec or {}).get("id_token"),
                                      h.url_for("user.logged_out_page", _external=True))
        if target:
            return tk.redirect_to(target)
    return None


# --- signals --------------------------------------------------------------------------
def on_logged_in(sender, user=None, **kw):
    """A password log-in (the e-ID callback starts its own session)."""
    if user is None or not has_request_context() or \
            getattr(g, "molisa_identity_oidc_login", False):
        return
    sessions.start(user.id, "password", second_factor=False)
    throttle.clear_account("login", user.name)
    if totp.enrolled(user.id):
        g.molisa_identity_code_next = True


def on_failed_login(login, **kw):
    if throttle.fail("login", str(login), request.remote_addr if has_request_context() else None):
        events.record("lockout", actor=str(login)[:100], status=429, error_class="LockedOut",
                      kind="login")


# --- before/after request ---------------------------------------------------------------
def before_request():
    if not second_factor_required() or request.method in SAFE_METHODS:
        return None
    if g.get("login_via_auth_header"):
        return None
    user = tk.current_user
    if not user or not user.is_authenticated or has_second_factor():
        return None
    endpoint = request.endpoint or ""
    if endpoint in READ_ONLY_ALLOWED or endpoint.startswith("molisa_identity."):
        return None
    if endpoint == "api.action":
        name = (request.view_args or {}).get("logic_function") or ""
        try:
            if getattr(tk.get_action(name), "side_effect_free", False):
                return None
        except (KeyError, Exception):  # an unknown action: CKAN answers it
            return None
    if not accounts.can_edit(user):
        return None
    message = tk._("This session is read-only: confirm a second factor to make changes.")
    if endpoint.startswith("api."):
        return {"success": False, "help": "",
                "error": {"__type": "Authorization Error", "message": message}}, 403
    h.flash_error(message)
    return tk.render("molisa_identity/read_only.html",
                     {"next": request.referrer if h.url_is_local(request.referrer or "") else ""}), 403


def after_request(response):
    """After a password log-in of someone with an authenticator: the code
    page, then where they were going."""
    if getattr(g, "molisa_identity_code_next", False) and response.status_code in (302, 303):
        target = response.headers.get("Location", "")
        nxt = target if h.url_is_local(target) else ""
        response.headers["Location"] = h.url_for("molisa_identity.code", next=nxt or None)
    return response


def session_info() -> dict[str, Any]:
    state = sessions.current() or {}
    return {"method": state.get("method"), "acr": state.get("acr"),
            "second_factor": bool(state.get("mfa"))}
