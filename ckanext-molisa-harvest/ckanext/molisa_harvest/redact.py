"""Passwords kept out of the logs.

A sector database source's URL may carry its password
(``postgresql://user:password@host/db``), and ckanext-harvest logs source URLs
as they are ("Marking job as finished ... <url>"), to the log files and to its
``harvest_log`` table, which the API shows. :func:`install` wraps the logging
record factory, so every record (of any logger, for every handler, whenever
it was added) has the password of a URL and ``password=`` values replaced by
``***`` before any handler sees it. The better practice stays a URL without
the password (``?passfile=``).
"""
from __future__ import annotations

import logging
import re

MASK = "***"
# scheme://user:PASSWORD@host   and   password=VALUE (query strings, DSNs)
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.\-]*://[^\s/:@]*:)([^\s@/]+)(@)", re.IGNORECASE)
_PARAM_PASSWORD = re.compile(r"(\bpassword\s*=\s*)([^\s&;'\"]+)", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with URL passwords and ``password=`` values masked."""
    if "://" in text or "password" in text.lower():
        text = _URL_PASSWORD.sub(lambda m: m.group(1) + MASK + m.group(3), text)
        text = _PARAM_PASSWORD.sub(lambda m: m.group(1) + MASK, text)
    return text


def install() -> None:
    """Masks passwords in every log record from now on (idempotent)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "molisa_redacts", False):
        return

    def record_factory(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:   # a bad format string is the logging module's to report
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return record

    record_factory.molisa_redacts = True
    logging.setLogRecordFactory(record_factory)
