"""The one audit client: how the other plugins write to the connection and
sharing log (ckanext-molisa-audit, R15.1) without importing it.

:func:`record` builds one event and hands it to the audit plugin's action
``molisa_audit_event_create`` (which validates it, redacts free text and
appends it durably to the spool before returning).

The error policy, the same for every caller (sharing decisions, harvest
connections, sector-database connections):

- **The audit plugin is a soft dependency.** When ``molisa_audit`` is not
  loaded, nothing is written: a warning is logged and :func:`record` returns
  ``None``. A portal may run without the log (development, a test of one
  plugin); the other plugins work the same.
- **When it is loaded, a failure to write is never silent.** It is logged
  (the event's channel and action, and the error with passwords and tokens
  redacted, never the event's data) and raised as :class:`AuditWriteError`.
  A share or a connection that the log cannot record is therefore reported as
  an error to whoever made it (the user of a sharing step gets the error, a
  harvest stage records it as its own error), rather than passing unrecorded.
  The spool is a local, fsync'd file: this happens only when the disk itself
  fails, not when PostgreSQL is down.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Iterable, Optional

import ckan.plugins.toolkit as tk

from .redact import redact

log = logging.getLogger(__name__)

ACTION = "molisa_audit_event_create"


class AuditWriteError(Exception):
    """The audit plugin is loaded but could not write the event."""


def is_enabled() -> bool:
    """Whether the audit plugin is loaded (its action is registered)."""
    try:
        tk.get_action(ACTION)
    except KeyError:
        return False
    return True


def record(channel: str, action: str, *, actor: Optional[str] = None,
           connection_account: Optional[str] = None, client_addr: Optional[str] = None,
           datasets: Iterable[Optional[str]] = (), organizations: Iterable[Optional[str]] = (),
           status: Optional[int] = None, started: Optional[float] = None,
           duration_ms: Optional[float] = None, error_class: Optional[str] = None,
           error_message: Optional[str] = None, extra: Optional[dict[str, Any]] = None
           ) -> Optional[dict[str, Any]]:
    """Write one event of ``channel`` (``sharing``, ``harvest``, ...).

    :param action: what happened (``request_approve``, ``sector_db_gather``)
    :param actor, connection_account, client_addr: who, when known
    :param datasets, organizations: ids touched (empty ones are dropped)
    :param status: the outcome as an HTTP status
    :param started: a ``time.monotonic()`` reading: the duration is measured
        from it (or give ``duration_ms``)
    :param error_class, error_message: what went wrong (the message is
        redacted and cut by the audit plugin)
    :param extra: anything else (JSON)
    :returns: the event as written; ``None`` when the audit plugin is not loaded
    :raises AuditWriteError: the plugin is loaded and the write failed
    """
    data: dict[str, Any] = {
        "channel": channel, "action": action,
        "datasets": [d for d in datasets or () if d],
        "organizations": [o for o in organizations or () if o],
        "extra": extra or {},
    }
    for key, value in (("actor", actor), ("connection_account", connection_account),
                       ("client_addr", client_addr), ("status", status),
                       ("error_class", error_class), ("error_message", error_message)):
        if value is not None:
            data[key] = value
    if started is not None and duration_ms is None:
        duration_ms = (time.monotonic() - started) * 1000
    if duration_ms is not None:
        data["duration_ms"] = duration_ms
    try:
        write = tk.get_action(ACTION)
    except KeyError:
        log.warning("%s event %s not audited: the molisa_audit plugin is not loaded",
                    channel, action)
        return None
    try:
        return write({"ignore_auth": True}, data)
    except Exception as exc:
        log.error("%s event %s could not be written to the audit log: %s: %s", channel,
                  action, type(exc).__name__, redact(str(exc))[:500])
        raise AuditWriteError(f"the audit log could not record {channel} {action}") from exc
