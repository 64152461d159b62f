"""Who may do what with the quality checks, decided here only. Deny by
default; sysadmins pass every auth function before it is called.

* A dataset's quality results are visible to whoever may see the dataset:
  ``package_show``'s auth (with the portal's visibility rules), never more.
  What a result holds beyond the dataset page (a table's cell values) is
  left out by the action for those who may not update the dataset, unless
  the dataset is open.
* A unit's quality page lists what its reader may see of the unit's
  datasets (the action searches as the reader).
* The sweep: sysadmins only.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def molisa_quality_sweep(context, data_dict):
    return {"success": False, "msg": tk._("Only system administrators run the quality sweep.")}


@tk.auth_allow_anonymous_access
def molisa_quality_show(context, data_dict):
    """As ``package_show`` of the dataset. A missing or unknown id is left to
    the action (a validation error, not found)."""
    value = data_dict.get("id") if isinstance(data_dict, dict) else None
    if not isinstance(value, str) or not value.strip():
        return {"success": True}
    from ckan import model
    if model.Package.get(value.strip()) is None:
        return {"success": True}
    try:
        tk.check_access("package_show", dict(context), {"id": value.strip()})
    except tk.NotAuthorized:
        return {"success": False,
                "msg": tk._("You may not see the quality of this dataset.")}
    return {"success": True}


@tk.auth_allow_anonymous_access
def molisa_quality_list(context, data_dict):
    """Anyone: the action lists only the datasets its caller may see."""
    return {"success": True}


def may_see_cells(context, package: dict[str, Any]) -> bool:
    """Whether the caller may read a table's cell values in the results:
    the dataset is open, or the caller may update it."""
    from ckanext.molisa import access_levels
    if package.get("access_level") == access_levels.OPEN and not package.get("private"):
        return True
    try:
        tk.check_access("package_update", dict(context), {"id": package["id"]})
    except tk.NotAuthorized:
        return False
    return True


def get_auth_functions() -> dict[str, Any]:
    return {name: fn for name, fn in globals().items()
            if name.startswith("molisa_quality_") and callable(fn)}
