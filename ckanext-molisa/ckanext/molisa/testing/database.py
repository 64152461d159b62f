"""The tests' database reset, once for the four suites.

``reset(reset_db, migrate_db_for)`` is what every ``clean_db`` does: the
sharing tables emptied in one statement (their foreign keys are made by the
migration, not declared on the models, so CKAN's table-by-table delete would
trip on them), the audit schema dropped as its owner (audit rows cannot be
deleted: a new chain starts) with the events still in the spool, CKAN's own reset, then the migrations of the
plugins that have tables (which must be loaded for them to be found) whose
tables are not already at their head revision: after the first reset of a
test process that is only the audit log's, the one schema dropped. Each
alembic run costs some 0.15-0.4 s even when there is nothing to do (it loads
its environment and scripts), and ``clean_db`` runs before most tests.
"""
from __future__ import annotations

import contextlib

import sqlalchemy as sa

from ckan import model
from ckan.common import config

#: plugins whose alembic migrations make tables, in the order they run
MIGRATED_PLUGINS = ("activity", "harvest", "molisa", "molisa_audit", "molisa_sharing",
                    "molisa_identity", "molisa_harvest")

#: tables with foreign keys between them, emptied in one statement
SHARING_TABLES = ("molisa_sharing_usage_report", "molisa_sharing_grant",
                  "molisa_sharing_request", "molisa_sharing_inbound",
                  "molisa_odl_notice", "molisa_odl_entry", "molisa_odl_version",
                  "molisa_report_notice", "molisa_report_message",
                  "molisa_report_hidden_resource", "molisa_report", "molisa_wiki_submission",
                  "molisa_wiki_reuse")


def reset(reset_db, migrate_db_for) -> None:
    from ckanext.molisa_audit import db

    with model.meta.engine.begin() as conn:
        existing = [t for t in SHARING_TABLES if conn.exec_driver_sql(
            "SELECT to_regclass(%s)", (t,)).scalar()]
        if existing:
            conn.exec_driver_sql("TRUNCATE " + ", ".join(existing))
    db.drop_audit_log()   # as its owner, through the admin role
    discard_spooled_events()
    reset_db()
    for plugin in MIGRATED_PLUGINS:
        if not _at_head(plugin):
            migrate_db_for(plugin)


#: each plugin's head revisions, read once per test process
_HEADS: dict[str, frozenset] = {}


def _at_head(plugin: str) -> bool:
    """Whether the plugin's alembic version table holds its head revisions."""
    heads = _HEADS.get(plugin)
    if heads is None:
        from alembic.config import Config
        from alembic.script import ScriptDirectory
        from ckan.cli.db import _resolve_alembic_config

        script = ScriptDirectory.from_config(Config(_resolve_alembic_config(plugin)))
        heads = _HEADS[plugin] = frozenset(script.get_heads())
    from ckanext.molisa_audit.model import SCHEMA as AUDIT_SCHEMA

    # the audit log keeps its version table in its own schema
    schema = f"{AUDIT_SCHEMA}." if plugin == "molisa_audit" else ""
    table = f"{schema}{plugin}_alembic_version"
    with model.meta.engine.connect() as conn:
        if not conn.exec_driver_sql("SELECT to_regclass(%s)", (table,)).scalar():
            return False
        current = frozenset(row[0] for row in conn.exec_driver_sql(
            f"SELECT version_num FROM {table}"))
    return current == heads


@contextlib.contextmanager
def module_site(reset_db, migrate_db_for, reset_index):
    """A clean site for a whole test module whose tests only read what one
    build made (CKAN's fixtures ``reset_db``, ``migrate_db_for`` and
    ``reset_index`` passed in): the plugins loaded, the database and the
    search index reset; afterwards the session removed and the plugins
    unloaded. The tests also need ``with_plugins`` (CKAN unloads the plugins
    after every test) and must not use ``clean_db``."""
    import ckan.plugins as plugins

    plugins.load_all()
    try:
        reset(reset_db, migrate_db_for)
        reset_index()
        yield
    finally:
        model.Session.remove()
        plugins.unload_all()


def discard_spooled_events() -> None:
    """Events an earlier test spooled and did not ship belong to the log just
    dropped: the shipper is told they are done (each spool file's offset set to
    its end), so that a test's first batch holds only its own events."""
    import os

    from ckanext.molisa_audit import recorder, spool

    directory = recorder.spool_dir()
    for spool_file in spool.spool_files(directory):
        spool_file.set_offset(os.path.getsize(spool_file.path))


def keep_pooled_engine() -> None:
    """The first reset of a test process runs CKAN core's migrations, whose
    ``env.py`` binds the model to its own ``NullPool`` engine: from then on
    every query would open a new PostgreSQL connection (about 12 ms each,
    some 70 per test world). This gives the model a pooled engine again, as
    the running portal has."""
    if isinstance(model.meta.engine.pool, sa.pool.NullPool):
        migration_engine = model.meta.engine
        model.Session.remove()
        model.init_model(sa.engine_from_config(dict(config)))
        migration_engine.dispose()
