"""The health page of a harvest source, ``/harvest/<source>/health``
(blueprint ``molisa_harvest``): its last runs, their counts and errors, the
next scheduled run, and a "Run now" button; and "My data", ``/my-data``
(blueprint ``molisa_mydata``): the logged-in person's records in the sector
data, as a page, CSV and JSON. Thin callers of the actions, which decide who
may do what."""
from __future__ import annotations

from typing import Any

import json

from flask import Blueprint, Response, make_response

import ckan.plugins.toolkit as tk

from ckanext.molisa.contexts import call_for_page

from . import mydata

molisa_harvest = Blueprint("molisa_harvest", __name__, url_prefix="/harvest")
molisa_mydata = Blueprint("molisa_mydata", __name__, url_prefix="/my-data")

__all__ = ["molisa_harvest", "molisa_mydata"]


def _call(action: str, data_dict: dict[str, Any]) -> Any:
    return call_for_page(action, data_dict, forbidden=tk._("Not authorized to see this page"),
                         not_found=tk._("Harvest source not found"))


@molisa_harvest.route("/<id>/health")
def health(id: str):
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", next=tk.request.full_path)
    result = _call("molisa_harvest_source_health", {"id": id})
    can_run = tk.h.check_access("molisa_harvest_source_run_now", {"id": result["source"]["id"]})
    return tk.render("molisa_harvest/health.html",
                     {"health": result, "source": result["source"], "can_run": can_run})


@molisa_harvest.route("/<id>/run-now", methods=["POST"])
def run_now(id: str):
    try:
        _call("molisa_harvest_source_run_now", {"id": id})
        tk.h.flash_success(tk._("The run was started: the gather stage begins shortly."))
    except tk.ValidationError as exc:
        messages = exc.error_dict.get("id") if isinstance(exc.error_dict, dict) else None
        tk.h.flash_error(" ".join(messages or [str(exc)]))
    return tk.redirect_to("molisa_harvest.health", id=id)


def _my_records():
    return call_for_page("molisa_mydata_records", {},
                         forbidden=tk._("Log in with the e-ID to see your data"),
                         not_found=tk._("Log in with the e-ID to see your data"))


@molisa_mydata.route("/")
def records():
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", next=tk.request.full_path)
    response = make_response(tk.render("molisa_mydata/records.html", {"result": _my_records()}))
    response.headers["Cache-Control"] = "no-store"   # a person's records: never cached
    return response


@molisa_mydata.route("/records.<fmt>")
def download(fmt: str):
    if fmt not in ("csv", "json"):
        return tk.abort(404, tk._("Unknown format: CSV or JSON"))
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", next=tk.request.full_path)
    result = _my_records()
    if fmt == "csv":
        body, mimetype = mydata.to_csv(result), "text/csv; charset=utf-8"
    else:
        body = json.dumps(result, ensure_ascii=False, indent=1, default=str).encode("utf-8")
        mimetype = "application/json; charset=utf-8"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=my-data.{fmt}",
        "Cache-Control": "no-store"})
