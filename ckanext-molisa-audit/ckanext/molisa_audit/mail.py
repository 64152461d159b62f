"""Mail to the IT Centre (``ckanext.molisa_audit.it_centre_email``): the
daily signed chain head, and every event PostgreSQL refused. Sent through
CKAN's mailer, in the portal's default language (the kernel's
``portal_locale``)."""
from __future__ import annotations

import logging

import ckan.plugins.toolkit as tk
from ckan.lib import mailer

from ckanext.molisa.mail import portal_locale

__all__ = ["it_centre", "portal_locale", "send"]

log = logging.getLogger(__name__)


def it_centre() -> str:
    return (tk.config.get("ckanext.molisa_audit.it_centre_email") or "").strip()


def send(subject: str, body: str) -> bool:
    """Mail the IT Centre; False (logged) if there is no address or the mail
    server refused. Never raises: the shipper goes on either way."""
    address = it_centre()
    if not address:
        log.warning("ckanext.molisa_audit.it_centre_email is not set: not mailed: %s", subject)
        return False
    try:
        mailer.mail_recipient(tk._("IT Centre"), address, subject, body)
        return True
    except Exception as e:  # MailerException, socket errors
        log.warning("audit mail to the IT Centre failed (%s): %s", e.__class__.__name__, subject)
        return False
