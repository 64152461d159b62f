"""Auth functions of the sharing actions: who may do each step. Deny by
default. Whether someone may get a dataset's *data* is decided in one place,
``access.decide``, exposed here as ``molisa_sharing_data_access``.

Deciding on a request is checked for sysadmins too
(``auth_sysadmins_check``): nobody decides on their own request.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa_sharing import access
from ckanext.molisa_sharing.logic import chained
from ckanext.molisa_sharing.model import Grant, Inbound, Request

__all__ = [
    "molisa_sharing_data_access",
    "molisa_sharing_demo_load",
    "molisa_sharing_grant_list",
    "molisa_sharing_grant_reinstate",
    "molisa_sharing_grant_request_usage_report",
    "molisa_sharing_grant_show",
    "molisa_sharing_grant_submit_usage_report",
    "molisa_sharing_grant_suspend",
    "molisa_sharing_grant_terminate",
    "molisa_sharing_grant_token_create",
    "molisa_sharing_inbound_approve",
    "molisa_sharing_inbound_create",
    "molisa_sharing_inbound_list",
    "molisa_sharing_inbound_reject",
    "molisa_sharing_inbound_show",
    "molisa_sharing_register",
    "molisa_sharing_request_approve",
    "molisa_sharing_request_create",
    "molisa_sharing_request_list",
    "molisa_sharing_request_reject",
    "molisa_sharing_request_request_changes",
    "molisa_sharing_request_show",
    "molisa_sharing_request_submit",
    "molisa_sharing_request_update",
    "molisa_sharing_service_list",
    "molisa_sharing_sweep",
]


def _ok() -> dict[str, Any]:
    return {"success": True}


def _no(msg: str) -> dict[str, Any]:
    return {"success": False, "msg": msg}


def _user(context) -> Optional[model.User]:
    return access.user_of(context)


def is_unit_admin(user: Optional[model.User], org_id: Optional[str]) -> bool:
    if user is None or not org_id:
        return False
    return authz.users_role_for_group_or_org(org_id, user.name) == "admin"


def is_unit_member(user: Optional[model.User], org_id: Optional[str]) -> bool:
    if user is None or not org_id:
        return False
    return authz.users_role_for_group_or_org(org_id, user.name) is not None


def is_reviewer(user: Optional[model.User], org_id: Optional[str]) -> bool:
    return user is not None and (user.sysadmin or is_unit_admin(user, org_id))


def _request(data_dict) -> Optional[Request]:
    return Request.get(data_dict.get("id"))


def _grant(data_dict) -> Optional[Grant]:
    return Grant.get(data_dict.get("id"))


# -- data ---------------------------------------------------------------------

@tk.auth_allow_anonymous_access
def molisa_sharing_data_access(context, data_dict):
    """May the user get this resource's data (``resource_id``) or this
    dataset's (``id``)? ``consume``: count it against the grant's limits;
    ``whole_file``: a download."""
    rid = data_dict.get("resource_id")
    pkg = access.package_of_resource(rid) if rid else access.package_by_ref(
        data_dict.get("id") or "")
    if pkg is None:
        return _no(tk._("Resource not found"))
    decision = access.decide(context, pkg, rid, consume=bool(data_dict.get("consume")),
                             whole_file=bool(data_dict.get("whole_file")))
    return _ok() if decision.allowed else _no(decision.msg)


# -- requests -----------------------------------------------------------------

def molisa_sharing_request_create(context, data_dict):
    if _user(context) is None:
        return _no(tk._("Log in to apply for data"))
    return _ok()


def _creator(context, data_dict):
    req = _request(data_dict)
    user = _user(context)
    if req is not None and user is not None and req.creator_id == user.id:
        return _ok()
    return _no(tk._("Only the applicant may change or submit this request"))


@tk.auth_sysadmins_check
def molisa_sharing_request_update(context, data_dict):
    """The applicant's declaration: not even a sysadmin changes it."""
    return _creator(context, data_dict)


@tk.auth_sysadmins_check
def molisa_sharing_request_submit(context, data_dict):
    return _creator(context, data_dict)


@tk.auth_sysadmins_check
def _decide(context, data_dict):
    req = _request(data_dict)
    user = _user(context)
    if req is None or user is None:
        return _no(tk._("Not authorized to decide on this request"))
    if req.creator_id == user.id:
        return _no(tk._("Nobody may decide on their own request"))
    if not is_reviewer(user, req.owner_org):
        return _no(tk._("Only the admins of the unit that owns the data decide on this request"))
    return _ok()


molisa_sharing_request_request_changes = _decide
molisa_sharing_request_approve = _decide
molisa_sharing_request_reject = _decide


def molisa_sharing_request_show(context, data_dict):
    req = _request(data_dict)
    user = _user(context)
    if req is not None and user is not None and (
            req.creator_id == user.id or is_reviewer(user, req.owner_org)):
        return _ok()
    return _no(tk._("Not authorized to see this request"))


def molisa_sharing_request_list(context, data_dict):
    if _user(context) is None:
        return _no(tk._("Log in to see requests"))
    return _ok()


# -- grants -------------------------------------------------------------------

def _grant_party(context, data_dict, *, admins: bool, holders: bool, msg: str):
    grant = _grant(data_dict)
    user = _user(context)
    if grant is None or user is None:
        return _no(msg)
    if admins and is_reviewer(user, grant.owner_org):
        return _ok()
    if holders and user.id in (grant.holder_id, grant.manager_id):
        return _ok()
    return _no(msg)


def molisa_sharing_grant_show(context, data_dict):
    return _grant_party(context, data_dict, admins=True, holders=True,
                        msg=tk._("Not authorized to see this grant"))


def molisa_sharing_grant_list(context, data_dict):
    return molisa_sharing_request_list(context, data_dict)


def _grant_admin(context, data_dict):
    return _grant_party(context, data_dict, admins=True, holders=False,
                        msg=tk._("Only the admins of the unit that owns the data may do this"))


molisa_sharing_grant_suspend = _grant_admin
molisa_sharing_grant_reinstate = _grant_admin
molisa_sharing_grant_terminate = _grant_admin
molisa_sharing_grant_request_usage_report = _grant_admin


def molisa_sharing_grant_submit_usage_report(context, data_dict):
    from ckanext.molisa_sharing.model import UsageReport
    report = UsageReport.get(data_dict.get("id"))
    grant = Grant.get(report.grant_id) if report is not None else _grant(data_dict)
    user = _user(context)
    if grant is not None and user is not None and user.id in (grant.holder_id,
                                                              grant.manager_id):
        return _ok()
    return _no(tk._("Only the grantee answers a usage report"))


def molisa_sharing_grant_token_create(context, data_dict):
    return _grant_party(context, data_dict, admins=False, holders=True,
                        msg=tk._("Only the grantee may issue tokens for this grant"))


@tk.auth_allow_anonymous_access
def molisa_sharing_register(context, data_dict):
    return _ok()


@tk.auth_allow_anonymous_access
def molisa_sharing_service_list(context, data_dict):
    return _ok()


def molisa_sharing_sweep(context, data_dict):
    return _no(tk._("Only sysadmins run the sweep"))


def molisa_sharing_demo_load(context, data_dict):
    return _no(tk._("Only sysadmins load the demo"))


# -- inbound connection requests ------------------------------------------------

def molisa_sharing_inbound_create(context, data_dict):
    user = _user(context)
    org = model.Group.get(data_dict.get("owner_org") or "")
    if user is None or org is None:
        return _no(tk._("Only a unit's editors and admins may ask to receive data"))
    if authz.users_role_for_group_or_org(org.id, user.name) in ("admin", "editor"):
        return _ok()
    return _no(tk._("Only a unit's editors and admins may ask to receive data"))


def molisa_sharing_inbound_approve(context, data_dict):
    return _no(tk._("Only the IT Centre (sysadmins) decides on requests to receive data"))


molisa_sharing_inbound_reject = molisa_sharing_inbound_approve


def molisa_sharing_inbound_show(context, data_dict):
    inbound = Inbound.get(data_dict.get("id"))
    user = _user(context)
    if inbound is not None and (is_unit_member(user, inbound.owner_org)
                                or (user is not None and inbound.creator_id == user.id)):
        return _ok()
    return _no(tk._("Not authorized to see this request"))


def molisa_sharing_inbound_list(context, data_dict):
    return molisa_sharing_request_list(context, data_dict)


def get_auth_functions() -> dict[str, Any]:
    """Every auth function of this plugin by name (``tk.blanket.auth_functions``):
    ``__all__``, and the chained core auth functions."""
    functions = {name: globals()[name] for name in __all__}
    functions.update(chained.auth_functions())
    return functions
