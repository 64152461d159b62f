"""Who may read the audit log. One decision: ``molisa_audit_scope``.

Sysadmins see every event. A unit's admins see the events that touch their
unit's data. Everyone else sees nothing. Nobody, through any action, view or
command, may change or delete an event.
"""
from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import units

__all__ = [
    "molisa_audit_event_create",
    "molisa_audit_event_list",
    "molisa_audit_stats",
    "molisa_audit_incident_list",
    "molisa_audit_live",
    "molisa_audit_verify",
    "molisa_audit_archive",
]

ALL = None


def molisa_audit_scope(context: dict[str, Any]) -> list[str] | None | bool:
    """``None``: every event (sysadmin); a list: the events of these units
    (ids of the organizations the user administers); ``False``: nothing."""
    user = context.get("user")
    if context.get("ignore_auth") or (user and authz.is_sysadmin(user)):
        return ALL
    user_obj = model.User.get(user) if user else None
    if not user_obj:
        return False
    orgs = units.units_administered(user_obj)
    return orgs or False


def _readers(context, data_dict):
    if molisa_audit_scope(context) is False:
        return {"success": False,
                "msg": tk._("Only system administrators and the units' administrators "
                            "can read the audit log.")}
    return {"success": True}


@tk.auth_sysadmins_check
def molisa_audit_event_create(context, data_dict):
    """Only code writes events (with ignore_auth); never an HTTP caller."""
    return {"success": False, "msg": tk._("Audit events are written by the portal itself.")}


def molisa_audit_event_list(context, data_dict):
    return _readers(context, data_dict)


def molisa_audit_stats(context, data_dict):
    return _readers(context, data_dict)


def molisa_audit_incident_list(context, data_dict):
    return _readers(context, data_dict)


def molisa_audit_live(context, data_dict):
    return _readers(context, data_dict)


def molisa_audit_verify(context, data_dict):
    return {"success": False, "msg": tk._("Only system administrators can verify the log.")}


def molisa_audit_archive(context, data_dict):
    return {"success": False, "msg": tk._("Only system administrators can archive the log.")}


def get_auth_functions() -> dict[str, Any]:
    """The auth functions of this plugin, by name (``tk.blanket.auth_functions``)."""
    return {name: globals()[name] for name in __all__}
