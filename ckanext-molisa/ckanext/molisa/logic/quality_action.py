"""Actions of the quality checks (``molisa_quality_*``, R6.2, R14.1, R9.2).
Each: check access, validate, act, return a dict."""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.molisa.logic import quality_schema as schema
from ckanext.molisa.logic.quality_auth import may_see_cells
from ckanext.molisa.model import quality as qmodel
from ckanext.molisa.quality import tables
from ckanext.molisa.logic.base import validate as _validate


def molisa_quality_sweep(context, data_dict):
    """Check every active dataset's resources: enqueued as background jobs
    (chunks of 50 datasets), or here and now with ``sync``
    (``ckan molisa quality-sweep``).

    :param sync: run the checks in this process (default false: enqueue)
    :type sync: bool
    :rtype: dictionary of counts
    """
    tk.check_access("molisa_quality_sweep", context, data_dict)
    data = _validate(data_dict, schema.molisa_quality_sweep(), context)
    from ckanext.molisa.quality import jobs
    return jobs.sweep(bool(data.get("sync")))


HISTORY = 20


def _visible_package(context, id_: str) -> dict[str, Any]:
    """The dataset as the caller sees it (package_show: the portal's
    visibility rules apply)."""
    ctx = {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj"),
           "ignore_auth": context.get("ignore_auth", False)}
    try:
        return tk.get_action("package_show")(ctx, {"id": id_})
    except tk.ObjectNotFound:
        raise tk.ObjectNotFound(tk._("Dataset not found"))


def _public(result: dict[str, Any], resource: dict[str, Any] | None,
            cells: bool) -> dict[str, Any]:
    """A result as the caller may read it: the address as the dataset shows
    it to them, a table's cells only if ``cells``."""
    details = dict(result.get("details") or {})
    if "url" in details:
        if resource is not None and resource.get("url"):
            details["url"] = resource["url"]
        else:
            details.pop("url")
    if not cells:
        details.pop("content_key", None)     # a digest of the bytes: one may confirm a guess
    if not cells and details.get("errors"):
        details["errors"] = [{k: v for k, v in e.items() if k != "cell"}
                             for e in details["errors"]]
    if result.get("kind") == qmodel.TABLE:
        details["report"] = tables.report(details)
    return {k: v for k, v in dict(result, details=details).items() if k != "package_id"}


@tk.side_effect_free
def molisa_quality_show(context, data_dict):
    """The quality of one dataset: the latest result of each check of the
    dataset (``metadata``, ``freshness``) and of each of its resources that
    the caller sees (``link``, ``openness``, ``table``), each with its
    history (newest first, at most 20).

    :param id: the dataset's id or name
    :type id: string
    :rtype: dictionary with ``package_id``, ``dataset`` (kind -> latest and
        history) and ``resources`` (list of id, name, checks)
    """
    tk.check_access("molisa_quality_show", context, data_dict)
    data = _validate(data_dict, schema.molisa_quality_show(), context)
    pkg = _visible_package(context, data["id"])
    cells = may_see_cells(context, pkg)
    resources = {r["id"]: r for r in pkg.get("resources") or []}
    dataset: dict[str, dict[str, Any]] = {}
    per_resource: dict[str, dict[str, dict[str, Any]]] = {rid: {} for rid in resources}
    for row in qmodel.of_package(pkg["id"]):                  # newest first
        if row.resource_id is None:
            target = dataset
        elif row.resource_id in resources:
            target = per_resource[row.resource_id]
        else:
            continue                                   # a resource the caller does not see
        check = target.setdefault(row.kind, {"latest": None, "history": []})
        if len(check["history"]) >= HISTORY:
            continue
        result = _public(row.as_dict(), resources.get(row.resource_id) if row.resource_id
                         else None, cells)
        check["history"].append(result)
        check["latest"] = check["latest"] or result
    return {"package_id": pkg["id"], "dataset": dataset,
            "resources": [{"id": rid, "name": resources[rid].get("name") or "",
                           "checks": per_resource[rid]} for rid in resources]}


def _unit(context, id_: str) -> dict[str, Any]:
    try:
        return tk.get_action("organization_show")(
            {"user": context.get("user"), "ignore_auth": context.get("ignore_auth", False)},
            {"id": id_, "include_datasets": False, "include_users": False,
             "include_extras": True})
    except tk.ObjectNotFound:
        raise tk.ObjectNotFound(tk._("Unit not found"))


def _visible_datasets(context, unit_id: str) -> list[dict[str, Any]]:
    """The unit's datasets the caller may see: a search as the caller (the
    portal's permission labels decide)."""
    found, start = [], 0
    while True:
        page = tk.get_action("package_search")(
            {"user": context.get("user"), "ignore_auth": context.get("ignore_auth", False)},
            {"fq": f'owner_org:"{unit_id}"', "include_private": True, "rows": 1000,
             "start": start, "fl": "id,name,title,title_en", "sort": "name asc"})
        found.extend(page["results"])
        start += 1000
        if start >= page["count"] or not page["results"]:
            return found


@tk.side_effect_free
def molisa_quality_list(context, data_dict):
    """The quality of a unit's datasets that the caller may see: per dataset
    the latest metadata score, freshness, links that work and mean openness;
    the unit's totals; and the trend (per day, over ``days``).

    :param owner_org: the unit (organization id or name)
    :type owner_org: string
    :param days: the trend's length in days (default 90, at most 366)
    :type days: int
    :rtype: dictionary with ``unit``, ``datasets``, ``summary``, ``trend``
    """
    tk.check_access("molisa_quality_list", context, data_dict)
    data = _validate(data_dict, schema.molisa_quality_list(), context)
    unit = _unit(context, data["owner_org"])
    visible = _visible_datasets(context, unit["id"])
    ids = [d["id"] for d in visible]
    rows: dict[str, dict[str, Any]] = {
        d["id"]: {"id": d["id"], "name": d["name"], "title": d.get("title"),
                  "title_en": d.get("title_en"), "metadata": None, "metadata_rating": None,
                  "freshness": None, "links": 0, "links_ok": 0, "openness": None,
                  "tables_invalid": 0, "checked_at": None} for d in visible}
    stars: dict[str, list[float]] = {}
    for result in qmodel.latest_of_packages(ids):
        row = rows[result.package_id]
        checked = result.checked_at.isoformat()
        row["checked_at"] = max(row["checked_at"] or checked, checked)
        if result.kind == qmodel.METADATA:
            row["metadata"], row["metadata_rating"] = result.score, result.outcome
        elif result.kind == qmodel.FRESHNESS:
            row["freshness"] = result.outcome
        elif result.kind == qmodel.LINK and result.outcome != "refused":
            row["links"] += 1
            row["links_ok"] += result.outcome == "ok"
        elif result.kind == qmodel.OPENNESS:
            stars.setdefault(result.package_id, []).append(result.score or 0)
        elif result.kind == qmodel.TABLE and result.outcome == "invalid":
            row["tables_invalid"] += 1
    for package_id, values in stars.items():
        rows[package_id]["openness"] = round(sum(values) / len(values), 2)
    datasets = list(rows.values())
    checked = [d for d in datasets if d["metadata"] is not None]
    summary = {
        "datasets": len(datasets), "checked": len(checked),
        "metadata": round(sum(d["metadata"] for d in checked) / len(checked), 1)
        if checked else None,
        "links": sum(d["links"] for d in datasets),
        "links_ok": sum(d["links_ok"] for d in datasets),
        "stale": sum(1 for d in datasets if d["freshness"] == "stale"),
        "tables_invalid": sum(d["tables_invalid"] for d in datasets),
    }
    since = qmodel.now() - datetime.timedelta(days=data.get("days") or 90)
    return {"unit": {"id": unit["id"], "name": unit["name"], "title": unit.get("title"),
                     "title_en": unit.get("title_en")},
            "datasets": datasets, "summary": summary,
            "trend": qmodel.daily_trend(ids, since)}


def get_actions() -> dict[str, Any]:
    return {"molisa_quality_sweep": molisa_quality_sweep,
            "molisa_quality_show": molisa_quality_show,
            "molisa_quality_list": molisa_quality_list}
