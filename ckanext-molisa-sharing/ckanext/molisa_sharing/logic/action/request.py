"""Requests for data, from application to decision (R12.6, R17.3, R18.1):
a request is drafted, changed, submitted to the unit that owns the data,
sent back for changes, refused or approved; approval makes it a grant
(a state agency's default-sharing request also gets its connection account).

Every step: check access, validate, act, commit, write an audit event, send
mail, return a dict. Nothing here deletes a request.
"""
from __future__ import annotations

import secrets

from slugify import slugify

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.model.types import make_uuid

from ckanext.molisa import access_levels
from ckanext.molisa_sharing import access, attachments, deadlines, mail
from ckanext.molisa_sharing.logic import schema
from ckanext.molisa_sharing.logic.action.base import (
    EDITABLE, check_role, commit, current_user, get_or_404, record, refuse_in_state, validate)
from ckanext.molisa_sharing.model import Grant, Request, dictization, now, queries

__all__ = [
    "molisa_sharing_request_create", "molisa_sharing_request_update",
    "molisa_sharing_request_submit", "molisa_sharing_request_request_changes",
    "molisa_sharing_request_reject", "molisa_sharing_request_approve",
    "molisa_sharing_request_show", "molisa_sharing_request_list",
]


def _resolve(context, data: dict, kind: str) -> tuple[list[model.Package], str]:
    """The datasets asked for, checked; and the one unit that owns them."""
    errors: dict[str, list[str]] = {}
    packages: list[model.Package] = []
    for ref in data["datasets"]:
        pkg = model.Package.get(ref)
        if pkg is None or pkg.state != "active" or (
                pkg.private and not access.decide(context, pkg).allowed):
            errors.setdefault("datasets", []).append(
                tk._("Dataset not found: {ref}").format(ref=ref))
            continue
        level = pkg.extras.get("access_level")
        if level == access_levels.OPEN:
            errors.setdefault("datasets", []).append(tk._(
                "{name} is open data: download it without a request").format(name=pkg.name))
        elif level not in access_levels.SHAREABLE:
            errors.setdefault("datasets", []).append(tk._(
                "{name} is for internal use and is not shared").format(name=pkg.name))
        elif kind == "service" and level != access_levels.DEFAULT_SHARED:
            errors.setdefault("datasets", []).append(tk._(
                "{name} is not offered as a default-sharing service").format(name=pkg.name))
        elif pkg not in packages:
            packages.append(pkg)
    units = {pkg.owner_org for pkg in packages}
    if len(units) > 1:
        errors.setdefault("datasets", []).append(tk._(
            "The datasets belong to different units: make one request per unit"))
    ids = {pkg.id for pkg in packages}
    for rid in data.get("resources") or []:
        res = model.Resource.get(rid)
        if res is None or res.state != "active" or res.package_id not in ids:
            errors.setdefault("resources", []).append(tk._(
                "Not a resource of the datasets asked for: {ref}").format(ref=rid))
    for name in data.get("fields") or []:
        if len(name) > 100:
            errors.setdefault("fields", []).append(tk._("A field name is too long"))
    start, end = data.get("period_start"), data.get("period_end")
    if start and end and end < start:
        errors.setdefault("period_end", []).append(tk._("Must not be before the start"))
    if end and end < deadlines.today():
        errors.setdefault("period_end", []).append(tk._("Must not be in the past"))
    connects = kind == "service" or data.get("system_connection")
    level = data.get("security_level")
    if connects and level is None:
        errors.setdefault("security_level", []).append(tk._(
            "Required when an outside system connects"))
    elif connects and level < 3:
        errors.setdefault("security_level", []).append(tk._(
            "An outside system that connects must have information-security level 3 or "
            "higher"))
    if errors:
        raise tk.ValidationError(errors)
    return packages, packages[0].owner_org


def _apply_fields(req: Request, data: dict, packages: list[model.Package], owner_org: str):
    for key in ("requester_type", "requester_organization", "user_name", "user_position",
                "user_email", "user_phone", "purpose", "scope", "content", "period_start",
                "period_end", "legal_basis", "security_level", "system_connection"):
        setattr(req, key, data.get(key))
    req.datasets = [pkg.id for pkg in packages]
    req.resources = data.get("resources") or []
    req.fields = data.get("fields") or []
    req.owner_org = owner_org
    req.fee_amount = sum(dictization.package_fee(pkg) for pkg in packages)
    req.updated = now()


def _require_documents(kind: str, data: dict, documents: list) -> None:
    connects = kind == "service" or data.get("system_connection")
    if connects and not documents:
        raise tk.ValidationError({"attachments": [tk._(
            "Attach the technical documents of the system that will connect")]})


def molisa_sharing_request_create(context, data_dict):
    """Apply for data that is not open; the request starts as a draft.

    :param kind: ``special`` (default) or ``service`` (a state agency asks to
        connect to default-sharing services; the datasets are the services)
    :param datasets: ids or names (list, or comma-separated), all of one unit
    :param resources: ids (optional; default: all of the datasets')
    :param fields: column names (optional; default: all)
    :param requester_type: ``state_agency``, ``organization`` or ``individual``
    :param requester_organization: the organisation (or person) that asks
    :param user_name, user_position, user_email, user_phone: the person who
        will use the data
    :param purpose, scope, content, legal_basis: text
    :param period_start, period_end: ISO dates
    :param system_connection: whether an outside system will connect
    :param security_level: its information-security level (3 or higher)
    :param attachments: uploaded technical documents (one or more files;
        several as ``attachments``, ``attachments_2``, ...)
    :returns: the request
    """
    tk.check_access("molisa_sharing_request_create", context, data_dict)
    user = current_user(context)
    files = attachments.uploads_in(data_dict)
    data = validate(attachments.without_uploads(data_dict),
                     schema.molisa_sharing_request_create(), context)
    packages, owner_org = _resolve(context, data, data["kind"])
    _require_documents(data["kind"], data, files)
    # everything is checked before anything is stored
    req_id = make_uuid()
    stored = attachments.store(req_id, files, [])
    req = Request(id=req_id, kind=data["kind"], state="draft", creator_id=user.id,
                  owner_org=owner_org, attachments=stored, history=[])
    _apply_fields(req, data, packages, owner_org)
    model.Session.add(req)
    req.log("draft", user.id)
    commit(context)
    record(context, "request_create", datasets=req.datasets, organizations=[owner_org],
           extra={"request_id": req.id, "kind": req.kind})
    return dictization.request_dictize(req)


def molisa_sharing_request_update(context, data_dict):
    """Change a draft, or a request sent back for changes; takes the same
    fields as ``molisa_sharing_request_create`` (all of them: what is left
    out is cleared) plus ``id``. New attachments are added to the earlier ones.
    """
    req = get_or_404(Request, data_dict, tk._("Request"))
    tk.check_access("molisa_sharing_request_update", context, data_dict)
    if req.state not in EDITABLE:
        refuse_in_state(req, tk._("change it"))
    files = attachments.uploads_in(data_dict)
    data = validate(attachments.without_uploads(dict(data_dict, kind=req.kind)),
                     schema.molisa_sharing_request_update(), context)
    packages, owner_org = _resolve(context, data, req.kind)
    _require_documents(req.kind, data, files or req.attachments)
    # the row changes only once everything is checked
    stored = attachments.store(req.id, files, req.attachments or [])
    _apply_fields(req, data, packages, owner_org)
    req.attachments = stored
    commit(context)
    record(context, "request_update", datasets=req.datasets, organizations=[owner_org],
           extra={"request_id": req.id})
    return dictization.request_dictize(req)


def molisa_sharing_request_submit(context, data_dict):
    """Send a draft (or a changed request) to the unit that owns the data.
    The decision is due within 2 working days.

    :param id: the request
    """
    req = get_or_404(Request, data_dict, tk._("Request"))
    tk.check_access("molisa_sharing_request_submit", context, data_dict)
    if req.state not in EDITABLE:
        refuse_in_state(req, tk._("submit it"))
    user = current_user(context)
    # the datasets may have changed level or unit since the draft
    _resolve(context, {"datasets": req.datasets, "resources": req.resources,
                       "fields": req.fields, "period_start": req.period_start,
                       "period_end": req.period_end, "security_level": req.security_level,
                       "system_connection": req.system_connection}, req.kind)
    req.state = "submitted"
    req.submitted_at = now()
    req.due_at = deadlines.add_working_days(req.submitted_at, deadlines.review_days())
    req.overdue_notified_at = None
    req.updated = now()
    req.log("submitted", user.id)
    commit(context)
    record(context, "request_submit", datasets=req.datasets, organizations=[req.owner_org],
           extra={"request_id": req.id, "due_at": req.due_at.isoformat()})
    mail.request_event(req, "submitted")
    return dictization.request_dictize(req)


def _decision_start(context, data_dict, action: str, verb: str, schema_
                    ) -> tuple[Request, model.User, dict]:
    get_or_404(Request, data_dict, tk._("Request"))
    tk.check_access(action, context, data_dict)
    data = validate(data_dict, schema_, context)
    req = get_or_404(Request, data, tk._("Request"))
    if req.state != "submitted":
        refuse_in_state(req, verb)
    return req, current_user(context), data


def molisa_sharing_request_request_changes(context, data_dict):
    """Send a submitted request back to the applicant.

    :param id: the request
    :param reason: what must change
    """
    req, user, data = _decision_start(context, data_dict, "molisa_sharing_request_request_changes",
                                      tk._("ask for changes"), schema.molisa_sharing_reason())
    req.state = "changes_requested"
    req.decision_reason = data["reason"]
    req.updated = now()
    req.log("changes_requested", user.id, data["reason"])
    commit(context)
    record(context, "request_changes", datasets=req.datasets, organizations=[req.owner_org],
           extra={"request_id": req.id})
    mail.request_event(req, "changes_requested", data["reason"])
    return dictization.request_dictize(req)


def molisa_sharing_request_reject(context, data_dict):
    """Refuse a submitted request; the reason is required (R18.1).

    :param id: the request
    :param reason: why
    """
    req, user, data = _decision_start(context, data_dict, "molisa_sharing_request_reject",
                                      tk._("refuse it"), schema.molisa_sharing_reason())
    req.state = "rejected"
    req.decision_reason = data["reason"]
    req.decided_at = req.updated = now()
    req.decided_by = user.id
    req.log("rejected", user.id, data["reason"])
    commit(context)
    record(context, "request_reject", datasets=req.datasets, organizations=[req.owner_org],
           extra={"request_id": req.id})
    mail.request_event(req, "rejected", data["reason"])
    return dictization.request_dictize(req)


def molisa_sharing_request_approve(context, data_dict):
    """Approve a submitted request; it becomes a grant. Approval may narrow
    what was asked for; the grant records exactly what is granted.

    :param id: the request
    :param period_start, period_end: inside the period asked for
    :param datasets, resources, fields: subsets of what was asked for
    :param rate_limit_per_minute, quota_per_day: limits (optional)
    :param allowed_ips: client addresses or networks (optional)
    :param fee_exempt: waive the fee (default: for state agencies)
    :param conditions: conditions of use (text)
    :returns: the request, with ``grant_id``
    """
    req, user, data = _decision_start(context, data_dict, "molisa_sharing_request_approve",
                                      tk._("approve it"), schema.molisa_sharing_request_approve())
    errors: dict[str, list[str]] = {}

    def subset(key: str, asked: list[str], what_if_empty_asked_all: bool):
        given = data.get(key)
        if given is None:
            return list(asked)
        if asked or not what_if_empty_asked_all:
            extra = [x for x in given if x not in asked]
            if extra:
                errors.setdefault(key, []).append(tk._(
                    "Not part of the request: {items}").format(items=", ".join(extra)))
        return given

    datasets = [model.Package.get(ref).id if model.Package.get(ref) else ref
                for ref in (data.get("datasets") or [])] if data.get("datasets") else None
    if datasets is not None:
        data["datasets"] = datasets
    granted_datasets = subset("datasets", req.datasets, False)
    if not granted_datasets:
        errors.setdefault("datasets", []).append(tk._("Grant at least one dataset"))
    granted_resources = subset("resources", req.resources, True)
    for rid in granted_resources:
        res = model.Resource.get(rid)
        if res is None or res.package_id not in granted_datasets:
            errors.setdefault("resources", []).append(tk._(
                "Not a resource of the datasets granted: {ref}").format(ref=rid))
    granted_fields = subset("fields", req.fields, True)
    start = data.get("period_start") or req.period_start
    end = data.get("period_end") or req.period_end
    if start < req.period_start:
        errors.setdefault("period_start", []).append(tk._(
            "Must not be before the start asked for"))
    if end > req.period_end:
        errors.setdefault("period_end", []).append(tk._("Must not be after the end asked for"))
    if end < start:
        errors.setdefault("period_end", []).append(tk._("Must not be before the start"))
    if errors:
        raise tk.ValidationError(errors)

    fee_exempt = data.get("fee_exempt")
    if fee_exempt is None:
        fee_exempt = req.requester_type == "state_agency"
    packages = [model.Package.get(pid) for pid in granted_datasets]
    fee = 0 if fee_exempt else sum(dictization.package_fee(pkg) for pkg in packages if pkg is not None)

    holder_id = req.creator_id
    account = None
    if req.kind == "service":
        account = _connection_account(req)
        holder_id = account.id
    grant = Grant(request_id=req.id, kind=req.kind, state="active", holder_id=holder_id,
                  manager_id=req.creator_id, owner_org=req.owner_org,
                  organization=req.requester_organization, purpose=req.purpose,
                  datasets=granted_datasets, resources=granted_resources, fields=granted_fields,
                  period_start=start, period_end=end,
                  rate_limit_per_minute=data.get("rate_limit_per_minute"),
                  quota_per_day=data.get("quota_per_day"), allowed_ips=data.get("allowed_ips")
                  or [], fee_amount=fee, fee_exempt=bool(fee_exempt),
                  conditions=data.get("conditions"), history=[])
    model.Session.add(grant)
    model.Session.flush()
    grant.log("active", user.id, data.get("reason"))
    req.state = "approved"
    req.grant_id = grant.id
    req.decision_reason = data.get("reason")
    req.decided_at = req.updated = now()
    req.decided_by = user.id
    req.log("approved", user.id, data.get("reason"))
    commit(context)
    record(context, "request_approve", datasets=granted_datasets, organizations=[req.owner_org],
           extra={"request_id": req.id, "grant_id": grant.id},
           connection_account=account.name if account else None)
    mail.request_event(req, "approved")
    if account is not None:
        mail.grant_event(grant, "account_created", extra=account.name)
    return dictization.request_dictize(req)


def _connection_account(req: Request) -> model.User:
    """The state agency's connection account: one CKAN user per agency, holder
    of its default-sharing grants; no password anyone knows (it works through
    API tokens bound to its grants)."""
    base = ("agency-" + slugify(req.requester_organization or "", separator="-"))[:90].strip("-")
    name, n = base, 1
    while True:
        user = model.User.get(name)
        if user is None:
            break
        extras = (user.plugin_extras or {}).get("molisa_sharing") or {}
        if extras.get("connection_account") and user.state == "active":
            return user  # the agency's account, from an earlier request
        n += 1  # a person's account took the name: never hand them the grant
        name = f"{base}-{n}"
    # no e-mail of its own (addresses are unique among users): mail about
    # its grants goes to the applicant who manages it
    user = model.User(name=name, fullname=req.requester_organization, email=None,
                      password=secrets.token_urlsafe(32),
                      about=tk._("Connection account of a state agency (default sharing)"))
    user.plugin_extras = {"molisa_sharing": {"connection_account": True}}
    model.Session.add(user)
    model.Session.flush()
    return user


@tk.side_effect_free
def molisa_sharing_request_show(context, data_dict):
    """A request, with its history.

    :param id: the request
    """
    req = get_or_404(Request, data_dict, tk._("Request"))
    tk.check_access("molisa_sharing_request_show", context, data_dict)
    return dictization.request_dictize(req)


@tk.side_effect_free
def molisa_sharing_request_list(context, data_dict):
    """Requests, newest first.

    :param role: ``mine`` (the user's own, default), ``review`` (of the units
        the user is an admin of; all for sysadmins) or ``all`` (sysadmins)
    :param state, kind: filters
    :param overdue: ``true``: only requests whose decision is overdue
    :param limit, offset: paging
    :returns: ``{"count": N, "results": [...]}``
    """
    tk.check_access("molisa_sharing_request_list", context, data_dict)
    data = validate(data_dict, schema.molisa_sharing_request_list(), context)
    user = current_user(context)
    check_role(data["role"], user)
    query = queries.requests(data["role"], user, state=data.get("state"),
                             kind=data.get("kind"), overdue=bool(data.get("overdue")))
    count = query.count()
    rows = query.offset(data["offset"]).limit(data["limit"])
    return {"count": count, "results": [dictization.request_dictize(r) for r in rows]}
