"""The identity events, written through the kernel's audit client
(:func:`ckanext.molisa.audit.record`, channel ``auth``). Never a secret: no
code, token, password, secret or personal identification number is passed."""
from __future__ import annotations

import logging
from typing import Any

from flask import g, has_request_context, request

from ckanext.molisa import audit

log = logging.getLogger(__name__)


def record(action: str, *, actor: str | None = None, status: int = 200,
           error_class: str | None = None, organizations: list[str] | None = None,
           **extra: Any) -> None:
    audit.record("auth", action, actor=actor[:100] if actor else None, status=status,
                 error_class=error_class, organizations=organizations or (),
                 client_addr=request.remote_addr if has_request_context() else None,
                 extra={k: v for k, v in extra.items() if v is not None})


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
