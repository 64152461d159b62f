"""Fixtures shared by the four extensions' test suites.

The suite runs through CKAN's pytest plugin (``--ckan-ini=.local/test.ini``,
written from config/test.ini.tmpl) against the real PostgreSQL, Solr and Redis
that ``make test`` starts. What the suites share lives in
``ckanext.molisa.testing``: the plugins below (requirement markers, SMTP
server, browser and web server), the database reset, the audit reader and the
data builders.
"""
pytest_plugins = ["ckanext.molisa.testing.plugin_loading", "ckanext.molisa.testing.requirements", "ckanext.molisa.testing.smtp",
                  "ckanext.molisa.testing.browser", "ckanext.molisa_identity.tests.server"]
import os

import pytest

from ckanext.molisa.testing import database


def pytest_configure(config):
    """A parallel run's worker N > 0 runs on a site of its own,
    ``.local/test-gwN.ini`` (written by scripts/test.sh), never on another
    worker's database, Solr core, Redis databases or ports."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    if worker != "gw0" and config.option.ckan_ini:
        own = os.path.join(os.path.dirname(os.path.abspath(config.option.ckan_ini)),
                           f"test-{worker}.ini")
        if not os.path.exists(own):
            raise pytest.UsageError(f"{own} is missing: run the suite through scripts/test.sh")
        config.option.ckan_ini = own


def pytest_collection_modifyitems(config, items):
    """The order in which a parallel run hands out its test modules (make
    test passes ``--no-loadscope-reorder``, so xdist keeps this order): the
    modules marked ``long_running`` first, then the others by their number of
    tests, most first. Handed out last, a module of several minutes (the leak
    scanner, the fuzz test) ran alone at the end while the other worker had
    nothing left to do. The tests of a module keep their own order."""
    modules: dict[str, list] = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::", 1)[0], []).append(item)

    def weight(tests):
        return (not any(t.get_closest_marker("long_running") for t in tests), -len(tests))

    items[:] = [t for tests in sorted(modules.values(), key=weight) for t in tests]


@pytest.fixture(scope="session")
def reset_db(reset_db):
    """CKAN's reset_db, keeping a pooled engine (``database.keep_pooled_engine``)."""
    def reset():
        reset_db()
        database.keep_pooled_engine()
    return reset


@pytest.fixture
def clean_db(with_plugins, reset_db, migrate_db_for):
    """CKAN's clean_db, plus the plugins' tables (``database.reset``)."""
    database.reset(reset_db, migrate_db_for)
