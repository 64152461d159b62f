"""Core actions whose answers carry datasets, chained so that each answer is
the visible view (:mod:`ckanext.molisa.visibility`). ``package_show``,
``resource_show`` and ``package_search`` get it from the kernel plugin's
``after_dataset_show`` and ``after_dataset_search``."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.molisa import visibility

ACTIVITY_LISTS = (
    "package_activity_list", "organization_activity_list", "group_activity_list",
    "user_activity_list", "dashboard_activity_list", "recently_changed_packages_activity_list",
)


@tk.chained_action
@tk.side_effect_free
def resource_search(next_action, context, data_dict):
    result = next_action(context, data_dict)
    if isinstance(result.get("results"), list):
        result["results"] = [visibility.visible_resource(context, res)
                             if isinstance(res, dict) else res for res in result["results"]]
    return result


@tk.chained_action
@tk.side_effect_free
def current_package_list_with_resources(next_action, context, data_dict):
    return [visibility.visible_dataset(context, pkg) if isinstance(pkg, dict) else pkg
            for pkg in next_action(context, data_dict)]


def _activity_list(name: str):
    @tk.chained_action
    @tk.side_effect_free
    def chained(next_action, context, data_dict):
        result = next_action(context, data_dict)
        for activity in result if isinstance(result, list) else []:
            if isinstance(activity, dict):
                visibility.visible_activity(context, activity)
        return result
    chained.__name__ = name
    chained.__doc__ = f"ckanext-activity's ``{name}``, each activity's copy of a dataset " \
                      "as the user may see it."
    return chained


@tk.chained_action
@tk.side_effect_free
def activity_show(next_action, context, data_dict):
    result = next_action(context, data_dict)
    return visibility.visible_activity(context, result) if isinstance(result, dict) else result


@tk.chained_action
@tk.side_effect_free
def activity_data_show(next_action, context, data_dict):
    result = next_action(context, data_dict)
    if isinstance(result, dict):
        data = result if isinstance(result.get("package"), dict) else {"package": result}
        visibility.visible_activity(context, {"data": data,
                                              "object_id": data_dict.get("id")})
    return result


@tk.chained_action
@tk.side_effect_free
def activity_diff(next_action, context, data_dict):
    """The differences between two versions show whole versions: only to those
    who see the whole dataset in both."""
    result = next_action(context, data_dict)
    for activity in result.get("activities") or []:
        if isinstance(activity, dict) and visibility.hides_something(context, activity):
            raise tk.NotAuthorized(tk._(
                "The changes between versions of this dataset are shown only to those who "
                "may see all of it."))
    return result


@tk.chained_action
@tk.side_effect_free
def datastore_search(next_action, context, data_dict):
    """A DataStore read whose connection the read replica dropped (stopped,
    restarted: make cluster, docker/compose.cluster.yaml) is tried once
    more; the pool then connects afresh and libpq lands on the primary, its
    second host (:mod:`ckanext.molisa.dbfallback` logs the warning)."""
    import sqlalchemy as sa

    try:
        return next_action(context, dict(data_dict))
    except sa.exc.OperationalError:
        import logging
        logging.getLogger(__name__).warning(
            "datastore_search: the read-only database dropped the connection; reading again")
        return next_action(context, data_dict)


def actions() -> dict[str, Any]:
    result = {
        "resource_search": resource_search,
        "current_package_list_with_resources": current_package_list_with_resources,
        "activity_show": activity_show,
        "activity_data_show": activity_data_show,
        "activity_diff": activity_diff,
    }
    for name in ACTIVITY_LISTS:
        result[name] = _activity_list(name)
    plugins = tk.config.get("ckan.plugins") or []
    if "datastore" in (plugins.split() if isinstance(plugins, str) else plugins):
        result["datastore_search"] = datastore_search
    return result
