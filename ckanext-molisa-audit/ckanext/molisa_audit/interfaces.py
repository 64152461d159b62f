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

    def molisa_audit_archive(self, cutoff, dry_run: bool) -> dict[str, Any]:
        """Called by the archive command (``ckan molisa-audit archive``,
        without ``--partition``) with the moment before which records are
        older than the log's retention period (``retention_months``, at
        least 24): the plugin removes or archives its own records of that
        age (all of them with ``dry_run`` false; only counts them with it)
        and returns counts to report. Must not raise for lack of records."""
        return {}
