"""Template helpers of ckanext-molisa-sharing."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan.common import current_user

from ckanext.molisa import access_levels, units
from ckanext.molisa.contexts import request_context
from ckanext.molisa_sharing import access, labels
from ckanext.molisa_sharing.model.dictization import sharing_fee


def molisa_sharing_data_access(pkg_dict: dict, resource_id: Optional[str] = None) -> bool:
    """Whether the current user may get the data (not only the metadata)."""
    return access.decide(request_context(), pkg_dict, resource_id).allowed


def molisa_sharing_denial(pkg_dict: dict, resource_id: Optional[str] = None) -> str:
    """Why the current user may not get the data ('' if they may)."""
    decision = access.decide(request_context(), pkg_dict, resource_id)
    return "" if decision.allowed else decision.msg


def molisa_sharing_can_request(pkg_dict: dict) -> bool:
    """A 'Request access' button belongs on this dataset."""
    pkg = access.as_pkg(pkg_dict)
    return pkg is not None and pkg.level in access_levels.SHAREABLE and not access.decide(
        request_context(), pkg_dict).allowed


def molisa_sharing_is_reviewer(org_id: Optional[str] = None) -> bool:
    """The current user reviews requests (of that unit, or of any unit)."""
    if not current_user.is_authenticated:
        return False
    if current_user.sysadmin:
        return True
    orgs = units.units_administered(current_user)
    return org_id in orgs if org_id else bool(orgs)


def molisa_sharing_state_label(state: str) -> str:
    """The label of a request's or a grant's state."""
    return labels.state_label(state)


def molisa_sharing_requester_type_label(value: str) -> str:
    labels = {"state_agency": tk._("State agency"), "organization": tk._("Organisation"),
              "individual": tk._("Individual")}
    return labels.get(value, value)


def molisa_sharing_fee(pkg_dict: dict) -> int:
    """A dataset's sharing fee in VND (0: free)."""
    return sharing_fee(pkg_dict.get("sharing_fee"))


def molisa_sharing_money(amount: Any) -> str:
    """An amount in VND, grouped as the user's language writes numbers."""
    try:
        value = int(amount or 0)
    except (TypeError, ValueError):
        value = 0
    from ckan.lib.formatters import localised_number
    return tk._("{amount} VND").format(amount=localised_number(value))


def molisa_sharing_field_label(name: str) -> str:
    """The label of a form field (for error summaries)."""
    labels = {
        "kind": tk._("Kind of request"), "datasets": tk._("Datasets"),
        "resources": tk._("Resources"), "fields": tk._("Fields (columns)"),
        "requester_type": tk._("Applicant type"),
        "requester_organization": tk._("Requesting organisation or person"),
        "user_name": tk._("Person who will use the data"),
        "user_position": tk._("Position held"), "user_email": tk._("E-mail"),
        "user_phone": tk._("Phone"), "purpose": tk._("Purpose"), "scope": tk._("Scope"),
        "content": tk._("Content"), "period_start": tk._("Period of use from"),
        "period_end": tk._("Period of use until"), "legal_basis": tk._("Legal basis"),
        "system_connection": tk._("An outside system will connect"),
        "security_level": tk._("Information-security level"),
        "attachments": tk._("Technical documents"), "reason": tk._("Reason"),
        "state": tk._("State"), "id": tk._("Record"),
        "rate_limit_per_minute": tk._("Requests per minute"),
        "quota_per_day": tk._("Requests per day"), "allowed_ips": tk._("Allowed addresses"),
        "fee_exempt": tk._("Fee waived"), "conditions": tk._("Conditions of use"),
        "question": tk._("Question"), "due_date": tk._("Due date"), "answer": tk._("Answer"),
        "name": tk._("Name"), "owner_org": tk._("Unit"),
        "target": tk._("Unit or database that needs the data"),
        "source_system": tk._("Outside system"), "schedule": tk._("Time of connection"),
        "frequency": tk._("Frequency of connection"), "details": tk._("Other details"),
        "contact_name": tk._("Contact person"), "contact_position": tk._("Contact's position"),
        "contact_email": tk._("Contact's e-mail"), "contact_phone": tk._("Contact's phone"),
        "source_url": tk._("Source address (URL)"), "source_type": tk._("Source type"),
        "harvest_source_id": tk._("Harvest source"),
    }
    return labels.get(name, name)


def molisa_sharing_user_display(user_id: Optional[str]) -> str:
    """A user's display name, from their id (the history keeps ids)."""
    if not user_id:
        return tk._("the system")
    from ckan import model
    user = model.User.get(user_id)
    return user.display_name if user is not None else user_id[:8]


def molisa_sharing_dataset_url(ref: str) -> str:
    """The page of a dataset, under its type's address."""
    from ckan import model
    pkg = model.Package.get(ref)
    if pkg is None:
        return ""
    try:
        return tk.h.url_for(f"{pkg.type or 'dataset'}.read", id=pkg.name)
    except Exception:
        return tk.h.url_for("dataset.read", id=pkg.name)


def molisa_sharing_dataset_title(dataset: dict) -> str:
    """A dataset's title in the user's language."""
    if tk.h.lang() == "en" and dataset.get("title_en"):
        return dataset["title_en"]
    return dataset.get("title") or dataset.get("name") or ""


def molisa_sharing_requester_types() -> list[dict[str, str]]:
    return [{"value": value, "text": molisa_sharing_requester_type_label(value)}
            for value in ("organization", "state_agency", "individual")]


def molisa_sharing_security_levels() -> list[dict[str, str]]:
    options = [{"value": "", "text": tk._("(no outside system connects)")}]
    options += [{"value": str(n), "text": tk._("Level {n}").format(n=n)} for n in range(1, 6)]
    return options


def molisa_sharing_source_types() -> list[dict[str, str]]:
    return [{"value": "", "text": tk._("(not known yet)")},
            {"value": "molisa_ckan", "text": tk._("CKAN portal")},
            {"value": "molisa_dcat", "text": tk._("DCAT RDF catalogue")},
            {"value": "molisa_sector_db", "text": tk._("MOLISA sector database")}]


def molisa_sharing_state_class(state: str) -> str:
    """Bootstrap colour of a state's badge."""
    return {"draft": "secondary", "submitted": "info", "changes_requested": "warning",
            "approved": "success", "rejected": "danger", "active": "success",
            "suspended": "warning", "terminated": "danger", "expired": "secondary",
            "not_started": "secondary"}.get(state, "secondary")


def molisa_sharing_kind_label(kind: str) -> str:
    return {"special": tk._("Special request"),
            "service": tk._("Default-sharing service connection")}.get(kind, kind)


def molisa_sharing_access_level_label(level: str) -> str:
    """An access level's label from the code list, in the user's language."""
    return access_levels.label(level) if level else ""


__all__ = [name for name in dir() if name.startswith("molisa_sharing_")]
