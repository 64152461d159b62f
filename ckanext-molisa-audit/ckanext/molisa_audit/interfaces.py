"""The interface through which other plugins take part in the audit log."""
from __future__ import annotations

from typing import Any

from ckan.plugins.interfaces import Interface


class IMolisaAudit(Interface):
    """Plugins that enrich or observe audit events.

    To *write* an event (a harvest connection, a sharing decision), call the
    action ``molisa_audit_event_create`` with ``{"ignore_auth": True}`` in the
    context, or ``ckanext.molisa_audit.recorder.record(...)``; both go through
    these hooks.
    """

    def molisa_audit_before_write(self, event: dict[str, Any]) -> dict[str, Any]:
        """Return the event, possibly with more detail (for example the
        sharing grant a request used, in ``connection_account`` or ``extra``).
        Called before the event is spooled; must not raise."""
        return event
