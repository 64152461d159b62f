"""The audit record of each connection to another portal (R15.1): every
gather (the harvester reads the remote catalogue) and every dataset it
creates, updates or withdraws here is an event of channel ``harvest`` in the
connection and sharing log (ckanext-molisa-audit)."""
from __future__ import annotations

import logging
import time
from typing import Any, Optional

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)


def record(action: str, source: Any, *, datasets: Optional[list[str]] = None,
           organizations: Optional[list[str]] = None, started: Optional[float] = None,
           error: Optional[str] = None, **extra: Any) -> None:
    """One ``harvest`` event about ``source`` (a HarvestSource). Never raises:
    a harvest must not fail because the log is unavailable (the audit plugin
    spools durably; a failure here is logged)."""
    data: dict[str, Any] = {
        "channel": "harvest",
        "action": action,
        "actor": getattr(source, "type", None) or "harvest",
        "connection_account": getattr(source, "url", None),
        "datasets": [d for d in datasets or [] if d],
        "organizations": [o for o in organizations or [] if o],
        "status": 500 if error else 200,
        "extra": dict(extra, source_id=getattr(source, "id", None),
                      source_url=getattr(source, "url", None)),
    }
    if started is not None:
        data["duration_ms"] = (time.monotonic() - started) * 1000
    if error:
        data["error_class"] = "HarvestError"
        data["error_message"] = error[:2000]
    try:
        tk.get_action("molisa_audit_event_create")({"ignore_auth": True}, data)
    except KeyError:
        log.warning("molisa_audit is not enabled: harvest connection not logged")
    except Exception:  # the log's own failure is reported, the harvest goes on
        log.exception("could not log the harvest connection %s", action)
