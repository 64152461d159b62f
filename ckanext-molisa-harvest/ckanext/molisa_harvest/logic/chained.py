"""DataStore reads chained so that "who used my data" is recorded
(:mod:`..accesses`): ``datastore_search`` (and the dump and the data tables
view, which call it) and ``datastore_search_sql``. The sharing plugin's
chain, listed before this plugin, runs first and decides whether the read is
allowed at all; this one only records what an allowed read returned."""
from __future__ import annotations

from typing import Any

from flask import g, has_request_context

import ckan.plugins.toolkit as tk

from .. import accesses


@tk.chained_action
@tk.side_effect_free
def datastore_search(next_action, context, data_dict):
    if not accesses.recording(context):
        return next_action(context, data_dict)
    asked, added = accesses.with_row_ids(data_dict)
    result = next_action(context, asked)
    rid = result.get("resource_id") or data_dict.get("resource_id")
    ids = accesses.row_ids(result, drop=added)
    if ids and isinstance(rid, str):
        accesses.record(context, rid, ids)
    return result


@tk.chained_action
@tk.side_effect_free
def datastore_search_sql(next_action, context, data_dict):
    """A query reads rows of a person when its answer carries the ``_id`` of
    rows of one indexed table; the tables come from the auth function below,
    which the DataStore calls with the names it parsed from the query."""
    if not accesses.recording(context):
        return next_action(context, data_dict)
    g.molisa_harvest_sql_tables = []
    try:
        result = next_action(context, data_dict)
        resources = accesses.sql_resources(g.molisa_harvest_sql_tables)
    finally:
        g.molisa_harvest_sql_tables = []
    if len(resources) == 1:
        ids = accesses.row_ids(result)
        if ids:
            accesses.record(context, resources[0], ids)
    return result


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def auth_datastore_search_sql(next_auth, context, data_dict):
    names = list(context.get("table_names") or [])
    context["table_names"] = names
    result = next_auth(context, data_dict)
    if result.get("success") and has_request_context() and \
            isinstance(getattr(g, "molisa_harvest_sql_tables", None), list):
        g.molisa_harvest_sql_tables.extend(n for n in names if isinstance(n, str))
    return result


def actions() -> dict[str, Any]:
    found: dict[str, Any] = {"datastore_search": datastore_search}
    # the DataStore offers SQL only when it is switched on
    if tk.asbool(tk.config.get("ckan.datastore.sqlsearch.enabled")):
        found["datastore_search_sql"] = datastore_search_sql
    return found


def auth_functions() -> dict[str, Any]:
    return {"datastore_search_sql": auth_datastore_search_sql}
