"""Fixtures shared by the three extensions' test suites.

The suite runs through CKAN's pytest plugin (``--ckan-ini=.local/test.ini``, written from config/test.ini.tmpl) against
the real PostgreSQL, Solr and Redis that ``make test`` starts.
"""
pytest_plugins = ["ckanext.molisa_sharing.tests.smtp", "ckanext.molisa_sharing.tests.browser"]
import pytest


@pytest.fixture
def clean_db(with_plugins, reset_db, migrate_db_for):
    """CKAN's clean_db, plus the migrations of the plugins that have tables
    (which must be loaded for their migrations to be found).

    The audit schema is dropped first, as its owner (through the admin role,
    ckanext.molisa_audit.admin_url: the web role cannot), with the anchors of
    the chain it held: audit rows cannot be deleted, and a new chain starts.
    """
    from ckanext.molisa_audit import db

    db.drop_audit_log()
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("harvest")
    migrate_db_for("molisa")
    migrate_db_for("molisa_audit")
    migrate_db_for("molisa_sharing")
    migrate_db_for("molisa_identity")


def pytest_collection_modifyitems(items):
    """Refuse a ``req`` mark without a requirement id."""
    for item in items:
        for mark in item.iter_markers("req"):
            if not mark.args or not all(isinstance(a, str) and a.startswith("R") for a in mark.args):
                raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.req needs ids like 'R15.2'")
