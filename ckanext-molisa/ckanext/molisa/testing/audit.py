"""The audit log as the tests read it: the events written since the reader
was made (``Audit().events(channel="sharing")``), shipped from the spool
first, through the real actions as a sysadmin.

The event tables are append-only, so they are not emptied between tests:
each test reads the events written since it started.
"""
from __future__ import annotations

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers


class Audit:
    def __init__(self):
        from ckanext.molisa_audit import recorder

        self.since = recorder.now_ms()   # events are stamped to the millisecond
        self.admin = factories.Sysadmin()

    def ship(self) -> int:
        from ckanext.molisa_audit import recorder, shipper

        return shipper.ship(recorder.spool_dir())

    def verify(self, **data):
        return helpers.call_action("molisa_audit_verify", context={"user": self.admin["name"]},
                                   **data)

    def events(self, **filters):
        self.ship()
        filters.setdefault("since", self.since.isoformat())
        filters.setdefault("limit", 1000)
        return helpers.call_action("molisa_audit_event_list",
                                   context={"user": self.admin["name"]}, **filters)["results"]
