"""Fixtures shared by the three extensions' test suites.

The suite runs through CKAN's pytest plugin (``--ckan-ini=test.ini``) against
the real PostgreSQL, Solr and Redis that ``make test`` starts.
"""
import pytest


@pytest.fixture
def clean_db(with_plugins, reset_db, migrate_db_for):
    """CKAN's clean_db, plus the migrations of the plugins that have tables
    (which must be loaded for their migrations to be found)."""
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("harvest")


def pytest_collection_modifyitems(items):
    """Refuse a ``req`` mark without a requirement id."""
    for item in items:
        for mark in item.iter_markers("req"):
            if not mark.args or not all(isinstance(a, str) and a.startswith("R") for a in mark.args):
                raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.req needs ids like 'R15.2'")
