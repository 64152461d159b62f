"""Links: is the resource reachable (status, content type, size)? The
history is the sequence of ``link`` results; a link that fails twice in a
row is mailed to its unit's admins, once per break (a link that recovers and
breaks again is mailed again).
"""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.molisa import mail, units
from ckanext.molisa.model import quality as qmodel

from .fetch import Fetched

log = logging.getLogger(__name__)

OK, BROKEN, REFUSED = "ok", "broken", "refused"

#: failures in a row that make a broken link worth a mail
MAIL_AFTER = 2


def outcome(fetched: Fetched) -> tuple[str, float | None, dict[str, Any]]:
    """(outcome, score, details) of one fetch. A URL the guard refused was
    not tried: ``refused``, without a score, never mailed."""
    details = fetched.summary()
    if fetched.refused:
        return REFUSED, None, details
    if fetched.ok:
        return OK, 1.0, details
    return BROKEN, 0.0, details


def newly_broken_twice(resource_id: str) -> bool:
    """Whether the latest result makes ``MAIL_AFTER`` failures in a row, and
    the one before them was not a failure (or there was none): the break is
    mailed then and only then."""
    recent = qmodel.history(resource_id, qmodel.LINK, limit=MAIL_AFTER + 1)
    if len(recent) < MAIL_AFTER or any(r.outcome != BROKEN for r in recent[:MAIL_AFTER]):
        return False
    return len(recent) == MAIL_AFTER or recent[MAIL_AFTER].outcome != BROKEN


def error_label(code: str | None, status: int | None = None) -> str:
    labels = {
        "scheme": tk._("only http and https addresses are checked"),
        "address": tk._("the address is on a private network"),
        "dns": tk._("the host name does not resolve"),
        "timeout": tk._("no answer in time"),
        "connection": tk._("the connection failed"),
        "redirects": tk._("too many redirects"),
        "missing_file": tk._("the uploaded file is missing"),
        "http_status": tk._("the server answered with status {status}").format(status=status),
    }
    return labels.get(code or "", code or "")


@mail.in_portal_locale
def mail_broken(package: dict[str, Any], resource: dict[str, Any],
                details: dict[str, Any]) -> int:
    """Tell the unit's admins that a resource's link is broken."""
    title = package.get("title") or package.get("name")
    name = resource.get("name") or resource.get("url") or resource["id"]
    subject = tk._("[Quality] Broken link: {resource} ({dataset})").format(
        resource=name, dataset=title)
    page = tk.url_for("dataset.read", id=package["name"], _external=True)
    body = "\n".join([
        tk._("A resource of your unit's dataset could not be reached in the last "
             "{count} checks.").format(count=MAIL_AFTER),
        "",
        tk._("Dataset: {title}").format(title=title),
        tk._("Resource: {name}").format(name=name),
        tk._("Address: {url}").format(url=details.get("url") or ""),
        tk._("Error: {error}").format(error=error_label(details.get("error"),
                                                        details.get("status"))),
        tk._("Dataset page: {url}").format(url=page),
    ])
    return mail.send(units.unit_admin_recipients(package.get("owner_org")), subject, body,
                     what="broken link")
