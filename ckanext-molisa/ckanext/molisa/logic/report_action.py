"""Actions of reports of problems (``molisa_report_*``, R21.1d, R21.1e,
R21.2c, R4.3, R15.1). Each: check access, validate, act, commit, audit, mail,
return a dict. Who may do what: ``report_auth.py``."""
from __future__ import annotations

import datetime
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import audit
from ckanext.molisa.logic import report_schema as schema
from ckanext.molisa.logic.report_auth import handles, is_it_centre, role_of, user_of
from ckanext.molisa.model import report_dictization as dictization
from ckanext.molisa.model import report_queries as queries
from ckanext.molisa.model.report import (ACKNOWLEDGED, BROKEN_LINK, CLOSED, DATA_ERROR, FIXED,
                                         NEW, NOT_AN_ERROR, PERSONAL_DATA, PRIVATE_TYPES,
                                         RESOLVED, Hidden, Message, Report, now)
from ckanext.molisa.reports import attachments, deadlines, hiding, mail, routing, throttle
from ckanext.molisa.logic.base import validate as _validate, commit as _commit


def today() -> datetime.date:
    return datetime.date.today()


def _report(id_: str) -> Report:
    report = Report.get(id_)
    if report is None:
        raise tk.ObjectNotFound(tk._("No such report."))
    return report


def _audit(context, action: str, report: Optional[Report], **extra) -> None:
    audit.record("report", action, actor=context.get("user") or None,
                 client_addr=throttle.client_addr(),
                 datasets=[report.package_id] if report else [extra.get("package_id")],
                 organizations=[report.owner_org] if report else [extra.pop("owner_org", None)],
                 extra=dict({"report_id": report.id, "type": report.type} if report else {},
                            **{k: v for k, v in extra.items() if k != "package_id"}))


def _visible_package(context, package_id: str) -> Optional[model.Package]:
    """The dataset, if the reporter may see it."""
    pkg = model.Package.get(package_id)
    if pkg is None or pkg.state != "active":
        return None
    try:
        tk.check_access("package_show", {"user": context.get("user") or "",
                                         "auth_user_obj": context.get("auth_user_obj")},
                        {"id": pkg.id})
    except tk.NotAuthorized:
        return None
    return pkg


def _subject(context, data) -> tuple[Optional[model.Package], Optional[model.Resource]]:
    """The dataset and resource reported on (both optional), as the reporter
    may see them; an unknown or invisible one is refused per field."""
    resource = None
    if data.get("resource_id"):
        resource = model.Resource.get(data["resource_id"])
        if resource is None or resource.state != "active" or resource.package is None:
            raise tk.ValidationError({"resource_id": [tk._("No such resource.")]})
        try:
            tk.check_access("resource_show", {"user": context.get("user") or "",
                                              "auth_user_obj": context.get("auth_user_obj")},
                            {"id": resource.id})
        except tk.NotAuthorized:
            raise tk.ValidationError({"resource_id": [tk._("No such resource.")]})
        if data.get("package_id") and model.Package.get(data["package_id"]) is not \
                resource.package:
            raise tk.ValidationError({"resource_id": [tk._(
                "The resource is not part of this dataset.")]})
        data["package_id"] = resource.package_id
    pkg = None
    if data.get("package_id"):
        pkg = _visible_package(context, data["package_id"])
        if pkg is None:
            raise tk.ValidationError({"package_id": [tk._("No such dataset.")]})
    return pkg, resource


def _hide(context, resource: model.Resource, report: Optional[Report]) -> Hidden:
    if queries.hidden_row(resource.id) is not None:
        raise tk.ValidationError({"resource_id": [tk._("The resource is already hidden.")]})
    user = user_of(context)
    row = Hidden(resource_id=resource.id, package_id=resource.package_id,
                 report_id=report.id if report else None, hidden_by=user.id if user else None)
    model.Session.add(row)
    model.Session.flush()
    hiding.changed(resource.package_id)
    return row


def molisa_report_create(context, data_dict):
    """Report a problem with a dataset, a resource or the portal (the
    "Báo lỗi / Report a problem" button and the contact form). Anyone may:
    a visitor gives an e-mail address for the answers and is throttled per
    address and client address.

    :param type: ``data_error``, ``broken_link``, ``outage``,
        ``personal_data``, ``security`` or ``support``
    :type type: string
    :param description: what is wrong
    :type description: string
    :param package_id: the dataset (optional)
    :type package_id: string
    :param resource_id: the resource (optional; its dataset is implied)
    :type resource_id: string
    :param email: the reporter's address (required of visitors)
    :type email: string
    :param name: the reporter's name (optional)
    :type name: string
    :param attachments: files showing the problem (up to 5; several as
        ``attachments``, ``attachments_2``, ...; size and type limited)
    :type attachments: uploaded files
    :rtype: dictionary (the report)
    """
    tk.check_access("molisa_report_create", context, data_dict)
    files = attachments.uploads_in(data_dict or {})
    data = _validate(attachments.without_uploads(data_dict or {}),
                     schema.molisa_report_create(), context)
    prepared = attachments.check(files)
    user = user_of(context)
    if user is None and not data.get("email"):
        raise tk.ValidationError({"email": [tk._(
            "Give an e-mail address for the answer, or log in.")]})
    pkg, resource = _subject(context, data)
    if user is None and not throttle.take(data["email"], throttle.client_addr()):
        raise tk.ValidationError({"email": [tk._(
            "Too many reports from this address in the last hour. Please try again later.")]})
    off = deadlines.days_off({today().year, today().year + 1})
    ack_due, resolve_due = deadlines.due_dates(
        today(), int(tk.config.get("ckanext.molisa.report.ack_working_days")),
        int(tk.config.get("ckanext.molisa.report.resolve_working_days")), off)
    report = Report(type=data["type"], state=NEW, private=data["type"] in PRIVATE_TYPES,
                    package_id=pkg.id if pkg else None,
                    resource_id=resource.id if resource else None,
                    owner_org=pkg.owner_org if pkg else None, description=data["description"],
                    reporter_id=user.id if user else None,
                    reporter_email=None if user else data["email"],
                    reporter_name=(user.display_name if user else data.get("name")),
                    ack_due=ack_due, resolve_due=resolve_due)
    model.Session.add(report)
    model.Session.flush()
    report.attachments = attachments.store(report.id, prepared)
    hidden = None
    if (report.type == PERSONAL_DATA and resource is not None
            and tk.asbool(tk.config.get("ckanext.molisa.report.hide_on_personal_data"))
            and queries.hidden_row(resource.id) is None):
        hidden = _hide(context, resource, report)
    _commit(context)
    _audit(context, "report_create", report)
    mail.received(report)
    if hidden is not None:
        _audit(context, "report_hide_resource", report, resource_id=resource.id)
        mail.hidden(report, resource.name or resource.id)
    return dictization.report_dict(report, handler=handles(user, report))


@tk.side_effect_free
def molisa_report_show(context, data_dict):
    """One report with its thread, for its reporter, its unit's admins and
    the IT Centre.

    :param id: the report
    :type id: string
    :rtype: dictionary
    """
    data = _validate(data_dict, schema.molisa_report_id_schema(), context)
    tk.check_access("molisa_report_show", context, data)
    report = _report(data["id"])
    return dictization.report_dict(report, handler=handles(user_of(context), report))


@tk.side_effect_free
def molisa_report_list(context, data_dict):
    """The reports the caller may read, newest first: their own, their
    units' (admins; community data's for WikiMolisa's moderators) and, for
    the IT Centre, all.

    :param mine: only the caller's own reports (default false)
    :type mine: bool
    :param state: ``new``, ``acknowledged`` or ``closed``
    :type state: string
    :param owner_org: only this unit's (id or name)
    :type owner_org: string
    :rtype: list of dictionaries (without their threads)
    """
    tk.check_access("molisa_report_list", context, data_dict)
    data = _validate(data_dict, schema.molisa_report_list(), context)
    user = user_of(context)
    rows = queries.reports_for(user.id, routing.units_managed(user), is_it_centre(user),
                               mine_only=data.get("mine", False), state=data.get("state"),
                               owner_org=data.get("owner_org"))
    return [dictization.report_dict(r, handler=handles(user, r), with_messages=False)
            for r in rows]


def molisa_report_reply(context, data_dict):
    """A message in the report's thread (reporter, unit's admins, IT
    Centre); mailed to the other side.

    :param id: the report
    :type id: string
    :param message: the text
    :type message: string
    :rtype: dictionary (the report)
    """
    data = _validate(data_dict, schema.molisa_report_reply(), context)
    tk.check_access("molisa_report_reply", context, data)
    report = _report(data["id"])
    if report.state == CLOSED:
        raise tk.ValidationError({"id": [tk._("The report is closed.")]})
    user = user_of(context)
    role = role_of(user, report)
    model.Session.add(Message(report_id=report.id, author_id=user.id, role=role,
                              body=data["message"]))
    _commit(context)
    _audit(context, "report_reply", report, role=role)
    mail.answered(report, role, data["message"])
    return dictization.report_dict(report, handler=handles(user, report))


def molisa_report_acknowledge(context, data_dict):
    """The unit's admins or the IT Centre acknowledge a report (with an
    optional message to the reporter).

    :param id: the report
    :type id: string
    :param message: a message (optional)
    :type message: string
    :rtype: dictionary (the report)
    """
    data = _validate(data_dict, schema.molisa_report_acknowledge(), context)
    tk.check_access("molisa_report_acknowledge", context, data)
    report = _report(data["id"])
    if report.state != NEW:
        raise tk.ValidationError({"id": [tk._("The report has already been acknowledged.")]})
    user = user_of(context)
    report.state = ACKNOWLEDGED
    report.acknowledged_at = now()
    report.acknowledged_by = user.id
    if data.get("message"):
        model.Session.add(Message(report_id=report.id, author_id=user.id,
                                  role=role_of(user, report), body=data["message"]))
    _commit(context)
    _audit(context, "report_acknowledge", report)
    mail.acknowledged(report)
    return dictization.report_dict(report, handler=True)


def _check_activity(report: Report, activity_id: Optional[str]) -> str:
    """The corrected version: an activity of the report's dataset, made after
    the report."""
    from ckanext.activity.model import Activity
    if not report.package_id:
        raise tk.ValidationError({"resolution": [tk._(
            "A report about no dataset cannot be closed as corrected.")]})
    if not activity_id:
        raise tk.ValidationError({"activity_id": [tk._(
            "Name the corrected version of the dataset.")]})
    activity = model.Session.get(Activity, activity_id)
    if activity is None or activity.object_id != report.package_id:
        raise tk.ValidationError({"activity_id": [tk._(
            "Not a version of the reported dataset.")]})
    created = report.created.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    if activity.timestamp < created:
        raise tk.ValidationError({"activity_id": [tk._(
            "The corrected version must be newer than the report.")]})
    return activity.id


def molisa_report_close(context, data_dict):
    """Close a report. A data error or a broken link is closed either as
    ``fixed``, naming the corrected version (an activity of the dataset made
    after the report), or as ``not_an_error`` with the reason; other reports
    as ``resolved`` or ``not_an_error`` with the reason (or ``fixed`` with a
    version).

    :param id: the report
    :type id: string
    :param resolution: ``fixed``, ``not_an_error`` or ``resolved``
    :type resolution: string
    :param activity_id: the corrected version (``fixed``)
    :type activity_id: string
    :param reason: why it was not an error, or how it was resolved
    :type reason: string
    :param restore_resource: show the hidden resource again (default false)
    :type restore_resource: bool
    :rtype: dictionary (the report)
    """
    data = _validate(data_dict, schema.molisa_report_close(), context)
    tk.check_access("molisa_report_close", context, data)
    report = _report(data["id"])
    if report.state == CLOSED:
        raise tk.ValidationError({"id": [tk._("The report is already closed.")]})
    resolution = data["resolution"]
    if resolution == RESOLVED and report.type in (DATA_ERROR, BROKEN_LINK):
        raise tk.ValidationError({"resolution": [tk._(
            "A data error is closed as corrected (naming the version) or as not an error.")]})
    activity_id = None
    if resolution == FIXED:
        activity_id = _check_activity(report, data.get("activity_id"))
    elif not data.get("reason"):
        raise tk.ValidationError({"reason": [tk._("Give the reason.")]})
    user = user_of(context)
    moment = now()
    if report.acknowledged_at is None:
        report.acknowledged_at, report.acknowledged_by = moment, user.id
    report.state, report.closed_at, report.closed_by = CLOSED, moment, user.id
    report.resolution, report.activity_id = resolution, activity_id
    report.close_reason = data.get("reason") or None
    restored = None
    if data.get("restore_resource") and report.resource_id:
        restored = queries.hidden_row(report.resource_id)
        if restored is not None:
            restored.restored_at, restored.restored_by = moment, user.id
    _commit(context)
    if restored is not None:
        hiding.changed(restored.package_id)
    _audit(context, "report_close", report, resolution=resolution, activity_id=activity_id)
    if restored is not None:
        _audit(context, "report_restore_resource", report, resource_id=report.resource_id)
    mail.closed(report)
    return dictization.report_dict(report, handler=True)


def _resource(resource_id: str) -> model.Resource:
    resource = model.Resource.get(resource_id)
    if resource is None or resource.state != "active" or resource.package is None:
        raise tk.ValidationError({"resource_id": [tk._("No such resource.")]})
    return resource


def molisa_report_hide_resource(context, data_dict):
    """Hide a resource pending review (the unit's admins, the IT Centre):
    it leaves every public path until it is restored.

    :param resource_id: the resource
    :type resource_id: string
    :param report_id: the report that asks for it (optional)
    :type report_id: string
    :rtype: dictionary with ``resource_id`` and ``hidden``
    """
    data = _validate(data_dict, schema.molisa_report_hide_resource(), context)
    tk.check_access("molisa_report_hide_resource", context, data)
    resource = _resource(data["resource_id"])
    report = None
    if data.get("report_id"):
        report = Report.get(data["report_id"])
        if report is None or report.resource_id != resource.id:
            raise tk.ValidationError({"report_id": [tk._("Not a report about this resource.")]})
    _hide(context, resource, report)
    _commit(context)
    _audit(context, "report_hide_resource", report, resource_id=resource.id,
           package_id=resource.package_id, owner_org=resource.package.owner_org)
    return {"resource_id": resource.id, "hidden": True}


def molisa_report_restore_resource(context, data_dict):
    """Show a hidden resource again (the unit's admins, the IT Centre).

    :param resource_id: the resource
    :type resource_id: string
    :rtype: dictionary with ``resource_id`` and ``hidden``
    """
    data = _validate(data_dict, schema.molisa_report_hide_resource(), context)
    tk.check_access("molisa_report_restore_resource", context, data)
    resource = _resource(data["resource_id"])
    row = queries.hidden_row(resource.id)
    if row is None:
        raise tk.ValidationError({"resource_id": [tk._("The resource is not hidden.")]})
    user = user_of(context)
    row.restored_at, row.restored_by = now(), user.id if user else None
    _commit(context)
    hiding.changed(row.package_id)
    report = Report.get(row.report_id) if row.report_id else None
    _audit(context, "report_restore_resource", report, resource_id=resource.id,
           package_id=resource.package_id, owner_org=resource.package.owner_org)
    return {"resource_id": resource.id, "hidden": False}


@tk.side_effect_free
def molisa_report_stats(context, data_dict):
    """Public statistics per unit: reports received (private ones counted,
    none named), acknowledged, closed, open, and the median hours to
    acknowledge and to resolve.

    :param owner_org: only this unit (id or name)
    :type owner_org: string
    :rtype: dictionary with the totals and ``units``
    """
    data = _validate(data_dict, schema.molisa_report_stats(), context)
    tk.check_access("molisa_report_stats", context, data)
    return dictization.stats(queries.all_reports(data.get("owner_org")))


def molisa_report_sweep(context, data_dict):
    """Remind the units of acknowledgements and resolutions due today or
    tomorrow, escalate overdue ones to the IT Centre; each once per report,
    step and due date (``ckan molisa report-sweep``).

    :param today: the day to sweep for (default today), YYYY-MM-DD
    :type today: string
    :rtype: dictionary with counts ``reminders`` and ``escalations``
    """
    tk.check_access("molisa_report_sweep", context, data_dict)
    data = _validate(data_dict, schema.molisa_report_sweep(), context)
    from ckanext.molisa.reports import sweep
    return sweep.run(context, data.get("today") or today())


def get_actions() -> dict[str, Any]:
    return {name: fn for name, fn in globals().items()
            if name.startswith("molisa_report_") and callable(fn)}
