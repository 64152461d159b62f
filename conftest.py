"""Fixtures shared by the three extensions' test suites.

The suite runs through CKAN's pytest plugin (``--ckan-ini=.local/test.ini``, written from config/test.ini.tmpl) against
the real PostgreSQL, Solr and Redis that ``make test`` starts.
"""
pytest_plugins = ["ckanext.molisa.testing.requirements", "ckanext.molisa_sharing.tests.smtp",
                  "ckanext.molisa_sharing.tests.browser"]
import pytest


@pytest.fixture(scope="session")
def reset_db(reset_db):
    """CKAN's reset_db, keeping a pooled engine.

    The first reset of a test process runs CKAN core's migrations, whose
    ``env.py`` calls ``init_model`` with its own engine, a ``NullPool``: from
    then on every query of the suite would open a new PostgreSQL connection
    (about 12 ms each, some 70 per test world). Once the reset is done the
    model gets a pooled engine again, as the running portal has."""
    def reset():
        reset_db()
        _pooled_engine()
    return reset


def _pooled_engine() -> None:
    import sqlalchemy as sa
    from ckan import model
    from ckan.common import config

    if isinstance(model.meta.engine.pool, sa.pool.NullPool):
        migration_engine = model.meta.engine
        model.Session.remove()
        model.init_model(sa.engine_from_config(dict(config)))
        migration_engine.dispose()


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

