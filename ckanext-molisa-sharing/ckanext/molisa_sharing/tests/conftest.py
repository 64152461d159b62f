"""Fixtures of ckanext-molisa-sharing's tests: the world of
``ckanext.molisa.testing.factories`` (two units, their people, a dataset at
each access level) per test or per module, and the audit reader.

Everything goes through the real actions, PostgreSQL, Solr and the file
store; the SMTP server of ``ckanext.molisa.testing.smtp`` catches the mail.
"""
from __future__ import annotations

import pytest

from ckan import model

from ckanext.molisa.testing import database
from ckanext.molisa.testing.audit import Audit
from ckanext.molisa.testing.factories import build_world


@pytest.fixture
def world(clean_db, clean_index):
    return build_world()


@pytest.fixture(scope="module")
def module_world(reset_db, migrate_db_for, reset_index):
    """The same world, built once for a whole test module (read-only tests:
    the access matrix). Tests that use it also need ``with_plugins`` (CKAN
    unloads the plugins after every test); they must not use ``clean_db``."""
    import ckan.plugins as plugins

    plugins.load_all()
    try:
        database.reset(reset_db, migrate_db_for)
        reset_index()
        yield build_world()
    finally:
        model.Session.remove()
        plugins.unload_all()


@pytest.fixture
def audit(clean_db):
    """The audit log's events written since the test began
    (``audit.events(channel="sharing")``), from ckanext-molisa-audit's tests."""
    return Audit()

