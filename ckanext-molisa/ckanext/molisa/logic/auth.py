"""Auth functions of ckanext-molisa. Deny by default: sysadmins pass every
auth function before it is called, so returning False here means "sysadmins only"."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.molisa.logic import guards, odl_auth, quality_auth, report_auth, wiki_auth


@tk.auth_allow_anonymous_access
def molisa_codelist_list(context, data_dict):
    """The reference code lists are public (R11.1)."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def molisa_codelist_show(context, data_dict):
    return {"success": True}


def molisa_units_seed(context, data_dict):
    return {"success": False, "msg": tk._("Only system administrators can seed the units.")}


def molisa_demo_load(context, data_dict):
    return {"success": False, "msg": tk._("Only system administrators can load the demo data.")}


def get_auth_functions() -> dict[str, Any]:
    functions: dict[str, Any] = {
        "molisa_codelist_list": molisa_codelist_list,
        "molisa_codelist_show": molisa_codelist_show,
        "molisa_units_seed": molisa_units_seed,
        "molisa_demo_load": molisa_demo_load,
    }
    functions.update(odl_auth.get_auth_functions())
    functions.update(quality_auth.get_auth_functions())
    functions.update(report_auth.get_auth_functions())
    functions.update(wiki_auth.get_auth_functions())
    functions.update(guards.auth_functions())
    return functions
