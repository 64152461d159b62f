"""WikiMolisa's pages: the section (``/wikimolisa``: the published community
datasets), the short form (``/wikimolisa/new``), the submitter's list
(``/wikimolisa/mine``), the moderators' queue (``/wikimolisa/moderation``),
the form of a reuse (``/wikimolisa/reuse/new?dataset=<name>``) and its
moderation (``/wikimolisa/reuse/<id>/moderate``), the e-mail verification link (``/wikimolisa/verify/<token>``), a
submission's page with its scan report, its history and the moderators'
decision form (``/wikimolisa/<id>``, ``/wikimolisa/<id>/moderate``), the
submitter's edit of a submission returned for changes
(``/wikimolisa/<id>/edit``) and a file of it (``/wikimolisa/<id>/file/<resource
id>``: a quarantined one for moderators only). Thin callers of the
``molisa_wiki_*`` actions."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, request, send_file

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import uploader

from ckanext.molisa import contexts

molisa_wiki = Blueprint("molisa_wiki", __name__)


def _call(action: str, data: dict[str, Any]) -> Any:
    return contexts.call_for_page(action, data, forbidden=tk._("Log in to continue."),
                                  not_found=tk._("No such community dataset."))


def index():
    items = _call("molisa_wiki_list", {})
    return tk.render("molisa_wiki/index.html", {"items": items})


def mine():
    if not contexts.request_context().get("user"):
        return tk.abort(403, tk._("Log in to see your submissions."))
    items = _call("molisa_wiki_list", {"mine": True})
    return tk.render("molisa_wiki/index.html", {"items": items, "mine": True})


FIELDS = ("title", "notes", "source", "license_id")


def _form(action: str, data: dict[str, Any], extra: dict[str, Any], thanks: str,
          item: Any = None):
    """The short form: shown with ``data``, or, posted, sent to ``action``
    (with ``extra``) and on success the submission's page."""
    errors: dict[str, Any] = {}
    if request.method == "POST":
        data = {key: request.form.get(key, "") for key in FIELDS}
        files = [f for f in request.files.getlist("files") if f and f.filename]
        try:
            submission = tk.get_action(action)(contexts.request_context(),
                                               dict(data, files=files, **extra))
        except tk.ValidationError as exc:
            errors = exc.error_dict
        except tk.NotAuthorized as exc:
            return tk.abort(403, str(exc))
        else:
            tk.h.flash_success(thanks)
            return tk.redirect_to("molisa_wiki.read", id=submission["id"])
    from ckanext.molisa.logic.wiki_schema import open_licences
    return tk.render("molisa_wiki/form.html", dict(
        data=data, errors=errors, licences=open_licences(), item=item,
        error_summary={k: "; ".join(map(str, v)) if isinstance(v, list) else str(v)
                       for k, v in errors.items()}))


def new():
    try:
        tk.check_access("molisa_wiki_submit", contexts.request_context(), {})
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc))
    return _form("molisa_wiki_submit", {}, {}, tk._(
        "Thank you: your data has been checked and sent to WikiMolisa's moderators."))


def edit(id: str):
    """The submitter changes a submission returned for changes and sends it
    again (``molisa_wiki_submission_update``)."""
    submission = _call("molisa_wiki_show", {"id": id[:200]})
    try:
        tk.check_access("molisa_wiki_submission_update", contexts.request_context(),
                        {"id": submission["id"]})
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc))
    dataset = submission["dataset"] or {}
    return _form("molisa_wiki_submission_update",
                 {k: dataset.get(k) or "" for k in FIELDS}, {"id": submission["id"]},
                 tk._("Thank you: your changes have been checked and sent to WikiMolisa's "
                      "moderators again."), item=submission)


def read(id: str):
    submission = _call("molisa_wiki_show", {"id": id[:200]})
    return tk.render("molisa_wiki/read.html", {"item": submission})


def moderation():
    items = _call("molisa_wiki_list", {"queue": True})
    reuses = _call("molisa_wiki_reuse_list", {"queue": True})
    import datetime
    return tk.render("molisa_wiki/moderation.html", {
        "items": items, "reuses": reuses, "today": datetime.date.today().isoformat()})


def reuse_new():
    try:
        tk.check_access("molisa_wiki_reuse_create", contexts.request_context(), {})
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc))
    dataset = (request.values.get("dataset") or "")[:200]
    try:
        pkg = tk.get_action("package_show")(contexts.request_context(), {"id": dataset})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return tk.abort(404, tk._("No such dataset."))
    data: dict[str, Any] = {"type": "application"}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        data = {key: request.form.get(key, "") for key in ("type", "title", "url",
                                                           "description")}
        data = {k: v for k, v in data.items() if v != ""}
        try:
            tk.get_action("molisa_wiki_reuse_create")(contexts.request_context(),
                                                      dict(data, package_id=pkg["id"]))
        except tk.ValidationError as exc:
            errors = exc.error_dict
        else:
            tk.h.flash_success(tk._("Thank you: your reuse has been sent to WikiMolisa's "
                                    "moderators."))
            return tk.redirect_to(pkg["type"] + ".read", id=pkg["name"])
    from . import labels
    return tk.render("molisa_wiki/reuse_form.html", dict(
        pkg=pkg, data=data, errors=errors, types=labels.reuse_type_choices(),
        error_summary={k: "; ".join(map(str, v)) if isinstance(v, list) else str(v)
                       for k, v in errors.items()}))


def reuse_moderate(id: str):
    _decide("molisa_wiki_reuse_moderate", id)
    return tk.redirect_to("molisa_wiki.moderation")


def _decide(action: str, id: str) -> None:
    """The moderator's decision from the form, its outcome flashed."""
    data = {"id": id[:200], "decision": request.form.get("decision", ""),
            "reason": request.form.get("reason", "")}
    if not data["reason"]:
        data.pop("reason")
    try:
        _call(action, data)
    except tk.ValidationError as exc:
        tk.h.flash_error("; ".join(str(m) for v in exc.error_dict.values()
                                   for m in (v if isinstance(v, list) else [v])))
    else:
        tk.h.flash_success(tk._("The decision has been recorded and the submitter told."))


def moderate(id: str):
    _decide("molisa_wiki_moderate", id)
    return tk.redirect_to("molisa_wiki.read", id=id[:200])


def verify(token: str):
    try:
        result = tk.get_action("molisa_wiki_verify")(contexts.request_context(),
                                                    {"token": token[:1000]})
    except tk.ValidationError as exc:
        return tk.render("molisa_wiki/verified.html", {
            "error": "; ".join(map(str, exc.error_dict.get("token") or []))}), 400
    return tk.render("molisa_wiki/verified.html", {"result": result})


def file(id: str, resource_id: str):
    context = contexts.request_context()
    submission = _call("molisa_wiki_show", {"id": id[:200]})
    try:
        tk.check_access("molisa_wiki_file", context, {"id": submission["id"],
                                                       "resource_id": resource_id[:100]})
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc))
    resource = model.Resource.get(resource_id[:100])
    if resource is None or resource.package_id != submission["package_id"] \
            or resource.url_type != "upload":
        return tk.abort(404, tk._("No such file."))
    path = uploader.get_resource_uploader({"id": resource.id}).get_path(resource.id)
    return send_file(path, as_attachment=True,
                     download_name=resource.url.rsplit("/", 1)[-1] or "file")


molisa_wiki.add_url_rule("/wikimolisa", view_func=index, endpoint="index")
molisa_wiki.add_url_rule("/wikimolisa/mine", view_func=mine, endpoint="mine")
molisa_wiki.add_url_rule("/wikimolisa/new", view_func=new, endpoint="new",
                         methods=["GET", "POST"])
molisa_wiki.add_url_rule("/wikimolisa/verify/<token>", view_func=verify, endpoint="verify")
molisa_wiki.add_url_rule("/wikimolisa/moderation", view_func=moderation,
                         endpoint="moderation")
molisa_wiki.add_url_rule("/wikimolisa/<id>/edit", view_func=edit, endpoint="edit",
                         methods=["GET", "POST"])
molisa_wiki.add_url_rule("/wikimolisa/<id>/moderate", view_func=moderate, endpoint="moderate",
                         methods=["POST"])
molisa_wiki.add_url_rule("/wikimolisa/reuse/new", view_func=reuse_new, endpoint="reuse_new",
                         methods=["GET", "POST"])
molisa_wiki.add_url_rule("/wikimolisa/reuse/<id>/moderate", view_func=reuse_moderate,
                         endpoint="reuse_moderate", methods=["POST"])
molisa_wiki.add_url_rule("/wikimolisa/<id>", view_func=read, endpoint="read")
molisa_wiki.add_url_rule("/wikimolisa/<id>/file/<resource_id>", view_func=file,
                         endpoint="file")
