"""The visible view of a dataset: the one function that every path out of the
portal uses (R4.3, R12.1, R17.1).

The rules come from the plugins that know them, through
:class:`ckanext.molisa.interfaces.IMolisaVisibility` (ckanext-molisa-sharing:
what of a restricted resource a person without access sees; ckanext-molisa-
harvest: what of a harvest source a person who does not administer it sees).
The paths that call it are all here or in the kernel plugin: package show
(and resource show, which reads it), search results and their raw ``fl``
fields, the activity stream, resource search, lists of datasets with their
resources, and the activity diff. The DCAT documents and feeds are built from
package show and search, so they get the visible view too.
"""
from __future__ import annotations

import copy
import json
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model

from .interfaces import IMolisaVisibility


def visible_dataset(context: dict, pkg_dict: dict, snapshot: bool = False,
                    indexed: bool = False) -> dict:
    """``pkg_dict`` reduced, in place, to what the context's user may see:
    resources hidden pending review of a report first (``reports.hiding``),
    WikiMolisa's quarantined files (``logic.wiki_auth``), then the plugins'
    rules. ``indexed``: a search result."""
    from .logic import wiki_auth
    from .reports import hiding
    hiding.visible_dataset(context, pkg_dict, indexed=indexed)
    wiki_auth.visible_dataset(context, pkg_dict)
    for rule in _rules():
        rule.molisa_visible_dataset(context, pkg_dict, snapshot)
    return pkg_dict


_rules_cache: list = [None, ()]


def _rules() -> tuple:
    """The plugins implementing IMolisaVisibility, looked up again when the
    configured plugins change: a search page calls visible_dataset 20 to 60
    times, and CKAN's PluginImplementations walks every plugin each time."""
    key = tk.config.get("ckan.plugins")
    key = " ".join(key) if isinstance(key, (list, tuple)) else str(key)
    if _rules_cache[0] != key:
        _rules_cache[1] = tuple(p.PluginImplementations(IMolisaVisibility))
        _rules_cache[0] = key
    return _rules_cache[1]


def drop_resources(pkg_dict: dict, hidden: set) -> None:
    """Drop, in place, the resources whose ids are in ``hidden`` from a
    dataset dictionary, with the raw ``res_*`` index fields of a search
    result (the rules of reports' hiding and WikiMolisa's quarantine)."""
    resources = pkg_dict.get("resources")
    if isinstance(resources, list):
        kept = [r for r in resources if not (isinstance(r, dict) and r.get("id") in hidden)]
        pkg_dict["resources"] = kept
        if "num_resources" in pkg_dict:
            pkg_dict["num_resources"] = len(kept)
    for key in [k for k in pkg_dict if k.startswith("res_") or k == "urls"]:
        pkg_dict.pop(key, None)


def visible_search_result(context: dict, result: dict) -> dict:
    """A package_search result, in place, with the dataset dictionaries that
    ``fl`` can ask for (``data_dict``, ``validated_data_dict``)."""
    visible_dataset(context, result, indexed=True)
    for key in ("data_dict", "validated_data_dict"):
        raw = result.get(key)
        if isinstance(raw, str) and raw:
            try:
                inner = json.loads(raw)
            except ValueError:
                result[key] = ""
                continue
            if isinstance(inner, dict):
                inner.setdefault("id", result.get("id"))
                result[key] = json.dumps(visible_dataset(context, inner, indexed=True))
            else:
                result[key] = ""
    return result


def visible_activity(context: dict, activity: dict) -> dict:
    """An activity, in place: its copy of the dataset as visible as the
    stricter of the dataset then and now."""
    data = activity.get("data")
    if isinstance(data, dict) and isinstance(data.get("package"), dict):
        package = data["package"]
        package.setdefault("id", activity.get("object_id"))
        visible_dataset(context, package, snapshot=True)
    return activity


def visible_resource(context: dict, resource: dict) -> dict:
    """A resource met on its own (resource search): as visible as it would
    be in its dataset."""
    package = model.Package.get(resource.get("package_id") or "")
    if package is None:
        return resource
    holder: dict[str, Any] = {
        "id": package.id, "name": package.name, "type": package.type,
        "owner_org": package.owner_org, "access_level": package.extras.get("access_level"),
        "resources": [resource]}
    visible_dataset(context, holder)
    return holder["resources"][0]


def hides_something(context: dict, activity: dict) -> bool:
    """Would the visible view of this activity differ from the activity?"""
    shown = visible_activity(context, copy.deepcopy(activity))
    return shown != activity
