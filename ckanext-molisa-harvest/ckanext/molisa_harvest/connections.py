"""The audit record of each connection to another portal (R15.1): every
gather (the harvester reads the remote catalogue) and every dataset it
creates, updates or withdraws here is an event of channel ``harvest`` in the
connection and sharing log (ckanext-molisa-audit), written through the
kernel's audit client (``ckanext.molisa.audit``) and under its error policy."""
from __future__ import annotations

from typing import Any, Optional

from ckanext.molisa import audit


def record(action: str, source: Any, *, datasets: Optional[list[str]] = None,
           organizations: Optional[list[str]] = None, started: Optional[float] = None,
           error: Optional[str] = None, **extra: Any) -> None:
    """One ``harvest`` event about ``source`` (a HarvestSource), under the
    audit client's error policy (:mod:`ckanext.molisa.audit`)."""
    audit.record(
        "harvest", action,
        actor=getattr(source, "type", None) or "harvest",
        connection_account=getattr(source, "url", None),
        datasets=datasets or (), organizations=organizations or (),
        status=500 if error else 200, started=started,
        error_class="HarvestError" if error else None,
        error_message=error[:2000] if error else None,
        extra=dict(extra, source_id=getattr(source, "id", None),
                   source_url=getattr(source, "url", None)))
