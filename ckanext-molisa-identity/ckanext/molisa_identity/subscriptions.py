"""Role changes and deactivations, logged through the audit client (R20.2):
they take effect on the next request by themselves (CKAN reads memberships
and the account's state on every request)."""
from __future__ import annotations

from flask import has_request_context

from . import events

_WATCHED = {
    "organization_member_create": "role_change",
    "member_create": "role_change",
    "organization_member_delete": "role_removed",
    "member_delete": "role_removed",
    "user_delete": "account_deactivated",
}


def on_action_succeeded(action_name: str, context=None, data_dict=None, result=None, **kw):
    kind = _WATCHED.get(action_name)
    # what people do through the portal (web or API); set-up code and the
    # suites' factories, outside any request, are not role changes of officials
    if kind is None or not has_request_context():
        return
    data = data_dict if isinstance(data_dict, dict) else {}
    if action_name.startswith("member_") and data.get("object_type") != "user":
        return
    org = data.get("id") if isinstance(data.get("id"), str) else None
    subject = data.get("username") or data.get("user_id") or data.get("object") or (
        data.get("id") if action_name == "user_delete" else None)
    events.record(kind, actor=(context or {}).get("user") or None,
                  organizations=[org] if org and action_name != "user_delete" else None,
                  subject=subject if isinstance(subject, str) else None,
                  capacity=data.get("role") or data.get("capacity"))
