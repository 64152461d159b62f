"""The connections of the sector-database harvester to a source database:
read-only, with a statement timeout, and each one written to the audit log
(channel ``harvest``, through the kernel's audit client) with its outcome;
an error's text never carries the source's password."""
from __future__ import annotations

import contextlib
import time
from typing import Any, Iterator

import sqlalchemy as sa

from ckanext.molisa import audit, personal_data
from ckanext.molisa.redact import redact

from .sector_db_config import SOURCE_TYPE

STATEMENT_TIMEOUT_MS = 300_000


@contextlib.contextmanager
def connect(source, conf, stage: str, job_id: str | None = None,
            dataset: str | None = None) -> Iterator[Any]:
    """A read-only connection to the source database, logged to the audit
    log (one event per connection, with its outcome)."""
    url = sa.engine.make_url(source.url)
    started = time.monotonic()
    status, error = 200, None
    event = {
        "channel": "harvest",
        "action": f"sector_db_{stage}",
        "connection_account": url.username or "",
        "client_addr": f"{url.host or 'localhost'}:{url.port or 5432}/{url.database}",
        "organizations": [source.owner_org] if getattr(source, "owner_org", None) else [],
        "extra": {"source_id": source.id, "source_type": SOURCE_TYPE, "stage": stage,
                  "job_id": job_id, "dataset": dataset,
                  "url": url.render_as_string(hide_password=True)},
    }
    if url.get_backend_name() != "postgresql":
        audit.record(**dict(event, status=400, error_class="ValueError",
                            error_message="only PostgreSQL sources are supported"))
        raise ValueError("only PostgreSQL sources (postgresql://...) are supported")
    timeout = int(conf.get("statement_timeout_ms") or STATEMENT_TIMEOUT_MS)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args={
        "options": f"-c default_transaction_read_only=on -c statement_timeout={timeout}"
                   f" -c search_path={conf['schema']},public",
        "application_name": "molisa-harvest", "connect_timeout": 10})
    conn = raw = None
    try:
        raw = engine.raw_connection()
        conn = raw.dbapi_connection
        conn.set_session(readonly=True)
        yield conn
    except Exception as e:
        status = 500
        error = e
        raise
    finally:
        if raw is not None:
            with contextlib.suppress(Exception):
                conn.rollback()
                raw.close()
        engine.dispose()
        if isinstance(error, personal_data.PersonalDataFound):
            status = 422
        audit.record(**dict(event, status=status,
                            duration_ms=(time.monotonic() - started) * 1000,
                            **({"error_class": type(error).__name__,
                                "error_message": error_text(error, source.url)[:500]}
                               if error else {})))


def error_text(error: Exception, url: str) -> str:
    """An error's message without the source's password (which a driver's
    message may quote without its URL)."""
    return redact(str(error), secrets=[sa.engine.make_url(url).password]).strip()
