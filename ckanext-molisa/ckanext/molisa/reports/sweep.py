"""The reports' periodic duty (``ckan molisa report-sweep``): a report whose
acknowledgement or resolution falls due today or tomorrow is reminded to its
unit's admins; one whose due date has passed is escalated to the IT Centre
(the unit's admins in copy). Each notice is recorded first
(``molisa_report_notice``, unique per report, kind and due date), so a
second run, or a run after a crash, never mails the same thing twice.
"""
from __future__ import annotations

import datetime
from typing import Any

from ckan import model

from ckanext.molisa import audit
from ckanext.molisa.model import report_queries as queries
from ckanext.molisa.model.report import NEW, Notice, Report

from . import mail


def _steps(report: Report) -> list[tuple[str, datetime.date]]:
    steps = []
    if report.state == NEW:
        steps.append(("ack", report.ack_due))
    steps.append(("resolve", report.resolve_due))
    return steps


def run(context: dict[str, Any], today: datetime.date) -> dict[str, int]:
    counts = {"reminders": 0, "escalations": 0}
    tomorrow = today + datetime.timedelta(days=1)
    for report in queries.open_reports():
        for step, due in _steps(report):
            if today > due:
                kind, send = step + "_overdue", mail.escalation
            elif today <= due <= tomorrow:
                kind, send = step + "_reminder", mail.reminder
            else:
                continue
            if queries.noticed(report.id, kind, due):
                continue
            notice = Notice(report_id=report.id, kind=kind, due=due)
            model.Session.add(notice)
            model.repo.commit()
            notice.recipients = send(report, step, due)
            model.repo.commit()
            audit.record("report", "report_" + kind, datasets=[report.package_id],
                         organizations=[report.owner_org],
                         extra={"report_id": report.id, "due": due.isoformat()})
            counts["escalations" if kind.endswith("overdue") else "reminders"] += 1
    return counts
