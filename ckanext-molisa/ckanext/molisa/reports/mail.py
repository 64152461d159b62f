"""Who is told about a report, and what: through the kernel's
``ckanext.molisa.mail`` (CKAN's mailer, the real SMTP server), written in
the portal's language (Vietnamese; the portal keeps no language per person).

* A new report goes to the admins of the unit that manages the dataset (to
  WikiMolisa's moderators for community data: ``routing.py`` decides);
  reports of personal data exposed and security risks, and reports about no
  dataset (the contact form), go to the IT Centre at once as well
  (``ckanext.molisa.report.it_centre_email``; the sysadmins when unset).
* A reply, an acknowledgement or the closing goes to the other side: the
  reporter (their account's address, or the one a visitor gave), or the
  unit's admins (and the IT Centre for its reports).
* A private report's mail names its type and its page, never its text.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import mail, units
from ckanext.molisa.model.report import PRIVATE_TYPES, Report

from . import labels, routing

log = logging.getLogger(__name__)


def it_centre_recipients() -> list[tuple[str, str]]:
    address = (tk.config.get("ckanext.molisa.report.it_centre_email") or "").strip()
    if address:
        return [(tk._("IT Centre"), address)]
    return units.sysadmin_recipients()


def goes_to_it_centre(report: Report) -> bool:
    return report.type in PRIVATE_TYPES or not report.owner_org


def handlers(report: Report) -> list[tuple[str, str]]:
    """The managing unit, and the IT Centre for its reports."""
    recipients = routing.unit_recipients(report.owner_org)
    if goes_to_it_centre(report):
        recipients = it_centre_recipients() + recipients
    return routing.unique(recipients)


def reporter(report: Report) -> list[tuple[str, str]]:
    if report.reporter_id:
        user = model.User.get(report.reporter_id)
        if user is not None and user.email:
            return [(user.display_name, user.email)]
    if report.reporter_email:
        return [(report.reporter_name or report.reporter_email, report.reporter_email)]
    return []


def page_url(report: Report) -> str:
    return tk.url_for("molisa_report.read", id=report.id, _external=True)


def _lines(report: Report, with_text: bool) -> str:
    lines = [tk._("Kind: {kind}").format(kind=labels.type_label(report.type))]
    pkg = model.Package.get(report.package_id) if report.package_id else None
    if pkg is not None:
        lines.append(tk._("Dataset: {title}").format(title=pkg.title or pkg.name))
    if report.resource_id:
        resource = model.Resource.get(report.resource_id)
        if resource is not None:
            lines.append(tk._("Resource: {name}").format(name=resource.name or resource.id))
    lines.append(tk._("Acknowledge by: {date}").format(date=report.ack_due.isoformat()))
    lines.append(tk._("Resolve by: {date}").format(date=report.resolve_due.isoformat()))
    if with_text and not report.private:
        lines.append("")
        lines.append(report.description)
    lines.append("")
    lines.append(tk._("The report: {url}").format(url=page_url(report)))
    return "\n".join(lines)


def _send(recipients: Iterable[tuple[str, str]], subject: str, body: str) -> int:
    return mail.send(list(recipients), subject, body, what="report mail")


def _subject(report: Report, text: str) -> str:
    return "[" + tk._("Report") + "] " + text + ": " + labels.type_label(report.type)


@mail.in_portal_locale
def received(report: Report) -> int:
    """A new report, to those who handle it."""
    body = tk._("A problem was reported on the portal. Please acknowledge it and "
                "answer the reporter by the dates below.") + "\n\n" + _lines(report, True)
    return _send(handlers(report), _subject(report, tk._("New")), body)


@mail.in_portal_locale
def hidden(report: Report, resource_name: str) -> int:
    body = (tk._("The resource {name} has been hidden from the public pending your review "
                 "of a report of personal data exposed. Restore it from the report's page "
                 "if the report is unfounded.").format(name=resource_name)
            + "\n\n" + _lines(report, False))
    return _send(handlers(report), _subject(report, tk._("Resource hidden")), body)


@mail.in_portal_locale
def answered(report: Report, role: str, message: str) -> int:
    """A message in the thread, to the other side."""
    to_reporter = role != "reporter"
    recipients = reporter(report) if to_reporter else handlers(report)
    body = (tk._("There is a new message on your report.") if to_reporter
            else tk._("The reporter wrote on a report your unit handles."))
    body += "\n\n" + (message if not report.private or to_reporter else "") + "\n\n" \
        + _lines(report, False)
    return _send(recipients, _subject(report, tk._("New message")), body)


@mail.in_portal_locale
def acknowledged(report: Report) -> int:
    body = (tk._("Your report has been received by the managing unit, which will resolve "
                 "it by {date}.").format(date=report.resolve_due.isoformat())
            + "\n\n" + _lines(report, False))
    return _send(reporter(report), _subject(report, tk._("Acknowledged")), body)


@mail.in_portal_locale
def closed(report: Report) -> int:
    body = tk._("Your report has been closed: {resolution}.").format(
        resolution=labels.resolution_label(report.resolution or ""))
    if report.close_reason:
        body += "\n\n" + report.close_reason
    body += "\n\n" + _lines(report, False)
    return _send(reporter(report), _subject(report, tk._("Closed")), body)


@mail.in_portal_locale
def reminder(report: Report, step: str, due: Any) -> int:
    text = (tk._("This report is to be acknowledged by {date}.") if step == "ack"
            else tk._("This report is to be resolved by {date}.")).format(date=due.isoformat())
    body = text + "\n\n" + _lines(report, False)
    return _send(routing.unit_recipients(report.owner_org) or it_centre_recipients(),
                 _subject(report, tk._("Due on {date}").format(date=due.isoformat())), body)


@mail.in_portal_locale
def escalation(report: Report, step: str, due: Any) -> int:
    text = (tk._("This report was not acknowledged by {date}.") if step == "ack"
            else tk._("This report was not resolved by {date}.")).format(date=due.isoformat())
    body = text + "\n\n" + _lines(report, False)
    recipients = routing.unique(it_centre_recipients()
                                + routing.unit_recipients(report.owner_org))
    return _send(recipients, _subject(report, tk._("Overdue since {date}").format(
        date=due.isoformat())), body)
