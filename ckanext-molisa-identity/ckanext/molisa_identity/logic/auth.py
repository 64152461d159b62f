"""Auth functions of ckanext-molisa-identity: deny by default."""
from __future__ import annotations

from typing import Any

from flask import has_request_context

import ckan.plugins.toolkit as tk
from ckan import authz, model


def _deny(msg: str) -> dict:
    return {"success": False, "msg": msg}


def _logged_in(context) -> model.User | None:
    return model.User.get(context.get("user") or "") if context.get("user") else None


def _unit_admin(context, data_dict) -> dict:
    """The IT Centre (sysadmins) and the unit's admins."""
    user = _logged_in(context)
    if user is None:
        return _deny(tk._("You must be logged in."))
    org = (data_dict or {}).get("organization")
    if user.sysadmin:
        return {"success": True}
    if isinstance(org, str) and authz.has_user_permission_for_group_or_org(
            org, user.name, "membership"):
        return {"success": True}
    return _deny(tk._("Only the IT Centre and the unit's admins manage its officials."))


def molisa_identity_invitation_create(context, data_dict):
    return _unit_admin(context, data_dict)


def molisa_identity_invitation_list(context, data_dict):
    return _unit_admin(context, data_dict)


def molisa_identity_invitation_revoke(context, data_dict):
    return _unit_admin(context, data_dict)


def _self(context, data_dict):
    if _logged_in(context) is None:
        return _deny(tk._("You must be logged in."))
    return {"success": True}


def molisa_identity_status_show(context, data_dict):
    return _self(context, data_dict)


def molisa_identity_totp_enrol_begin(context, data_dict):
    return _self(context, data_dict)


def molisa_identity_totp_enrol_confirm(context, data_dict):
    return _self(context, data_dict)


def molisa_identity_second_factor_verify(context, data_dict):
    return _self(context, data_dict)


def molisa_identity_totp_reset(context, data_dict):
    """Sysadmins only (sysadmins pass every auth function)."""
    return _deny(tk._("Only the IT Centre resets a second factor."))


@tk.chained_auth_function
def api_token_create(next_auth, context, data_dict):
    """While the second factor is required, an API token is created only in
    a session that gave one (tokens then work without a session)."""
    from .. import guard
    if guard.second_factor_required() and has_request_context() and \
            not tk.g.get("login_via_auth_header") and not guard.has_second_factor():
        return _deny(tk._("Creating an API token needs a session with a second factor: "
                          "confirm your code first."))
    return next_auth(context, data_dict)


def get_auth_functions() -> dict[str, Any]:
    functions = {name: fn for name, fn in globals().items()
                 if name.startswith("molisa_identity_") and callable(fn)}
    functions["api_token_create"] = api_token_create
    return functions
