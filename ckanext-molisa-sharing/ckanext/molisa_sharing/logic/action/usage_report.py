"""Usage reports (R18.2): the ministry asks a grantee how the data is used,
the grantee answers.
"""
from __future__ import annotations

import datetime

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa_sharing import deadlines, mail
from ckanext.molisa_sharing.logic import schema
from ckanext.molisa_sharing.logic.action.base import (
    commit, current_user, get_or_404, record, validate)
from ckanext.molisa_sharing.model import Grant, UsageReport, dictization, now, queries

__all__ = [
    "molisa_sharing_grant_request_usage_report", "molisa_sharing_grant_submit_usage_report",
]


def molisa_sharing_grant_request_usage_report(context, data_dict):
    """Ask the grantee how the data is used (R18.2).

    :param id: the grant
    :param question: what the ministry wants to know
    :param due_date: by when (ISO date; default: 10 working days)
    :returns: the grant
    """
    data = validate(data_dict, schema.molisa_sharing_usage_report_request(), context)
    grant = get_or_404(Grant, data, tk._("Grant"))
    tk.check_access("molisa_sharing_grant_request_usage_report", context, data)
    user = current_user(context)
    if data.get("due_date"):
        if data["due_date"] < deadlines.today():
            raise tk.ValidationError({"due_date": [tk._("Must not be in the past")]})
        due = datetime.datetime.combine(data["due_date"] + datetime.timedelta(days=1),
                                        datetime.time(), tzinfo=datetime.timezone.utc)
    else:
        due = deadlines.add_working_days(now(), 10)
    report = UsageReport(grant_id=grant.id, question=data["question"], requested_by=user.id,
                         due_at=due, history=[])
    report.log("requested", user.id)
    model.Session.add(report)
    commit(context)
    record(context, "usage_report_request", datasets=grant.datasets,
           organizations=[grant.owner_org], extra={"grant_id": grant.id, "report_id": report.id})
    mail.grant_event(grant, "usage_report_requested", data["question"])
    return dictization.grant_dictize(grant)


def molisa_sharing_grant_submit_usage_report(context, data_dict):
    """The grantee answers a usage report.

    :param id: the usage report (or the grant: its oldest unanswered report)
    :param answer: how the data is used
    :returns: the grant
    """
    data = validate(data_dict, schema.molisa_sharing_usage_report_submit(), context)
    if UsageReport.get(data["id"]) is None and Grant.get(data["id"]) is None:
        raise tk.ObjectNotFound(tk._("{what} not found").format(what=tk._("Usage report")))
    tk.check_access("molisa_sharing_grant_submit_usage_report", context, data)
    report = UsageReport.get(data["id"])
    if report is None:
        report = queries.oldest_unanswered_report(data["id"])
    if report is None:
        raise tk.ObjectNotFound(tk._("No usage report is asked for"))
    if report.answer is not None:
        raise tk.ValidationError({"id": [tk._("This usage report is already answered")]})
    user = current_user(context)
    grant = Grant.get(report.grant_id)
    report.answer = data["answer"]
    report.answered_by = user.id
    report.answered_at = now()
    report.log("answered", user.id)
    commit(context)
    record(context, "usage_report_submit", datasets=grant.datasets,
           organizations=[grant.owner_org], extra={"grant_id": grant.id, "report_id": report.id})
    mail.report_answered(grant, report)
    return dictization.grant_dictize(grant)
