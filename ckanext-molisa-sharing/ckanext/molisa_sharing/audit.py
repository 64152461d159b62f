"""What the sharing plugin adds to the audit log: the grant a data request
used, and the connection account that made it."""
from __future__ import annotations

from typing import Any

from flask import g, has_request_context


def remember_token(data: dict[str, Any]) -> None:
    if has_request_context() and isinstance(data, dict) and data.get("jti"):
        g.molisa_sharing_token_jti = data["jti"]


def add_grant(event: dict[str, Any]) -> dict[str, Any]:
    if not has_request_context():
        return event
    grant_id = getattr(g, "molisa_sharing_grant_used", None)
    if grant_id:
        event["extra"] = dict(event.get("extra") or {}, grant_id=grant_id)
        try:
            from ckanext.molisa_sharing.model import Grant
            grant = Grant.get(grant_id)
            if grant is not None and grant.kind == "service" and not event.get(
                    "connection_account"):
                event["connection_account"] = event.get("actor")
        except Exception:  # must not raise
            pass
    return event
