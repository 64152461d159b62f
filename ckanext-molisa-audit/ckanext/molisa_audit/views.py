"""The audit pages under /audit (R15.1, R20.5, R10.2): the event log, the
incidents, the statistics and the operations centre's live view, with CSV and
XLSX exports.

Every page is a thin caller of the ``molisa_audit_*`` actions, which decide who
may read what: a refusal is a 403, bad filters are shown beside their fields.
Dates typed in the forms are days in the portal's display time zone
(``ckan.display_timezone``, Asia/Ho_Chi_Minh); ``until`` includes its day.
"""
from __future__ import annotations

import datetime
import re
from typing import Any, Callable

from flask import Blueprint, jsonify, make_response
from werkzeug.routing import BuildError

import ckan.plugins.toolkit as tk
from ckan.lib.pagination import Page

from ckanext.molisa.contexts import request_context
from ckanext.molisa_audit import export as audit_export
from ckanext.molisa_audit.helpers import molisa_audit_channel_label, molisa_audit_field_label
from ckanext.molisa_audit.logic.schema import GROUP_BY
from ckanext.molisa_audit.recorder import CHANNELS

molisa_audit = Blueprint("molisa_audit", __name__, url_prefix="/audit")

__all__ = ["molisa_audit"]

FILTERS = ("since", "until", "actor", "organization", "dataset", "channel", "action",
           "outcome")
PER_PAGE = 50
EXPORT_PAGE = 1000
EXPORT_MAX = 100_000
STATS_DAYS = 30

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


# -- shared ------------------------------------------------------------------

def _call(action: str, data_dict: dict[str, Any]) -> Any:
    return tk.get_action(action)(request_context(), data_dict)


def _local_now() -> datetime.datetime:
    return datetime.datetime.now(tk.h.get_display_timezone())


def _local_midnight(day: datetime.date) -> datetime.datetime:
    zone = tk.h.get_display_timezone()
    naive = datetime.datetime.combine(day, datetime.time())
    if hasattr(zone, "localize"):  # pytz
        return zone.localize(naive)
    return naive.replace(tzinfo=zone)


def _form() -> dict[str, str]:
    """The filters as typed (what the form shows again)."""
    form = {}
    for key in FILTERS + ("group_by",):
        value = tk.request.args.get(key, "").strip()
        if value:
            form[key] = value
    return form


def _filters(form: dict[str, str]) -> dict[str, Any]:
    """The action's filters from the form: a day becomes the local midnight
    that starts it (``since``) or ends it (``until``). Anything else goes to
    the action as typed, which rejects what is not valid.

    :raises tk.ValidationError: a NUL character, which no event holds and
        PostgreSQL refuses in a query
    """
    nul = {k: [tk._("Contains a character that is not allowed.")]
           for k, v in form.items() if "\x00" in v}
    if nul:
        raise tk.ValidationError(nul)
    data: dict[str, Any] = {k: v for k, v in form.items() if k in FILTERS}
    for key in ("since", "until"):
        value = data.get(key)
        if value and _DAY.fullmatch(value):
            try:
                day = datetime.date.fromisoformat(value)
                if key == "until":
                    day += datetime.timedelta(days=1)
                data[key] = _local_midnight(day).isoformat()
            except (ValueError, OverflowError):
                continue  # not a real day, or at the calendar's ends: as typed
    if data.get("dataset"):
        data["dataset"] = _dataset_id(data["dataset"])
    return data


def _dataset_id(name_or_id: str) -> str:
    """The id of a dataset typed by name; the log stores ids."""
    try:
        return _call("package_show", {"id": name_or_id})["id"]
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return name_or_id


def _errors(error: tk.ValidationError) -> dict[str, list[str]]:
    errors = error.error_dict if isinstance(error.error_dict, dict) else {}
    return {key: (value if isinstance(value, list) else [str(value)])
            for key, value in errors.items()}


def _refused(error: tk.NotAuthorized):
    return tk.abort(403, str(error) or tk._("Not authorized to see this page"))


def _invalid(error: tk.ValidationError):
    """For the exports, which have no form to show the errors in."""
    return tk.abort(400, "; ".join(f"{molisa_audit_field_label(field)}: {' '.join(messages)}"
                                   for field, messages in _errors(error).items()))


def _organizations() -> list[dict[str, Any]]:
    """The units the user may filter by (all of them for a sysadmin)."""
    try:
        orgs = _call("organization_list_for_user",
                     {"permission": "admin", "include_dataset_count": False})
    except tk.NotAuthorized:
        return []
    return sorted(orgs, key=lambda o: (tk.h.get_translated(o, "title") or o["name"]).lower())


def _datasets(ids: set[str]) -> dict[str, dict[str, Any]]:
    """Titles and addresses of the datasets the log names (one search; a
    deleted or hidden dataset keeps its bare id)."""
    ids = {i for i in ids if i and re.fullmatch(r"[\w-]+", i)}
    if not ids:
        return {}
    try:
        found = _call("package_search", {
            "fq": "id:(" + " OR ".join(f'"{i}"' for i in sorted(ids)) + ")",
            "rows": len(ids), "include_private": True,
            "fl": ["id", "name", "title", "dataset_type"]})["results"]
    except (tk.NotAuthorized, tk.ValidationError, tk.ObjectNotFound):
        return {}
    return {d["id"]: d for d in found}


def _dataset_url(dataset: dict[str, Any]) -> str:
    try:
        return tk.h.url_for(f"{dataset.get('dataset_type') or 'dataset'}.read",
                            id=dataset["name"])
    except BuildError:  # a type without its own blueprint
        return tk.h.url_for("dataset.read", id=dataset["name"])


def _dataset_links(ids: set[str]) -> dict[str, dict[str, str]]:
    datasets = _datasets(ids)
    links = {}
    for i in ids:
        if i in datasets:
            links[i] = {"title": tk.h.dataset_display_name(datasets[i]) or i,
                        "url": _dataset_url(datasets[i])}
        else:
            links[i] = {"title": i[:8], "url": ""}
    return links


def _filename(stem: str, ext: str) -> str:
    return f"{stem}-{_local_now().date().isoformat()}.{ext}"


def _download(body: bytes, filename: str, mimetype: str):
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    response.headers["Cache-Control"] = "no-store"
    return response


_MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# -- the event log and the incidents -----------------------------------------

def _listing(action: str, template: str, export_endpoint: str):
    form = _form()
    try:
        page_number = max(1, int(tk.request.args.get("page", 1)))
    except ValueError:
        page_number = 1
    errors: dict[str, list[str]] = {}
    result: dict[str, Any] = {"count": 0, "results": []}
    try:
        result = _call(action, dict(_filters(form), limit=PER_PAGE,
                                    offset=(page_number - 1) * PER_PAGE))
    except tk.NotAuthorized as e:
        return _refused(e)
    except tk.ValidationError as e:
        errors = _errors(e)

    def pager_url(q: Any = None, page: int | None = None) -> str:
        return tk.h.url_for(tk.request.endpoint, page=page, **form)

    events = result["results"]
    dataset_ids = {d for e in events for d in (e.get("datasets") or [])}
    extra_vars = {
        "form": form,
        "errors": errors,
        "count": result["count"],
        "events": events,
        "page": Page(collection=events, page=page_number, url=pager_url,
                     item_count=result["count"], items_per_page=PER_PAGE,
                     presliced_list=True),
        "datasets": _dataset_links(dataset_ids),
        "organizations": _organizations(),
        "channels": CHANNELS,
        "export_endpoint": export_endpoint,
        "export_max": EXPORT_MAX,
    }
    return tk.render(template, extra_vars), (400 if errors else 200)


def _export(action: str, stem: str, fmt: str):
    events: list[dict[str, Any]] = []
    try:
        data = _filters(_form())
        data.setdefault("until", datetime.datetime.now(datetime.timezone.utc).isoformat())
        while len(events) < EXPORT_MAX:
            result = _call(action, dict(data, limit=EXPORT_PAGE, offset=len(events)))
            events.extend(result["results"])
            if not result["results"] or len(events) >= result["count"]:
                break
    except tk.NotAuthorized as e:
        return _refused(e)
    except tk.ValidationError as e:
        return _invalid(e)
    events = events[:EXPORT_MAX]
    render: Callable[[list], bytes] = (audit_export.events_csv if fmt == "csv"
                                       else audit_export.events_xlsx)
    return _download(render(events), _filename(stem, fmt), _MIMETYPES[fmt])


@molisa_audit.route("/")
def events():
    return _listing("molisa_audit_event_list", "molisa_audit/events.html",
                    "molisa_audit.export")


@molisa_audit.route("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    return _export("molisa_audit_event_list", "molisa-audit", fmt)


@molisa_audit.route("/incidents")
def incidents():
    return _listing("molisa_audit_incident_list", "molisa_audit/incidents.html",
                    "molisa_audit.incidents_export")


@molisa_audit.route("/incidents/export.<any(csv, xlsx):fmt>")
def incidents_export(fmt: str):
    return _export("molisa_audit_incident_list", "molisa-audit-incidents", fmt)


# -- statistics --------------------------------------------------------------

def _stats_form() -> dict[str, str]:
    form = _form()
    today = _local_now().date()
    form.setdefault("since", (today - datetime.timedelta(days=STATS_DAYS - 1)).isoformat())
    form.setdefault("until", today.isoformat())
    form.setdefault("group_by", "day")
    return form


def _days(results: list[dict[str, Any]], since: str, until: str) -> list[dict[str, Any]]:
    """Every day between the first and the last, with zeros where nothing
    happened (the action leaves those out)."""
    by_key = {r["key"]: r for r in results}
    try:
        first = datetime.datetime.fromisoformat(since).astimezone(datetime.timezone.utc).date()
        last = (datetime.datetime.fromisoformat(until).astimezone(datetime.timezone.utc)
                - datetime.timedelta(microseconds=1)).date()
    except (TypeError, ValueError, OverflowError):
        return results
    if (last - first).days > 3660:
        return results
    days = []
    day = first
    while day <= last:
        key = day.isoformat()
        row = by_key.get(key, {"key": key, "events": 0, "errors": 0})
        days.append({"key": key, "events": row["events"], "errors": row["errors"]})
        day += datetime.timedelta(days=1)
    return days


def _key_labels(group_by: str, rows: list[dict[str, Any]],
                organizations: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """How each row of the table is named, and where it links to (the events
    of that channel, unit, dataset or user)."""
    keys = {r["key"] for r in rows if r["key"] is not None}
    if group_by == "dataset":
        return {k: {"title": v["title"], "url": v["url"]}
                for k, v in _dataset_links(keys).items()}
    if group_by == "organization":
        names = {o["id"]: tk.h.get_translated(o, "title") or o["name"] for o in organizations}
        return {k: {"title": names.get(k, k), "url": ""} for k in keys}
    if group_by == "channel":
        return {k: {"title": molisa_audit_channel_label(k), "url": ""} for k in keys}
    return {k: {"title": k, "url": ""} for k in keys}


def _stats_result(data: dict[str, Any]) -> dict[str, Any]:
    return _call("molisa_audit_stats", data)


@molisa_audit.route("/stats")
def stats():
    form = _stats_form()
    group_by = form["group_by"]
    errors: dict[str, list[str]] = {}
    table: dict[str, Any] = {"results": [], "total": None}
    days: list[dict[str, Any]] = []
    try:
        data = _filters(form)
        daily = _stats_result(dict(data, group_by="day"))
        table = daily if group_by == "day" else _stats_result(dict(data, group_by=group_by))
        days = _days(daily["results"], daily["since"], daily["until"])
    except tk.NotAuthorized as e:
        return _refused(e)
    except tk.ValidationError as e:
        errors = _errors(e)
    organizations = _organizations()
    extra_vars = {
        "form": form,
        "errors": errors,
        "group_by": group_by,
        "group_by_options": GROUP_BY,
        "rows": table["results"],
        "total": table.get("total"),
        "labels": _key_labels(group_by, table["results"], organizations),
        "days": days,
        "organizations": organizations,
        "channels": CHANNELS,
    }
    return tk.render("molisa_audit/stats.html", extra_vars), (400 if errors else 200)


@molisa_audit.route("/stats/export.csv")
def stats_export():
    form = _stats_form()
    try:
        result = _stats_result(dict(_filters(form), group_by=form["group_by"]))
    except tk.NotAuthorized as e:
        return _refused(e)
    except tk.ValidationError as e:
        return _invalid(e)
    columns = ("key", "events", "errors", "bytes", "duration_p50", "duration_p95",
               "duration_p99")
    body = audit_export.to_csv((form["group_by"],) + columns[1:],
                               ([row.get(c) for c in columns] for row in result["results"]))
    return _download(body, _filename(f"molisa-audit-stats-{form['group_by']}", "csv"),
                     _MIMETYPES["csv"])


# -- the operations centre ---------------------------------------------------

def _live() -> dict[str, Any]:
    """The live counters, each top dataset with the address of its page."""
    result = _call("molisa_audit_live", {"minutes": tk.request.args.get("minutes", 60)})
    links = _dataset_links({d["id"] for d in result["top_datasets"]})
    for dataset in result["top_datasets"]:
        link = links.get(dataset["id"], {})
        dataset["url"] = link.get("url", "")
        if link.get("url"):
            dataset["title"] = link["title"]
    return result


@molisa_audit.route("/live")
def live():
    try:
        result = _live()
    except tk.NotAuthorized as e:
        return _refused(e)
    except tk.ValidationError:
        return tk.redirect_to("molisa_audit.live")
    return tk.render("molisa_audit/live.html", {"live": result,
                                                "minutes": len(result["per_minute"]) - 1})


@molisa_audit.route("/live.json")
def live_json():
    """``molisa_audit_live``'s result (each top dataset with its ``url``), or
    an error as the Action API gives it: 403 refused, 400 bad ``minutes``."""
    try:
        result = _live()
        status = 200
    except tk.NotAuthorized as e:
        result = {"success": False, "error": {
            "__type": "Authorization Error",
            "message": str(e) or tk._("Not authorized to see this page")}}
        status = 403
    except tk.ValidationError as e:
        result = {"success": False, "error": dict(_errors(e), __type="Validation Error")}
        status = 400
    response = jsonify(result)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
