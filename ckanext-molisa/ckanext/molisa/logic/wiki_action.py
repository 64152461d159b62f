"""Actions of WikiMolisa (``molisa_wiki_*``, R14.3, R14.4, R4.3, R15.1).
Each: check access, validate, act, commit, audit, return a dict. Who may see
and do what: ``wiki_auth.py``."""
from __future__ import annotations

import datetime
import io
import logging
import uuid
from typing import Any, Optional

from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.munge import munge_title_to_name

from ckanext.molisa import audit, contexts
from ckanext.molisa.logic import wiki_schema as schema
from ckanext.molisa.logic.report_auth import user_of
from ckanext.molisa.logic.wiki_auth import is_moderator, may_see, submission_of
from ckanext.molisa.model.wiki import (CHANGES_REQUESTED, PUBLISHED, SUBMITTED, Reuse,
                                       Submission, now)
from ckanext.molisa.reports import deadlines, throttle
from ckanext.molisa.wiki import files as stored, mail, scan, verification
from ckanext.molisa.logic.base import validate as _validate, commit as _commit

TYPE = "community"

log = logging.getLogger(__name__)


def _audit(context, action: str, submission: Submission, **extra) -> None:
    pkg = model.Package.get(submission.package_id)
    audit.record("wiki", action, actor=context.get("user") or None,
                 client_addr=throttle.client_addr(), datasets=[submission.package_id],
                 organizations=[pkg.owner_org if pkg else None],
                 extra=dict({"submission_id": submission.id, "state": submission.state},
                            **extra))


def organization() -> dict[str, Any]:
    """WikiMolisa's organisation, created the first time it is needed."""
    name = tk.config.get("ckanext.molisa.wiki.organization") or "wikimolisa"
    site = contexts.site_context(ignore_auth=True)
    try:
        return tk.get_action("organization_show")(dict(site), {"id": name,
                                                                "include_datasets": False})
    except tk.ObjectNotFound:
        return tk.get_action("organization_create")(dict(site), {
            "name": name, "title": "WikiMolisa", "title_en": "WikiMolisa",
            "unit_type": "centre_or_fund",
            "description": "Dữ liệu mở do cộng đồng công bố / Open data published by the public"})


def _due(day: datetime.date) -> datetime.date:
    days = int(tk.config.get("ckanext.molisa.wiki.review_working_days"))
    return deadlines.add_working_days(day, days,
                                      deadlines.days_off([day.year, day.year + 1]))


def _repeated(user_id: str, title: str) -> bool:
    """The same title submitted by this account, awaiting moderation or
    published (after a rejection or a request for changes it may come again)."""
    rows = model.Session.query(Submission.package_id).filter(
        Submission.submitter_id == user_id,
        Submission.state.in_((SUBMITTED, PUBLISHED))).all()
    ids = [r[0] for r in rows]
    if not ids:
        return False
    return model.Session.query(model.Package.id).filter(
        model.Package.id.in_(ids),
        model.Package.title.ilike(title.strip())).first() is not None


def _split(data_dict) -> tuple[list, dict[str, Any]]:
    """The uploaded files (``files``, ``files_2``, ...) and the rest."""
    data_dict = dict(data_dict or {})
    uploads = [f for key, value in data_dict.items()
               if key == scan.FIELD or key.startswith(scan.FIELD + "_")
               for f in (value if isinstance(value, list) else [value])
               if hasattr(f, "filename") and hasattr(f, "stream") and f.filename]
    text = {k: v for k, v in data_dict.items()
            if k != scan.FIELD and not k.startswith(scan.FIELD + "_")}
    return uploads, text


def _checked(context, text: dict[str, Any], fields: dict, uploads: list,
             files_required: bool) -> tuple[dict[str, Any], list, dict[str, list[str]]]:
    """The text validated and the files checked (type, size), every error
    collected per field: (data, prepared files, errors)."""
    errors: dict[str, list[str]] = {}
    try:
        data = _validate(text, fields, context)
    except tk.ValidationError as exc:
        errors.update(exc.error_dict)
        data = {}
    prepared: list = []
    if uploads or files_required:
        try:
            prepared = scan.check_files(uploads)
        except tk.ValidationError as exc:
            errors.update(exc.error_dict)
    return data, prepared, errors


def _note(submission: Submission, user: Optional[model.User], action: str, **extra) -> None:
    """One step in the submission's history."""
    entry = {"action": action, "at": now().isoformat(), "by": user.id if user else None}
    entry.update({k: v for k, v in extra.items() if v is not None})
    submission.history = list(submission.history or []) + [entry]


def _store(site, package_id: str, prepared, results) -> tuple[list[dict], list[str]]:
    """The checked files as resources of the dataset, with their scan: (the
    scan report per file, the quarantined resource ids)."""
    quarantined, files = [], []
    for (filename, content, mimetype), result in zip(prepared, results):
        resource = tk.get_action("resource_create")(dict(site), {
            "package_id": package_id, "name": filename,
            "format": scan.extension(filename).upper(),
            "upload": FileStorage(stream=io.BytesIO(content), filename=filename,
                                  content_type=mimetype or "application/octet-stream")})
        if not result["readable"] and not result["personal_data"]:
            result["personal_data"] = [{"column": None, "category": "unreadable", "row": None}]
        if result["personal_data"]:
            quarantined.append(resource["id"])
        files.append(dict(result, resource_id=resource["id"],
                          quarantined=bool(result["personal_data"])))
    return files, quarantined


def _failed(exc: Exception) -> tk.ValidationError:
    """The error the submitter sees when storing the data failed halfway:
    per field, nothing kept."""
    messages: list[str] = []
    if isinstance(exc, tk.ValidationError):
        for value in (exc.error_dict or {}).values():
            messages += [str(m) for m in (value if isinstance(value, list) else [value])
                         if isinstance(m, str)]
    else:
        log.exception("A WikiMolisa submission failed while it was stored")
    messages.append(tk._("The data could not be stored, and nothing of it was kept. "
                         "Check the files and send them again."))
    return tk.ValidationError({scan.FIELD: messages})


def _purge(site, package_id: Optional[str]) -> None:
    """Undo a submission that failed halfway: the dataset, its resources,
    their files and its index entry are purged."""
    model.Session.rollback()
    stored.purge(site, package_id)


def molisa_wiki_submit(context, data_dict):
    """Submit a community dataset to WikiMolisa. Before any moderator sees
    it, its files are checked (type and size), scanned for personal data (a
    finding quarantines the file), validated as tables (Frictionless) and the
    text is checked for spam signals; the dataset stays private until a
    moderator publishes it. If storing it fails halfway (a file CKAN's store
    refuses, an error after the dataset was created), nothing is kept: the
    dataset is purged with its files and the error is given per field.

    :param title: the title
    :type title: string
    :param notes: the description
    :type notes: string
    :param source: where the data comes from
    :type source: string
    :param license_id: an open licence from CKAN's licence list
    :type license_id: string
    :param files: one to five files (``files``, ``files_2``, ...; CSV, XLSX
        or JSON by default, size limited)
    :type files: uploaded files
    :rtype: dictionary (the submission, with its scan)
    """
    tk.check_access("molisa_wiki_submit", context, data_dict)
    uploads, text = _split(data_dict)
    data, prepared, errors = _checked(context, text, schema.molisa_wiki_submit(), uploads,
                                      files_required=True)
    if data:
        for field, messages in scan.spam_errors(data["title"], data["notes"]).items():
            errors.setdefault(field, []).extend(messages)
    user = user_of(context)
    if data and not errors.get("title") and _repeated(user.id, data["title"]):
        errors.setdefault("title", []).append(tk._(
            "You have already submitted a dataset with this title."))
    if errors:
        raise tk.ValidationError(errors)

    if not verification.take_daily(user.id):
        raise tk.ValidationError({"account": [tk._(
            "You have reached today's limit of {n} submissions: try again tomorrow.").format(
                n=tk.config.get("ckanext.molisa.wiki.submissions_per_day"))]})
    results = [scan.scan_file(name, content) for name, content, _ in prepared]
    org = organization()
    site = contexts.site_context(ignore_auth=True)
    name = (munge_title_to_name(data["title"])[:80].strip("-") or "du-lieu") + "-" + \
        uuid.uuid4().hex[:8]
    package_id = None
    try:
        pkg = tk.get_action("package_create")(dict(site), {
            "type": TYPE, "name": name, "title": data["title"], "notes": data["notes"],
            "source": data["source"], "license_id": data["license_id"],
            "owner_org": org["id"], "private": True})
        package_id = pkg["id"]
        files, quarantined = _store(site, package_id, prepared, results)
        today = datetime.date.today()
        submission = Submission(package_id=package_id, submitter_id=user.id,
                                state=SUBMITTED, due=_due(today), scan={"files": files},
                                quarantined=quarantined)
        _note(submission, user, "submit", files=[f["name"] for f in files])
        model.Session.add(submission)
        model.Session.flush()
        _audit(context, "submit", submission, quarantined=len(quarantined), files=len(files))
        _commit(context)
    except Exception as exc:
        _purge(site, package_id)
        raise _failed(exc)
    return _dictize(context, submission)


def molisa_wiki_submission_update(context, data_dict):
    """The submitter (or a moderator) edits a submission the moderators
    returned with a request for changes, and sends it back to the queue: the
    same submission and dataset, its history kept (the request and what
    changed). New files replace the old ones and are scanned again; without
    files the old ones stay. A field left out stays as it was.

    :param id: the submission's id (or its dataset's id or name)
    :type id: string
    :param title: the title (optional)
    :type title: string
    :param notes: the description (optional)
    :type notes: string
    :param source: where the data comes from (optional)
    :type source: string
    :param license_id: an open licence (optional)
    :type license_id: string
    :param files: new files replacing the old ones (optional; ``files``,
        ``files_2``, ...)
    :type files: uploaded files
    :rtype: dictionary (the submission, with its scan)
    """
    tk.check_access("molisa_wiki_submission_update", context, data_dict)
    uploads, text = _split(data_dict)
    data, prepared, errors = _checked(context, text, schema.molisa_wiki_submission_update(),
                                      uploads, files_required=False)
    submission = submission_of(data_dict)
    if submission is None:
        raise tk.ObjectNotFound(tk._("No such community dataset."))
    if submission.state != CHANGES_REQUESTED:        # sysadmins skip the auth function
        raise tk.ValidationError({"id": [tk._(
            "Only a submission the moderators returned for changes can be edited.")]})
    pkg = model.Package.get(submission.package_id)
    current = {"title": pkg.title, "notes": pkg.notes, "source": pkg.extras.get("source"),
               "license_id": pkg.license_id}
    changed = [k for k in current if k in data and data[k] != current[k]]
    if data and not errors.get("title") and not errors.get("notes"):
        for field, messages in scan.spam_errors(data.get("title", pkg.title),
                                                data.get("notes", pkg.notes or "")).items():
            errors.setdefault(field, []).extend(messages)
    if "title" in changed and not errors.get("title") and \
            _repeated(submission.submitter_id, data["title"]):
        errors.setdefault("title", []).append(tk._(
            "You have already submitted a dataset with this title."))
    if errors:
        raise tk.ValidationError(errors)
    results = [scan.scan_file(name, content) for name, content, _ in prepared]
    site = contexts.site_context(ignore_auth=True)
    old_ids = [r.id for r in pkg.resources]          # the active ones
    before = set(stored.resource_ids(pkg.id))
    new_ids: list[str] = []
    try:
        files, quarantined = _store(site, pkg.id, prepared, results)
        new_ids = [f["resource_id"] for f in files]
        if files:
            for resource_id in old_ids:
                tk.get_action("resource_delete")(dict(site), {"id": resource_id})
            submission.scan, submission.quarantined = {"files": files}, quarantined
        if changed:
            tk.get_action("package_patch")(dict(site), dict(
                {k: data[k] for k in changed}, id=pkg.id))
    except Exception as exc:
        model.Session.rollback()
        added = [r for r in stored.resource_ids(pkg.id) if r not in before]
        for resource_id in added:
            tk.get_action("resource_delete")(dict(site), {"id": resource_id})
        stored.remove_stored(set(added) | set(new_ids))
        raise _failed(exc)
    user = user_of(context)
    submission.state, submission.due = SUBMITTED, _due(datetime.date.today())
    submission.reason = None
    _note(submission, user, "update", changed=changed,
          files=[f["name"] for f in files] if files else None)
    _audit(context, "update", submission, changed=changed, files=len(files))
    _commit(context)
    if files:
        stored.remove_stored(old_ids)
    return _dictize(context, submission)


def _dictize(context, submission: Submission) -> dict[str, Any]:
    """The submission as the caller may see it: the dataset's metadata, its
    files (a quarantined one without its address but for moderators) and
    the scan report (for the submitter and the moderators)."""
    user = user_of(context)
    moderator = is_moderator(user)
    own = bool(user and submission.submitter_id == user.id)
    pkg = model.Package.get(submission.package_id)
    result = submission.as_dict()
    result.pop("decided_by", None)
    result["moderator"] = moderator
    result["own"] = own
    quarantined = set(submission.quarantined or [])
    files = []
    for item in (submission.scan or {}).get("files") or []:
        shown = {k: item.get(k) for k in ("name", "size", "resource_id", "quarantined")}
        if own or moderator:
            shown.update({k: item.get(k) for k in ("personal_data", "table", "readable")})
        files.append(shown)
    result["scan"] = {"files": files} if (own or moderator) else {}
    result["files"] = [f for f in files if moderator or f["resource_id"] not in quarantined
                       or own]
    history = result.pop("history", None) or []
    if own or moderator:
        result["history"] = [dict(step) if moderator else
                             {k: v for k, v in step.items() if k != "by"}
                             for step in history]
    else:
        result.pop("submitter_id", None)
        result.pop("quarantined", None)
    result["dataset"] = {
        "id": pkg.id, "name": pkg.name, "title": pkg.title, "notes": pkg.notes,
        "license_id": pkg.license_id, "license_title": pkg.license.title if pkg.license else
        pkg.license_id, "source": pkg.extras.get("source"),
        "private": pkg.private} if pkg else None
    return result


@tk.side_effect_free
def molisa_wiki_show(context, data_dict):
    """One submission (by its id or its dataset's id or name), as the caller
    may see it: a submission that is not published only to its submitter and
    the moderators (to anyone else it does not exist).

    :param id: the submission's id, or its dataset's id or name
    :type id: string
    :rtype: dictionary
    """
    tk.check_access("molisa_wiki_show", context, data_dict)
    _validate(data_dict, schema.molisa_wiki_show(), context)
    submission = submission_of(data_dict)
    if submission is None or not may_see(user_of(context), submission):
        raise tk.ObjectNotFound(tk._("No such community dataset."))
    return _dictize(context, submission)


@tk.side_effect_free
def molisa_wiki_list(context, data_dict):
    """Community datasets, newest first: the published ones; with ``mine``
    the caller's own in every state; with ``queue`` (moderators) those
    awaiting moderation, with their due dates.

    :param mine: the caller's submissions (optional)
    :type mine: bool
    :param queue: the moderation queue (optional)
    :type queue: bool
    :rtype: list of dictionaries
    """
    tk.check_access("molisa_wiki_list", context, data_dict)
    data = _validate(data_dict, schema.molisa_wiki_list(), context)
    user = user_of(context)
    query = model.Session.query(Submission)
    if data.get("queue"):
        tk.check_access("molisa_wiki_queue", context, data_dict)
        query = query.filter(Submission.state == SUBMITTED).order_by(Submission.due,
                                                                    Submission.created)
    elif data.get("mine"):
        if user is None:
            raise tk.NotAuthorized(tk._("Log in to see your submissions."))
        query = query.filter(Submission.submitter_id == user.id).order_by(
            Submission.created.desc())
    else:
        query = query.filter(Submission.state == PUBLISHED).order_by(
            Submission.created.desc())
    return [_dictize(context, s) for s in query.limit(500)]


def _decide(context, row, data: dict[str, Any]) -> Optional[model.User]:
    """A moderator's decision on a submission or a reuse awaiting it (a
    reason required but to publish), stamped with who and when."""
    if row.state != SUBMITTED:
        raise tk.ValidationError({"decision": [tk._(
            "This submission is not awaiting moderation.")]})
    if data["decision"] != "publish" and not data.get("reason"):
        raise tk.ValidationError({"reason": [tk._("Give the submitter a reason.")]})
    user = user_of(context)
    row.state = schema.DECISIONS[data["decision"]]
    row.reason = data.get("reason") or None
    row.decided_at = now()
    row.decided_by = user.id if user else None
    return user


def molisa_wiki_moderate(context, data_dict):
    """A moderator's decision on a submission awaiting moderation: publish it
    (the dataset becomes public; a quarantined file stays for moderators
    only), ask for changes or reject it, each with a reason for the last
    two. The submitter is mailed; the step is an audit event.

    :param id: the submission's id (or its dataset's id or name)
    :type id: string
    :param decision: ``publish``, ``request_changes`` or ``reject``
    :type decision: string
    :param reason: why (required to ask for changes or to reject)
    :type reason: string
    :rtype: dictionary (the submission)
    """
    tk.check_access("molisa_wiki_moderate", context, data_dict)
    data = _validate(data_dict, schema.molisa_wiki_moderate(), context)
    submission = submission_of(data)
    if submission is None:
        raise tk.ObjectNotFound(tk._("No such community dataset."))
    user = _decide(context, submission, data)
    _note(submission, user, data["decision"], reason=submission.reason)
    if submission.state == PUBLISHED:
        tk.get_action("package_patch")(contexts.site_context(ignore_auth=True),
                                       {"id": submission.package_id, "private": False})
    _audit(context, data["decision"], submission, reason=submission.reason)
    _commit(context)
    mail.decided(submission)
    return _dictize(context, submission)


@tk.chained_action
def user_create(next_action, context, data_dict):
    """CKAN's ``user_create``; an account a visitor creates for themselves
    (the registration form) is marked unverified and sent a verification
    link (``wiki/verification.py``)."""
    self_registered = not context.get("user") and not context.get("ignore_auth")
    result = next_action(context, data_dict)
    if self_registered and isinstance(result, dict):
        user = model.User.get(result.get("id"))
        if user is not None and user.email:
            verification.mark_unverified(user)
            _commit(context)
            verification.send_link(user)
    return result


@tk.chained_action
def user_update(next_action, context, data_dict):
    """CKAN's ``user_update`` (and ``user_patch``); when an account's e-mail
    address changes, the new address is verified again before the account
    may submit to WikiMolisa: it is marked unverified and sent the signed
    link, as at registration. An address a sysadmin sets for someone else,
    or the portal's own processes (the e-ID login), is trusted."""
    value = data_dict.get("id") if isinstance(data_dict, dict) else None
    account = model.User.get(value) if isinstance(value, str) and 0 < len(value) <= 200 \
        else None
    before = (account.email or "").strip().lower() if account is not None else None
    result = next_action(context, data_dict)
    account = model.User.get(result.get("id")) if isinstance(result, dict) else None
    if account is None or not account.email or before is None \
            or account.email.strip().lower() == before:
        return result
    changer = user_of(context)
    if context.get("ignore_auth") or (changer is not None and changer.sysadmin
                                      and changer.id != account.id):
        return result
    verification.mark_unverified(account)
    audit.record("wiki", "email_changed", actor=context.get("user") or None,
                 client_addr=throttle.client_addr(), extra={"user_id": account.id})
    _commit(context)
    verification.send_link(account, changed=True)
    return result


def molisa_wiki_verify(context, data_dict):
    """Confirm a self-registered account's e-mail address with the signed,
    expiring token the verification mail carried.

    :param token: the token
    :type token: string
    :rtype: dictionary with ``name`` (the account) and ``verified``
    """
    tk.check_access("molisa_wiki_verify", context, data_dict)
    data = _validate(data_dict, schema.molisa_wiki_verify(), context)
    user, error = verification.read_token(data["token"])
    if user is None:
        raise tk.ValidationError({"token": [error]})
    already = not verification.is_unverified(user)
    if not already:
        verification.mark_verified(user)
        audit.record("wiki", "verify_email", actor=user.name,
                     client_addr=throttle.client_addr(), extra={"user_id": user.id})
        _commit(context)
    return {"name": user.name, "verified": True, "already": already}


def _reuse_dict(context, reuse: Reuse) -> dict[str, Any]:
    user = user_of(context)
    result = reuse.as_dict()
    result.pop("decided_by", None)
    if not (is_moderator(user) or (user and user.id == reuse.submitter_id)):
        result.pop("submitter_id", None)
        result.pop("reason", None)
    return result


def molisa_wiki_reuse_create(context, data_dict):
    """Register a reuse (an application, an article or a report) of an open
    dataset the caller may see. It is shown on the dataset once a moderator
    publishes it (``molisa_wiki_reuse_moderate``).

    :param package_id: the dataset's id or name
    :type package_id: string
    :param type: ``application``, ``article`` or ``report``
    :type type: string
    :param title: the reuse's title
    :type title: string
    :param url: where it is (http or https)
    :type url: string
    :param description: what it does with the data (optional)
    :type description: string
    :rtype: dictionary (the reuse)
    """
    tk.check_access("molisa_wiki_reuse_create", context, data_dict)
    data = _validate(data_dict, schema.molisa_wiki_reuse_create(), context)
    user = user_of(context)
    try:
        pkg = tk.get_action("package_show")({"user": user.name}, {"id": data["package_id"]})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        raise tk.ValidationError({"package_id": [tk._("No such dataset.")]})
    if pkg.get("private") or pkg.get("access_level") != "open":
        raise tk.ValidationError({"package_id": [tk._(
            "Only open datasets are reused here.")]})
    spam = scan.spam_errors(data["title"], data.get("description") or "")
    if spam:
        raise tk.ValidationError({"description" if k == "notes" else k: v
                                  for k, v in spam.items()})
    reuse = Reuse(package_id=pkg["id"], type=data["type"], title=data["title"],
                  url=data["url"], description=data.get("description"),
                  submitter_id=user.id, state=SUBMITTED, due=_due(datetime.date.today()))
    model.Session.add(reuse)
    model.Session.flush()
    audit.record("wiki", "reuse_create", actor=user.name, client_addr=throttle.client_addr(),
                 datasets=[pkg["id"]], organizations=[pkg.get("owner_org")],
                 extra={"reuse_id": reuse.id, "type": reuse.type})
    _commit(context)
    return _reuse_dict(context, reuse)


@tk.side_effect_free
def molisa_wiki_reuse_list(context, data_dict):
    """The published reuses of a dataset (``package_id``), newest first; or,
    with ``queue``, the reuses awaiting moderation (moderators).

    :param package_id: the dataset's id or name
    :type package_id: string
    :param queue: the moderation queue (optional)
    :type queue: bool
    :rtype: list of dictionaries
    """
    tk.check_access("molisa_wiki_reuse_list", context, data_dict)
    data = _validate(data_dict, schema.molisa_wiki_reuse_list(), context)
    query = model.Session.query(Reuse)
    if data.get("queue"):
        tk.check_access("molisa_wiki_queue", context, data_dict)
        query = query.filter(Reuse.state == SUBMITTED).order_by(Reuse.due, Reuse.created)
    else:
        pkg = model.Package.get(data.get("package_id") or "")
        if pkg is None:
            raise tk.ObjectNotFound(tk._("No such dataset."))
        tk.check_access("package_show", context, {"id": pkg.id})
        query = query.filter(Reuse.package_id == pkg.id, Reuse.state == PUBLISHED) \
            .order_by(Reuse.created.desc())
    return [_reuse_dict(context, r) for r in query.limit(500)]


def molisa_wiki_reuse_moderate(context, data_dict):
    """A moderator's decision on a reuse, as on a submission: ``publish``,
    ``request_changes`` or ``reject`` (the last two with a reason).

    :param id: the reuse's id
    :type id: string
    :param decision: ``publish``, ``request_changes`` or ``reject``
    :type decision: string
    :param reason: why (required to ask for changes or to reject)
    :type reason: string
    :rtype: dictionary (the reuse)
    """
    tk.check_access("molisa_wiki_reuse_moderate", context, data_dict)
    data = _validate(data_dict, schema.molisa_wiki_moderate(), context)
    reuse = Reuse.get(data["id"])
    if reuse is None:
        raise tk.ObjectNotFound(tk._("No such reuse."))
    user = _decide(context, reuse, data)
    audit.record("wiki", "reuse_" + data["decision"], actor=user.name if user else None,
                 client_addr=throttle.client_addr(), datasets=[reuse.package_id],
                 extra={"reuse_id": reuse.id, "reason": reuse.reason})
    _commit(context)
    mail.reuse_decided(reuse)
    return _reuse_dict(context, reuse)


def molisa_wiki_sweep(context, data_dict):
    """Purge the rejected submissions kept longer than
    ``ckanext.molisa.wiki.rejected_keep_days``: the dataset, its files and
    the row; an audit event each (``ckan molisa report-sweep`` runs it).

    :param today: the day to sweep for (default today), YYYY-MM-DD
    :type today: string
    :rtype: dictionary with the count ``purged``
    """
    tk.check_access("molisa_wiki_sweep", context, data_dict)
    data = _validate(data_dict, schema.molisa_wiki_sweep(), context)
    from ckanext.molisa.wiki import sweep
    return sweep.purge_rejected(data.get("today") or datetime.date.today())


def get_actions() -> dict[str, Any]:
    return {
        "molisa_wiki_sweep": molisa_wiki_sweep,
        "molisa_wiki_reuse_create": molisa_wiki_reuse_create,
        "molisa_wiki_reuse_list": molisa_wiki_reuse_list,
        "molisa_wiki_reuse_moderate": molisa_wiki_reuse_moderate,
        "user_create": user_create,
        "user_update": user_update,
        "molisa_wiki_verify": molisa_wiki_verify,
        "molisa_wiki_moderate": molisa_wiki_moderate,
        "molisa_wiki_submit": molisa_wiki_submit,
        "molisa_wiki_submission_update": molisa_wiki_submission_update,
        "molisa_wiki_show": molisa_wiki_show,
        "molisa_wiki_list": molisa_wiki_list,
    }
