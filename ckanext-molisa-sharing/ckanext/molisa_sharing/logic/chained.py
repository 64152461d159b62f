"""Core actions and auth functions, chained so that every path to a
dataset's data asks :func:`ckanext.molisa_sharing.access.decide`.

- DataStore reads (``datastore_search``, ``datastore_search_sql``, and the
  dump and the data tables view, which call ``datastore_search``): auth.
- Resource views (``resource_view_show``): auth; ``resource_view_list`` lists
  no view to those who may not see the data.
- Resource links in every answer that carries a dataset: the kernel's visible
  view (``ckanext.molisa.visibility``), whose rule for restricted resources
  is :func:`..access.visible_dataset`; ``package_search`` here keeps the id
  that rule needs and drops facets on resource URLs.
- ``internal`` datasets are private (CKAN hides them outside their unit).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.molisa import access_levels
from ckanext.molisa_sharing import access

def _resource_id(data_dict: dict) -> str:
    return data_dict.get("resource_id") or data_dict.get("id") or ""


def _data_auth(context, resource_id: str, *, consume: bool = True):
    pkg = access.package_of_resource(resource_id)
    if pkg is None:
        return None  # not a resource of ours (an alias, a missing id): core decides
    decision = access.decide(context, pkg, resource_id, consume=consume)
    if not decision.allowed:
        return {"success": False, "msg": decision.msg}
    return None


# -- auth --------------------------------------------------------------------

@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def auth_datastore_search(next_auth, context, data_dict):
    result = next_auth(context, data_dict)
    if not result.get("success"):
        return result
    return _data_auth(context, _resource_id(data_dict)) or result


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def auth_datastore_search_sql(next_auth, context, data_dict):
    # the DataStore passes the table names as a generator: the core check
    # would use it up and leave none to decide on
    names = list(context.get("table_names") or [])
    context["table_names"] = names
    result = next_auth(context, dict(data_dict))
    if not result.get("success"):
        return result
    for name in names:
        name = access.datastore_resource_id(name)
        pkg = access.package_of_resource(name)
        if pkg is None:
            continue
        decision = access.decide(context, pkg, name, consume=True)
        if not decision.allowed:
            return {"success": False, "msg": decision.msg}
        if decision.fields:
            # SQL could read any column: a grant limited to fields does not open it
            return {"success": False, "msg": access.deny("fields", pkg).msg}
    return result


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def auth_resource_view_show(next_auth, context, data_dict):
    result = next_auth(context, data_dict)
    if not result.get("success"):
        return result
    view = context.get("resource_view")
    if view is None:
        from ckan import model
        view = model.ResourceView.get(data_dict.get("id") or "")
    if view is None:
        return result
    return _data_auth(context, view.resource_id, consume=False) or result


# -- actions -----------------------------------------------------------------

@tk.chained_action
@tk.side_effect_free
def datastore_search(next_action, context, data_dict):
    """A grant limited to some fields returns those fields only."""
    rid = _resource_id(data_dict)
    pkg = access.package_of_resource(rid) if rid else None
    if pkg is not None:
        decision = access.decide(context, pkg, rid)
        if decision.allowed and decision.fields:
            granted = list(decision.fields)
            asked = data_dict.get("fields")
            if isinstance(asked, str):
                asked = [f.strip() for f in asked.split(",") if f.strip()]
            _refuse_hidden_fields(data_dict, granted)
            data_dict = dict(data_dict, fields=[f for f in (asked or granted) if f in granted]
                             or granted)
    return next_action(context, data_dict)


def _refuse_hidden_fields(data_dict: dict, granted: list[str]) -> None:
    """Filtering, sorting or full-text search over a column the grant does not
    open would reveal its values: refused."""
    import json
    used: set[str] = set()
    for key in ("filters", "q"):
        value = data_dict.get(key)
        if isinstance(value, str) and key == "filters":
            try:
                value = json.loads(value)
            except ValueError:
                value = {}
        if isinstance(value, dict):
            used.update(value)
        elif key == "q" and value:
            raise tk.NotAuthorized(tk._(
                "Your grant covers some fields only: search them with a q object "
                "({\"field\": \"text\"}), not over the whole row"))
    sort = data_dict.get("sort")
    if isinstance(sort, str):
        used.update(part.strip().split(" ")[0].strip('"') for part in sort.split(",") if part.strip())
    hidden = sorted(name for name in used if name not in granted and name != "_id")
    if hidden:
        raise tk.NotAuthorized(tk._("Your grant does not cover these fields: {fields}").format(
            fields=", ".join(hidden)))


#: Solr fields of resource URLs: no facets on them (their values would be
#: the URLs that the results withhold)
URL_FACETS = ("res_url",)


@tk.chained_action
@tk.side_effect_free
def package_search(next_action, context, data_dict):
    """Results with ``fl`` carry the dataset's id (what the access decision
    needs, in the plugin's ``after_dataset_search``), removed again if the
    caller did not ask for it; no facets on resource URLs except for
    sysadmins."""
    fl = data_dict.get("fl")
    added_id = False
    if fl:
        names = fl if isinstance(fl, list) else [
            f for f in str(fl).replace(",", " ").split() if f]
        if "id" not in names and "*" not in names:
            names = names + ["id"]
            added_id = True
        data_dict = dict(data_dict, fl=names)
    result = next_action(context, data_dict)
    if added_id:
        for item in result.get("results") or []:
            if isinstance(item, dict):
                item.pop("id", None)
    who = access.facts(context)
    if not context.get("ignore_auth") and not (who and who.sysadmin):
        for key in ("facets", "search_facets"):
            for name in URL_FACETS:
                if isinstance(result.get(key), dict):
                    result[key].pop(name, None)
    return result


@tk.chained_action
@tk.side_effect_free
def resource_view_list(next_action, context, data_dict):
    views = next_action(context, data_dict)
    rid = data_dict.get("id") or ""
    pkg = access.package_of_resource(rid)
    if pkg is not None and not access.decide(context, pkg, rid).allowed:
        return []
    return views


@tk.chained_action
def package_create(next_action, context, data_dict):
    return next_action(context, _internal_is_private(data_dict))


@tk.chained_action
def package_update(next_action, context, data_dict):
    return next_action(context, _internal_is_private(data_dict))


def _internal_is_private(data_dict: dict) -> dict:
    if isinstance(data_dict, dict) and data_dict.get("access_level") == access_levels.INTERNAL:
        data_dict = dict(data_dict, private=True)
    return data_dict


def actions() -> dict[str, Any]:
    return {
        "datastore_search": datastore_search,
        "package_search": package_search,
        "resource_view_list": resource_view_list,
        "package_create": package_create,
        "package_update": package_update,
    }


def auth_functions() -> dict[str, Any]:
    return {
        "datastore_search": auth_datastore_search,
        "datastore_search_sql": auth_datastore_search_sql,
        "resource_view_show": auth_resource_view_show,
    }
