"""Fixtures of the audit tests: the audit reader of ``ckanext.molisa.testing``
(``audit.events()``: the events written since the test started) and SQL as
the cluster's superuser."""
from __future__ import annotations

import os
import subprocess

import pytest

from ckan import model

from ckanext.molisa.testing.audit import Audit

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[".."] * 4))


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
