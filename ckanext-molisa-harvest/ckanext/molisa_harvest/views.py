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

from ckanext.molisa.contexts import call_for_page, request_context

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


OTP_COOKIE = "molisa_mydata_otp"


def _context() -> dict[str, Any]:
    """The current user's context, with the token of a one-time-password
    session when the person's cookie holds one (only here does it enter a
    context)."""
    context = request_context()
    token = tk.request.cookies.get(OTP_COOKIE)
    if token:
        context[mydata.OTP_SESSION] = token
    return context


def _has_session() -> bool:
    return bool(tk.request.cookies.get(OTP_COOKIE))


def _my_records():
    try:
        return tk.get_action("molisa_mydata_records")(_context(), {})
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc) or tk._("Log in with the e-ID to see your data"))


def _my_accesses():
    return tk.get_action("molisa_mydata_accesses")(_context(), {})


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"   # a person's records: never cached
    return response


def _to_log_in():
    """Someone with neither an account nor a live code session: the log-in
    page, which offers the e-ID and the one-time password."""
    if _has_session():   # the session ran out
        tk.h.flash_notice(tk._("Your session with a one-time password has ended: ask for a "
                               "new code."))
        response = tk.redirect_to("molisa_mydata.otp")
        response.delete_cookie(OTP_COOKIE, path="/")
        return response
    return tk.redirect_to("user.login", next=tk.request.full_path)


def _anonymous_without_session() -> bool:
    if tk.current_user.is_authenticated:
        return False
    return mydata.subject_for(_context()) is None


@molisa_mydata.route("/")
def records():
    if _anonymous_without_session():
        return _to_log_in()
    result = _my_records()
    return _no_store(make_response(tk.render("molisa_mydata/records.html", {
        "result": result, "accesses": _my_accesses()["accesses"],
        "otp_session": _has_session()})))


@molisa_mydata.route("/flag/<access_id>", methods=["POST"])
def flag(access_id: str):
    """"I don't recognise this" on one entry of the person's list."""
    if _anonymous_without_session():
        return _to_log_in()
    try:
        tk.get_action("molisa_mydata_flag_create")(_context(), {
            "access_id": access_id, "note": tk.request.form.get("note", "")[:5000] or None})
        tk.h.flash_success(tk._("Thank you: the managing unit has been asked to explain this "
                                "use of your data. Its answer will appear here."))
    except tk.ValidationError as exc:
        tk.h.flash_error(" ".join(str(m) for v in _errors(exc).values() for m in v))
    except tk.ObjectNotFound as exc:
        return tk.abort(404, str(exc))
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc))
    return tk.redirect_to("molisa_mydata.records", _anchor="mydata-accesses")


@molisa_mydata.route("/cases")
def cases():
    """The cases of the caller's units (the IT Centre: all), with the
    answer form."""
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", next=tk.request.full_path)
    result = call_for_page("molisa_mydata_case_list", {},
                           forbidden=tk._("Not authorized to see this page"),
                           not_found=tk._("No such case."))
    return _no_store(make_response(tk.render("molisa_mydata/cases.html",
                                             {"cases": result["cases"]})))


@molisa_mydata.route("/cases/<id>/answer", methods=["POST"])
def case_answer(id: str):
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", next=tk.request.full_path)
    try:
        call_for_page("molisa_mydata_case_answer",
                      {"id": id, "answer": tk.request.form.get("answer", "")},
                      forbidden=tk._("Not authorized to see this page"),
                      not_found=tk._("No such case."))
        tk.h.flash_success(tk._("The person sees your answer on their My data page."))
    except tk.ValidationError as exc:
        tk.h.flash_error(" ".join(str(m) for v in _errors(exc).values() for m in v))
    return tk.redirect_to("molisa_mydata.cases")


@molisa_mydata.route("/records.<fmt>")
def download(fmt: str):
    if fmt not in ("csv", "json"):
        return tk.abort(404, tk._("Unknown format: CSV or JSON"))
    if _anonymous_without_session():
        return _to_log_in()
    result = _my_records()
    if fmt == "csv":
        body, mimetype = mydata.to_csv(result), "text/csv; charset=utf-8"
    else:
        body = json.dumps(result, ensure_ascii=False, indent=1, default=str).encode("utf-8")
        mimetype = "application/json; charset=utf-8"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=my-data.{fmt}",
        "Cache-Control": "no-store"})


def _errors(exc: tk.ValidationError) -> dict[str, list[str]]:
    return exc.error_dict if isinstance(exc.error_dict, dict) else {"": [str(exc)]}


@molisa_mydata.route("/otp", methods=["GET", "POST"])
def otp():
    """Step 1: the personal identification number; the answer names where
    the code went (masked), the same for a number the data does not hold."""
    if tk.request.method == "GET":
        return _no_store(make_response(tk.render("molisa_mydata/otp.html", {"errors": {}})))
    pid = tk.request.form.get("pid", "")
    try:
        sent = tk.get_action("molisa_mydata_otp_request")(request_context(), {"pid": pid})
    except tk.ValidationError as exc:
        return _no_store(make_response(tk.render("molisa_mydata/otp.html",
                                                 {"errors": _errors(exc)}), 400))
    return _no_store(make_response(tk.render("molisa_mydata/otp_code.html",
                                             {"sent": sent, "errors": {}})))


@molisa_mydata.route("/otp/verify", methods=["POST"])
def otp_verify():
    """Step 2: the code; a correct one opens the session (cookie) and shows
    the records."""
    form = tk.request.form
    data = {"challenge": form.get("challenge", ""), "code": form.get("code", "")}
    try:
        session = tk.get_action("molisa_mydata_otp_verify")(request_context(), data)
    except tk.ValidationError as exc:
        sent = {"challenge": data["challenge"], "sent_to": form.get("sent_to", "")[:120]}
        return _no_store(make_response(tk.render("molisa_mydata/otp_code.html",
                                                 {"sent": sent, "errors": _errors(exc)}), 400))
    response = tk.redirect_to("molisa_mydata.records")
    response.set_cookie(OTP_COOKIE, session["session"], max_age=session["expires_in"],
                        path="/", httponly=True, samesite="Lax",
                        secure=(tk.config.get("ckan.site_url") or "").startswith("https:"))
    return response


@molisa_mydata.route("/otp/end", methods=["POST"])
def otp_end():
    tk.get_action("molisa_mydata_otp_end")(_context(), {})
    response = tk.redirect_to("home.index")
    response.delete_cookie(OTP_COOKIE, path="/")
    return response
