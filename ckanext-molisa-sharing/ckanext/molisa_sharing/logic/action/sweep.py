"""The periodic duties (``ckan molisa-sharing sweep``): grants past their
period expire, reviewers and grantees are told once about what is overdue.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa_sharing import access, deadlines, mail
from ckanext.molisa_sharing.logic.action.base import record
from ckanext.molisa_sharing.model import Grant, now, queries

__all__ = ["molisa_sharing_sweep"]


def molisa_sharing_sweep(context, data_dict):
    """Periodic duties (``ckan molisa-sharing sweep``): grants past their
    period become ``expired`` (tokens revoked, grantee told); reviewers are
    told once about overdue requests; grantees and reviewers once about
    overdue usage reports.

    :returns: counts
    """
    tk.check_access("molisa_sharing_sweep", context, data_dict)
    today = deadlines.today()
    counts = {"expired": 0, "overdue_requests": 0, "overdue_reports": 0}
    for grant in queries.grants_past_end(today):
        grant.state = "expired"
        grant.state_reason = None
        grant.updated = now()
        grant.log("expired", None)
        queries.revoke_tokens(grant)
        model.repo.commit()
        record(context, "grant_expire", datasets=grant.datasets,
               organizations=[grant.owner_org], extra={"grant_id": grant.id})
        mail.grant_event(grant, "expired")
        counts["expired"] += 1
    for req in queries.overdue_requests_not_notified():
        req.overdue_notified_at = now()
        model.repo.commit()
        record(context, "request_overdue", datasets=req.datasets,
               organizations=[req.owner_org], extra={"request_id": req.id})
        mail.request_event(req, "overdue")
        counts["overdue_requests"] += 1
    for report in queries.overdue_reports_not_notified():
        report.overdue_notified_at = now()
        model.repo.commit()
        grant = Grant.get(report.grant_id)
        mail.grant_event(grant, "usage_report_overdue")
        counts["overdue_reports"] += 1
    access.forget()
    return counts
