"""E-mail to the people concerned by each step, in the portal's language,
through the kernel's mail (``ckanext.molisa.mail``: CKAN's mailer, ``smtp.*``
settings). A mail that cannot be sent is logged and never undoes the step it
reports."""
from __future__ import annotations

from typing import Iterable

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import mail as portal_mail
from ckanext.molisa import units
from ckanext.molisa.mail import in_portal_locale


def _site() -> str:
    return portal_mail.site_title()


def _link(endpoint: str, **kw) -> str:
    try:
        return tk.url_for(endpoint, _external=True, **kw)
    except Exception:  # outside a request
        base = (tk.config.get("ckan.site_url") or "").rstrip("/")
        paths = {"molisa_sharing.request_read": "/sharing/requests/{id}",
                 "molisa_sharing.grant_read": "/sharing/grants/{id}",
                 "molisa_sharing.inbound_read": "/sharing/inbound/{id}",
                 "molisa_sharing.review": "/sharing/review"}
        return base + paths.get(endpoint, "/").format(**kw)


def send(recipients: Iterable[tuple[str, str]], subject: str, body: str) -> int:
    """Send to each (name, address); returns how many were sent."""
    return portal_mail.send(recipients, subject, body, what="sharing mail")


def user_recipient(user_id: str | None) -> list[tuple[str, str]]:
    user = model.User.get(user_id) if user_id else None
    if user is None or not user.email or user.state != "active":
        return []
    return [(user.display_name, user.email)]


def reviewers(owner_org: str) -> list[tuple[str, str]]:
    """The unit's admins; the sysadmins when the unit has none with an
    address."""
    return units.unit_admin_recipients(owner_org) or units.sysadmin_recipients()


def sysadmins() -> list[tuple[str, str]]:
    return units.sysadmin_recipients()


# -- the messages --------------------------------------------------------------

def _request_people(req) -> list[tuple[str, str]]:
    people = user_recipient(req.creator_id)
    if req.user_email:
        people.append((req.user_name or "", req.user_email))
    return people


@in_portal_locale
def request_event(req, event: str, reason: str | None = None) -> None:
    link = _link("molisa_sharing.request_read", id=req.id)
    ref = req.id[:8]
    if event == "submitted":
        send(_request_people(req), tk._("[{site}] Your data request {ref} was received").format(
            site=_site(), ref=ref),
            tk._("Your data request was submitted. The unit that owns the data will decide by "
                 "{due}.\n\n{link}").format(due=_fmt(req.due_at), link=link))
        send(reviewers(req.owner_org), tk._("[{site}] New data request {ref} to review").format(
            site=_site(), ref=ref),
            tk._("{org} asks for data of your unit. Purpose: {purpose}\nDecide by {due}.\n\n"
                 "{link}").format(org=req.requester_organization, purpose=req.purpose,
                                  due=_fmt(req.due_at), link=link))
    elif event == "changes_requested":
        send(_request_people(req), tk._("[{site}] Changes requested to your data request {ref}")
             .format(site=_site(), ref=ref),
             tk._("The reviewer asks for changes before deciding:\n\n{reason}\n\nEdit and submit "
                  "again: {link}").format(reason=reason, link=link))
    elif event == "approved":
        send(_request_people(req), tk._("[{site}] Your data request {ref} was approved").format(
            site=_site(), ref=ref),
             tk._("Your data request was approved. What is granted, and until when:\n\n{link}")
             .format(link=_link("molisa_sharing.grant_read", id=req.grant_id)))
    elif event == "rejected":
        send(_request_people(req), tk._("[{site}] Your data request {ref} was refused").format(
            site=_site(), ref=ref),
             tk._("Your data request was refused. Reason:\n\n{reason}\n\n{link}").format(
                 reason=reason, link=link))
    elif event == "overdue":
        send(reviewers(req.owner_org), tk._("[{site}] Data request {ref} is overdue").format(
            site=_site(), ref=ref),
             tk._("The decision on this data request was due by {due}.\n\n{link}").format(
                 due=_fmt(req.due_at), link=link))


@in_portal_locale
def grant_event(grant, event: str, reason: str | None = None, extra: str = "") -> None:
    link = _link("molisa_sharing.grant_read", id=grant.id)
    people = user_recipient(grant.holder_id) + user_recipient(grant.manager_id)
    ref = grant.id[:8]
    subjects = {
        "suspended": tk._("[{site}] Your data access grant {ref} is suspended"),
        "reinstated": tk._("[{site}] Your data access grant {ref} is active again"),
        "terminated": tk._("[{site}] Your data access grant {ref} was terminated"),
        "expired": tk._("[{site}] Your data access grant {ref} has expired"),
        "usage_report_requested": tk._("[{site}] A usage report is asked for grant {ref}"),
        "usage_report_overdue": tk._("[{site}] The usage report for grant {ref} is overdue"),
        "account_created": tk._("[{site}] Your connection account is ready"),
    }
    bodies = {
        "suspended": tk._("Access under this grant is suspended. Reason:\n\n{reason}\n\n{link}"),
        "reinstated": tk._("Access under this grant is active again.\n\n{link}"),
        "terminated": tk._("This grant was terminated. Reason:\n\n{reason}\n\n{link}"),
        "expired": tk._("This grant reached the end of its period.\n\n{link}"),
        "usage_report_requested": tk._("The ministry asks how the data is used:\n\n{reason}\n\n"
                                       "Answer in the portal: {link}"),
        "usage_report_overdue": tk._("The usage report asked for this grant is overdue.\n\n"
                                     "{link}"),
        "account_created": tk._("A connection account was created for your agency: {extra}. "
                                "Issue its API token on the grant's page:\n\n{link}"),
    }
    send(people, subjects[event].format(site=_site(), ref=ref),
         bodies[event].format(reason=reason or "", link=link, extra=extra))
    if event == "usage_report_overdue":
        send(reviewers(grant.owner_org), subjects[event].format(site=_site(), ref=ref),
             bodies[event].format(link=link))


@in_portal_locale
def report_answered(grant, report) -> None:
    send(user_recipient(report.requested_by) + reviewers(grant.owner_org),
         tk._("[{site}] Usage report received for grant {ref}").format(
             site=_site(), ref=grant.id[:8]),
         tk._("The grantee answered:\n\n{answer}\n\n{link}").format(
             answer=report.answer, link=_link("molisa_sharing.grant_read", id=grant.id)))


@in_portal_locale
def inbound_event(inbound, event: str, reason: str | None = None) -> None:
    link = _link("molisa_sharing.inbound_read", id=inbound.id)
    if event == "submitted":
        send(sysadmins(), tk._("[{site}] New request to receive data from {source}").format(
            site=_site(), source=inbound.source_system), link)
    else:
        send(user_recipient(inbound.creator_id) + [(inbound.contact_name, inbound.contact_email)],
             (tk._("[{site}] Your request to receive data was approved") if event == "approved"
              else tk._("[{site}] Your request to receive data was refused")).format(site=_site()),
             (reason or "") + "\n\n" + link)


def _fmt(when) -> str:
    """A deadline (midnight after its last day) as that last day, dd/mm/yyyy
    in the portal's time zone."""
    if when is None:
        return ""
    import datetime

    import pytz
    zone = pytz.timezone(tk.config.get("ckan.display_timezone") or "UTC")
    last = (when.astimezone(zone) - datetime.timedelta(seconds=1)).date()
    return last.strftime("%d/%m/%Y")
