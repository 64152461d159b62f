"""A warning when a read falls back from the replica to the primary.

make cluster (and production, docker/README.md) gives the read-only database
URLs (``ckan.datastore.read_url``, ``ckanext.molisa_audit.reports_read_url``)
two servers, the streaming replica first and the primary second:

    postgresql://user:PASSWORD@/db?host=replica:5432&host=primary:5432

libpq tries them in turn, so a stopped replica costs no error: the read goes
to the primary. This listener, on every SQLAlchemy engine, logs a warning
when a connection of such a URL did not land on the first server (never the
URL itself: it holds a password).
"""
from __future__ import annotations

import logging
import re

import sqlalchemy as sa

log = logging.getLogger(__name__)

_installed = False


def _first_port(dsn: str) -> str | None:
    m = re.search(r"(?:^|\s)port=([0-9,]+)", dsn)
    if not m or "," not in m.group(1):
        return None
    return m.group(1).split(",")[0]


def _on_connect(dbapi_connection, connection_record) -> None:
    try:
        first = _first_port(getattr(dbapi_connection, "dsn", "") or "")
        if first is None:
            return
        info = dbapi_connection.info
        if str(info.port) != first:
            log.warning("database %s: the read replica (port %s) did not answer; "
                        "reading from the primary (%s:%s) instead",
                        info.dbname, first, info.host, info.port)
    except Exception:  # a warning must never break a connection
        log.debug("replica fallback check failed", exc_info=True)


def install() -> None:
    global _installed
    if not _installed:
        sa.event.listen(sa.engine.Engine, "connect", _on_connect)
        _installed = True
