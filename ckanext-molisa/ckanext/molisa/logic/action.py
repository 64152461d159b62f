"""Actions of ckanext-molisa: the reference code lists and the units."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.molisa import codelists
from ckanext.molisa.logic import (chained, guards, odl_action, quality_action, report_action,
                                  wiki_action)
from ckanext.molisa.logic import schema as molisa_schema


#: Organization fields that seeding keeps in line with the annex.
UNIT_FIELDS = ("title", "title_en", "abbreviation", "unit_type", "annex_number")


@tk.side_effect_free
def molisa_codelist_list(context, data_dict):
    """The names of the reference code lists.

    :rtype: list of strings
    """
    tk.check_access("molisa_codelist_list", context, data_dict)
    return list(codelists.NAMES)


@tk.side_effect_free
def molisa_codelist_show(context, data_dict):
    """One reference code list, with Vietnamese and English labels (R11.1).

    :param id: the code list: ``sectors``, ``provinces``, ``access_levels``,
        ``update_frequencies``, ``source_systems``, ``formats``,
        ``unit_types`` or ``units``
    :type id: string
    :rtype: dictionary with ``id`` and ``items``
    """
    tk.check_access("molisa_codelist_show", context, data_dict)
    data, errors = tk.navl_validate(data_dict, molisa_schema.molisa_codelist_show_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    return {"id": data["id"], "items": codelists.items(data["id"])}


def _fresh(context: dict[str, Any]) -> dict[str, Any]:
    """A new context for a nested action call, acting as the same user."""
    return {"user": context.get("user"), "ignore_auth": context.get("ignore_auth", False)}


def _unit_dict(unit: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": unit["name"],
        "title": unit["title_vi"],
        "title_en": unit["title_en"],
        "abbreviation": unit["abbreviation"],
        "unit_type": unit["unit_type"],
        "annex_number": str(unit["number"]),
    }


def molisa_units_seed(context, data_dict):
    """Create the 45 units of the annex of Decision 2327 as organizations.

    Idempotent: a unit that exists with the same fields is left alone; one whose
    fields differ from the annex is brought back in line; nothing is deleted.

    :rtype: dictionary with lists ``created``, ``updated`` and ``unchanged``
    """
    tk.check_access("molisa_units_seed", context, data_dict)
    result: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    for unit in codelists.items("units"):
        wanted = _unit_dict(unit)
        try:
            existing = tk.get_action("organization_show")(
                _fresh(context), {"id": wanted["name"], "include_datasets": False,
                                "include_users": False, "include_extras": True})
        except tk.ObjectNotFound:
            existing = None
        if existing is None:
            tk.get_action("organization_create")(_fresh(context), wanted)
            result["created"].append(wanted["name"])
        elif any(str(existing.get(f) or "") != str(wanted[f]) for f in UNIT_FIELDS) \
                or existing.get("state") != "active":
            tk.get_action("organization_patch")(
                _fresh(context), dict(wanted, id=existing["id"], state="active"))
            result["updated"].append(wanted["name"])
        else:
            result["unchanged"].append(wanted["name"])
    return result


def molisa_demo_load(context, data_dict):
    """Load the demo catalogue: datasets with CSV resources uploaded to the
    file store and loaded into the DataStore. Datasets that exist are skipped.

    :param limit: load only the first ``limit`` datasets (optional)
    :type limit: int
    :param with_datastore: load the rows into the DataStore (default true)
    :type with_datastore: bool
    :rtype: dictionary with lists ``created`` and ``skipped``
    """
    tk.check_access("molisa_demo_load", context, data_dict)
    data, errors = tk.navl_validate(data_dict, molisa_schema.molisa_demo_load_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    from ckanext.molisa.demo import loader
    return loader.load(context, limit=data.get("limit"),
                       with_datastore=data.get("with_datastore", True))


def get_actions() -> dict[str, Any]:
    """The ``molisa_*`` actions and the core actions chained for the visible
    view of datasets (``chained.py``)."""
    actions: dict[str, Any] = {
        "molisa_codelist_list": molisa_codelist_list,
        "molisa_codelist_show": molisa_codelist_show,
        "molisa_units_seed": molisa_units_seed,
        "molisa_demo_load": molisa_demo_load,
    }
    actions.update(odl_action.get_actions())
    actions.update(quality_action.get_actions())
    actions.update(report_action.get_actions())
    actions.update(wiki_action.get_actions())
    actions.update(chained.actions())
    actions.update(guards.actions())
    return actions
