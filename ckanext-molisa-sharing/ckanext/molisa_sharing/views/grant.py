"""The pages of grants: the list, a grant, its steps (suspend, reinstate,
terminate), usage reports and tokens."""
from __future__ import annotations

from typing import Optional

from flask import make_response

import ckan.plugins.toolkit as tk

from ckanext.molisa_sharing.views import base
from ckanext.molisa_sharing.views.base import GRANT_STEPS, PER_PAGE, molisa_sharing


# -- grants ---------------------------------------------------------------------

@molisa_sharing.route("/grants")
def grant_list():
    """My grants (held or managed)."""
    if not tk.current_user.is_authenticated:
        return base.login_first()
    page_number = base.page_number()
    result = base.call("molisa_sharing_grant_list", {"role": "mine", "limit": PER_PAGE,
                                                 "offset": (page_number - 1) * PER_PAGE})
    reviewed = None
    if tk.h.molisa_sharing_is_reviewer():
        reviewed = base.call("molisa_sharing_grant_list", {"role": "review", "limit": PER_PAGE})
    return tk.render("molisa_sharing/grant_list.html", {
        "grants": result["results"], "count": result["count"],
        "page": base.page(result, page_number), "reviewed": reviewed})


def _render_grant(id: str, *, errors: Optional[dict] = None, form: str = "",
                  values: Optional[dict] = None, token: Optional[dict] = None):
    grant = base.call("molisa_sharing_grant_show", {"id": id})
    return tk.render("molisa_sharing/grant_read.html", {
        "grant": grant, "errors": errors or {}, "failed": form, "data": values or {},
        "token": token})


@molisa_sharing.route("/grants/<id>")
def grant_read(id: str):
    """What a grant opens, its state and why, usage reports, tokens."""
    return _render_grant(id)


@molisa_sharing.route("/grants/<id>/<step>", methods=["POST"])
def grant_step(id: str, step: str):
    """Suspend, reinstate or terminate a grant (R18.3)."""
    if step not in GRANT_STEPS:
        return tk.abort(404, tk._("Not found"))
    values = base.form_values(("reason",))
    try:
        base.call(f"molisa_sharing_grant_{step}", dict(base.non_empty(values), id=id))
    except tk.ValidationError as exc:
        return _render_grant(id, errors=base.errors(exc), form=step, values=values)
    tk.h.flash_success({
        "suspend": tk._("The grant is suspended."),
        "reinstate": tk._("The grant is active again."),
        "terminate": tk._("The grant was terminated."),
    }[step])
    return tk.redirect_to("molisa_sharing.grant_read", id=id)


@molisa_sharing.route("/grants/<id>/usage-reports", methods=["POST"])
def grant_usage_report_request(id: str):
    """Ask the grantee how the data is used (R18.2)."""
    values = base.form_values(("question", "due_date"))
    try:
        base.call("molisa_sharing_grant_request_usage_report", dict(base.non_empty(values), id=id))
    except tk.ValidationError as exc:
        return _render_grant(id, errors=base.errors(exc), form="usage_request", values=values)
    tk.h.flash_success(tk._("The usage report was asked for."))
    return tk.redirect_to("molisa_sharing.grant_read", id=id)


@molisa_sharing.route("/grants/<id>/usage-reports/<report_id>", methods=["POST"])
def grant_usage_report_answer(id: str, report_id: str):
    """The grantee answers a usage report."""
    values = base.form_values(("answer",))
    try:
        base.call("molisa_sharing_grant_submit_usage_report",
              dict(base.non_empty(values), id=report_id))
    except tk.ValidationError as exc:
        return _render_grant(id, errors=base.errors(exc), form="answer-" + report_id,
                             values=values)
    tk.h.flash_success(tk._("Your usage report was sent."))
    return tk.redirect_to("molisa_sharing.grant_read", id=id)


@molisa_sharing.route("/grants/<id>/tokens", methods=["POST"])
def grant_token_create(id: str):
    """An API token bound to this grant, shown once."""
    values = base.form_values(("name",))
    try:
        token = base.call("molisa_sharing_grant_token_create", dict(base.non_empty(values), id=id))
    except tk.ValidationError as exc:
        return _render_grant(id, errors=base.errors(exc), form="token", values=values)
    response = make_response(_render_grant(id, token=token))
    response.headers["Cache-Control"] = "no-store"
    return response
