"""The identity events, written through the audit client (the action
``molisa_audit_event_create``, channel ``auth``). Never a secret: no code,
token, password, secret or personal identification number is passed."""
from __future__ import annotations

import logging
from typing import Any

from flask import has_request_context, request

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
