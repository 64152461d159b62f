"""Fixtures of the audit tests.

The event tables are append-only, so they are not emptied between tests:
each test reads the events written since it started (``audit.events()``).
"""
from __future__ import annotations

import datetime
import os
import subprocess

import pytest

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
from ckan import model

from ckanext.molisa_audit import recorder, shipper

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[".."] * 4))


class Audit:
    def __init__(self):
        self.since = recorder.now_ms()   # events are stamped to the millisecond
        self.admin = factories.Sysadmin()

    def ship(self) -> int:
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


@pytest.fixture
def audit(clean_db):
    return Audit()


def superuser_sql(sql: str, database: str | None = None) -> str:
    """Run SQL as the cluster's superuser (what an intruder with full database
    access could do), with triggers off, in the tests' database (that of
    ``sqlalchemy.url``) unless told another."""
    from urllib.parse import urlparse
    from ckan.common import config
    url = urlparse(config["sqlalchemy.url"])
    database = database or url.path.lstrip("/")
    port = str(url.port or os.environ.get("MOLISA_PG_PORT", "15432"))
    result = subprocess.run(
        ["runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/psql", "-h",
         os.path.join(ROOT, ".local", "pgsock"), "-p", port, "-d", database, "-v",
         "ON_ERROR_STOP=1", "-qAt", "-c",
         "SET session_replication_role = replica; SET search_path = molisa_audit, public; " + sql],
        capture_output=True, text=True, check=True)
    model.Session.remove()
    return result.stdout
