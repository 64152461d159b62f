"""The Open Data List's public pages (``/open-data-list``): the ministry's
list and one page per unit, each entry with its state and a chart, and the
exports to CSV and XLSX. Thin callers of the ``molisa_odl_*`` actions."""
from __future__ import annotations

import datetime
from typing import Any

from flask import Blueprint, Response, request

import ckan.plugins.toolkit as tk

from ckanext.molisa import contexts

from . import export

molisa_odl = Blueprint("molisa_odl", __name__, url_prefix="/open-data-list")

MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _call(action: str, data: dict[str, Any]) -> Any:
    try:
        return contexts.call_for_page(
            action, data, forbidden=tk._("Drafts of the Open Data List are not public."),
            not_found=tk._("No such version of the Open Data List."))
    except tk.ValidationError as exc:
        return tk.abort(400, "; ".join(
            f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
            for k, v in exc.error_dict.items()))


def _version_arg() -> dict[str, Any]:
    version = request.args.get("version")
    return {"id": version} if version else {}


def _show(unit: dict[str, Any] | None) -> dict[str, Any]:
    """The version asked for (default: in force), its entries limited to
    ``unit``, and their summary; None when no list is approved yet."""
    try:
        version = tk.get_action("molisa_odl_version_show")(
            contexts.request_context(), _version_arg())
    except tk.ObjectNotFound:
        if request.args.get("version"):
            return tk.abort(404, tk._("No such version of the Open Data List."))
        return {"version": None, "entries": [], "summary": None}
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Drafts of the Open Data List are not public."))
    except tk.ValidationError:
        return tk.abort(400, tk._("No such version of the Open Data List."))
    entries = version.pop("entries")
    if unit is not None:
        entries = [e for e in entries if e["owner_org"] == unit["id"]]
    from ckanext.molisa.model.odl_dictization import summary
    return {"version": version, "entries": entries, "summary": summary(entries)}


def index():
    data = _show(None)
    versions = _call("molisa_odl_version_list", {})
    return tk.render("molisa_odl/index.html", dict(data, unit=None, versions=versions))


def unit(id: str):
    org = _unit_or_404(id)
    data = _show(org)
    return tk.render("molisa_odl/index.html", dict(data, unit=org, versions=[]))


def _unit_or_404(id: str) -> dict[str, Any]:
    try:
        return tk.get_action("organization_show")(
            contexts.request_context(), {"id": id, "include_datasets": False,
                                         "include_users": False})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return tk.abort(404, tk._("Unit not found"))


def download(fmt: str):
    org = _unit_or_404(request.args["unit"]) if request.args.get("unit") else None
    data = _show(org)
    body = export.to_csv(data["entries"]) if fmt == "csv" else export.to_xlsx(data["entries"])
    name = "danh-muc-du-lieu-mo"
    if org:
        name += "-" + org["name"]
    name += "-" + datetime.date.today().isoformat() + "." + fmt
    return Response(body, mimetype=MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


molisa_odl.add_url_rule("/", view_func=index, endpoint="index")
molisa_odl.add_url_rule("/unit/<id>", view_func=unit, endpoint="unit")
molisa_odl.add_url_rule("/export.<any(csv, xlsx):fmt>", view_func=download, endpoint="export")
