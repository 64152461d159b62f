"""The sharing pages under /sharing (one blueprint, ``molisa_sharing``): the
services catalogue, the public register, requests for data (apply, edit,
submit, review), grants (usage reports, suspension, termination, tokens) and
inbound connection requests.

Every view is a thin caller of the ``molisa_sharing_*`` actions, which decide
who may do what: a refusal is a 403 page with the action's message, a missing
record a 404, bad input the same form again with a message beside each field.
"""
from __future__ import annotations

import os
from typing import Any, Optional

from flask import Blueprint, make_response, send_file

import ckan.plugins.toolkit as tk

from ckanext.molisa.contexts import request_context
from ckanext.molisa_sharing import attachments as sharing_attachments

molisa_sharing = Blueprint("molisa_sharing", __name__, url_prefix="/sharing")

__all__ = ["molisa_sharing"]

PER_PAGE = 50

#: fields of a request's form, as ``molisa_sharing_request_create`` takes them
REQUEST_TEXT_FIELDS = (
    "requester_type", "requester_organization", "user_name", "user_position", "user_email",
    "user_phone", "purpose", "scope", "content", "period_start", "period_end", "legal_basis",
    "security_level", "fields")
APPROVE_FIELDS = ("period_start", "period_end", "fields", "rate_limit_per_minute",
                  "quota_per_day", "allowed_ips", "conditions", "reason")
INBOUND_FIELDS = ("owner_org", "target", "source_system", "scope", "schedule", "frequency",
                  "details", "contact_name", "contact_position", "contact_email",
                  "contact_phone", "source_url", "source_type")
GRANT_STEPS = ("suspend", "reinstate", "terminate")


# -- shared ------------------------------------------------------------------

def _call(action: str, data_dict: dict[str, Any]) -> Any:
    """Calls an action as the current user; a refusal becomes a 403 page and
    a missing record a 404 page, each with the action's message.
    ``ValidationError`` is left to the caller, which shows the form again."""
    try:
        return tk.get_action(action)(request_context(), data_dict)
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc) or tk._("Not authorized to see this page"))
    except tk.ObjectNotFound as exc:
        return tk.abort(404, str(exc) or tk._("Not found"))


def _errors(error: tk.ValidationError) -> dict[str, list[str]]:
    errors = error.error_dict if isinstance(error.error_dict, dict) else {}
    result = {}
    for key, value in errors.items():
        if isinstance(value, dict):
            value = [" ".join(str(v) for v in value.values())]
        elif not isinstance(value, list):
            value = [str(value)]
        result[key] = [str(v) for v in value]
    return result


def _form_values(fields: tuple[str, ...]) -> dict[str, str]:
    """The form's fields as typed, stripped."""
    return {key: tk.request.form.get(key, "").strip() for key in fields}


def _non_empty(values: dict[str, Any]) -> dict[str, Any]:
    """What goes to the action: a field left empty is not sent (the action's
    schema says whether it is required)."""
    return {k: v for k, v in values.items() if v not in ("", None, [])}


def _login_first():
    """Someone who is not logged in goes to the login form, and back here."""
    return tk.redirect_to("user.login", next=tk.request.full_path)


def _page_number() -> int:
    try:
        return max(1, int(tk.request.args.get("page", 1)))
    except ValueError:
        return 1


def _page(result: dict[str, Any], page_number: int, **args) -> Any:
    from ckan.lib.pagination import Page

    def pager_url(q=None, page=None):
        return tk.h.url_for(tk.request.endpoint, page=page, **args)

    return Page(collection=result["results"], page=page_number, url=pager_url,
                item_count=result["count"], items_per_page=PER_PAGE, presliced_list=True)


# -- the landing page, the services and the register ---------------------------

@molisa_sharing.route("/")
def index():
    return tk.render("molisa_sharing/index.html", {})


@molisa_sharing.route("/services")
def services():
    """The data-sharing services catalogue (R12.4)."""
    return tk.render("molisa_sharing/services.html",
                     {"services": _call("molisa_sharing_service_list", {})})


@molisa_sharing.route("/register")
def register():
    """The public register of active grants."""
    return tk.render("molisa_sharing/register.html",
                     {"grants": _call("molisa_sharing_register", {})})


# -- requests ---------------------------------------------------------------------

def _request_form_data() -> tuple[dict[str, Any], dict[str, Any]]:
    """(what the form shows again, what goes to the action)."""
    form = tk.request.form
    datasets = []
    for value in form.getlist("datasets"):
        for ref in value.split(","):
            if ref.strip() and ref.strip() not in datasets:
                datasets.append(ref.strip())
    resources = [r for r in form.getlist("resources") if r.strip()]
    values: dict[str, Any] = _form_values(REQUEST_TEXT_FIELDS)
    values.update(datasets=datasets, resources=resources,
                  system_connection=bool(form.get("system_connection")))
    data = _non_empty(values)
    data["system_connection"] = values["system_connection"]
    files = [f for f in tk.request.files.getlist(sharing_attachments.KEY) if f and f.filename]
    if files:
        data[sharing_attachments.KEY] = files
    return values, data


def _dataset_choices(refs: list[str]) -> list[dict[str, Any]]:
    """The datasets named in the form as the user may see them (their title,
    fee and resources); a name that is not found is left to the action to
    report."""
    found = []
    for ref in refs:
        try:
            found.append(tk.get_action("package_show")(request_context(), {"id": ref}))
        except (tk.ObjectNotFound, tk.NotAuthorized):
            continue
    return found


def _services_for(kind: str) -> list[dict[str, Any]]:
    return _call("molisa_sharing_service_list", {}) if kind == "service" else []


def _render_request_form(*, kind: str, values: dict[str, Any], errors: dict[str, list[str]],
                         req: Optional[dict[str, Any]] = None, status: int = 200):
    extra = {
        "kind": kind, "data": values, "errors": errors, "req": req,
        "error_summary": {tk.h.molisa_sharing_field_label(k): " ".join(v)
                          for k, v in errors.items()},
        "datasets": _dataset_choices(values.get("datasets") or []),
        "services": _services_for(kind),
    }
    return tk.render("molisa_sharing/request_form.html", extra), status


def _defaults() -> dict[str, Any]:
    """A new request's form: the person who uses the data is, by default, the
    one who applies."""
    user = tk.current_user
    return {"datasets": [], "resources": [], "requester_type": "organization",
            "user_name": getattr(user, "fullname", "") or "",
            "user_email": getattr(user, "email", "") or "", "system_connection": False}


@molisa_sharing.route("/requests/new", methods=["GET", "POST"])
def request_new():
    """Apply for data that is not open (R12.6, R17.3), or, with
    ``kind=service``, a state agency's request to connect to default-sharing
    services (R12.4). Saved as a draft; "Submit" also sends it."""
    if not tk.current_user.is_authenticated:
        return _login_first()
    kind = tk.request.values.get("kind") or "special"
    if kind not in ("special", "service"):
        kind = "special"
    try:
        tk.check_access("molisa_sharing_request_create", request_context(), {})
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc))
    if tk.request.method == "GET":
        values = _defaults()
        values["datasets"] = [d for d in tk.request.args.getlist("dataset") if d]
        if kind == "service":
            values["requester_type"] = "state_agency"
            values["system_connection"] = True
        return _render_request_form(kind=kind, values=values, errors={})
    values, data = _request_form_data()
    data["kind"] = kind
    try:
        req = _call("molisa_sharing_request_create", data)
    except tk.ValidationError as exc:
        return _render_request_form(kind=kind, values=values, errors=_errors(exc))
    return _after_save(req)


def _after_save(req: dict[str, Any]):
    """After a request is saved: submit it too when the applicant pressed
    "Submit"; a request that cannot be submitted stays a draft, with why."""
    if tk.request.form.get("submit"):
        try:
            _call("molisa_sharing_request_submit", {"id": req["id"]})
            tk.h.flash_success(tk._("Your request was submitted to the unit that owns the "
                                    "data."))
        except tk.ValidationError as exc:
            tk.h.flash_error(tk._("The request was saved as a draft but not submitted: "
                                  "{errors}").format(errors=_error_text(exc)))
    else:
        tk.h.flash_success(tk._("Your request was saved as a draft."))
    return tk.redirect_to("molisa_sharing.request_read", id=req["id"])


def _error_text(exc: tk.ValidationError) -> str:
    return "; ".join(f"{tk.h.molisa_sharing_field_label(k)}: {' '.join(v)}"
                     for k, v in _errors(exc).items())


@molisa_sharing.route("/requests/<id>/edit", methods=["GET", "POST"])
def request_edit(id: str):
    """Change a draft or a request sent back for changes."""
    req = _call("molisa_sharing_request_show", {"id": id})
    try:
        tk.check_access("molisa_sharing_request_update", request_context(), {"id": req["id"]})
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc))
    if req["state"] not in ("draft", "changes_requested"):
        tk.h.flash_error(tk._("This request can no longer be changed."))
        return tk.redirect_to("molisa_sharing.request_read", id=req["id"])
    if tk.request.method == "GET":
        values = {key: req.get(key) for key in REQUEST_TEXT_FIELDS}
        values.update(datasets=[d["name"] for d in req["dataset_list"]],
                      resources=req.get("resources") or [],
                      fields=", ".join(req.get("fields") or []),
                      security_level=str(req["security_level"]) if req.get(
                          "security_level") else "",
                      system_connection=bool(req.get("security_level") or req["attachments"]))
        return _render_request_form(kind=req["kind"], values=values, errors={}, req=req)
    values, data = _request_form_data()
    data["id"] = req["id"]
    try:
        req = _call("molisa_sharing_request_update", data)
    except tk.ValidationError as exc:
        return _render_request_form(kind=req["kind"], values=values, errors=_errors(exc),
                                    req=req)
    return _after_save(req)


def _render_request(id: str, *, errors: Optional[dict] = None, form: str = "",
                    values: Optional[dict] = None):
    req = _call("molisa_sharing_request_show", {"id": id})
    grant = None
    if req.get("grant_id"):
        try:
            grant = tk.get_action("molisa_sharing_grant_show")(request_context(),
                                                                {"id": req["grant_id"]})
        except (tk.NotAuthorized, tk.ObjectNotFound):
            grant = None
    return tk.render("molisa_sharing/request_read.html", {
        "req": req, "grant": grant, "errors": errors or {}, "failed": form,
        "data": values or {}})


@molisa_sharing.route("/requests/<id>")
def request_read(id: str):
    """A request with its history, and what the user may do with it now."""
    return _render_request(id)


@molisa_sharing.route("/requests/<id>/submit", methods=["POST"])
def request_submit(id: str):
    try:
        _call("molisa_sharing_request_submit", {"id": id})
    except tk.ValidationError as exc:
        return _render_request(id, errors=_errors(exc), form="submit")
    tk.h.flash_success(tk._("Your request was submitted to the unit that owns the data."))
    return tk.redirect_to("molisa_sharing.request_read", id=id)


def _decide(id: str, action: str, form: str, data: dict[str, Any], values: dict[str, Any],
            done: str):
    try:
        _call(action, data)
    except tk.ValidationError as exc:
        return _render_request(id, errors=_errors(exc), form=form, values=values)
    tk.h.flash_success(done)
    return tk.redirect_to("molisa_sharing.request_read", id=id)


@molisa_sharing.route("/requests/<id>/changes", methods=["POST"])
def request_changes(id: str):
    """Send a submitted request back to the applicant, saying what to change."""
    values = _form_values(("reason",))
    return _decide(id, "molisa_sharing_request_request_changes", "changes",
                   dict(_non_empty(values), id=id), values,
                   tk._("The request was sent back to the applicant."))


@molisa_sharing.route("/requests/<id>/reject", methods=["POST"])
def request_reject(id: str):
    """Refuse a request; the reason is required (R18.1)."""
    values = _form_values(("reason",))
    return _decide(id, "molisa_sharing_request_reject", "reject",
                   dict(_non_empty(values), id=id), values,
                   tk._("The request was refused."))


@molisa_sharing.route("/requests/<id>/approve", methods=["POST"])
def request_approve(id: str):
    """Approve a request, possibly narrowing what is granted."""
    values = _form_values(APPROVE_FIELDS)
    values["fee_exempt"] = "true" if tk.request.form.get("fee_exempt") else "false"
    return _decide(id, "molisa_sharing_request_approve", "approve",
                   dict(_non_empty(values), id=id), values,
                   tk._("The request was approved: the grant is active."))


@molisa_sharing.route("/requests/<id>/attachments/<attachment_id>")
def request_attachment(id: str, attachment_id: str):
    """A technical document of a request, for its applicant and reviewers."""
    req = _call("molisa_sharing_request_show", {"id": id})
    for attachment in req.get("attachments") or []:
        if attachment.get("id") == attachment_id:
            path = sharing_attachments.path_of(req["id"], attachment)
            if not os.path.isfile(path):
                break
            response = send_file(path, mimetype=attachment.get("mimetype")
                                 or "application/octet-stream", as_attachment=True,
                                 download_name=attachment.get("name") or "file")
            response.headers["Cache-Control"] = "private, no-store"
            return response
    return tk.abort(404, tk._("Attachment not found"))


def _request_listing(role: str, **filters):
    page_number = _page_number()
    data = dict(filters, role=role, limit=PER_PAGE, offset=(page_number - 1) * PER_PAGE)
    try:
        result = _call("molisa_sharing_request_list", data)
    except tk.ValidationError as exc:
        return tk.abort(400, _error_text(exc))
    return result, _page(result, page_number, **filters)


@molisa_sharing.route("/requests")
def request_list():
    """My requests."""
    if not tk.current_user.is_authenticated:
        return _login_first()
    result, page = _request_listing("mine")
    return tk.render("molisa_sharing/request_list.html",
                     {"requests": result["results"], "count": result["count"], "page": page})


@molisa_sharing.route("/review")
def review():
    """The review queue of the units the user is an admin of (all units for
    sysadmins): submitted requests first, oldest deadline first; overdue ones
    flagged."""
    if not tk.current_user.is_authenticated:
        return _login_first()
    if not tk.h.molisa_sharing_is_reviewer():
        return tk.abort(403, tk._("Only the admins of a unit review its data requests"))
    pending = _call("molisa_sharing_request_list",
                    {"role": "review", "state": "submitted",
                     "limit": tk.config.get("ckanext.molisa_sharing.list_limit_max") or 500})
    pending_rows = sorted(pending["results"], key=lambda r: r.get("due_at") or "")
    state = tk.request.args.get("state") or ""
    filters = {"state": state} if state else {}
    result, page = _request_listing("review", **filters)
    others = [r for r in result["results"] if r["state"] != "submitted"]
    return tk.render("molisa_sharing/review.html", {
        "pending": pending_rows, "pending_count": pending["count"],
        "overdue_count": sum(1 for r in pending_rows if r.get("overdue")),
        "others": others, "page": page, "state": state})


# -- grants ---------------------------------------------------------------------

@molisa_sharing.route("/grants")
def grant_list():
    """My grants (held or managed)."""
    if not tk.current_user.is_authenticated:
        return _login_first()
    page_number = _page_number()
    result = _call("molisa_sharing_grant_list", {"role": "mine", "limit": PER_PAGE,
                                                 "offset": (page_number - 1) * PER_PAGE})
    reviewed = None
    if tk.h.molisa_sharing_is_reviewer():
        reviewed = _call("molisa_sharing_grant_list", {"role": "review", "limit": PER_PAGE})
    return tk.render("molisa_sharing/grant_list.html", {
        "grants": result["results"], "count": result["count"],
        "page": _page(result, page_number), "reviewed": reviewed})


def _render_grant(id: str, *, errors: Optional[dict] = None, form: str = "",
                  values: Optional[dict] = None, token: Optional[dict] = None):
    grant = _call("molisa_sharing_grant_show", {"id": id})
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
    values = _form_values(("reason",))
    try:
        _call(f"molisa_sharing_grant_{step}", dict(_non_empty(values), id=id))
    except tk.ValidationError as exc:
        return _render_grant(id, errors=_errors(exc), form=step, values=values)
    tk.h.flash_success({
        "suspend": tk._("The grant is suspended."),
        "reinstate": tk._("The grant is active again."),
        "terminate": tk._("The grant was terminated."),
    }[step])
    return tk.redirect_to("molisa_sharing.grant_read", id=id)


@molisa_sharing.route("/grants/<id>/usage-reports", methods=["POST"])
def grant_usage_report_request(id: str):
    """Ask the grantee how the data is used (R18.2)."""
    values = _form_values(("question", "due_date"))
    try:
        _call("molisa_sharing_grant_request_usage_report", dict(_non_empty(values), id=id))
    except tk.ValidationError as exc:
        return _render_grant(id, errors=_errors(exc), form="usage_request", values=values)
    tk.h.flash_success(tk._("The usage report was asked for."))
    return tk.redirect_to("molisa_sharing.grant_read", id=id)


@molisa_sharing.route("/grants/<id>/usage-reports/<report_id>", methods=["POST"])
def grant_usage_report_answer(id: str, report_id: str):
    """The grantee answers a usage report."""
    values = _form_values(("answer",))
    try:
        _call("molisa_sharing_grant_submit_usage_report",
              dict(_non_empty(values), id=report_id))
    except tk.ValidationError as exc:
        return _render_grant(id, errors=_errors(exc), form="answer-" + report_id,
                             values=values)
    tk.h.flash_success(tk._("Your usage report was sent."))
    return tk.redirect_to("molisa_sharing.grant_read", id=id)


@molisa_sharing.route("/grants/<id>/tokens", methods=["POST"])
def grant_token_create(id: str):
    """An API token bound to this grant, shown once."""
    values = _form_values(("name",))
    try:
        token = _call("molisa_sharing_grant_token_create", dict(_non_empty(values), id=id))
    except tk.ValidationError as exc:
        return _render_grant(id, errors=_errors(exc), form="token", values=values)
    response = make_response(_render_grant(id, token=token))
    response.headers["Cache-Control"] = "no-store"
    return response


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
        return _login_first()
    page_number = _page_number()
    result = _call("molisa_sharing_inbound_list", {"limit": PER_PAGE,
                                                   "offset": (page_number - 1) * PER_PAGE})
    return tk.render("molisa_sharing/inbound_list.html", {
        "inbound": result["results"], "count": result["count"],
        "page": _page(result, page_number), "can_create": bool(_inbound_units())})


@molisa_sharing.route("/inbound/new", methods=["GET", "POST"])
def inbound_new():
    """A unit asks to receive data from an outside system (R13.1-R13.4)."""
    if not tk.current_user.is_authenticated:
        return _login_first()
    units = _inbound_units()
    if not units:
        return tk.abort(403, tk._("Only a unit's editors and admins may ask to receive data"))
    if tk.request.method == "GET":
        values = {"contact_name": tk.current_user.fullname or "",
                  "contact_email": tk.current_user.email or ""}
        return tk.render("molisa_sharing/inbound_form.html",
                         {"data": values, "errors": {}, "error_summary": {}, "units": units})
    values = _form_values(INBOUND_FIELDS)
    try:
        inbound = _call("molisa_sharing_inbound_create", _non_empty(values))
    except tk.ValidationError as exc:
        errors = _errors(exc)
        return tk.render("molisa_sharing/inbound_form.html", {
            "data": values, "errors": errors, "units": units,
            "error_summary": {tk.h.molisa_sharing_field_label(k): " ".join(v)
                              for k, v in errors.items()}})
    tk.h.flash_success(tk._("Your request to receive data was sent to the IT Centre."))
    return tk.redirect_to("molisa_sharing.inbound_read", id=inbound["id"])


def _render_inbound(id: str, *, errors: Optional[dict] = None, form: str = "",
                    values: Optional[dict] = None):
    return tk.render("molisa_sharing/inbound_read.html", {
        "inbound": _call("molisa_sharing_inbound_show", {"id": id}),
        "errors": errors or {}, "failed": form, "data": values or {}})


@molisa_sharing.route("/inbound/<id>")
def inbound_read(id: str):
    return _render_inbound(id)


def _inbound_decide(id: str, action: str, form: str, fields: tuple[str, ...], done: str):
    values = _form_values(fields)
    try:
        _call(action, dict(_non_empty(values), id=id))
    except tk.ValidationError as exc:
        return _render_inbound(id, errors=_errors(exc), form=form, values=values)
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
