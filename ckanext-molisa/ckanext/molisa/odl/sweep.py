"""The Open Data List's periodic duty (``ckan molisa odl-sweep``): entries
of the version in force that fall due within ``ckanext.molisa.odl.remind_days``
days are mailed to their unit's admins; overdue entries are escalated to the
IT Centre (``ckanext.molisa.odl.it_centre_email``) with the unit's admins in
copy. Each notice is recorded (``molisa_odl_notice``) and never sent twice
for the same entry and due date; a recorded overdue due date is what later
makes an update ``late``.
"""
from __future__ import annotations

import datetime
import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import mail, units
from ckanext.molisa.model import odl_dictization as dictization
from ckanext.molisa.model import odl_queries as queries
from ckanext.molisa.model.odl import Notice
from ckanext.molisa.odl import deadlines

log = logging.getLogger(__name__)


def remind_days() -> int:
    return int(tk.config.get("ckanext.molisa.odl.remind_days"))


def it_centre() -> str:
    return (tk.config.get("ckanext.molisa.odl.it_centre_email") or "").strip()


def _page_url(entry: dict[str, Any]) -> str:
    return tk.url_for("molisa_odl.unit", id=entry["unit"]["name"] or entry["owner_org"],
                      _external=True)


def _lines(entry: dict[str, Any]) -> str:
    return "\n".join([
        tk._("Entry: {title}").format(title=entry["title"]),
        tk._("Unit: {unit}").format(unit=entry["unit"]["title"] or entry["owner_org"]),
        tk._("Due date: {due}").format(due=entry["status"]["due"]),
        tk._("Open Data List: {url}").format(url=_page_url(entry)),
    ])


@mail.in_portal_locale
def _remind(entry: dict[str, Any]) -> int:
    subject = tk._("[Open Data List] Due on {due}: {title}").format(
        due=entry["status"]["due"], title=entry["title"])
    body = (tk._("This entry of the Open Data List falls due soon. Please publish or "
                 "update its dataset on the portal and link it to the entry.")
            + "\n\n" + _lines(entry))
    return mail.send(units.unit_admin_recipients(entry["owner_org"]), subject, body,
                     what="open data list reminder")


@mail.in_portal_locale
def _escalate(entry: dict[str, Any]) -> int:
    subject = tk._("[Open Data List] Overdue since {due}: {title}").format(
        due=entry["status"]["due"], title=entry["title"])
    body = (tk._("This entry of the Open Data List is overdue: its dataset was not "
                 "published or updated by the due date.") + "\n\n" + _lines(entry))
    recipients = list(units.unit_admin_recipients(entry["owner_org"]))
    if it_centre():
        recipients.insert(0, (tk._("IT Centre"), it_centre()))
    else:
        log.warning("ckanext.molisa.odl.it_centre_email is not set: overdue entries are "
                    "escalated to the units' admins only")
    return mail.send(recipients, subject, body, what="open data list escalation")


def run(context: dict[str, Any], today: datetime.date) -> dict[str, int]:
    counts = {"reminders": 0, "escalations": 0}
    version = queries.version_in_force()
    if version is None:
        return counts
    days = remind_days()
    for entry in dictization.entry_dicts(queries.entries(version.id), today):
        st = entry["status"]
        if not st["due"]:
            continue
        due = datetime.date.fromisoformat(st["due"])
        if entry["state"] == deadlines.OVERDUE:
            kind, send = "overdue", _escalate
        elif today <= due <= today + datetime.timedelta(days=days):
            kind, send = "reminder", _remind
        else:
            continue
        if queries.noticed(entry["key"], due, kind):
            continue
        # recorded first: a crash after the mail never sends it twice
        notice = Notice(entry_key=entry["key"], due=due, kind=kind)
        model.Session.add(notice)
        model.repo.commit()
        notice.recipients = send(entry)
        model.repo.commit()
        counts["escalations" if kind == "overdue" else "reminders"] += 1
    return counts
