"""The pages of reports of problems: the form behind "Báo lỗi / Report a
problem" (``/report/new?dataset=...&resource=...``) and the portal's contact
form (``/contact``), a report's page with its thread and the handlers'
buttons (``/report/<id>``), the reporter's "my reports" (``/report/mine``),
the handlers' list (``/report/``) and the public statistics
(``/report/stats``). Thin callers of the ``molisa_report_*`` actions."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, request

import ckan.plugins.toolkit as tk

from ckanext.molisa import contexts

molisa_report = Blueprint("molisa_report", __name__)

FORBIDDEN = "You may not see this report."


def _call(action: str, data: dict[str, Any]) -> Any:
    return contexts.call_for_page(action, data, forbidden=tk._(FORBIDDEN),
                                  not_found=tk._("No such report."))


def _logged_in() -> bool:
    return bool(contexts.request_context().get("user"))


def _subject(dataset: str, resource: str) -> dict[str, Any]:
    """The dataset and resource named in the address, as the visitor sees
    them (nothing when they are unknown or not visible)."""
    ctx = contexts.request_context()
    pkg = res = None
    if dataset:
        try:
            pkg = tk.get_action("package_show")(dict(ctx), {"id": dataset})
        except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
            pkg = None
    if pkg and resource:
        res = next((r for r in pkg.get("resources") or [] if r.get("id") == resource), None)
    return {"pkg": pkg, "res": res}


def new(contact: bool = False):
    dataset = (request.values.get("dataset") or "")[:200] if not contact else ""
    resource = (request.values.get("resource") or "")[:200] if not contact else ""
    subject = _subject(dataset, resource)
    data: dict[str, Any] = {"type": "support" if contact else "data_error"}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        data = {key: request.form.get(key, "") for key in ("type", "description", "email",
                                                           "name")}
        data = {k: v for k, v in data.items() if v != ""}
        if subject["pkg"]:
            data["package_id"] = subject["pkg"]["id"]
        if subject["res"]:
            data["resource_id"] = subject["res"]["id"]
        files = [f for f in request.files.getlist("attachments") if f and f.filename]
        try:
            report = tk.get_action("molisa_report_create")(
                contexts.request_context(), dict(data, attachments=files) if files else dict(data))
        except tk.ValidationError as exc:
            errors = exc.error_dict
        else:
            if _logged_in():
                tk.h.flash_success(tk._("Thank you: your report has been sent to the managing "
                                        "unit. You can follow it here."))
                return tk.redirect_to("molisa_report.read", id=report["id"])
            return tk.render("molisa_report/sent.html", {"report": report})
    return tk.render("molisa_report/form.html", dict(
        subject, data=data, errors=errors, contact=contact, logged_in=_logged_in(),
        error_summary={k: "; ".join(map(str, v)) if isinstance(v, list) else str(v)
                       for k, v in errors.items()}))


def contact():
    return new(contact=True)


def _activities(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The dataset's versions since the report, for the closing form."""
    if not report.get("package") or report["state"] == "closed":
        return []
    try:
        activities = tk.get_action("package_activity_list")(
            contexts.request_context(), {"id": report["package"]["id"], "limit": 20})
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError):
        return []
    return [a for a in activities if (a.get("timestamp") or "") >= report["created"][:19]]


def read(id: str):
    report = _call("molisa_report_show", {"id": id})
    ctx = contexts.request_context()
    try:
        can_handle = tk.check_access("molisa_report_acknowledge", dict(ctx), {"id": id})
    except tk.NotAuthorized:
        can_handle = False
    return tk.render("molisa_report/read.html", {
        "report": report, "can_handle": can_handle,
        "activities": _activities(report) if can_handle else [],
        "errors": {}})


def attachment(id: str, attachment_id: str):
    """A report's file, for those who may read the report (and nobody else:
    the report is asked for first)."""
    from flask import send_file

    from . import attachments
    report = _call("molisa_report_show", {"id": id})
    for item in report.get("attachments") or []:
        if item.get("id") == attachment_id:
            return send_file(attachments.path_of(report["id"], item), as_attachment=True,
                             download_name=item["name"], mimetype=item["mimetype"])
    return tk.abort(404, tk._("No such file."))


def _post(id: str, action: str, fields: tuple[str, ...], success: str):
    data = {"id": id}
    data.update({k: request.form[k] for k in fields if request.form.get(k)})
    try:
        _call(action, data)
    except tk.ValidationError as exc:
        for messages in exc.error_dict.values():
            tk.h.flash_error("; ".join(map(str, messages)) if isinstance(messages, list)
                             else str(messages))
    else:
        tk.h.flash_success(success)
    return tk.redirect_to("molisa_report.read", id=id)


def reply(id: str):
    return _post(id, "molisa_report_reply", ("message",), tk._("Your message has been sent."))


def acknowledge(id: str):
    return _post(id, "molisa_report_acknowledge", ("message",),
                 tk._("The report has been acknowledged."))


def close(id: str):
    return _post(id, "molisa_report_close",
                 ("resolution", "activity_id", "reason", "restore_resource"),
                 tk._("The report has been closed."))


def _resource_step(id: str, action: str, success: str):
    report = _call("molisa_report_show", {"id": id})
    resource = (report.get("resource") or {}).get("id")
    if not resource:
        return tk.abort(400, tk._("The report names no resource."))
    try:
        _call(action, {"resource_id": resource, **({"report_id": id}
                                                   if action.endswith("hide_resource") else {})})
    except tk.ValidationError as exc:
        for messages in exc.error_dict.values():
            tk.h.flash_error("; ".join(map(str, messages)))
    else:
        tk.h.flash_success(success)
    return tk.redirect_to("molisa_report.read", id=id)


def hide(id: str):
    return _resource_step(id, "molisa_report_hide_resource",
                          tk._("The resource is hidden from the public."))


def restore(id: str):
    return _resource_step(id, "molisa_report_restore_resource",
                          tk._("The resource is shown again."))


def _list(mine: bool):
    if not _logged_in():
        return tk.abort(403, tk._("Log in to follow your reports."))
    state = request.args.get("state") or None
    data: dict[str, Any] = {"mine": mine}
    if state:
        data["state"] = state[:50]
    try:
        reports = _call("molisa_report_list", data)
    except tk.ValidationError:
        return tk.abort(400, tk._("Not one of the allowed values"))
    return tk.render("molisa_report/list.html", {"reports": reports, "mine": mine,
                                                 "state": state})


def mine():
    return _list(True)


def index():
    return _list(False)


def stats():
    figures = tk.get_action("molisa_report_stats")(contexts.request_context(), {})
    return tk.render("molisa_report/stats.html", {"stats": figures})


molisa_report.add_url_rule("/report/new", view_func=new, endpoint="new",
                           methods=["GET", "POST"])
molisa_report.add_url_rule("/contact", view_func=contact, endpoint="contact",
                           methods=["GET", "POST"])
molisa_report.add_url_rule("/report/", view_func=index, endpoint="index")
molisa_report.add_url_rule("/report/mine", view_func=mine, endpoint="mine")
molisa_report.add_url_rule("/report/stats", view_func=stats, endpoint="stats")
molisa_report.add_url_rule("/report/<id>", view_func=read, endpoint="read")
molisa_report.add_url_rule("/report/<id>/attachment/<attachment_id>", view_func=attachment,
                           endpoint="attachment")
for _name, _view in (("reply", reply), ("acknowledge", acknowledge), ("close", close),
                     ("hide", hide), ("restore", restore)):
    molisa_report.add_url_rule(f"/report/<id>/{_name}", view_func=_view, endpoint=_name,
                               methods=["POST"])
