"""Actions of ckanext-molisa-sharing: requests for data from application to
decision (R12.6, R17.3, R18.1), the grants they become (R18.3), usage reports
(R18.2), fees (R17.4), the public register, the default-sharing services and
connection accounts (R12.4, R20.2), inbound connection requests (R13).

Every step: check access, validate, act, commit, write an audit event, send
mail, return a dict. Nothing here deletes a request or a grant.
"""
from __future__ import annotations

import datetime
import logging
import secrets
from typing import Any, Optional

from slugify import slugify

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.model.types import make_uuid

from ckanext.molisa_sharing import access, attachments, deadlines, mail
from ckanext.molisa_sharing.logic import schema
from ckanext.molisa_sharing.model import Grant, Inbound, Request, UsageReport, now

log = logging.getLogger(__name__)

EDITABLE = ("draft", "changes_requested")


# -- helpers ----------------------------------------------------------------------

def _validate(data_dict: dict, schema_: dict, context: dict) -> dict:
    data, errors = tk.navl_validate(data_dict, schema_, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def _user(context) -> model.User:
    user = access._user_obj(context)
    if user is None:
        raise tk.NotAuthorized(tk._("Log in first"))
    return user


def _commit(context) -> None:
    if not context.get("defer_commit"):
        model.repo.commit()
    access.forget()


def _audit(context, action: str, *, datasets=(), organizations=(), extra=None,
           connection_account: Optional[str] = None) -> None:
    data = {"channel": "sharing", "action": action, "datasets": list(datasets),
            "organizations": [o for o in organizations if o], "extra": extra or {}}
    user = access._user_obj(context)
    if user is not None:
        data["actor"] = user.name
    if connection_account:
        data["connection_account"] = connection_account
    try:
        tk.get_action("molisa_audit_event_create")({"ignore_auth": True}, data)
    except KeyError:  # the audit plugin is not loaded
        log.warning("sharing event %s not audited: molisa_audit is not loaded", action)


def _get(cls, data_dict: dict, what: str):
    """The row named by ``id``: a missing id is a field error, an unknown one
    ObjectNotFound (before the auth check, as CKAN's own actions do)."""
    ref = data_dict.get("id") if isinstance(data_dict, dict) else None
    if not ref or not isinstance(ref, str):
        raise tk.ValidationError({"id": [tk._("Missing value")]})
    obj = cls.get(ref)
    if obj is None:
        raise tk.ObjectNotFound(tk._("{what} not found").format(what=what))
    return obj


def _state_label(state: str) -> str:
    from ckanext.molisa_sharing.helpers import molisa_sharing_state_label
    return molisa_sharing_state_label(state)


def _state_error(obj, allowed: tuple[str, ...], verb: str):
    raise tk.ValidationError({"state": [tk._(
        "Cannot {verb}: the request is {state}").format(verb=verb, state=_state_label(obj.state))]})


def _org_title(org_id: Optional[str]) -> str:
    org = model.Group.get(org_id) if org_id else None
    return org.display_name if org is not None else ""


def _dataset_summaries(ids) -> list[dict[str, Any]]:
    result = []
    for pkg_id in ids or []:
        pkg = model.Package.get(pkg_id)
        if pkg is None:
            continue
        extras = pkg.extras
        result.append({"id": pkg.id, "name": pkg.name, "title": pkg.title,
                       "title_en": extras.get("title_en") or "",
                       "access_level": extras.get("access_level") or "",
                       "sharing_fee": _fee(pkg)})
    return result


def _fee(pkg: model.Package) -> int:
    try:
        return max(int(pkg.extras.get("sharing_fee") or 0), 0)
    except (TypeError, ValueError):
        return 0


def _is_overdue(req: Request) -> bool:
    return req.state == "submitted" and req.due_at is not None and now() > req.due_at


def request_dictize(req: Request) -> dict[str, Any]:
    data = req.as_dict()
    data["overdue"] = _is_overdue(req)
    data["owner_org_title"] = _org_title(req.owner_org)
    data["dataset_list"] = _dataset_summaries(req.datasets)
    creator = model.User.get(req.creator_id)
    data["creator_name"] = creator.name if creator else None
    data["attachments"] = [{k: v for k, v in a.items() if k != "path"}
                           for a in req.attachments or []]
    return data


def grant_dictize(grant: Grant) -> dict[str, Any]:
    data = grant.as_dict()
    data["effective_state"] = access.grant_effective_state(grant)
    data["owner_org_title"] = _org_title(grant.owner_org)
    data["dataset_list"] = _dataset_summaries(grant.datasets)
    holder = model.User.get(grant.holder_id)
    data["holder_name"] = holder.name if holder else None
    reports = model.Session.query(UsageReport).filter(
        UsageReport.grant_id == grant.id).order_by(UsageReport.requested_at)
    data["usage_reports"] = [_report_dict(r) for r in reports]
    tokens = model.Session.query(model.ApiToken).filter(model.ApiToken.user_id == grant.holder_id)
    data["tokens"] = [{"id": t.id, "name": t.name, "created_at": t.created_at.isoformat()}
                      for t in tokens
                      if (t.plugin_extras or {}).get(access.TOKEN_GRANT_KEY) == grant.id]
    return data


def _report_dict(report: UsageReport) -> dict[str, Any]:
    data = report.as_dict()
    data["overdue"] = report.answer is None and now() > report.due_at
    return data


# -- what a request asks for -------------------------------------------------------

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
        if level == access.OPEN:
            errors.setdefault("datasets", []).append(tk._(
                "{name} is open data: download it without a request").format(name=pkg.name))
        elif level not in access.SHAREABLE:
            errors.setdefault("datasets", []).append(tk._(
                "{name} is for internal use and is not shared").format(name=pkg.name))
        elif kind == "service" and level != access.DEFAULT_SHARED:
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
    if end and end < access.today():
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
    req.fee_amount = sum(_fee(pkg) for pkg in packages)
    req.updated = now()


def _require_documents(kind: str, data: dict, documents: list) -> None:
    connects = kind == "service" or data.get("system_connection")
    if connects and not documents:
        raise tk.ValidationError({"attachments": [tk._(
            "Attach the technical documents of the system that will connect")]})


# -- requests ------------------------------------------------------------------------

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
    user = _user(context)
    files = attachments.uploads_in(data_dict)
    data = _validate(attachments.without_uploads(data_dict),
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
    _commit(context)
    _audit(context, "request_create", datasets=req.datasets, organizations=[owner_org],
           extra={"request_id": req.id, "kind": req.kind})
    return request_dictize(req)


def molisa_sharing_request_update(context, data_dict):
    """Change a draft, or a request sent back for changes; takes the same
    fields as ``molisa_sharing_request_create`` (all of them: what is left
    out is cleared) plus ``id``. New attachments are added to the earlier ones.
    """
    req = _get(Request, data_dict, tk._("Request"))
    tk.check_access("molisa_sharing_request_update", context, data_dict)
    if req.state not in EDITABLE:
        _state_error(req, EDITABLE, tk._("change it"))
    files = attachments.uploads_in(data_dict)
    data = _validate(attachments.without_uploads(dict(data_dict, kind=req.kind)),
                     schema.molisa_sharing_request_update(), context)
    packages, owner_org = _resolve(context, data, req.kind)
    _require_documents(req.kind, data, files or req.attachments)
    # the row changes only once everything is checked
    stored = attachments.store(req.id, files, req.attachments or [])
    _apply_fields(req, data, packages, owner_org)
    req.attachments = stored
    _commit(context)
    _audit(context, "request_update", datasets=req.datasets, organizations=[owner_org],
           extra={"request_id": req.id})
    return request_dictize(req)


def molisa_sharing_request_submit(context, data_dict):
    """Send a draft (or a changed request) to the unit that owns the data.
    The decision is due within 2 working days.

    :param id: the request
    """
    req = _get(Request, data_dict, tk._("Request"))
    tk.check_access("molisa_sharing_request_submit", context, data_dict)
    if req.state not in EDITABLE:
        _state_error(req, EDITABLE, tk._("submit it"))
    user = _user(context)
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
    _commit(context)
    _audit(context, "request_submit", datasets=req.datasets, organizations=[req.owner_org],
           extra={"request_id": req.id, "due_at": req.due_at.isoformat()})
    mail.request_event(req, "submitted")
    return request_dictize(req)


def _decision_start(context, data_dict, action: str, verb: str, schema_
                    ) -> tuple[Request, model.User, dict]:
    _get(Request, data_dict, tk._("Request"))
    tk.check_access(action, context, data_dict)
    data = _validate(data_dict, schema_, context)
    req = _get(Request, data, tk._("Request"))
    if req.state != "submitted":
        _state_error(req, ("submitted",), verb)
    return req, _user(context), data


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
    _commit(context)
    _audit(context, "request_changes", datasets=req.datasets, organizations=[req.owner_org],
           extra={"request_id": req.id})
    mail.request_event(req, "changes_requested", data["reason"])
    return request_dictize(req)


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
    _commit(context)
    _audit(context, "request_reject", datasets=req.datasets, organizations=[req.owner_org],
           extra={"request_id": req.id})
    mail.request_event(req, "rejected", data["reason"])
    return request_dictize(req)


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
    fee = 0 if fee_exempt else sum(_fee(pkg) for pkg in packages if pkg is not None)

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
    _commit(context)
    _audit(context, "request_approve", datasets=granted_datasets, organizations=[req.owner_org],
           extra={"request_id": req.id, "grant_id": grant.id},
           connection_account=account.name if account else None)
    mail.request_event(req, "approved")
    if account is not None:
        mail.grant_event(grant, "account_created", extra=account.name)
    return request_dictize(req)


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
    req = _get(Request, data_dict, tk._("Request"))
    tk.check_access("molisa_sharing_request_show", context, data_dict)
    return request_dictize(req)


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
    data = _validate(data_dict, schema.molisa_sharing_request_list(), context)
    user = _user(context)
    query = model.Session.query(Request)
    query = _scoped(query, Request, data["role"], user)
    if data.get("state"):
        query = query.filter(Request.state == data["state"])
    if data.get("kind"):
        query = query.filter(Request.kind == data["kind"])
    if data.get("overdue"):
        query = query.filter(Request.state == "submitted", Request.due_at < now())
    count = query.count()
    rows = query.order_by(Request.updated.desc()).offset(data["offset"]).limit(data["limit"])
    return {"count": count, "results": [request_dictize(r) for r in rows]}


def _admin_orgs(user: model.User) -> list[str]:
    return [row[0] for row in model.Session.query(model.Member.group_id).filter(
        model.Member.table_name == "user", model.Member.table_id == user.id,
        model.Member.state == "active", model.Member.capacity == "admin")]


def _scoped(query, cls, role: str, user: model.User):
    if role == "all":
        if not user.sysadmin:
            raise tk.NotAuthorized(tk._("Only sysadmins list every request"))
        return query
    if role == "review":
        if user.sysadmin:
            return query
        return query.filter(cls.owner_org.in_(_admin_orgs(user) or [""]))
    if cls is Grant:
        return query.filter((Grant.holder_id == user.id) | (Grant.manager_id == user.id))
    return query.filter(cls.creator_id == user.id)


# -- grants --------------------------------------------------------------------------

@tk.side_effect_free
def molisa_sharing_grant_show(context, data_dict):
    """A grant: what it opens, until when, its state, usage reports, tokens.

    :param id: the grant
    """
    grant = _get(Grant, data_dict, tk._("Grant"))
    tk.check_access("molisa_sharing_grant_show", context, data_dict)
    return grant_dictize(grant)


@tk.side_effect_free
def molisa_sharing_grant_list(context, data_dict):
    """Grants, newest first.

    :param role: ``mine`` (held or managed by the user), ``review`` (of the
        units the user is an admin of) or ``all`` (sysadmins)
    :param state: filter
    :param limit, offset: paging
    """
    tk.check_access("molisa_sharing_grant_list", context, data_dict)
    data = _validate(data_dict, schema.molisa_sharing_grant_list(), context)
    user = _user(context)
    query = _scoped(model.Session.query(Grant), Grant, data["role"], user)
    if data.get("state"):
        query = query.filter(Grant.state == data["state"])
    count = query.count()
    rows = query.order_by(Grant.created.desc()).offset(data["offset"]).limit(data["limit"])
    return {"count": count, "results": [grant_dictize(g) for g in rows]}


def _grant_step(context, data_dict, action: str, *, schema_, from_states: tuple[str, ...],
                to_state: str, verb: str, event: str) -> dict[str, Any]:
    _get(Grant, data_dict, tk._("Grant"))
    tk.check_access(action, context, data_dict)
    data = _validate(data_dict, schema_, context)
    grant = _get(Grant, data, tk._("Grant"))
    user = _user(context)
    effective = access.grant_effective_state(grant)
    if grant.state not in from_states or effective == "expired":
        raise tk.ValidationError({"state": [tk._("Cannot {verb}: the grant is {state}").format(
            verb=verb, state=_state_label(effective))]})
    grant.state = to_state
    grant.state_reason = data.get("reason")
    grant.updated = now()
    grant.log(to_state, user.id, data.get("reason"))
    if to_state == "terminated":
        _revoke_tokens(grant)
    _commit(context)
    _audit(context, "grant_" + event, datasets=grant.datasets, organizations=[grant.owner_org],
           extra={"grant_id": grant.id, "reason": data.get("reason")})
    mail.grant_event(grant, event, data.get("reason"))
    return grant_dictize(grant)


def molisa_sharing_grant_suspend(context, data_dict):
    """Suspend an active grant; it stops opening data on the very next
    request, and the grantee sees the reason (R18.3).

    :param id: the grant
    :param reason: why
    """
    return _grant_step(context, data_dict, "molisa_sharing_grant_suspend",
                       schema_=schema.molisa_sharing_reason(), from_states=("active",),
                       to_state="suspended", verb=tk._("suspend it"), event="suspended")


def molisa_sharing_grant_reinstate(context, data_dict):
    """Make a suspended grant active again (inside its period).

    :param id: the grant
    :param reason: optional
    """
    return _grant_step(context, data_dict, "molisa_sharing_grant_reinstate",
                       schema_=schema.molisa_sharing_optional_reason(),
                       from_states=("suspended",), to_state="active",
                       verb=tk._("reinstate it"), event="reinstated")


def molisa_sharing_grant_terminate(context, data_dict):
    """End a grant for good (R18.3); its tokens are revoked.

    :param id: the grant
    :param reason: why
    """
    return _grant_step(context, data_dict, "molisa_sharing_grant_terminate",
                       schema_=schema.molisa_sharing_reason(),
                       from_states=("active", "suspended"), to_state="terminated",
                       verb=tk._("terminate it"), event="terminated")


def _revoke_tokens(grant: Grant) -> list[str]:
    revoked = []
    for token in model.Session.query(model.ApiToken).filter(
            model.ApiToken.user_id == grant.holder_id):
        if (token.plugin_extras or {}).get(access.TOKEN_GRANT_KEY) == grant.id:
            revoked.append(token.id)
            model.Session.delete(token)
    return revoked


def molisa_sharing_grant_request_usage_report(context, data_dict):
    """Ask the grantee how the data is used (R18.2).

    :param id: the grant
    :param question: what the ministry wants to know
    :param due_date: by when (ISO date; default: 10 working days)
    :returns: the grant
    """
    data = _validate(data_dict, schema.molisa_sharing_usage_report_request(), context)
    grant = _get(Grant, data, tk._("Grant"))
    tk.check_access("molisa_sharing_grant_request_usage_report", context, data)
    user = _user(context)
    if data.get("due_date"):
        if data["due_date"] < access.today():
            raise tk.ValidationError({"due_date": [tk._("Must not be in the past")]})
        due = datetime.datetime.combine(data["due_date"] + datetime.timedelta(days=1),
                                        datetime.time(), tzinfo=datetime.timezone.utc)
    else:
        due = deadlines.add_working_days(now(), 10)
    report = UsageReport(grant_id=grant.id, question=data["question"], requested_by=user.id,
                         due_at=due, history=[])
    report.log("requested", user.id)
    model.Session.add(report)
    _commit(context)
    _audit(context, "usage_report_request", datasets=grant.datasets,
           organizations=[grant.owner_org], extra={"grant_id": grant.id, "report_id": report.id})
    mail.grant_event(grant, "usage_report_requested", data["question"])
    return grant_dictize(grant)


def molisa_sharing_grant_submit_usage_report(context, data_dict):
    """The grantee answers a usage report.

    :param id: the usage report (or the grant: its oldest unanswered report)
    :param answer: how the data is used
    :returns: the grant
    """
    data = _validate(data_dict, schema.molisa_sharing_usage_report_submit(), context)
    if UsageReport.get(data["id"]) is None and Grant.get(data["id"]) is None:
        raise tk.ObjectNotFound(tk._("{what} not found").format(what=tk._("Usage report")))
    tk.check_access("molisa_sharing_grant_submit_usage_report", context, data)
    report = UsageReport.get(data["id"])
    if report is None:
        report = model.Session.query(UsageReport).filter(
            UsageReport.grant_id == data["id"], UsageReport.answer.is_(None)).order_by(
            UsageReport.requested_at).first()
    if report is None:
        raise tk.ObjectNotFound(tk._("No usage report is asked for"))
    if report.answer is not None:
        raise tk.ValidationError({"id": [tk._("This usage report is already answered")]})
    user = _user(context)
    grant = Grant.get(report.grant_id)
    report.answer = data["answer"]
    report.answered_by = user.id
    report.answered_at = now()
    report.log("answered", user.id)
    _commit(context)
    _audit(context, "usage_report_submit", datasets=grant.datasets,
           organizations=[grant.owner_org], extra={"grant_id": grant.id, "report_id": report.id})
    mail.report_answered(grant, report)
    return grant_dictize(grant)


def molisa_sharing_grant_token_create(context, data_dict):
    """An API token bound to this grant, for a system that connects: it opens
    only what the grant covers, stops working while the grant is suspended and
    is revoked when the grant ends. The token is returned once.

    :param id: the grant
    :param name: the token's name
    :returns: ``{"token": ..., "id": ...}``
    """
    data = _validate(data_dict, schema.molisa_sharing_token_create(), context)
    grant = _get(Grant, data, tk._("Grant"))
    tk.check_access("molisa_sharing_grant_token_create", context, data)
    if access.grant_effective_state(grant) != "active":
        raise tk.ValidationError({"id": [tk._("Tokens are issued for active grants only")]})
    holder = model.User.get(grant.holder_id)
    name = data.get("name") or tk._("Grant {ref}").format(ref=grant.id[:8])
    result = tk.get_action("api_token_create")(
        {"ignore_auth": True, "user": holder.name}, {"user": holder.name, "name": name[:200]})
    token = model.ApiToken.get(result["id"])
    token.plugin_extras = {access.TOKEN_GRANT_KEY: grant.id}
    model.repo.commit()
    _audit(context, "grant_token_create", datasets=grant.datasets,
           organizations=[grant.owner_org], extra={"grant_id": grant.id, "token_id": token.id},
           connection_account=holder.name if grant.kind == "service" else None)
    return {"token": result["token"], "id": token.id, "grant_id": grant.id}


@tk.side_effect_free
def molisa_sharing_register(context, data_dict):
    """The public register of active grants: who holds what, for what purpose,
    until when. No personal contact data; individuals are not named.

    :returns: list of grants
    """
    tk.check_access("molisa_sharing_register", context, data_dict)
    today = access.today()
    rows = model.Session.query(Grant).filter(
        Grant.state == "active", Grant.period_end >= today, Grant.period_start <= today
    ).order_by(Grant.created.desc())
    result = []
    for grant in rows:
        req = Request.get(grant.request_id)
        individual = req is not None and req.requester_type == "individual"
        datasets = [{k: d[k] for k in ("id", "name", "title", "title_en")}
                    for d in _dataset_summaries(grant.datasets)]
        result.append({
            "id": grant.id, "kind": grant.kind,
            "holder": tk._("Individual") if individual else grant.organization,
            "unit": _org_title(grant.owner_org), "owner_org": grant.owner_org,
            "datasets": datasets, "purpose": grant.purpose,
            "period_start": grant.period_start.isoformat(),
            "period_end": grant.period_end.isoformat(),
            "granted": grant.created.date().isoformat(),
        })
    return result


@tk.side_effect_free
def molisa_sharing_service_list(context, data_dict):
    """The data-sharing services: datasets shared by default with state
    agencies, with their API endpoints and structure (R12.4).

    :returns: list of services
    """
    tk.check_access("molisa_sharing_service_list", context, data_dict)
    search = tk.get_action("package_search")(
        {"user": context.get("user")},
        {"fq": "access_level:" + access.DEFAULT_SHARED, "rows": 1000, "sort": "name asc"})
    site = (tk.config.get("ckan.site_url") or "").rstrip("/")
    services = []
    for pkg in search["results"]:
        endpoints = []
        for res in pkg.get("resources") or []:
            fields = []
            if res.get("datastore_active"):
                try:
                    info = tk.get_action("datastore_info")({"ignore_auth": True},
                                                           {"id": res["id"]})
                    fields = [{"id": f["id"], "type": f.get("type")}
                              for f in info.get("fields") or []]
                except (tk.ObjectNotFound, tk.ValidationError):
                    fields = []
            endpoints.append({
                "resource_id": res["id"], "name": res.get("name"), "format": res.get("format"),
                "datastore_search": f"{site}/api/3/action/datastore_search?resource_id={res['id']}"
                if res.get("datastore_active") else None,
                "download": f"{site}/dataset/{pkg['id']}/resource/{res['id']}/download",
                "fields": fields, "columns": res.get("columns"),
            })
        services.append({"id": pkg["id"], "name": pkg["name"], "title": pkg.get("title"),
                         "title_en": pkg.get("title_en"), "owner_org": pkg.get("owner_org"),
                         "unit": (pkg.get("organization") or {}).get("title"),
                         "update_frequency": pkg.get("update_frequency"),
                         "endpoints": endpoints})
    return services


def molisa_sharing_sweep(context, data_dict):
    """Periodic duties (``ckan molisa-sharing sweep``): grants past their
    period become ``expired`` (tokens revoked, grantee told); reviewers are
    told once about overdue requests; grantees and reviewers once about
    overdue usage reports.

    :returns: counts
    """
    tk.check_access("molisa_sharing_sweep", context, data_dict)
    today = access.today()
    counts = {"expired": 0, "overdue_requests": 0, "overdue_reports": 0}
    for grant in model.Session.query(Grant).filter(
            Grant.state.in_(["active", "suspended"]), Grant.period_end < today):
        grant.state = "expired"
        grant.state_reason = None
        grant.updated = now()
        grant.log("expired", None)
        _revoke_tokens(grant)
        model.repo.commit()
        _audit(context, "grant_expire", datasets=grant.datasets,
               organizations=[grant.owner_org], extra={"grant_id": grant.id})
        mail.grant_event(grant, "expired")
        counts["expired"] += 1
    for req in model.Session.query(Request).filter(
            Request.state == "submitted", Request.due_at < now(),
            Request.overdue_notified_at.is_(None)):
        req.overdue_notified_at = now()
        model.repo.commit()
        _audit(context, "request_overdue", datasets=req.datasets,
               organizations=[req.owner_org], extra={"request_id": req.id})
        mail.request_event(req, "overdue")
        counts["overdue_requests"] += 1
    for report in model.Session.query(UsageReport).filter(
            UsageReport.answer.is_(None), UsageReport.due_at < now(),
            UsageReport.overdue_notified_at.is_(None)):
        report.overdue_notified_at = now()
        model.repo.commit()
        grant = Grant.get(report.grant_id)
        mail.grant_event(grant, "usage_report_overdue")
        counts["overdue_reports"] += 1
    access.forget()
    return counts


# -- inbound connection requests (R13) ------------------------------------------------

def inbound_dictize(inbound: Inbound) -> dict[str, Any]:
    data = inbound.as_dict()
    data["owner_org_title"] = _org_title(inbound.owner_org)
    return data


def molisa_sharing_inbound_create(context, data_dict):
    """A unit asks to receive data from an outside system.

    :param owner_org: the unit
    :param target: the unit or database that needs the data
    :param source_system: the outside system
    :param scope: the data
    :param schedule, frequency: time and frequency of the connection
    :param details: other details
    :param contact_name, contact_position, contact_email, contact_phone: the contact
    :param source_url, source_type: where to harvest (``molisa_ckan``,
        ``molisa_dcat``, ``molisa_sector_db``; ``ckan`` and ``dcat_rdf`` are read
        as the first two), when known
    """
    data = _validate(data_dict, schema.molisa_sharing_inbound_create(), context)
    org = model.Group.get(data["owner_org"])
    if org is None or not org.is_organization:
        raise tk.ValidationError({"owner_org": [tk._("Unit not found")]})
    data["owner_org"] = org.id
    tk.check_access("molisa_sharing_inbound_create", context, data)
    user = _user(context)
    inbound = Inbound(state="submitted", creator_id=user.id, history=[], **data)
    inbound.log("submitted", user.id)
    model.Session.add(inbound)
    _commit(context)
    _audit(context, "inbound_create", organizations=[org.id],
           extra={"inbound_id": inbound.id, "source_system": inbound.source_system})
    mail.inbound_event(inbound, "submitted")
    return inbound_dictize(inbound)


def molisa_sharing_inbound_approve(context, data_dict):
    """The IT Centre approves; the request is linked to its harvest source:
    the one given, or one created from ``source_url`` and ``source_type``.

    :param id: the inbound request
    :param harvest_source_id: an existing harvest source (optional)
    :param reason: optional note
    """
    data = _validate(data_dict, schema.molisa_sharing_inbound_approve(), context)
    inbound = _get(Inbound, data, tk._("Request"))
    tk.check_access("molisa_sharing_inbound_approve", context, data)
    if inbound.state != "submitted":
        _state_error(inbound, ("submitted",), tk._("approve it"))
    user = _user(context)
    source_id = data.get("harvest_source_id")
    if source_id:
        try:
            source = tk.get_action("harvest_source_show")({"ignore_auth": True},
                                                           {"id": source_id})
        except tk.ObjectNotFound:
            raise tk.ValidationError({"harvest_source_id": [tk._("Harvest source not found")]})
        source_id = source["id"]
    elif inbound.source_url and inbound.source_type:
        source_id = _create_source(inbound, user)
    inbound.state = "approved"
    inbound.harvest_source_id = source_id
    inbound.decision_reason = data.get("reason")
    inbound.decided_at = inbound.updated = now()
    inbound.decided_by = user.id
    inbound.log("approved", user.id, data.get("reason"))
    _commit(context)
    _audit(context, "inbound_approve", organizations=[inbound.owner_org],
           extra={"inbound_id": inbound.id, "harvest_source_id": source_id})
    mail.inbound_event(inbound, "approved", data.get("reason"))
    return inbound_dictize(inbound)


def _create_source(inbound: Inbound, user: model.User) -> str:
    name = slugify(f"{inbound.source_system}-{inbound.id[:8]}", separator="-")[:100]
    try:
        source = tk.get_action("harvest_source_create")(
            {"user": user.name, "ignore_auth": True},
            {"name": name, "title": inbound.source_system, "url": inbound.source_url,
             "source_type": inbound.source_type, "owner_org": inbound.owner_org,
             "frequency": "MANUAL", "notes": inbound.scope})
    except tk.ValidationError as exc:
        errors = exc.error_dict or {}
        raise tk.ValidationError({"source_url": [
            tk._("The harvest source could not be created: {errors}").format(
                errors="; ".join(f"{k}: {v}" for k, v in errors.items()))]})
    return source["id"]


def molisa_sharing_inbound_reject(context, data_dict):
    """The IT Centre refuses, with the reason.

    :param id: the inbound request
    :param reason: why
    """
    data = _validate(data_dict, schema.molisa_sharing_reason(), context)
    inbound = _get(Inbound, data, tk._("Request"))
    tk.check_access("molisa_sharing_inbound_reject", context, data)
    if inbound.state != "submitted":
        _state_error(inbound, ("submitted",), tk._("refuse it"))
    user = _user(context)
    inbound.state = "rejected"
    inbound.decision_reason = data["reason"]
    inbound.decided_at = inbound.updated = now()
    inbound.decided_by = user.id
    inbound.log("rejected", user.id, data["reason"])
    _commit(context)
    _audit(context, "inbound_reject", organizations=[inbound.owner_org],
           extra={"inbound_id": inbound.id})
    mail.inbound_event(inbound, "rejected", data["reason"])
    return inbound_dictize(inbound)


@tk.side_effect_free
def molisa_sharing_inbound_show(context, data_dict):
    """:param id: the inbound request"""
    inbound = _get(Inbound, data_dict, tk._("Request"))
    tk.check_access("molisa_sharing_inbound_show", context, data_dict)
    return inbound_dictize(inbound)


@tk.side_effect_free
def molisa_sharing_inbound_list(context, data_dict):
    """Inbound requests of the user's units (all, for sysadmins).

    :param state: filter
    :param limit, offset: paging
    """
    tk.check_access("molisa_sharing_inbound_list", context, data_dict)
    data = _validate(data_dict, schema.molisa_sharing_inbound_list(), context)
    user = _user(context)
    query = model.Session.query(Inbound)
    if not user.sysadmin:
        orgs = [row[0] for row in model.Session.query(model.Member.group_id).filter(
            model.Member.table_name == "user", model.Member.table_id == user.id,
            model.Member.state == "active")]
        query = query.filter(Inbound.owner_org.in_(orgs or [""]))
    if data.get("state"):
        query = query.filter(Inbound.state == data["state"])
    count = query.count()
    rows = query.order_by(Inbound.created.desc()).offset(data["offset"]).limit(data["limit"])
    return {"count": count, "results": [inbound_dictize(i) for i in rows]}


def molisa_sharing_demo_load(context, data_dict):
    """Demo requests, grants and a connection account (``make run``).
    Sysadmins only; idempotent.

    :returns: how many requests were made
    """
    tk.check_access("molisa_sharing_demo_load", context, data_dict)
    from ckanext.molisa_sharing import demo
    return demo.load(context)


def get_actions() -> dict[str, Any]:
    from ckanext.molisa_sharing.logic import chained
    actions = {name: fn for name, fn in globals().items()
               if name.startswith("molisa_sharing_") and callable(fn)}
    actions.update(chained.actions())
    return actions
