"""The one redactor: secrets kept out of logs, stored errors and mail.

:func:`redact` masks, in any text:

- always: the password of a URL (``postgresql://user:PASSWORD@host/db``,
  ``https://user:PASSWORD@portal``) and ``password=`` values (query strings,
  libpq DSNs);
- the literal ``secrets`` given (a source database's password, which a
  driver's error message may quote without its URL);
- with ``credentials=True``, for free text that is stored (the audit log's
  error messages): bearer tokens and ``token``/``api_key``/``authorization``
  values, JWTs, ``passwd``/``secret`` assignments and long opaque keys
  (40 characters or more).

Every secret becomes :data:`MASK`. :func:`install` applies the first kind to
every log record of the process: a sector database source's URL may carry its
password, and ckanext-harvest logs source URLs as they are ("Marking job as
finished ... <url>"), to the log files and to its ``harvest_log`` table, which
the API shows. The better practice stays a URL without the password
(``?passfile=``).
"""
from __future__ import annotations

import logging
import re
from typing import Iterable, Optional

MASK = "***"
# scheme://user:PASSWORD@host   and   password=VALUE (query strings, DSNs)
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.\-]*://[^\s/:@]*:)([^\s@/]+)(@)", re.IGNORECASE)
_PARAM_PASSWORD = re.compile(r"(\bpassword\s*=\s*)([^\s&;'\"]+)", re.IGNORECASE)
# free text that is stored: credentials of any kind (keyword kept, value masked)
_CREDENTIALS = (
    # "Authorization: Bearer X", "Bearer X", "token=X", "api_key: X" (the
    # scheme word stays, X goes)
    (re.compile(r"(?i)\b(token|authorization|api[_-]?key)\b(\s*[:=]?\s*)"
                r"((?:bearer|basic)\s+)?\S+"),
     lambda m: m.group(1) + m.group(2) + (m.group(3) or "") + MASK),
    (re.compile(r"(?i)\b(bearer|basic)(\s+)(?!\*\*\*)\S+"), r"\1\2" + MASK),
    (re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*"), MASK),
    (re.compile(r"(?i)\b(password|passwd|secret)(\s*[:=]\s*)\S+"), r"\1\2" + MASK),
    (re.compile(r"\b[A-Za-z0-9_\-]{40,}\b"), MASK),
)


def redact(text: Optional[str], *, secrets: Iterable[Optional[str]] = (),
           credentials: bool = False, limit: Optional[int] = None) -> Optional[str]:
    """``text`` with its secrets masked (see the module), cut to ``limit``
    characters if given. Empty text (``None``, ``""``) is returned as is."""
    if not text:
        return text
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    if "://" in text or "password" in text.lower():
        text = _URL_PASSWORD.sub(lambda m: m.group(1) + MASK + m.group(3), text)
        text = _PARAM_PASSWORD.sub(lambda m: m.group(1) + MASK, text)
    if credentials:
        for pattern, replacement in _CREDENTIALS:
            text = pattern.sub(replacement, text)
    return text[:limit] if limit is not None else text


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
