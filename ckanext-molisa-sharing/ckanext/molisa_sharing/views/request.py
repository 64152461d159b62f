"""The pages of requests for data: apply, edit, submit, review (approve,
refuse, ask for changes), attachments, the lists."""
from __future__ import annotations

import os
from typing import Any, Optional

from flask import send_file

import ckan.plugins.toolkit as tk

from ckanext.molisa.contexts import request_context
from ckanext.molisa_sharing import attachments as sharing_attachments
from ckanext.molisa_sharing.views import base
from ckanext.molisa_sharing.views.base import (
    APPROVE_FIELDS, PER_PAGE, REQUEST_TEXT_FIELDS, molisa_sharing)


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
    values: dict[str, Any] = base.form_values(REQUEST_TEXT_FIELDS)
    values.update(datasets=datasets, resources=resources,
                  system_connection=bool(form.get("system_connection")))
    data = base.non_empty(values)
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
    return base.call("molisa_sharing_service_list", {}) if kind == "service" else []


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
        return base.login_first()
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
        req = base.call("molisa_sharing_request_create", data)
    except tk.ValidationError as exc:
        return _render_request_form(kind=kind, values=values, errors=base.errors(exc))
    return _after_save(req)


def _after_save(req: dict[str, Any]):
    """After a request is saved: submit it too when the applicant pressed
    "Submit"; a request that cannot be submitted stays a draft, with why."""
    if tk.request.form.get("submit"):
        try:
            base.call("molisa_sharing_request_submit", {"id": req["id"]})
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
                     for k, v in base.errors(exc).items())


@molisa_sharing.route("/requests/<id>/edit", methods=["GET", "POST"])
def request_edit(id: str):
    """Change a draft or a request sent back for changes."""
    req = base.call("molisa_sharing_request_show", {"id": id})
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
        req = base.call("molisa_sharing_request_update", data)
    except tk.ValidationError as exc:
        return _render_request_form(kind=req["kind"], values=values, errors=base.errors(exc),
                                    req=req)
    return _after_save(req)


def _render_request(id: str, *, errors: Optional[dict] = None, form: str = "",
                    values: Optional[dict] = None):
    req = base.call("molisa_sharing_request_show", {"id": id})
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
        base.call("molisa_sharing_request_submit", {"id": id})
    except tk.ValidationError as exc:
        return _render_request(id, errors=base.errors(exc), form="submit")
    tk.h.flash_success(tk._("Your request was submitted to the unit that owns the data."))
    return tk.redirect_to("molisa_sharing.request_read", id=id)


def _decide(id: str, action: str, form: str, data: dict[str, Any], values: dict[str, Any],
            done: str):
    try:
        base.call(action, data)
    except tk.ValidationError as exc:
        return _render_request(id, errors=base.errors(exc), form=form, values=values)
    tk.h.flash_success(done)
    return tk.redirect_to("molisa_sharing.request_read", id=id)


@molisa_sharing.route("/requests/<id>/changes", methods=["POST"])
def request_changes(id: str):
    """Send a submitted request back to the applicant, saying what to change."""
    values = base.form_values(("reason",))
    return _decide(id, "molisa_sharing_request_request_changes", "changes",
                   dict(base.non_empty(values), id=id), values,
                   tk._("The request was sent back to the applicant."))


@molisa_sharing.route("/requests/<id>/reject", methods=["POST"])
def request_reject(id: str):
    """Refuse a request; the reason is required (R18.1)."""
    values = base.form_values(("reason",))
    return _decide(id, "molisa_sharing_request_reject", "reject",
                   dict(base.non_empty(values), id=id), values,
                   tk._("The request was refused."))


@molisa_sharing.route("/requests/<id>/approve", methods=["POST"])
def request_approve(id: str):
    """Approve a request, possibly narrowing what is granted."""
    values = base.form_values(APPROVE_FIELDS)
    values["fee_exempt"] = "true" if tk.request.form.get("fee_exempt") else "false"
    return _decide(id, "molisa_sharing_request_approve", "approve",
                   dict(base.non_empty(values), id=id), values,
                   tk._("The request was approved: the grant is active."))


@molisa_sharing.route("/requests/<id>/attachments/<attachment_id>")
def request_attachment(id: str, attachment_id: str):
    """A technical document of a request, for its applicant and reviewers."""
    req = base.call("molisa_sharing_request_show", {"id": id})
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
    page_number = base.page_number()
    data = dict(filters, role=role, limit=PER_PAGE, offset=(page_number - 1) * PER_PAGE)
    try:
        result = base.call("molisa_sharing_request_list", data)
    except tk.ValidationError as exc:
        return tk.abort(400, _error_text(exc))
    return result, base.page(result, page_number, **filters)


@molisa_sharing.route("/requests")
def request_list():
    """My requests."""
    if not tk.current_user.is_authenticated:
        return base.login_first()
    result, page = _request_listing("mine")
    return tk.render("molisa_sharing/request_list.html",
                     {"requests": result["results"], "count": result["count"], "page": page})


@molisa_sharing.route("/review")
def review():
    """The review queue of the units the user is an admin of (all units for
    sysadmins): submitted requests first, oldest deadline first; overdue ones
    flagged."""
    if not tk.current_user.is_authenticated:
        return base.login_first()
    if not tk.h.molisa_sharing_is_reviewer():
        return tk.abort(403, tk._("Only the admins of a unit review its data requests"))
    pending = base.call("molisa_sharing_request_list",
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
