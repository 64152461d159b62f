"""The pages of inbound connection requests (R13): the list, a new request,
a request and the IT Centre's decision."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.molisa.contexts import request_context
from ckanext.molisa_sharing.views import base
from ckanext.molisa_sharing.views.base import INBOUND_FIELDS, PER_PAGE, molisa_sharing


# -- inbound connection requests (R13) ---------------------------------------------

def _inbound_units() -> list[dict[str, Any]]:
    """The units where the user is an editor or an admin."""
    try:
        orgs = tk.get_action("organization_list_for_user")(
            request_context(), {"permission": "create_dataset", "include_dataset_count": False})
    except tk.NotAuthorized:
        return []
    return sorted(orgs, key=lambda o: (tk.h.get_translated(o, "title") or o["name"]).lower())


@molisa_sharing.route("/inbound")
def inbound_list():
    """Requests to receive data from outside systems, of the user's units."""
    if not tk.current_user.is_authenticated:
        return base.login_first()
    page_number = base.page_number()
    result = base.call("molisa_sharing_inbound_list", {"limit": PER_PAGE,
                                                   "offset": (page_number - 1) * PER_PAGE})
    return tk.render("molisa_sharing/inbound_list.html", {
        "inbound": result["results"], "count": result["count"],
        "page": base.page(result, page_number), "can_create": bool(_inbound_units())})


@molisa_sharing.route("/inbound/new", methods=["GET", "POST"])
def inbound_new():
    """A unit asks to receive data from an outside system (R13.1-R13.4)."""
    if not tk.current_user.is_authenticated:
        return base.login_first()
    units = _inbound_units()
    if not units:
        return tk.abort(403, tk._("Only a unit's editors and admins may ask to receive data"))
    if tk.request.method == "GET":
        values = {"contact_name": tk.current_user.fullname or "",
                  "contact_email": tk.current_user.email or ""}
        return tk.render("molisa_sharing/inbound_form.html",
                         {"data": values, "errors": {}, "error_summary": {}, "units": units})
    values = base.form_values(INBOUND_FIELDS)
    try:
        inbound = base.call("molisa_sharing_inbound_create", base.non_empty(values))
    except tk.ValidationError as exc:
        errors = base.errors(exc)
        return tk.render("molisa_sharing/inbound_form.html", {
            "data": values, "errors": errors, "units": units,
            "error_summary": {tk.h.molisa_sharing_field_label(k): " ".join(v)
                              for k, v in errors.items()}})
    tk.h.flash_success(tk._("Your request to receive data was sent to the IT Centre."))
    return tk.redirect_to("molisa_sharing.inbound_read", id=inbound["id"])


def _render_inbound(id: str, *, errors: Optional[dict] = None, form: str = "",
                    values: Optional[dict] = None):
    return tk.render("molisa_sharing/inbound_read.html", {
        "inbound": base.call("molisa_sharing_inbound_show", {"id": id}),
        "errors": errors or {}, "failed": form, "data": values or {}})


@molisa_sharing.route("/inbound/<id>")
def inbound_read(id: str):
    return _render_inbound(id)


def _inbound_decide(id: str, action: str, form: str, fields: tuple[str, ...], done: str):
    values = base.form_values(fields)
    try:
        base.call(action, dict(base.non_empty(values), id=id))
    except tk.ValidationError as exc:
        return _render_inbound(id, errors=base.errors(exc), form=form, values=values)
    tk.h.flash_success(done)
    return tk.redirect_to("molisa_sharing.inbound_read", id=id)


@molisa_sharing.route("/inbound/<id>/approve", methods=["POST"])
def inbound_approve(id: str):
    return _inbound_decide(id, "molisa_sharing_inbound_approve", "approve",
                           ("harvest_source_id", "reason"),
                           tk._("The request to receive data was approved."))


@molisa_sharing.route("/inbound/<id>/reject", methods=["POST"])
def inbound_reject(id: str):
    return _inbound_decide(id, "molisa_sharing_inbound_reject", "reject", ("reason",),
                           tk._("The request to receive data was refused."))
