"""Who may do what with the Open Data List, decided here only. Deny by
default; sysadmins pass every auth function before it is called.

* Managers (sysadmins and the admins of the managing unit,
  ``ckanext.molisa.odl.managing_unit``: the IT Centre) write drafts,
  approve versions and run the sweep.
* A unit's admins link their own unit's entries to their own datasets.
* The approved list (the version in force and the superseded ones) is public:
  it is an open-data commitment; drafts are read by managers only.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import units
from ckanext.molisa.model.odl import DRAFT, Entry, Version


def _user(context) -> Optional[model.User]:
    """The calling user; None for a visitor (whose ``auth_user_obj`` is
    flask-login's anonymous user, not a ``model.User``)."""
    user = context.get("auth_user_obj")
    if isinstance(user, model.User):
        return user
    name = context.get("user")
    return model.User.get(name) if isinstance(name, str) and name else None


def is_manager(context) -> bool:
    user = _user(context)
    if user is None:
        return False
    if user.sysadmin:
        return True
    unit = (tk.config.get("ckanext.molisa.odl.managing_unit") or "").strip()
    if not unit:
        return False
    group = model.Group.get(unit)
    return group is not None and group.id in units.units_administered(user)


def _manage(context, data_dict):
    if is_manager(context):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only the IT Centre and system administrators manage the Open Data List.")}


molisa_odl_version_create = _manage
molisa_odl_version_update = _manage
molisa_odl_version_approve = _manage
molisa_odl_entry_create = _manage
molisa_odl_entry_update = _manage
molisa_odl_entry_delete = _manage
molisa_odl_draft_read = _manage


def molisa_odl_sweep(context, data_dict):
    return {"success": False, "msg": tk._("Only system administrators run the sweep.")}


def _version_of(data_dict: dict[str, Any], key: str = "id") -> Optional[Version]:
    value = data_dict.get(key) if isinstance(data_dict, dict) else None
    return Version.get(value) if isinstance(value, str) else None


def _readable(context, version: Optional[Version]):
    """The approved list is public; a draft only for managers."""
    if version is None or version.state != DRAFT or is_manager(context):
        return {"success": True}
    return {"success": False, "msg": tk._("Drafts of the Open Data List are not public.")}


@tk.auth_allow_anonymous_access
def molisa_odl_version_list(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def molisa_odl_version_show(context, data_dict):
    return _readable(context, _version_of(data_dict))


@tk.auth_allow_anonymous_access
def molisa_odl_entry_list(context, data_dict):
    return _readable(context, _version_of(data_dict, "version_id"))


@tk.auth_allow_anonymous_access
def molisa_odl_entry_show(context, data_dict):
    value = data_dict.get("id") if isinstance(data_dict, dict) else None
    entry = Entry.get(value) if isinstance(value, str) else None
    return _readable(context, Version.get(entry.version_id) if entry else None)


@tk.auth_allow_anonymous_access
def molisa_odl_status_summary(context, data_dict):
    return {"success": True}


def molisa_odl_entry_link(context, data_dict):
    """Managers, and the admins of the entry's unit."""
    if is_manager(context):
        return {"success": True}
    value = data_dict.get("id") if isinstance(data_dict, dict) else None
    entry = Entry.get(value) if isinstance(value, str) else None
    if entry is not None and entry.owner_org in units.units_administered(_user(context)):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only the unit's admins can link its entries to its datasets.")}


def get_auth_functions() -> dict[str, Any]:
    return {name: fn for name, fn in globals().items()
            if name.startswith("molisa_odl_") and callable(fn)}
