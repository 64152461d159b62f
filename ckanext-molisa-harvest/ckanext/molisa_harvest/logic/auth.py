"""Who may see a harvest source's health and run it now: the members of the
unit that owns the source (health) and its admins and editors (run now), and
the sysadmins. Denied by default, never anonymous."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz, model


def _owner_org(data_dict: dict[str, Any]) -> str | None:
    package = model.Package.get(data_dict.get("id") or "")
    if package is None or package.type != "harvest":
        raise tk.ObjectNotFound(tk._("Harvest source not found"))
    return package.owner_org


def _allowed(context, data_dict, permission: str) -> bool:
    user = context.get("user")
    if not user:
        return False
    owner_org = _owner_org(data_dict)
    if authz.is_sysadmin(user):
        return True
    return bool(owner_org) and authz.has_user_permission_for_group_or_org(
        owner_org, user, permission)


def molisa_harvest_source_health(context, data_dict):
    if _allowed(context, data_dict, "read"):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only the members of the unit that owns this harvest source may see "
                        "its runs")}


def molisa_harvest_source_run_now(context, data_dict):
    if _allowed(context, data_dict, "update_dataset"):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only the admins and editors of the unit that owns this harvest "
                        "source may run it")}


def get_auth_functions() -> dict:
    return {"molisa_harvest_source_health": molisa_harvest_source_health,
            "molisa_harvest_source_run_now": molisa_harvest_source_run_now}
