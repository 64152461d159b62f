"""The identity events, written through the audit client (the action
``molisa_audit_event_create``, channel ``auth``). Never a secret: no code,
token, password, secret or personal identification number is passed."""
from __future__ import annotations

import logging
from typing import Any

from flask import g, has_request_context, request

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)


def record(action: str, *, actor: str | None = None, status: int = 200,
           error_class: str | None = None, organizations: list[str] | None = None,
           **extra: Any) -> None:
    data: dict[str, Any] = {"channel": "auth", "action": action, "status": status,
                            "extra": {k: v for k, v in extra.items() if v is not None}}
    if actor:
        data["actor"] = actor[:100]
    if error_class:
        data["error_class"] = error_class
    if organizations:
        data["organizations"] = [o for o in organizations if o]
    if has_request_context():
        data["client_addr"] = request.remote_addr
    try:
        tk.get_action("molisa_audit_event_create")({"ignore_auth": True}, data)
    except KeyError:  # the audit plugin is not loaded
        log.warning("identity event %s not audited: molisa_audit is not loaded", action)


def enrich(event: dict[str, Any]) -> dict[str, Any]:
    """IMolisaAudit: the audit plugin's own log-in and log-out events (from
    CKAN's signals) get the method, the e-ID's ``acr`` and whether a second
    factor was given."""
    try:
        if event.get("channel") != "auth" or event.get("action") not in ("login", "logout") \
                or not has_request_context():
            return event
        key = "molisa_identity_login_info" if event["action"] == "login" \
            else "molisa_identity_logout_info"
        info = getattr(g, key, None) or ({"method": "password", "second_factor": False}
                                         if event["action"] == "login" else None)
        if info:
            event["extra"] = dict(event.get("extra") or {}, **info)
    except Exception:  # must not raise
        log.exception("could not enrich an audit event")
    return event
