"""Mail in the portal's language: every message the portal sends by itself
(sharing steps, failed harvests, the audit log's reports to the IT Centre) is
written in the portal's default language (``ckan.locale_default``,
Vietnamese), whoever triggers it and wherever: a web request under ``/en/``,
the CLI, a background job, the scheduler or the shipper.

:func:`portal_locale` is the context, :func:`in_portal_locale` the decorator
form, :func:`send` sends one message to several people through CKAN's mailer
(``smtp.*``); a message that cannot be sent is logged and never undoes the
step it reports.
"""
from __future__ import annotations

import contextlib
import functools
import logging
from typing import Callable, Iterable, Iterator, TypeVar

import ckan.plugins.toolkit as tk
from ckan.lib import mailer

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable)


def portal_language() -> str:
    return tk.config.get("ckan.locale_default") or "vi"


@contextlib.contextmanager
def portal_locale() -> Iterator[None]:
    """Translations (``tk._``) in the portal's default language inside the
    block, in a web request as in a process without one (an application
    context gets a request context of its own)."""
    import flask_babel
    from flask import current_app, has_app_context, has_request_context
    locale = portal_language()
    if has_request_context():
        with flask_babel.force_locale(locale):
            yield
    elif has_app_context():
        with current_app.test_request_context(), flask_babel.force_locale(locale):
            yield
    else:
        yield


def in_portal_locale(fn: F) -> F:
    """``fn`` runs inside :func:`portal_locale`."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with portal_locale():
            return fn(*args, **kwargs)
    return wrapper  # type: ignore[return-value]


def site_title() -> str:
    return tk.config.get("ckan.site_title") or "CKAN"


def footer() -> str:
    """The signature under every message: the portal's title and address."""
    return "\n\n--\n" + site_title() + "\n" + (tk.config.get("ckan.site_url") or "")


def send(recipients: Iterable[tuple[str, str]], subject: str, body: str, *,
         what: str = "mail") -> int:
    """Send ``body`` (with :func:`footer`) to each (name, address), once per
    address; returns how many were sent. A refusal of the mail server is
    logged (``what`` names the kind of mail) and the others are still sent."""
    sent = 0
    seen = set()
    for name, address in recipients:
        if not address or address in seen:
            continue
        seen.add(address)
        try:
            mailer.mail_recipient(name or address, address, subject, body + footer())
            sent += 1
        except mailer.MailerException as exc:
            log.error("%s to %s not sent: %s", what, address, exc)
    return sent
