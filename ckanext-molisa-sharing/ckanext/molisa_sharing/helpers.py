"""Template helpers of ckanext-molisa-sharing."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan.common import current_user

from ckanext.molisa_sharing import access


def _context() -> dict[str, Any]:
    return {"user": current_user.name if current_user.is_authenticated else ""}


def molisa_sharing_data_access(pkg_dict: dict, resource_id: Optional[str] = None) -> bool:
    """Whether the current user may get the data (not only the metadata)."""
    return access.decide(_context(), pkg_dict, resource_id).allowed


def molisa_sharing_denial(pkg_dict: dict, resource_id: Optional[str] = None) -> str:
    """Why the current user may not get the data ('' if they may)."""
    decision = access.decide(_context(), pkg_dict, resource_id)
    return "" if decision.allowed else decision.msg


def molisa_sharing_can_request(pkg_dict: dict) -> bool:
    """A 'Request access' button belongs on this dataset."""
    pkg = access.as_pkg(pkg_dict)
    return pkg is not None and pkg.level in access.SHAREABLE and not access.decide(
        _context(), pkg_dict).allowed


def molisa_sharing_is_reviewer(org_id: Optional[str] = None) -> bool:
    """The current user reviews requests (of that unit, or of any unit)."""
    if not current_user.is_authenticated:
        return False
    if current_user.sysadmin:
        return True
    from ckanext.molisa_sharing.logic.action import _admin_orgs
    orgs = _admin_orgs(current_user)
    return org_id in orgs if org_id else bool(orgs)


def molisa_sharing_state_label(state: str) -> str:
    labels = {
        "draft": tk._("Draft"), "submitted": tk._("Submitted"),
        "changes_requested": tk._("Changes requested"), "approved": tk._("Approved"),
        "rejected": tk._("Refused"), "active": tk._("Active"), "suspended": tk._("Suspended"),
        "terminated": tk._("Terminated"), "expired": tk._("Expired"),
        "not_started": tk._("Not started"),
    }
    return labels.get(state, state)


def molisa_sharing_requester_type_label(value: str) -> str:
    labels = {"state_agency": tk._("State agency"), "organization": tk._("Organisation"),
              "individual": tk._("Individual")}
    return labels.get(value, value)


def molisa_sharing_fee(pkg_dict: dict) -> int:
    try:
        return max(int(pkg_dict.get("sharing_fee") or 0), 0)
    except (TypeError, ValueError):
        return 0


__all__ = [name for name in dir() if name.startswith("molisa_sharing_")]
